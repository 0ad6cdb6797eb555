//! Anchor events: `sha256("event:<Name>")[..8]` + Borsh body, emitted with
//! `sol_log_data` (clients see `Program data: <base64>`).
//!
//! Event bodies are `#[repr(C)]` Pod structs without padding, whose bytes are
//! exactly their Borsh encoding (little-endian integers, fixed arrays).

use bytemuck::Pod;

/// A fixed-size event.
pub trait Event: Pod {
    const DISCRIMINATOR: [u8; 8];
}

/// Discriminator and body side by side, so the event goes out as one
/// `sol_log_data` field (each extra field costs another syscall base fee)
/// without copying into a scratch buffer.
#[repr(C, packed)]
struct Framed<E> {
    disc: [u8; 8],
    body: E,
}

/// Logs one event.
#[inline(always)]
pub fn emit<E: Event>(event: &E) {
    let framed = Framed {
        disc: E::DISCRIMINATOR,
        body: *event,
    };
    // SAFETY: `Framed<E>` is packed and both fields are plain bytes (`E: Pod`),
    // so all `size_of` bytes are initialised.
    let bytes = unsafe {
        core::slice::from_raw_parts(
            &framed as *const Framed<E> as *const u8,
            core::mem::size_of::<Framed<E>>(),
        )
    };
    log_data(bytes);
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

/// Logs the remaining compute units (`Program consumption: N units
/// remaining`), for profiling a handler section by section.
#[inline(always)]
pub fn log_compute_units() {
    #[cfg(any(target_os = "solana", target_arch = "bpf"))]
    // SAFETY: the syscall takes no arguments.
    unsafe {
        solana_define_syscall::definitions::sol_log_compute_units_()
    };
}

/// Declares a fixed-size event: a packed Pod struct (its bytes are its Borsh
/// encoding) with the Anchor discriminator `sha256("event:<Name>")[..8]`
/// and its layout (`LAYOUT`, see [`layout`](crate::layout)):
///
/// ```ignore
/// define_event!(
///     #[idl(docs = "A meter was registered.")]
///     /// More Rust docs.
///     MeterRegistered { meter: Address, kind: u8 as MeterKind }
/// );
/// ```
///
/// The program crate must depend on `bytemuck` (for the derives).
#[macro_export]
macro_rules! define_event {
    (
        #[idl(docs = $idl:literal)]
        $(#[doc = $doc:literal])*
        $name:ident { $($(#[$fm:meta])* $field:ident : $ty:ty $(as $enum:ty)?),* $(,)? }
    ) => {
        $crate::define_layout! {
            #[idl(docs = $idl)]
            $(#[doc = $doc])*
            #[repr(C, packed)]
            pub struct $name { $($(#[$fm])* pub $field: $ty $(as $enum)?,)* }
        }
        impl $crate::event::Event for $name {
            const DISCRIMINATOR: [u8; 8] = $crate::disc::event(stringify!($name));
        }
    };
}
