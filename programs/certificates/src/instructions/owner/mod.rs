//! Instructions for certificate owners.

pub mod retire_certificate;
pub mod split_certificate;
pub mod transfer_certificate;
