//! Joule market program: one sealed-bid, uniform-price auction of energy
//! tokens per epoch.
//!
//! Traders place limit orders that escrow everything they could owe; after
//! the epoch's end anyone clears it in one O(ticks) pass over its demand
//! and supply histograms (`math`); anyone then settles its orders in
//! batches, and the last settlement sweeps fees and rounding dust to the
//! fee recipient. Orders live in the epoch account's book rather than in
//! one PDA each, so that settlement needs two accounts per order (see
//! `state::epoch`).
//!
//! `lib.rs` only dispatches; each instruction lives in `instructions/`.
#![cfg_attr(any(target_os = "solana", target_arch = "bpf"), no_std)]
#![deny(clippy::arithmetic_side_effects)]

extern crate alloc;

#[cfg(target_arch = "bpf")]
use solana_compiler_builtins as _;

pub mod error;
pub mod events;
pub mod instructions;
pub mod math;
pub mod state;
pub mod wire;

use joule_common::{args::split_discriminator, error::FrameworkError};
use pinocchio::{error::ProgramError, AccountView, Address, ProgramResult};

solana_address::declare_id!("HZzjyS2FgeyHgqpC9Ms4BxdKJAbizX52hUfc1hq5cKp3");

#[cfg(all(
    not(feature = "no-entrypoint"),
    any(target_os = "solana", target_arch = "bpf")
))]
mod entrypoint {
    // The panic handler and allocator come from `joule-common/runtime`.
    pinocchio::program_entrypoint!(super::process_instruction);
}

/// Dispatches on the 8-byte Anchor instruction discriminator (see `wire`).
pub fn process_instruction(
    program_id: &Address,
    accounts: &mut [AccountView],
    data: &[u8],
) -> ProgramResult {
    use instructions::*;
    let (disc, args) = split_discriminator(data)?;
    match disc {
        wire::place_order::DISCRIMINATOR_U64 => {
            user::place_order::process(program_id, accounts, args)
        }
        wire::settle_orders::DISCRIMINATOR_U64 => {
            keeper::settle_orders::process(program_id, accounts, args)
        }
        wire::cancel_order::DISCRIMINATOR_U64 => {
            user::cancel_order::process(program_id, accounts, args)
        }
        wire::clear_epoch::DISCRIMINATOR_U64 => {
            keeper::clear_epoch::process(program_id, accounts, args)
        }
        wire::open_epoch::DISCRIMINATOR_U64 => {
            keeper::open_epoch::process(program_id, accounts, args)
        }
        wire::close_epoch::DISCRIMINATOR_U64 => {
            keeper::close_epoch::process(program_id, accounts, args)
        }
        wire::create_market::DISCRIMINATOR_U64 => {
            admin::create_market::process(program_id, accounts, args)
        }
        _ => Err(ProgramError::from(
            FrameworkError::InstructionFallbackNotFound,
        )),
    }
}
