use super::super::require_unpaused;
use crate::{
    error::RegistryError,
    events::{ReadingApplied, READINGS_SUBMITTED},
    state::{Config, Meter, MeterStatus, MAX_RATED_POWER_W, PAUSE_REGISTRY},
    wire::{submit_readings, Reading},
};
use alloc::vec::Vec;
use joule_common::{
    account::{load, AccountState},
    error::FrameworkError,
    event::{log_data, set_return_data},
    validate::{self, same_address},
    wire::FixedSize,
};
use pinocchio::{error::ProgramError, AccountView, Address, ProgramResult};

/// Size of one Borsh `Reading { timestamp: i64, export_register_wh: u64,
/// import_register_wh: u64 }`: the meter's raw cumulative registers.
pub const READING_LEN: usize = <Reading as FixedSize>::SIZE;
const _: () = assert!(READING_LEN == 24);
/// Most readings one instruction takes (a v0 transaction with a lookup
/// table can carry more than the 17 a legacy one fits).
pub const MAX_READINGS: usize = 64;
/// How far ahead of the cluster clock a reading may be timestamped.
pub const MAX_CLOCK_DRIFT_SECS: i64 = 300;
const SECONDS_PER_HOUR: u64 = 3_600;
const METER_DISCRIMINATOR: u64 = u64::from_le_bytes(Meter::DISCRIMINATOR);
const _: () = assert!(core::mem::size_of::<ReadingApplied>() == 56);
const _: () = assert!(MAX_RATED_POWER_W < 1 << 30);

/// Accounts of `submit_readings`.
///
/// Each meter is checked (owner, writable, size, discriminator) in the
/// readings loop, as its reading is applied, not in a pass of its own: a
/// second walk over up to 64 accounts would cost every batch, and a failed
/// check fails the whole batch either way.
pub struct SubmitReadingsAccounts<'a> {
    /// `[signer]` a key of the config's oracle set.
    pub oracle: &'a AccountView,
    /// `[writable]` the meters, one per reading, in order.
    pub meters: &'a mut [AccountView],
}

impl<'a> SubmitReadingsAccounts<'a> {
    #[inline(always)]
    pub fn parse(
        accounts: &'a mut [AccountView],
        program_id: &Address,
    ) -> Result<Self, ProgramError> {
        let (named, meters) = submit_readings::Accounts::split(accounts)?;
        let submit_readings::Accounts { oracle, config } =
            submit_readings::Accounts::from_array(named);
        validate::signer(oracle)?;
        let cfg = load::<Config>(config, program_id)?;
        require_unpaused(&cfg, PAUSE_REGISTRY)?;
        if !cfg.is_oracle(oracle.address()) {
            return Err(RegistryError::NotOracle.into());
        }
        Ok(Self { oracle, meters })
    }
}

