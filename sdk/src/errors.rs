//! Error codes of every Joule program, for messages people can read.

use joule_common::error::FrameworkError;

/// (name, message) of a custom error code raised by `program`, if known.
pub fn describe(program: &crate::Pubkey, code: u32) -> Option<(&'static str, &'static str)> {
    let table: &[(u32, &str, &str)] = if *program == crate::registry::ID {
        joule_registry::error::RegistryError::ALL
    } else if *program == crate::market::ID {
        joule_market::error::MarketError::ALL
    } else if *program == crate::certificates::ID {
        joule_certificates::error::CertificatesError::ALL
    } else {
        &[]
    };
    table
        .iter()
        .chain(FrameworkError::ALL.iter())
        .find(|(c, _, _)| *c == code)
        .map(|(_, n, m)| (*n, *m))
}
