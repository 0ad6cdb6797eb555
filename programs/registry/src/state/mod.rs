//! Registry accounts: fixed-size `#[repr(C)]` Pod bodies behind an 8-byte
//! Anchor account discriminator, each with a version, its bump and reserved
//! bytes for later fields.

pub mod config;
pub mod meter;

pub use config::*;
pub use meter::*;

/// Every registry account, in IDL order.
pub const ACCOUNTS: &[&joule_common::layout::TypeSpec] = &[&Config::LAYOUT, &Meter::LAYOUT];

/// Seed of the `Config` PDA: `["config"]`.
pub const SEED_CONFIG: &[u8] = b"config";
/// Seed prefix of a `Meter` PDA: `["meter", meter_id]`.
pub const SEED_METER: &[u8] = b"meter";
/// Seed of the energy mint PDA: `["energy_mint"]`. Its mint authority is the
/// `Config` PDA.
pub const SEED_ENERGY_MINT: &[u8] = b"energy_mint";

/// Energy token decimals: 1 base unit = 1 Wh, so 1 token = 1 kWh.
pub const ENERGY_DECIMALS: u8 = 3;

/// Current layout version of every registry account.
pub const STATE_VERSION: u8 = 1;

/// The certificates program, the only caller of `record_certified`.
pub const CERTIFICATES_PROGRAM_ID: pinocchio::Address =
    pinocchio::Address::from_str_const("8EAq1WJtRZjEMchr1rHMxohNQjXUD8WCQLEgb8h3JXrx");
/// Seed of the certificates program's signing PDA: `["certifier"]`.
pub const SEED_CERTIFIER: &[u8] = b"certifier";
/// Canonical bump of that PDA (a host test re-derives it).
pub const CERTIFIER_BUMP: u8 = 254;
/// The certificates program's signing PDA, derived at compile time.
pub const CERTIFIER_AUTHORITY: pinocchio::Address = pinocchio::Address::derive_address_const(
    &[SEED_CERTIFIER],
    Some(CERTIFIER_BUMP),
    &CERTIFICATES_PROGRAM_ID,
);

/// Canonical bump of the `Config` PDA (a host test re-derives it).
pub const CONFIG_BUMP: u8 = 252;
/// The `Config` PDA, derived at compile time, so other programs can check
/// they were handed the real config without a syscall.
pub const CONFIG_ADDRESS: pinocchio::Address =
    pinocchio::Address::derive_address_const(&[SEED_CONFIG], Some(CONFIG_BUMP), &crate::ID);
/// Canonical bump of the energy mint PDA (a host test re-derives it).
pub const ENERGY_MINT_BUMP: u8 = 253;
/// The energy mint PDA, derived at compile time.
pub const ENERGY_MINT_ADDRESS: pinocchio::Address = pinocchio::Address::derive_address_const(
    &[SEED_ENERGY_MINT],
    Some(ENERGY_MINT_BUMP),
    &crate::ID,
);

/// The upgradeable BPF loader, which owns the registry's ProgramData.
pub const BPF_LOADER_UPGRADEABLE_ID: pinocchio::Address =
    pinocchio::Address::from_str_const("BPFLoaderUpgradeab1e11111111111111111111111");
/// Canonical bump of the registry's ProgramData address (a host test re-derives it).
pub const PROGRAM_DATA_BUMP: u8 = 252;
/// The registry's ProgramData account (`[program_id]` under the upgradeable
/// loader): `initialize` reads the upgrade authority from it.
pub const PROGRAM_DATA_ADDRESS: pinocchio::Address = pinocchio::Address::derive_address_const(
    &[crate::ID.as_array()],
    Some(PROGRAM_DATA_BUMP),
    &BPF_LOADER_UPGRADEABLE_ID,
);
