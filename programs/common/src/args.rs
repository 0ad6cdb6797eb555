//! A Borsh reader for instruction arguments (little-endian, `u32` length
//! prefixes for vectors and strings, one byte for enums and bools).

use crate::error::FrameworkError;
use pinocchio::{error::ProgramError, Address};

/// Reads Borsh-encoded arguments from instruction data, after the 8-byte
/// discriminator has been stripped.
pub struct Args<'a> {
    data: &'a [u8],
}

#[inline(always)]
fn malformed() -> ProgramError {
    FrameworkError::InstructionDidNotDeserialize.into()
}

impl<'a> Args<'a> {
    #[inline(always)]
    pub fn new(data: &'a [u8]) -> Self {
        Self { data }
    }

    #[inline(always)]
    pub fn bytes<const N: usize>(&mut self) -> Result<&'a [u8; N], ProgramError> {
        let (head, tail) = self.data.split_first_chunk::<N>().ok_or_else(malformed)?;
        self.data = tail;
        Ok(head)
    }

    #[inline(always)]
    pub fn slice(&mut self, len: usize) -> Result<&'a [u8], ProgramError> {
        let (head, tail) = self.data.split_at_checked(len).ok_or_else(malformed)?;
        self.data = tail;
        Ok(head)
    }

    #[inline(always)]
    pub fn u8(&mut self) -> Result<u8, ProgramError> {
        Ok(self.bytes::<1>()?[0])
    }

    #[inline(always)]
    pub fn bool(&mut self) -> Result<bool, ProgramError> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(malformed()),
        }
    }

    #[inline(always)]
    pub fn u16(&mut self) -> Result<u16, ProgramError> {
        Ok(u16::from_le_bytes(*self.bytes::<2>()?))
    }

    #[inline(always)]
    pub fn u32(&mut self) -> Result<u32, ProgramError> {
        Ok(u32::from_le_bytes(*self.bytes::<4>()?))
    }

    #[inline(always)]
    pub fn u64(&mut self) -> Result<u64, ProgramError> {
        Ok(u64::from_le_bytes(*self.bytes::<8>()?))
    }

    #[inline(always)]
    pub fn i64(&mut self) -> Result<i64, ProgramError> {
        Ok(i64::from_le_bytes(*self.bytes::<8>()?))
    }

    #[inline(always)]
    pub fn address(&mut self) -> Result<&'a Address, ProgramError> {
        let bytes = self.bytes::<32>()?;
        // SAFETY: `Address` is a `#[repr(transparent)]` wrapper of `[u8; 32]`.
        Ok(unsafe { &*(bytes as *const [u8; 32] as *const Address) })
    }

    /// A Borsh `Vec<T>` of fixed-size items: returns the item count and the
    /// raw bytes of the items, checking that they are all present.
    #[inline(always)]
    pub fn vec_raw(&mut self, item_size: usize) -> Result<(usize, &'a [u8]), ProgramError> {
        let count = self.u32()? as usize;
        let len = count.checked_mul(item_size).ok_or_else(malformed)?;
        Ok((count, self.slice(len)?))
    }

    /// A Borsh `String` of at most `max` bytes of valid UTF-8.
    #[inline(always)]
    pub fn string(&mut self, max: usize) -> Result<&'a str, ProgramError> {
        let len = self.u32()? as usize;
        if len > max {
            return Err(malformed());
        }
        core::str::from_utf8(self.slice(len)?).map_err(|_| malformed())
    }

    /// Every argument must be consumed: trailing bytes are malformed input.
    #[inline(always)]
    pub fn finish(self) -> Result<(), ProgramError> {
        if self.data.is_empty() {
            Ok(())
        } else {
            Err(malformed())
        }
    }
}

/// Splits instruction data into its 8-byte discriminator (as a `u64`) and the
/// Borsh arguments.
#[inline(always)]
pub fn split_discriminator(data: &[u8]) -> Result<(u64, &[u8]), ProgramError> {
    let (disc, rest) = data
        .split_first_chunk::<8>()
        .ok_or(ProgramError::from(FrameworkError::InstructionMissing))?;
    Ok((u64::from_le_bytes(*disc), rest))
}
