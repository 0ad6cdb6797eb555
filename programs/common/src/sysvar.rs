//! Sysvar reads through the generic `sol_get_sysvar` syscall, fetching only
//! the bytes needed.
//!
//! (pinocchio 0.11's `Clock::get()` / `Rent::get()` issue that syscall only
//! for `target_os = "solana"`, so on the upstream `bpf` target they fail
//! with `UnsupportedSysvar`; these work on both targets.)

use crate::error::FrameworkError;
use pinocchio::{error::ProgramError, AccountView, Address};

#[cfg(any(target_os = "solana", target_arch = "bpf"))]
#[inline(always)]
fn read<const N: usize>(id: &Address, offset: u64) -> Result<[u8; N], ProgramError> {
    let mut buf = [0u8; N];
    // SAFETY: `buf` is N writable bytes; `id` is 32 readable bytes.
    let rc = unsafe {
        solana_define_syscall::definitions::sol_get_sysvar(
            id.as_ref().as_ptr(),
            buf.as_mut_ptr(),
            offset,
            N as u64,
        )
    };
    if rc != 0 {
        return Err(ProgramError::UnsupportedSysvar);
    }
    Ok(buf)
}

/// The clock sysvar's address.
pub const CLOCK_SYSVAR: Address =
    Address::from_str_const("SysvarC1ock11111111111111111111111111111111");
/// The rent sysvar's address.
pub const RENT_SYSVAR: Address =
    Address::from_str_const("SysvarRent111111111111111111111111111111111");

/// The cluster's Unix timestamp (`Clock::unix_timestamp`, at byte 32).
#[inline(always)]
pub fn unix_timestamp() -> Result<i64, ProgramError> {
    #[cfg(any(target_os = "solana", target_arch = "bpf"))]
    {
        Ok(i64::from_le_bytes(read::<8>(&CLOCK_SYSVAR, 32)?))
    }
    #[cfg(not(any(target_os = "solana", target_arch = "bpf")))]
    {
        Err(ProgramError::UnsupportedSysvar)
    }
}

/// Bytes of account metadata that rent is also charged for.
const ACCOUNT_STORAGE_OVERHEAD: u64 = 128;

/// The rent-exempt minimum balance of an account of `space` bytes, read from
/// the rent sysvar with integer arithmetic only (no floats on-chain): the
/// exemption threshold must be a whole number of years (2.0 today, 1.0
/// after the announced rent change); any other value fails with
/// `UnsupportedSysvar` rather than being rounded.
#[inline(always)]
pub fn minimum_balance(space: usize) -> Result<u64, ProgramError> {
    #[cfg(any(target_os = "solana", target_arch = "bpf"))]
    let (lamports_per_byte_year, threshold_bits) = {
        // lamports_per_byte_year: u64, exemption_threshold: f64 (its bits), burn_percent: u8
        let buf = read::<16>(&RENT_SYSVAR, 0)?;
        rent_fields(&buf)
    };
    #[cfg(not(any(target_os = "solana", target_arch = "bpf")))]
    let (lamports_per_byte_year, threshold_bits) = (3_480u64, 0x4000_0000_0000_0000u64);
    price(space, lamports_per_byte_year, threshold_bits)
}

/// As [`minimum_balance`], reading the rent sysvar *account* passed to the
/// instruction instead of calling the sysvar syscall: about 110 CU cheaper,
/// for 32 more transaction bytes. For instructions whose compute budget is
/// tight. Fails with `ConstraintAddress` if `rent_sysvar` is not the rent
/// sysvar.
#[inline(always)]
pub fn minimum_balance_from_account(
    rent_sysvar: &AccountView,
    space: usize,
) -> Result<u64, ProgramError> {
    if rent_sysvar.address() != &RENT_SYSVAR {
        return Err(FrameworkError::ConstraintAddress.into());
    }
    let data = rent_sysvar.try_borrow()?;
    let buf: &[u8; 16] = data
        .first_chunk::<16>()
        .ok_or(ProgramError::UnsupportedSysvar)?;
    let (lamports_per_byte_year, threshold_bits) = rent_fields(buf);
    price(space, lamports_per_byte_year, threshold_bits)
}

/// `(lamports_per_byte_year, exemption_threshold as f64 bits)` from the
/// first 16 bytes of the rent sysvar.
#[inline(always)]
fn rent_fields(buf: &[u8; 16]) -> (u64, u64) {
    let mut a = [0u8; 8];
    let mut b = [0u8; 8];
    a.copy_from_slice(&buf[..8]);
    b.copy_from_slice(&buf[8..]);
    (u64::from_le_bytes(a), u64::from_le_bytes(b))
}

/// The rent-exempt minimum of `space` bytes at the given rent rate and
/// exemption threshold.
#[inline(always)]
fn price(
    space: usize,
    lamports_per_byte_year: u64,
    threshold_bits: u64,
) -> Result<u64, ProgramError> {
    const ONE_YEAR: u64 = 0x3FF0_0000_0000_0000; // 1.0f64
    const TWO_YEARS: u64 = 0x4000_0000_0000_0000; // 2.0f64
    let years = match threshold_bits {
        ONE_YEAR => 1,
        TWO_YEARS => 2,
        _ => return Err(ProgramError::UnsupportedSysvar),
    };
    // Bounding both factors first (accounts are at most 10 MiB; the rent
    // rate is far below 2^32 lamports per byte-year) lets the compiler prove
    // the checked products cannot overflow, which spares SBF the 128-bit
    // software multiply behind an overflow check (about 90 CU).
    let bytes = (space as u64)
        .checked_add(ACCOUNT_STORAGE_OVERHEAD)
        .filter(|b| *b <= MAX_RENT_BYTES)
        .ok_or(ProgramError::ArithmeticOverflow)?;
    if lamports_per_byte_year > u64::from(u32::MAX) {
        return Err(ProgramError::ArithmeticOverflow);
    }
    // bytes <= 2^31 and lamports_per_byte_year * years < 2^33.
    lamports_per_byte_year
        .checked_mul(years)
        .and_then(|rate| bytes.checked_mul(rate))
        .ok_or(ProgramError::ArithmeticOverflow)
}

/// Largest size (with its metadata overhead) `minimum_balance` prices: far
/// above Solana's 10 MiB account limit.
const MAX_RENT_BYTES: u64 = 1 << 31;
