use super::super::AdminMeterAccounts;
use crate::wire::{activate_meter, suspend_meter};
use crate::{
    error::RegistryError,
    events::MeterStatusChanged,
    state::{Meter, MeterStatus},
};
use joule_common::event::emit;
use pinocchio::{AccountView, Address, ProgramResult};

/// Accounts of `activate_meter` and `suspend_meter`: `[admin (s), config, meter (w)]`.
fn set_status(
    program_id: &Address,
    accounts: &mut [AccountView],
    status: MeterStatus,
    check: impl FnOnce(&mut Meter) -> ProgramResult,
) -> ProgramResult {
    let mut ctx = AdminMeterAccounts::parse(accounts, program_id)?;

    let m = &mut *ctx.meter;
    let before = m.status;
    if before == status as u8 {
        return Err(RegistryError::InvalidStatusTransition.into());
    }
    check(m)?;
    m.status = status as u8;
    emit(&MeterStatusChanged {
        meter: ctx.meter_key,
        status_before: before,
        status_after: status as u8,
    });
    Ok(())
}

/// `activate_meter(expected_owner)`: the admin verifies a pending meter, or
/// re-activates a suspended one. Readings, minting and redemption need an
/// active meter.
///
/// Fails with `UnexpectedMeterOwner` unless the meter is owned by
/// `expected_owner` (the owner the admin verified off-chain), so a meter
/// whose public serial someone else registered first is never activated
/// for them by mistake (see `reassign_meter` and `close_meter`).
///
/// Every activation stamps `Meter::activated_at` (the cluster time, or the
/// last reading's timestamp if later): readings dated at or before it are
/// skipped, and the first reading after it only sets a new baseline. So
/// neither a backdated first reading nor the energy a meter counted while
/// suspended is ever credited. Credited energy not yet minted stays
/// mintable.
pub fn activate(program_id: &Address, accounts: &mut [AccountView], args: &[u8]) -> ProgramResult {
    let activate_meter::Args { expected_owner } = activate_meter::Args::parse(args)?;
    // A copy: cheaper here than keeping a pointer into the data alive.
    let expected_owner = *expected_owner;
    let now = joule_common::sysvar::unix_timestamp()?;
    set_status(program_id, accounts, MeterStatus::Active, |m| {
        if m.owner != expected_owner {
            return Err(RegistryError::UnexpectedMeterOwner.into());
        }
        m.stamp_activation(now);
        Ok(())
    })
}

/// `suspend_meter()`: the admin suspends a pending or active meter; its
/// readings, minting and redemption stop until it is re-activated (which
/// resets its reading baseline).
pub fn suspend(program_id: &Address, accounts: &mut [AccountView], args: &[u8]) -> ProgramResult {
    suspend_meter::Args::parse(args)?;
    set_status(program_id, accounts, MeterStatus::Suspended, |_| Ok(()))
}
