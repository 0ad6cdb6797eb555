//! The epoch account: one sealed-bid auction and its order book.
//!
//! # Layout
//!
//! ```text
//! [discriminator 8][Epoch header 304][demand u64 × tick_count][supply u64 × tick_count][Order 64 × order_capacity]
//! ```
//!
//! `demand[t]` is the Wh of open buy orders whose limit is tick `t`,
//! `supply[t]` the Wh of open sell orders whose limit is tick `t`.
//!
//! # Why the orders live in the epoch and not in one PDA each
//!
//! The first design placed each order in its own PDA
//! `["order", epoch, owner, client_order_id]` (ARCHITECTURE.md, "Order
//! slots in the epoch account", records the decision). Settlement must then lock, per
//! order, the order PDA, the owner's energy and quote token accounts and the
//! owner's wallet (the rent refund): 4 accounts. A transaction locks at most
//! 64 accounts, 9 of which `settle_orders` needs anyway (fee payer, program,
//! config, market, epoch, two vaults, token program, two fee accounts…), so a
//! v0 transaction with a lookup table could settle at most 13 orders, and a
//! legacy one (1,232 bytes, 32 bytes per account key) 7 to 8: short of the
//! 20 per v0 transaction the market needs. Dropping the rent refund still
//! leaves 3 accounts per order (18 per v0 transaction).
//!
//! Here each order is a 64-byte slot of the epoch's book, addressed by its
//! index (`order_id`). Settling it locks only the owner's two token accounts,
//! checked by mint and owner (not by address, so a crank can always pay an
//! owner who closed an account into a fresh one): 2 accounts per order, 27
//! orders per v0 transaction and 11 per legacy one. Placing an order creates
//! no account (no 1,400 CU `create_account`, no rent for users), and the
//! histograms sit next to the book, so clearing reads one account.
//!
//! The price: an epoch account is larger than the 10 KiB a program may
//! create by CPI, so the client creates it (system `create_account` from a
//! fresh keypair, owned by this program, of exactly
//! [`epoch_space`]`(tick_count, order_capacity)` bytes) in the same
//! transaction as `open_epoch`, which initialises it. Its address is that
//! keypair's, not a PDA: the market records the current epoch, and the
//! header records its market and index. Whoever opens an epoch pays its rent
//! and gets it back with `close_epoch` once it is settled. The book has a
//! fixed capacity, set per market (up to 32,768 orders, a 2 MiB account);
//! cancelled slots are reused, so placing and cancelling cannot exhaust it,
//! and every live order holds at least the minimum lot in escrow, which is
//! what filling it would cost.

use super::{EpochState, OrderStatus, Side};
use joule_common::{account::DISCRIMINATOR_LEN, error::FrameworkError};
use pinocchio::{error::ProgramError, Address};

/// Sentinel for "no slot" in the free list.
pub const NO_SLOT: u32 = u32::MAX;

joule_common::define_layout! {
    #[idl(docs = "One auction (header). The account continues with demand: [u64; tick_count] (Wh of open buys per limit tick), supply: [u64; tick_count], then orders: [Order; order_capacity]; its size is epoch_space(tick_count, order_capacity) = 312 + 16 × tick_count + 64 × order_capacity bytes. Not a PDA: created by the client, initialised by open_epoch.")]
    #[repr(C)]
    #[derive(Debug, PartialEq, Eq)]
    pub struct Epoch {
        /// The market this epoch belongs to.
        pub market: Address,
        /// Paid the account's rent; receives it back on `close_epoch`.
        pub rent_payer: Address,
        /// 0, 1, 2, … per market.
        pub index: u64,
        pub start_ts: i64,
        /// Orders are accepted while `now < end_ts`; clearing from `end_ts` on.
        pub end_ts: i64,
        /// Price grid, copied from the market when the epoch opened.
        pub min_price: u64,
        pub tick_size: u64,
        /// Wh of open buy orders (the sum of `demand`).
        pub total_buy_wh: u64,
        /// Wh of open sell orders (the sum of `supply`).
        pub total_sell_wh: u64,
        /// Quote units this epoch holds in the market's quote vault: buy escrow
        /// not yet paid out, then fees and rounding dust until the final sweep.
        pub quote_held: u64,
        /// Wh this epoch holds in the market's energy vault.
        pub energy_held_wh: u64,
        /// Clearing result (zero while open, and when nothing crossed).
        pub clearing_price: u64,
        /// Matched volume, Wh (0 = nothing crossed: every order is refunded).
        pub volume_wh: u64,
        /// Demand and supply at the clearing tick, Wh.
        pub demand_wh: u64,
        pub supply_wh: u64,
        /// Buys strictly above `buy_marginal_tick` fill in full; buys at it fill
        /// `buy_fill_num / buy_fill_den` of their quantity; lower ones not at
        /// all.
        pub buy_fill_num: u64,
        pub buy_fill_den: u64,
        /// Sells strictly below `sell_marginal_tick` fill in full; sells at it
        /// fill `sell_fill_num / sell_fill_den`; higher ones not at all.
        pub sell_fill_num: u64,
        pub sell_fill_den: u64,
        /// Seller fees collected so far, quote units.
        pub fees_quote: u64,
        /// Lamports each order deposits here (copied from the market).
        pub order_deposit_lamports: u64,
        /// Order deposits of this epoch's live orders, lamports, held by the
        /// market account.
        pub deposits_lamports: u64,
        /// Pro-rata allocation: Wh of the long side's marginal orders settled
        /// so far (they settle in ascending slot order; see `math::fill_wh`).
        pub marginal_prefix_wh: u64,
        /// Slots ever used (the high-water mark of the book).
        pub order_count: u32,
        /// Orders placed and neither cancelled nor settled.
        pub live_orders: u32,
        /// First cancelled slot available for reuse (`NO_SLOT` = none).
        pub free_head: u32,
        pub order_capacity: u32,
        pub tick_count: u16,
        pub clearing_tick: u16,
        pub buy_marginal_tick: u16,
        pub sell_marginal_tick: u16,
        pub fee_bps: u16,
        pub state: u8 as EpochState,
        pub version: u8,
        /// Pro-rata allocation: every slot below it has been checked, so an
        /// open marginal order can only sit at or above it.
        pub marginal_cursor: u32,
        pub reserved: [u8; 40],
    }
}

