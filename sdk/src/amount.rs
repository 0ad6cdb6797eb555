//! Exact decimal amounts, no floats: energy in kWh strings ⇄ Wh integers
//! (the energy token's base unit; 3 decimals).

use thiserror::Error;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum AmountError {
    #[error("amount is empty")]
    Empty,
    #[error("amount '{0}' is negative; amounts are never negative")]
    Negative(String),
    #[error("amount '{0}' is not a decimal number")]
    Invalid(String),
    #[error("amount '{0}' has more than {1} decimals")]
    TooPrecise(String, u32),
    #[error("amount '{0}' is too large")]
    Overflow(String),
}

/// Parses a non-negative decimal string with at most `decimals` fractional
/// digits into base units: `parse_decimal("12.345", 3) == Ok(12345)`.
pub fn parse_decimal(s: &str, decimals: u32) -> Result<u64, AmountError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(AmountError::Empty);
    }
    if t.starts_with('-') {
        return Err(AmountError::Negative(s.to_string()));
    }
    let t = t.strip_prefix('+').unwrap_or(t);
    let (int, frac) = match t.split_once('.') {
        Some((i, f)) => (i, f),
        None => (t, ""),
    };
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if (int.is_empty() && frac.is_empty()) || !digits(int) || !digits(frac) {
        return Err(AmountError::Invalid(s.to_string()));
    }
    if frac.len() > decimals as usize {
        return Err(AmountError::TooPrecise(s.to_string(), decimals));
    }
    let overflow = || AmountError::Overflow(s.to_string());
    let scale = 10u64.checked_pow(decimals).ok_or_else(overflow)?;
    let int_units = if int.is_empty() {
        0
    } else {
        int.parse::<u64>().map_err(|_| overflow())?
    };
    let mut frac_units = 0u64;
    for (i, b) in frac.bytes().enumerate() {
        let place = 10u64.pow(decimals - 1 - i as u32);
        frac_units += u64::from(b - b'0') * place;
    }
    int_units
        .checked_mul(scale)
        .and_then(|v| v.checked_add(frac_units))
        .ok_or_else(overflow)
}

/// Formats base units as a decimal string with exactly `decimals` digits.
pub fn format_decimal(units: u64, decimals: u32) -> String {
    if decimals == 0 {
        return units.to_string();
    }
    let scale = 10u64.pow(decimals);
    format!(
        "{}.{:0width$}",
        units / scale,
        units % scale,
        width = decimals as usize
    )
}

/// `"12.345"` kWh → 12345 Wh. At most 3 decimals; no negatives; no overflow.
pub fn parse_kwh(s: &str) -> Result<u64, AmountError> {
    parse_decimal(s, 3)
}

/// 12345 Wh → `"12.345"` (kWh).
pub fn format_kwh(wh: u64) -> String {
    format_decimal(wh, 3)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_kwh_exactly() {
        assert_eq!(parse_kwh("12.345"), Ok(12_345));
        assert_eq!(parse_kwh("0.001"), Ok(1));
        assert_eq!(parse_kwh("1"), Ok(1_000));
        assert_eq!(parse_kwh("1."), Ok(1_000));
        assert_eq!(parse_kwh(".5"), Ok(500));
        assert_eq!(parse_kwh(" 7.25 "), Ok(7_250));
        assert_eq!(parse_kwh("0"), Ok(0));
        assert_eq!(parse_kwh("18446744073709551.615"), Ok(u64::MAX));
    }

    #[test]
    fn rejects_bad_kwh() {
        assert_eq!(
            parse_kwh("1.2345"),
            Err(AmountError::TooPrecise("1.2345".into(), 3))
        );
        assert_eq!(parse_kwh("-1"), Err(AmountError::Negative("-1".into())));
        assert_eq!(
            parse_kwh("18446744073709551.616"),
            Err(AmountError::Overflow("18446744073709551.616".into()))
        );
        assert_eq!(
            parse_kwh("99999999999999999999"),
            Err(AmountError::Overflow("99999999999999999999".into()))
        );
        assert_eq!(parse_kwh(""), Err(AmountError::Empty));
        for bad in [".", "1e3", "1,5", "abc", "1.2.3", "0x10", "NaN", "1 000"] {
            assert_eq!(
                parse_kwh(bad),
                Err(AmountError::Invalid(bad.into())),
                "{bad}"
            );
        }
    }

    #[test]
    fn formats_kwh() {
        assert_eq!(format_kwh(12_345), "12.345");
        assert_eq!(format_kwh(1), "0.001");
        assert_eq!(format_kwh(u64::MAX), "18446744073709551.615");
        assert_eq!(format_decimal(1_500_000, 6), "1.500000");
    }

    proptest! {
        #[test]
        fn format_then_parse_round_trips(wh in any::<u64>()) {
            prop_assert_eq!(parse_kwh(&format_kwh(wh)), Ok(wh));
        }
    }
}
