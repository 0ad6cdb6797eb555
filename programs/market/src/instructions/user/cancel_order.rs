use super::super::{epoch_data, move_lamports, read_config, split_epoch_of};
use crate::wire::cancel_order;
use crate::{
    error::MarketError,
    events::OrderCancelled,
    state::{EpochState, Market, OrderStatus, Side, SEED_MARKET},
};
use joule_common::{
    account::load,
    event::emit,
    sysvar,
    token::{self, TOKEN_PROGRAM_ID},
    validate,
};
use pinocchio::{cpi::Signer, error::ProgramError, AccountView, Address, ProgramResult};

/// Accounts of `cancel_order`.
///
/// The market's state, the refund's vault and its token account are
/// checked once the order is read, as the vault and mint depend on the
/// order's side (see the handler): loading the market once, there, keeps
/// a cancellation as cheap as before.
pub struct CancelOrderAccounts<'a> {
    /// `[signer, writable]` the order's owner; gets the deposit back.
    pub owner: &'a mut AccountView,
    /// Whether the registry admin paused the market.
    pub paused: bool,
    /// `[writable]` the market (loaded, so checked as a `Market` of this
    /// program, with the order's vault); holds the deposits.
    pub market: &'a mut AccountView,
    /// `[writable]` an epoch of this program: borrowed with `epoch_data`
    /// (writable, owner) and split with `split_epoch_of` (discriminator,
    /// size, market) first thing in the handler.
    pub epoch: &'a mut AccountView,
    /// `[writable]` the owner's token account of the escrowed mint.
    pub owner_token: &'a AccountView,
    /// `[writable]` the market's vault of the escrowed mint.
    pub vault: &'a AccountView,
}

impl<'a> CancelOrderAccounts<'a> {
    #[inline(always)]
    pub fn parse(accounts: &'a mut [AccountView]) -> Result<Self, ProgramError> {
        let (named, _) = cancel_order::Accounts::split(accounts)?;
        let cancel_order::Accounts {
            owner,
            config,
            market,
            epoch,
            owner_token,
            vault,
            token_program,
        } = cancel_order::Accounts::from_array(named);
        validate::writable_signer(owner)?;
        let (_, paused) = read_config(config)?;
        validate::program(token_program, &TOKEN_PROGRAM_ID)?;
        validate::writable(market)?;
        Ok(Self {
            owner,
            paused,
            market,
            epoch,
            owner_token,
            vault,
        })
    }
}

/// `cancel_order(order_id, client_order_id)`: the owner cancels an open
/// order. Only while the epoch is open and before its end time (after it,
/// the book is final for clearing), except while the market is paused:
/// then cancellation stays available until the epoch is cleared, so funds
/// are never stuck behind a pause. Refunds the escrow exactly, removes the
/// order from its histogram and frees its slot for reuse, and returns the
/// order's lamport deposit to the owner. `client_order_id` must match, so a
/// stale id cannot cancel another order.
///
/// Accounts: `[owner (s, w), config, market (w), epoch (w), owner_token (w), vault (w), token_program]`;
/// `owner_token` receives the refund (the owner's account of the escrowed mint).
#[inline(never)]
pub fn process(program_id: &Address, accounts: &mut [AccountView], args: &[u8]) -> ProgramResult {
    let cancel_order::Args {
        order_id,
        client_order_id,
    } = cancel_order::Args::parse(args)?;
    let CancelOrderAccounts {
        owner,
        paused,
        market,
        epoch,
        owner_token,
        vault,
    } = CancelOrderAccounts::parse(accounts)?;
    let now = sysvar::unix_timestamp()?;
    let market_key = *market.address();
    let epoch_key = *epoch.address();
    let mut data = epoch_data(epoch, program_id)?;
    let e = split_epoch_of(&mut data, &market_key)?;

    let h = e.header;
    if h.state != EpochState::Open as u8 {
        return Err(MarketError::EpochNotOpen.into());
    }
    if now >= h.end_ts && !paused {
        return Err(MarketError::CancelAfterEnd.into());
    }
    let slot = e
        .orders
        .get_mut(order_id as usize)
        .filter(|o| o.status == OrderStatus::Open as u8)
        .ok_or(MarketError::OrderNotFound)?;
    if !validate::same_address(&slot.owner, owner.address()) {
        return Err(MarketError::NotOrderOwner.into());
    }
    if slot.client_order_id != client_order_id {
        return Err(MarketError::ClientOrderIdMismatch.into());
    }
    let (quantity_wh, escrow, limit_tick, side_byte) =
        (slot.quantity_wh, slot.escrow, slot.limit_tick, slot.side);
    let side = Side::from_u8(side_byte).ok_or(MarketError::BookInconsistent)?;
    // The accounts that depend on the order's side.
    let m = load::<Market>(market, program_id)?;
    let (vault_key, mint) = m.vault_and_mint(side);
    if !validate::same_address(vault.address(), vault_key) {
        return Err(MarketError::WrongVault.into());
    }
    token::token_account_of(owner_token, mint, owner.address())?;
    let (energy_mint, quote_mint, bump) = (m.energy_mint, m.quote_mint, [m.bump]);
    drop(m);

    let (total, bins, held) = match side {
        Side::Buy => (&mut h.total_buy_wh, e.demand, &mut h.quote_held),
        Side::Sell => (&mut h.total_sell_wh, e.supply, &mut h.energy_held_wh),
    };
    let bin = bins
        .get_mut(limit_tick as usize)
        .ok_or(MarketError::BookInconsistent)?;
    let tick_before = *bin;
    let tick_after = tick_before
        .checked_sub(quantity_wh)
        .ok_or(MarketError::BookInconsistent)?;
    *bin = tick_after;
    *total = total
        .checked_sub(quantity_wh)
        .ok_or(MarketError::BookInconsistent)?;
    let held_before = *held;
    let held_after = held_before
        .checked_sub(escrow)
        .ok_or(MarketError::BookInconsistent)?;
    *held = held_after;
    h.live_orders = h
        .live_orders
        .checked_sub(1)
        .ok_or(MarketError::BookInconsistent)?;
    // Back on the free list (the other fields are overwritten on reuse).
    slot.status = OrderStatus::Free as u8;
    slot.next_free = h.free_head;
    h.free_head = order_id;
    let deposit = h.order_deposit_lamports;
    h.deposits_lamports = h
        .deposits_lamports
        .checked_sub(deposit)
        .ok_or(MarketError::BookInconsistent)?;
    drop(data);

    if escrow > 0 {
        let seeds = pinocchio::instruction::seeds!(
            SEED_MARKET,
            energy_mint.as_ref(),
            quote_mint.as_ref(),
            &bump
        );
        token::transfer_signed(vault, owner_token, market, escrow, Signer::from(&seeds))?;
    }
    // After the CPI: the runtime checks at every CPI that the lamports of
    // this instruction's accounts still add up, and an account the CPI does
    // not name (the owner) is only synced at the end.
    move_lamports(market, owner, deposit)?;
    emit(&OrderCancelled {
        epoch: epoch_key,
        owner: *owner.address(),
        order_id,
        client_order_id,
        side: side_byte,
        limit_tick,
        quantity_wh,
        refund: escrow,
        tick_volume_before_wh: tick_before,
        tick_volume_after_wh: tick_after,
        held_before,
        held_after,
    });
    Ok(())
}