const _: () = assert!(core::mem::size_of::<Epoch>() == 304);

joule_common::define_layout! {
    #[idl(docs = "One slot of an epoch's order book; its index is the order id.")]
    #[repr(C)]
    #[derive(Debug, PartialEq, Eq)]
    pub struct Order {
        pub owner: Address,
        /// The owner's own reference, echoed in events and checked by cancel.
        pub client_order_id: u64,
        pub quantity_wh: u64,
        /// What the order escrowed: quote units for a buy
        /// (`ceil(quantity_wh × limit price / 1000)`), Wh for a sell.
        pub escrow: u64,
        pub limit_tick: u16,
        pub side: u8 as Side,
        pub status: u8 as OrderStatus,
        /// Next free slot while this one is free (`NO_SLOT` = end).
        pub next_free: u32,
    }
}

const _: () = assert!(core::mem::size_of::<Order>() == 64);

impl Epoch {
    pub const DISCRIMINATOR: [u8; 8] = joule_common::disc::account("Epoch");
}

/// Bytes before the histograms: discriminator and header.
pub const EPOCH_HEADER_LEN: usize = DISCRIMINATOR_LEN + core::mem::size_of::<Epoch>();
/// Bytes per tick: one demand and one supply bin.
pub const EPOCH_BYTES_PER_TICK: usize = 16;
/// Bytes per order slot.
pub const EPOCH_BYTES_PER_ORDER: usize = core::mem::size_of::<Order>();

/// Size of an epoch account for a grid of `tick_count` ticks and
/// `order_capacity` order slots.
// At most 312 + 16 × 65,535 + 64 × (2^32 − 1) < 2^39: no 64-bit overflow.
#[allow(clippy::arithmetic_side_effects)]
#[inline(always)]
pub const fn epoch_space(tick_count: u16, order_capacity: u32) -> usize {
    EPOCH_HEADER_LEN
        + EPOCH_BYTES_PER_TICK * tick_count as usize
        + EPOCH_BYTES_PER_ORDER * order_capacity as usize
}

/// An epoch account's data, split into its parts.
pub struct EpochParts<'a> {
    pub header: &'a mut Epoch,
    pub demand: &'a mut [u64],
    pub supply: &'a mut [u64],
    pub orders: &'a mut [Order],
}

#[inline(always)]
fn mismatch() -> ProgramError {
    FrameworkError::AccountDiscriminatorMismatch.into()
}

/// Splits an initialised epoch account's data (discriminator checked, size
/// consistent with the header's grid and capacity). Account data is 8-byte
/// aligned on-chain, so the casts hold; off-chain decoders copy instead.
#[inline(always)]
pub fn split_epoch(data: &mut [u8]) -> Result<EpochParts<'_>, ProgramError> {
    let (disc, rest) = data
        .split_at_mut_checked(DISCRIMINATOR_LEN)
        .ok_or_else(mismatch)?;
    if *disc != Epoch::DISCRIMINATOR {
        return Err(mismatch());
    }
    let (head, rest) = rest
        .split_at_mut_checked(core::mem::size_of::<Epoch>())
        .ok_or_else(mismatch)?;
    let header: &mut Epoch = bytemuck::try_from_bytes_mut(head).map_err(|_| mismatch())?;
    let bins = (header.tick_count as usize)
        .checked_mul(8)
        .ok_or_else(mismatch)?;
    if rest.len()
        != epoch_space(header.tick_count, header.order_capacity).wrapping_sub(EPOCH_HEADER_LEN)
    {
        return Err(mismatch());
    }
    let (demand, rest) = rest.split_at_mut(bins);
    let (supply, orders) = rest.split_at_mut(bins);
    Ok(EpochParts {
        header,
        demand: bytemuck::try_cast_slice_mut(demand).map_err(|_| mismatch())?,
        supply: bytemuck::try_cast_slice_mut(supply).map_err(|_| mismatch())?,
        orders: bytemuck::try_cast_slice_mut(orders).map_err(|_| mismatch())?,
    })
}
