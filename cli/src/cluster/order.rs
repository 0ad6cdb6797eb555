//! `joule order buy|sell|cancel|list`.

use super::epoch::{load_epoch, state_name};
use super::market::{keys_of, mint_decimals, resolve};
use super::{input, landed_json, parse, table, CliError, CliResult, Ctx, Out};
use joule_client::flows::{market as flow, tokens};
use joule_client::Signer;
use joule_sdk::amount::format_kwh;
use joule_sdk::market::{math, EpochState, Market, OrderStatus, Side};
use joule_sdk::{associated_token_address, Pubkey};
use serde_json::{json, Value};

#[derive(clap::Args, Clone, Debug)]
pub struct PlaceArgs {
    /// kWh to buy or sell (exact, at most 3 decimals).
    pub quantity_kwh: String,
    /// Limit price, quote units per kWh (on the market's tick grid).
    pub price: String,
    #[arg(long)]
    pub market: Option<String>,
    /// The epoch (default: the market's current one).
    #[arg(long)]
    pub epoch: Option<String>,
    /// Your own reference for the order.
    #[arg(long = "client-id", default_value_t = 0)]
    pub client_order_id: u64,
}

#[derive(clap::Subcommand, Clone, Debug)]
pub enum OrderCommand {
    /// Bid for energy: escrows quantity × price in quote tokens.
    Buy(PlaceArgs),
    /// Offer energy: escrows the energy tokens.
    Sell(PlaceArgs),
    /// Cancel your open order (before the epoch clears).
    Cancel {
        order_id: u32,
        #[arg(long)]
        market: Option<String>,
        #[arg(long)]
        epoch: Option<String>,
    },
    /// The orders of an epoch (default: the current one), or an owner's.
    List {
        #[arg(long)]
        market: Option<String>,
        #[arg(long)]
        epoch: Option<String>,
        #[arg(long)]
        owner: Option<String>,
    },
}

/// The tick of `price` (quote base units per kWh) on `m`'s grid.
pub fn price_tick(m: &Market, price: u64, decimals: u8) -> CliResult<u16> {
    let q = |v: u64| parse::quote(v, decimals);
    let top = math::tick_price(m.min_price, m.tick_size, m.tick_count.saturating_sub(1))
        .unwrap_or(u64::MAX);
    if price < m.min_price || price > top {
        return input(format!(
            "price {} is outside the market's range {} to {} per kWh",
            q(price),
            q(m.min_price),
            q(top)
        ));
    }
    let offset = price - m.min_price;
    if !offset.is_multiple_of(m.tick_size) {
        let below = price - offset % m.tick_size;
        return input(format!(
            "price {} is not on the market's grid (step {}); the nearest prices are {} and {}",
            q(price),
            q(m.tick_size),
            q(below),
            q(below.saturating_add(m.tick_size))
        ));
    }
    u16::try_from(offset / m.tick_size).or_else(|_| input("price: tick out of range"))
}

/// The epoch `--epoch` names, or the market's current one.
pub fn epoch_key(m: &Market, arg: Option<&str>) -> CliResult<Pubkey> {
    match arg {
        Some(e) => parse::pubkey("epoch", e),
        None if m.current_epoch == Pubkey::default() => {
            input("the market has no epoch yet; open one with `joule epoch open`")
        }
        None => Ok(m.current_epoch),
    }
}

fn side_name(side: u8) -> &'static str {
    if side == Side::Buy as u8 {
        "buy"
    } else {
        "sell"
    }
}

fn status_name(status: u8) -> &'static str {
    match status {
        s if s == OrderStatus::Open as u8 => "open",
        s if s == OrderStatus::Settled as u8 => "settled",
        _ => "free",
    }
}

