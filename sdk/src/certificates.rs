//! Certificates program: ids, PDAs, instruction builders, decoders.

pub use joule_certificates::{error::CertificatesError, ID};
