//! The validator: the registry's rules applied before signing, interval
//! data turned into registers, the DISCOM feed winning over gateways.

use crate::common::*;
use joule_keeper::meters::{MeterBook, MeterView};
use joule_keeper::readings::{
    Inputs, IntervalReading, Outcome, RegisterReading, RejectReason, SourceKind, ValidationConfig,
    Validator, WarningKind,
};
use joule_sdk::registry::{MeterStatus, Reading, MAX_CLOCK_DRIFT_SECS};
use joule_sdk::Pubkey;
use std::collections::HashMap;

fn run(
    book: &MeterBook,
    now: i64,
    gateway: Vec<RegisterReading>,
    intervals: Vec<IntervalReading>,
) -> Outcome {
    run_with(book, ValidationConfig::default(), now, gateway, intervals)
}

fn run_with(
    book: &MeterBook,
    cfg: ValidationConfig,
    now: i64,
    gateway: Vec<RegisterReading>,
    intervals: Vec<IntervalReading>,
) -> Outcome {
    let mut inputs = Inputs::new();
    gateway.into_iter().for_each(|r| inputs.push_gateway(r));
    intervals.into_iter().for_each(|i| inputs.push_interval(i));
    Validator::new(book, cfg, now).run(inputs)
}

/// `(timestamp, export, import)` of the accepted readings.
fn regs(out: &Outcome) -> Vec<(i64, u64, u64)> {
    out.accepted
        .iter()
        .map(|a| {
            (
                a.reading.timestamp,
                a.reading.export_register_wh,
                a.reading.import_register_wh,
            )
        })
        .collect()
}

/// `(reason, timestamp)` of the rejections.
fn rejected(out: &Outcome) -> Vec<(RejectReason, Option<i64>)> {
    out.rejections
        .iter()
        .map(|r| (r.reason, r.timestamp))
        .collect()
}

#[test]
fn validate_rejects_unknown_and_inactive_meters() {
    let mut pending = active(1_000, 0, 0, 0);
    pending.status = MeterStatus::Pending;
    let mut suspended = active(1_000, T0 - 900, 0, 0);
    suspended.status = MeterStatus::Suspended;
    let b = book(&[
        ("P-1", pending),
        ("S-1", suspended),
        ("A-1", active(1_000, T0 - 900, 0, 0)),
    ]);
    let out = run(
        &b,
        T0 + 3_600,
        vec![
            reg("P-1", T0, 0, 1),
            reg("S-1", T0, 0, 1),
            reg("X-1", T0, 0, 1),
            reg("A-1", T0, 0, 1),
        ],
        vec![
            iv("X-1", T0, 900, Some(1), None),
            iv("S-1", T0, 900, Some(1), None),
        ],
    );
    assert_eq!(regs(&out), [(T0, 0, 1)]);
    let mut reasons = rejected(&out);
    reasons.sort();
    assert_eq!(
        reasons,
        [
            (RejectReason::UnknownSerial, Some(T0)),
            (RejectReason::UnknownSerial, Some(T0 + 900)),
            (RejectReason::MeterNotActive, Some(T0)),
            (RejectReason::MeterNotActive, Some(T0)),
            (RejectReason::MeterNotActive, Some(T0 + 900)),
        ]
    );
    assert!(out
        .rejections
        .iter()
        .any(|r| r.detail.contains("is pending on chain")));
}

