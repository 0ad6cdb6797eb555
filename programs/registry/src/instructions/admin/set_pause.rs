use super::super::AdminConfigAccounts;
use crate::wire::set_pause;
use crate::{error::RegistryError, events::PauseSet, state::PAUSE_ALL};
use joule_common::event::emit;
use pinocchio::{AccountView, Address, ProgramResult};

/// `set_pause(flags)`: the admin sets the pause flags (`PAUSE_REGISTRY`,
/// `PAUSE_MARKET`, `PAUSE_CERTIFICATES`; 0 = nothing paused). Changes
/// `Config::pause_flags` only.
///
/// Accounts: `[admin (s), config (w)]`.
pub fn process(program_id: &Address, accounts: &mut [AccountView], args: &[u8]) -> ProgramResult {
    let set_pause::Args { flags } = set_pause::Args::parse(args)?;
    if flags & !PAUSE_ALL != 0 {
        return Err(RegistryError::InvalidPauseFlags.into());
    }
    let mut ctx = AdminConfigAccounts::parse(accounts, program_id)?;

    let cfg = &mut *ctx.config;
    let before = cfg.pause_flags;
    cfg.pause_flags = flags;
    emit(&PauseSet {
        admin: cfg.admin,
        flags_before: before,
        flags_after: flags,
    });
    Ok(())
}
