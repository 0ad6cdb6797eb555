//! `joule cert issue|transfer|split|retire|revoke|show|list`.

use super::meter::load_meter;
use super::{input, landed_json, parse, table, CliError, CliResult, Ctx, Out};
use joule_client::flows::{self, certificates as flow};
use joule_client::{AccountFilter, Signer};
use joule_sdk::amount::format_kwh;
use joule_sdk::certificates::{
    self as cert, AccountState, Certificate, CertificateStatus, MAX_BENEFICIARY_NAME_LEN,
    MAX_REASON_LEN,
};
use joule_sdk::Pubkey;
use serde_json::{json, Value};
use std::str::FromStr;

#[derive(clap::Subcommand, Clone, Debug)]
pub enum CertCommand {
    /// Certify a renewable meter's exported energy for a period
    /// (certificates authority; the certificate goes to the meter's owner).
    Issue {
        /// A meter serial or address.
        meter: String,
        /// kWh to certify.
        amount_kwh: String,
        /// Start of the generation period (unix seconds or RFC 3339).
        #[arg(long)]
        from: String,
        /// End of the generation period.
        #[arg(long)]
        to: String,
    },
    /// Hand a whole certificate you own to someone else.
    Transfer {
        certificate: String,
        new_owner: String,
    },
    /// Split off a part of a certificate you own.
    Split {
        certificate: String,
        /// kWh for the new part.
        amount_kwh: String,
        /// Owner of the new part (default: you).
        #[arg(long)]
        to: Option<String>,
    },
    /// Retire a certificate you own on behalf of a beneficiary (final).
    Retire {
        certificate: String,
        /// The beneficiary's address (default: you).
        #[arg(long)]
        beneficiary: Option<String>,
        /// The beneficiary's name, up to 64 bytes.
        #[arg(long)]
        name: String,
        /// Why it is retired, up to 128 bytes.
        #[arg(long)]
        reason: String,
    },
    /// Revoke an active certificate (certificates authority).
    Revoke {
        certificate: String,
        #[arg(long)]
        reason: String,
    },
    /// One certificate.
    Show { certificate: String },
    /// Every certificate, or an owner's.
    List {
        #[arg(long)]
        owner: Option<String>,
    },
}

/// A certificate argument: an address or an issue id.
pub fn cert_key(arg: &str) -> CliResult<Pubkey> {
    if let Ok(k) = Pubkey::from_str(arg.trim()) {
        return Ok(k);
    }
    let id: u64 = arg.trim().parse().map_err(|_| {
        CliError::Input(format!(
            "certificate: '{arg}' is neither an address nor an id"
        ))
    })?;
    cert::certificate_address(id)
        .ok_or_else(|| CliError::Input(format!("certificate: no certificate can have id {id}")))
}

pub async fn load_cert(ctx: &Ctx<'_>, arg: &str) -> CliResult<(Pubkey, Certificate)> {
    let key = cert_key(arg)?;
    let Some(a) = flows::account(ctx.chain, &ctx.sender, &key).await? else {
        return input(format!("no certificate at {key}"));
    };
    if a.owner != cert::ID {
        return input(format!("{key} is not a certificates account"));
    }
    let c = cert::decode_certificate(&a.data)
        .ok_or_else(|| CliError::Input(format!("{key} is not a certificate")))?;
    Ok((key, c))
}

async fn load_config(ctx: &Ctx<'_>) -> CliResult<cert::Config> {
    let key = cert::config_address();
    let Some(a) = flows::account(ctx.chain, &ctx.sender, &key).await? else {
        return input(
            "the certificates program is not initialised on this cluster; run `joule init`",
        );
    };
    cert::decode_config(&a.data)
        .ok_or_else(|| CliError::Input(format!("{key} is not the certificates config")))
}

pub fn status_name(s: u8) -> &'static str {
    match CertificateStatus::from_u8(s) {
        Some(CertificateStatus::Active) => "active",
        Some(CertificateStatus::Retired) => "retired",
        Some(CertificateStatus::Revoked) => "revoked",
        None => "unknown",
    }
}

pub fn cert_json(key: &Pubkey, c: &Certificate) -> Value {
    json!({
        "address": key.to_string(),
        "id": c.id,
        "split_index": c.split_index,
        "split_count": c.split_count,
        "parent": c.parent.to_string(),
        "amount_wh": c.amount_wh,
        "period_start": c.period_start,
        "period_end": c.period_end,
        "issued_at": c.issued_at,
        "closed_at": c.closed_at,
        "owner": c.owner.to_string(),
        "meter": c.meter.to_string(),
        "beneficiary": c.beneficiary.to_string(),
        "beneficiary_name": cert::beneficiary_name(c),
        "reason": cert::reason(c),
        "status": status_name(c.status),
    })
}

