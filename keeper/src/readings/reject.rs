//! Why an entry was not submitted, and what was worth a warning: typed,
//! with stable snake_case names for metrics labels and JSON output.

use super::Origin;
use serde::Serialize;
use std::fmt;

/// Why a reading, an interval or a whole file was not submitted. The names
/// ([`RejectReason::name`]) are stable: they label metrics and appear in
/// `check-feed --output json`. New reasons are appended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectReason {
    /// The file or response cannot be read at all (not JSON, not XML, no
    /// header, truncated): nothing in it is used.
    MalformedFile,
    /// One entry (a JSON reading, a CSV row, an ESPI interval) cannot be
    /// read: a missing or mistyped field, an unknown field, a bad timestamp.
    MalformedEntry,
    /// ESPI data of a kind the keeper does not turn into registers (not
    /// energy in Wh, not interval deltas, not forward or reverse flow, not
    /// electricity).
    UnsupportedReadingType,
    /// No meter with this serial (or ESPI usage point) in the keeper's book.
    UnknownSerial,
    /// The meter is pending or suspended on chain; the registry would fail
    /// the whole batch.
    MeterNotActive,
    /// Dated after the keeper's clock plus the allowed drift; the registry
    /// would fail the whole batch.
    TimestampInFuture,
    /// Dated before 2000, or an interval of no or absurd length.
    TimestampOutOfRange,
    /// Not after the meter's last reading on chain (or its activation): the
    /// registry would skip it, so it is not sent.
    Stale,
    /// An exact copy of another entry of the same meter and time.
    Duplicate,
    /// Two different values for the same meter at the same instant.
    NonMonotonic,
    /// An interval overlapping an earlier interval of the same meter.
    OverlappingInterval,
    /// A negative energy or register value.
    NegativeValue,
    /// A value beyond anything a meter can show.
    AbsurdValue,
    /// A register below the meter's previous one; the registry would fail the
    /// whole batch.
    RegisterDecreased,
    /// More energy than the meter's rated power allows over the time elapsed
    /// (or over the interval); the registry would fail the whole batch.
    AboveRatedPower,
    /// A gateway reading for a meter and time a DISCOM feed also reports: the
    /// DISCOM value is used instead.
    SupersededByDiscom,
}

impl RejectReason {
    /// Every reason, in declaration order.
    pub const ALL: [RejectReason; 16] = [
        RejectReason::MalformedFile,
        RejectReason::MalformedEntry,
        RejectReason::UnsupportedReadingType,
        RejectReason::UnknownSerial,
        RejectReason::MeterNotActive,
        RejectReason::TimestampInFuture,
        RejectReason::TimestampOutOfRange,
        RejectReason::Stale,
        RejectReason::Duplicate,
        RejectReason::NonMonotonic,
        RejectReason::OverlappingInterval,
        RejectReason::NegativeValue,
        RejectReason::AbsurdValue,
        RejectReason::RegisterDecreased,
        RejectReason::AboveRatedPower,
        RejectReason::SupersededByDiscom,
    ];
    pub const COUNT: usize = Self::ALL.len();

    /// The stable snake_case name (a metrics label).
    pub fn name(self) -> &'static str {
        match self {
            RejectReason::MalformedFile => "malformed_file",
            RejectReason::MalformedEntry => "malformed_entry",
            RejectReason::UnsupportedReadingType => "unsupported_reading_type",
            RejectReason::UnknownSerial => "unknown_serial",
            RejectReason::MeterNotActive => "meter_not_active",
            RejectReason::TimestampInFuture => "timestamp_in_future",
            RejectReason::TimestampOutOfRange => "timestamp_out_of_range",
            RejectReason::Stale => "stale",
            RejectReason::Duplicate => "duplicate",
            RejectReason::NonMonotonic => "non_monotonic",
            RejectReason::OverlappingInterval => "overlapping_interval",
            RejectReason::NegativeValue => "negative_value",
            RejectReason::AbsurdValue => "absurd_value",
            RejectReason::RegisterDecreased => "register_decreased",
            RejectReason::AboveRatedPower => "above_rated_power",
            RejectReason::SupersededByDiscom => "superseded_by_discom",
        }
    }

    /// Its position in [`RejectReason::ALL`] (an index for counters).
    pub fn index(self) -> usize {
        self as usize
    }

    /// Whether the entry was fine but not needed (already on chain, a copy,
    /// or replaced by a DISCOM value), as opposed to wrong.
    pub fn is_benign(self) -> bool {
        matches!(
            self,
            RejectReason::Stale | RejectReason::Duplicate | RejectReason::SupersededByDiscom
        )
    }
}

impl fmt::Display for RejectReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One entry that is not submitted, with why and where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    pub reason: RejectReason,
    /// The normalised serial, when known.
    pub serial: Option<String>,
    /// The reading's timestamp (an interval's end), when known.
    pub timestamp: Option<i64>,
    pub origin: Origin,
    /// A sentence for the operator.
    pub detail: String,
}

impl Rejection {
    pub fn new(reason: RejectReason, origin: Origin, detail: impl Into<String>) -> Self {
        Self {
            reason,
            serial: None,
            timestamp: None,
            origin,
            detail: detail.into(),
        }
    }

    pub fn serial(mut self, serial: impl Into<String>) -> Self {
        self.serial = Some(serial.into());
        self
    }

    pub fn at(mut self, timestamp: i64) -> Self {
        self.timestamp = Some(timestamp);
        self
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} ({})", self.reason, self.detail, self.origin)
    }
}

/// Something worth an operator's attention that did not stop a reading.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    /// A gateway and a DISCOM feed disagree on a meter's registers beyond the
    /// configured tolerance (the DISCOM value is used).
    SourceDisagreement,
    /// A meter's interval data leaves a gap: the energy of the missing time
    /// is not in the registers built from it.
    IntervalGap,
}

impl WarningKind {
    pub const ALL: [WarningKind; 2] = [WarningKind::SourceDisagreement, WarningKind::IntervalGap];
    pub const COUNT: usize = Self::ALL.len();

    pub fn name(self) -> &'static str {
        match self {
            WarningKind::SourceDisagreement => "source_disagreement",
            WarningKind::IntervalGap => "interval_gap",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for WarningKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A warning about one meter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    pub kind: WarningKind,
    pub serial: String,
    pub timestamp: i64,
    pub origin: Origin,
    pub detail: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} ({})", self.kind, self.detail, self.origin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_snake_case_and_indexed_in_order() {
        let mut names = std::collections::HashSet::new();
        for (i, r) in RejectReason::ALL.iter().enumerate() {
            assert_eq!(r.index(), i);
            assert!(names.insert(r.name()));
            assert!(r
                .name()
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'_'));
            assert_eq!(
                serde_json::to_string(r).unwrap(),
                format!("\"{}\"", r.name())
            );
        }
        for (i, w) in WarningKind::ALL.iter().enumerate() {
            assert_eq!(w.index(), i);
            assert_eq!(
                serde_json::to_string(w).unwrap(),
                format!("\"{}\"", w.name())
            );
        }
    }
}