#[test]
fn validate_rejects_timestamps_in_the_future_or_before_2000() {
    let b = book(&[("M", active(10_000, 0, 0, 0))]);
    let now = T0;
    let out = run(
        &b,
        now,
        vec![
            reg("M", 946_684_799, 0, 0),
            reg("M", now - 60, 0, 0),
            reg("M", now + 60, 0, 1),
            reg("M", now + 61, 0, 2),
        ],
        vec![],
    );
    assert_eq!(regs(&out), [(now - 60, 0, 0), (now + 60, 0, 1)]);
    assert_eq!(
        rejected(&out),
        [
            (RejectReason::TimestampOutOfRange, Some(946_684_799)),
            (RejectReason::TimestampInFuture, Some(now + 61))
        ]
    );
    // An interval that has not ended yet is in the future.
    let out = run(
        &b,
        now,
        vec![],
        vec![iv("M", now - 800, 900, Some(1), None)],
    );
    assert_eq!(
        rejected(&out),
        [(RejectReason::TimestampInFuture, Some(now + 100))]
    );
    // The allowance never exceeds the registry's own.
    let cfg = ValidationConfig {
        max_future_secs: 10_000,
        ..ValidationConfig::default()
    };
    let out = run_with(
        &b,
        cfg,
        now,
        vec![
            reg("M", now + MAX_CLOCK_DRIFT_SECS, 0, 0),
            reg("M", now + MAX_CLOCK_DRIFT_SECS + 1, 0, 1),
        ],
        vec![],
    );
    assert_eq!(out.accepted.len(), 1);
    assert_eq!(
        rejected(&out),
        [(
            RejectReason::TimestampInFuture,
            Some(now + MAX_CLOCK_DRIFT_SECS + 1)
        )]
    );
}

#[test]
fn validate_applies_the_registry_rules_in_time_order() {
    // 3,600 W: 900 s allow 900 Wh.
    let b = book(&[("M", active(3_600, T0, 1_000, 5_000))]);
    let out = run(
        &b,
        T0 + 86_400,
        vec![
            // Given out of order: validated in time order.
            reg("M", T0 + 2_700, 1_900, 5_100),
            reg("M", T0, 1_000, 5_000),
            reg("M", T0 - 900, 900, 4_900),
            reg("M", T0 + 900, 1_900, 5_000),
            reg("M", T0 + 1_800, 1_800, 5_000),
            reg("M", T0 + 3_600, 2_801, 5_100),
            reg("M", T0 + 4_500, 2_800, 5_200),
        ],
        vec![],
    );
    assert_eq!(
        regs(&out),
        [
            (T0 + 900, 1_900, 5_000),
            (T0 + 2_700, 1_900, 5_100),
            (T0 + 4_500, 2_800, 5_200)
        ]
    );
    assert_eq!(
        rejected(&out),
        [
            (RejectReason::Stale, Some(T0 - 900)),
            (RejectReason::Stale, Some(T0)),
            (RejectReason::RegisterDecreased, Some(T0 + 1_800)),
            (RejectReason::AboveRatedPower, Some(T0 + 3_600)),
        ]
    );
    assert!(out.rejections[2]
        .detail
        .contains("export register 1800 Wh is below the previous 1900 Wh"));
    assert!(
        out.rejections[3].detail.contains("rose 901 Wh in 900 s"),
        "{}",
        out.rejections[3].detail
    );
    assert!(out
        .accepted
        .iter()
        .all(|a| !a.baseline && a.source == SourceKind::Gateway));
}

#[test]
fn validate_follows_activation_baselines() {
    // Re-activated at T0 after a suspension; its last reading is older.
    let view = MeterView {
        activated_at: T0,
        ..active(1_000, T0 - 86_400, 10, 10)
    };
    let b = book(&[("M", view)]);
    let out = run(
        &b,
        T0 + 86_400,
        vec![
            reg("M", T0 - 3_600, 20, 20),
            reg("M", T0, 30, 30),
            // Far more than 1 kW since the last reading: only a baseline.
            reg("M", T0 + 60, 900_000, 30),
            reg("M", T0 + 3_660, 901_000, 30),
            reg("M", T0 + 3_720, 902_000, 30),
        ],
        vec![],
    );
    assert_eq!(
        regs(&out),
        [(T0 + 60, 900_000, 30), (T0 + 3_660, 901_000, 30)]
    );
    assert!(out.accepted[0].baseline && !out.accepted[1].baseline);
    assert_eq!(
        rejected(&out),
        [
            (RejectReason::Stale, Some(T0 - 3_600)),
            (RejectReason::Stale, Some(T0)),
            (RejectReason::AboveRatedPower, Some(T0 + 3_720)),
        ]
    );
    assert!(out.rejections[1].detail.contains("activation"));
}