fn require_active(key: &Pubkey, c: &Certificate) -> CliResult<()> {
    if c.status != CertificateStatus::Active as u8 {
        return input(format!("certificate {key} is {}", status_name(c.status)));
    }
    Ok(())
}

fn text_len(what: &str, s: &str, max: usize) -> CliResult<()> {
    if s.len() > max {
        return input(format!("{what}: {} bytes, at most {max}", s.len()));
    }
    Ok(())
}

pub async fn run(command: &CertCommand, ctx: &Ctx<'_>) -> CliResult<Out> {
    match command {
        CertCommand::Issue {
            meter,
            amount_kwh,
            from,
            to,
        } => {
            let amount = parse::positive_kwh("amount", amount_kwh)?;
            let (period_start, period_end) =
                (parse::timestamp("from", from)?, parse::timestamp("to", to)?);
            if period_end <= period_start {
                return input("the period must end after it starts");
            }
            let (key, m) = load_meter(ctx, meter).await?;
            if amount > m.certifiable_wh() {
                return input(format!(
                    "meter {key} has {} kWh left to certify; {} kWh asked",
                    format_kwh(m.certifiable_wh()),
                    format_kwh(amount)
                ));
            }
            let config = load_config(ctx).await?;
            let authority = ctx.signer()?;
            parse::require_signer(&authority, &config.authority, "certificates authority")?;
            let issue = flow::Issue {
                meter: key,
                amount_wh: amount,
                period_start,
                period_end,
            };
            ctx.write(
                flow::issue(ctx.chain, &ctx.sender, &authority, &authority, &issue),
                |r| {
                    Out::new(
                        json!({
                            "certificate": r.certificate.to_string(),
                            "id": r.id,
                            "owner": r.owner.to_string(),
                            "amount_wh": amount,
                            "meter_certified_wh": r.certified_wh,
                            "transaction": landed_json(&r.landed),
                        }),
                        format!(
                            "issued certificate {} ({}) for {} kWh to {}\n  signature {}",
                            r.id,
                            r.certificate,
                            format_kwh(amount),
                            r.owner,
                            r.landed.signature
                        ),
                    )
                },
            )
            .await
        }
        CertCommand::Transfer {
            certificate,
            new_owner,
        } => {
            let new_owner = parse::pubkey("new owner", new_owner)?;
            let (key, c) = load_cert(ctx, certificate).await?;
            require_active(&key, &c)?;
            let owner = ctx.signer()?;
            parse::require_signer(&owner, &c.owner, "certificate's owner")?;
            ctx.write(flow::transfer(ctx.chain, &ctx.sender, &owner, &key, &new_owner), |l| {
                Out::new(
                    json!({ "certificate": key.to_string(), "owner": new_owner.to_string(), "transaction": landed_json(&l) }),
                    format!("transferred certificate {key} to {new_owner}\n  signature {}", l.signature),
                )
            })
            .await
        }
        CertCommand::Split {
            certificate,
            amount_kwh,
            to,
        } => {
            let split_wh = parse::positive_kwh("amount", amount_kwh)?;
            let (key, c) = load_cert(ctx, certificate).await?;
            require_active(&key, &c)?;
            let owner = ctx.signer()?;
            parse::require_signer(&owner, &c.owner, "certificate's owner")?;
            let new_owner = match to {
                Some(t) => parse::pubkey("to", t)?,
                None => owner.pubkey(),
            };
            if split_wh >= c.amount_wh {
                return input(format!(
                    "certificate {key} holds {} kWh; a split must leave some behind",
                    format_kwh(c.amount_wh)
                ));
            }
            let keep = c.amount_wh - split_wh;
            ctx.write(
                flow::split(ctx.chain, &ctx.sender, &owner, &key, keep, split_wh, &new_owner),
                |r| {
                    Out::new(
                        json!({
                            "certificate": key.to_string(),
                            "part": r.part.to_string(),
                            "split_index": r.split_index,
                            "kept_wh": r.kept_wh,
                            "split_wh": r.split_wh,
                            "part_owner": new_owner.to_string(),
                            "transaction": landed_json(&r.landed),
                        }),
                        format!(
                            "split {} kWh of certificate {key} into {} (owned by {new_owner}); {} kWh kept\n  signature {}",
                            format_kwh(r.split_wh),
                            r.part,
                            format_kwh(r.kept_wh),
                            r.landed.signature
                        ),
                    )
                },
            )
            .await
        }
        CertCommand::Retire {
            certificate,
            beneficiary,
            name,
            reason,
        } => {
            text_len("name", name, MAX_BENEFICIARY_NAME_LEN)?;
            text_len("reason", reason, MAX_REASON_LEN)?;
            let (key, c) = load_cert(ctx, certificate).await?;
            require_active(&key, &c)?;
            let owner = ctx.signer()?;
            parse::require_signer(&owner, &c.owner, "certificate's owner")?;
            let beneficiary = match beneficiary {
                Some(b) => parse::pubkey("beneficiary", b)?,
                None => owner.pubkey(),
            };
            ctx.write(
                flow::retire(
                    ctx.chain,
                    &ctx.sender,
                    &owner,
                    &key,
                    &beneficiary,
                    name,
                    reason,
                ),
                |r| {
                    Out::new(
                        json!({
                            "certificate": key.to_string(),
                            "amount_wh": r.event.amount_wh,
                            "beneficiary": beneficiary.to_string(),
                            "transaction": landed_json(&r.landed),
                        }),
                        format!(
                            "retired certificate {key} ({} kWh) for {name}\n  signature {}",
                            format_kwh(r.event.amount_wh),
                            r.landed.signature
                        ),
                    )
                },
            )
            .await
        }
        CertCommand::Revoke {
            certificate,
            reason,
        } => {
            text_len("reason", reason, MAX_REASON_LEN)?;
            let (key, c) = load_cert(ctx, certificate).await?;
            require_active(&key, &c)?;
            let config = load_config(ctx).await?;
            let authority = ctx.signer()?;
            parse::require_signer(&authority, &config.authority, "certificates authority")?;
            ctx.write(
                flow::revoke(ctx.chain, &ctx.sender, &authority, &key, reason),
                |r| {
                    Out::new(
                        json!({
                            "certificate": key.to_string(),
                            "amount_wh": r.event.amount_wh,
                            "transaction": landed_json(&r.landed),
                        }),
                        format!(
                            "revoked certificate {key} ({} kWh)\n  signature {}",
                            format_kwh(r.event.amount_wh),
                            r.landed.signature
                        ),
                    )
                },
            )
            .await
        }
        CertCommand::Show { certificate } => {
            let (key, c) = load_cert(ctx, certificate).await?;
            let mut fields = vec![
                ("certificate", key.to_string()),
                (
                    "id",
                    if c.parent == Pubkey::default() {
                        c.id.to_string()
                    } else {
                        format!("{} (part {} of {})", c.id, c.split_index, c.parent)
                    },
                ),
                ("status", status_name(c.status).to_string()),
                ("amount", format!("{} kWh", format_kwh(c.amount_wh))),
                ("owner", c.owner.to_string()),
                ("meter", c.meter.to_string()),
                (
                    "period",
                    format!(
                        "{} to {}",
                        parse::format_time(c.period_start),
                        parse::format_time(c.period_end)
                    ),
                ),
                ("issued", parse::format_time(c.issued_at)),
            ];
            if c.status != CertificateStatus::Active as u8 {
                fields.push(("closed", parse::format_time(c.closed_at)));
                fields.push((
                    "beneficiary",
                    format!("{} {}", cert::beneficiary_name(&c), c.beneficiary),
                ));
                fields.push(("reason", cert::reason(&c)));
            }
            Ok(Out::new(cert_json(&key, &c), table::fields(&fields)))
        }
        CertCommand::List { owner } => {
            let owner = owner
                .as_deref()
                .map(|o| parse::pubkey("owner", o))
                .transpose()?;
            let filters = [
                AccountFilter::DataSize(Certificate::SPACE as u64),
                AccountFilter::Memcmp {
                    offset: 0,
                    bytes: Certificate::DISCRIMINATOR.to_vec(),
                },
            ];
            let mut all: Vec<(Pubkey, Certificate)> = ctx
                .chain
                .get_program_accounts(&cert::ID, &filters)
                .await?
                .into_iter()
                .filter_map(|(k, a)| cert::decode_certificate(&a.data).map(|c| (k, c)))
                .filter(|(_, c)| owner.is_none_or(|o| o == c.owner))
                .collect();
            all.sort_by_key(|(k, c)| (c.id, c.split_index, k.to_string()));
            let rows: Vec<Vec<String>> = all
                .iter()
                .map(|(k, c)| {
                    vec![
                        c.id.to_string(),
                        c.split_index.to_string(),
                        format_kwh(c.amount_wh),
                        status_name(c.status).to_string(),
                        c.owner.to_string(),
                        k.to_string(),
                    ]
                })
                .collect();
            let text = if rows.is_empty() {
                "no certificates".to_string()
            } else {
                table::render(
                    &["id", "part", "kWh", "status", "owner", "certificate"],
                    &rows,
                )
            };
            Ok(Out::new(
                Value::Array(all.iter().map(|(k, c)| cert_json(k, c)).collect()),
                text,
            ))
        }
    }
}
