//! `joule meter register|activate|suspend|transfer|accept|reassign|close|show|list`.

use super::{input, landed_json, parse, table, CliError, CliResult, Ctx, Out};
use joule_client::flows::{self, registry as flow};
use joule_client::{AccountFilter, Signer};
use joule_sdk::amount::format_kwh;
use joule_sdk::certificates::AccountState;
use joule_sdk::registry::{self as reg, Meter, MeterKind, MeterStatus};
use joule_sdk::Pubkey;
use serde_json::{json, Value};
use std::str::FromStr;

#[derive(clap::Subcommand, Clone, Debug)]
pub enum MeterCommand {
    /// Register a meter you own (pending until the admin activates it).
    Register {
        /// The utility's meter serial number.
        serial: String,
        /// The utility (DISCOM) code, 1 to 16 bytes.
        #[arg(long)]
        utility: String,
        /// solar, wind, hydro, biomass, geothermal or consumption-only.
        #[arg(long)]
        kind: String,
        /// Rated power in watts (what a reading may add per second).
        #[arg(long = "rated-power-w")]
        rated_power_w: String,
    },
    /// Activate a pending or suspended meter (registry admin).
    Activate {
        /// A meter serial or its address.
        meter: String,
        /// The owner you verified; refused if the meter's owner differs.
        #[arg(long)]
        owner: String,
    },
    /// Suspend an active meter (registry admin).
    Suspend { meter: String },
    /// Give a pending or suspended meter to another owner (registry admin).
    Reassign {
        meter: String,
        #[arg(long = "new-owner")]
        new_owner: String,
    },
    /// Close a pending meter, its rent back to its owner (registry admin).
    Close { meter: String },
    /// Propose a new owner for a meter you own.
    Transfer {
        meter: String,
        /// The proposed owner (the default address 1111…1111 withdraws a
        /// proposal).
        new_owner: String,
    },
    /// Accept a meter proposed to you.
    Accept { meter: String },
    /// One meter's registers, credits and status.
    Show { meter: String },
    /// Every meter, or an owner's.
    List {
        #[arg(long)]
        owner: Option<String>,
    },
}

/// A meter argument: an address, or a serial (normalised and hashed into
/// the meter id, then the PDA).
pub fn meter_key(arg: &str) -> CliResult<(Pubkey, Option<String>)> {
    if let Ok(key) = Pubkey::from_str(arg.trim()) {
        return Ok((key, None));
    }
    let serial = reg::normalize_serial(arg);
    if serial.is_empty() {
        return input(format!("meter: '{arg}' is neither an address nor a serial"));
    }
    let id = reg::meter_id_from_serial(&serial);
    Ok((reg::meter_address(&id).0, Some(serial)))
}

/// The meter an argument names, which must exist.
pub async fn load_meter(ctx: &Ctx<'_>, arg: &str) -> CliResult<(Pubkey, Meter)> {
    let (key, serial) = meter_key(arg)?;
    let Some(account) = flows::account(ctx.chain, &ctx.sender, &key).await? else {
        return input(match serial {
            Some(s) if s == arg.trim() => {
                format!("no meter with serial '{s}' is registered (its address would be {key})")
            }
            Some(s) => format!(
                "no meter with serial '{}' is registered (normalised '{s}', its address would be {key})",
                arg.trim()
            ),
            None => format!("no meter at {key}"),
        });
    };
    if account.owner != reg::ID {
        return input(format!("{key} is not a registry account"));
    }
    let meter = reg::decode_meter(&account.data)
        .ok_or_else(|| CliError::Input(format!("{key} is not a meter")))?;
    Ok((key, meter))
}

/// The registry config, which must exist.
pub async fn load_config(ctx: &Ctx<'_>) -> CliResult<reg::Config> {
    let key = reg::config_address();
    let Some(account) = flows::account(ctx.chain, &ctx.sender, &key).await? else {
        return input(format!(
            "the registry is not initialised on this cluster (no config at {key}); run `joule init`"
        ));
    };
    reg::decode_config(&account.data)
        .ok_or_else(|| CliError::Input(format!("{key} is not the registry config")))
}

