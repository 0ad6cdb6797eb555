//! What the sources yield, why entries are rejected, and the validator that
//! decides what is signed.
//!
//! A source parses into [`Parsed`] values: [`RegisterReading`]s (a gateway's
//! cumulative registers at an instant) or [`IntervalReading`]s (a DISCOM
//! feed's energy over an interval), plus the [`Rejection`]s of the entries
//! it could not read. The [`Validator`] takes them all for one round and
//! returns an [`Outcome`]: the readings to submit (packed as the sdk's
//! `(meter, Reading)` pairs), every rejection with its [`RejectReason`], and
//! the [`Warning`]s (source disagreements, interval gaps).

mod energy;
mod reject;
mod validate;

pub use energy::{parse_energy_mwh, EnergyUnit, ValueError};
pub use reject::{RejectReason, Rejection, Warning, WarningKind};
pub use validate::{
    Accepted, Inputs, Outcome, Tally, ValidationConfig, Validator, MAX_REGISTER_WH,
};

use serde::Serialize;
use std::fmt;
use std::sync::Arc;

/// Which kind of source a reading came from. Where both report a meter
/// and time, [`SourceKind::Discom`] wins.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// A meter gateway (cumulative registers, HTTP JSON).
    Gateway,
    /// A utility's (DISCOM's) interval feed (CSV or Green Button ESPI).
    Discom,
}

impl SourceKind {
    pub fn name(self) -> &'static str {
        match self {
            SourceKind::Gateway => "gateway",
            SourceKind::Discom => "discom",
        }
    }
}

/// Where in its source an entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Position {
    /// The source as a whole.
    Whole,
    /// A line of a text file (1-based): a CSV row, an ESPI element.
    Line(u64),
    /// An element of a JSON array (0-based).
    Entry(usize),
}

/// The source (a file name or a URL) and the position of an entry in it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Origin {
    pub source: Arc<str>,
    pub position: Position,
}

impl Origin {
    pub fn new(source: &Arc<str>, position: Position) -> Self {
        Self {
            source: Arc::clone(source),
            position,
        }
    }

    pub fn whole(source: &Arc<str>) -> Self {
        Self::new(source, Position::Whole)
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Position::Whole => write!(f, "{}", self.source),
            Position::Line(n) => write!(f, "{}:{n}", self.source),
            Position::Entry(i) => write!(f, "{}#{i}", self.source),
        }
    }
}

/// A meter's cumulative registers at an instant, as a gateway reports them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegisterReading {
    /// The utility serial, normalised (`joule_sdk::registry::normalize_serial`).
    pub serial: String,
    /// Unix seconds.
    pub timestamp: i64,
    pub export_register_wh: u64,
    pub import_register_wh: u64,
    pub origin: Origin,
}

/// A meter's energy over one interval, as a DISCOM feed reports it: one or
/// both channels, in milliwatt-hours so that fractional kWh and ESPI
/// multipliers down to 10⁻³ Wh add up exactly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntervalReading {
    /// The utility serial, normalised.
    pub serial: String,
    /// Unix seconds.
    pub start: i64,
    pub duration_secs: u32,
    /// Energy imported (delivered to the customer) over the interval, mWh.
    pub import_mwh: Option<u64>,
    /// Energy exported (received from the customer) over the interval, mWh.
    pub export_mwh: Option<u64>,
    pub origin: Origin,
}

impl IntervalReading {
    /// The interval's end (the reading's timestamp), if it fits an `i64`.
    pub fn end(&self) -> Option<i64> {
        self.start.checked_add(i64::from(self.duration_secs))
    }
}

/// What one source document parsed into: its entries, and the rejections of
/// the entries it could not read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parsed<T> {
    pub items: Vec<T>,
    pub rejections: Vec<Rejection>,
}

impl<T> Default for Parsed<T> {
    fn default() -> Self {
        Self {
            items: Vec::new(),
            rejections: Vec::new(),
        }
    }
}

/// A source document that cannot be read at all.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{origin}: {detail}")]
pub struct FileError {
    pub origin: Origin,
    pub detail: String,
}

impl FileError {
    pub fn new(origin: Origin, detail: impl Into<String>) -> Self {
        Self {
            origin,
            detail: detail.into(),
        }
    }

    /// As a [`RejectReason::MalformedFile`] rejection.
    pub fn into_rejection(self) -> Rejection {
        Rejection::new(RejectReason::MalformedFile, self.origin, self.detail)
    }
}
