//! `joule-keeper check-feed FILE... --meters METERS_FILE [--output text|json]`:
//! parses and validates feed files offline, against a meter list, exactly
//! as the daemon would, and prints every reading it would submit and every
//! rejection with its reason. An operator runs it on a utility's file
//! before going live.
//!
//! Exit status: 0 when nothing was rejected for being wrong (readings
//! already on chain, copies and gateway readings a DISCOM feed replaced
//! are not errors), 1 when something was, 2 when a file cannot be read or
//! the arguments are wrong.

use crate::meters::MeterList;
use crate::readings::{
    Inputs, Origin, Outcome, Position, RejectReason, ValidationConfig, Validator, WarningKind,
};
use crate::sources::{CsvOptions, FeedFile, FeedFormat, FeedOptions};
use crate::timefmt::{format_utc, parse_timestamp};
use clap::ValueEnum;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

/// How `check-feed` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
}

/// A feed format named on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Csv,
    Espi,
    Gateway,
}

impl From<FormatArg> for FeedFormat {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Csv => FeedFormat::Csv,
            FormatArg::Espi => FeedFormat::Espi,
            FormatArg::Gateway => FeedFormat::GatewayJson,
        }
    }
}

/// Parse and validate feed files offline against a meter list.
#[derive(clap::Args, Debug, Clone)]
pub struct CheckFeedArgs {
    /// Feed files: DISCOM CSV (.csv), Green Button ESPI (.xml) or gateway
    /// JSON (.json); by extension, else by content. All are validated
    /// together, as one round of the daemon.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// The meter list (TOML): each meter's status, last reading and
    /// registers, rated power and Green Button usage points.
    #[arg(long, value_name = "METERS_FILE")]
    pub meters: PathBuf,

    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,

    /// Read every file as this format.
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,

    /// The clock to validate against (Unix seconds or RFC 3339). Default:
    /// the meter list's `now`, else the system clock.
    #[arg(long)]
    pub now: Option<String>,

    /// UTC offset of CSV date-times written without one (`+05:30`,
    /// `-0500`, `Z`).
    #[arg(long, value_name = "OFFSET")]
    pub csv_utc_offset: Option<String>,

    /// The meter of Green Button files with a single usage point that the
    /// meter list does not map.
    #[arg(long, value_name = "SERIAL")]
    pub espi_meter: Option<String>,

    /// How far (Wh) a gateway's registers may be from a DISCOM feed's
    /// before it is reported as a disagreement.
    #[arg(long, default_value_t = ValidationConfig::default().tolerance_wh)]
    pub tolerance_wh: u64,

    /// How far after the clock (s) a reading may be dated (at most 300).
    #[arg(long, default_value_t = ValidationConfig::default().max_future_secs)]
    pub max_future_secs: i64,
}

/// Why `check-feed` could not run.
#[derive(Debug, thiserror::Error)]
pub enum CheckFeedError {
    #[error("{path}: {detail}")]
    Read { path: String, detail: String },
    #[error("{0}")]
    Usage(String),
}

/// Parses `+05:30`, `-0500`, `+05`, `Z` into seconds east of UTC.
pub fn parse_utc_offset(text: &str) -> Result<i32, String> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("z") {
        return Ok(0);
    }
    // Reuse the date-time parser's offset rules on a fixed instant.
    let ts = parse_timestamp(&format!("1970-01-01T00:00:00{t}"), None)
        .map_err(|_| format!("'{t}' is not a UTC offset like +05:30"))?;
    i32::try_from(-ts).map_err(|_| format!("'{t}' is not a UTC offset"))
}

/// One reading `check-feed` would submit.
#[derive(Debug, Serialize)]
pub struct ReadingOut {
    pub serial: String,
    /// The meter's PDA.
    pub meter: String,
    pub timestamp: i64,
    pub time: String,
    pub export_register_wh: u64,
    pub import_register_wh: u64,
    /// The registry takes it as a new baseline and credits nothing.
    pub baseline: bool,
    pub source: &'static str,
    pub file: String,
    pub line: Option<u64>,
    pub entry: Option<usize>,
}

/// One rejection.
#[derive(Debug, Serialize)]
pub struct RejectionOut {
    pub reason: RejectReason,
    pub serial: Option<String>,
    pub timestamp: Option<i64>,
    pub time: Option<String>,
    pub file: String,
    pub line: Option<u64>,
    pub entry: Option<usize>,
    pub detail: String,
}

/// One warning.
#[derive(Debug, Serialize)]
pub struct WarningOut {
    pub kind: WarningKind,
    pub serial: String,
    pub timestamp: i64,
    pub time: String,
    pub file: String,
    pub line: Option<u64>,
    pub entry: Option<usize>,
    pub detail: String,
}

