//! Timestamps as feeds write them: Unix seconds, or RFC 3339 / ISO 8601
//! date-times, and back to RFC 3339 (UTC) for output.
//!
//! Only the proleptic Gregorian calendar and fixed UTC offsets: a feed that
//! writes local time without an offset is ambiguous around daylight-saving
//! changes, so it needs an explicit offset from its configuration.

/// 2000-01-01T00:00:00Z: no meter reading in a Joule feed is older.
pub const UNIX_2000: i64 = 946_684_800;

const SECS_PER_DAY: i64 = 86_400;

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
/// Inputs are bounded by the parser (years of four digits).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `ts` as `YYYY-MM-DDTHH:MM:SSZ`. Timestamps outside years 0..=9999 are
/// printed as Unix seconds.
pub fn format_utc(ts: i64) -> String {
    // Years 0..=9999 in Unix seconds.
    const MIN: i64 = -62_167_219_200;
    const MAX: i64 = 253_402_300_799;
    if !(MIN..=MAX).contains(&ts) {
        return ts.to_string();
    }
    let days = ts.div_euclid(SECS_PER_DAY);
    let secs = ts.rem_euclid(SECS_PER_DAY);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3_600,
        secs % 3_600 / 60,
        secs % 60
    )
}

/// Parses a timestamp: Unix seconds (an integer, optionally negative) or a
/// date-time (see [`parse_datetime`]).
pub fn parse_timestamp(text: &str, default_offset_secs: Option<i32>) -> Result<i64, String> {
    let t = text.trim();
    let digits = t.strip_prefix('-').unwrap_or(t);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return t
            .parse::<i64>()
            .map_err(|_| format!("timestamp '{t}' is out of range"));
    }
    parse_datetime(t, default_offset_secs)
}

/// Parses `YYYY-MM-DDTHH:MM[:SS[.fraction]]` followed by `Z` or an offset
/// `±HH:MM` / `±HHMM` / `±HH`; a space may stand for the `T`. A fraction of
/// a second is truncated. Without an offset, `default_offset_secs` applies;
/// if that is `None` the text is rejected as ambiguous.
pub fn parse_datetime(text: &str, default_offset_secs: Option<i32>) -> Result<i64, String> {
    let t = text.trim();
    let bad = |why: &str| format!("date-time '{t}': {why}");
    let b = t.as_bytes();
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let s = b.get(range)?;
        if s.iter().all(u8::is_ascii_digit) {
            // At most four ASCII digits: no overflow.
            Some(s.iter().fold(0i64, |n, d| n * 10 + i64::from(d - b'0')))
        } else {
            None
        }
    };
    let (Some(year), Some(month), Some(day)) = (num(0..4), num(5..7), num(8..10)) else {
        return Err(bad("expected YYYY-MM-DD"));
    };
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return Err(bad("expected YYYY-MM-DD"));
    }
    if !matches!(b.get(10), Some(b'T' | b't' | b' ')) {
        return Err(bad(
            "expected a time after the date (T or a space, then HH:MM)",
        ));
    }
    let (Some(hour), Some(minute)) = (num(11..13), num(14..16)) else {
        return Err(bad("expected HH:MM after the date"));
    };
    if b.get(13) != Some(&b':') {
        return Err(bad("expected HH:MM after the date"));
    }
    let mut i = 16;
    let mut second = 0;
    if b.get(i) == Some(&b':') {
        second = num(17..19).ok_or_else(|| bad("expected two digits of seconds"))?;
        i = 19;
        if b.get(i) == Some(&b'.') {
            i += 1;
            let start = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == start {
                return Err(bad("expected digits after the decimal point"));
            }
        }
    }
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return Err(bad("no such date"));
    }
    // 24:00 is not accepted: one instant, one spelling.
    if hour > 23 || minute > 59 || second > 59 {
        return Err(bad("no such time of day"));
    }
    let offset: i64 = match b.get(i) {
        None => match default_offset_secs {
            Some(o) => i64::from(o),
            None => return Err(bad("no UTC offset (add Z or ±HH:MM)")),
        },
        Some(b'Z' | b'z') if i + 1 == b.len() => 0,
        Some(&sign @ (b'+' | b'-')) => {
            let rest = &b[i + 1..];
            let (h, m) = match rest.len() {
                2 => (num(i + 1..i + 3), Some(0)),
                4 => (num(i + 1..i + 3), num(i + 3..i + 5)),
                5 if rest[2] == b':' => (num(i + 1..i + 3), num(i + 4..i + 6)),
                _ => (None, None),
            };
            let (Some(h), Some(m)) = (h, m) else {
                return Err(bad("malformed UTC offset"));
            };
            if h > 23 || m > 59 {
                return Err(bad("malformed UTC offset"));
            }
            let o = h * 3_600 + m * 60;
            if sign == b'-' {
                -o
            } else {
                o
            }
        }
        _ => return Err(bad("unexpected text after the time")),
    };
    let days = days_from_civil(year, month, day);
    Ok(days * SECS_PER_DAY + hour * 3_600 + minute * 60 + second - offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_known_instants() {
        assert_eq!(format_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_utc(1_330_578_000), "2012-03-01T05:00:00Z");
        assert_eq!(format_utc(UNIX_2000), "2000-01-01T00:00:00Z");
        assert_eq!(format_utc(-1), "1969-12-31T23:59:59Z");
        for ts in [0, 951_782_400, 1_330_578_000, 1_709_164_800, 4_102_444_799] {
            assert_eq!(parse_timestamp(&format_utc(ts), None), Ok(ts));
        }
        // Every day of four years, leap day included.
        for day in 11_000..12_500 {
            let ts = day * SECS_PER_DAY + 3_723;
            assert_eq!(parse_datetime(&format_utc(ts), None), Ok(ts));
        }
    }

    #[test]
    fn offsets_fractions_and_spellings() {
        let utc = parse_datetime("2026-03-01T00:15:00Z", None).unwrap();
        assert_eq!(
            parse_datetime("2026-03-01T05:45:00+05:30", None).unwrap(),
            utc
        );
        assert_eq!(
            parse_datetime("2026-03-01 05:45:00+0530", None).unwrap(),
            utc
        );
        assert_eq!(parse_datetime("2026-02-28T19:15-05", None).unwrap(), utc);
        assert_eq!(
            parse_datetime("2026-03-01T00:15:00.999Z", None).unwrap(),
            utc
        );
        assert_eq!(
            parse_datetime("2026-03-01 05:45", Some(19_800)).unwrap(),
            utc
        );
        assert_eq!(
            parse_timestamp(" 1772324100 ", None).unwrap(),
            1_772_324_100
        );
    }

    #[test]
    fn rejects_what_is_not_one_instant() {
        for bad in [
            "2026-03-01 00:15:00",
            "2026-02-29T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-03-01T24:00:00Z",
            "2026-03-01T00:00:00+25:00",
            "2026-03-01T00:00:00Zjunk",
            "2026-03-01",
            "03/01/2026 00:15",
            "",
            "12e9",
            "99999999999999999999",
        ] {
            assert!(parse_timestamp(bad, None).is_err(), "{bad}");
        }
        assert!(parse_datetime("2024-02-29T00:00:00Z", None).is_ok());
    }
}
