//! Joule certificates program (skeleton; see its issue).
#![cfg_attr(any(target_os = "solana", target_arch = "bpf"), no_std)]
#![deny(clippy::arithmetic_side_effects)]

extern crate alloc;

#[cfg(target_arch = "bpf")]
use solana_compiler_builtins as _;

pub mod error;

use joule_common::{args::split_discriminator, error::FrameworkError};
use pinocchio::{error::ProgramError, AccountView, Address, ProgramResult};

solana_address::declare_id!("8EAq1WJtRZjEMchr1rHMxohNQjXUD8WCQLEgb8h3JXrx");

#[cfg(all(
    not(feature = "no-entrypoint"),
    any(target_os = "solana", target_arch = "bpf")
))]
mod entrypoint {
    pinocchio::program_entrypoint!(super::process_instruction);
    pinocchio::default_allocator!();
    pinocchio::nostd_panic_handler!();
}

/// Dispatches on the 8-byte Anchor instruction discriminator.
pub fn process_instruction(
    _program_id: &Address,
    _accounts: &mut [AccountView],
    data: &[u8],
) -> ProgramResult {
    let (_disc, _args) = split_discriminator(data)?;
    Err(ProgramError::from(FrameworkError::InstructionFallbackNotFound))
}
