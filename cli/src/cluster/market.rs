//! `joule market create|show|list|balance`.

use super::energy::lamports;
use super::meter::{admin_signer, load_config};
use super::{input, landed_json, parse, table, CliError, CliResult, Ctx, Out};
use joule_client::flows::{self, market as flow, tokens};
use joule_client::{AccountFilter, Signer};
use joule_sdk::amount::format_kwh;
use joule_sdk::certificates::AccountState;
use joule_sdk::market::{self as mkt, Market, MarketKeys, MarketParams};
use joule_sdk::{associated_token_address, token as spl, Pubkey};
use serde::Deserialize;
use serde_json::{json, Value};

/// A market's parameters as people write them (in `joule init`'s TOML and
/// `joule market create`'s flags): prices and values in quote units per
/// kWh as exact decimals, energy in kWh.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct MarketSpec {
    pub quote_mint: String,
    pub epoch_length_secs: u32,
    /// The lowest price (tick 0), quote units per kWh.
    pub min_price: String,
    /// The price step between ticks, quote units per kWh.
    pub tick_size: String,
    pub tick_count: u16,
    /// The smallest order, kWh.
    pub min_lot_kwh: String,
    pub fee_bps: u16,
    pub order_capacity: u32,
    /// Who receives the fees (default: the admin).
    #[serde(default)]
    pub fee_recipient: Option<String>,
    /// The smallest order value at its limit price, quote units.
    pub min_order_value: String,
    pub order_deposit_lamports: u64,
}

impl MarketSpec {
    /// The on-chain parameters, for a quote mint of `decimals`.
    pub fn params(&self, decimals: u8, admin: &Pubkey) -> CliResult<MarketParams> {
        let p = |what: &str, s: &str| {
            parse::price(s, decimals).map_err(|e| CliError::Input(format!("{what}: {e}")))
        };
        let params = MarketParams {
            epoch_length_secs: self.epoch_length_secs,
            min_price: p("min price", &self.min_price)?,
            tick_size: p("tick size", &self.tick_size)?,
            tick_count: self.tick_count,
            min_lot_wh: parse::positive_kwh("min lot", &self.min_lot_kwh)?,
            fee_bps: self.fee_bps,
            order_capacity: self.order_capacity,
            fee_recipient: match &self.fee_recipient {
                Some(f) => parse::pubkey("fee recipient", f)?,
                None => *admin,
            },
            min_order_value: p("min order value", &self.min_order_value)?,
            order_deposit_lamports: self.order_deposit_lamports,
        };
        if params.min_price == 0 {
            return input("min price: must be above zero");
        }
        if params.tick_size == 0 || params.tick_count == 0 || params.order_capacity == 0 {
            return input("tick size, tick count and order capacity must be above zero");
        }
        if params.fee_bps > 10_000 {
            return input("fee bps: at most 10000 (100%)");
        }
        Ok(params)
    }
}

#[derive(clap::Subcommand, Clone, Debug)]
pub enum MarketCommand {
    /// Create the market of the energy token against a quote mint
    /// (registry admin).
    Create {
        #[arg(long = "quote-mint")]
        quote_mint: String,
        #[arg(long = "epoch-length", value_name = "SECS")]
        epoch_length_secs: u32,
        /// The lowest price, quote units per kWh.
        #[arg(long = "min-price")]
        min_price: String,
        /// The price step, quote units per kWh.
        #[arg(long = "tick-size")]
        tick_size: String,
        #[arg(long = "ticks", default_value_t = 1024)]
        tick_count: u16,
        /// The smallest order, kWh.
        #[arg(long = "min-lot", default_value = "0.001")]
        min_lot_kwh: String,
        #[arg(long = "fee-bps", default_value_t = 0)]
        fee_bps: u16,
        #[arg(long = "capacity", default_value_t = 256)]
        order_capacity: u32,
        #[arg(long = "fee-recipient")]
        fee_recipient: Option<String>,
        /// The smallest order value, quote units.
        #[arg(long = "min-order-value")]
        min_order_value: String,
        #[arg(long = "deposit-lamports", default_value_t = 1_000_000)]
        order_deposit_lamports: u64,
    },
    /// One market's parameters and current epoch (default: the only
    /// market).
    Show {
        #[arg(long)]
        market: Option<String>,
    },
    /// Every market.
    List,
    /// An owner's energy and quote balances in a market's mints.
    Balance {
        owner: Option<String>,
        #[arg(long)]
        market: Option<String>,
    },
}

