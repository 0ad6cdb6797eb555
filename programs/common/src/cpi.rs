//! Account creation and closing.

use crate::error::FrameworkError;
use pinocchio::{cpi::Signer, error::ProgramError, AccountView, Address};
use pinocchio_system::instructions::{Allocate, Assign, CreateAccount, Transfer};

/// Creates a program-owned PDA of `space` bytes, rent-exempt, paid by
/// `payer`. Works even when someone has already sent lamports to the address
/// (a plain `create_account` would fail there, letting anyone block the
/// creation of a known PDA): it then tops up, allocates and assigns instead.
#[inline(always)]
pub fn create_pda_account(
    payer: &AccountView,
    account: &AccountView,
    space: usize,
    owner: &Address,
    signer: Signer,
) -> Result<(), ProgramError> {
    let rent = crate::sysvar::minimum_balance(space)?;
    create_pda_account_with_rent(payer, account, space, owner, signer, rent)
}

/// As [`create_pda_account`], with the rent-exempt balance `rent` already
/// known (e.g. from [`minimum_balance_from_account`](crate::sysvar::minimum_balance_from_account)).
#[inline(always)]
pub fn create_pda_account_with_rent(
    payer: &AccountView,
    account: &AccountView,
    space: usize,
    owner: &Address,
    signer: Signer,
    rent: u64,
) -> Result<(), ProgramError> {
    let current = account.lamports();
    if current == 0 {
        return CreateAccount {
            from: payer,
            to: account,
            lamports: rent,
            space: space as u64,
            owner,
        }
        .invoke_signed(&[signer]);
    }
    if current < rent {
        Transfer {
            from: payer,
            to: account,
            lamports: rent - current,
        }
        .invoke()?;
    }
    Allocate {
        account,
        space: space as u64,
    }
    .invoke_signed(core::slice::from_ref(&signer))?;
    Assign { account, owner }.invoke_signed(&[signer])
}

/// Closes a program-owned account: all lamports to `destination`, data
/// zeroed and shrunk, owner back to the system program (so the address can
/// never be mistaken for a live account again in this transaction or later).
#[inline(always)]
pub fn close_account(
    account: &mut AccountView,
    destination: &mut AccountView,
) -> Result<(), ProgramError> {
    let lamports = account.lamports();
    let total = destination
        .lamports()
        .checked_add(lamports)
        .ok_or(ProgramError::ArithmeticOverflow)?;
    destination.set_lamports(total);
    account.set_lamports(0);
    account.close()
}

/// Fails unless `account` is the system program (for `create_account`).
#[inline(always)]
pub fn system_program(account: &AccountView) -> Result<(), ProgramError> {
    if account.address() != &pinocchio_system::ID {
        return Err(FrameworkError::InvalidProgramId.into());
    }
    Ok(())
}
