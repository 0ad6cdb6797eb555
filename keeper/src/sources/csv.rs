//! DISCOM interval files in CSV, as an AMI head-end or MDM exports them:
//! one row per meter and interval, energy per channel.
//!
//! ```text
//! meter_serial,interval_start,interval_minutes,import_kwh,export_kwh
//! AB-1234,2026-03-01T00:00:00+05:30,15,0.250,1.125
//! AB-1234,2026-03-01T00:15:00+05:30,15,0.240,1.310
//! ```
//!
//! Columns, found by header name (case, spaces and `-` do not matter, order
//! is free, other columns are ignored):
//!
//! | column | required | content |
//! |---|---|---|
//! | `meter_serial` (or `serial`) | yes | the utility serial |
//! | `interval_start` | yes | Unix seconds, or an ISO 8601 date-time with `Z` or an offset (a local time without offset only with a configured offset, [`CsvOptions::utc_offset_secs`]) |
//! | `interval_minutes` or `interval_seconds` | one of them | the interval length |
//! | `import_kwh` or `import_wh` | one import and/or one export column | energy delivered to the customer over the interval |
//! | `export_kwh` or `export_wh` | | energy received from the customer over the interval |
//!
//! Energy is a non-negative decimal (fractions of a Wh are kept to the
//! mWh); an empty cell means the channel is not reported for that interval.
//! A UTF-8 byte-order mark, blank lines and `#` comment lines are skipped.
//! The delimiter is `,`, or `;` or a tab when the header uses it (with `;`
//! a decimal comma is accepted). A row that breaks the rules is rejected on
//! its own (with its line number); a file without a usable header is a
//! [`RejectReason::MalformedFile`].

use crate::readings::{
    parse_energy_mwh, EnergyUnit, FileError, IntervalReading, Origin, Parsed, Position,
    RejectReason, Rejection, ValueError,
};
use crate::sources::gateway::MAX_SERIAL_LEN;
use crate::sources::Lines;
use crate::timefmt;
use joule_sdk::registry::normalize_serial;
use std::sync::Arc;

/// How to read a CSV feed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CsvOptions {
    /// The UTC offset of date-times written without one (seconds east of
    /// UTC, e.g. 19800 for +05:30). `None`: such date-times are rejected.
    pub utc_offset_secs: Option<i32>,
}

struct Columns {
    serial: usize,
    start: usize,
    length: (usize, u32),
    import: Option<(usize, EnergyUnit)>,
    export: Option<(usize, EnergyUnit)>,
    count: usize,
}

fn header_name(raw: &str) -> String {
    raw.trim()
        .chars()
        .map(|c| match c {
            ' ' | '-' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

fn columns(header: &[String], origin: &Origin) -> Result<Columns, FileError> {
    let find = |names: &[&str]| -> Result<Option<(usize, usize)>, FileError> {
        let mut found = None;
        for (i, h) in header.iter().enumerate() {
            if let Some(which) = names.iter().position(|n| n == h) {
                if found.is_some() {
                    return Err(FileError::new(
                        origin.clone(),
                        format!("more than one of the columns {}", names.join(", ")),
                    ));
                }
                found = Some((i, which));
            }
        }
        Ok(found)
    };
    let missing = |what: &str| {
        FileError::new(
            origin.clone(),
            format!("no {what} column in the header ({})", header.join(",")),
        )
    };
    let serial = find(&["meter_serial", "serial"])?
        .ok_or_else(|| missing("meter_serial"))?
        .0;
    let start = find(&["interval_start"])?
        .ok_or_else(|| missing("interval_start"))?
        .0;
    let length = match find(&["interval_minutes", "interval_seconds"])? {
        Some((i, 0)) => (i, 60),
        Some((i, _)) => (i, 1),
        None => return Err(missing("interval_minutes or interval_seconds")),
    };
    let unit = |w: usize| {
        if w == 0 {
            EnergyUnit::KWh
        } else {
            EnergyUnit::Wh
        }
    };
    let import = find(&["import_kwh", "import_wh"])?.map(|(i, w)| (i, unit(w)));
    let export = find(&["export_kwh", "export_wh"])?.map(|(i, w)| (i, unit(w)));
    if import.is_none() && export.is_none() {
        return Err(missing("import_kwh, import_wh, export_kwh or export_wh"));
    }
    Ok(Columns {
        serial,
        start,
        length,
        import,
        export,
        count: header.len(),
    })
}

/// The delimiter the first meaningful line uses.
fn delimiter(text: &[u8]) -> u8 {
    let line = text
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .find(|l| !l.iter().all(u8::is_ascii_whitespace) && !l.starts_with(b"#"))
        .unwrap_or(b"");
    let count = |d: u8| line.iter().filter(|&&b| b == d).count();
    b";\t"
        .iter()
        .copied()
        .filter(|&d| count(d) > count(b','))
        .max_by_key(|&d| count(d))
        .unwrap_or(b',')
}

/// Where a record really starts: the reader reports the end of the
/// previous record, before the blank and comment lines it skipped.
fn record_start(bytes: &[u8], from: u64) -> u64 {
    let mut pos = usize::try_from(from).unwrap_or(usize::MAX).min(bytes.len());
    loop {
        let rest = &bytes[pos..];
        let Some(nl) = rest.iter().position(|&b| b == b'\n') else {
            break;
        };
        let line = &rest[..nl];
        if line.iter().all(u8::is_ascii_whitespace) || line.starts_with(b"#") {
            pos = pos.saturating_add(nl).saturating_add(1);
        } else {
            break;
        }
    }
    u64::try_from(pos).unwrap_or(u64::MAX)
}

/// Parses a DISCOM CSV feed (`source`: its file name or URL).
pub fn parse_csv(
    source: &Arc<str>,
    bytes: &[u8],
    opts: &CsvOptions,
) -> Result<Parsed<IntervalReading>, FileError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let delim = delimiter(bytes);
    let decimal_comma = delim == b';';
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .delimiter(delim)
        .from_reader(bytes);
    let mut lines = Lines::new(bytes);
    let mut out = Parsed::default();
    let mut record = csv::ByteRecord::new();
    let mut cols: Option<Columns> = None;
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = lines.at(e.position().map_or(0, |p| p.byte()));
                return Err(FileError::new(
                    Origin::new(source, Position::Line(line)),
                    format!("unreadable CSV: {e}"),
                ));
            }
        }
        if record.iter().all(<[u8]>::is_empty) {
            continue;
        }
        let start = record_start(bytes, record.position().map_or(0, |p| p.byte()));
        let line = lines.at(start);
        let origin = Origin::new(source, Position::Line(line));
        let Some(c) = &cols else {
            let header = record
                .iter()
                .map(|f| std::str::from_utf8(f).map(header_name))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|_| FileError::new(origin.clone(), "the header is not UTF-8"))?;
            cols = Some(columns(&header, &origin)?);
            continue;
        };
        match row(&record, c, &origin, opts, decimal_comma) {
            Ok(iv) => out.items.push(iv),
            Err(r) => out.rejections.push(r),
        }
    }
    if cols.is_none() {
        return Err(FileError::new(Origin::whole(source), "empty: no header"));
    }
    Ok(out)
}

