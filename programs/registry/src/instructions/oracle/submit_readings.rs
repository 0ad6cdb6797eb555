use super::super::load_config_unpaused;
use crate::{
    error::RegistryError,
    events::{ReadingApplied, READINGS_SUBMITTED},
    state::{Meter, PAUSE_REGISTRY},
};
use alloc::vec::Vec;
use joule_common::{
    account::load_mut,
    args::Args,
    event::{log_data, set_return_data},
    validate,
};
use pinocchio::{
    error::ProgramError,
    sysvars::{clock::Clock, Sysvar},
    AccountView, Address, ProgramResult,
};

/// Size of one Borsh `Reading { timestamp: i64, exported_wh: u64, imported_wh: u64 }`.
pub const READING_LEN: usize = 24;
/// Most readings one instruction takes (a v0 transaction with a lookup
/// table can carry more than the 17 a legacy one fits).
pub const MAX_READINGS: usize = 64;
/// How far ahead of the cluster clock a reading may be timestamped.
pub const MAX_CLOCK_DRIFT_SECS: i64 = 300;
const SECONDS_PER_HOUR: u64 = 3_600;

/// `submit_readings(readings: Vec<Reading>)`: an oracle of the current set
/// records a batch of cumulative meter readings; reading `i` is for the
/// meter account at position `2 + i`.
///
/// Per reading: a timestamp not after the meter's last one (stale, or a
/// duplicate inside the batch or of an earlier batch) is skipped and
/// reported, never failing the batch, so a keeper can resubmit safely. The
/// first reading of a meter sets its baseline and credits nothing. Later
/// readings credit the increase of each register, and fail the batch with
/// `RegisterDecreased` or `ImpossibleIncrease` (above rated power × elapsed
/// time) when it cannot be real.
///
/// Return data (Borsh `SubmitReadingsResult`): `applied: u16, skipped: u16,
/// skipped_mask: Vec<u8>` (bit `i` set = reading `i` skipped). Emits
/// `ReadingsSubmitted` with every applied reading.
///
/// Accounts: `[oracle (s), config, meter_0 (w), meter_1 (w), ...]`.
pub fn process(program_id: &Address, accounts: &mut [AccountView], args: &[u8]) -> ProgramResult {
    let mut args = Args::new(args);
    let (count, raw) = args.vec_raw(READING_LEN)?;
    args.finish()?;
    let ([oracle, config], meters) = validate::take::<2>(accounts)?;
    validate::signer(oracle)?;
    let cfg = load_config_unpaused(config, program_id, PAUSE_REGISTRY)?;
    if !cfg.is_oracle(oracle.address()) {
        return Err(RegistryError::NotOracle.into());
    }
    drop(cfg);
    if count == 0 {
        return Err(RegistryError::EmptyBatch.into());
    }
    if count > MAX_READINGS {
        return Err(RegistryError::BatchTooLarge.into());
    }
    if count != meters.len() {
        return Err(RegistryError::ReadingCountMismatch.into());
    }
    let latest_allowed = Clock::get()?
        .unix_timestamp
        .checked_add(MAX_CLOCK_DRIFT_SECS)
        .ok_or(RegistryError::ArithmeticOverflow)?;

    // Event: disc + oracle + applied + skipped + Vec<ReadingApplied>.
    const HEAD: usize = 8 + 32 + 2 + 2 + 4;
    let item = core::mem::size_of::<ReadingApplied>();
    let mut event: Vec<u8> = Vec::with_capacity(HEAD + count * item);
    event.extend_from_slice(&READINGS_SUBMITTED);
    event.extend_from_slice(oracle.address().as_ref());
    event.extend_from_slice(&[0u8; 8]);
    let mut skipped_mask = [0u8; MAX_READINGS / 8];
    let mut applied: u16 = 0;

    for (i, (meter, reading)) in meters.iter_mut().zip(raw.chunks_exact(READING_LEN)).enumerate() {
        let ts = i64::from_le_bytes(field(reading, 0));
        let export_register = u64::from_le_bytes(field(reading, 8));
        let import_register = u64::from_le_bytes(field(reading, 16));
        let key = *meter.address();
        if !meter.owned_by(program_id) {
            return Err(RegistryError::MeterNotRegistered.into());
        }
        let mut m = load_mut::<Meter>(meter, program_id)?;
        if !m.is_active() {
            return Err(RegistryError::MeterNotActive.into());
        }
        if ts > latest_allowed {
            return Err(RegistryError::ReadingInFuture.into());
        }
        if ts <= m.last_reading_ts {
            skipped_mask[i / 8] |= 1 << (i % 8);
            continue;
        }
        let (d_export, d_import) = if m.last_reading_ts == 0 {
            (0, 0)
        } else {
            apply(&m, ts, export_register, import_register)?
        };
        m.exported_wh = m.exported_wh.checked_add(d_export).ok_or(RegistryError::ArithmeticOverflow)?;
        m.imported_wh = m.imported_wh.checked_add(d_import).ok_or(RegistryError::ArithmeticOverflow)?;
        m.export_register_wh = export_register;
        m.import_register_wh = import_register;
        m.last_reading_ts = ts;
        event.extend_from_slice(bytemuck::bytes_of(&ReadingApplied {
            meter: key,
            timestamp: ts,
            exported_delta_wh: d_export,
            imported_delta_wh: d_import,
            exported_wh: m.exported_wh,
            imported_wh: m.imported_wh,
        }));
        applied += 1;
    }

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
    ret[8..8 + mask_len].copy_from_slice(&skipped_mask[..mask_len]);
    set_return_data(&ret[..8 + mask_len]);
    Ok(())
}

#[inline(always)]
fn field(reading: &[u8], at: usize) -> [u8; 8] {
    let mut b = [0u8; 8];
    b.copy_from_slice(&reading[at..at + 8]);
    b
}

/// The credited increases of a reading after the baseline, or why it is
/// impossible. Increases are bounded by rated power × elapsed time:
/// `delta_wh * 3600 <= rated_power_w * elapsed_s`.
#[inline(always)]
fn apply(m: &Meter, ts: i64, export_register: u64, import_register: u64) -> Result<(u64, u64), ProgramError> {
    let d_export = export_register
        .checked_sub(m.export_register_wh)
        .ok_or(RegistryError::RegisterDecreased)?;
    let d_import = import_register
        .checked_sub(m.import_register_wh)
        .ok_or(RegistryError::RegisterDecreased)?;
    // ts > last_reading_ts > 0 here, so the difference is positive.
    let elapsed = ts.checked_sub(m.last_reading_ts).ok_or(RegistryError::ArithmeticOverflow)? as u64;
    // An energy cap too large for a u64 is no cap on a u64 delta.
    let cap_wh = match m.rated_power_w.checked_mul(elapsed) {
        Some(ws) => ws / SECONDS_PER_HOUR,
        None => u64::MAX,
    };
    if d_export > cap_wh || d_import > cap_wh {
        return Err(RegistryError::ImpossibleIncrease.into());
    }
    Ok((d_export, d_import))
}
