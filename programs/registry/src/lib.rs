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

/// Dispatches on the 8-byte Anchor instruction discriminator.
pub fn process_instruction(
    program_id: &Address,
    accounts: &mut [AccountView],
    data: &[u8],
) -> ProgramResult {
    use instructions::*;
    let (disc, args) = split_discriminator(data)?;
    match disc {
        ix::SUBMIT_READINGS => oracle::submit_readings::process(program_id, accounts, args),
        ix::MINT_ENERGY => user::mint_energy::process(program_id, accounts, args),
        ix::REDEEM_CONSUMPTION => user::redeem_consumption::process(program_id, accounts, args),
        ix::REGISTER_METER => user::register_meter::process(program_id, accounts, args),
        ix::PROPOSE_METER_TRANSFER => user::meter_transfer::propose(program_id, accounts, args),
        ix::ACCEPT_METER_TRANSFER => user::meter_transfer::accept(program_id, accounts, args),
        ix::RECORD_CERTIFIED => certifier::record_certified::process(program_id, accounts, args),
        ix::INITIALIZE => admin::initialize::process(program_id, accounts, args),
        ix::PROPOSE_ADMIN => admin::admin_transfer::propose(program_id, accounts, args),
        ix::ACCEPT_ADMIN => admin::admin_transfer::accept(program_id, accounts, args),
        ix::SET_ORACLES => admin::set_oracles::process(program_id, accounts, args),
        ix::SET_PAUSE => admin::set_pause::process(program_id, accounts, args),
        ix::ACTIVATE_METER => admin::meter_status::activate(program_id, accounts, args),
        ix::SUSPEND_METER => admin::meter_status::suspend(program_id, accounts, args),
        ix::REASSIGN_METER => admin::reassign_meter::process(program_id, accounts, args),
        ix::CLOSE_METER => admin::close_meter::process(program_id, accounts, args),
        _ => Err(ProgramError::from(
            FrameworkError::InstructionFallbackNotFound,
        )),
    }
}
