//! `joule init FILE`: initialise Joule on a cluster from one TOML
//! file, idempotently. Each part is created if missing and reported
//! `unchanged` if it already is as the file says; oracles the file lists
//! but the registry lacks are added. Nothing is ever removed or changed
//! behind the operator's back: a market that exists with other parameters,
//! an extra oracle, or another authority is reported, not overwritten.
//!
//! ```toml
//! [registry]
//! oracles = ["<oracle public key>"]
//!
//! [certificates]
//! authority = "<public key>"      # default: the registry admin
//!
//! [quote_mint]                     # optional: create a test quote mint
//! keypair = "quote-mint-keypair.json"   # relative to this file
//! decimals = 6
//!
//! [[market]]
//! quote_mint = "<mint public key>"
//! epoch_length_secs = 900
//! min_price = "0.010"              # quote units per kWh
//! tick_size = "0.001"
//! tick_count = 1024
//! min_lot_kwh = "0.001"
//! fee_bps = 50
//! order_capacity = 256
//! min_order_value = "0.01"
//! order_deposit_lamports = 1000000
//! ```

use super::market::{mint_decimals, MarketSpec};
use super::meter::load_config;
use super::{parse, CliError, CliResult, Ctx, Out};
use joule_client::flows::{
    self, certificates as cert_flow, market as mkt_flow, registry as reg_flow, tokens,
};
use joule_client::Signer;
use joule_sdk::market::{self as mkt, MarketKeys};
use joule_sdk::{certificates as cert, registry as reg, Pubkey};
use serde::Deserialize;
use serde_json::json;
use std::path::{Path, PathBuf};

