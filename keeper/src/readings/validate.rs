//! Validation before anything is signed.
//!
//! The [`Validator`] takes one round's inputs (gateway readings, DISCOM
//! intervals, and the rejections of what could not be parsed) and, meter
//! by meter in serial order:
//!
//! 1. rejects entries of meters the book does not know or the chain does
//!    not have active;
//! 2. rejects what cannot be a reading on its own: dated before 2000 or
//!    after the clock, values beyond [`ValidationConfig::max_register_wh`],
//!    intervals of no or absurd length or with more energy than the
//!    meter's rated power gives over them;
//! 3. drops exact copies and rejects conflicting values for one instant or
//!    overlapping intervals;
//! 4. lets the DISCOM feed win: gateway readings inside the span its
//!    intervals cover are superseded (and compared: a difference beyond
//!    [`ValidationConfig::tolerance_wh`] is a [`WarningKind::SourceDisagreement`]);
//! 5. builds cumulative registers from the intervals, starting from the
//!    meter's last reading (on chain, or a gateway reading of this round
//!    before the intervals), or from its configured start registers when it
//!    has none; an interval straddling that reading counts pro rata, and
//!    a meter waiting for its baseline (new, or re-activated) gets one at
//!    the start of its first interval, so that interval is credited too;
//! 6. walks the meter's readings in time order with the registry's own
//!    rules (stale, register decrease, rated power × elapsed time, the
//!    baseline after an activation), so that nothing it accepts can fail a
//!    batch on chain.
//!
//! All register arithmetic is checked (the module denies
//! `clippy::arithmetic_side_effects`).

#![deny(clippy::arithmetic_side_effects)]

use super::{
    IntervalReading, Origin, Parsed, RegisterReading, RejectReason, Rejection, SourceKind, Warning,
    WarningKind,
};
use crate::meters::{MeterBook, MeterEntry};
use crate::timefmt::{format_utc, UNIX_2000};
use joule_sdk::registry::{Reading, MAX_CLOCK_DRIFT_SECS};
use joule_sdk::Pubkey;
use std::collections::HashMap;
use std::sync::Arc;

/// The largest register value taken as real: 10¹⁵ Wh (a 1 GW plant, the
/// largest rated power the registry accepts, runs 114 years to reach it).
pub const MAX_REGISTER_WH: u64 = 1_000_000_000_000_000;

const SECS_PER_HOUR: u128 = 3_600;
const MWH_PER_WH: u128 = 1_000;

/// Validation limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ValidationConfig {
    /// How far after the keeper's clock a reading may be dated. Capped at
    /// the registry's own allowance (`MAX_CLOCK_DRIFT_SECS`, 300 s), so a
    /// reading the keeper accepts never fails a batch on chain.
    pub max_future_secs: i64,
    /// Readings dated before this are absurd.
    pub min_timestamp: i64,
    /// Registers above this are absurd.
    pub max_register_wh: u64,
    /// Intervals longer than this are absurd.
    pub max_interval_secs: u32,
    /// How far a gateway's register may be from the DISCOM feed's (built
    /// from the intervals, interpolated inside an interval) before it is a
    /// [`WarningKind::SourceDisagreement`].
    pub tolerance_wh: u64,
}

impl Default for ValidationConfig {
    fn default() -> Self {
        Self {
            max_future_secs: 60,
            min_timestamp: UNIX_2000,
            max_register_wh: MAX_REGISTER_WH,
            max_interval_secs: 86_400,
            tolerance_wh: 100,
        }
    }
}

/// One round's inputs.
#[derive(Clone, Debug, Default)]
pub struct Inputs {
    gateway: Vec<RegisterReading>,
    intervals: Vec<IntervalReading>,
    rejections: Vec<Rejection>,
}

impl Inputs {
    pub fn new() -> Self {
        Self::default()
    }

    /// A gateway response (or any register source).
    pub fn add_gateway(&mut self, parsed: Parsed<RegisterReading>) {
        self.gateway.extend(parsed.items);
        self.rejections.extend(parsed.rejections);
    }

    /// A DISCOM feed (CSV or ESPI).
    pub fn add_intervals(&mut self, parsed: Parsed<IntervalReading>) {
        self.intervals.extend(parsed.items);
        self.rejections.extend(parsed.rejections);
    }