#[test]
fn validate_drops_copies_and_rejects_two_values_for_one_instant() {
    let b = book(&[("M", active(10_000, 0, 0, 0))]);
    let out = run(
        &b,
        T0 + 86_400,
        vec![
            reg("M", T0, 0, 100),
            reg("M", T0, 0, 100),
            reg("M", T0 + 900, 0, 200),
            reg("M", T0 + 900, 0, 201),
            reg("M", T0 + 1_800, 0, 300),
        ],
        vec![],
    );
    assert_eq!(regs(&out), [(T0, 0, 100), (T0 + 1_800, 0, 300)]);
    let mut r = rejected(&out);
    r.sort();
    assert_eq!(
        r,
        [
            (RejectReason::Duplicate, Some(T0)),
            (RejectReason::NonMonotonic, Some(T0 + 900)),
            (RejectReason::NonMonotonic, Some(T0 + 900)),
        ]
    );
}

#[test]
fn validate_rejects_absurd_values() {
    let b = book(&[("M", active(1_000_000_000, 0, 0, 0))]);
    let out = run(
        &b,
        T0 + 86_400,
        vec![
            reg("M", T0, u64::MAX, 0),
            reg("M", T0 + 1, 0, 1_000_000_000_000_001),
        ],
        vec![iv("M", T0 + 900, 900, Some(1_000_000_000_000_001), None)],
    );
    assert!(out.accepted.is_empty());
    assert!(
        out.rejections
            .iter()
            .all(|r| r.reason == RejectReason::AbsurdValue),
        "{:?}",
        rejected(&out)
    );
    assert_eq!(out.rejections.len(), 3);
}

#[test]
fn validate_builds_registers_from_intervals_on_the_chain_register() {
    // Last reading on chain at T0 + 450, in the middle of the first interval.
    let b = book(&[("M", active(10_000, T0 + 450, 7_000, 100_000))]);
    let out = run(
        &b,
        T0 + 86_400,
        vec![],
        vec![
            iv("M", T0 - 900, 900, Some(500), Some(0)),
            // Straddles the chain's reading: half of it counts.
            iv("M", T0, 900, Some(400), Some(100)),
            iv("M", T0 + 900, 900, Some(300), Some(0)),
            // A gap of 30 minutes.
            iv("M", T0 + 3_600, 900, Some(200), Some(50)),
        ],
    );
    assert_eq!(
        regs(&out),
        [
            (T0 + 900, 7_050, 100_200),
            (T0 + 1_800, 7_050, 100_500),
            (T0 + 4_500, 7_100, 100_700)
        ]
    );
    assert_eq!(rejected(&out), [(RejectReason::Stale, Some(T0))]);
    assert_eq!(out.warnings.len(), 1);
    assert_eq!(out.warnings[0].kind, WarningKind::IntervalGap);
    assert!(out.warnings[0]
        .detail
        .contains("from 2026-03-01T00:30:00Z to 2026-03-01T01:00:00Z"));

    // A new meter starts from its configured registers, with a baseline
    // at the start of its first interval; fractions of a Wh carry over.
    let mut b = book(&[]);
    b.insert("N", active(1_000, 0, 0, 0)).start_registers_wh = (40, 2_000);
    let half = |start| {
        let mut i = iv("N", start, 900, None, None);
        i.import_mwh = Some(500);
        i.export_mwh = Some(250);
        i
    };
    let ivs = (0..4).map(|k| half(T0 + k * 900)).collect();
    let out = run(&b, T0 + 86_400, vec![], ivs);
    assert_eq!(
        regs(&out),
        [
            (T0, 40, 2_000),
            (T0 + 900, 40, 2_000),
            (T0 + 1_800, 40, 2_001),
            (T0 + 2_700, 40, 2_001),
            (T0 + 3_600, 41, 2_002)
        ]
    );
    assert!(out.accepted[0].baseline && !out.accepted[1].baseline);
    assert!(out.warnings.is_empty());
}

