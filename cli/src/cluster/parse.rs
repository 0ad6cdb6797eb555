//! Input parsing: every value a command reads is checked here, before
//! anything is signed, with a message naming what is wrong.

use super::{input, CliError, CliResult};
use joule_client::{Commitment, Keypair, Signer};
use joule_sdk::amount::{format_decimal, parse_decimal, parse_kwh};
use joule_sdk::Pubkey;
use std::path::Path;
use std::str::FromStr;

/// A base58 public key.
pub fn pubkey(what: &str, s: &str) -> CliResult<Pubkey> {
    Pubkey::from_str(s.trim())
        .map_err(|_| CliError::Input(format!("{what}: '{s}' is not a valid public key")))
}

/// An exact decimal kWh amount → Wh (at most 3 decimals, not negative).
pub fn kwh(what: &str, s: &str) -> CliResult<u64> {
    parse_kwh(s).map_err(|e| CliError::Input(format!("{what}: {e} (kWh, at most 3 decimals)")))
}

/// An exact kWh amount that must be above zero.
pub fn positive_kwh(what: &str, s: &str) -> CliResult<u64> {
    let wh = kwh(what, s)?;
    if wh == 0 {
        return input(format!("{what}: the amount must be above zero"));
    }
    Ok(wh)
}

/// A price in quote units per kWh, as a decimal with at most `decimals`
/// places (the quote mint's) → quote base units per kWh.
pub fn price(s: &str, decimals: u8) -> CliResult<u64> {
    parse_decimal(s, u32::from(decimals)).map_err(|e| {
        CliError::Input(format!(
            "price: {e} (quote units per kWh, at most {decimals} decimals)"
        ))
    })
}

/// Formats quote base units with the mint's decimals.
pub fn quote(units: u64, decimals: u8) -> String {
    format_decimal(units, u32::from(decimals))
}

/// A cluster URL or moniker, as the Solana CLI spells them.
pub fn cluster_url(s: &str) -> CliResult<String> {
    let url = match s.trim() {
        "l" | "localhost" => "http://127.0.0.1:8899",
        "d" | "devnet" => "https://api.devnet.solana.com",
        "t" | "testnet" => "https://api.testnet.solana.com",
        "m" | "mainnet-beta" => "https://api.mainnet-beta.solana.com",
        other => {
            if !(other.starts_with("http://") || other.starts_with("https://")) {
                return input(format!(
                    "--url: '{s}' is neither an http(s) URL nor a moniker (localhost, devnet, testnet, mainnet-beta)"
                ));
            }
            other
        }
    };
    Ok(url.to_string())
}

/// A commitment level.
pub fn commitment(s: &str) -> CliResult<Commitment> {
    match s.trim() {
        "processed" | "recent" => Ok(Commitment::Processed),
        "confirmed" | "single" | "singleGossip" => Ok(Commitment::Confirmed),
        "finalized" | "max" | "root" => Ok(Commitment::Finalized),
        other => input(format!(
            "commitment: '{other}' is not processed, confirmed or finalized"
        )),
    }
}

/// A Solana CLI keypair file: a JSON array of 64 bytes (secret key, then
/// public key), checked for consistency.
pub fn read_keypair(path: &Path) -> CliResult<Keypair> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::Input(format!("keypair {}: {e}", path.display())))?;
    let bytes: Vec<u8> = serde_json::from_str(&text).map_err(|_| {
        CliError::Input(format!(
            "keypair {}: not a Solana CLI keypair file (a JSON array of 64 bytes)",
            path.display()
        ))
    })?;
    if bytes.len() != 64 {
        return input(format!(
            "keypair {}: a keypair file holds 64 bytes, found {}",
            path.display(),
            bytes.len()
        ));
    }
    let keypair = Keypair::try_from(bytes.as_slice()).map_err(|_| {
        CliError::Input(format!(
            "keypair {}: its public key does not match its secret key",
            path.display()
        ))
    })?;
    Ok(keypair)
}

/// Writes `keypair` as a Solana CLI keypair file (created, never
/// overwritten).
pub fn write_keypair(path: &Path, keypair: &Keypair) -> CliResult<()> {
    use std::io::Write;
    let bytes = keypair.to_bytes();
    let text = serde_json::to_string(&bytes.to_vec())
        .map_err(|e| CliError::Failed(format!("keypair: {e}")))?;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| CliError::Input(format!("{}: {e}", path.display())))?;
    file.write_all(text.as_bytes())
        .map_err(|e| CliError::Failed(format!("{}: {e}", path.display())))?;
    Ok(())
}

/// A point in time: unix seconds, or RFC 3339 (`2026-06-01T12:00:00Z`, or
/// with a `+hh:mm`/`-hh:mm` offset); a time without an offset is refused as
/// ambiguous.
pub fn timestamp(what: &str, s: &str) -> CliResult<i64> {
    joule_sdk::time::parse_timestamp(s, None).map_err(|e| {
        CliError::Input(format!(
            "{what}: '{s}' is neither unix seconds nor an RFC 3339 time like 2026-06-01T12:00:00Z ({e})"
        ))
    })
}

/// Unix seconds as RFC 3339 UTC.
pub use joule_sdk::time::format_utc as format_time;

/// A whole number in a range.
pub fn int<T>(what: &str, s: &str) -> CliResult<T>
where
    T: FromStr,
{
    s.trim()
        .parse()
        .map_err(|_| CliError::Input(format!("{what}: '{s}' is not a whole number in range")))
}

/// The signer must be `expected` (an authority read from the chain).
pub fn require_signer(signer: &Keypair, expected: &Pubkey, role: &str) -> CliResult<()> {
    if signer.pubkey() != *expected {
        return input(format!(
            "the keypair {} is not the {role} ({expected}); pass --keypair with the {role}'s keypair",
            signer.pubkey()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_round_trips_and_rejects_nonsense() {
        assert_eq!(timestamp("t", "0").ok(), Some(0));
        assert_eq!(timestamp("t", "1970-01-01T00:00:00Z").ok(), Some(0));
        assert_eq!(
            timestamp("t", "2026-06-01T12:00:00Z").ok(),
            Some(1_780_315_200)
        );
        assert_eq!(
            timestamp("t", "2026-06-01T14:00:00+02:00").ok(),
            Some(1_780_315_200)
        );
        assert_eq!(
            timestamp("t", "2024-02-29T00:00:00.5Z").ok(),
            Some(1_709_164_800)
        );
        assert_eq!(format_time(1_780_315_200), "2026-06-01T12:00:00Z");
        assert_eq!(format_time(1_709_164_800), "2024-02-29T00:00:00Z");
        for bad in [
            "2023-02-29T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-06-01 12:00",
            "yesterday",
            "2026-06-01T12:00:00+2:00",
            "",
        ] {
            assert!(timestamp("t", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn amounts_and_urls_are_exact() {
        assert_eq!(kwh("q", "1.5").ok(), Some(1_500));
        assert!(kwh("q", "1.2345").is_err());
        assert!(kwh("q", "-1").is_err());
        assert!(kwh("q", "abc").is_err());
        assert!(positive_kwh("q", "0.000").is_err());
        assert_eq!(price("0.085", 6).ok(), Some(85_000));
        assert!(price("0.0000001", 6).is_err());
        assert_eq!(
            cluster_url("l").ok().as_deref(),
            Some("http://127.0.0.1:8899")
        );
        assert!(cluster_url("ftp://x").is_err());
        assert!(pubkey("owner", "not-a-key").is_err());
        assert!(commitment("final").is_err());
    }
}
