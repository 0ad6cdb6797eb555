//! Market events: Anchor layout (`sha256("event:<Name>")[..8]` + Borsh),
//! logged with `sol_log_data`. Packed Pod structs, so their bytes are their
//! Borsh encoding. Each carries the amounts before and after the change.

use crate::state::Side;
use alloc::vec::Vec;
use joule_common::{define_event as event, layout::TypeSpec};
use pinocchio::Address;

event!(
    #[idl(docs = "The registry admin created a market.")]
    MarketCreated {
        market: Address,
        energy_mint: Address,
        quote_mint: Address,
        energy_vault: Address,
        quote_vault: Address,
        fee_recipient: Address,
        min_price: u64,
        tick_size: u64,
        min_lot_wh: u64,
        epoch_length_secs: u32,
        order_capacity: u32,
        tick_count: u16,
        fee_bps: u16,
        min_order_value: u64,
        order_deposit_lamports: u64,
    }
);
event!(
    #[idl(docs = "An epoch opened.")]
    EpochOpened {
        market: Address,
        epoch: Address,
        rent_payer: Address,
        index: u64,
        start_ts: i64,
        end_ts: i64,
    }
);
event!(
    #[idl(
        docs = "An order was placed and its escrow taken; held_* is what the epoch holds in the vault of the order's token."
    )]
    /// That is quote for buys, energy for sells; `tick_volume_*` is the Wh
    /// at the order's tick on its side.
    OrderPlaced {
        epoch: Address,
        owner: Address,
        order_id: u32,
        client_order_id: u64,
        side: u8 as Side,
        limit_tick: u16,
        limit_price: u64,
        quantity_wh: u64,
        escrow: u64,
        tick_volume_before_wh: u64,
        tick_volume_after_wh: u64,
        held_before: u64,
        held_after: u64,
    }
);
event!(
    #[idl(docs = "An order was cancelled and its escrow refunded in full.")]
    OrderCancelled {
        epoch: Address,
        owner: Address,
        order_id: u32,
        client_order_id: u64,
        side: u8 as Side,
        limit_tick: u16,
        quantity_wh: u64,
        refund: u64,
        tick_volume_before_wh: u64,
        tick_volume_after_wh: u64,
        held_before: u64,
        held_after: u64,
    }
);
event!(
    #[idl(
        docs = "The epoch cleared; volume_wh = 0 means nothing crossed and every order is refunded."
    )]
    EpochCleared {
        market: Address,
        epoch: Address,
        index: u64,
        clearing_tick: u16,
        clearing_price: u64,
        volume_wh: u64,
        demand_wh: u64,
        supply_wh: u64,
        buy_marginal_tick: u16,
        buy_fill_num: u64,
        buy_fill_den: u64,
        sell_marginal_tick: u16,
        sell_fill_num: u64,
        sell_fill_den: u64,
        live_orders: u32,
    }
);
joule_common::define_layout! {
    #[idl(docs = "One order in OrdersSettled: filled_wh traded, quote_amount paid (buy) or grossed (sell), energy_out_wh and quote_out paid to the owner.")]
    /// The amounts are those of `math::Settlement`.
    #[repr(C, packed)]
    pub struct OrderSettlement {
        pub order_id: u32,
        pub owner: Address,
        pub client_order_id: u64,
        pub side: u8 as Side,
        pub filled_wh: u64,
        pub quote_amount: u64,
        pub fee: u64,
        pub energy_out_wh: u64,
        pub quote_out: u64,
    }
}

/// Discriminator of the variable-size `OrdersSettled` event
/// ([`ORDERS_SETTLED_LAYOUT`]), one per `settle_orders`. One event for the
/// whole batch, logged before any transfer: the token program's own logs of
/// a large batch exceed the 10,000 bytes a transaction may log, and
/// anything logged after that is dropped.
pub const ORDERS_SETTLED: [u8; 8] = joule_common::disc::event("OrdersSettled");

joule_common::borsh_layout! {
    #[idl(docs = "One settle_orders: every order it settled, and what the epoch holds in the vaults before and after.")]
    /// The layout of the `OrdersSettled` event.
    pub const ORDERS_SETTLED_LAYOUT = OrdersSettled {
        epoch: Address,
        quote_held_before: u64,
        quote_held_after: u64,
        energy_held_before_wh: u64,
        energy_held_after_wh: u64,
        orders: Vec<OrderSettlement>,
    };
}

event!(
    #[idl(
        docs = "The epoch's last order settled; fees and rounding dust went to the fee recipient."
    )]
    /// Its share of both vaults is now zero.
    EpochSettled {
        market: Address,
        epoch: Address,
        index: u64,
        fees_quote: u64,
        quote_swept: u64,
        energy_swept_wh: u64,
    }
);
event!(
    #[idl(docs = "A settled epoch's account was closed and its rent returned.")]
    EpochClosed {
        epoch: Address,
        rent_payer: Address,
        lamports: u64,
    }
);

/// Every market event, in IDL order.
pub const EVENTS: &[&TypeSpec] = &[
    &MarketCreated::LAYOUT,
    &EpochOpened::LAYOUT,
    &OrderPlaced::LAYOUT,
    &OrderCancelled::LAYOUT,
    &EpochCleared::LAYOUT,
    &ORDERS_SETTLED_LAYOUT,
    &EpochSettled::LAYOUT,
    &EpochClosed::LAYOUT,
];