#[test]
fn validate_joins_channels_and_rejects_conflicting_or_overlapping_intervals() {
    let b = book(&[("M", active(10_000, T0, 0, 0))]);
    let out = run(
        &b,
        T0 + 86_400,
        vec![],
        vec![
            // Import and export of one interval in two entries (ESPI).
            iv("M", T0, 900, Some(100), None),
            iv("M", T0, 900, None, Some(30)),
            // An exact copy.
            iv("M", T0, 900, Some(100), None),
            // Two values for one interval: both rejected.
            iv("M", T0 + 900, 900, Some(100), None),
            iv("M", T0 + 900, 900, Some(101), None),
            iv("M", T0 + 1_800, 900, Some(100), Some(0)),
            // Overlaps the one before.
            iv("M", T0 + 1_800, 1_800, Some(300), Some(0)),
            iv("M", T0 + 2_000, 900, Some(1), Some(0)),
            iv("M", T0 + 2_700, 900, Some(100), Some(0)),
        ],
    );
    assert_eq!(
        regs(&out),
        [
            (T0 + 900, 30, 100),
            (T0 + 2_700, 30, 200),
            (T0 + 3_600, 30, 300)
        ]
    );
    let mut r = rejected(&out);
    r.sort();
    assert_eq!(
        r,
        [
            (RejectReason::Duplicate, Some(T0 + 900)),
            (RejectReason::NonMonotonic, Some(T0 + 1_800)),
            (RejectReason::NonMonotonic, Some(T0 + 1_800)),
            (RejectReason::OverlappingInterval, Some(T0 + 2_900)),
            (RejectReason::OverlappingInterval, Some(T0 + 3_600)),
        ]
    );
    // The rejected interval leaves a gap.
    assert_eq!(out.warnings.len(), 1);
}

#[test]
fn validate_rejects_intervals_beyond_rated_power_or_of_absurd_length() {
    // 2 kW: 500 Wh per 900 s.
    let b = book(&[("M", active(2_000, T0, 0, 0))]);
    let out = run(
        &b,
        T0 + 3 * 86_400,
        vec![],
        vec![
            iv("M", T0, 900, Some(500), Some(0)),
            iv("M", T0 + 900, 900, Some(501), Some(0)),
            iv("M", T0 + 1_800, 900, Some(0), Some(500)),
            iv("M", T0 + 2_700, 0, Some(0), Some(0)),
            iv("M", T0 + 2_700, 86_401, Some(0), Some(0)),
        ],
    );
    assert_eq!(regs(&out), [(T0 + 900, 0, 500), (T0 + 2_700, 500, 500)]);
    let mut r = rejected(&out);
    r.sort();
    assert_eq!(
        r,
        [
            (RejectReason::TimestampOutOfRange, Some(T0 + 2_700)),
            (RejectReason::TimestampOutOfRange, Some(T0 + 2_700 + 86_401)),
            (RejectReason::AboveRatedPower, Some(T0 + 1_800)),
        ]
    );
}

