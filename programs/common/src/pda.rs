//! Program-derived addresses.
//!
//! `create_program_address` costs 1,500 CU per call, `find_program_address`
//! up to 1,500 CU per bump tried. On-chain we instead hash with `sol_sha256`
//! and, where uniqueness matters (one account per seed set), prove the bump
//! canonical: every higher bump must hash to a point on the curve
//! (`sol_curve_validate_point`), which is what `find_program_address` would
//! have rejected. Half of all seed sets have canonical bump 255 and need no
//! curve check at all.

use crate::error::FrameworkError;
use pinocchio::{error::ProgramError, Address};

/// Most seeds (bump excluded) a Joule PDA uses.
pub const MAX_SEEDS: usize = 4;

#[cfg(any(target_os = "solana", target_arch = "bpf"))]
const PDA_MARKER: &[u8; 21] = b"ProgramDerivedAddress";

#[cfg(any(target_os = "solana", target_arch = "bpf"))]
#[inline(always)]
fn hash_pda(seeds: &[&[u8]], bump: u8, program_id: &Address) -> Result<[u8; 32], ProgramError> {
    if seeds.len() > MAX_SEEDS {
        return Err(FrameworkError::ConstraintSeeds.into());
    }
    let bump = [bump];
    let mut parts: [&[u8]; MAX_SEEDS + 3] = [&[]; MAX_SEEDS + 3];
    let mut n = 0;
    for seed in seeds {
        parts[n] = seed;
        n += 1;
    }
    parts[n] = &bump;
    parts[n + 1] = program_id.as_ref();
    parts[n + 2] = PDA_MARKER;
    let mut out = [0u8; 32];
    // SAFETY: `parts[..n + 3]` is an array of valid slices and `out` has 32 bytes.
    unsafe {
        solana_define_syscall::definitions::sol_sha256(
            parts.as_ptr() as *const u8,
            (n + 3) as u64,
            out.as_mut_ptr(),
        )
    };
    Ok(out)
}

#[cfg(any(target_os = "solana", target_arch = "bpf"))]
#[inline(always)]
fn on_curve(point: &[u8; 32]) -> bool {
    const CURVE25519_EDWARDS: u64 = 0;
    let mut unused = 0u8;
    // SAFETY: `point` is 32 readable bytes; the result pointer is unused by
    // the syscall for validation.
    unsafe {
        solana_define_syscall::definitions::sol_curve_validate_point(
            CURVE25519_EDWARDS,
            point.as_ptr(),
            &mut unused,
        ) == 0
    }
}

/// Checks that `expected` is the address derived from `seeds` and `bump`,
/// without proving that the bump is canonical. Use it for accounts whose
/// address was already proven canonical when they were created (their bump
/// is stored) or for signing seeds.
#[inline(always)]
pub fn verify(
    seeds: &[&[u8]],
    bump: u8,
    program_id: &Address,
    expected: &Address,
) -> Result<(), ProgramError> {
    #[cfg(any(target_os = "solana", target_arch = "bpf"))]
    let ok = hash_pda(seeds, bump, program_id)? == *expected.as_array();
    #[cfg(not(any(target_os = "solana", target_arch = "bpf")))]
    let ok = {
        let mut with_bump: [&[u8]; MAX_SEEDS + 1] = [&[]; MAX_SEEDS + 1];
        if seeds.len() > MAX_SEEDS {
            return Err(FrameworkError::ConstraintSeeds.into());
        }
        with_bump[..seeds.len()].copy_from_slice(seeds);
        let bump = [bump];
        with_bump[seeds.len()] = &bump;
        Address::create_program_address(&with_bump[..=seeds.len()], program_id)
            .is_ok_and(|a| a == *expected)
    };
    if ok {
        Ok(())
    } else {
        Err(FrameworkError::ConstraintSeeds.into())
    }
}

/// Checks that `expected` is the canonical PDA of `seeds` with `bump`: the
/// address matches and no higher bump yields a valid PDA.
#[inline(always)]
pub fn verify_canonical(
    seeds: &[&[u8]],
    bump: u8,
    program_id: &Address,
    expected: &Address,
) -> Result<(), ProgramError> {
    #[cfg(any(target_os = "solana", target_arch = "bpf"))]
    {
        verify(seeds, bump, program_id, expected)?;
        let mut higher = bump;
        while higher < u8::MAX {
            higher += 1;
            if !on_curve(&hash_pda(seeds, higher, program_id)?) {
                return Err(FrameworkError::ConstraintSeeds.into());
            }
        }
        Ok(())
    }
    #[cfg(not(any(target_os = "solana", target_arch = "bpf")))]
    {
        let (address, canonical) = Address::find_program_address(seeds, program_id);
        if canonical == bump && address == *expected {
            Ok(())
        } else {
            Err(FrameworkError::ConstraintSeeds.into())
        }
    }
}
