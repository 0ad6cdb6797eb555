//! Energy values as text (`"1.125"` kWh, `"282"` Wh) to whole
//! milliwatt-hours, without floating point.

/// The unit a feed writes energy in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnergyUnit {
    Wh,
    KWh,
}

impl EnergyUnit {
    /// mWh per unit.
    fn milli(self) -> u64 {
        match self {
            EnergyUnit::Wh => 1_000,
            EnergyUnit::KWh => 1_000_000,
        }
    }

    /// Fraction digits that still count (finer ones are below 1 mWh).
    fn digits(self) -> u32 {
        match self {
            EnergyUnit::Wh => 3,
            EnergyUnit::KWh => 6,
        }
    }
}

/// Why a value is not an energy.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    #[error("'{0}' is negative")]
    Negative(String),
    #[error("'{0}' is not a decimal number")]
    Malformed(String),
    #[error("'{0}' is too large")]
    TooLarge(String),
}

/// Parses a non-negative decimal (`123`, `0.250`, `+7.5`; `decimal_comma`
/// also accepts `0,250`) in `unit` to whole mWh. Digits finer than 1 mWh
/// are truncated. No exponents, no thousands separators, no signs other
/// than a leading `+` (a leading `-` is [`ValueError::Negative`] unless the
/// value is zero).
pub fn parse_energy_mwh(
    text: &str,
    unit: EnergyUnit,
    decimal_comma: bool,
) -> Result<u64, ValueError> {
    let t = text.trim();
    let malformed = || ValueError::Malformed(t.to_string());
    let (negative, body) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let split = body
        .bytes()
        .position(|b| b == b'.' || (decimal_comma && b == b','));
    let (int, frac) = match split {
        Some(i) => (&body[..i], &body[i + 1..]),
        None => (body, ""),
    };
    if (int.is_empty() && frac.is_empty())
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(malformed());
    }
    let too_large = || ValueError::TooLarge(t.to_string());
    let mut whole: u64 = 0;
    for d in int.bytes() {
        whole = whole
            .checked_mul(10)
            .and_then(|w| w.checked_add(u64::from(d - b'0')))
            .ok_or_else(too_large)?;
    }
    // The fraction, scaled to `digits` places.
    let mut fraction: u64 = 0;
    let mut places = 0;
    for d in frac.bytes().take(unit.digits() as usize) {
        // At most six digits: no overflow.
        fraction = fraction * 10 + u64::from(d - b'0');
        places += 1;
    }
    let scale = 10u64.pow(unit.digits() - places);
    // milli / 10^digits is 1 for both units: mWh = whole * milli + fraction.
    let mwh = whole
        .checked_mul(unit.milli())
        .and_then(|w| w.checked_add(fraction * scale))
        .ok_or_else(too_large)?;
    let all_zero = mwh == 0 && frac.bytes().all(|b| b == b'0');
    if negative && !all_zero {
        return Err(ValueError::Negative(t.to_string()));
    }
    Ok(mwh)
}

#[cfg(test)]
mod tests {
    use super::*;
    use EnergyUnit::{KWh, Wh};

    #[test]
    fn parses_exactly() {
        assert_eq!(parse_energy_mwh("282", Wh, false), Ok(282_000));
        assert_eq!(parse_energy_mwh("0.250", KWh, false), Ok(250_000));
        assert_eq!(parse_energy_mwh("1.125", KWh, false), Ok(1_125_000));
        assert_eq!(parse_energy_mwh("0.2825", KWh, false), Ok(282_500));
        assert_eq!(parse_energy_mwh("0.0000009", KWh, false), Ok(0));
        assert_eq!(parse_energy_mwh("+7.5", Wh, false), Ok(7_500));
        assert_eq!(parse_energy_mwh(".5", Wh, false), Ok(500));
        assert_eq!(parse_energy_mwh("5.", Wh, false), Ok(5_000));
        assert_eq!(parse_energy_mwh("0,25", KWh, true), Ok(250_000));
        assert_eq!(parse_energy_mwh("-0.000", KWh, false), Ok(0));
        assert_eq!(parse_energy_mwh(" 12 ", Wh, false), Ok(12_000));
    }

    #[test]
    fn rejects_with_the_right_error() {
        assert!(matches!(
            parse_energy_mwh("-1", Wh, false),
            Err(ValueError::Negative(_))
        ));
        assert!(matches!(
            parse_energy_mwh("-0.001", KWh, false),
            Err(ValueError::Negative(_))
        ));
        for bad in [
            "", ".", "1e3", "1,000", "1.2.3", "abc", "NaN", "--1", "1 000",
        ] {
            assert!(
                matches!(
                    parse_energy_mwh(bad, Wh, false),
                    Err(ValueError::Malformed(_))
                ),
                "{bad}"
            );
        }
        assert!(matches!(
            parse_energy_mwh("18446744073709551615", Wh, false),
            Err(ValueError::TooLarge(_))
        ));
        assert!(matches!(
            parse_energy_mwh("99999999999999999999999", KWh, false),
            Err(ValueError::TooLarge(_))
        ));
    }
}