    /// A rejection from elsewhere (a file that could not be read).
    pub fn add_rejection(&mut self, rejection: Rejection) {
        self.rejections.push(rejection);
    }

    pub fn push_gateway(&mut self, reading: RegisterReading) {
        self.gateway.push(reading);
    }

    pub fn push_interval(&mut self, interval: IntervalReading) {
        self.intervals.push(interval);
    }

    /// Adds everything `other` holds.
    pub fn extend(&mut self, other: Inputs) {
        self.gateway.extend(other.gateway);
        self.intervals.extend(other.intervals);
        self.rejections.extend(other.rejections);
    }

    /// Readings and intervals held.
    pub fn len(&self) -> usize {
        self.gateway.len().saturating_add(self.intervals.len())
    }

    pub fn is_empty(&self) -> bool {
        self.gateway.is_empty() && self.intervals.is_empty() && self.rejections.is_empty()
    }
}

/// A reading that passed validation: what the oracle signs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accepted {
    /// The normalised serial.
    pub serial: Arc<str>,
    /// The meter's PDA.
    pub meter: Pubkey,
    pub reading: Reading,
    /// Whether the registry takes it as a baseline (the first reading after
    /// an activation), crediting nothing.
    pub baseline: bool,
    pub source: SourceKind,
    /// Where it came from (for an interval, the interval's entry).
    pub origin: Origin,
}

/// What a round of validation decided.
#[derive(Clone, Debug, Default)]
pub struct Outcome {
    /// The readings to submit: grouped by meter (in serial order), each
    /// meter's in time order.
    pub accepted: Vec<Accepted>,
    pub rejections: Vec<Rejection>,
    pub warnings: Vec<Warning>,
}

impl Outcome {
    /// The accepted readings as `submit_readings` takes them.
    pub fn packed(&self) -> Vec<(Pubkey, Reading)> {
        self.accepted.iter().map(|a| (a.meter, a.reading)).collect()
    }

    /// Counts by reason and kind.
    pub fn tally(&self) -> Tally {
        let mut t = Tally::default();
        t.add(self);
        t
    }

    /// Logs every rejection and warning (`tracing`): errors in the data at
    /// `warn`, the benign ones (stale, duplicate, superseded) at `debug`.
    pub fn log(&self) {
        for r in &self.rejections {
            let serial = r.serial.as_deref().unwrap_or("");
            if r.reason.is_benign() {
                tracing::debug!(reason = r.reason.name(), serial, origin = %r.origin, "{}", r.detail);
            } else {
                tracing::warn!(reason = r.reason.name(), serial, origin = %r.origin, "reading rejected: {}", r.detail);
            }
        }
        for w in &self.warnings {
            tracing::warn!(kind = w.kind.name(), serial = %w.serial, origin = %w.origin, "{}", w.detail);
        }
    }
}

/// Counters of outcomes, by reason: what the metrics export.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub accepted: u64,
    /// Indexed by [`RejectReason::index`].
    pub rejected: [u64; RejectReason::COUNT],
    /// Indexed by [`WarningKind::index`].
    pub warnings: [u64; WarningKind::COUNT],
}

impl Tally {
    pub fn add(&mut self, outcome: &Outcome) {
        let n = u64::try_from(outcome.accepted.len()).unwrap_or(u64::MAX);
        self.accepted = self.accepted.saturating_add(n);
        for r in &outcome.rejections {
            if let Some(c) = self.rejected.get_mut(r.reason.index()) {
                *c = c.saturating_add(1);
            }
        }
        for w in &outcome.warnings {
            if let Some(c) = self.warnings.get_mut(w.kind.index()) {
                *c = c.saturating_add(1);
            }
        }
    }

    pub fn rejected(&self, reason: RejectReason) -> u64 {
        self.rejected.get(reason.index()).copied().unwrap_or(0)
    }

    pub fn warned(&self, kind: WarningKind) -> u64 {
        self.warnings.get(kind.index()).copied().unwrap_or(0)
    }

    pub fn total_rejected(&self) -> u64 {
        self.rejected.iter().fold(0u64, |a, b| a.saturating_add(*b))
    }
}

