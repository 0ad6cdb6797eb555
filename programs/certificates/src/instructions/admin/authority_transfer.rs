use super::super::AuthorityConfigAccounts;
use crate::wire::{accept_authority, propose_authority};
use crate::{
    error::CertificatesError,
    events::{AuthorityAccepted, AuthorityProposed},
    state::Config,
};
use joule_common::{account::load_mut, event::emit, handover, validate};
use pinocchio::{account::RefMut, error::ProgramError, AccountView, Address, ProgramResult};

/// `propose_authority(new_authority)`: the certificate authority names a
/// successor, who must accept. Proposing the default address withdraws a
/// proposal. Changes `Config::pending_authority` only.
///
/// Accounts: `[authority (s), config (w)]`.
pub fn propose(program_id: &Address, accounts: &mut [AccountView], args: &[u8]) -> ProgramResult {
    let propose_authority::Args { new_authority } = propose_authority::Args::parse(args)?;
    let mut ctx = AuthorityConfigAccounts::parse(accounts, program_id)?;

    let cfg = &mut *ctx.config;
    handover::propose(&mut cfg.pending_authority, new_authority);
    emit(&AuthorityProposed {
        authority: cfg.authority,
        pending_authority: *new_authority,
    });
    Ok(())
}

/// Accounts of `accept_authority`.
pub struct AcceptAuthorityAccounts<'a> {
    /// `[signer]` the proposed authority.
    pub new_authority: &'a AccountView,
    /// `[writable]` the `Config`.
    pub config: RefMut<'a, Config>,
}

impl<'a> AcceptAuthorityAccounts<'a> {
    #[inline(always)]
    pub fn parse(
        accounts: &'a mut [AccountView],
        program_id: &Address,
    ) -> Result<Self, ProgramError> {
        let (named, _) = accept_authority::Accounts::split(accounts)?;
        let accept_authority::Accounts {
            new_authority,
            config,
        } = accept_authority::Accounts::from_array(named);
        validate::signer(new_authority)?;
        let config = load_mut::<Config>(config, program_id)?;
        Ok(Self {
            new_authority,
            config,
        })
    }
}

/// `accept_authority()`: the proposed authority signs and becomes the
/// certificate authority. Changes `Config::authority` and clears
/// `pending_authority`.
///
/// Accounts: `[new_authority (s), config (w)]`.
pub fn accept(program_id: &Address, accounts: &mut [AccountView], args: &[u8]) -> ProgramResult {
    accept_authority::Args::parse(args)?;
    let mut ctx = AcceptAuthorityAccounts::parse(accounts, program_id)?;

    let cfg = &mut *ctx.config;
    let old_authority = handover::accept(
        &mut cfg.authority,
        &mut cfg.pending_authority,
        ctx.new_authority.address(),
        CertificatesError::NotPendingAuthority,
    )?;
    emit(&AuthorityAccepted {
        old_authority,
        new_authority: cfg.authority,
    });
    Ok(())
}
