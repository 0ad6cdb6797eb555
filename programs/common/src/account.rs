//! Fixed-size `#[repr(C)]` Pod accounts behind an 8-byte Anchor discriminator.

use crate::error::FrameworkError;
use bytemuck::Pod;
use pinocchio::{
    account::{Ref, RefMut},
    error::ProgramError,
    AccountView, Address,
};

/// Length of the Anchor account discriminator that precedes every body.
pub const DISCRIMINATOR_LEN: usize = 8;

/// A program account: an 8-byte discriminator then a Pod body.
pub trait AccountState: Pod {
    /// `sha256("account:<PascalName>")[..8]`.
    const DISCRIMINATOR: [u8; 8];
    /// Total account size: discriminator + body.
    const SPACE: usize = DISCRIMINATOR_LEN + core::mem::size_of::<Self>();
}

#[inline(always)]
fn check_header<T: AccountState>(data: &[u8]) -> Result<(), ProgramError> {
    if data.len() != T::SPACE {
        return Err(FrameworkError::AccountDiscriminatorMismatch.into());
    }
    // SAFETY: the length was checked above.
    let disc = unsafe { data.get_unchecked(..DISCRIMINATOR_LEN) };
    if disc != T::DISCRIMINATOR {
        return Err(FrameworkError::AccountDiscriminatorMismatch.into());
    }
    Ok(())
}

#[inline(always)]
fn check_owner(account: &AccountView, program_id: &Address) -> Result<(), ProgramError> {
    if !account.owned_by(program_id) {
        return Err(FrameworkError::AccountOwnedByWrongProgram.into());
    }
    Ok(())
}

/// Borrows a program account read-only after checking its owner, size and
/// discriminator.
#[inline(always)]
pub fn load<'a, T: AccountState>(
    account: &'a AccountView,
    program_id: &Address,
) -> Result<Ref<'a, T>, ProgramError> {
    check_owner(account, program_id)?;
    let data = account.try_borrow()?;
    check_header::<T>(&data)?;
    Ref::try_map(data, |d| {
        bytemuck::try_from_bytes::<T>(&d[DISCRIMINATOR_LEN..])
            .map_err(|_| ProgramError::from(FrameworkError::AccountDiscriminatorMismatch))
    })
    .map_err(|(_, e)| e)
}

/// Borrows a program account mutably after checking that it is writable, its
/// owner, size and discriminator.
#[inline(always)]
pub fn load_mut<'a, T: AccountState>(
    account: &'a mut AccountView,
    program_id: &Address,
) -> Result<RefMut<'a, T>, ProgramError> {
    if !account.is_writable() {
        return Err(FrameworkError::ConstraintMut.into());
    }
    check_owner(account, program_id)?;
    let data = account.try_borrow_mut()?;
    check_header::<T>(&data)?;
    RefMut::try_map(data, |d| {
        bytemuck::try_from_bytes_mut::<T>(&mut d[DISCRIMINATOR_LEN..])
            .map_err(|_| ProgramError::from(FrameworkError::AccountDiscriminatorMismatch))
    })
    .map_err(|(_, e)| e)
}

/// Writes the discriminator and body of a freshly created account (all zero
/// bytes, owned by this program, of exactly `T::SPACE` bytes).
#[inline(always)]
pub fn init<T: AccountState>(account: &mut AccountView, body: &T) -> Result<(), ProgramError> {
    let mut data = account.try_borrow_mut()?;
    if data.len() != T::SPACE {
        return Err(FrameworkError::AccountDiscriminatorMismatch.into());
    }
    data[..DISCRIMINATOR_LEN].copy_from_slice(&T::DISCRIMINATOR);
    data[DISCRIMINATOR_LEN..].copy_from_slice(bytemuck::bytes_of(body));
    Ok(())
}

/// Writes the discriminator of a freshly created account (all zero bytes,
/// owned by this program, of exactly `T::SPACE` bytes) and returns its body
/// for the caller to set the non-zero fields in place.
#[inline(always)]
pub fn init_zeroed<T: AccountState>(
    account: &mut AccountView,
) -> Result<RefMut<'_, T>, ProgramError> {
    let mut data = account.try_borrow_mut()?;
    if data.len() != T::SPACE {
        return Err(FrameworkError::AccountDiscriminatorMismatch.into());
    }
    data[..DISCRIMINATOR_LEN].copy_from_slice(&T::DISCRIMINATOR);
    RefMut::try_map(data, |d| {
        bytemuck::try_from_bytes_mut::<T>(&mut d[DISCRIMINATOR_LEN..])
            .map_err(|_| ProgramError::from(FrameworkError::AccountDiscriminatorMismatch))
    })
    .map_err(|(_, e)| e)
}

/// Decodes an account's data off-chain (any alignment): checks the size and
/// discriminator and copies the body out.
pub fn decode<T: AccountState>(data: &[u8]) -> Option<T> {
    check_header::<T>(data).ok()?;
    Some(bytemuck::pod_read_unaligned(&data[DISCRIMINATOR_LEN..]))
}