/// Validates rounds of inputs against a meter book at a given time.
pub struct Validator<'a> {
    book: &'a MeterBook,
    cfg: ValidationConfig,
    now: i64,
}

#[derive(Default)]
struct MeterWork {
    gateway: Vec<RegisterReading>,
    intervals: Vec<IntervalReading>,
}

/// A meter's position: its last reading, as the chain will see it once the
/// readings accepted so far land.
struct Cursor {
    ts: i64,
    /// Readings at or before this are skipped on chain.
    floor: i64,
    export_wh: u64,
    import_wh: u64,
    /// Whether a reading was applied since the last activation (otherwise
    /// the next one is a baseline).
    has_baseline: bool,
    rated_power_w: u64,
}

type Check = Result<bool, (RejectReason, String)>;

impl Cursor {
    fn new(entry: &MeterEntry) -> Self {
        let v = &entry.view;
        let (export_wh, import_wh) = if v.last_reading_ts > 0 {
            (v.export_register_wh, v.import_register_wh)
        } else {
            entry.start_registers_wh
        };
        Self {
            ts: v.last_reading_ts,
            floor: v.floor(),
            export_wh,
            import_wh,
            has_baseline: !v.needs_baseline(),
            rated_power_w: v.rated_power_w,
        }
    }

    /// The registry's rules for a reading after this one: `Ok(baseline)`,
    /// or why it would be skipped or fail the batch.
    fn check(&self, ts: i64, export_wh: u64, import_wh: u64) -> Check {
        if ts <= self.floor {
            let why = if self.floor == self.ts {
                format!(
                    "not after the meter's last reading ({})",
                    format_utc(self.ts)
                )
            } else {
                format!(
                    "not after the meter's activation ({})",
                    format_utc(self.floor)
                )
            };
            return Err((RejectReason::Stale, why));
        }
        if !self.has_baseline {
            return Ok(true);
        }
        let (Some(d_export), Some(d_import)) = (
            export_wh.checked_sub(self.export_wh),
            import_wh.checked_sub(self.import_wh),
        ) else {
            let (name, now, before) = if export_wh < self.export_wh {
                ("export", export_wh, self.export_wh)
            } else {
                ("import", import_wh, self.import_wh)
            };
            return Err((
                RejectReason::RegisterDecreased,
                format!("{name} register {now} Wh is below the previous {before} Wh"),
            ));
        };
        // ts > floor >= self.ts.
        let elapsed = u128::try_from(ts.saturating_sub(self.ts)).unwrap_or(0);
        let delta = d_export.max(d_import);
        let allowed = u128::from(self.rated_power_w).saturating_mul(elapsed);
        if u128::from(delta).saturating_mul(SECS_PER_HOUR) > allowed {
            let name = if d_export >= d_import {
                "export"
            } else {
                "import"
            };
            return Err((
                RejectReason::AboveRatedPower,
                format!(
                    "{name} register rose {delta} Wh in {elapsed} s, more than {} W allows ({} Wh)",
                    self.rated_power_w,
                    allowed.checked_div(SECS_PER_HOUR).unwrap_or(0)
                ),
            ));
        }
        Ok(false)
    }

    fn advance(&mut self, ts: i64, export_wh: u64, import_wh: u64) {
        self.ts = ts;
        self.floor = ts;
        self.export_wh = export_wh;
        self.import_wh = import_wh;
        self.has_baseline = true;
    }
}

/// Interval energy over `[start, end]` as the registers (mWh) before and
/// after it: what a gateway reading inside it is compared with.
struct Segment {
    start: i64,
    end: i64,
    before: (u128, u128),
    after: (u128, u128),
}

impl Segment {
    /// The registers (mWh) at `t`, linearly interpolated.
    fn at(&self, t: i64) -> (u128, u128) {
        let span = u128::try_from(self.end.saturating_sub(self.start)).unwrap_or(0);
        let into = u128::try_from(t.saturating_sub(self.start)).unwrap_or(0);
        let lerp = |a: u128, b: u128| {
            b.saturating_sub(a)
                .saturating_mul(into)
                .checked_div(span)
                .map_or(b, |d| a.saturating_add(d))
        };
        (
            lerp(self.before.0, self.after.0),
            lerp(self.before.1, self.after.1),
        )
    }
}

