//! The hook only the certificates program's PDA may call.

pub mod record_certified;