/// A file read.
#[derive(Debug, Serialize)]
pub struct FileOut {
    pub file: String,
    pub format: &'static str,
    pub bytes: usize,
}

/// Counts.
#[derive(Debug, Serialize)]
pub struct SummaryOut {
    pub readings: usize,
    pub meters: usize,
    pub rejected: u64,
    /// Every reason, zeros included.
    pub rejected_by_reason: BTreeMap<&'static str, u64>,
    pub warnings: u64,
    pub warnings_by_kind: BTreeMap<&'static str, u64>,
}

/// What `check-feed` found: the JSON output, `version` 1. Fields are only
/// ever added.
#[derive(Debug, Serialize)]
pub struct Report {
    pub version: u32,
    pub now: i64,
    pub files: Vec<FileOut>,
    pub readings: Vec<ReadingOut>,
    pub rejections: Vec<RejectionOut>,
    pub warnings: Vec<WarningOut>,
    pub summary: SummaryOut,
}

fn place(origin: &Origin) -> (String, Option<u64>, Option<usize>) {
    let (line, entry) = match origin.position {
        Position::Whole => (None, None),
        Position::Line(l) => (Some(l), None),
        Position::Entry(e) => (None, Some(e)),
    };
    (origin.source.to_string(), line, entry)
}

impl Report {
    /// The report of a validation outcome.
    pub fn new(now: i64, files: Vec<FileOut>, outcome: &Outcome) -> Self {
        let tally = outcome.tally();
        let readings = outcome
            .accepted
            .iter()
            .map(|a| {
                let (file, line, entry) = place(&a.origin);
                ReadingOut {
                    serial: a.serial.to_string(),
                    meter: a.meter.to_string(),
                    timestamp: a.reading.timestamp,
                    time: format_utc(a.reading.timestamp),
                    export_register_wh: a.reading.export_register_wh,
                    import_register_wh: a.reading.import_register_wh,
                    baseline: a.baseline,
                    source: a.source.name(),
                    file,
                    line,
                    entry,
                }
            })
            .collect();
        let rejections = outcome
            .rejections
            .iter()
            .map(|r| {
                let (file, line, entry) = place(&r.origin);
                RejectionOut {
                    reason: r.reason,
                    serial: r.serial.clone(),
                    timestamp: r.timestamp,
                    time: r.timestamp.map(format_utc),
                    file,
                    line,
                    entry,
                    detail: r.detail.clone(),
                }
            })
            .collect();
        let warnings = outcome
            .warnings
            .iter()
            .map(|w| {
                let (file, line, entry) = place(&w.origin);
                WarningOut {
                    kind: w.kind,
                    serial: w.serial.clone(),
                    timestamp: w.timestamp,
                    time: format_utc(w.timestamp),
                    file,
                    line,
                    entry,
                    detail: w.detail.clone(),
                }
            })
            .collect();
        let mut meters: Vec<&str> = outcome.accepted.iter().map(|a| &*a.serial).collect();
        meters.dedup();
        let summary = SummaryOut {
            readings: outcome.accepted.len(),
            meters: meters.len(),
            rejected: tally.total_rejected(),
            rejected_by_reason: RejectReason::ALL
                .iter()
                .map(|r| (r.name(), tally.rejected(*r)))
                .collect(),
            warnings: tally.warnings.iter().sum(),
            warnings_by_kind: WarningKind::ALL
                .iter()
                .map(|k| (k.name(), tally.warned(*k)))
                .collect(),
        };
        Self {
            version: 1,
            now,
            files,
            readings,
            rejections,
            warnings,
            summary,
        }
    }

    /// Whether something was rejected for being wrong (not merely stale, a
    /// copy, or replaced by a DISCOM value).
    pub fn has_errors(&self) -> bool {
        self.rejections.iter().any(|r| !r.reason.is_benign())
    }