impl<'a> Validator<'a> {
    /// `now`: the keeper's clock (Unix seconds).
    pub fn new(book: &'a MeterBook, cfg: ValidationConfig, now: i64) -> Self {
        Self { book, cfg, now }
    }

    fn latest_allowed(&self) -> i64 {
        let drift = self.cfg.max_future_secs.clamp(0, MAX_CLOCK_DRIFT_SECS);
        self.now.saturating_add(drift)
    }

    /// Validates one round.
    pub fn run(&self, inputs: Inputs) -> Outcome {
        let mut out = Outcome {
            accepted: Vec::with_capacity(inputs.len()),
            rejections: inputs.rejections,
            warnings: Vec::new(),
        };
        let mut work: HashMap<String, MeterWork> = HashMap::new();
        for r in inputs.gateway {
            match work.get_mut(&r.serial) {
                Some(w) => w.gateway.push(r),
                None => {
                    let mut w = MeterWork::default();
                    let serial = r.serial.clone();
                    w.gateway.push(r);
                    work.insert(serial, w);
                }
            }
        }
        for i in inputs.intervals {
            match work.get_mut(&i.serial) {
                Some(w) => w.intervals.push(i),
                None => {
                    let mut w = MeterWork::default();
                    let serial = i.serial.clone();
                    w.intervals.push(i);
                    work.insert(serial, w);
                }
            }
        }
        let mut meters: Vec<(String, MeterWork)> = work.into_iter().collect();
        meters.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        for (serial, w) in meters {
            self.meter(&serial, w, &mut out);
        }
        out
    }

    fn meter(&self, serial: &str, w: MeterWork, out: &mut Outcome) {
        let Some(entry) = self.book.get(serial) else {
            let why = format!("no meter with serial '{serial}' in the keeper's book");
            reject_all(w, RejectReason::UnknownSerial, &why, out);
            return;
        };
        if !entry.view.is_active() {
            let why = format!(
                "meter '{serial}' is {} on chain",
                entry.view.status.name().to_ascii_lowercase()
            );
            reject_all(w, RejectReason::MeterNotActive, &why, out);
            return;
        }
        let mut gateway = self.gateway_static(w.gateway, out);
        let intervals = self.intervals_static(entry, w.intervals, out);
        gateway.sort_by_key(|r| r.timestamp);
        let gateway = dedupe_gateway(gateway, out);
        let intervals = dedupe_intervals(intervals, out);

        let mut cursor = Cursor::new(entry);
        let span = match (
            intervals.first(),
            intervals.last().and_then(IntervalReading::end),
        ) {
            (Some(first), Some(end)) => Some((first.start, end)),
            _ => None,
        };
        let Some((span_start, span_end)) = span else {
            for r in gateway {
                self.gateway_reading(entry, &mut cursor, r, out);
            }
            return;
        };
        let mut during = Vec::new();
        let mut after = Vec::new();
        for r in gateway {
            if r.timestamp <= span_start {
                self.gateway_reading(entry, &mut cursor, r, out);
            } else if r.timestamp <= span_end {
                during.push(r);
            } else {
                after.push(r);
            }
        }
        let floor_before = cursor.floor;
        let segments = self.intervals(entry, &mut cursor, intervals, out);
        for r in during {
            self.superseded(&segments, floor_before, r, out);
        }
        for r in after {
            self.gateway_reading(entry, &mut cursor, r, out);
        }
    }

