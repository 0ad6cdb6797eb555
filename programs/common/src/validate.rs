//! Account checks, made in one place per instruction (each handler's
//! accounts struct, see ARCHITECTURE.md). Each returns the Anchor framework
//! error an Anchor program would raise for the same fault.

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

/// Address equality as four 8-byte compares: the derived `==` on 32 bytes
/// may become a `bcmp` call in SBF, several times dearer in a hot loop.
#[inline(always)]
pub fn same_address(a: &Address, b: &Address) -> bool {
    let a = a.as_array();
    let b = b.as_array();
    let mut i = 0;
    while i < 32 {
        let x = u64::from_le_bytes([
            a[i],
            a[i + 1],
            a[i + 2],
            a[i + 3],
            a[i + 4],
            a[i + 5],
            a[i + 6],
            a[i + 7],
        ]);
        let y = u64::from_le_bytes([
            b[i],
            b[i + 1],
            b[i + 2],
            b[i + 3],
            b[i + 4],
            b[i + 5],
            b[i + 6],
            b[i + 7],
        ]);
        if x != y {
            return false;
        }
        i += 8;
    }
    true
}
