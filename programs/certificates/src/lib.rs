//! Joule certificates program: energy renewable certificates (ERC).
//!
//! The certificate authority issues a certificate against a renewable
//! meter's exported energy not yet certified; the registry records it in the
//! meter's `certified_wh` through a hook only this program's PDA
//! `["certifier"]` can sign for, so a kWh is certified at most once. Owners
//! transfer certificates whole, split them in two, or retire them for a
//! named beneficiary; the authority may revoke an active one. The
//! certificate PDA is the only representation: there is no fungible token
//! for the same energy.
//!
//! Accounts: the `Config` PDA `["config"]` (authority, pending authority,
//! pause flags, next certificate id), created by the registry admin; one
//! `Certificate` PDA per certificate, always at bump 255: an issued one at
//! `["certificate", id as u64 LE]` (ids whose bump-255 address is not a
//! valid PDA are skipped, see [`state::CERTIFICATE_BUMP`]), a split part at
//! `["split", parent certificate, index as u32 LE]`, indexed by its parent's
//! own split counter. Only the authority consumes issuance ids and only a
//! certificate's owner consumes its split indices, so nobody can take the
//! address of someone else's next certificate. Per meter, the amounts of its
//! certificates (active, retired and revoked) sum to its `certified_wh`.
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

solana_address::declare_id!("8EAq1WJtRZjEMchr1rHMxohNQjXUD8WCQLEgb8h3JXrx");

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
        wire::issue_certificate::DISCRIMINATOR_U64 => {
            authority::issue_certificate::process(program_id, accounts, args)
        }
        wire::transfer_certificate::DISCRIMINATOR_U64 => {
            owner::transfer_certificate::process(program_id, accounts, args)
        }
        wire::split_certificate::DISCRIMINATOR_U64 => {
            owner::split_certificate::process(program_id, accounts, args)
        }
        wire::retire_certificate::DISCRIMINATOR_U64 => {
            owner::retire_certificate::process(program_id, accounts, args)
        }
        wire::revoke_certificate::DISCRIMINATOR_U64 => {
            authority::revoke_certificate::process(program_id, accounts, args)
        }
        wire::initialize::DISCRIMINATOR_U64 => {
            admin::initialize::process(program_id, accounts, args)
        }
        wire::propose_authority::DISCRIMINATOR_U64 => {
            admin::authority_transfer::propose(program_id, accounts, args)
        }
        wire::accept_authority::DISCRIMINATOR_U64 => {
            admin::authority_transfer::accept(program_id, accounts, args)
        }
        wire::set_pause::DISCRIMINATOR_U64 => admin::set_pause::process(program_id, accounts, args),
        _ => Err(ProgramError::from(
            FrameworkError::InstructionFallbackNotFound,
        )),
    }
}
