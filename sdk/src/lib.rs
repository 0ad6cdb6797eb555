//! Joule client sdk: the one place for program ids, seeds and PDAs,
//! instruction builders (one struct with named fields per instruction,
//! filling the program's wire declaration), account and event decoders,
//! exact kWh ⇄ Wh amounts and the instruction specs the Anchor IDL is
//! generated from (the programs' wire declarations, by the
//! `joule-idl` crate). The keeper, the CLI and the tests all go through it.

pub mod amount;
pub mod certificates;
pub mod errors;
pub mod events;
pub mod market;
pub mod registry;
pub mod spec;
pub mod time;
pub mod token;

pub use joule_common::{error::FrameworkError, event::Event};
pub use solana_address::Address as Pubkey;
pub use solana_instruction::{AccountMeta, Instruction};

/// The SPL Token program.
pub const TOKEN_PROGRAM_ID: Pubkey =
    Pubkey::from_str_const("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");
/// The system program.
pub const SYSTEM_PROGRAM_ID: Pubkey = Pubkey::from_str_const("11111111111111111111111111111111");
/// The associated token account program.
pub const ASSOCIATED_TOKEN_PROGRAM_ID: Pubkey =
    Pubkey::from_str_const("ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL");

/// The associated token account of `owner` for `mint` (SPL Token).
pub fn associated_token_address(owner: &Pubkey, mint: &Pubkey) -> Pubkey {
    Pubkey::find_program_address(
        &[owner.as_ref(), TOKEN_PROGRAM_ID.as_ref(), mint.as_ref()],
        &ASSOCIATED_TOKEN_PROGRAM_ID,
    )
    .0
}
