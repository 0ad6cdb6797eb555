//! Instructions only the certificate authority may call.

pub mod issue_certificate;
pub mod revoke_certificate;
