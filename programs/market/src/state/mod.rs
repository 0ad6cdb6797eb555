//! Market accounts: fixed-size `#[repr(C)]` Pod bodies behind an 8-byte
//! Anchor account discriminator, each with a version and reserved bytes.
//!
//! - [`Market`]: PDA `["market", energy_mint, quote_mint]`, the auction's
//!   parameters, its two vaults and the epoch cursor.
//! - [`Epoch`]: one auction. A header, then two zero-copy histograms over
//!   the price ticks (demand, supply), then the epoch's order book: a fixed
//!   array of [`Order`] slots. See [`epoch`] for why the orders live here and
//!   not in one PDA each.

pub mod epoch;
pub mod market;

pub use epoch::*;
pub use market::*;

/// Seed prefix of a `Market` PDA: `["market", energy_mint, quote_mint]`.
/// The market PDA is also the authority of both vaults.
pub const SEED_MARKET: &[u8] = b"market";
/// Seed prefix of a vault PDA (an SPL Token account owned by the market
/// PDA): `["vault", market, mint]`.
pub const SEED_VAULT: &[u8] = b"vault";

/// Current layout version of every market account.
pub const STATE_VERSION: u8 = 1;

/// Most price ticks a market's grid may have.
pub const MAX_TICKS: u16 = 4_096;
/// Most order slots an epoch may hold (a 2 MiB book).
pub const MAX_ORDER_CAPACITY: u32 = 32_768;
/// Highest price any tick may have, in quote units per kWh (2^40: about
/// 1.1 million whole tokens per kWh for a 6-decimal quote mint). Together
/// with the Wh caps below it bounds every product the settlement math forms
/// (quantity × fill ratio × price < 2^120), so u128 never overflows.
pub const MAX_PRICE: u64 = 1 << 40;
/// Largest single order, in Wh (2^40 Wh ≈ 1.1 TWh).
pub const MAX_ORDER_WH: u64 = 1 << 40;
/// Largest total an epoch accepts on either side, in Wh.
pub const MAX_EPOCH_SIDE_WH: u64 = 1 << 40;
/// Longest epoch: 31 days.
pub const MAX_EPOCH_LENGTH_SECS: u32 = 31 * 24 * 3_600;
/// Largest order deposit: 1 SOL.
pub const MAX_ORDER_DEPOSIT_LAMPORTS: u64 = 1_000_000_000;
/// Highest seller fee: 10 %.
pub const MAX_FEE_BPS: u16 = 1_000;

joule_common::define_enum! {
    #[idl(docs = "Order side.")]
    pub enum Side {
        /// Buys energy, pays quote tokens.
        Buy = 0,
        /// Sells energy, receives quote tokens.
        Sell = 1,
    }
}

impl Side {
    pub fn from_u8(v: u8) -> Option<Self> {
        match v {
            0 => Some(Side::Buy),
            1 => Some(Side::Sell),
            _ => None,
        }
    }
}

joule_common::define_enum! {
    #[idl(docs = "Epoch lifecycle.")]
    /// `Open` (orders and cancellations) → `Cleared` (price fixed, orders
    /// being settled) → `Settled` (every order paid out or refunded, dust
    /// swept; the account may be closed).
    pub enum EpochState {
        Open = 0,
        Cleared = 1,
        Settled = 2,
    }
}

impl EpochState {
    pub fn from_u8(v: u8) -> Option<Self> {
        match v {
            0 => Some(EpochState::Open),
            1 => Some(EpochState::Cleared),
            2 => Some(EpochState::Settled),
            _ => None,
        }
    }
}

joule_common::define_enum! {
    #[idl(docs = "Order slot state.")]
    pub enum OrderStatus {
        /// Never used, or cancelled and back on the free list.
        Free = 0,
        /// Placed and escrowed; counted in the histograms.
        Open = 1,
        /// Paid out or refunded; nothing left to do.
        Settled = 2,
    }
}

impl OrderStatus {
    pub fn from_u8(v: u8) -> Option<Self> {
        match v {
            0 => Some(OrderStatus::Free),
            1 => Some(OrderStatus::Open),
            2 => Some(OrderStatus::Settled),
            _ => None,
        }
    }
}

/// Every market account, in IDL order.
pub const ACCOUNTS: &[&joule_common::layout::TypeSpec] = &[&Market::LAYOUT, &Epoch::LAYOUT];
