//! `joule epoch open|show|clear|settle|close`.

use super::market::{keys_of, mint_decimals, resolve};
use super::order::epoch_key;
use super::{chart, input, landed_json, parse, table, CliError, CliResult, Ctx, Out};
use joule_client::flows::{self, market as flow};
use joule_sdk::amount::format_kwh;
use joule_sdk::market::{self as mkt, math, EpochAccount, EpochState};
use joule_sdk::Pubkey;
use serde_json::json;

#[derive(clap::Subcommand, Clone, Debug)]
pub enum EpochCommand {
    /// Open the market's next epoch (anyone; the payer's rent comes back
    /// at close).
    Open {
        #[arg(long)]
        market: Option<String>,
    },
    /// An epoch's book, curves and clearing (default: the current one).
    Show {
        epoch: Option<String>,
        #[arg(long)]
        market: Option<String>,
    },
    /// Clear an ended epoch at one uniform price (anyone).
    Clear {
        epoch: Option<String>,
        #[arg(long)]
        market: Option<String>,
    },
    /// Settle every order of a cleared epoch (anyone), in planned batches.
    Settle {
        epoch: Option<String>,
        #[arg(long)]
        market: Option<String>,
    },
    /// Close a settled epoch; its rent goes back to whoever opened it.
    Close {
        epoch: Option<String>,
        #[arg(long)]
        market: Option<String>,
    },
}

pub fn state_name(state: u8) -> &'static str {
    match EpochState::from_u8(state) {
        Some(EpochState::Open) => "open",
        Some(EpochState::Cleared) => "cleared",
        Some(EpochState::Settled) => "settled",
        None => "unknown",
    }
}

/// The epoch at `key`, which must exist.
pub async fn load_epoch(ctx: &Ctx<'_>, key: &Pubkey) -> CliResult<EpochAccount> {
    let Some(a) = flows::account(ctx.chain, &ctx.sender, key).await? else {
        return input(format!("no epoch at {key} (closed, or never opened)"));
    };
    if a.owner != mkt::ID {
        return input(format!("{key} is not a market account"));
    }
    mkt::decode_epoch(&a.data).ok_or_else(|| CliError::Input(format!("{key} is not an epoch")))
}

async fn target(
    ctx: &Ctx<'_>,
    market: Option<&str>,
    epoch: Option<&str>,
) -> CliResult<(Pubkey, mkt::Market, Pubkey, EpochAccount)> {
    let (mk, m) = match (market, epoch) {
        (None, Some(e)) => {
            let key = parse::pubkey("epoch", e)?;
            let ep = load_epoch(ctx, &key).await?;
            let (mk, m) = resolve(ctx, Some(&ep.header.market.to_string())).await?;
            return Ok((mk, m, key, ep));
        }
        _ => resolve(ctx, market).await?,
    };
    let key = epoch_key(&m, epoch)?;
    let ep = load_epoch(ctx, &key).await?;
    Ok((mk, m, key, ep))
}

