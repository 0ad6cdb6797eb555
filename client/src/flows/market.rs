//! Market flows: create a market, open, clear, settle and close epochs,
//! place and cancel orders.

use super::{
    account_data, ensure_lookup_tables, expect_event, rent_exempt_minimum, tokens,
    transaction_footprint, FlowError, FlowResult,
};
use crate::chain::Chain;
use crate::sender::{Landed, Sender};
use joule_sdk::market::{
    self as mkt, Clearing, EpochAccount, EpochState, Market, MarketKeys, MarketParams, OrderStatus,
    SettleOrder, Side, MAX_SETTLE_ORDERS_PER_TX, MAX_SETTLE_OWNER_ACCOUNTS_V0,
};
use joule_sdk::{associated_token_address, Pubkey, TOKEN_PROGRAM_ID};
use solana_keypair::Keypair;
use solana_message::AddressLookupTableAccount;
use solana_signer::Signer;

/// A market, read from the chain.
pub async fn market(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    market: &Pubkey,
) -> FlowResult<Market> {
    let data = account_data(chain, sender, market, "market").await?;
    mkt::decode_market(&data).ok_or(FlowError::Undecodable {
        what: "market",
        key: *market,
    })
}

/// An epoch, read from the chain.
pub async fn epoch(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    epoch: &Pubkey,
) -> FlowResult<EpochAccount> {
    let data = account_data(chain, sender, epoch, "epoch").await?;
    mkt::decode_epoch(&data).ok_or(FlowError::Undecodable {
        what: "epoch",
        key: *epoch,
    })
}

/// A created market.
#[derive(Clone, Debug)]
pub struct MarketCreated {
    pub landed: Landed,
    pub keys: MarketKeys,
}

/// `create_market`: the registry admin creates the market of the energy
/// token against `quote_mint` (and its two vaults) with `params`.
pub async fn create_market(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    admin: &dyn Signer,
    quote_mint: &Pubkey,
    params: &MarketParams,
) -> FlowResult<MarketCreated> {
    let keys = MarketKeys::new(quote_mint);
    let ix = mkt::CreateMarket {
        admin: admin.pubkey(),
        keys,
        params: *params,
    }
    .instruction();
    let landed = sender.send(chain, &[ix], admin, &[]).await?;
    Ok(MarketCreated { landed, keys })
}

/// An opened epoch.
#[derive(Clone, Debug)]
pub struct EpochOpened {
    pub landed: Landed,
    pub epoch: Pubkey,
    pub index: u64,
    pub start_ts: i64,
    pub end_ts: i64,
}

/// Opens the market's next epoch: creates the epoch account from a fresh
/// keypair (rent from `payer`, returned by [`close_epoch`]) and
/// `open_epoch`, in one transaction both sign.
pub async fn open_epoch(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    payer: &dyn Signer,
    market_key: &Pubkey,
) -> FlowResult<EpochOpened> {
    let m = market(chain, sender, market_key).await?;
    let space = mkt::epoch_space(m.tick_count, m.order_capacity);
    let rent = rent_exempt_minimum(chain, sender, space).await?;
    let account = Keypair::new();
    let ixs = mkt::OpenEpoch {
        payer: payer.pubkey(),
        market: *market_key,
        epoch: account.pubkey(),
    }
    .with_account(&m, rent);
    let landed = sender.send(chain, &ixs, payer, &[&account]).await?;
    let e = epoch(chain, sender, &account.pubkey()).await?;
    Ok(EpochOpened {
        landed,
        epoch: account.pubkey(),
        index: e.header.index,
        start_ts: e.header.start_ts,
        end_ts: e.header.end_ts,
    })
}

/// An order to place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NewOrder {
    pub side: Side,
    pub limit_tick: u16,
    pub quantity_wh: u64,
    /// The owner's own reference (echoed in events, checked by cancel).
    pub client_order_id: u64,
}

/// A placed order.
#[derive(Clone, Debug)]
pub struct OrderPlaced {
    pub landed: Landed,
    /// Its slot in the book.
    pub order_id: u32,
    /// The owner's account the escrow came from (associated, of the
    /// escrowed mint).
    pub escrow_from: Pubkey,
}