    /// Drops gateway readings that cannot be real on their own.
    fn gateway_static(
        &self,
        readings: Vec<RegisterReading>,
        out: &mut Outcome,
    ) -> Vec<RegisterReading> {
        let latest = self.latest_allowed();
        let mut kept = Vec::with_capacity(readings.len());
        for r in readings {
            let bad = if r.timestamp < self.cfg.min_timestamp {
                Some((
                    RejectReason::TimestampOutOfRange,
                    format!(
                        "dated {}, before {}",
                        format_utc(r.timestamp),
                        format_utc(self.cfg.min_timestamp)
                    ),
                ))
            } else if r.timestamp > latest {
                Some((
                    RejectReason::TimestampInFuture,
                    format!(
                        "dated {}, after the clock ({})",
                        format_utc(r.timestamp),
                        format_utc(self.now)
                    ),
                ))
            } else if r.export_register_wh.max(r.import_register_wh) > self.cfg.max_register_wh {
                Some((
                    RejectReason::AbsurdValue,
                    format!(
                        "registers {} / {} Wh exceed {} Wh",
                        r.export_register_wh, r.import_register_wh, self.cfg.max_register_wh
                    ),
                ))
            } else {
                None
            };
            match bad {
                Some((reason, why)) => out.rejections.push(reading_rejection(r, reason, why)),
                None => kept.push(r),
            }
        }
        kept
    }

    /// Drops intervals that cannot be real on their own.
    fn intervals_static(
        &self,
        entry: &MeterEntry,
        intervals: Vec<IntervalReading>,
        out: &mut Outcome,
    ) -> Vec<IntervalReading> {
        let latest = self.latest_allowed();
        let max_mwh = u128::from(self.cfg.max_register_wh).saturating_mul(MWH_PER_WH);
        let rated = u128::from(entry.view.rated_power_w);
        let mut kept = Vec::with_capacity(intervals.len());
        for iv in intervals {
            let bad = match iv.end() {
                _ if iv.import_mwh.is_none() && iv.export_mwh.is_none() => Some((
                    RejectReason::MalformedEntry,
                    "an interval with neither import nor export".to_string(),
                )),
                _ if iv.duration_secs == 0 || iv.duration_secs > self.cfg.max_interval_secs => {
                    Some((
                        RejectReason::TimestampOutOfRange,
                        format!(
                            "an interval of {} s (1 to {} s allowed)",
                            iv.duration_secs, self.cfg.max_interval_secs
                        ),
                    ))
                }
                None => Some((
                    RejectReason::TimestampOutOfRange,
                    "the interval ends after the year 292 billion".into(),
                )),
                Some(_) if iv.start < self.cfg.min_timestamp => Some((
                    RejectReason::TimestampOutOfRange,
                    format!(
                        "starts {}, before {}",
                        format_utc(iv.start),
                        format_utc(self.cfg.min_timestamp)
                    ),
                )),
                Some(end) if end > latest => Some((
                    RejectReason::TimestampInFuture,
                    format!(
                        "ends {}, after the clock ({})",
                        format_utc(end),
                        format_utc(self.now)
                    ),
                )),
                Some(_) => {
                    let most =
                        u128::from(iv.import_mwh.unwrap_or(0).max(iv.export_mwh.unwrap_or(0)));
                    // mWh * 3600 <= W * s * 1000
                    let allowed = rated
                        .saturating_mul(u128::from(iv.duration_secs))
                        .saturating_mul(MWH_PER_WH);
                    if most > max_mwh {
                        Some((
                            RejectReason::AbsurdValue,
                            format!(
                                "{} Wh in one interval",
                                most.checked_div(MWH_PER_WH).unwrap_or(0)
                            ),
                        ))
                    } else if most.saturating_mul(SECS_PER_HOUR) > allowed {
                        Some((
                            RejectReason::AboveRatedPower,
                            format!(
                                "{} Wh in {} s, more than {} W allows ({} Wh)",
                                mwh_text(most),
                                iv.duration_secs,
                                entry.view.rated_power_w,
                                mwh_text(allowed.checked_div(SECS_PER_HOUR).unwrap_or(0))
                            ),
                        ))
                    } else {
                        None
                    }
                }
            };
            match bad {
                Some((reason, why)) => out.rejections.push(interval_rejection(iv, reason, why)),
                None => kept.push(iv),
            }
        }
        kept
    }

    /// One gateway reading against the cursor.
    fn gateway_reading(
        &self,
        entry: &MeterEntry,
        cursor: &mut Cursor,
        r: RegisterReading,
        out: &mut Outcome,
    ) {
        match cursor.check(r.timestamp, r.export_register_wh, r.import_register_wh) {
            Ok(baseline) => {
                cursor.advance(r.timestamp, r.export_register_wh, r.import_register_wh);
                out.accepted.push(Accepted {
                    serial: Arc::clone(&entry.serial),
                    meter: entry.address,
                    reading: Reading {
                        timestamp: r.timestamp,
                        export_register_wh: r.export_register_wh,
                        import_register_wh: r.import_register_wh,
                    },
                    baseline,
                    source: SourceKind::Gateway,
                    origin: r.origin,
                });
            }
            Err((reason, why)) => out.rejections.push(reading_rejection(r, reason, why)),
        }
    }

