use super::super::{epoch_data, read_config, split_epoch_of};
use crate::wire::settle_orders;
use crate::{
    error::MarketError,
    events::{EpochSettled, OrderSettlement, ORDERS_SETTLED},
    math::{self, Clearing},
    state::{EpochState, Market, Order, OrderStatus, Side, SEED_MARKET},
};
use alloc::vec::Vec;
use joule_common::{
    account::load,
    event::{emit, log_data},
    token::{self, TOKEN_PROGRAM_ID},
    validate,
};
use pinocchio::{cpi::Signer, error::ProgramError, AccountView, Address, ProgramResult};

/// Accounts each settled order takes: the owner's energy token account, the
/// owner's quote token account, the owner's wallet (its deposit refund).
pub const ACCOUNTS_PER_ORDER: usize = 3;
/// Most instructions a transaction's instruction trace may hold: its
/// top-level instructions and every CPI they make.
pub const MAX_INSTRUCTION_TRACE_LENGTH: usize = 64;
/// Top-level instructions a settlement transaction carries besides
/// `settle_orders`: the compute-unit limit and price.
pub const SETTLE_TX_OTHER_INSTRUCTIONS: usize = 2;
/// Most orders one `settle_orders` takes: what one transaction can run.
/// Each order makes up to two token transfers (CPIs), the final sweep two
/// more, and the trace also holds `settle_orders` itself and the compute
/// budget instructions: (64 − 2 − 1 − 2) / 2 = 29. The account-lock limit
/// (64 per transaction) allows fewer orders of distinct owners (3 accounts
/// each), but orders of one owner share theirs.
pub const MAX_SETTLE_ORDERS: usize =
    (MAX_INSTRUCTION_TRACE_LENGTH - SETTLE_TX_OTHER_INSTRUCTIONS - 1 - 2) / 2;
const _: () = assert!(MAX_SETTLE_ORDERS == 29);

/// Bytes of the `OrdersSettled` event before its list: discriminator,
/// epoch, four held amounts, the list's length.
const EVENT_HEAD: usize = 8 + 32 + 4 * 8 + 4;
const RECORD: usize = core::mem::size_of::<OrderSettlement>();
/// Where `energy_out_wh` and `quote_out` sit in a record.
const ENERGY_OUT_AT: usize = RECORD - 16;
const QUOTE_OUT_AT: usize = RECORD - 8;

/// Accounts of `settle_orders`.
///
/// Each order's three accounts are checked in the settlement loop, against
/// the order they pay (its owner, and the mint of what it receives): they
/// cannot be checked before the order is read, and a second walk would cost
/// every order.
pub struct SettleOrdersAccounts<'a> {
    /// Whether the registry admin paused the market.
    pub paused: bool,
    /// `[writable]` a `Market` of this program: the vaults' authority and
    /// the holder of the deposits.
    pub market: &'a mut AccountView,
    /// What the payouts need from the market.
    pub energy_mint: Address,
    pub quote_mint: Address,
    pub fee_recipient: Address,
    pub bump: u8,
    /// `[writable]` an epoch of this program: borrowed with `epoch_data`
    /// (writable, owner) and split with `split_epoch_of` (discriminator,
    /// size, market) first thing in the handler.
    pub epoch: &'a mut AccountView,
    /// `[writable]` the market's vaults.
    pub energy_vault: &'a AccountView,
    pub quote_vault: &'a AccountView,
    /// `[writable]` the fee recipient's token accounts (checked when swept to).
    pub fee_energy: &'a AccountView,
    pub fee_quote: &'a AccountView,
    /// The orders' accounts, `ACCOUNTS_PER_ORDER` each.
    pub owners: &'a mut [AccountView],
}

impl<'a> SettleOrdersAccounts<'a> {
    #[inline(always)]
    pub fn parse(
        accounts: &'a mut [AccountView],
        program_id: &Address,
    ) -> Result<Self, ProgramError> {
        let (named, owners) = settle_orders::Accounts::split(accounts)?;
        let settle_orders::Accounts {
            config,
            market,
            epoch,
            energy_vault,
            quote_vault,
            fee_energy,
            fee_quote,
            token_program,
        } = settle_orders::Accounts::from_array(named);
        let (_, paused) = read_config(config)?;
        validate::program(token_program, &TOKEN_PROGRAM_ID)?;
        validate::writable(market)?;
        let m = load::<Market>(market, program_id)?;
        if !validate::same_address(energy_vault.address(), &m.energy_vault)
            || !validate::same_address(quote_vault.address(), &m.quote_vault)
        {
            return Err(MarketError::WrongVault.into());
        }
        // Only what the payouts need (large struct copies are costly in SBF).
        let (energy_mint, quote_mint, fee_recipient, bump) =
            (m.energy_mint, m.quote_mint, m.fee_recipient, m.bump);
        drop(m);
        Ok(Self {
            paused,
            market,
            energy_mint,
            quote_mint,
            fee_recipient,
            bump,
            epoch,
            energy_vault,
            quote_vault,
            fee_energy,
            fee_quote,
            owners,
        })
    }
}

