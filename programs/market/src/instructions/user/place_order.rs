use super::super::{epoch_data, require_unpaused, split_epoch_of};
use crate::{
    error::MarketError,
    events::OrderPlaced,
    math,
    state::{
        EpochState, Market, Order, OrderStatus, Side, MAX_EPOCH_SIDE_WH, MAX_ORDER_WH, NO_SLOT,
    },
};
use joule_common::{
    account::load,
    cpi::system_program,
    event::{emit, set_return_data},
    sysvar,
    token::{self, TOKEN_PROGRAM_ID},
    validate,
};
use pinocchio::{error::ProgramError, AccountView, Address, ProgramResult};
use pinocchio_system::instructions::Transfer;

use crate::wire::place_order;

/// Accounts of `place_order`.
pub struct PlaceOrderAccounts<'a> {
    /// `[signer, writable]` the order's owner; pays the escrow and deposit.
    pub owner: &'a AccountView,
    /// `[writable]` a `Market` of this program (not paused); receives the
    /// deposit.
    pub market: &'a AccountView,
    pub market_key: Address,
    /// The market's minimum lot and minimum order value.
    pub min_lot_wh: u64,
    pub min_order_value: u64,
    /// `[writable]` an epoch of this program: borrowed with `epoch_data`
    /// (writable, owner) and split with `split_epoch_of` (discriminator,
    /// size, market) first thing in the handler.
    pub epoch_key: Address,
    pub epoch: &'a mut AccountView,
    /// `[writable]` the owner's token account of the escrowed mint.
    pub owner_token: &'a AccountView,
    /// What `owner_token` holds.
    pub balance: u64,
    /// `[writable]` the market's vault of the escrowed mint.
    pub vault: &'a AccountView,
}

impl<'a> PlaceOrderAccounts<'a> {
    #[inline(always)]
    pub fn parse(
        accounts: &'a mut [AccountView],
        program_id: &Address,
        side: Side,
    ) -> Result<Self, ProgramError> {
        let (named, _) = place_order::Accounts::split(accounts)?;
        let place_order::Accounts {
            owner,
            config,
            market,
            epoch,
            owner_token,
            vault,
            token_program,
            system_program: system,
        } = place_order::Accounts::from_array(named);
        validate::writable_signer(owner)?;
        require_unpaused(config)?;
        validate::program(token_program, &TOKEN_PROGRAM_ID)?;
        system_program(system)?;
        validate::writable(market)?;
        let m = load::<Market>(market, program_id)?;
        let (vault_key, mint) = m.vault_and_mint(side);
        if !validate::same_address(vault.address(), vault_key) {
            return Err(MarketError::WrongVault.into());
        }
        let balance = token::token_account_of(owner_token, mint, owner.address())?.amount;
        let (min_lot_wh, min_order_value) = (m.min_lot_wh, m.min_order_value);
        drop(m);
        let market_key = *market.address();
        let epoch_key = *epoch.address();
        Ok(Self {
            owner,
            market,
            market_key,
            min_lot_wh,
            min_order_value,
            epoch_key,
            epoch,
            owner_token,
            balance,
            vault,
        })
    }
}