/// A mint's decimals.
pub async fn mint_decimals(ctx: &Ctx<'_>, mint: &Pubkey) -> CliResult<u8> {
    let Some(a) = flows::account(ctx.chain, &ctx.sender, mint).await? else {
        return input(format!("mint {mint} does not exist"));
    };
    spl::decode_mint(&a.data)
        .map(|(_, d)| d)
        .ok_or_else(|| CliError::Input(format!("{mint} is not a token mint")))
}

/// Every market on the cluster.
pub async fn list(ctx: &Ctx<'_>) -> CliResult<Vec<(Pubkey, Market)>> {
    let filters = [
        AccountFilter::DataSize(Market::SPACE as u64),
        AccountFilter::Memcmp {
            offset: 0,
            bytes: Market::DISCRIMINATOR.to_vec(),
        },
    ];
    let mut out: Vec<(Pubkey, Market)> = ctx
        .chain
        .get_program_accounts(&mkt::ID, &filters)
        .await?
        .into_iter()
        .filter_map(|(k, a)| mkt::decode_market(&a.data).map(|m| (k, m)))
        .collect();
    out.sort_by_key(|(k, _)| k.to_string());
    Ok(out)
}

/// The market `--market` names, or the only market there is.
pub async fn resolve(ctx: &Ctx<'_>, arg: Option<&str>) -> CliResult<(Pubkey, Market)> {
    match arg {
        Some(a) => {
            let key = parse::pubkey("market", a)?;
            let Some(acc) = flows::account(ctx.chain, &ctx.sender, &key).await? else {
                return input(format!("no market at {key}"));
            };
            if acc.owner != mkt::ID {
                return input(format!("{key} is not a market account"));
            }
            let m = mkt::decode_market(&acc.data)
                .ok_or_else(|| CliError::Input(format!("{key} is not a market")))?;
            Ok((key, m))
        }
        None => {
            let mut all = list(ctx).await?;
            match all.len() {
                0 => input("no market exists on this cluster; create one with `joule market create` or `joule init`"),
                1 => Ok(all.remove(0)),
                n => input(format!("{n} markets exist; name one with --market")),
            }
        }
    }
}

pub fn keys_of(m: &Market) -> MarketKeys {
    MarketKeys::with_mints(&m.energy_mint, &m.quote_mint)
}

pub fn market_json(key: &Pubkey, m: &Market, decimals: u8) -> Value {
    json!({
        "address": key.to_string(),
        "energy_mint": m.energy_mint.to_string(),
        "quote_mint": m.quote_mint.to_string(),
        "quote_decimals": decimals,
        "energy_vault": m.energy_vault.to_string(),
        "quote_vault": m.quote_vault.to_string(),
        "fee_recipient": m.fee_recipient.to_string(),
        "current_epoch": m.current_epoch.to_string(),
        "current_epoch_end_ts": m.current_epoch_end_ts,
        "next_epoch_index": m.next_epoch_index,
        "epoch_length_secs": m.epoch_length_secs,
        "min_price": m.min_price,
        "tick_size": m.tick_size,
        "tick_count": m.tick_count,
        "min_lot_wh": m.min_lot_wh,
        "fee_bps": m.fee_bps,
        "order_capacity": m.order_capacity,
        "min_order_value": m.min_order_value,
        "order_deposit_lamports": m.order_deposit_lamports,
    })
}

