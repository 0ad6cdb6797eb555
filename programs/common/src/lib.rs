//! Building blocks shared by the Joule programs.
//!
//! Everything here keeps Anchor's wire conventions (see ARCHITECTURE.md): 8-byte
//! `sha256` discriminators for instructions, accounts and events, Borsh
//! little-endian argument encoding, framework error codes below 6000 and
//! program error codes from 6000 up.
#![no_std]

extern crate alloc;

pub mod account;
pub mod args;
pub mod cpi;
pub mod disc;
pub mod error;
pub mod event;
pub mod handover;
pub mod layout;
pub mod pda;
#[cfg(feature = "runtime")]
mod runtime;
pub mod sysvar;
pub mod token;
pub mod validate;
pub mod wire;

pub use pinocchio::{error::ProgramError, AccountView, Address, ProgramResult};