    /// Builds registers from a meter's intervals (sorted, without overlaps)
    /// on the cursor and validates them; returns the segments they cover.
    fn intervals(
        &self,
        entry: &MeterEntry,
        cursor: &mut Cursor,
        intervals: Vec<IntervalReading>,
        out: &mut Outcome,
    ) -> Vec<Segment> {
        let anchor = cursor.ts;
        let mut acc = (
            u128::from(cursor.export_wh).saturating_mul(MWH_PER_WH),
            u128::from(cursor.import_wh).saturating_mul(MWH_PER_WH),
        );
        // Where the data so far ends, for gap warnings (none before the
        // first reading of a meter that has none).
        let mut covered_to = (anchor > 0).then_some(anchor);
        let max_mwh = u128::from(self.cfg.max_register_wh).saturating_mul(MWH_PER_WH);
        let mut segments = Vec::with_capacity(intervals.len());
        for iv in intervals {
            let Some(end) = iv.end() else { continue };
            if end <= anchor {
                let why = format!(
                    "the interval ends at or before the meter's last reading ({})",
                    format_utc(anchor)
                );
                out.rejections
                    .push(interval_rejection(iv, RejectReason::Stale, why));
                continue;
            }
            let start = iv.start.max(anchor);
            if let Some(to) = covered_to {
                if start > to {
                    out.warnings.push(Warning {
                        kind: WarningKind::IntervalGap,
                        serial: iv.serial.clone(),
                        timestamp: iv.start,
                        origin: iv.origin.clone(),
                        detail: format!(
                            "no interval data from {} to {}: that energy is not in the registers",
                            format_utc(to),
                            format_utc(iv.start)
                        ),
                    });
                }
            }
            covered_to = Some(end);
            // A meter waiting for a baseline gets one at the start of its
            // first interval after the activation, so that interval's
            // energy is credited rather than spent on the baseline.
            if !cursor.has_baseline && iv.start > cursor.floor && iv.start >= anchor {
                if let Some((e, i)) = whole_wh(acc, max_mwh) {
                    cursor.advance(iv.start, e, i);
                    out.accepted.push(Accepted {
                        serial: Arc::clone(&entry.serial),
                        meter: entry.address,
                        reading: Reading {
                            timestamp: iv.start,
                            export_register_wh: e,
                            import_register_wh: i,
                        },
                        baseline: true,
                        source: SourceKind::Discom,
                        origin: iv.origin.clone(),
                    });
                }
            }
            // A straddling interval counts for its part after the anchor.
            let part = |mwh: Option<u64>| -> u128 {
                let mwh = u128::from(mwh.unwrap_or(0));
                if iv.start >= anchor {
                    return mwh;
                }
                let after = u128::try_from(end.saturating_sub(anchor)).unwrap_or(0);
                mwh.saturating_mul(after)
                    .checked_div(u128::from(iv.duration_secs))
                    .unwrap_or(0)
            };
            let before = acc;
            let next = (
                before.0.saturating_add(part(iv.export_mwh)),
                before.1.saturating_add(part(iv.import_mwh)),
            );
            let registers = whole_wh(next, max_mwh);
            let checked = match registers {
                None => Err((
                    RejectReason::AbsurdValue,
                    format!("the registers would exceed {} Wh", self.cfg.max_register_wh),
                )),
                Some((e, i)) => cursor.check(end, e, i).map(|b| (b, e, i)),
            };
            match checked {
                Ok((baseline, export_wh, import_wh)) => {
                    acc = next;
                    cursor.advance(end, export_wh, import_wh);
                    out.accepted.push(Accepted {
                        serial: Arc::clone(&entry.serial),
                        meter: entry.address,
                        reading: Reading {
                            timestamp: end,
                            export_register_wh: export_wh,
                            import_register_wh: import_wh,
                        },
                        baseline,
                        source: SourceKind::Discom,
                        origin: iv.origin,
                    });
                }
                Err((reason, why)) => {
                    // Energy counted before an activation is still in the
                    // meter's registers; a rejected interval's is not.
                    if reason == RejectReason::Stale {
                        acc = next;
                    }
                    out.rejections.push(interval_rejection(iv, reason, why));
                }
            }
            segments.push(Segment {
                start,
                end,
                before,
                after: acc,
            });
        }
        segments
    }