pub async fn run(command: &MarketCommand, ctx: &Ctx<'_>) -> CliResult<Out> {
    match command {
        MarketCommand::Create {
            quote_mint,
            epoch_length_secs,
            min_price,
            tick_size,
            tick_count,
            min_lot_kwh,
            fee_bps,
            order_capacity,
            fee_recipient,
            min_order_value,
            order_deposit_lamports,
        } => {
            let spec = MarketSpec {
                quote_mint: quote_mint.clone(),
                epoch_length_secs: *epoch_length_secs,
                min_price: min_price.clone(),
                tick_size: tick_size.clone(),
                tick_count: *tick_count,
                min_lot_kwh: min_lot_kwh.clone(),
                fee_bps: *fee_bps,
                order_capacity: *order_capacity,
                fee_recipient: fee_recipient.clone(),
                min_order_value: min_order_value.clone(),
                order_deposit_lamports: *order_deposit_lamports,
            };
            create(ctx, &spec).await
        }
        MarketCommand::Show { market } => {
            let (key, m) = resolve(ctx, market.as_deref()).await?;
            let d = mint_decimals(ctx, &m.quote_mint).await?;
            let q = |v: u64| parse::quote(v, d);
            let top =
                mkt::math::tick_price(m.min_price, m.tick_size, m.tick_count.saturating_sub(1))
                    .unwrap_or(0);
            let text = table::fields(&[
                ("market", key.to_string()),
                ("quote mint", format!("{} ({d} decimals)", m.quote_mint)),
                (
                    "prices",
                    format!(
                        "{} to {} per kWh, step {}",
                        q(m.min_price),
                        q(top),
                        q(m.tick_size)
                    ),
                ),
                ("epoch length", format!("{} s", m.epoch_length_secs)),
                ("min lot", format!("{} kWh", format_kwh(m.min_lot_wh))),
                ("min order value", q(m.min_order_value)),
                ("fee", format!("{} bps to {}", m.fee_bps, m.fee_recipient)),
                (
                    "book",
                    format!(
                        "{} orders, {} lamports deposit each",
                        m.order_capacity, m.order_deposit_lamports
                    ),
                ),
                (
                    "current epoch",
                    if m.current_epoch == Pubkey::default() {
                        "none".to_string()
                    } else {
                        format!(
                            "{} (ends {})",
                            m.current_epoch,
                            parse::format_time(m.current_epoch_end_ts)
                        )
                    },
                ),
                ("next epoch index", m.next_epoch_index.to_string()),
            ]);
            Ok(Out::new(market_json(&key, &m, d), text))
        }
        MarketCommand::List => {
            let all = list(ctx).await?;
            let mut rows = Vec::new();
            let mut json = Vec::new();
            for (k, m) in &all {
                let d = mint_decimals(ctx, &m.quote_mint).await?;
                rows.push(vec![
                    k.to_string(),
                    m.quote_mint.to_string(),
                    format!("{}s", m.epoch_length_secs),
                    parse::quote(m.min_price, d),
                    m.next_epoch_index.to_string(),
                ]);
                json.push(market_json(k, m, d));
            }
            let text = if rows.is_empty() {
                "no markets".to_string()
            } else {
                table::render(
                    &["market", "quote mint", "epoch", "min price", "epochs"],
                    &rows,
                )
            };
            Ok(Out::new(Value::Array(json), text))
        }
        MarketCommand::Balance { owner, market } => {
            let owner = match owner {
                Some(o) => parse::pubkey("owner", o)?,
                None => ctx.signer_pubkey()?,
            };
            let (key, m) = resolve(ctx, market.as_deref()).await?;
            let d = mint_decimals(ctx, &m.quote_mint).await?;
            let energy = tokens::balance(
                ctx.chain,
                &ctx.sender,
                &associated_token_address(&owner, &m.energy_mint),
            )
            .await?;
            let quote = tokens::balance(
                ctx.chain,
                &ctx.sender,
                &associated_token_address(&owner, &m.quote_mint),
            )
            .await?;
            let sol = lamports(ctx, &owner).await?;
            Ok(Out::new(
                json!({
                    "owner": owner.to_string(),
                    "market": key.to_string(),
                    "energy_wh": energy,
                    "quote": quote,
                    "quote_decimals": d,
                    "lamports": sol,
                }),
                format!(
                    "{owner} in market {key}\n  energy  {} kWh\n  quote   {}\n  SOL     {}",
                    format_kwh(energy),
                    parse::quote(quote, d),
                    joule_sdk::amount::format_decimal(sol, 9)
                ),
            ))
        }
    }
}

/// Creates the market `spec` describes (the signer must be the registry
/// admin); refused if it exists.
pub async fn create(ctx: &Ctx<'_>, spec: &MarketSpec) -> CliResult<Out> {
    let quote_mint = parse::pubkey("quote mint", &spec.quote_mint)?;
    load_config(ctx).await?;
    let decimals = mint_decimals(ctx, &quote_mint).await?;
    let admin = admin_signer(ctx).await?;
    let params = spec.params(decimals, &admin.pubkey())?;
    let keys = MarketKeys::new(&quote_mint);
    if flows::account(ctx.chain, &ctx.sender, &keys.market)
        .await?
        .is_some()
    {
        return input(format!(
            "the market for quote mint {quote_mint} already exists at {}",
            keys.market
        ));
    }
    ctx.write(
        flow::create_market(ctx.chain, &ctx.sender, &admin, &quote_mint, &params),
        |r| {
            Out::new(
                json!({
                    "market": r.keys.market.to_string(),
                    "quote_mint": quote_mint.to_string(),
                    "energy_vault": r.keys.energy_vault.to_string(),
                    "quote_vault": r.keys.quote_vault.to_string(),
                    "transaction": landed_json(&r.landed),
                }),
                format!(
                    "created market {} (quote mint {quote_mint})\n  signature {}",
                    r.keys.market, r.landed.signature
                ),
            )
        },
    )
    .await
}