    /// The human-readable report.
    pub fn write_text(&self, w: &mut dyn Write) -> std::io::Result<()> {
        let at = |file: &str, line: Option<u64>, entry: Option<usize>| match (line, entry) {
            (Some(l), _) => format!("{file}:{l}"),
            (None, Some(e)) => format!("{file}#{e}"),
            _ => file.to_string(),
        };
        writeln!(w, "check-feed at {} ({})", format_utc(self.now), self.now)?;
        for f in &self.files {
            writeln!(w, "  {} ({}, {} bytes)", f.file, f.format, f.bytes)?;
        }
        writeln!(w)?;
        writeln!(w, "readings to submit: {}", self.readings.len())?;
        for r in &self.readings {
            writeln!(
                w,
                "  {:<16} {}  export {:>12} Wh  import {:>12} Wh  {:<7} {}{}",
                r.serial,
                r.time,
                r.export_register_wh,
                r.import_register_wh,
                r.source,
                at(&r.file, r.line, r.entry),
                if r.baseline { "  (baseline)" } else { "" }
            )?;
        }
        writeln!(w)?;
        writeln!(w, "rejected: {}", self.rejections.len())?;
        for r in &self.rejections {
            writeln!(
                w,
                "  {:<24} {:<16} {:<20}  {}: {}",
                r.reason.name(),
                r.serial.as_deref().unwrap_or("-"),
                r.time.as_deref().unwrap_or("-"),
                at(&r.file, r.line, r.entry),
                r.detail
            )?;
        }
        writeln!(w)?;
        writeln!(w, "warnings: {}", self.warnings.len())?;
        for x in &self.warnings {
            writeln!(
                w,
                "  {:<24} {:<16} {:<20}  {}: {}",
                x.kind.name(),
                x.serial,
                x.time,
                at(&x.file, x.line, x.entry),
                x.detail
            )?;
        }
        writeln!(w)?;
        let by_reason: Vec<String> = self
            .summary
            .rejected_by_reason
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        writeln!(
            w,
            "summary: {} readings for {} meters would be submitted; {} rejected{}; {} warnings",
            self.summary.readings,
            self.summary.meters,
            self.summary.rejected,
            if by_reason.is_empty() {
                String::new()
            } else {
                format!(" ({})", by_reason.join(", "))
            },
            self.summary.warnings
        )
    }
}

impl CheckFeedArgs {
    /// Reads the meter list and the files, validates, and builds the
    /// report.
    pub fn report(&self) -> Result<Report, CheckFeedError> {
        let read = |path: &PathBuf| {
            std::fs::read(path).map_err(|e| CheckFeedError::Read {
                path: path.display().to_string(),
                detail: e.to_string(),
            })
        };
        let meters_text =
            String::from_utf8(read(&self.meters)?).map_err(|_| CheckFeedError::Read {
                path: self.meters.display().to_string(),
                detail: "not UTF-8".into(),
            })?;
        let list = MeterList::parse(&meters_text).map_err(|detail| CheckFeedError::Read {
            path: self.meters.display().to_string(),
            detail,
        })?;
        let now = match &self.now {
            Some(t) => parse_timestamp(t, None)
                .map_err(|e| CheckFeedError::Usage(format!("--now: {e}")))?,
            None => match list.now {
                Some(n) => n,
                None => std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX)),
            },
        };
        let utc_offset_secs = self
            .csv_utc_offset
            .as_deref()
            .map(parse_utc_offset)
            .transpose()
            .map_err(|e| CheckFeedError::Usage(format!("--csv-utc-offset: {e}")))?;
        if !(0..=joule_sdk::registry::MAX_CLOCK_DRIFT_SECS).contains(&self.max_future_secs) {
            return Err(CheckFeedError::Usage(format!(
                "--max-future-secs must be 0 to {}",
                joule_sdk::registry::MAX_CLOCK_DRIFT_SECS
            )));
        }
        let mut usage_points = list.book.usage_points().clone();
        usage_points.set_feed_meter(self.espi_meter.as_deref());
        let opts = FeedOptions {
            csv: CsvOptions { utc_offset_secs },
            usage_points,
        };
        let mut inputs = Inputs::new();
        let mut files = Vec::with_capacity(self.files.len());
        for path in &self.files {
            let bytes = read(path)?;
            let name = path.display().to_string();
            let file = match self.format {
                Some(f) => FeedFile::with_format(&name, bytes, f.into()),
                None => FeedFile::new(&name, bytes),
            };
            // A malformed file is a rejection in the report, not a failure.
            let _ = file.parse_into(&opts, &mut inputs);
            files.push(FileOut {
                file: name,
                format: file.format.name(),
                bytes: file.bytes.len(),
            });
        }
        let cfg = ValidationConfig {
            tolerance_wh: self.tolerance_wh,
            max_future_secs: self.max_future_secs,
            ..ValidationConfig::default()
        };
        let outcome = Validator::new(&list.book, cfg, now).run(inputs);
        Ok(Report::new(now, files, &outcome))
    }

    /// Runs the command, printing to `out` (errors to `err`); returns the
    /// exit status.
    pub fn run(&self, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
        let report = match self.report() {
            Ok(r) => r,
            Err(e) => {
                let _ = writeln!(err, "check-feed: {e}");
                return 2;
            }
        };
        let written = match self.output {
            OutputFormat::Json => serde_json::to_writer_pretty(&mut *out, &report)
                .map_err(std::io::Error::other)
                .and_then(|()| writeln!(out)),
            OutputFormat::Text => report.write_text(out),
        };
        if let Err(e) = written {
            let _ = writeln!(err, "check-feed: cannot write the report: {e}");
            return 2;
        }
        u8::from(report.has_errors())
    }
}