/// `place_order`: `owner` escrows from their associated account of the
/// escrowed mint (quote for a buy, energy for a sell). The order id is
/// the program's return data, checked against the book after landing.
pub async fn place_order(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    owner: &dyn Signer,
    keys: &MarketKeys,
    epoch_key: &Pubkey,
    order: &NewOrder,
) -> FlowResult<OrderPlaced> {
    let (_, mint) = keys.vault_and_mint(order.side);
    let from = associated_token_address(&owner.pubkey(), &mint);
    let ix = mkt::PlaceOrder {
        keys: *keys,
        epoch: *epoch_key,
        owner: owner.pubkey(),
        owner_token: from,
        side: order.side,
        limit_tick: order.limit_tick,
        quantity_wh: order.quantity_wh,
        client_order_id: order.client_order_id,
    }
    .instruction();
    let landed = sender.send(chain, &[ix], owner, &[]).await?;
    let returned = landed
        .simulation
        .return_data
        .as_ref()
        .filter(|(program, _)| *program == mkt::ID)
        .and_then(|(_, data)| mkt::order_id_from_return_data(data));
    // The simulation ran just before landing; the book is the truth.
    let e = epoch(chain, sender, epoch_key).await?;
    let is_ours = |id: u32| {
        e.orders
            .get(usize::try_from(id).unwrap_or(usize::MAX))
            .is_some_and(|o| {
                o.owner == owner.pubkey()
                    && o.client_order_id == order.client_order_id
                    && o.status == OrderStatus::Open as u8
            })
    };
    let order_id = match returned {
        Some(id) if is_ours(id) => id,
        _ => e
            .open_orders()
            .into_iter()
            .map(|(id, _)| id)
            .find(|id| is_ours(*id))
            .ok_or_else(|| FlowError::Unexpected("the placed order is not in the book".into()))?,
    };
    Ok(OrderPlaced {
        landed,
        order_id,
        escrow_from: from,
    })
}

/// `cancel_order`: the owner cancels open order `order_id`; the escrow goes
/// back to their associated account of the escrowed mint.
pub async fn cancel_order(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    owner: &dyn Signer,
    keys: &MarketKeys,
    epoch_key: &Pubkey,
    order_id: u32,
) -> FlowResult<Landed> {
    let e = epoch(chain, sender, epoch_key).await?;
    let o = e
        .orders
        .get(usize::try_from(order_id).unwrap_or(usize::MAX))
        .copied()
        .ok_or_else(|| FlowError::Invalid(format!("no order {order_id} in the book")))?;
    let side = if o.side == Side::Buy as u8 {
        Side::Buy
    } else {
        Side::Sell
    };
    let (_, mint) = keys.vault_and_mint(side);
    let to = associated_token_address(&owner.pubkey(), &mint);
    let ix = mkt::CancelOrder {
        keys: *keys,
        epoch: *epoch_key,
        owner: owner.pubkey(),
        owner_token: to,
        side,
        order_id,
        client_order_id: o.client_order_id,
    }
    .instruction();
    Ok(sender.send(chain, &[ix], owner, &[]).await?)
}

/// A cleared epoch.
#[derive(Clone, Debug)]
pub struct EpochCleared {
    pub landed: Landed,
    pub clearing: Clearing,
}

/// `clear_epoch` (permissionless, once the epoch has ended), paid by
/// `payer`; returns the clearing as the transaction's `EpochCleared` event
/// reported it.
pub async fn clear_epoch(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    payer: &dyn Signer,
    epoch_key: &Pubkey,
) -> FlowResult<EpochCleared> {
    let landed = sender
        .send(
            chain,
            &[mkt::ClearEpoch { epoch: *epoch_key }.instruction()],
            payer,
            &[],
        )
        .await?;
    // From the transaction's own event, not a read of the epoch after it:
    // another keeper may settle and close the epoch in between.
    let ev: mkt::EpochCleared = expect_event(&landed, "EpochCleared")?;
    let clearing = mkt::Clearing {
        tick: ev.clearing_tick,
        price: ev.clearing_price,
        volume_wh: ev.volume_wh,
        demand_wh: ev.demand_wh,
        supply_wh: ev.supply_wh,
        buy_marginal_tick: ev.buy_marginal_tick,
        buy_fill_num: ev.buy_fill_num,
        buy_fill_den: ev.buy_fill_den,
        sell_marginal_tick: ev.sell_marginal_tick,
        sell_fill_num: ev.sell_fill_num,
        sell_fill_den: ev.sell_fill_den,
    };
    Ok(EpochCleared { landed, clearing })
}

