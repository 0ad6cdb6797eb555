//! Anchor events: `sha256("event:<Name>")[..8]` + Borsh body, emitted with
//! `sol_log_data` (clients see `Program data: <base64>`).
//!
//! Event bodies are `#[repr(C)]` Pod structs without padding, whose bytes are
//! exactly their Borsh encoding (little-endian integers, fixed arrays).

use bytemuck::Pod;

/// Largest fixed-size event body, checked at compile time.
pub const MAX_EVENT_BODY: usize = 248;

/// A fixed-size event.
pub trait Event: Pod {
    const DISCRIMINATOR: [u8; 8];
}

/// Logs one event as a single `sol_log_data` field (one field costs one
/// syscall base fee fewer than two).
#[inline(always)]
pub fn emit<E: Event>(event: &E) {
    const { assert!(core::mem::size_of::<E>() <= MAX_EVENT_BODY) };
    let body = bytemuck::bytes_of(event);
    let mut buf = [0u8; 8 + MAX_EVENT_BODY];
    let len = 8 + body.len();
    buf[..8].copy_from_slice(&E::DISCRIMINATOR);
    buf[8..len].copy_from_slice(body);
    log_data(&buf[..len]);
}

/// Logs raw, already-encoded event bytes (discriminator included).
#[inline(always)]
pub fn log_data(data: &[u8]) {
    #[cfg(any(target_os = "solana", target_arch = "bpf"))]
    {
        let fields: [&[u8]; 1] = [data];
        // SAFETY: `fields` is a valid array of one slice, as the syscall expects.
        unsafe {
            solana_define_syscall::definitions::sol_log_data(
                fields.as_ptr() as *const u8,
                fields.len() as u64,
            )
        };
    }
    #[cfg(not(any(target_os = "solana", target_arch = "bpf")))]
    core::hint::black_box(data);
}

/// Sets the instruction's return data.
#[inline(always)]
pub fn set_return_data(data: &[u8]) {
    #[cfg(any(target_os = "solana", target_arch = "bpf"))]
    // SAFETY: pointer and length come from a valid slice.
    unsafe {
        solana_define_syscall::definitions::sol_set_return_data(data.as_ptr(), data.len() as u64)
    };
    #[cfg(not(any(target_os = "solana", target_arch = "bpf")))]
    core::hint::black_box(data);
}