pub async fn run(command: &OrderCommand, ctx: &Ctx<'_>) -> CliResult<Out> {
    match command {
        OrderCommand::Buy(a) => place(ctx, a, Side::Buy).await,
        OrderCommand::Sell(a) => place(ctx, a, Side::Sell).await,
        OrderCommand::Cancel {
            order_id,
            market,
            epoch,
        } => {
            let (_, m) = resolve(ctx, market.as_deref()).await?;
            let epoch = epoch_key(&m, epoch.as_deref())?;
            let e = load_epoch(ctx, &epoch).await?;
            let owner = ctx.signer()?;
            let Some(o) = e.orders.get(*order_id as usize) else {
                return input(format!("the book of epoch {epoch} has no order {order_id}"));
            };
            if o.status != OrderStatus::Open as u8 {
                return input(format!(
                    "order {order_id} is {}, not open",
                    status_name(o.status)
                ));
            }
            parse::require_signer(&owner, &o.owner, "order's owner")?;
            if e.state() != Some(EpochState::Open) {
                return input(format!(
                    "epoch {epoch} is {}; orders can only be cancelled while it is open",
                    state_name(e.header.state)
                ));
            }
            let keys = keys_of(&m);
            ctx.write(
                flow::cancel_order(ctx.chain, &ctx.sender, &owner, &keys, &epoch, *order_id),
                |l| {
                    Out::new(
                        json!({ "epoch": epoch.to_string(), "order_id": order_id, "transaction": landed_json(&l) }),
                        format!("cancelled order {order_id} of epoch {epoch}; escrow refunded\n  signature {}", l.signature),
                    )
                },
            )
            .await
        }
        OrderCommand::List {
            market,
            epoch,
            owner,
        } => {
            let (_, m) = resolve(ctx, market.as_deref()).await?;
            let epoch = epoch_key(&m, epoch.as_deref())?;
            let owner = owner
                .as_deref()
                .map(|o| parse::pubkey("owner", o))
                .transpose()?;
            let e = load_epoch(ctx, &epoch).await?;
            let d = mint_decimals(ctx, &m.quote_mint).await?;
            let settlements = e.settlements();
            let mut rows = Vec::new();
            let mut json = Vec::new();
            for (id, o) in e.orders.iter().enumerate() {
                if o.status == OrderStatus::Free as u8 || owner.is_some_and(|w| w != o.owner) {
                    continue;
                }
                let price = math::tick_price(e.header.min_price, e.header.tick_size, o.limit_tick)
                    .unwrap_or(0);
                let s = settlements
                    .iter()
                    .find(|(i, _)| *i as usize == id)
                    .map(|(_, s)| *s);
                rows.push(vec![
                    id.to_string(),
                    side_name(o.side).to_string(),
                    format_kwh(o.quantity_wh),
                    parse::quote(price, d),
                    status_name(o.status).to_string(),
                    s.map(|s| format_kwh(s.filled_wh))
                        .unwrap_or_else(|| "-".into()),
                    o.owner.to_string(),
                ]);
                let mut v = json!({
                    "order_id": id,
                    "owner": o.owner.to_string(),
                    "side": side_name(o.side),
                    "quantity_wh": o.quantity_wh,
                    "limit_tick": o.limit_tick,
                    "limit_price": price,
                    "escrow": o.escrow,
                    "client_order_id": o.client_order_id,
                    "status": status_name(o.status),
                });
                if let Some(s) = s {
                    v["settlement"] = json!({
                        "filled_wh": s.filled_wh,
                        "quote_amount": s.quote_amount,
                        "fee": s.fee,
                        "energy_out_wh": s.energy_out_wh,
                        "quote_out": s.quote_out,
                    });
                }
                json.push(v);
            }
            let text = if rows.is_empty() {
                format!("no orders in epoch {epoch}")
            } else {
                format!(
                    "epoch {epoch} ({})\n{}",
                    state_name(e.header.state),
                    table::render(
                        &["id", "side", "kWh", "price", "status", "fills kWh", "owner"],
                        &rows
                    )
                )
            };
            Ok(Out::new(Value::Array(json), text))
        }
    }
}

async fn place(ctx: &Ctx<'_>, a: &PlaceArgs, side: Side) -> CliResult<Out> {
    let quantity = parse::positive_kwh("quantity", &a.quantity_kwh)?;
    let (market, m) = resolve(ctx, a.market.as_deref()).await?;
    let d = mint_decimals(ctx, &m.quote_mint).await?;
    let price = parse::price(&a.price, d)?;
    let tick = price_tick(&m, price, d)?;
    let epoch = epoch_key(&m, a.epoch.as_deref())?;
    let e = load_epoch(ctx, &epoch).await?;
    if e.header.market != market {
        return input(format!("epoch {epoch} belongs to another market"));
    }
    if e.state() != Some(EpochState::Open) {
        return input(format!(
            "epoch {epoch} is {}; orders go into an open epoch",
            state_name(e.header.state)
        ));
    }
    if quantity % m.min_lot_wh != 0 {
        return input(format!(
            "quantity must be a multiple of the market's lot, {} kWh",
            format_kwh(m.min_lot_wh)
        ));
    }
    let owner = ctx.signer()?;
    let (mint, need, unit) = match side {
        Side::Buy => (
            m.quote_mint,
            math::buy_escrow(quantity, price)
                .map_err(|_| CliError::Input("the order's value overflows".into()))?,
            "quote",
        ),
        Side::Sell => (m.energy_mint, quantity, "energy"),
    };
    let have = tokens::balance(
        ctx.chain,
        &ctx.sender,
        &associated_token_address(&owner.pubkey(), &mint),
    )
    .await?;
    if have < need {
        let show = |v: u64| match side {
            Side::Buy => parse::quote(v, d),
            Side::Sell => format!("{} kWh", format_kwh(v)),
        };
        return input(format!(
            "{} holds {} in {unit} tokens; the order escrows {}",
            owner.pubkey(),
            show(have),
            show(need)
        ));
    }
    let order = flow::NewOrder {
        side,
        limit_tick: tick,
        quantity_wh: quantity,
        client_order_id: a.client_order_id,
    };
    let keys = keys_of(&m);
    ctx.write(
        flow::place_order(ctx.chain, &ctx.sender, &owner, &keys, &epoch, &order),
        |r| {
            Out::new(
                json!({
                    "epoch": epoch.to_string(),
                    "order_id": r.order_id,
                    "side": side_name(side as u8),
                    "quantity_wh": quantity,
                    "limit_price": price,
                    "limit_tick": tick,
                    "escrow": need,
                    "transaction": landed_json(&r.landed),
                }),
                format!(
                    "order {}: {} {} kWh at {} per kWh in epoch {epoch}\n  signature {}",
                    r.order_id,
                    side_name(side as u8),
                    format_kwh(quantity),
                    parse::quote(price, d),
                    r.landed.signature
                ),
            )
        },
    )
    .await
}
