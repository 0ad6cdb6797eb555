//! Joule registry program.
//!
//! Holds the protocol config and oracle set, one PDA per physical meter,
//! the oracle readings that advance each meter's cumulative registers, the
//! energy mint (1 unit = 1 Wh, 3 decimals, so 1 token = 1 kWh), and the
//! consumption redemptions a utility bills against.
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
pub mod state;
pub mod wire;

use joule_common::{args::split_discriminator, error::FrameworkError};
use pinocchio::{error::ProgramError, AccountView, Address, ProgramResult};

solana_address::declare_id!("8k4PYFJ8nuuGYxU1zbUjEN6Tv9apLF48NNGWc8pdDqEs");

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
        wire::submit_readings::DISCRIMINATOR_U64 => {
            oracle::submit_readings::process(program_id, accounts, args)
        }
        wire::mint_energy::DISCRIMINATOR_U64 => {
            user::mint_energy::process(program_id, accounts, args)
        }
        wire::redeem_consumption::DISCRIMINATOR_U64 => {
            user::redeem_consumption::process(program_id, accounts, args)
        }
        wire::register_meter::DISCRIMINATOR_U64 => {
            user::register_meter::process(program_id, accounts, args)
        }
        wire::propose_meter_transfer::DISCRIMINATOR_U64 => {
            user::meter_transfer::propose(program_id, accounts, args)
        }
        wire::accept_meter_transfer::DISCRIMINATOR_U64 => {
            user::meter_transfer::accept(program_id, accounts, args)
        }
        wire::record_certified::DISCRIMINATOR_U64 => {
            certifier::record_certified::process(program_id, accounts, args)
        }
        wire::initialize::DISCRIMINATOR_U64 => {
            admin::initialize::process(program_id, accounts, args)
        }
        wire::propose_admin::DISCRIMINATOR_U64 => {
            admin::admin_transfer::propose(program_id, accounts, args)
        }
        wire::accept_admin::DISCRIMINATOR_U64 => {
            admin::admin_transfer::accept(program_id, accounts, args)
        }
        wire::set_oracles::DISCRIMINATOR_U64 => {
            admin::set_oracles::process(program_id, accounts, args)
        }
        wire::set_pause::DISCRIMINATOR_U64 => admin::set_pause::process(program_id, accounts, args),
        wire::activate_meter::DISCRIMINATOR_U64 => {
            admin::meter_status::activate(program_id, accounts, args)
        }
        wire::suspend_meter::DISCRIMINATOR_U64 => {
            admin::meter_status::suspend(program_id, accounts, args)
        }
        wire::reassign_meter::DISCRIMINATOR_U64 => {
            admin::reassign_meter::process(program_id, accounts, args)
        }
        wire::close_meter::DISCRIMINATOR_U64 => {
            admin::close_meter::process(program_id, accounts, args)
        }
        _ => Err(ProgramError::from(
            FrameworkError::InstructionFallbackNotFound,
        )),
    }
}