    /// A gateway reading inside the DISCOM span: replaced, and compared.
    fn superseded(&self, segments: &[Segment], floor: i64, r: RegisterReading, out: &mut Outcome) {
        let t = r.timestamp;
        if t <= floor {
            let why = format!(
                "not after the meter's last reading or activation ({})",
                format_utc(floor)
            );
            out.rejections
                .push(reading_rejection(r, RejectReason::Stale, why));
            return;
        }
        // Segments are in time order and do not overlap.
        let i = segments.partition_point(|s| s.end < t);
        let seg = segments.get(i).filter(|s| s.start < t);
        let why = match seg {
            None => "inside the time a DISCOM feed covers for this meter".to_string(),
            Some(s) => {
                let (e, i) = s.at(t);
                let g = (
                    u128::from(r.export_register_wh).saturating_mul(MWH_PER_WH),
                    u128::from(r.import_register_wh).saturating_mul(MWH_PER_WH),
                );
                let diff = g.0.abs_diff(e).max(g.1.abs_diff(i));
                let tolerance = u128::from(self.cfg.tolerance_wh).saturating_mul(MWH_PER_WH);
                let discom = format!("the DISCOM feed gives {} / {} Wh", mwh_text(e), mwh_text(i));
                if diff > tolerance {
                    out.warnings.push(Warning {
                        kind: WarningKind::SourceDisagreement,
                        serial: r.serial.clone(),
                        timestamp: t,
                        origin: r.origin.clone(),
                        detail: format!(
                            "gateway registers {} / {} Wh (export / import) at {}, {discom}: {} Wh apart, tolerance {} Wh",
                            r.export_register_wh,
                            r.import_register_wh,
                            format_utc(t),
                            mwh_text(diff),
                            self.cfg.tolerance_wh
                        ),
                    });
                }
                discom
            }
        };
        out.rejections
            .push(reading_rejection(r, RejectReason::SupersededByDiscom, why));
    }
}

/// Registers in mWh as whole Wh (rounded down), if not above `max_mwh`.
fn whole_wh(mwh: (u128, u128), max_mwh: u128) -> Option<(u64, u64)> {
    if mwh.0.max(mwh.1) > max_mwh {
        return None;
    }
    let wh = |m: u128| u64::try_from(m.checked_div(MWH_PER_WH).unwrap_or(0)).ok();
    wh(mwh.0).zip(wh(mwh.1))
}

/// `mwh` as Wh with up to three decimals.
fn mwh_text(mwh: u128) -> String {
    let wh = mwh.checked_div(MWH_PER_WH).unwrap_or(0);
    let frac = mwh.checked_rem(MWH_PER_WH).unwrap_or(0);
    if frac == 0 {
        wh.to_string()
    } else {
        format!("{wh}.{frac:03}").trim_end_matches('0').to_string()
    }
}

fn reading_rejection(r: RegisterReading, reason: RejectReason, detail: String) -> Rejection {
    Rejection {
        reason,
        serial: Some(r.serial),
        timestamp: Some(r.timestamp),
        origin: r.origin,
        detail,
    }
}

fn interval_rejection(iv: IntervalReading, reason: RejectReason, detail: String) -> Rejection {
    Rejection {
        reason,
        timestamp: Some(iv.end().unwrap_or(iv.start)),
        serial: Some(iv.serial),
        origin: iv.origin,
        detail,
    }
}

fn reject_all(w: MeterWork, reason: RejectReason, why: &str, out: &mut Outcome) {
    for r in w.gateway {
        out.rejections
            .push(reading_rejection(r, reason, why.to_string()));
    }
    for iv in w.intervals {
        out.rejections
            .push(interval_rejection(iv, reason, why.to_string()));
    }
}

