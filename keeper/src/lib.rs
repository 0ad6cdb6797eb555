//! joule-keeper: the operator's daemon that feeds the chain with meter data
//! and keeps the market moving.
//!
//! - [`daemon`]: the daemon's duties (readings, epochs, settlement,
//!   minting), its configuration (TOML, environment, flags), sharding,
//!   metrics and health, and [`daemon::run`].

#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod daemon;

/// Readings per legacy transaction when the oracle key pays the fee
/// (measured in the registry tests: 17 fit 1,232 bytes; 16 with a separate
/// fee payer).
pub const READINGS_PER_LEGACY_TX: usize = 17;
