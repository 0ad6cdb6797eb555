//! One file per instruction, grouped by who calls them.

pub mod admin;
pub mod certifier;
pub mod oracle;
pub mod user;

/// Instruction discriminators (`sha256("global:<name>")[..8]`) as `u64` for
/// dispatch, and their names.
pub mod ix {
    joule_common::define_instructions! {
        INITIALIZE = "initialize",
        PROPOSE_ADMIN = "propose_admin",
        ACCEPT_ADMIN = "accept_admin",
        SET_ORACLES = "set_oracles",
        SET_PAUSE = "set_pause",
        REGISTER_METER = "register_meter",
        ACTIVATE_METER = "activate_meter",
        SUSPEND_METER = "suspend_meter",
        PROPOSE_METER_TRANSFER = "propose_meter_transfer",
        ACCEPT_METER_TRANSFER = "accept_meter_transfer",
        SUBMIT_READINGS = "submit_readings",
        MINT_ENERGY = "mint_energy",
        REDEEM_CONSUMPTION = "redeem_consumption",
        RECORD_CERTIFIED = "record_certified",
        REASSIGN_METER = "reassign_meter",
        CLOSE_METER = "close_meter",
    }
}

use crate::{error::RegistryError, state::Config};
use joule_common::account::load;
use pinocchio::{account::Ref, error::ProgramError, AccountView, Address};

/// Loads the config and checks that `admin` signed and is its admin.
#[inline(always)]
pub(crate) fn load_config_as_admin<'a>(
    config: &'a AccountView,
    admin: &AccountView,
    program_id: &Address,
) -> Result<Ref<'a, Config>, ProgramError> {
    joule_common::validate::signer(admin)?;
    let cfg = load::<Config>(config, program_id)?;
    if &cfg.admin != admin.address() {
        return Err(RegistryError::NotAdmin.into());
    }
    Ok(cfg)
}

/// Loads the config and fails with `Paused` if any of `flags` is set.
#[inline(always)]
pub(crate) fn load_config_unpaused<'a>(
    config: &'a AccountView,
    program_id: &Address,
    flags: u8,
) -> Result<Ref<'a, Config>, ProgramError> {
    let cfg = load::<Config>(config, program_id)?;
    if cfg.is_paused(flags) {
        return Err(RegistryError::Paused.into());
    }
    Ok(cfg)
}

/// Loads a meter for writing; an account that is not a meter of this
/// program fails with `MeterNotRegistered`.
#[inline(always)]
pub(crate) fn load_meter_mut<'a>(
    meter: &'a mut AccountView,
    program_id: &Address,
) -> Result<pinocchio::account::RefMut<'a, crate::state::Meter>, ProgramError> {
    if !meter.owned_by(program_id) {
        return Err(RegistryError::MeterNotRegistered.into());
    }
    joule_common::account::load_mut(meter, program_id)
}