/// `settle_orders(order_ids: Vec<u32>)`: permissionless crank. Settles any
/// list of open orders of one cleared epoch (`math::settle`):
///
/// - a buyer receives its filled energy and the unused part of its escrow
///   (the unfilled quantity, and the difference between its limit and the
///   clearing price on the filled part);
/// - a seller receives the filled quantity × clearing price less the fee,
///   and its unfilled energy back.
///
/// Order `i` of the list takes remaining accounts `3i` (the owner's energy
/// token account), `3i + 1` (the owner's quote token account) and `3i + 2`
/// (the owner's wallet, which gets the order's lamport deposit back). The
/// token accounts are checked by mint and owner, not by address, and only
/// when they receive something: a crank passes any placeholder for an
/// account that receives nothing (a buyer with no fill needs no energy
/// account), and can pay an owner who closed an account into a new one.
/// Each order's slot is marked settled, so it can never be settled twice.
///
/// The long side's marginal orders (pro rata, see `math::fill_wh`) must be
/// settled in ascending order id: the epoch keeps the running prefix of
/// their quantities and a cursor below which every slot has been checked,
/// and an order is refused (`MarginalOrderOutOfSequence`) while an earlier
/// marginal order is still open. Other orders settle in any order.
///
/// When the epoch's last order settles, everything the epoch still holds in
/// the vaults (seller fees and rounding dust, see `math`) goes to the fee
/// recipient's accounts and the epoch becomes `Settled`. An epoch where
/// nothing crossed refunds everyone. While the market is paused only orders
/// with no fill (pure refunds) can be settled and nothing is swept; the
/// sweep is then finished by a later `settle_orders` with an empty list
/// once the market is unpaused.
///
/// Everything is checked and computed first, then one `OrdersSettled` event
/// (and `EpochSettled` for the last batch) is logged, then the transfers
/// run.
///
/// Accounts: `[config, market (w), epoch (w), energy_vault (w), quote_vault (w),
/// fee_energy (w), fee_quote (w), token_program, (energy_i (w), quote_i (w),
/// owner_i (w))…]`.
#[inline(never)]
pub fn process(program_id: &Address, accounts: &mut [AccountView], args: &[u8]) -> ProgramResult {
    let settle_orders::Args { order_ids } = settle_orders::Args::parse(args)?;
    let (count, ids) = (order_ids.count(), order_ids.bytes());
    let SettleOrdersAccounts {
        paused,
        market,
        energy_mint,
        quote_mint,
        fee_recipient,
        bump,
        epoch,
        energy_vault,
        quote_vault,
        fee_energy,
        fee_quote,
        owners,
    } = SettleOrdersAccounts::parse(accounts, program_id)?;
    let bump = [bump];
    if count > MAX_SETTLE_ORDERS {
        return Err(MarketError::TooManyOrders.into());
    }
    if count.checked_mul(ACCOUNTS_PER_ORDER) != Some(owners.len()) {
        return Err(MarketError::SettlementAccountsMismatch.into());
    }
    let market_key = *market.address();
    let epoch_key = *epoch.address();

    let mut data = epoch_data(epoch, program_id)?;
    let e = split_epoch_of(&mut data, &market_key)?;
    let h = e.header;
    match EpochState::from_u8(h.state) {
        Some(EpochState::Cleared) => {}
        Some(EpochState::Open) => return Err(MarketError::EpochNotCleared.into()),
        _ => return Err(MarketError::EpochAlreadySettled.into()),
    }
    // An empty list only finishes a sweep that a pause held back.
    if count == 0 {
        if h.live_orders != 0 {
            return Err(MarketError::NoOrders.into());
        }
        if paused {
            return Err(MarketError::MarketPaused.into());
        }
    }
    let clearing = Clearing {
        tick: h.clearing_tick,
        price: h.clearing_price,
        volume_wh: h.volume_wh,
        demand_wh: h.demand_wh,
        supply_wh: h.supply_wh,
        buy_marginal_tick: h.buy_marginal_tick,
        buy_fill_num: h.buy_fill_num,
        buy_fill_den: h.buy_fill_den,
        sell_marginal_tick: h.sell_marginal_tick,
        sell_fill_num: h.sell_fill_num,
        sell_fill_den: h.sell_fill_den,
    };
    // The side and tick whose orders share a pro-rata fill, if any.
    let pro_rata = if math::is_pro_rata(&clearing, true, h.buy_marginal_tick) {
        Some((Side::Buy as u8, h.buy_marginal_tick))
    } else if math::is_pro_rata(&clearing, false, h.sell_marginal_tick) {
        Some((Side::Sell as u8, h.sell_marginal_tick))
    } else {
        None
    };

    // The event, built while every order is checked and settled in the book.
    // `count` ≤ 29: no overflow.
    let mut event: Vec<u8> =
        Vec::with_capacity(EVENT_HEAD.saturating_add(RECORD.saturating_mul(count)));
    event.extend_from_slice(&ORDERS_SETTLED);
    event.extend_from_slice(epoch_key.as_ref());
    event.extend_from_slice(&h.quote_held.to_le_bytes());
    event.extend_from_slice(&[0u8; 8]);
    event.extend_from_slice(&h.energy_held_wh.to_le_bytes());
    event.extend_from_slice(&[0u8; 8]);
    event.extend_from_slice(&(count as u32).to_le_bytes());

    let (ids, _) = ids.as_chunks::<4>();
    let (triples, _) = owners.as_chunks::<ACCOUNTS_PER_ORDER>();
    for (id_bytes, [energy_to, quote_to, owner_to]) in ids.iter().zip(triples.iter()) {
        let order_id = u32::from_le_bytes(*id_bytes);
        let slot = *e
            .orders
            .get(order_id as usize)
            .ok_or(MarketError::OrderNotFound)?;
        match OrderStatus::from_u8(slot.status) {
            Some(OrderStatus::Open) => {}
            Some(OrderStatus::Settled) => return Err(MarketError::OrderAlreadySettled.into()),
            _ => return Err(MarketError::OrderNotFound.into()),
        }
        if !validate::same_address(owner_to.address(), &slot.owner) || !owner_to.is_writable() {
            return Err(MarketError::OwnerAccountMismatch.into());
        }
        let side = slot.side;
        let mut prefix_wh = 0;
        if pro_rata == Some((side, slot.limit_tick)) {
            // Marginal orders settle in slot order: none may be skipped.
            let cursor = h.marginal_cursor;
            let key = (side as u32) << 16 | slot.limit_tick as u32;
            if order_id < cursor || marginal_open_between(e.orders, cursor, order_id, key) {
                return Err(MarketError::MarginalOrderOutOfSequence.into());
            }
            prefix_wh = h.marginal_prefix_wh;
            h.marginal_prefix_wh = prefix_wh
                .checked_add(slot.quantity_wh)
                .ok_or(MarketError::ArithmeticOverflow)?;
            h.marginal_cursor = order_id
                .checked_add(1)
                .ok_or(MarketError::ArithmeticOverflow)?;
        }
        let s = math::settle(
            &clearing,
            h.fee_bps,
            side == Side::Buy as u8,
            slot.limit_tick,
            slot.quantity_wh,
            slot.escrow,
            prefix_wh,
        )?;
        if paused && (s.filled_wh != 0 || s.quote_amount != 0) {
            return Err(MarketError::MarketPaused.into());
        }
        if s.energy_out_wh > 0 {
            token::token_account_of(energy_to, &energy_mint, &slot.owner)?;
        }
        if s.quote_out > 0 {
            token::token_account_of(quote_to, &quote_mint, &slot.owner)?;
        }
        e.orders
            .get_mut(order_id as usize)
            .ok_or(MarketError::OrderNotFound)?
            .status = OrderStatus::Settled as u8;
        h.quote_held = h
            .quote_held
            .checked_sub(s.quote_out)
            .ok_or(MarketError::BookInconsistent)?;
        h.energy_held_wh = h
            .energy_held_wh
            .checked_sub(s.energy_out_wh)
            .ok_or(MarketError::BookInconsistent)?;
        h.fees_quote = h
            .fees_quote
            .checked_add(s.fee)
            .ok_or(MarketError::ArithmeticOverflow)?;
        h.live_orders = h
            .live_orders
            .checked_sub(1)
            .ok_or(MarketError::BookInconsistent)?;
        event.extend_from_slice(bytemuck::bytes_of(&OrderSettlement {
            order_id,
            owner: slot.owner,
            client_order_id: slot.client_order_id,
            side,
            filled_wh: s.filled_wh,
            quote_amount: s.quote_amount,
            fee: s.fee,
            energy_out_wh: s.energy_out_wh,
            quote_out: s.quote_out,
        }));
    }
    event[48..56].copy_from_slice(&h.quote_held.to_le_bytes());
    event[64..72].copy_from_slice(&h.energy_held_wh.to_le_bytes());
    log_data(&event);

    let deposit = h.order_deposit_lamports;
    // `count` ≤ 29 deposits of at most 1 SOL each: no overflow.
    let deposits_out = deposit.saturating_mul(count as u64);
    h.deposits_lamports = h
        .deposits_lamports
        .checked_sub(deposits_out)
        .ok_or(MarketError::BookInconsistent)?;

    // The last order: fees and dust go to the fee recipient, unless the
    // market is paused (then a later empty `settle_orders` sweeps).
    let (mut quote_swept, mut energy_swept) = (0, 0);
    if h.live_orders == 0 && !paused {
        (quote_swept, energy_swept) = (h.quote_held, h.energy_held_wh);
        if quote_swept > 0 {
            token::token_account_of(fee_quote, &quote_mint, &fee_recipient)?;
        }
        if energy_swept > 0 {
            token::token_account_of(fee_energy, &energy_mint, &fee_recipient)?;
        }
        h.quote_held = 0;
        h.energy_held_wh = 0;
        h.state = EpochState::Settled as u8;
        emit(&EpochSettled {
            market: market_key,
            epoch: epoch_key,
            index: h.index,
            fees_quote: h.fees_quote,
            quote_swept,
            energy_swept_wh: energy_swept,
        });
    }
    drop(data);

    // The transfers.
    let seeds = pinocchio::instruction::seeds!(
        SEED_MARKET,
        energy_mint.as_ref(),
        quote_mint.as_ref(),
        &bump
    );
    let (records, _) = event[EVENT_HEAD..].as_chunks::<RECORD>();
    let (triples, _) = owners.as_chunks::<ACCOUNTS_PER_ORDER>();
    for (record, [energy_to, quote_to, _]) in records.iter().zip(triples.iter()) {
        let energy_out = u64::from_le_bytes(field(record, ENERGY_OUT_AT));
        let quote_out = u64::from_le_bytes(field(record, QUOTE_OUT_AT));
        if energy_out > 0 {
            token::transfer_signed(
                energy_vault,
                energy_to,
                market,
                energy_out,
                Signer::from(&seeds),
            )?;
        }
        if quote_out > 0 {
            token::transfer_signed(
                quote_vault,
                quote_to,
                market,
                quote_out,
                Signer::from(&seeds),
            )?;
        }
    }
    if quote_swept > 0 {
        token::transfer_signed(
            quote_vault,
            fee_quote,
            market,
            quote_swept,
            Signer::from(&seeds),
        )?;
    }
    if energy_swept > 0 {
        token::transfer_signed(
            energy_vault,
            fee_energy,
            market,
            energy_swept,
            Signer::from(&seeds),
        )?;
    }
    // Deposits last: the runtime checks at every CPI that the lamports of
    // this instruction's accounts add up, and the owners' wallets are not
    // named by the transfers (so not synced until the instruction ends).
    let (triples, _) = owners.as_chunks_mut::<ACCOUNTS_PER_ORDER>();
    for [_, _, owner_to] in triples.iter_mut() {
        super::super::move_lamports(market, owner_to, deposit)?;
    }
    Ok(())
}

/// Whether an open order whose `side << 16 | limit_tick` is `key` sits in
/// a slot in `from..to`: a plain indexed loop, about a dozen CU per slot.
/// Five register arguments at most (the slice takes two): SBF passes
/// nothing on the stack between frames.
#[inline(never)]
fn marginal_open_between(orders: &[Order], from: u32, to: u32, key: u32) -> bool {
    let end = (to as usize).min(orders.len());
    let (side, tick) = ((key >> 16) as u8, key as u16);
    let mut i = from as usize;
    while i < end {
        let o = &orders[i];
        if o.status == OrderStatus::Open as u8 && o.side == side && o.limit_tick == tick {
            return true;
        }
        i = i.wrapping_add(1);
    }
    false
}

#[inline(always)]
fn field(record: &[u8; RECORD], at: usize) -> [u8; 8] {
    record
        .get(at..)
        .and_then(|r| r.first_chunk::<8>())
        .copied()
        .unwrap_or_default()
}
