use super::super::load_config_as_admin;
use crate::{
    error::RegistryError,
    events::PauseSet,
    state::{Config, PAUSE_ALL},
};
use joule_common::{account::load_mut, args::Args, event::emit, validate};
use pinocchio::{AccountView, Address, ProgramResult};

/// `set_pause(flags)`: the admin sets the pause flags (`PAUSE_REGISTRY`,
/// `PAUSE_MARKET`, `PAUSE_CERTIFICATES`; 0 = nothing paused). Changes
/// `Config::pause_flags` only.
pub fn process(program_id: &Address, accounts: &mut [AccountView], args: &[u8]) -> ProgramResult {
    let mut args = Args::new(args);
    let flags = args.u8()?;
    args.finish()?;
    if flags & !PAUSE_ALL != 0 {
        return Err(RegistryError::InvalidPauseFlags.into());
    }
    let ([admin, config], _) = validate::take::<2>(accounts)?;
    drop(load_config_as_admin(config, admin, program_id)?);
    let mut cfg = load_mut::<Config>(config, program_id)?;
    let before = cfg.pause_flags;
    cfg.pause_flags = flags;
    emit(&PauseSet {
        admin: cfg.admin,
        flags_before: before,
        flags_after: flags,
    });
    Ok(())
}