/// One settlement transaction.
#[derive(Clone, Debug)]
pub struct SettleBatch {
    pub landed: Landed,
    /// The orders it settled, in the order sent.
    pub order_ids: Vec<u32>,
    /// Its size on the wire, bytes.
    pub size: usize,
    /// Accounts it locked.
    pub accounts: usize,
}

/// What settling an epoch did.
#[derive(Clone, Debug)]
pub struct EpochSettled {
    pub batches: Vec<SettleBatch>,
    /// The lookup tables the batches used.
    pub lookup_tables: Vec<Pubkey>,
    /// Whether the epoch is now settled (swept, closable).
    pub settled: bool,
}

/// Settles every open order of a cleared epoch, paid by `payer`, in v0
/// transactions through lookup tables of the owners' accounts (`tables`,
/// extended if they are `payer`'s and lack some, or new ones `payer`
/// creates). Batches follow [`mkt::plan_settlement`] (an owner's orders
/// together, the pro-rata orders last in ascending id) and are sent in
/// order. Each order pays to its owner's associated accounts; the ones
/// that receive something are created if missing, as are the fee
/// recipient's. An already settled epoch is left alone.
pub async fn settle_epoch(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    payer: &dyn Signer,
    keys: &MarketKeys,
    epoch_key: &Pubkey,
    tables: &[Pubkey],
) -> FlowResult<EpochSettled> {
    let e = epoch(chain, sender, epoch_key).await?;
    match e.state() {
        Some(EpochState::Settled) => {
            return Ok(EpochSettled {
                batches: vec![],
                lookup_tables: vec![],
                settled: true,
            })
        }
        Some(EpochState::Cleared) => {}
        _ => return Err(FlowError::Invalid("the epoch is not cleared yet".into())),
    }
    let m = market(chain, sender, &keys.market).await?;
    let fee_energy = tokens::ensure_associated_account(
        chain,
        sender,
        payer,
        &m.fee_recipient,
        &keys.energy_mint,
    )
    .await?;
    let fee_quote =
        tokens::ensure_associated_account(chain, sender, payer, &m.fee_recipient, &keys.quote_mint)
            .await?;

    // Who receives what: their associated account must exist; an order
    // paying nothing of a mint may name any account of it (the fee's).
    let settlements = e.settlements();
    let mut energy_owners = Vec::new();
    let mut quote_owners = Vec::new();
    for (id, s) in &settlements {
        let Some(o) = e.orders.get(usize::try_from(*id).unwrap_or(usize::MAX)) else {
            continue;
        };
        if s.energy_out_wh > 0 {
            energy_owners.push(o.owner);
        }
        if s.quote_out > 0 {
            quote_owners.push(o.owner);
        }
    }
    tokens::ensure_associated_accounts(chain, sender, payer, &energy_owners, &keys.energy_mint)
        .await?;
    tokens::ensure_associated_accounts(chain, sender, payer, &quote_owners, &keys.quote_mint)
        .await?;
    let orders: Vec<SettleOrder> = settlements
        .iter()
        .filter_map(|(id, s)| {
            let o = e.orders.get(usize::try_from(*id).ok()?)?;
            Some(SettleOrder {
                order_id: *id,
                energy_account: if s.energy_out_wh > 0 {
                    associated_token_address(&o.owner, &keys.energy_mint)
                } else {
                    fee_energy
                },
                quote_account: if s.quote_out > 0 {
                    associated_token_address(&o.owner, &keys.quote_mint)
                } else {
                    fee_quote
                },
                owner: o.owner,
            })
        })
        .collect();
    let plan = mkt::plan_settlement(
        &e,
        &orders,
        MAX_SETTLE_OWNER_ACCOUNTS_V0,
        MAX_SETTLE_ORDERS_PER_TX,
    );

    // The epoch's own address stays out of the tables (a static key costs
    // bytes, not locks, and no more orders fit with it in a table), so the
    // tables grow only with new owners, not with every epoch.
    let mut addresses = vec![
        joule_sdk::registry::config_address(),
        keys.market,
        keys.energy_vault,
        keys.quote_vault,
        fee_energy,
        fee_quote,
        TOKEN_PROGRAM_ID,
    ];
    for o in &orders {
        for k in [o.energy_account, o.quote_account, o.owner] {
            if !addresses.contains(&k) {
                addresses.push(k);
            }
        }
    }
    let luts = ensure_lookup_tables(chain, sender, payer, tables, &addresses).await?;
    let mut out = EpochSettled {
        batches: vec![],
        lookup_tables: luts.iter().map(|t| t.key).collect(),
        settled: false,
    };
    if plan.is_empty() {
        // Nothing open: one empty settlement sweeps and completes it.
        let batch = settle_batch(
            chain,
            sender,
            payer,
            keys,
            epoch_key,
            &fee_energy,
            &fee_quote,
            &[],
            &luts,
        )
        .await?;
        out.batches.push(batch);
    }
    for batch in plan {
        let mut rest = batch.as_slice();
        // The planner's limits fit a v0 transaction; if one does not, its
        // longest fitting prefix goes first (the order is kept).
        while !rest.is_empty() {
            let n = fitting_prefix(
                &payer.pubkey(),
                keys,
                epoch_key,
                &fee_energy,
                &fee_quote,
                rest,
                &luts,
            )?;
            let (now, later) = rest.split_at(n);
            let sent = settle_batch(
                chain,
                sender,
                payer,
                keys,
                epoch_key,
                &fee_energy,
                &fee_quote,
                now,
                &luts,
            )
            .await?;
            out.batches.push(sent);
            rest = later;
        }
    }
    out.settled = epoch(chain, sender, epoch_key).await?.state() == Some(EpochState::Settled);
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
fn fitting_prefix(
    payer: &Pubkey,
    keys: &MarketKeys,
    epoch_key: &Pubkey,
    fee_energy: &Pubkey,
    fee_quote: &Pubkey,
    orders: &[SettleOrder],
    luts: &[AddressLookupTableAccount],
) -> FlowResult<usize> {
    let mut best = 0;
    for n in 1..=orders.len() {
        let ix = mkt::SettleOrders {
            keys: *keys,
            epoch: *epoch_key,
            fee_energy: *fee_energy,
            fee_quote: *fee_quote,
            orders: &orders[..n],
        }
        .instruction();
        match transaction_footprint(&[ix], payer, Some(luts)) {
            Some(f) if f.fits() => best = n,
            _ => break,
        }
    }
    if best == 0 {
        return Err(FlowError::Invalid(
            "not even one settlement fits a transaction".into(),
        ));
    }
    Ok(best)
}

#[allow(clippy::too_many_arguments)]
async fn settle_batch(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    payer: &dyn Signer,
    keys: &MarketKeys,
    epoch_key: &Pubkey,
    fee_energy: &Pubkey,
    fee_quote: &Pubkey,
    orders: &[SettleOrder],
    luts: &[AddressLookupTableAccount],
) -> FlowResult<SettleBatch> {
    let ix = mkt::SettleOrders {
        keys: *keys,
        epoch: *epoch_key,
        fee_energy: *fee_energy,
        fee_quote: *fee_quote,
        orders,
    }
    .instruction();
    let footprint = transaction_footprint(std::slice::from_ref(&ix), &payer.pubkey(), Some(luts))
        .ok_or_else(|| FlowError::Invalid("the settlement does not compile".into()))?;
    let landed = sender.send_v0(chain, &[ix], payer, &[], luts).await?;
    Ok(SettleBatch {
        landed,
        order_ids: orders.iter().map(|o| o.order_id).collect(),
        size: footprint.size,
        accounts: footprint.accounts,
    })
}

/// A closed epoch.
#[derive(Clone, Debug)]
pub struct EpochClosed {
    pub landed: Landed,
    /// Who got the rent back.
    pub rent_payer: Pubkey,
}

/// `close_epoch` (permissionless once settled), paid by `payer`; the rent
/// goes to the epoch's rent payer.
pub async fn close_epoch(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    payer: &dyn Signer,
    epoch_key: &Pubkey,
) -> FlowResult<EpochClosed> {
    let e = epoch(chain, sender, epoch_key).await?;
    let rent_payer = e.header.rent_payer;
    let landed = sender
        .send(
            chain,
            &[mkt::CloseEpoch {
                epoch: *epoch_key,
                rent_payer,
            }
            .instruction()],
            payer,
            &[],
        )
        .await?;
    Ok(EpochClosed { landed, rent_payer })
}
