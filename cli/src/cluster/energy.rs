//! `joule energy mint|redeem|balance`.

use super::meter::{load_config, load_meter};
use super::{input, landed_json, parse, CliResult, Ctx, Out};
use joule_client::flows::{self, registry as flow, tokens};
use joule_client::Signer;
use joule_sdk::amount::format_kwh;
use joule_sdk::registry as reg;
use joule_sdk::{associated_token_address, Pubkey};
use serde_json::json;

#[derive(clap::Subcommand, Clone, Debug)]
pub enum EnergyCommand {
    /// Mint a meter's exported, not yet minted energy to its owner (anyone
    /// may pay for it).
    Mint {
        /// A meter serial or address.
        meter: String,
    },
    /// Burn energy tokens against what your meter imported.
    Redeem {
        meter: String,
        /// kWh to redeem (exact, at most 3 decimals).
        amount_kwh: String,
    },
    /// Energy tokens held by an owner (default: the keypair's) and SOL.
    Balance { owner: Option<String> },
}

pub async fn run(command: &EnergyCommand, ctx: &Ctx<'_>) -> CliResult<Out> {
    match command {
        EnergyCommand::Mint { meter } => {
            let (key, m) = load_meter(ctx, meter).await?;
            if m.mintable_wh() == 0 {
                return input(format!(
                    "meter {key} has nothing to mint ({} kWh exported, {} kWh minted)",
                    format_kwh(m.exported_wh),
                    format_kwh(m.minted_wh)
                ));
            }
            let payer = ctx.signer()?;
            ctx.write(
                flow::mint_energy(ctx.chain, &ctx.sender, &payer, &key),
                |r| {
                    Out::new(
                        json!({
                            "meter": key.to_string(),
                            "owner": r.owner.to_string(),
                            "token_account": r.token_account.to_string(),
                            "minted_wh": r.amount_wh,
                            "minted_total_wh": r.minted_wh,
                            "transaction": landed_json(&r.landed),
                        }),
                        format!(
                        "minted {} kWh to {} (meter {key}, {} kWh minted in all)\n  signature {}",
                        format_kwh(r.amount_wh),
                        r.owner,
                        format_kwh(r.minted_wh),
                        r.landed.signature
                    ),
                    )
                },
            )
            .await
        }
        EnergyCommand::Redeem { meter, amount_kwh } => {
            let amount = parse::positive_kwh("amount", amount_kwh)?;
            let (key, m) = load_meter(ctx, meter).await?;
            let owner = ctx.signer()?;
            parse::require_signer(&owner, &m.owner, "meter's owner")?;
            if amount > m.redeemable_wh() {
                return input(format!(
                    "meter {key} has {} kWh of imports left to redeem; {} kWh asked",
                    format_kwh(m.redeemable_wh()),
                    format_kwh(amount)
                ));
            }
            let ata = associated_token_address(&owner.pubkey(), &reg::energy_mint_address());
            let balance = tokens::balance(ctx.chain, &ctx.sender, &ata).await?;
            if amount > balance {
                return input(format!(
                    "{} holds {} kWh of energy tokens; {} kWh asked",
                    owner.pubkey(),
                    format_kwh(balance),
                    format_kwh(amount)
                ));
            }
            ctx.write(flow::redeem(ctx.chain, &ctx.sender, &owner, &key, amount), |r| {
                Out::new(
                    json!({
                        "meter": key.to_string(),
                        "redeemed_wh": r.amount_wh,
                        "redeemed_total_wh": r.redeemed_wh,
                        "imported_wh": r.imported_wh,
                        "transaction": landed_json(&r.landed),
                    }),
                    format!(
                        "redeemed {} kWh against meter {key} ({} of {} kWh imported now redeemed)\n  signature {}",
                        format_kwh(r.amount_wh),
                        format_kwh(r.redeemed_wh),
                        format_kwh(r.imported_wh),
                        r.landed.signature
                    ),
                )
            })
            .await
        }
        EnergyCommand::Balance { owner } => {
            let owner = match owner {
                Some(o) => parse::pubkey("owner", o)?,
                None => ctx.signer_pubkey()?,
            };
            load_config(ctx).await?;
            let ata = associated_token_address(&owner, &reg::energy_mint_address());
            let energy = tokens::balance(ctx.chain, &ctx.sender, &ata).await?;
            let lamports = lamports(ctx, &owner).await?;
            Ok(Out::new(
                json!({
                    "owner": owner.to_string(),
                    "energy_wh": energy,
                    "token_account": ata.to_string(),
                    "lamports": lamports,
                }),
                format!(
                    "{owner}\n  energy  {} kWh\n  SOL     {}",
                    format_kwh(energy),
                    joule_sdk::amount::format_decimal(lamports, 9)
                ),
            ))
        }
    }
}

/// An account's lamports (0 if it does not exist).
pub async fn lamports(ctx: &Ctx<'_>, key: &Pubkey) -> CliResult<u64> {
    Ok(flows::account(ctx.chain, &ctx.sender, key)
        .await?
        .map(|a| a.lamports)
        .unwrap_or(0))
}