/// `submit_readings(readings: Vec<Reading>)`: an oracle of the current set
/// records a batch of cumulative meter readings; reading `i` is for the
/// meter account at position `2 + i`.
///
/// Per reading: a timestamp not after the meter's last one (stale, or a
/// duplicate inside the batch or of an earlier batch), or not after the
/// meter's last activation (`Meter::activated_at`), is skipped and
/// reported, never failing the batch, so a keeper can resubmit safely. The
/// first reading after each activation (pending → active, suspended →
/// active) or owner reassignment only sets a new baseline and credits
/// nothing: neither a backdated first reading nor energy counted while the
/// meter was suspended is ever credited. Later readings credit the increase
/// of each register, and fail the batch with `RegisterDecreased` or
/// `ImpossibleIncrease` (above rated power × elapsed time) when it cannot
/// be real.
///
/// Return data: `wire::SUBMIT_READINGS_RESULT` (`applied: u16, skipped:
/// u16, skipped_mask: Vec<u8>`, bit `i` set = reading `i` skipped). Emits
/// `ReadingsSubmitted` with every applied reading.
///
/// Accounts: `[oracle (s), config, meter_0 (w), meter_1 (w), ...]`.
pub fn process(program_id: &Address, accounts: &mut [AccountView], args: &[u8]) -> ProgramResult {
    let submit_readings::Args { readings } = submit_readings::Args::parse(args)?;
    let (count, raw) = (readings.count(), readings.bytes());
    let SubmitReadingsAccounts { oracle, meters } =
        SubmitReadingsAccounts::parse(accounts, program_id)?;
    if count == 0 {
        return Err(RegistryError::EmptyBatch.into());
    }
    if count > MAX_READINGS {
        return Err(RegistryError::BatchTooLarge.into());
    }
    if count != meters.len() {
        return Err(RegistryError::ReadingCountMismatch.into());
    }
    let latest_allowed = joule_common::sysvar::unix_timestamp()?
        .checked_add(MAX_CLOCK_DRIFT_SECS)
        .ok_or(RegistryError::ArithmeticOverflow)?;

    // Event: disc + oracle + applied + skipped + Vec<ReadingApplied>, written
    // in place into a buffer sized for every reading.
    const HEAD: usize = 8 + 32 + 2 + 2 + 4;
    const ITEM: usize = core::mem::size_of::<ReadingApplied>();
    // count <= MAX_READINGS, so these sizes are small.
    let event_len = count.wrapping_mul(ITEM).wrapping_add(HEAD);
    let mut event: Vec<u8> = alloc::vec![0u8; event_len];
    event[..8].copy_from_slice(&READINGS_SUBMITTED);
    event[8..40].copy_from_slice(oracle.address().as_ref());
    let mut skipped_mask = [0u8; MAX_READINGS / 8];
    let mut applied: usize = 0;

    // A plain indexed loop with wrapping index arithmetic (all indices are
    // below `count <= 64`): iterator chains and overflow-checked index math
    // cost several times more in SBF.
    let mut i: usize = 0;
    while i < count {
        let at = i.wrapping_mul(READING_LEN);
        let ts = i64::from_le_bytes(field(raw, at));
        let export_register_wh = u64::from_le_bytes(field(raw, at.wrapping_add(8)));
        let import_register_wh = u64::from_le_bytes(field(raw, at.wrapping_add(16)));
        let meter = &mut meters[i];
        let key = meter.address().to_bytes();
        let m = meter_mut(meter, program_id)?;
        if m.status != MeterStatus::Active as u8 {
            return Err(RegistryError::MeterNotActive.into());
        }
        if ts > latest_allowed {
            return Err(RegistryError::ReadingInFuture.into());
        }
        let last_ts = m.last_reading_ts;
        // A reading was applied since the last activation: this one
        // credits. Otherwise it is the new baseline.
        let credit = last_ts > m.activated_at;
        // Stale: not after the meter's last reading, or dated at or before
        // its activation (a backdated baseline would widen the rated-power
        // bound over time the meter was not active). One of the two bounds
        // implies the other, so one compare.
        let floor = if credit { last_ts } else { m.activated_at };
        if ts <= floor {
            skipped_mask[i >> 3] |= 1 << (i & 7);
            i = i.wrapping_add(1);
            continue;
        }
        if credit {
            let (Some(d_export), Some(d_import)) = (
                export_register_wh.checked_sub(m.export_register_wh),
                import_register_wh.checked_sub(m.import_register_wh),
            ) else {
                return Err(RegistryError::RegisterDecreased.into());
            };
            // ts > last_ts here, so the difference is positive.
            let elapsed = ts.wrapping_sub(last_ts) as u64;
            if !possible(m.rated_power_w, elapsed, d_export.max(d_import)) {
                return Err(RegistryError::ImpossibleIncrease.into());
            }
            let (Some(exported), Some(imported)) = (
                m.exported_wh.checked_add(d_export),
                m.imported_wh.checked_add(d_import),
            ) else {
                return Err(RegistryError::ArithmeticOverflow.into());
            };
            m.exported_wh = exported;
            m.imported_wh = imported;
        }
        m.export_register_wh = export_register_wh;
        m.import_register_wh = import_register_wh;
        m.last_reading_ts = ts;
        let item = ReadingApplied {
            meter: Address::new_from_array(key),
            timestamp: ts,
            exported_wh: m.exported_wh,
            imported_wh: m.imported_wh,
        };
        let out = HEAD.wrapping_add(applied.wrapping_mul(ITEM));
        // `applied <= i < count`, so the slot is inside the buffer.
        event[out..out.wrapping_add(ITEM)].copy_from_slice(bytemuck::bytes_of(&item));
        applied = applied.wrapping_add(1);
        i = i.wrapping_add(1);
    }

    let applied = applied as u16;
    event.truncate((applied as usize).wrapping_mul(ITEM).wrapping_add(HEAD));
    // `count <= MAX_READINGS`, so both counts fit a u16 and the subtraction holds.
    let skipped = (count as u16).saturating_sub(applied);
    event[40..42].copy_from_slice(&applied.to_le_bytes());
    event[42..44].copy_from_slice(&skipped.to_le_bytes());
    event[44..48].copy_from_slice(&(applied as u32).to_le_bytes());
    log_data(&event);

    let mask_len = count.div_ceil(8);
    let mut ret = [0u8; 8 + MAX_READINGS / 8];
    ret[0..2].copy_from_slice(&applied.to_le_bytes());
    ret[2..4].copy_from_slice(&skipped.to_le_bytes());
    ret[4..8].copy_from_slice(&(mask_len as u32).to_le_bytes());
    let ret_len = mask_len.wrapping_add(8);
    ret[8..ret_len].copy_from_slice(&skipped_mask[..mask_len]);
    set_return_data(&ret[..ret_len]);
    Ok(())
}