#[derive(clap::Args, Clone, Debug)]
pub struct InitArgs {
    /// The TOML file describing the deployment (see migrations/).
    #[arg(value_name = "TOML")]
    pub file: PathBuf,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InitFile {
    pub registry: RegistrySection,
    #[serde(default)]
    pub certificates: Option<CertificatesSection>,
    #[serde(default)]
    pub quote_mint: Option<QuoteMintSection>,
    #[serde(default)]
    pub market: Vec<MarketSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistrySection {
    #[serde(default)]
    pub oracles: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertificatesSection {
    pub authority: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuoteMintSection {
    pub keypair: PathBuf,
    pub decimals: u8,
}

/// Reads and checks an init file (paths in it are relative to it).
pub fn read(path: &Path) -> CliResult<InitFile> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::Input(format!("{}: {e}", path.display())))?;
    let mut file: InitFile =
        toml::from_str(&text).map_err(|e| CliError::Input(format!("{}: {e}", path.display())))?;
    if let Some(q) = &mut file.quote_mint {
        if q.keypair.is_relative() {
            q.keypair = path.parent().unwrap_or(Path::new(".")).join(&q.keypair);
        }
    }
    Ok(file)
}

struct Report {
    steps: Vec<serde_json::Value>,
    text: String,
    changed: bool,
}

impl Report {
    fn step(&mut self, part: &str, status: &str, detail: String) {
        if status != "unchanged" && status != "differs" {
            self.changed = true;
        }
        self.text
            .push_str(&format!("{part:<14} {status:<10} {detail}\n"));
        self.steps
            .push(json!({ "part": part, "status": status, "detail": detail }));
    }
}

/// A write inside init (a dry run stops the whole command at its first
/// write, see [`CliError::DryRun`]).
fn dry(e: joule_client::flows::FlowError) -> CliError {
    e.into()
}

pub async fn run(a: &InitArgs, ctx: &Ctx<'_>) -> CliResult<Out> {
    let file = read(&a.file)?;
    let oracles: Vec<Pubkey> = file
        .registry
        .oracles
        .iter()
        .map(|o| parse::pubkey("registry.oracles", o))
        .collect::<Result<_, _>>()?;
    let admin = ctx.signer()?;
    let authority = match file
        .certificates
        .as_ref()
        .and_then(|c| c.authority.as_deref())
    {
        Some(a) => parse::pubkey("certificates.authority", a)?,
        None => admin.pubkey(),
    };
    let quote_keypair = file
        .quote_mint
        .as_ref()
        .map(|q| parse::read_keypair(&q.keypair).map(|k| (k, q.decimals)))
        .transpose()?;
    let mut r = Report {
        steps: vec![],
        text: String::new(),
        changed: false,
    };

    // The registry (and its energy mint), then its oracles.
    let config_key = reg::config_address();
    if flows::account(ctx.chain, &ctx.sender, &config_key)
        .await?
        .is_none()
    {
        reg_flow::initialize(ctx.chain, &ctx.sender, &admin, &oracles)
            .await
            .map_err(dry)?;
        r.step(
            "registry",
            "created",
            format!(
                "config {config_key}, energy mint {}, admin {}",
                reg::energy_mint_address(),
                admin.pubkey()
            ),
        );
        if !oracles.is_empty() {
            r.step("oracles", "added", oracle_list(&oracles));
        }
    } else {
        let config = load_config(ctx).await?;
        r.step(
            "registry",
            "unchanged",
            format!("config {config_key}, admin {}", config.admin),
        );
        let missing: Vec<Pubkey> = oracles
            .iter()
            .copied()
            .filter(|o| !config.oracles().contains(o))
            .collect();
        let extra: Vec<Pubkey> = config
            .oracles()
            .iter()
            .copied()
            .filter(|o| !oracles.contains(o))
            .collect();
        if missing.is_empty() {
            r.step("oracles", "unchanged", oracle_list(config.oracles()));
        } else {
            parse::require_signer(&admin, &config.admin, "registry admin")?;
            reg_flow::set_oracles(ctx.chain, &ctx.sender, &admin, &missing, &[])
                .await
                .map_err(dry)?;
            r.step("oracles", "added", oracle_list(&missing));
        }
        if !extra.is_empty() {
            r.step(
                "oracles",
                "differs",
                format!(
                    "also on chain, not in the file (left alone): {}",
                    oracle_list(&extra)
                ),
            );
        }
    }

    // The certificates program.
    let cert_key = cert::config_address();
    match flows::account(ctx.chain, &ctx.sender, &cert_key).await? {
        None => {
            cert_flow::initialize(ctx.chain, &ctx.sender, &admin, &authority)
                .await
                .map_err(dry)?;
            r.step(
                "certificates",
                "created",
                format!("config {cert_key}, authority {authority}"),
            );
        }
        Some(acc) => {
            let c = cert::decode_config(&acc.data).ok_or_else(|| {
                CliError::Input(format!("{cert_key} is not the certificates config"))
            })?;
            if c.authority == authority {
                r.step(
                    "certificates",
                    "unchanged",
                    format!("authority {authority}"),
                );
            } else {
                r.step("certificates", "differs", format!("authority on chain is {}, the file says {authority} (left alone; use `joule admin propose --program certificates`)", c.authority));
            }
        }
    }

    // A test quote mint.
    if let Some((kp, decimals)) = &quote_keypair {
        let key = kp.pubkey();
        match flows::account(ctx.chain, &ctx.sender, &key).await? {
            None => {
                tokens::create_mint_at(
                    ctx.chain,
                    &ctx.sender,
                    &admin,
                    kp,
                    &admin.pubkey(),
                    *decimals,
                )
                .await
                .map_err(dry)?;
                r.step(
                    "quote mint",
                    "created",
                    format!(
                        "{key} ({decimals} decimals, mint authority {})",
                        admin.pubkey()
                    ),
                );
            }
            Some(_) => {
                let d = mint_decimals(ctx, &key).await?;
                if d == *decimals {
                    r.step("quote mint", "unchanged", format!("{key} ({d} decimals)"));
                } else {
                    r.step(
                        "quote mint",
                        "differs",
                        format!("{key} has {d} decimals, the file says {decimals}"),
                    );
                }
            }
        }
    }

    // Markets.
    for spec in &file.market {
        let quote_mint = parse::pubkey("market.quote_mint", &spec.quote_mint)?;
        let decimals = mint_decimals(ctx, &quote_mint).await?;
        let config = load_config(ctx).await?;
        let params = spec.params(decimals, &config.admin)?;
        let keys = MarketKeys::new(&quote_mint);
        match flows::account(ctx.chain, &ctx.sender, &keys.market).await? {
            None => {
                parse::require_signer(&admin, &config.admin, "registry admin")?;
                mkt_flow::create_market(ctx.chain, &ctx.sender, &admin, &quote_mint, &params)
                    .await
                    .map_err(dry)?;
                r.step(
                    "market",
                    "created",
                    format!("{} (quote {quote_mint})", keys.market),
                );
            }
            Some(acc) => {
                let m = mkt::decode_market(&acc.data)
                    .ok_or_else(|| CliError::Input(format!("{} is not a market", keys.market)))?;
                let same = m.epoch_length_secs == params.epoch_length_secs
                    && m.min_price == params.min_price
                    && m.tick_size == params.tick_size
                    && m.tick_count == params.tick_count
                    && m.min_lot_wh == params.min_lot_wh
                    && m.fee_bps == params.fee_bps
                    && m.order_capacity == params.order_capacity
                    && m.fee_recipient == params.fee_recipient
                    && m.min_order_value == params.min_order_value
                    && m.order_deposit_lamports == params.order_deposit_lamports;
                if same {
                    r.step("market", "unchanged", format!("{}", keys.market));
                } else {
                    r.step(
                        "market",
                        "differs",
                        format!(
                            "{} exists with other parameters (markets are immutable; left alone)",
                            keys.market
                        ),
                    );
                }
            }
        }
    }

    let summary = if r.changed {
        "initialised"
    } else {
        "nothing to do: the cluster already matches the file"
    };
    r.text.push_str(summary);
    Ok(Out::new(
        json!({ "changed": r.changed, "steps": r.steps }),
        r.text,
    ))
}

fn oracle_list(o: &[Pubkey]) -> String {
    if o.is_empty() {
        return "none".into();
    }
    o.iter()
        .map(|k| k.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
