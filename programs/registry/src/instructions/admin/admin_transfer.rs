use super::super::load_config_as_admin;
use crate::{
    error::RegistryError,
    events::{AdminAccepted, AdminProposed},
    state::Config,
};
use joule_common::{account::load_mut, args::Args, event::emit, validate};
use pinocchio::{AccountView, Address, ProgramResult};

/// `propose_admin(new_admin)`: the admin names a successor, who must accept.
/// Proposing the default address withdraws a proposal. Changes
/// `Config::pending_admin` only.
pub fn propose(program_id: &Address, accounts: &mut [AccountView], args: &[u8]) -> ProgramResult {
    let mut args = Args::new(args);
    let new_admin = *args.address()?;
    args.finish()?;
    let ([admin, config], _) = validate::take::<2>(accounts)?;
    drop(load_config_as_admin(config, admin, program_id)?);
    let mut cfg = load_mut::<Config>(config, program_id)?;
    cfg.pending_admin = new_admin;
    emit(&AdminProposed {
        admin: cfg.admin,
        pending_admin: new_admin,
    });
    Ok(())
}

/// `accept_admin()`: the proposed admin signs and becomes admin. Changes
/// `Config::admin` and clears `pending_admin`.
pub fn accept(program_id: &Address, accounts: &mut [AccountView], args: &[u8]) -> ProgramResult {
    Args::new(args).finish()?;
    let ([new_admin, config], _) = validate::take::<2>(accounts)?;
    validate::signer(new_admin)?;
    let mut cfg = load_mut::<Config>(config, program_id)?;
    if cfg.pending_admin == Address::default() || &cfg.pending_admin != new_admin.address() {
        return Err(RegistryError::NotPendingAdmin.into());
    }
    let old_admin = cfg.admin;
    cfg.admin = cfg.pending_admin;
    cfg.pending_admin = Address::default();
    emit(&AdminAccepted {
        old_admin,
        new_admin: cfg.admin,
    });
    Ok(())
}
