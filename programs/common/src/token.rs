//! Read-only views of SPL Token accounts and mints, checked before any CPI so
//! that a substituted mint or token account fails with a named error rather
//! than whatever the token program happens to say.

use crate::error::FrameworkError;
use pinocchio::{error::ProgramError, AccountView, Address};

/// The SPL Token program id (litesvm and mainnet run p-token under it).
pub const TOKEN_PROGRAM_ID: Address = pinocchio_token::ID;

/// The associated token account program (only named in the IDL's seeds:
/// the programs accept any token account of the right mint and owner).
pub const ASSOCIATED_TOKEN_PROGRAM_ID: Address =
    Address::from_str_const("ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL");

/// SPL Token account size.
pub const TOKEN_ACCOUNT_LEN: usize = 165;
/// SPL Token mint size.
pub const MINT_LEN: usize = 82;

/// The fields of a token account the programs check.
#[derive(Clone, Copy)]
pub struct TokenAccountView {
    pub mint: Address,
    pub owner: Address,
    pub amount: u64,
}

/// Reads an initialised (not frozen) SPL Token account.
#[inline(always)]
pub fn token_account(account: &AccountView) -> Result<TokenAccountView, ProgramError> {
    if !account.owned_by(&TOKEN_PROGRAM_ID) {
        return Err(FrameworkError::AccountOwnedByWrongProgram.into());
    }
    let data = account.try_borrow()?;
    if data.len() != TOKEN_ACCOUNT_LEN {
        return Err(FrameworkError::AccountNotInitialized.into());
    }
    // State byte: 0 uninitialised, 1 initialised, 2 frozen.
    if data[108] != 1 {
        return Err(FrameworkError::AccountNotInitialized.into());
    }
    let mut mint = [0u8; 32];
    let mut owner = [0u8; 32];
    let mut amount = [0u8; 8];
    mint.copy_from_slice(&data[0..32]);
    owner.copy_from_slice(&data[32..64]);
    amount.copy_from_slice(&data[64..72]);
    Ok(TokenAccountView {
        mint: Address::new_from_array(mint),
        owner: Address::new_from_array(owner),
        amount: u64::from_le_bytes(amount),
    })
}

/// Reads a token account and checks its mint.
#[inline(always)]
pub fn token_account_of_mint(
    account: &AccountView,
    mint: &Address,
) -> Result<TokenAccountView, ProgramError> {
    let view = token_account(account)?;
    if &view.mint != mint {
        return Err(FrameworkError::ConstraintTokenMint.into());
    }
    Ok(view)
}

/// Reads a token account and checks its mint and owner.
#[inline(always)]
pub fn token_account_of(
    account: &AccountView,
    mint: &Address,
    owner: &Address,
) -> Result<TokenAccountView, ProgramError> {
    let view = token_account_of_mint(account, mint)?;
    if &view.owner != owner {
        return Err(FrameworkError::ConstraintTokenOwner.into());
    }
    Ok(view)
}

/// Checks that `account` is an initialised SPL Token mint and returns its
/// decimals.
#[inline(always)]
pub fn mint_decimals(account: &AccountView) -> Result<u8, ProgramError> {
    if !account.owned_by(&TOKEN_PROGRAM_ID) {
        return Err(FrameworkError::AccountOwnedByWrongProgram.into());
    }
    let data = account.try_borrow()?;
    if data.len() != MINT_LEN || data[45] != 1 {
        return Err(FrameworkError::AccountNotInitialized.into());
    }
    Ok(data[44])
}

use pinocchio::cpi::Signer;
use pinocchio_token::instructions::{Burn, MintTo, Transfer};

/// Mints `amount` to `account`, signed by the PDA `authority`.
#[inline(always)]
pub fn mint_to(
    mint: &AccountView,
    account: &AccountView,
    authority: &AccountView,
    amount: u64,
    signer: Signer,
) -> Result<(), ProgramError> {
    MintTo::new(mint, account, authority, amount).invoke_signed(&[signer])
}

/// Burns `amount` from `account`; `authority` signed the transaction.
#[inline(always)]
pub fn burn(
    account: &AccountView,
    mint: &AccountView,
    authority: &AccountView,
    amount: u64,
) -> Result<(), ProgramError> {
    Burn::new(account, mint, authority, amount).invoke()
}

/// Transfers `amount`; `authority` signed the transaction.
#[inline(always)]
pub fn transfer(
    from: &AccountView,
    to: &AccountView,
    authority: &AccountView,
    amount: u64,
) -> Result<(), ProgramError> {
    Transfer::new(from, to, authority, amount).invoke()
}

/// Transfers `amount` out of a PDA-owned account, signed by the PDA.
#[inline(always)]
pub fn transfer_signed(
    from: &AccountView,
    to: &AccountView,
    authority: &AccountView,
    amount: u64,
    signer: Signer,
) -> Result<(), ProgramError> {
    Transfer::new(from, to, authority, amount).invoke_signed(&[signer])
}
