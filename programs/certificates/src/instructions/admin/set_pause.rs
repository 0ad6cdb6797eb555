use super::super::load_config_as_authority;
use crate::{
    error::CertificatesError,
    events::PauseSet,
    state::{Config, PAUSE_ALL},
};
use joule_common::{account::load_mut, args::Args, event::emit, validate};
use pinocchio::{AccountView, Address, ProgramResult};

/// `set_pause(flags)`: the certificate authority sets the pause flags
/// (`PAUSE_ISSUE` 1, `PAUSE_TRANSFER` 2 for transfers and splits,
/// `PAUSE_RETIRE` 4; 0 = nothing paused). Revocation is never paused.
/// Changes `Config::pause_flags` only.
///
/// Accounts: `[authority (s), config (w)]`.
pub fn process(program_id: &Address, accounts: &mut [AccountView], args: &[u8]) -> ProgramResult {
    let mut args = Args::new(args);
    let flags = args.u8()?;
    args.finish()?;
    if flags & !PAUSE_ALL != 0 {
        return Err(CertificatesError::InvalidPauseFlags.into());
    }
    let ([authority, config], _) = validate::take::<2>(accounts)?;
    drop(load_config_as_authority(config, authority, program_id)?);
    let mut cfg = load_mut::<Config>(config, program_id)?;
    let before = cfg.pause_flags;
    cfg.pause_flags = flags;
    emit(&PauseSet {
        authority: cfg.authority,
        flags_before: before,
        flags_after: flags,
    });
    Ok(())
}
