use super::super::AdminConfigAccounts;
use crate::wire::{accept_admin, propose_admin};
use crate::{
    error::RegistryError,
    events::{AdminAccepted, AdminProposed},
    state::Config,
};
use joule_common::{account::load_mut, event::emit, handover, validate};
use pinocchio::{account::RefMut, error::ProgramError, AccountView, Address, ProgramResult};

/// `propose_admin(new_admin)`: the admin names a successor, who must accept.
/// Proposing the default address withdraws a proposal. Changes
/// `Config::pending_admin` only.
///
/// Accounts: `[admin (s), config (w)]`.
pub fn propose(program_id: &Address, accounts: &mut [AccountView], args: &[u8]) -> ProgramResult {
    let propose_admin::Args { new_admin } = propose_admin::Args::parse(args)?;
    let mut ctx = AdminConfigAccounts::parse(accounts, program_id)?;

    let cfg = &mut *ctx.config;
    handover::propose(&mut cfg.pending_admin, new_admin);
    emit(&AdminProposed {
        admin: cfg.admin,
        pending_admin: *new_admin,
    });
    Ok(())
}

/// Accounts of `accept_admin`.
pub struct AcceptAdminAccounts<'a> {
    /// `[signer]` the proposed admin.
    pub new_admin: &'a AccountView,
    /// `[writable]` the `Config`.
    pub config: RefMut<'a, Config>,
}

impl<'a> AcceptAdminAccounts<'a> {
    #[inline(always)]
    pub fn parse(
        accounts: &'a mut [AccountView],
        program_id: &Address,
    ) -> Result<Self, ProgramError> {
        let (named, _) = accept_admin::Accounts::split(accounts)?;
        let accept_admin::Accounts { new_admin, config } =
            accept_admin::Accounts::from_array(named);
        validate::signer(new_admin)?;
        let config = load_mut::<Config>(config, program_id)?;
        Ok(Self { new_admin, config })
    }
}

/// `accept_admin()`: the proposed admin signs and becomes admin. Changes
/// `Config::admin` and clears `pending_admin`.
///
/// Accounts: `[new_admin (s), config (w)]`.
pub fn accept(program_id: &Address, accounts: &mut [AccountView], args: &[u8]) -> ProgramResult {
    accept_admin::Args::parse(args)?;
    let mut ctx = AcceptAdminAccounts::parse(accounts, program_id)?;

    let cfg = &mut *ctx.config;
    let old_admin = handover::accept(
        &mut cfg.admin,
        &mut cfg.pending_admin,
        ctx.new_admin.address(),
        RegistryError::NotPendingAdmin,
    )?;
    emit(&AdminAccepted {
        old_admin,
        new_admin: cfg.admin,
    });
    Ok(())
}
