use super::super::{load_config_as_admin, load_meter_mut};
use crate::wire::close_meter;
use crate::{error::RegistryError, events::MeterClosed, state::MeterStatus};
use joule_common::{cpi::close_account, error::FrameworkError, event::emit, validate};
use pinocchio::{error::ProgramError, AccountView, Address, ProgramResult};

/// Accounts of `close_meter`.
pub struct CloseMeterAccounts<'a> {
    /// `[signer]` the config admin.
    pub admin: &'a AccountView,
    /// `[writable]` a `Meter` of this program, closed here.
    pub meter: &'a mut AccountView,
    /// `[writable]` the meter's owner (not the meter itself); receives the rent.
    pub owner: &'a mut AccountView,
}

impl<'a> CloseMeterAccounts<'a> {
    #[inline(always)]
    pub fn parse(
        accounts: &'a mut [AccountView],
        program_id: &Address,
    ) -> Result<Self, ProgramError> {
        let (named, _) = close_meter::Accounts::split(accounts)?;
        let close_meter::Accounts {
            admin,
            config,
            meter,
            owner,
        } = close_meter::Accounts::from_array(named);
        drop(load_config_as_admin(config, admin, program_id)?);
        validate::writable(owner)?;
        let key = *meter.address();
        let m = load_meter_mut(meter, program_id)?;
        if &m.owner != owner.address() || owner.address() == &key {
            return Err(FrameworkError::ConstraintAddress.into());
        }
        drop(m);
        Ok(Self {
            admin,
            meter,
            owner,
        })
    }
}

/// `close_meter()`: the admin closes a pending meter (never activated, so
/// never credited) and returns its rent to its owner, the registrant. Its
/// serial can then be registered again: the admin's remedy for a squatted
/// serial when the squatter's declared kind or rated power is wrong too.
/// Closing and the rightful owner's `register_meter` can share one
/// transaction (signed by both), leaving no window to squat again.
///
/// Fails with `MeterNotPending` for an active or suspended meter (one that
/// may hold credited energy) and `ConstraintAddress` unless `owner` is the
/// meter's owner.
///
/// Accounts: `[admin (s), config, meter (w), owner (w)]`.
pub fn process(program_id: &Address, accounts: &mut [AccountView], args: &[u8]) -> ProgramResult {
    close_meter::Args::parse(args)?;
    let ctx = CloseMeterAccounts::parse(accounts, program_id)?;

    let key = *ctx.meter.address();
    let m = load_meter_mut(ctx.meter, program_id)?;
    if m.status != MeterStatus::Pending as u8
        || m.exported_wh != 0
        || m.imported_wh != 0
        || m.last_reading_ts != 0
    {
        return Err(RegistryError::MeterNotPending.into());
    }
    drop(m);
    let lamports = ctx.meter.lamports();
    close_account(ctx.meter, ctx.owner)?;
    emit(&MeterClosed {
        meter: key,
        owner: *ctx.owner.address(),
        lamports,
    });
    Ok(())
}
