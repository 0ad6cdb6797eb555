//! Anchor's Rust tooling accepts Joule's generated IDLs: `declare_program!`
//! over `target-idl/{registry,market,certificates}.json` (copied into
//! `idls/` by build.rs) must compile. The tests in `tests/` then check that
//! the generated client types build the same instructions, byte for byte,
//! as the sdk, and decode the programs' accounts.

// The generated code tests `feature = "idl-build"`, a feature of Anchor
// programs that this crate has no use for.
#![allow(unexpected_cfgs)]

// `::` because the prelude re-exports the crate as `anchor_lang`: without
// it, cargo takes the dependency for unused.
use ::anchor_lang::prelude::*;

declare_program!(registry);
declare_program!(market);
declare_program!(certificates);

// `declare_program!` does not tell cargo it read the IDLs; these do, so an
// IDL change rebuilds this crate.
const _: &[u8] = include_bytes!("../idls/registry.json");
const _: &[u8] = include_bytes!("../idls/market.json");
const _: &[u8] = include_bytes!("../idls/certificates.json");
