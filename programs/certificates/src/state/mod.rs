//! Certificates accounts: fixed-size `#[repr(C)]` Pod bodies behind an
//! 8-byte Anchor account discriminator, each with a version, its bump and
//! reserved bytes for later fields.

pub mod certificate;
pub mod config;

pub use certificate::*;
pub use config::*;

/// Seed of the certificates `Config` PDA: `["config"]`.
pub const SEED_CONFIG: &[u8] = b"config";
/// Seed prefix of a `Certificate` PDA: `["certificate", id as u64 LE]`.
pub const SEED_CERTIFICATE: &[u8] = b"certificate";

/// Current layout version of every certificates account.
pub const STATE_VERSION: u8 = 1;

/// Canonical bump of the `Config` PDA (a host test re-derives it).
pub const CONFIG_BUMP: u8 = 255;
/// The `Config` PDA, derived at compile time.
pub const CONFIG_ADDRESS: pinocchio::Address =
    pinocchio::Address::derive_address_const(&[SEED_CONFIG], Some(CONFIG_BUMP), &crate::ID);

/// The id of the first certificate; 0 means "none" (e.g. no parent).
pub const FIRST_CERTIFICATE_ID: u64 = 1;