#[test]
fn validate_lets_the_discom_feed_win_and_reports_disagreements() {
    let b = book(&[("M", active(10_000, T0, 1_000, 50_000))]);
    let out = run(
        &b,
        T0 + 86_400,
        vec![
            // Before the feed's span: accepted, and the intervals build on it.
            reg("M", T0 + 900, 1_000, 50_400),
            // Inside the span, agreeing (interpolated: 50,400 + 300 / 2).
            reg("M", T0 + 2_250, 1_000, 50_560),
            // Inside the span, 500 Wh off.
            reg("M", T0 + 3_600, 1_000, 51_400),
            // After the span.
            reg("M", T0 + 5_400, 1_000, 51_300),
        ],
        vec![
            iv("M", T0 + 1_800, 900, Some(300), Some(0)),
            iv("M", T0 + 2_700, 900, Some(200), Some(0)),
            iv("M", T0 + 3_600, 900, Some(100), Some(0)),
        ],
    );
    let sources: Vec<(i64, u64, SourceKind)> = out
        .accepted
        .iter()
        .map(|a| (a.reading.timestamp, a.reading.import_register_wh, a.source))
        .collect();
    assert_eq!(
        sources,
        [
            (T0 + 900, 50_400, SourceKind::Gateway),
            (T0 + 2_700, 50_700, SourceKind::Discom),
            (T0 + 3_600, 50_900, SourceKind::Discom),
            (T0 + 4_500, 51_000, SourceKind::Discom),
            (T0 + 5_400, 51_300, SourceKind::Gateway),
        ]
    );
    assert_eq!(
        rejected(&out),
        [
            (RejectReason::SupersededByDiscom, Some(T0 + 2_250)),
            (RejectReason::SupersededByDiscom, Some(T0 + 3_600))
        ]
    );
    // The gap before the span (T0 + 900 .. T0 + 1,800) and one disagreement.
    let kinds: Vec<WarningKind> = out.warnings.iter().map(|w| w.kind).collect();
    assert_eq!(
        kinds,
        [WarningKind::IntervalGap, WarningKind::SourceDisagreement]
    );
    let d = &out.warnings[1];
    assert_eq!(d.timestamp, T0 + 3_600);
    assert!(
        d.detail.contains("500 Wh apart, tolerance 100 Wh"),
        "{}",
        d.detail
    );
    assert_eq!(out.tally().warned(WarningKind::SourceDisagreement), 1);

    // A wider tolerance: no disagreement.
    let cfg = ValidationConfig {
        tolerance_wh: 500,
        ..ValidationConfig::default()
    };
    let out = run_with(
        &b,
        cfg,
        T0 + 86_400,
        vec![reg("M", T0 + 900, 1_000, 50_500)],
        vec![iv("M", T0, 900, Some(1_000), Some(0))],
    );
    assert_eq!(out.tally().warned(WarningKind::SourceDisagreement), 0);
    assert_eq!(out.tally().rejected(RejectReason::SupersededByDiscom), 1);
}

#[test]
fn validate_packs_tallies_and_advances_the_book() {
    let mut b = book(&[
        ("B-2", active(5_000, T0, 0, 0)),
        ("A-1", active(5_000, T0, 0, 0)),
    ]);
    let out = run(
        &b,
        T0 + 86_400,
        vec![
            reg("B-2", T0 + 900, 0, 100),
            reg("A-1", T0 + 900, 10, 0),
            reg("A-1", T0 + 1_800, 20, 0),
            reg("A-1", T0 + 1_800, 20, 0),
        ],
        vec![],
    );
    // Grouped by meter in serial order, each in time order.
    let serials: Vec<&str> = out.accepted.iter().map(|a| &*a.serial).collect();
    assert_eq!(serials, ["A1", "A1", "B2"]);
    let packed = out.packed();
    assert_eq!(packed[2].0, b.get("B2").unwrap().address);
    assert_eq!(
        packed[2].1,
        Reading {
            timestamp: T0 + 900,
            export_register_wh: 0,
            import_register_wh: 100
        }
    );
    let t = out.tally();
    assert_eq!(
        (
            t.accepted,
            t.total_rejected(),
            t.rejected(RejectReason::Duplicate)
        ),
        (3, 1, 1)
    );
    for a in &out.accepted {
        b.record(a);
    }
    let v = b.get("A1").unwrap().view;
    assert_eq!((v.last_reading_ts, v.export_register_wh), (T0 + 1_800, 20));
    // Submitted again: stale.
    let again = run(&b, T0 + 86_400, vec![reg("A-1", T0 + 1_800, 20, 0)], vec![]);
    assert_eq!(rejected(&again), [(RejectReason::Stale, Some(T0 + 1_800))]);
}

