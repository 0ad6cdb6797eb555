//! Certificates errors: codes from 6000, append-only.

joule_common::define_errors! {
    pub enum CertificatesError {
        Placeholder = 6000 => "Placeholder until the program is written.",
    }
}
