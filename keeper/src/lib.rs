//! joule-keeper: the operator's daemon that feeds the chain with meter data
//! and keeps the market moving.
//!
//! This crate holds the keeper's sources and its validation layer, what a
//! reading goes through before anything is signed:
//!
//! - [`sources`]: where readings come from. Meter gateways (HTTP JSON,
//!   cumulative registers, [`sources::gateway`]), DISCOM interval feeds in CSV
//!   ([`sources::csv`]) and Green Button ESPI XML ([`sources::espi`]), read
//!   from a watched directory ([`sources::dir`]) or an HTTP URL
//!   ([`sources::http`]); all of them together, configured by `[sources]`
//!   and validated against the chain, as the daemon's readings feed
//!   ([`sources::SourcesFeed`]).
//! - [`readings`]: what a source yields ([`readings::RegisterReading`],
//!   [`readings::IntervalReading`]), the typed rejection reasons
//!   ([`readings::RejectReason`]), and the [`readings::Validator`] that turns
//!   interval data into cumulative registers, lets a DISCOM feed win over a
//!   gateway, applies the registry's own rules, and packs what passes as the
//!   sdk's `(meter, Reading)` pairs.
//! - [`meters`]: the keeper's view of each meter as the chain shows it
//!   ([`meters::MeterView`], [`meters::MeterBook`]) and the meter list file
//!   `check-feed` reads.
//! - [`commands`]: the `joule-keeper` subcommands (`check-feed`).
//! - [`demo`]: `joule-keeper demo`, the keeper's story on an embedded
//!   chain (the demo `scripts/demo.sh` runs).
//! - [`daemon`]: the daemon's duties (readings, epochs, settlement,
//!   minting), its configuration (TOML, environment, flags), sharding,
//!   metrics and health, and [`daemon::run`].
//!
//! No code path here panics on input: every malformed file, entry or
//! response becomes a typed rejection or error, and the rest goes on.

#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod commands;
pub mod daemon;
pub mod demo;
pub mod meters;
pub mod readings;
pub mod sources;
/// Timestamps as feeds write them (the sdk's, shared with the CLI).
pub use joule_sdk::time as timefmt;

/// Readings per legacy transaction when the oracle key pays the fee
/// (measured in the registry tests: 17 fit 1,232 bytes; 16 with a separate
/// fee payer).
pub const READINGS_PER_LEGACY_TX: usize = 17;