/// `place_order(side, limit_tick, quantity_wh, client_order_id)`: the owner
/// places a limit order in an open epoch. It escrows everything it could
/// ever owe: a sell its `quantity_wh` of energy, a buy
/// `ceil(quantity_wh × limit price / 1000)` quote units (rounded up, in the
/// market's favour). The order takes a slot of the epoch's book (a
/// cancelled one if any) and adds its quantity to its side's histogram at
/// its tick. Returns the order id (`u32`, the slot index) as return data
/// and in `OrderPlaced`.
///
/// Holding a slot costs: the order's value at its limit price
/// (`ceil(quantity_wh × limit price / 1000)`) must reach the market's
/// minimum order value, and the owner deposits the market's
/// `order_deposit_lamports` with the market account (not the epoch account:
/// a CPI is charged for the size of every account it names, and a book can
/// be 2 MiB), refunded by cancel or settlement.
///
/// Accounts: `[owner (s, w), config, market (w), epoch (w), owner_token (w), vault (w), token_program, system_program]`;
/// `owner_token` is the owner's token account of the escrowed mint (energy
/// for a sell, quote for a buy) and `vault` the market's vault of that mint.
#[inline(never)]
pub fn process(program_id: &Address, accounts: &mut [AccountView], args: &[u8]) -> ProgramResult {
    let args = place_order::Args::parse(args)?;
    let PlaceOrderAccounts {
        owner,
        market,
        market_key,
        min_lot_wh,
        min_order_value,
        epoch_key,
        epoch,
        owner_token,
        balance,
        vault,
    } = PlaceOrderAccounts::parse(accounts, program_id, args.side)?;
    let now = sysvar::unix_timestamp()?;
    let mut data = epoch_data(epoch, program_id)?;
    let e = split_epoch_of(&mut data, &market_key)?;

    let h = e.header;
    if h.state != EpochState::Open as u8 {
        return Err(MarketError::EpochNotOpen.into());
    }
    if now >= h.end_ts {
        return Err(MarketError::EpochEnded.into());
    }
    if args.limit_tick >= h.tick_count {
        return Err(MarketError::TickOffGrid.into());
    }
    if args.quantity_wh < min_lot_wh {
        return Err(MarketError::BelowMinimumLot.into());
    }
    if args.quantity_wh > MAX_ORDER_WH {
        return Err(MarketError::QuantityTooLarge.into());
    }
    let price = math::tick_price(h.min_price, h.tick_size, args.limit_tick)
        .ok_or(MarketError::ArithmeticOverflow)?;
    // The order's value at its limit (what a buy escrows).
    let value = math::buy_escrow(args.quantity_wh, price)
        .map_err(|_| ProgramError::from(MarketError::EscrowTooLarge))?;
    if value < min_order_value || value == 0 {
        return Err(MarketError::BelowMinimumValue.into());
    }
    let deposit = h.order_deposit_lamports;
    let (escrow, total, bins, held) = match args.side {
        Side::Buy => (value, &mut h.total_buy_wh, e.demand, &mut h.quote_held),
        Side::Sell => (
            args.quantity_wh,
            &mut h.total_sell_wh,
            e.supply,
            &mut h.energy_held_wh,
        ),
    };
    if balance < escrow {
        return Err(MarketError::InsufficientFunds.into());
    }
    let new_total = total
        .checked_add(args.quantity_wh)
        .filter(|t| *t <= MAX_EPOCH_SIDE_WH);
    *total = new_total.ok_or(MarketError::EpochVolumeLimit)?;
    let bin = bins
        .get_mut(args.limit_tick as usize)
        .ok_or(MarketError::TickOffGrid)?;
    let tick_before = *bin;
    let tick_after = tick_before
        .checked_add(args.quantity_wh)
        .ok_or(MarketError::ArithmeticOverflow)?;
    *bin = tick_after;
    let held_before = *held;
    *held = held_before
        .checked_add(escrow)
        .ok_or(MarketError::ArithmeticOverflow)?;
    let held_after = *held;

    // A cancelled slot if any, else the next unused one.
    let order_id = if h.free_head != NO_SLOT {
        let id = h.free_head;
        h.free_head = e
            .orders
            .get(id as usize)
            .ok_or(MarketError::BookInconsistent)?
            .next_free;
        id
    } else if h.order_count < h.order_capacity {
        let id = h.order_count;
        h.order_count = id.checked_add(1).ok_or(MarketError::ArithmeticOverflow)?;
        id
    } else {
        return Err(MarketError::BookFull.into());
    };
    *e.orders
        .get_mut(order_id as usize)
        .ok_or(MarketError::BookInconsistent)? = Order {
        owner: *owner.address(),
        client_order_id: args.client_order_id,
        quantity_wh: args.quantity_wh,
        escrow,
        limit_tick: args.limit_tick,
        side: args.side as u8,
        status: OrderStatus::Open as u8,
        next_free: NO_SLOT,
    };
    h.live_orders = h
        .live_orders
        .checked_add(1)
        .ok_or(MarketError::ArithmeticOverflow)?;
    h.deposits_lamports = h
        .deposits_lamports
        .checked_add(deposit)
        .ok_or(MarketError::ArithmeticOverflow)?;
    drop(data);

    token::transfer(owner_token, vault, owner, escrow)?;
    if deposit > 0 {
        Transfer {
            from: owner,
            to: market,
            lamports: deposit,
        }
        .invoke()?;
    }
    emit(&OrderPlaced {
        epoch: epoch_key,
        owner: *owner.address(),
        order_id,
        client_order_id: args.client_order_id,
        side: args.side as u8,
        limit_tick: args.limit_tick,
        limit_price: price,
        quantity_wh: args.quantity_wh,
        escrow,
        tick_volume_before_wh: tick_before,
        tick_volume_after_wh: tick_after,
        held_before,
        held_after,
    });
    set_return_data(&order_id.to_le_bytes());
    Ok(())
}