pub fn kind_from_name(s: &str) -> CliResult<MeterKind> {
    let norm = s.trim().to_ascii_lowercase().replace(['_', ' '], "-");
    MeterKind::ALL
        .into_iter()
        .find(|k| kind_name(*k) == norm)
        .ok_or_else(|| {
            CliError::Input(format!(
                "kind: '{s}' is not one of {}",
                MeterKind::ALL.map(kind_name).join(", ")
            ))
        })
}

pub fn kind_name(k: MeterKind) -> &'static str {
    match k {
        MeterKind::Solar => "solar",
        MeterKind::Wind => "wind",
        MeterKind::Hydro => "hydro",
        MeterKind::Biomass => "biomass",
        MeterKind::Geothermal => "geothermal",
        MeterKind::ConsumptionOnly => "consumption-only",
    }
}

pub fn status_name(status: u8) -> &'static str {
    match MeterStatus::from_u8(status) {
        Some(MeterStatus::Pending) => "pending",
        Some(MeterStatus::Active) => "active",
        Some(MeterStatus::Suspended) => "suspended",
        None => "unknown",
    }
}

pub fn meter_json(key: &Pubkey, m: &Meter) -> Value {
    json!({
        "address": key.to_string(),
        "owner": m.owner.to_string(),
        "pending_owner": m.pending_owner.to_string(),
        "meter_id": hex(&m.meter_id),
        "utility": reg::utility_id_str(&m.utility_id),
        "kind": MeterKind::from_u8(m.kind).map(kind_name).unwrap_or("unknown"),
        "status": status_name(m.status),
        "rated_power_w": m.rated_power_w,
        "registered_at": m.registered_at,
        "activated_at": m.activated_at,
        "last_reading_ts": m.last_reading_ts,
        "export_register_wh": m.export_register_wh,
        "import_register_wh": m.import_register_wh,
        "exported_wh": m.exported_wh,
        "imported_wh": m.imported_wh,
        "minted_wh": m.minted_wh,
        "certified_wh": m.certified_wh,
        "redeemed_wh": m.redeemed_wh,
        "mintable_wh": m.mintable_wh(),
        "redeemable_wh": m.redeemable_wh(),
    })
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn meter_text(key: &Pubkey, m: &Meter) -> String {
    let time = |t: i64| {
        if t == 0 {
            "-".to_string()
        } else {
            parse::format_time(t)
        }
    };
    table::fields(&[
        ("meter", key.to_string()),
        ("owner", m.owner.to_string()),
        ("status", status_name(m.status).to_string()),
        (
            "kind",
            MeterKind::from_u8(m.kind)
                .map(kind_name)
                .unwrap_or("unknown")
                .to_string(),
        ),
        ("utility", reg::utility_id_str(&m.utility_id)),
        ("rated power", format!("{} W", m.rated_power_w)),
        ("last reading", time(m.last_reading_ts)),
        (
            "export register",
            format!("{} kWh", format_kwh(m.export_register_wh)),
        ),
        (
            "import register",
            format!("{} kWh", format_kwh(m.import_register_wh)),
        ),
        ("exported", format!("{} kWh", format_kwh(m.exported_wh))),
        ("imported", format!("{} kWh", format_kwh(m.imported_wh))),
        ("minted", format!("{} kWh", format_kwh(m.minted_wh))),
        ("mintable", format!("{} kWh", format_kwh(m.mintable_wh()))),
        ("certified", format!("{} kWh", format_kwh(m.certified_wh))),
        ("redeemed", format!("{} kWh", format_kwh(m.redeemed_wh))),
        (
            "redeemable",
            format!("{} kWh", format_kwh(m.redeemable_wh())),
        ),
    ])
}

fn changed_out(what: &str, key: &Pubkey, c: &flow::MeterChanged) -> Out {
    let status = c.status.map(|s| status_name(s as u8)).unwrap_or("unknown");
    Out::new(
        json!({
            "meter": key.to_string(),
            "status": status,
            "owner": c.owner.to_string(),
            "transaction": landed_json(&c.landed),
        }),
        format!(
            "{what} meter {key}: now {status}, owned by {}\n  signature {}",
            c.owner, c.landed.signature
        ),
    )
}

pub async fn run(command: &MeterCommand, ctx: &Ctx<'_>) -> CliResult<Out> {
    match command {
        MeterCommand::Register {
            serial,
            utility,
            kind,
            rated_power_w,
        } => {
            let kind = kind_from_name(kind)?;
            let rated_power_w: u64 = parse::int("rated power", rated_power_w)?;
            if rated_power_w == 0 {
                return input("rated power: must be above zero watts");
            }
            reg::utility_id(utility).map_err(|e| CliError::Input(format!("utility: {e}")))?;
            let normalized = reg::normalize_serial(serial);
            if normalized.is_empty() {
                return input(format!("serial: '{serial}' is empty once normalised"));
            }
            load_config(ctx).await?;
            let (key, _) = meter_key(&normalized)?;
            if let Some(a) = flows::account(ctx.chain, &ctx.sender, &key).await? {
                if a.owner == reg::ID {
                    return input(format!(
                        "serial '{normalized}' is already registered at {key}"
                    ));
                }
            }
            let owner = ctx.signer()?;
            let new = flow::NewMeter {
                serial: normalized.clone(),
                utility: utility.clone(),
                kind,
                rated_power_w,
            };
            ctx.write(flow::register_meter(ctx.chain, &ctx.sender, &owner, &new), |r| {
                Out::new(
                    json!({
                        "meter": r.meter.to_string(),
                        "serial": normalized,
                        "meter_id": hex(&r.meter_id),
                        "owner": owner.pubkey().to_string(),
                        "status": "pending",
                        "transaction": landed_json(&r.landed),
                    }),
                    format!(
                        "registered meter {normalized} at {} (pending activation by the registry admin)\n  signature {}",
                        r.meter, r.landed.signature
                    ),
                )
            })
            .await
        }
        MeterCommand::Activate { meter, owner } => {
            let expected = parse::pubkey("owner", owner)?;
            let (key, m) = load_meter(ctx, meter).await?;
            let admin = admin_signer(ctx).await?;
            if m.status == MeterStatus::Active as u8 {
                return input(format!("meter {key} is already active"));
            }
            if m.owner != expected {
                return input(format!(
                    "meter {key} is owned by {}, not {expected}; refusing to activate",
                    m.owner
                ));
            }
            ctx.write(
                flow::activate_meter(ctx.chain, &ctx.sender, &admin, &key, &expected),
                |c| changed_out("activated", &key, &c),
            )
            .await
        }
        MeterCommand::Suspend { meter } => {
            let (key, m) = load_meter(ctx, meter).await?;
            let admin = admin_signer(ctx).await?;
            if m.status != MeterStatus::Active as u8 {
                return input(format!(
                    "meter {key} is {}, only an active meter can be suspended",
                    status_name(m.status)
                ));
            }
            ctx.write(
                flow::suspend_meter(ctx.chain, &ctx.sender, &admin, &key),
                |c| changed_out("suspended", &key, &c),
            )
            .await
        }
        MeterCommand::Reassign { meter, new_owner } => {
            let new_owner = parse::pubkey("new owner", new_owner)?;
            let (key, m) = load_meter(ctx, meter).await?;
            let admin = admin_signer(ctx).await?;
            if m.status == MeterStatus::Active as u8 {
                return input(format!(
                    "meter {key} is active; suspend it before reassigning it"
                ));
            }
            ctx.write(
                flow::reassign_meter(ctx.chain, &ctx.sender, &admin, &key, &new_owner),
                |c| changed_out("reassigned", &key, &c),
            )
            .await
        }
        MeterCommand::Close { meter } => {
            let (key, m) = load_meter(ctx, meter).await?;
            let admin = admin_signer(ctx).await?;
            if m.status != MeterStatus::Pending as u8 {
                return input(format!(
                    "meter {key} is {}; only a pending meter can be closed",
                    status_name(m.status)
                ));
            }
            ctx.write(
                flow::close_meter(ctx.chain, &ctx.sender, &admin, &key),
                |r| {
                    Out::new(
                        json!({
                            "meter": key.to_string(),
                            "refunded_to": r.owner.to_string(),
                            "lamports": r.lamports,
                            "transaction": landed_json(&r.landed),
                        }),
                        format!(
                            "closed meter {key}; {} lamports back to {}",
                            r.lamports, r.owner
                        ),
                    )
                },
            )
            .await
        }
        MeterCommand::Transfer { meter, new_owner } => {
            let new_owner = parse::pubkey("new owner", new_owner)?;
            let (key, m) = load_meter(ctx, meter).await?;
            let owner = ctx.signer()?;
            parse::require_signer(&owner, &m.owner, "meter's owner")?;
            if new_owner == m.owner {
                return input(format!("{new_owner} already owns meter {key}"));
            }
            ctx.write(
                flow::propose_meter_transfer(ctx.chain, &ctx.sender, &owner, &key, &new_owner),
                |l| {
                    Out::new(
                        json!({
                            "meter": key.to_string(),
                            "pending_owner": new_owner.to_string(),
                            "transaction": landed_json(&l),
                        }),
                        format!("proposed {new_owner} as the owner of meter {key}; they run `joule meter accept {key}`"),
                    )
                },
            )
            .await
        }
        MeterCommand::Accept { meter } => {
            let (key, m) = load_meter(ctx, meter).await?;
            let new_owner = ctx.signer()?;
            if m.pending_owner != new_owner.pubkey() {
                return input(format!(
                    "meter {key} is not being transferred to {}",
                    new_owner.pubkey()
                ));
            }
            ctx.write(
                flow::accept_meter_transfer(ctx.chain, &ctx.sender, &new_owner, &key),
                |c| changed_out("accepted", &key, &c),
            )
            .await
        }
        MeterCommand::Show { meter } => {
            let (key, m) = load_meter(ctx, meter).await?;
            Ok(Out::new(meter_json(&key, &m), meter_text(&key, &m)))
        }
        MeterCommand::List { owner } => {
            let owner = owner
                .as_deref()
                .map(|o| parse::pubkey("owner", o))
                .transpose()?;
            let mut meters = list(ctx, owner.as_ref()).await?;
            meters.sort_by_key(|(k, _)| k.to_string());
            let rows: Vec<Vec<String>> = meters
                .iter()
                .map(|(k, m)| {
                    vec![
                        k.to_string(),
                        m.owner.to_string(),
                        status_name(m.status).to_string(),
                        MeterKind::from_u8(m.kind)
                            .map(kind_name)
                            .unwrap_or("unknown")
                            .to_string(),
                        format_kwh(m.exported_wh),
                        format_kwh(m.minted_wh),
                        format_kwh(m.imported_wh),
                    ]
                })
                .collect();
            let json = Value::Array(meters.iter().map(|(k, m)| meter_json(k, m)).collect());
            let text = if rows.is_empty() {
                "no meters".to_string()
            } else {
                table::render(
                    &[
                        "meter",
                        "owner",
                        "status",
                        "kind",
                        "exported kWh",
                        "minted kWh",
                        "imported kWh",
                    ],
                    &rows,
                )
            };
            Ok(Out::new(json, text))
        }
    }
}

/// Every meter (or `owner`'s), decoded.
pub async fn list(ctx: &Ctx<'_>, owner: Option<&Pubkey>) -> CliResult<Vec<(Pubkey, Meter)>> {
    let mut filters = vec![
        AccountFilter::DataSize(Meter::SPACE as u64),
        AccountFilter::Memcmp {
            offset: 0,
            bytes: Meter::DISCRIMINATOR.to_vec(),
        },
    ];
    if let Some(o) = owner {
        filters.push(AccountFilter::Memcmp {
            offset: 8,
            bytes: o.to_bytes().to_vec(),
        });
    }
    let accounts = ctx.chain.get_program_accounts(&reg::ID, &filters).await?;
    Ok(accounts
        .into_iter()
        .filter_map(|(k, a)| reg::decode_meter(&a.data).map(|m| (k, m)))
        .collect())
}

/// The signer, which must be the registry admin.
pub async fn admin_signer(ctx: &Ctx<'_>) -> CliResult<joule_client::Keypair> {
    let config = load_config(ctx).await?;
    let signer = ctx.signer()?;
    parse::require_signer(&signer, &config.admin, "registry admin")?;
    Ok(signer)
}
