use super::super::AuthorityConfigAccounts;
use crate::wire::set_pause;
use crate::{error::CertificatesError, events::PauseSet, state::PAUSE_ALL};
use joule_common::event::emit;
use pinocchio::{AccountView, Address, ProgramResult};

/// `set_pause(flags)`: the certificate authority sets the pause flags
/// (`PAUSE_ISSUE` 1, `PAUSE_TRANSFER` 2 for transfers and splits,
/// `PAUSE_RETIRE` 4; 0 = nothing paused). Revocation is never paused.
/// Changes `Config::pause_flags` only.
///
/// Accounts: `[authority (s), config (w)]`.
pub fn process(program_id: &Address, accounts: &mut [AccountView], args: &[u8]) -> ProgramResult {
    let set_pause::Args { flags } = set_pause::Args::parse(args)?;
    if flags & !PAUSE_ALL != 0 {
        return Err(CertificatesError::InvalidPauseFlags.into());
    }
    let mut ctx = AuthorityConfigAccounts::parse(accounts, program_id)?;

    let cfg = &mut *ctx.config;
    let before = cfg.pause_flags;
    cfg.pause_flags = flags;
    emit(&PauseSet {
        authority: cfg.authority,
        flags_before: before,
        flags_after: flags,
    });
    Ok(())
}
