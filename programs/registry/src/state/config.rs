use joule_common::account::AccountState;
use pinocchio::Address;

/// Most oracle keys the config holds.
pub const MAX_ORACLES: usize = 8;

/// Pause flag: meter registration and transfers, readings, minting and
/// redemption.
pub const PAUSE_REGISTRY: u8 = 1 << 0;
/// Pause flag: the market (orders and clearing; cancellations and refunds
/// still work).
pub const PAUSE_MARKET: u8 = 1 << 1;
/// Pause flag: certificate issuance (recording certified energy).
pub const PAUSE_CERTIFICATES: u8 = 1 << 2;
/// Every defined pause flag.
pub const PAUSE_ALL: u8 = PAUSE_REGISTRY | PAUSE_MARKET | PAUSE_CERTIFICATES;

joule_common::define_layout! {
    #[idl(docs = "Protocol config, PDA [\"config\"]; also the energy mint authority.")]
    #[repr(C)]
    pub struct Config {
        /// May change the oracle set, verify or suspend meters and pause.
        pub admin: Address,
        /// Proposed admin; becomes admin when it accepts. Default = none.
        pub pending_admin: Address,
        /// The energy token mint (PDA `["energy_mint"]`).
        pub energy_mint: Address,
        /// Oracle keys allowed to submit readings; the first `oracle_count` are live.
        pub oracles: [Address; MAX_ORACLES],
        pub oracle_count: u8,
        /// Bitwise OR of the `PAUSE_*` flags.
        pub pause_flags: u8,
        pub version: u8,
        pub bump: u8,
        pub energy_mint_bump: u8,
        pub _padding: [u8; 3],
        pub reserved: [u8; 64],
    }
}

const _: () = assert!(core::mem::size_of::<Config>() == 424);

impl AccountState for Config {
    const DISCRIMINATOR: [u8; 8] = joule_common::disc::account("Config");
}

impl Config {
    /// The live oracle keys.
    #[inline(always)]
    pub fn oracles(&self) -> &[Address] {
        let n = (self.oracle_count as usize).min(MAX_ORACLES);
        &self.oracles[..n]
    }

    #[inline(always)]
    pub fn is_oracle(&self, key: &Address) -> bool {
        self.oracles().iter().any(|o| o == key)
    }

    #[inline(always)]
    pub fn is_paused(&self, flag: u8) -> bool {
        self.pause_flags & flag != 0
    }
}
