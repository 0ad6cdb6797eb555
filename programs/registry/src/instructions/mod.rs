//! One file per instruction, grouped by who calls them.

pub mod admin;
pub mod certifier;
pub mod oracle;
pub mod user;

use crate::{
    error::RegistryError,
    state::{Config, Meter},
    wire::{AdminConfig, AdminMeter},
};
use joule_common::account::{load, load_mut};
use pinocchio::{
    account::{Ref, RefMut},
    error::ProgramError,
    AccountView, Address,
};

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

/// Fails with `Paused` if any of `flags` is set in the config.
#[inline(always)]
pub(crate) fn require_unpaused(config: &Config, flags: u8) -> Result<(), ProgramError> {
    if config.is_paused(flags) {
        return Err(RegistryError::Paused.into());
    }
    Ok(())
}

/// Loads a meter for writing; an account that is not a meter of this
/// program fails with `MeterNotRegistered`.
#[inline(always)]
pub(crate) fn load_meter_mut<'a>(
    meter: &'a mut AccountView,
    program_id: &Address,
) -> Result<RefMut<'a, Meter>, ProgramError> {
    if !meter.owned_by(program_id) {
        return Err(RegistryError::MeterNotRegistered.into());
    }
    load_mut(meter, program_id)
}

/// Accounts of the admin's config changes (`propose_admin`, `set_oracles`,
/// `set_pause`): `[admin (s), config (w)]`.
pub struct AdminConfigAccounts<'a> {
    /// `[signer]` the config admin.
    pub admin: &'a AccountView,
    /// `[writable]` the `Config`, whose admin signed.
    pub config: RefMut<'a, Config>,
}

impl<'a> AdminConfigAccounts<'a> {
    #[inline(always)]
    pub fn parse(
        accounts: &'a mut [AccountView],
        program_id: &Address,
    ) -> Result<Self, ProgramError> {
        let (named, _) = AdminConfig::split(accounts)?;
        let AdminConfig { admin, config } = AdminConfig::from_array(named);
        joule_common::validate::signer(admin)?;
        let config = load_mut::<Config>(config, program_id)?;
        if &config.admin != admin.address() {
            return Err(RegistryError::NotAdmin.into());
        }
        Ok(Self { admin, config })
    }
}

/// Accounts of the admin's meter changes (`activate_meter`,
/// `suspend_meter`, `reassign_meter`): `[admin (s), config, meter (w)]`.
pub struct AdminMeterAccounts<'a> {
    /// `[signer]` the config admin.
    pub admin: &'a AccountView,
    /// The meter's address.
    pub meter_key: Address,
    /// `[writable]` a `Meter` of this program.
    pub meter: RefMut<'a, Meter>,
}

impl<'a> AdminMeterAccounts<'a> {
    #[inline(always)]
    pub fn parse(
        accounts: &'a mut [AccountView],
        program_id: &Address,
    ) -> Result<Self, ProgramError> {
        let (named, _) = AdminMeter::split(accounts)?;
        let AdminMeter {
            admin,
            config,
            meter,
        } = AdminMeter::from_array(named);
        drop(load_config_as_admin(config, admin, program_id)?);
        let meter_key = *meter.address();
        let meter = load_meter_mut(meter, program_id)?;
        Ok(Self {
            admin,
            meter_key,
            meter,
        })
    }
}
