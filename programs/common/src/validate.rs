//! Account checks, in one place per instruction (STYLE.md): each returns the
//! Anchor framework error an Anchor program would raise for the same fault.

use crate::error::FrameworkError;
use pinocchio::{error::ProgramError, AccountView, Address};

#[inline(always)]
pub fn signer(account: &AccountView) -> Result<(), ProgramError> {
    if account.is_signer() {
        Ok(())
    } else {
        Err(FrameworkError::ConstraintSigner.into())
    }
}

#[inline(always)]
pub fn writable(account: &AccountView) -> Result<(), ProgramError> {
    if account.is_writable() {
        Ok(())
    } else {
        Err(FrameworkError::ConstraintMut.into())
    }
}

#[inline(always)]
pub fn writable_signer(account: &AccountView) -> Result<(), ProgramError> {
    signer(account)?;
    writable(account)
}

#[inline(always)]
pub fn address(account: &AccountView, expected: &Address) -> Result<(), ProgramError> {
    if account.address() == expected {
        Ok(())
    } else {
        Err(FrameworkError::ConstraintAddress.into())
    }
}

/// A program account passed for a CPI must be the expected program.
#[inline(always)]
pub fn program(account: &AccountView, expected: &Address) -> Result<(), ProgramError> {
    if account.address() == expected {
        Ok(())
    } else {
        Err(FrameworkError::InvalidProgramId.into())
    }
}

/// An account about to be created: still owned by the system program and
/// holding no data.
#[inline(always)]
pub fn uninitialized(account: &AccountView) -> Result<(), ProgramError> {
    writable(account)?;
    if !account.owned_by(&pinocchio_system::ID) || !account.is_data_empty() {
        return Err(FrameworkError::AccountNotSystemOwned.into());
    }
    Ok(())
}

/// Splits off the first `N` accounts or fails with `AccountNotEnoughKeys`.
#[inline(always)]
pub fn take<const N: usize>(
    accounts: &mut [AccountView],
) -> Result<(&mut [AccountView; N], &mut [AccountView]), ProgramError> {
    accounts
        .split_first_chunk_mut::<N>()
        .ok_or(ProgramError::from(FrameworkError::AccountNotEnoughKeys))
}
