//! Certificates accounts: fixed-size `#[repr(C)]` Pod bodies behind an
//! 8-byte Anchor account discriminator, each with a version, its bump and
//! reserved bytes for later fields.

pub mod certificate;
pub mod config;

pub use certificate::*;
pub use config::*;

/// Every certificates account, in IDL order.
pub const ACCOUNTS: &[&joule_common::layout::TypeSpec] = &[&Config::LAYOUT, &Certificate::LAYOUT];

/// Seed of the certificates `Config` PDA: `["config"]`.
pub const SEED_CONFIG: &[u8] = b"config";
/// Seed prefix of an issued `Certificate` PDA: `["certificate", id as u64 LE]`.
pub const SEED_CERTIFICATE: &[u8] = b"certificate";
/// Seed prefix of a split part's `Certificate` PDA:
/// `["split", parent certificate, index as u32 LE]`. Its seeds are longer
/// than an issued certificate's, so the two address spaces cannot meet.
pub const SEED_SPLIT: &[u8] = b"split";

/// Current layout version of every certificates account.
pub const STATE_VERSION: u8 = 1;

/// Canonical bump of the `Config` PDA (a host test re-derives it).
pub const CONFIG_BUMP: u8 = 255;
/// The `Config` PDA, derived at compile time.
pub const CONFIG_ADDRESS: pinocchio::Address =
    pinocchio::Address::derive_address_const(&[SEED_CONFIG], Some(CONFIG_BUMP), &crate::ID);

/// The lowest certificate id; 0 means "none" (e.g. no parent).
pub const FIRST_CERTIFICATE_ID: u64 = 1;

/// Bump of every `Certificate` PDA, issued or split off. An id (or split
/// index) is used only if its seeds with bump 255 give a valid program
/// address (about half do), so every certificate sits at its canonical PDA
/// and proving its address on-chain costs one hash, no bump search. Ids and
/// split indices therefore increase but skip the unusable ones; the sdk
/// picks the next usable one.
pub const CERTIFICATE_BUMP: u8 = 255;

/// A new certificate's id must be at least `Config::next_certificate_id`
/// and below it plus this bound (the chance that 64 ids in a row are
/// unusable is 2^-64), so the authority can never be stuck.
pub const MAX_ID_SKIP: u64 = 64;

/// A split part's index must be at least its parent's `split_count` and
/// below it plus this bound (as [`MAX_ID_SKIP`] for ids).
pub const MAX_SPLIT_INDEX_SKIP: u32 = 64;
