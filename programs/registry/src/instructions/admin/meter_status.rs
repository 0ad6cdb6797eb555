use super::super::{load_config_as_admin, load_meter_mut};
use crate::{error::RegistryError, events::MeterStatusChanged, state::MeterStatus};
use joule_common::{args::Args, event::emit, validate};
use pinocchio::{AccountView, Address, ProgramResult};

fn set_status(
    program_id: &Address,
    accounts: &mut [AccountView],
    args: &[u8],
    status: MeterStatus,
) -> ProgramResult {
    Args::new(args).finish()?;
    let ([admin, config, meter], _) = validate::take::<3>(accounts)?;
    drop(load_config_as_admin(config, admin, program_id)?);
    let key = *meter.address();
    let mut m = load_meter_mut(meter, program_id)?;
    let before = m.status;
    if before == status as u8 {
        return Err(RegistryError::InvalidStatusTransition.into());
    }
    m.status = status as u8;
    emit(&MeterStatusChanged {
        meter: key,
        status_before: before,
        status_after: status as u8,
    });
    Ok(())
}

/// `activate_meter()`: the admin verifies a pending meter, or re-activates a
/// suspended one. Readings, minting and redemption need an active meter.
pub fn activate(program_id: &Address, accounts: &mut [AccountView], args: &[u8]) -> ProgramResult {
    set_status(program_id, accounts, args, MeterStatus::Active)
}

/// `suspend_meter()`: the admin suspends a pending or active meter; its
/// readings, minting and redemption stop until it is re-activated.
pub fn suspend(program_id: &Address, accounts: &mut [AccountView], args: &[u8]) -> ProgramResult {
    set_status(program_id, accounts, args, MeterStatus::Suspended)
}
