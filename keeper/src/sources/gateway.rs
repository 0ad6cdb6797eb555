//! Meter gateways: HTTP JSON endpoints returning the cumulative registers of
//! the meters behind them.
//!
//! The format (one gateway serves many meters):
//!
//! ```json
//! {
//!   "gateway_id": "feeder-12",
//!   "readings": [
//!     { "serial": "AB-1234", "timestamp": "2026-03-01T10:15:00Z",
//!       "export_register_wh": 1234567, "import_register_wh": 89012 },
//!     { "serial": "AB-1235", "timestamp": 1772360100,
//!       "export_register_wh": 0, "import_register_wh": 5120 }
//!   ]
//! }
//! ```
//!
//! - `readings` (required): an array, possibly empty; `gateway_id`
//!   (optional): a string for the operator. No other top-level field.
//! - Each reading has exactly these four fields: `serial`, the utility's
//!   serial as printed on the meter (normalised like the registry does:
//!   case, spaces, `-` `.` `/` `_` do not matter); `timestamp`, when the
//!   registers were read, as Unix seconds or an RFC 3339 date-time with `Z`
//!   or an offset; `export_register_wh` and `import_register_wh`, the
//!   meter's cumulative registers in whole Wh (JSON integers, not
//!   negative).
//!
//! A document that is not such an object is a
//! [`RejectReason::MalformedFile`] (nothing in it is used); a reading that
//! breaks the rules is rejected on its own (`malformed_entry`,
//! `negative_value`, `absurd_value`) and the others go on.

use crate::readings::{
    FileError, Origin, Parsed, Position, RegisterReading, RejectReason, Rejection,
};
use crate::timefmt;
use joule_sdk::registry::normalize_serial;
use serde_json::{Map, Value};
use std::sync::Arc;

/// Longest serial accepted (after normalisation).
pub const MAX_SERIAL_LEN: usize = 64;

const FIELDS: [&str; 4] = [
    "serial",
    "timestamp",
    "export_register_wh",
    "import_register_wh",
];

/// Parses a gateway response (`source`: its URL or file name).
pub fn parse_gateway(source: &Arc<str>, body: &[u8]) -> Result<Parsed<RegisterReading>, FileError> {
    let whole = || Origin::whole(source);
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let doc: Value = serde_json::from_slice(body)
        .map_err(|e| FileError::new(whole(), format!("not JSON: {e}")))?;
    let Value::Object(top) = doc else {
        return Err(FileError::new(
            whole(),
            "not a JSON object with a \"readings\" array",
        ));
    };
    for key in top.keys() {
        if key != "readings" && key != "gateway_id" {
            return Err(FileError::new(
                whole(),
                format!("unknown top-level field \"{key}\""),
            ));
        }
    }
    if let Some(id) = top.get("gateway_id") {
        if !id.is_string() {
            return Err(FileError::new(whole(), "\"gateway_id\" must be a string"));
        }
    }
    let Some(Value::Array(entries)) = top.get("readings") else {
        return Err(FileError::new(whole(), "no \"readings\" array"));
    };
    let mut out = Parsed {
        items: Vec::with_capacity(entries.len()),
        rejections: Vec::new(),
    };
    for (i, v) in entries.iter().enumerate() {
        let origin = Origin::new(source, Position::Entry(i));
        match entry(v, &origin) {
            Ok(r) => out.items.push(r),
            Err(mut rej) => {
                rej.origin = origin;
                out.rejections.push(rej);
            }
        }
    }
    Ok(out)
}

/// The `serial` of an entry, normalised, for rejections.
fn serial_of(obj: &Map<String, Value>) -> Option<String> {
    obj.get("serial")
        .and_then(Value::as_str)
        .map(normalize_serial)
        .filter(|s| !s.is_empty())
}

fn entry(v: &Value, origin: &Origin) -> Result<RegisterReading, Rejection> {
    let malformed = |why: String| Rejection::new(RejectReason::MalformedEntry, origin.clone(), why);
    let Value::Object(obj) = v else {
        return Err(malformed("a reading must be a JSON object".into()));
    };
    let with_serial = |r: Rejection| match serial_of(obj) {
        Some(s) => r.serial(s),
        None => r,
    };
    for key in obj.keys() {
        if !FIELDS.contains(&key.as_str()) {
            return Err(with_serial(malformed(format!("unknown field \"{key}\""))));
        }
    }
    for key in FIELDS {
        if !obj.contains_key(key) {
            return Err(with_serial(malformed(format!("missing field \"{key}\""))));
        }
    }
    let serial = match obj.get("serial") {
        Some(Value::String(s)) => normalize_serial(s),
        _ => return Err(malformed("\"serial\" must be a string".into())),
    };
    if serial.is_empty() || serial.len() > MAX_SERIAL_LEN {
        return Err(malformed(format!(
            "\"serial\" must have 1 to {MAX_SERIAL_LEN} characters besides spaces and separators"
        )));
    }
    let timestamp = match obj.get("timestamp") {
        Some(Value::Number(n)) => n.as_i64().ok_or_else(|| {
            malformed(format!("\"timestamp\" {n} is not whole Unix seconds")).serial(serial.clone())
        })?,
        Some(Value::String(s)) => timefmt::parse_timestamp(s, None)
            .map_err(|e| malformed(format!("\"timestamp\": {e}")).serial(serial.clone()))?,
        _ => {
            return Err(malformed(
                "\"timestamp\" must be Unix seconds or an RFC 3339 string".into(),
            )
            .serial(serial))
        }
    };
    let register = |key: &str| -> Result<u64, Rejection> {
        let at = |r: Rejection| r.serial(serial.clone()).at(timestamp);
        let Some(Value::Number(n)) = obj.get(key) else {
            return Err(at(malformed(format!(
                "\"{key}\" must be a whole number of Wh"
            ))));
        };
        if let Some(u) = n.as_u64() {
            return Ok(u);
        }
        let negative = n.as_i64().is_some_and(|i| i < 0) || n.as_f64().is_some_and(|f| f < 0.0);
        let reason = if negative {
            RejectReason::NegativeValue
        } else if n.is_f64() && n.as_f64().is_some_and(|f| f >= 1.8e19) {
            RejectReason::AbsurdValue
        } else {
            RejectReason::MalformedEntry
        };
        let why = match reason {
            RejectReason::NegativeValue => format!("\"{key}\" is negative ({n})"),
            RejectReason::AbsurdValue => format!("\"{key}\" is too large ({n})"),
            _ => format!("\"{key}\" is not a whole number of Wh ({n})"),
        };
        Err(at(Rejection::new(reason, origin.clone(), why)))
    };
    let export_register_wh = register("export_register_wh")?;
    let import_register_wh = register("import_register_wh")?;
    Ok(RegisterReading {
        serial,
        timestamp,
        export_register_wh,
        import_register_wh,
        origin: origin.clone(),
    })
}
