use joule_common::account::AccountState;
use pinocchio::Address;

/// Pause flag: `issue_certificate`.
pub const PAUSE_ISSUE: u8 = 1 << 0;
/// Pause flag: `transfer_certificate` and `split_certificate`.
pub const PAUSE_TRANSFER: u8 = 1 << 1;
/// Pause flag: `retire_certificate`.
pub const PAUSE_RETIRE: u8 = 1 << 2;
/// Every defined pause flag. `revoke_certificate` is never paused: it is the
/// authority's remedy, and it only takes value out of circulation.
pub const PAUSE_ALL: u8 = PAUSE_ISSUE | PAUSE_TRANSFER | PAUSE_RETIRE;

joule_common::define_layout! {
    #[idl(docs = "Certificates config, PDA [\"config\"]: the certificate authority, pause flags and the lowest id the next issued certificate may take.")]
    #[repr(C)]
    pub struct Config {
        /// Lowest id the next issued certificate may take; ids start at 1, are
        /// never reused, and only `issue_certificate` moves this (split parts
        /// live in their parent's own address space).
        pub next_certificate_id: u64,
        /// Issues and revokes certificates, pauses, hands the role over.
        pub authority: Address,
        /// Proposed authority; becomes authority when it accepts. Default = none.
        pub pending_authority: Address,
        /// Bitwise OR of the `PAUSE_*` flags.
        pub pause_flags: u8,
        pub version: u8,
        pub bump: u8,
        pub _padding: [u8; 5],
        pub reserved: [u8; 64],
    }
}

const _: () = assert!(core::mem::size_of::<Config>() == 144);

impl AccountState for Config {
    const DISCRIMINATOR: [u8; 8] = joule_common::disc::account("Config");
}

impl Config {
    #[inline(always)]
    pub fn is_paused(&self, flag: u8) -> bool {
        self.pause_flags & flag != 0
    }
}