/// A tiny deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The registry's `submit_readings` rules, per reading in order: `Err` if
/// the batch would fail, `Ok(false)` if the reading would be skipped.
fn chain_apply(view: &mut MeterView, r: &Reading, now: i64) -> Result<bool, String> {
    if view.status != MeterStatus::Active {
        return Err("MeterNotActive".into());
    }
    if r.timestamp > now + MAX_CLOCK_DRIFT_SECS {
        return Err("ReadingInFuture".into());
    }
    let credit = view.last_reading_ts > view.activated_at;
    let floor = if credit {
        view.last_reading_ts
    } else {
        view.activated_at
    };
    if r.timestamp <= floor {
        return Ok(false);
    }
    if credit {
        let (Some(de), Some(di)) = (
            r.export_register_wh.checked_sub(view.export_register_wh),
            r.import_register_wh.checked_sub(view.import_register_wh),
        ) else {
            return Err("RegisterDecreased".into());
        };
        let elapsed = (r.timestamp - view.last_reading_ts) as u128;
        if de.max(di) as u128 * 3_600 > view.rated_power_w as u128 * elapsed {
            return Err("ImpossibleIncrease".into());
        }
    }
    view.last_reading_ts = r.timestamp;
    view.export_register_wh = r.export_register_wh;
    view.import_register_wh = r.import_register_wh;
    Ok(true)
}

#[test]
fn validate_never_accepts_what_would_fail_or_be_skipped_on_chain() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let now = T0 + 86_400;
    for round in 0..200 {
        let mut b = MeterBook::new();
        let mut gateway = Vec::new();
        let mut intervals = Vec::new();
        for m in 0..8 {
            let serial = format!("R{round}-{m}");
            let rated = 500 + rng.below(20_000);
            let last = if rng.below(3) == 0 {
                0
            } else {
                T0 + rng.below(3_600) as i64
            };
            let view = MeterView {
                activated_at: if rng.below(4) == 0 {
                    last + rng.below(1_800) as i64
                } else {
                    0
                },
                ..active(rated, last, rng.below(1_000_000), rng.below(1_000_000))
            };
            b.insert(&serial, view);
            // Gateway readings around the truth, with noise: decreases,
            // spikes, copies, out-of-order and future times.
            let (mut e, mut i) = (view.export_register_wh, view.import_register_wh);
            let mut ts = T0;
            for _ in 0..rng.below(30) {
                ts += rng.below(1_800) as i64;
                e += rng.below(rated / 4 + 1);
                i += rng.below(rated / 4 + 1);
                let (re, ri) = match rng.below(10) {
                    0 => (e.saturating_sub(rng.below(100)), i),
                    1 => (e + rng.below(rated * 4), i),
                    _ => (e, i),
                };
                let t = if rng.below(20) == 0 {
                    now + rng.below(1_000) as i64
                } else {
                    ts
                };
                gateway.push(reg(&serial, t, re, ri));
                if rng.below(10) == 0 {
                    gateway.push(reg(&serial, t, re, ri + rng.below(2)));
                }
            }
            // Intervals from a random start, some too big, some overlapping.
            let mut start = T0 - 1_800 + rng.below(7_200) as i64;
            for _ in 0..rng.below(20) {
                let len = [300u32, 900, 1_800][rng.below(3) as usize];
                let cap = rated * u64::from(len) / 3_600;
                let imp = rng.below(cap + cap / 8 + 1);
                let exp = rng.below(cap + 1);
                intervals.push(iv(
                    &serial,
                    start,
                    len,
                    Some(imp),
                    if rng.below(5) == 0 { None } else { Some(exp) },
                ));
                start += i64::from(len) - if rng.below(15) == 0 { 100 } else { 0 }
                    + if rng.below(10) == 0 { 900 } else { 0 };
            }
        }
        let n_inputs = gateway.len() + intervals.len();
        let out = run(&b, now, gateway, intervals);
        // Every entry is accounted for once (plus at most one baseline per
        // meter made at the start of its intervals).
        let total = out.accepted.len() + out.rejections.len();
        assert!(
            total >= n_inputs && total <= n_inputs + 8,
            "round {round}: {total} for {n_inputs}"
        );
        // The chain applies every accepted reading, in order, without a
        // failure and without a skip.
        let mut views: HashMap<Pubkey, MeterView> = b.iter().map(|m| (m.address, m.view)).collect();
        for (meter, r) in out.packed() {
            let v = views.get_mut(&meter).unwrap();
            assert_eq!(
                chain_apply(v, &r, now),
                Ok(true),
                "round {round}: {r:?} on {v:?}"
            );
        }
    }
}