/// Of readings sorted by time: one per instant. Exact copies are
/// duplicates; different values for one instant are all rejected.
fn dedupe_gateway(sorted: Vec<RegisterReading>, out: &mut Outcome) -> Vec<RegisterReading> {
    let mut kept: Vec<RegisterReading> = Vec::with_capacity(sorted.len());
    let mut conflicted = false;
    for r in sorted {
        match kept.last() {
            Some(last) if last.timestamp == r.timestamp => {
                let same = last.export_register_wh == r.export_register_wh
                    && last.import_register_wh == r.import_register_wh;
                if same && !conflicted {
                    let why = format!("a copy of the reading at {}", last.origin);
                    out.rejections
                        .push(reading_rejection(r, RejectReason::Duplicate, why));
                } else {
                    let why = format!(
                        "another reading at {} ({}) has different registers",
                        format_utc(r.timestamp),
                        last.origin
                    );
                    out.rejections
                        .push(reading_rejection(r, RejectReason::NonMonotonic, why));
                    conflicted = true;
                }
            }
            _ => {
                if conflicted {
                    pop_conflicted_reading(&mut kept, out);
                }
                conflicted = false;
                kept.push(r);
            }
        }
    }
    if conflicted {
        pop_conflicted_reading(&mut kept, out);
    }
    kept
}

fn pop_conflicted_reading(kept: &mut Vec<RegisterReading>, out: &mut Outcome) {
    if let Some(r) = kept.pop() {
        let why = format!(
            "another reading at {} has different registers",
            format_utc(r.timestamp)
        );
        out.rejections
            .push(reading_rejection(r, RejectReason::NonMonotonic, why));
    }
}

/// Of intervals: sorted, the channels of one interval reported apart joined,
/// exact copies dropped, conflicting values and overlaps rejected.
fn dedupe_intervals(
    mut intervals: Vec<IntervalReading>,
    out: &mut Outcome,
) -> Vec<IntervalReading> {
    intervals.sort_by_key(|iv| (iv.start, iv.duration_secs));
    let mut kept: Vec<IntervalReading> = Vec::with_capacity(intervals.len());
    let mut conflicted = false;
    for iv in intervals {
        let Some(last) = kept.last_mut() else {
            kept.push(iv);
            continue;
        };
        if last.start == iv.start && last.duration_secs == iv.duration_secs {
            let mut new = false;
            let mut clash = false;
            for (mine, theirs) in [
                (&mut last.import_mwh, iv.import_mwh),
                (&mut last.export_mwh, iv.export_mwh),
            ] {
                match (*mine, theirs) {
                    (_, None) => {}
                    (None, Some(v)) => {
                        *mine = Some(v);
                        new = true;
                    }
                    (Some(a), Some(b)) => clash |= a != b,
                }
            }
            if clash || conflicted {
                conflicted = true;
                let why = format!(
                    "another interval at {} ({}) has different values",
                    format_utc(iv.start),
                    last.origin
                );
                out.rejections
                    .push(interval_rejection(iv, RejectReason::NonMonotonic, why));
            } else if !new {
                let why = format!("a copy of the interval at {}", last.origin);
                out.rejections
                    .push(interval_rejection(iv, RejectReason::Duplicate, why));
            }
            continue;
        }
        if conflicted {
            pop_conflicted_interval(&mut kept, out);
            conflicted = false;
        }
        let prev_end = kept.last().and_then(IntervalReading::end);
        match prev_end {
            Some(end) if iv.start < end => {
                let why = format!("overlaps the interval ending {}", format_utc(end));
                out.rejections.push(interval_rejection(
                    iv,
                    RejectReason::OverlappingInterval,
                    why,
                ));
            }
            _ => kept.push(iv),
        }
    }
    if conflicted {
        pop_conflicted_interval(&mut kept, out);
    }
    kept
}

fn pop_conflicted_interval(kept: &mut Vec<IntervalReading>, out: &mut Outcome) {
    if let Some(iv) = kept.pop() {
        let why = format!(
            "another interval at {} has different values",
            format_utc(iv.start)
        );
        out.rejections
            .push(interval_rejection(iv, RejectReason::NonMonotonic, why));
    }
}