pub async fn run(command: &EpochCommand, ctx: &Ctx<'_>) -> CliResult<Out> {
    match command {
        EpochCommand::Open { market } => {
            let (mk, m) = resolve(ctx, market.as_deref()).await?;
            let now = flows::clock(ctx.chain, &ctx.sender).await?.unix_timestamp;
            if m.current_epoch != Pubkey::default() && now < m.current_epoch_end_ts {
                return input(format!(
                    "epoch {} runs until {}; the next opens after it ends",
                    m.current_epoch,
                    parse::format_time(m.current_epoch_end_ts)
                ));
            }
            let payer = ctx.signer()?;
            ctx.write(flow::open_epoch(ctx.chain, &ctx.sender, &payer, &mk), |r| {
                Out::new(
                    json!({
                        "market": mk.to_string(),
                        "epoch": r.epoch.to_string(),
                        "index": r.index,
                        "start_ts": r.start_ts,
                        "end_ts": r.end_ts,
                        "transaction": landed_json(&r.landed),
                    }),
                    format!(
                        "opened epoch {} ({}) of market {mk}: orders until {}\n  signature {}",
                        r.index,
                        r.epoch,
                        parse::format_time(r.end_ts),
                        r.landed.signature
                    ),
                )
            })
            .await
        }
        EpochCommand::Show { epoch, market } => {
            let (_, m, key, e) = target(ctx, market.as_deref(), epoch.as_deref()).await?;
            let d = mint_decimals(ctx, &m.quote_mint).await?;
            let h = &e.header;
            let q = |v: u64| parse::quote(v, d);
            let price_of = |t: u16| {
                math::tick_price(h.min_price, h.tick_size, t)
                    .map(q)
                    .unwrap_or_default()
            };
            let clearing = e.clearing();
            let mut json = json!({
                "epoch": key.to_string(),
                "market": h.market.to_string(),
                "index": h.index,
                "state": state_name(h.state),
                "start_ts": h.start_ts,
                "end_ts": h.end_ts,
                "order_count": h.order_count,
                "live_orders": h.live_orders,
                "total_buy_wh": h.total_buy_wh,
                "total_sell_wh": h.total_sell_wh,
                "quote_held": h.quote_held,
                "energy_held_wh": h.energy_held_wh,
                "fees_quote": h.fees_quote,
                "rent_payer": h.rent_payer.to_string(),
            });
            let mut fields = vec![
                ("epoch", format!("{} ({key})", h.index)),
                ("state", state_name(h.state).to_string()),
                ("orders until", parse::format_time(h.end_ts)),
                (
                    "orders",
                    format!("{} placed, {} live", h.order_count, h.live_orders),
                ),
                ("bids", format!("{} kWh", format_kwh(h.total_buy_wh))),
                ("offers", format!("{} kWh", format_kwh(h.total_sell_wh))),
            ];
            if let Some(c) = &clearing {
                json["clearing"] = json!({
                    "tick": c.tick,
                    "price": c.price,
                    "volume_wh": c.volume_wh,
                    "demand_wh": c.demand_wh,
                    "supply_wh": c.supply_wh,
                });
                fields.push((
                    "clearing price",
                    if c.volume_wh == 0 {
                        "none (nothing crossed)".into()
                    } else {
                        format!("{} per kWh", q(c.price))
                    },
                ));
                fields.push(("volume", format!("{} kWh", format_kwh(c.volume_wh))));
                fields.push(("fees", q(h.fees_quote)));
            }
            let mut text = table::fields(&fields);
            text.push('\n');
            text.push_str(&chart::draw(
                &e.demand,
                &e.supply,
                &price_of,
                clearing
                    .filter(|c| c.volume_wh > 0)
                    .map(|c| (c.tick, c.volume_wh)),
                16,
            ));
            Ok(Out::new(json, text))
        }
        EpochCommand::Clear { epoch, market } => {
            let (_, _, key, e) = target(ctx, market.as_deref(), epoch.as_deref()).await?;
            if e.state() != Some(EpochState::Open) {
                return input(format!(
                    "epoch {key} is already {}",
                    state_name(e.header.state)
                ));
            }
            let now = flows::clock(ctx.chain, &ctx.sender).await?.unix_timestamp;
            if now < e.header.end_ts {
                return input(format!(
                    "epoch {key} takes orders until {} ({} s from now); it clears after that",
                    parse::format_time(e.header.end_ts),
                    e.header.end_ts - now
                ));
            }
            let payer = ctx.signer()?;
            ctx.write(flow::clear_epoch(ctx.chain, &ctx.sender, &payer, &key), |r| {
                let c = r.clearing;
                Out::new(
                    json!({
                        "epoch": key.to_string(),
                        "tick": c.tick,
                        "price": c.price,
                        "volume_wh": c.volume_wh,
                        "transaction": landed_json(&r.landed),
                    }),
                    format!(
                        "cleared epoch {key}: {} kWh at {} quote base units per kWh\n  signature {}",
                        format_kwh(c.volume_wh),
                        c.price,
                        r.landed.signature
                    ),
                )
            })
            .await
        }
        EpochCommand::Settle { epoch, market } => {
            let (_, m, key, e) = target(ctx, market.as_deref(), epoch.as_deref()).await?;
            match e.state() {
                Some(EpochState::Cleared) => {}
                Some(EpochState::Settled) => {
                    return input(format!("epoch {key} is already settled"))
                }
                _ => {
                    return input(format!(
                        "epoch {key} is not cleared yet; run `joule epoch clear` after it ends"
                    ))
                }
            }
            let payer = ctx.signer()?;
            let keys = keys_of(&m);
            ctx.write(
                flow::settle_epoch(ctx.chain, &ctx.sender, &payer, &keys, &key, &[]),
                |r| {
                    let orders: usize = r.batches.iter().map(|b| b.order_ids.len()).sum();
                    let batches: Vec<_> = r
                        .batches
                        .iter()
                        .map(|b| {
                            let mut v = landed_json(&b.landed);
                            v["order_ids"] = json!(b.order_ids);
                            v["bytes"] = json!(b.size);
                            v["accounts"] = json!(b.accounts);
                            v
                        })
                        .collect();
                    Out::new(
                        json!({
                            "epoch": key.to_string(),
                            "orders": orders,
                            "settled": r.settled,
                            "lookup_tables": r.lookup_tables.iter().map(|t| t.to_string()).collect::<Vec<_>>(),
                            "transactions": batches,
                        }),
                        format!(
                            "settled {orders} order(s) of epoch {key} in {} transaction(s){}",
                            r.batches.len(),
                            if r.settled { "; the epoch is settled and can be closed" } else { "" }
                        ),
                    )
                },
            )
            .await
        }
        EpochCommand::Close { epoch, market } => {
            let (_, _, key, e) = target(ctx, market.as_deref(), epoch.as_deref()).await?;
            if e.state() != Some(EpochState::Settled) {
                return input(format!(
                    "epoch {key} is {}; only a settled epoch can be closed",
                    state_name(e.header.state)
                ));
            }
            let payer = ctx.signer()?;
            ctx.write(
                flow::close_epoch(ctx.chain, &ctx.sender, &payer, &key),
                |r| {
                    Out::new(
                        json!({
                            "epoch": key.to_string(),
                            "rent_to": r.rent_payer.to_string(),
                            "transaction": landed_json(&r.landed),
                        }),
                        format!(
                            "closed epoch {key}; rent back to {}\n  signature {}",
                            r.rent_payer, r.landed.signature
                        ),
                    )
                },
            )
            .await
        }
    }
}
