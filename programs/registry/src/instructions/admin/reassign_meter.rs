use super::super::AdminMeterAccounts;
use crate::wire::reassign_meter;
use crate::{error::RegistryError, events::MeterReassigned, state::MeterStatus};
use joule_common::event::emit;
use pinocchio::{AccountView, Address, ProgramResult};

/// `reassign_meter(new_owner)`: the admin's remedy for a squatted serial (or
/// an owner who lost their key): gives a pending or suspended meter to
/// `new_owner`. Clears any pending owner transfer, resets the reading
/// baseline (as an activation does: readings dated up to now are skipped,
/// the next one is a new baseline) and leaves the status unchanged; the
/// meter still needs `activate_meter(new_owner)` before it can be credited.
///
/// Refused, with nothing changed:
/// - `MeterIsActive` for an active meter: suspend it first, so readings
///   and mints cannot race the change of owner;
/// - `UnmintedEnergy` while exported energy is credited but not minted:
///   that energy belongs to the current owner and must be minted to them
///   first (activate, `mint_energy`, suspend and reassign can go in one
///   transaction). The admin can never redirect credited energy.
/// - `InvalidNewAuthority` for the default address.
///
/// Imported energy not yet redeemed and exported energy not yet certified
/// follow the meter, as with `accept_meter_transfer`.
///
/// Accounts: `[admin (s), config, meter (w)]`.
pub fn process(program_id: &Address, accounts: &mut [AccountView], args: &[u8]) -> ProgramResult {
    let reassign_meter::Args { new_owner } = reassign_meter::Args::parse(args)?;
    // A copy: cheaper here than keeping a pointer into the data alive.
    let new_owner = *new_owner;
    if new_owner == Address::default() {
        return Err(RegistryError::InvalidNewAuthority.into());
    }
    let mut ctx = AdminMeterAccounts::parse(accounts, program_id)?;

    let now = joule_common::sysvar::unix_timestamp()?;
    let m = &mut *ctx.meter;
    if m.status == MeterStatus::Active as u8 {
        return Err(RegistryError::MeterIsActive.into());
    }
    if m.mintable_wh() != 0 {
        return Err(RegistryError::UnmintedEnergy.into());
    }
    let owner_before = m.owner;
    m.owner = new_owner;
    m.pending_owner = Address::default();
    m.stamp_activation(now);
    emit(&MeterReassigned {
        meter: ctx.meter_key,
        owner_before,
        owner_after: new_owner,
        status: m.status,
    });
    Ok(())
}