fn row(
    record: &csv::ByteRecord,
    c: &Columns,
    origin: &Origin,
    opts: &CsvOptions,
    decimal_comma: bool,
) -> Result<IntervalReading, Rejection> {
    let malformed = |why: String| Rejection::new(RejectReason::MalformedEntry, origin.clone(), why);
    if record.len() != c.count {
        return Err(malformed(format!(
            "{} fields, the header has {}",
            record.len(),
            c.count
        )));
    }
    let field = |i: usize| -> Result<&str, Rejection> {
        let raw = record.get(i).unwrap_or(b"");
        std::str::from_utf8(raw).map_err(|_| malformed(format!("field {} is not UTF-8", i + 1)))
    };
    let serial = normalize_serial(field(c.serial)?);
    if serial.is_empty() || serial.len() > MAX_SERIAL_LEN {
        return Err(malformed(format!(
            "meter_serial must have 1 to {MAX_SERIAL_LEN} characters besides spaces and separators"
        )));
    }
    let start = timefmt::parse_timestamp(field(c.start)?, opts.utc_offset_secs)
        .map_err(|e| malformed(format!("interval_start: {e}")).serial(serial.clone()))?;
    let length_text = field(c.length.0)?;
    let duration_secs = length_text
        .parse::<u32>()
        .ok()
        .and_then(|n| n.checked_mul(c.length.1))
        .ok_or_else(|| {
            malformed(format!(
                "interval length '{length_text}' is not a whole number"
            ))
            .serial(serial.clone())
            .at(start)
        })?;
    let end = start.saturating_add(i64::from(duration_secs));
    let energy = |col: Option<(usize, EnergyUnit)>, name: &str| -> Result<Option<u64>, Rejection> {
        let Some((i, unit)) = col else {
            return Ok(None);
        };
        let text = field(i)?;
        if text.is_empty() {
            return Ok(None);
        }
        parse_energy_mwh(text, unit, decimal_comma)
            .map(Some)
            .map_err(|e| {
                let reason = match e {
                    ValueError::Negative(_) => RejectReason::NegativeValue,
                    ValueError::TooLarge(_) => RejectReason::AbsurdValue,
                    ValueError::Malformed(_) => RejectReason::MalformedEntry,
                };
                Rejection::new(reason, origin.clone(), format!("{name}: {e}"))
                    .serial(serial.clone())
                    .at(end)
            })
    };
    let import_mwh = energy(c.import, "import")?;
    let export_mwh = energy(c.export, "export")?;
    if import_mwh.is_none() && export_mwh.is_none() {
        return Err(malformed("neither an import nor an export value".into())
            .serial(serial)
            .at(end));
    }
    Ok(IntervalReading {
        serial,
        start,
        duration_secs,
        import_mwh,
        export_mwh,
        origin: origin.clone(),
    })
}