#[inline(always)]
fn field(data: &[u8], at: usize) -> [u8; 8] {
    let mut b = [0u8; 8];
    b.copy_from_slice(&data[at..at.wrapping_add(8)]);
    b
}

/// The meter at `account`, borrowed mutably in place: the same checks as
/// `load_mut` (owner, writable, size, discriminator, alignment) without the
/// borrow bookkeeping, which this loop does not need.
#[inline(always)]
fn meter_mut<'a>(
    account: &'a mut AccountView,
    program_id: &Address,
) -> Result<&'a mut Meter, ProgramError> {
    if !same_address(account.owner(), program_id) {
        return Err(RegistryError::MeterNotRegistered.into());
    }
    if !account.is_writable() {
        return Err(FrameworkError::ConstraintMut.into());
    }
    // Meters are visited one at a time and each reference dies before the
    // next iteration, so no two live references alias even when a batch
    // names the same meter twice; nothing else borrows meter data here.
    account.check_borrow_mut()?;
    // SAFETY: see above; the borrow state was checked to be free.
    let data = unsafe { account.borrow_unchecked_mut() };
    if data.len() != Meter::SPACE || u64::from_le_bytes(field(data, 0)) != METER_DISCRIMINATOR {
        return Err(FrameworkError::AccountDiscriminatorMismatch.into());
    }
    bytemuck::try_from_bytes_mut::<Meter>(&mut data[8..])
        .map_err(|_| FrameworkError::AccountDiscriminatorMismatch.into())
}

/// Whether a register may rise by `delta_wh` in `elapsed` seconds at
/// `rated_power_w`: `delta_wh * 3600 <= rated_power_w * elapsed`, without a
/// division or a 128-bit multiply on the common path.
#[inline(always)]
fn possible(rated_power_w: u64, elapsed: u64, delta_wh: u64) -> bool {
    // rated_power_w <= 1 GW < 2^30 (checked at registration), so below
    // 2^33 seconds (until the year 2242) the product fits 63 bits.
    const ELAPSED_FAST: u64 = 1 << 33;
    if delta_wh > u64::MAX / SECONDS_PER_HOUR {
        // delta_wh * 3600 exceeds any 63-bit energy.
        return elapsed >= ELAPSED_FAST
            && (delta_wh as u128).wrapping_mul(SECONDS_PER_HOUR as u128)
                <= (rated_power_w as u128).wrapping_mul(elapsed as u128);
    }
    if elapsed < ELAPSED_FAST {
        delta_wh.wrapping_mul(SECONDS_PER_HOUR) <= rated_power_w.wrapping_mul(elapsed)
    } else {
        (delta_wh as u128).wrapping_mul(SECONDS_PER_HOUR as u128)
            <= (rated_power_w as u128).wrapping_mul(elapsed as u128)
    }
}
