//! The demo: prosumers and consumers on an embedded chain (litesvm running
//! the real SBF programs), driven through the client's flows and sender
//! exactly as a cluster would be. `joule demo` runs it, and so does a test.

use joule_client::flows::{self, certificates as certs, market, registry, tokens, FlowError};
use joule_client::{
    ChainError, EmbeddedChain, EmbeddedError, Keypair, Landed, Sender, SenderConfig, Signer,
};
use joule_sdk::amount::{format_decimal, format_kwh};
use joule_sdk::market::{MarketParams, Side};
use joule_sdk::registry::{self as reg, MeterKind, Reading};
use joule_sdk::{associated_token_address, Pubkey};
use std::io::Write;
use std::time::Duration;

/// Solar export of a 5 kW rooftop over one clear day, Wh per hour.
const SOLAR_5KW: [u64; 24] = [
    0, 0, 0, 0, 0, 0, 150, 600, 1_500, 2_600, 3_500, 4_100, 4_300, 4_100, 3_500, 2_600, 1_500, 600,
    150, 0, 0, 0, 0, 0,
];
/// A household's draw from the grid, Wh per hour.
const HOUSEHOLD: [u64; 24] = [
    400, 350, 300, 300, 350, 500, 900, 1_200, 800, 500, 400, 400, 450, 400, 400, 500, 800, 1_500,
    2_200, 2_500, 2_000, 1_400, 900, 600,
];
const HOUR: i64 = 3_600;
const SOL: u64 = 1_000_000_000;
/// Decimals of the demo's stablecoin.
const QUOTE_DECIMALS: u8 = 6;
const QUOTE_UNIT: u64 = 1_000_000;
/// How fast the embedded chain makes slots (a cluster: 400 ms). Short, so
/// lookup tables become usable at once; long enough that a blockhash
/// (150 slots) outlives any step.
const SLOT: Duration = Duration::from_millis(10);

/// Why the demo stopped.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(transparent)]
    Embedded(#[from] EmbeddedError),
    #[error(transparent)]
    Flow(#[from] FlowError),
    #[error(transparent)]
    Chain(#[from] ChainError),
    #[error("writing the report: {0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Other(String),
}

/// What the demo did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DemoReport {
    pub minted_wh: u64,
    pub redeemed_wh: u64,
    pub retired_wh: u64,
    pub clearing_price: u64,
    pub volume_wh: u64,
    /// Every invariant checked at the end held.
    pub invariants_hold: bool,
    pub readings_applied: u64,
    pub readings_skipped: u64,
    /// Readings per transaction: legacy, then v0 with a lookup table.
    pub readings_per_legacy_tx: Vec<usize>,
    pub readings_per_v0_tx: Vec<usize>,
    /// Transactions the chain landed, setup (mints, token accounts,
    /// lookup tables) included.
    pub transactions: u64,
}

struct Participant {
    name: &'static str,
    key: Keypair,
    meter: Pubkey,
    kind: MeterKind,
    rated_w: u64,
    /// (export, import) Wh in hour h.
    profile: fn(usize) -> (u64, u64),
}

/// Compute units per step, in the order first seen.
#[derive(Default)]
struct Units(Vec<(String, u64, u64)>);

impl Units {
    /// Records the Joule instruction's own units in `landed` (from the
    /// sender's simulation logs) under `label`.
    fn record(&mut self, label: &str, landed: &Landed) {
        let units = joule_units(&landed.simulation.logs).unwrap_or(landed.simulated_units);
        match self.0.iter_mut().find(|(l, _, _)| l == label) {
            Some((_, max, count)) => {
                *max = (*max).max(units);
                *count = count.saturating_add(1);
            }
            None => self.0.push((label.to_string(), units, 1)),
        }
    }
}

/// The units the top-level Joule instructions of a transaction consumed
/// (their CPIs included, the sender's compute-budget instructions not),
/// from `Program <id> consumed <n> of <m> compute units` at depth 1.
fn joule_units(logs: &[String]) -> Option<u64> {
    let ids = [
        reg::ID.to_string(),
        joule_sdk::market::ID.to_string(),
        joule_sdk::certificates::ID.to_string(),
    ];
    let mut depth = 0usize;
    let mut total = None;
    for line in logs {
        let Some(rest) = line.strip_prefix("Program ") else {
            continue;
        };
        let mut words = rest.split_whitespace();
        let (Some(program), Some(verb)) = (words.next(), words.next()) else {
            continue;
        };
        match verb {
            "invoke" => depth = depth.saturating_add(1),
            "success" | "failed:" => depth = depth.saturating_sub(1),
            "consumed" if depth == 1 && ids.iter().any(|id| id == program) => {
                let n: u64 = words.next().and_then(|w| w.parse().ok())?;
                total = Some(total.unwrap_or(0u64).saturating_add(n));
            }
            _ => {}
        }
    }
    total
}

fn market_params(fee_recipient: &Pubkey) -> MarketParams {
    MarketParams {
        epoch_length_secs: 3_600,
        min_price: 10_000,
        tick_size: 1_000,
        tick_count: 1_024,
        min_lot_wh: 1,
        fee_bps: 50,
        order_capacity: 256,
        fee_recipient: *fee_recipient,
        min_order_value: 10,
        order_deposit_lamports: 10_000_000,
    }
}

/// Runs the demo on a fresh embedded chain, writing a narrated report to
/// `out`. Builds its own single-threaded runtime.
pub fn run(out: &mut dyn Write) -> Result<DemoReport, DemoError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()?;
    runtime.block_on(run_async(out))
}

/// [`run`], inside a runtime.
pub async fn run_async(out: &mut dyn Write) -> Result<DemoReport, DemoError> {
    let admin = Keypair::new();
    let oracle = Keypair::new();
    let chain = EmbeddedChain::builder()
        .upgrade_authority(admin.pubkey())
        .slot_duration(SLOT)
        .build()?;
    let sender = Sender::new(SenderConfig {
        poll_interval: Duration::from_millis(2),
        resend_interval: Duration::from_millis(50),
        backoff_base: Duration::from_millis(5),
        ..SenderConfig::default()
    })
    .map_err(|e| DemoError::Other(e.to_string()))?;
    let s = &sender;
    let c = &chain;
    let fund = |k: &Keypair| chain.airdrop(&k.pubkey(), 100 * SOL);
    fund(&admin)?;
    fund(&oracle)?;
    let mut report = DemoReport::default();
    let mut units = Units::default();

    writeln!(
        out,
        "Joule demo: an embedded chain running the real SBF programs, driven through the client's flows"
    )?;
    writeln!(out, "  registry {}", reg::ID)?;
    writeln!(
        out,
        "  energy mint {} (1 token = 1 kWh, 3 decimals)",
        reg::energy_mint_address()
    )?;
    writeln!(
        out,
        "  admin {}, oracle {}",
        admin.pubkey(),
        oracle.pubkey()
    )?;
    let init = registry::initialize(c, s, &admin, &[oracle.pubkey()]).await?;
    units.record("initialize + set_oracles", &init.landed);

    let mut people = vec![
        Participant {
            name: "Asha (5 kW rooftop solar)",
            key: Keypair::new(),
            meter: Pubkey::default(),
            kind: MeterKind::Solar,
            rated_w: 5_000,
            profile: |h| {
                (
                    SOLAR_5KW[h],
                    if SOLAR_5KW[h] == 0 {
                        HOUSEHOLD[h] / 2
                    } else {
                        0
                    },
                )
            },
        },
        Participant {
            name: "Bilal (3 kW rooftop solar)",
            key: Keypair::new(),
            meter: Pubkey::default(),
            kind: MeterKind::Solar,
            rated_w: 3_000,
            profile: |h| {
                (
                    SOLAR_5KW[h] * 3 / 5,
                    if SOLAR_5KW[h] == 0 { HOUSEHOLD[h] } else { 0 },
                )
            },
        },
        Participant {
            name: "Chen (10 kW small wind)",
            key: Keypair::new(),
            meter: Pubkey::default(),
            kind: MeterKind::Wind,
            rated_w: 10_000,
            profile: |h| (2_000 + (h as u64 * 7 % 5) * 900, 0),
        },
        Participant {
            name: "Dana (household, no generation)",
            key: Keypair::new(),
            meter: Pubkey::default(),
            kind: MeterKind::ConsumptionOnly,
            rated_w: 7_000,
            profile: |h| (0, HOUSEHOLD[h]),
        },
    ];
    for p in &people {
        fund(&p.key)?;
    }

    writeln!(
        out,
        "\n1. Owners register their meters the day before; the admin verifies each one for the owner it checked"
    )?;
    // The meters join a day (and a minute) before the readings start; the
    // clock is put back to "now" before the readings.
    let now = flows::clock(c, s).await?.unix_timestamp;
    let joined = now - 24 * HOUR - 60;
    chain.set_time(joined);
    for (i, p) in people.iter_mut().enumerate() {
        let serial = format!("DL-{:06}", 400_100 + i);
        let new = registry::NewMeter {
            serial: serial.clone(),
            utility: "TPDDL".into(),
            kind: p.kind,
            rated_power_w: p.rated_w,
        };
        let registered = registry::register_meter(c, s, &p.key, &new).await?;
        units.record("register_meter", &registered.landed);
        let activated =
            registry::activate_meter(c, s, &admin, &registered.meter, &p.key.pubkey()).await?;
        units.record("activate_meter", &activated.landed);
        p.meter = registered.meter;
        writeln!(
            out,
            "  {:<34} meter {} (serial {serial}, {} W, {:?})",
            p.name, p.meter, p.rated_w, p.kind
        )?;
    }
    chain.set_time(now);

    writeln!(
        out,
        "\n2. The oracle feeds a day of hourly cumulative readings in as few transactions as fit"
    )?;
    let day_start = now - 24 * HOUR;
    // A reading dated before the meter joined is stale: it can neither set
    // the baseline nor be credited, so a backdated baseline cannot stretch
    // the rated-power bound over time the meter was not active.
    let backdated = Reading {
        timestamp: joined - 365 * 24 * HOUR,
        export_register_wh: 0,
        import_register_wh: 0,
    };
    let sent = registry::submit_readings(c, s, &oracle, &[(people[0].meter, backdated)]).await?;
    record_readings(&mut units, &sent, "legacy");
    report.readings_skipped += count(sent.skipped());
    report.readings_applied += count(sent.applied());
    writeln!(
        out,
        "  a reading backdated a year before activation: {} applied, {} skipped (never a baseline)",
        sent.applied(),
        sent.skipped()
    )?;
    let mut registers: Vec<(u64, u64)> = (0..people.len())
        .map(|i| (1_250_000 + i as u64 * 77_000, 830_000))
        .collect();
    let mut hours: Vec<Vec<(Pubkey, Reading)>> = Vec::new();
    let at = |ts: i64, regs: &[(u64, u64)]| -> Vec<(Pubkey, Reading)> {
        people
            .iter()
            .zip(regs)
            .map(|(p, (e, i))| {
                let r = Reading {
                    timestamp: ts,
                    export_register_wh: *e,
                    import_register_wh: *i,
                };
                (p.meter, r)
            })
            .collect()
    };
    hours.push(at(day_start, &registers));
    for h in 0..24 {
        for (p, (e, i)) in people.iter().zip(registers.iter_mut()) {
            let (de, di) = (p.profile)(h);
            *e += de;
            *i += di;
        }
        hours.push(at(day_start + (h as i64 + 1) * HOUR, &registers));
    }
    // The baseline and the first 12 hours in legacy transactions, the last
    // 12 in v0 transactions through a lookup table of the meters.
    let legacy: Vec<_> = hours[..13].concat();
    let v0: Vec<_> = hours[13..].concat();
    let sent = registry::submit_readings(c, s, &oracle, &legacy).await?;
    record_readings(&mut units, &sent, "legacy");
    report.readings_applied += count(sent.applied());
    report.readings_per_legacy_tx = sent.transactions.iter().map(|t| t.readings).collect();
    writeln!(
        out,
        "  baseline at {day_start} (lifetime registers recorded, nothing credited) and hours 1-12: {} readings applied in {} legacy transactions ({} readings each, at most 1,232 bytes)",
        sent.applied(),
        sent.transactions.len(),
        list(&report.readings_per_legacy_tx)
    )?;
    let sent = registry::submit_readings_v0(c, s, &oracle, None, &v0).await?;
    record_readings(&mut units, &sent, "v0");
    report.readings_applied += count(sent.applied());
    report.readings_per_v0_tx = sent.transactions.iter().map(|t| t.readings).collect();
    let table = sent
        .lookup_table
        .ok_or_else(|| DemoError::Other("no lookup table".into()))?;
    writeln!(
        out,
        "  hours 13-24: {} readings applied in {} v0 transactions ({} readings each) through lookup table {table}",
        sent.applied(),
        sent.transactions.len(),
        list(&report.readings_per_v0_tx)
    )?;
    // A keeper restarting and resending its last batch changes nothing.
    let last = hours.last().cloned().unwrap_or_default();
    let sent = registry::submit_readings_v0(c, s, &oracle, Some(&table), &last).await?;
    record_readings(&mut units, &sent, "v0");
    report.readings_skipped += count(sent.skipped());
    writeln!(
        out,
        "  the last batch resent (as after a keeper restart): {} applied, {} skipped, nothing counted twice",
        sent.applied(),
        sent.skipped()
    )?;

    writeln!(
        out,
        "\n3. Exported energy is minted to each owner (1 token per kWh)"
    )?;
    for p in &people {
        let minted = registry::mint_energy(c, s, &admin, &p.meter).await?;
        units.record("mint_energy", &minted.landed);
    }
    writeln!(
        out,
        "  {:<34} {:>12} {:>12} {:>12}",
        "owner", "exported", "imported", "tokens"
    )?;
    let energy_mint = reg::energy_mint_address();
    for p in &people {
        let m = registry::meter(c, s, &p.meter).await?;
        let ata = associated_token_address(&p.key.pubkey(), &energy_mint);
        report.minted_wh += m.minted_wh;
        writeln!(
            out,
            "  {:<34} {:>8} kWh {:>8} kWh {:>8} kWh",
            p.name,
            format_kwh(m.exported_wh),
            format_kwh(m.imported_wh),
            format_kwh(tokens::balance(c, s, &ata).await?)
        )?;
    }
    writeln!(
        out,
        "  energy token supply: {} kWh",
        format_kwh(tokens::supply(c, s, &energy_mint).await?)
    )?;

    writeln!(out, "\n4. One hourly sealed-bid auction clears at a single price (1,024 ticks, 0.5% seller fee)")?;
    let quote_authority = Keypair::new();
    let fee_recipient = Keypair::new();
    let eli = Keypair::new();
    fund(&eli)?;
    fund(&quote_authority)?;
    let quote_mint =
        tokens::create_mint(c, s, &admin, &quote_authority.pubkey(), QUOTE_DECIMALS).await?;
    let params = market_params(&fee_recipient.pubkey());
    let created = market::create_market(c, s, &admin, &quote_mint, &params).await?;
    units.record("create_market", &created.landed);
    let keys = created.keys;
    let opened = market::open_epoch(c, s, &admin, &keys.market).await?;
    units.record("open_epoch", &opened.landed);
    let epoch = opened.epoch;
    let tick_of = |price: u64| {
        u16::try_from((price - params.min_price) / params.tick_size).unwrap_or(u16::MAX)
    };
    let quote = |units: u64| format_decimal(units, u32::from(QUOTE_DECIMALS));
    let traders: [&Keypair; 5] = [
        &people[0].key,
        &people[1].key,
        &people[2].key,
        &people[3].key,
        &eli,
    ];
    // Households hold a stablecoin (6 decimals).
    for t in &traders[3..] {
        let ata = tokens::ensure_associated_account(c, s, &admin, &t.pubkey(), &quote_mint).await?;
        tokens::mint_to(c, s, &quote_authority, &quote_mint, &ata, 20 * QUOTE_UNIT).await?;
    }
    // (trader, side, limit in quote units per kWh, Wh)
    let orders: [(usize, Side, u64, u64); 5] = [
        (0, Side::Sell, 60_000, 20_000),
        (2, Side::Sell, 80_000, 40_000),
        (1, Side::Sell, 110_000, 5_000),
        (3, Side::Buy, 150_000, 20_000),
        (4, Side::Buy, 90_000, 30_000),
    ];
    let names = ["Asha", "Bilal", "Chen", "Dana", "Eli (corner shop)"];
    let balances = |who: &Keypair| {
        let e = associated_token_address(&who.pubkey(), &energy_mint);
        let q = associated_token_address(&who.pubkey(), &quote_mint);
        async move {
            Ok::<_, FlowError>((
                tokens::balance(c, s, &e).await?,
                tokens::balance(c, s, &q).await?,
            ))
        }
    };
    let mut before = Vec::new();
    for t in traders {
        before.push(balances(t).await?);
    }
    for (i, (who, side, price, wh)) in orders.into_iter().enumerate() {
        let order = market::NewOrder {
            side,
            limit_tick: tick_of(price),
            quantity_wh: wh,
            client_order_id: i as u64 + 1,
        };
        let placed = market::place_order(c, s, traders[who], &keys, &epoch, &order).await?;
        units.record("place_order", &placed.landed);
        writeln!(
            out,
            "  {:<18} {:?} {:>7} kWh, limit {} per kWh",
            names[who],
            side,
            format_kwh(wh),
            quote(price)
        )?;
    }
    chain.advance_time(i64::from(params.epoch_length_secs));
    let cleared = market::clear_epoch(c, s, &admin, &epoch).await?;
    units.record("clear_epoch (1024 ticks)", &cleared.landed);
    let clearing = cleared.clearing;
    let settled = market::settle_epoch(c, s, &admin, &keys, &epoch, &[]).await?;
    for b in &settled.batches {
        units.record(
            &format!("settle_orders x{} (v0)", b.order_ids.len()),
            &b.landed,
        );
    }
    report.clearing_price = clearing.price;
    report.volume_wh = clearing.volume_wh;
    writeln!(
        out,
        "  cleared at {} per kWh for {} kWh (demand {} kWh, supply {} kWh at that price); settled in {}:",
        quote(clearing.price),
        format_kwh(clearing.volume_wh),
        format_kwh(clearing.demand_wh),
        format_kwh(clearing.supply_wh),
        match settled.batches.len() {
            1 => "one v0 transaction".to_string(),
            n => format!("{n} v0 transactions"),
        }
    )?;
    for (t, (name, (e0, q0))) in traders.iter().zip(names.iter().zip(&before)) {
        let (e1, q1) = balances(t).await?;
        writeln!(
            out,
            "  {:<18} energy {:>+9} kWh   stablecoin {:>+11}",
            name,
            signed(*e0, e1, &format_kwh),
            signed(*q0, q1, &quote)
        )?;
    }
    let vaults = (
        tokens::balance(c, s, &keys.energy_vault).await?,
        tokens::balance(c, s, &keys.quote_vault).await?,
    );
    writeln!(out, "  market vaults after settlement: {} kWh, {} stablecoin (fees and dust went to the fee recipient)", format_kwh(vaults.0), quote(vaults.1))?;
    let closed = market::close_epoch(c, s, &admin, &epoch).await?;
    units.record("close_epoch", &closed.landed);
    writeln!(
        out,
        "  epoch closed: its rent went back to {}",
        closed.rent_payer
    )?;

    writeln!(
        out,
        "\n5. Households redeem tokens against what their meters imported"
    )?;
    for who in [3usize, 1] {
        let p = &people[who];
        let amount = registry::redeemable(c, s, &p.meter).await?;
        let redeemed = registry::redeem(c, s, &p.key, &p.meter, amount).await?;
        units.record("redeem_consumption", &redeemed.landed);
        report.redeemed_wh += amount;
        writeln!(
            out,
            "  {:<18} redeemed {} kWh of {} kWh imported; the utility bills the rest ({} kWh)",
            names[who],
            format_kwh(redeemed.redeemed_wh),
            format_kwh(redeemed.imported_wh),
            format_kwh(redeemed.imported_wh.saturating_sub(redeemed.redeemed_wh))
        )?;
    }

    writeln!(
        out,
        "\n6. Chen's wind export is certified once (ERC), split, sold and retired"
    )?;
    let authority = Keypair::new();
    let initialized = certs::initialize(c, s, &admin, &authority.pubkey()).await?;
    units.record("initialize (certificates)", &initialized);
    let chen = &people[2];
    let dana = &people[3];
    let m = registry::meter(c, s, &chen.meter).await?;
    let issue = certs::Issue {
        meter: chen.meter,
        amount_wh: m.exported_wh,
        period_start: day_start,
        period_end: m.last_reading_ts,
    };
    let issued = certs::issue(c, s, &authority, &admin, &issue).await?;
    units.record("issue_certificate", &issued.landed);
    let cert = certs::certificate(c, s, &issued.certificate).await?;
    writeln!(
        out,
        "  certificate #{} for {} kWh of wind over the day ({}..{}); the meter's certified_wh is now {} kWh, so it cannot be certified again",
        cert.id,
        format_kwh(cert.amount_wh),
        cert.period_start,
        cert.period_end,
        format_kwh(issued.certified_wh)
    )?;
    let sold = m.exported_wh / 4;
    let split = certs::split(
        c,
        s,
        &chen.key,
        &issued.certificate,
        m.exported_wh - sold,
        sold,
        &dana.key.pubkey(),
    )
    .await?;
    units.record("split_certificate", &split.landed);
    let part = certs::certificate(c, s, &split.part).await?;
    writeln!(
        out,
        "  Chen splits off #{}.{} ({} kWh, its own address under #{}, so no split can take an issuance id) to Dana",
        part.id,
        part.split_index,
        format_kwh(part.amount_wh),
        part.id
    )?;
    let retired = certs::retire(
        c,
        s,
        &dana.key,
        &split.part,
        &dana.key.pubkey(),
        "Dana's household",
        "2026 renewable electricity claim",
    )
    .await?;
    units.record("retire_certificate", &retired.landed);
    report.retired_wh += retired.event.amount_wh;
    let part = certs::certificate(c, s, &split.part).await?;
    writeln!(
        out,
        "  Dana retires #{}.{} for \"{}\" ({}, final)",
        part.id,
        part.split_index,
        retired.event.beneficiary_name,
        part.status().map_or("unknown", |st| st.name())
    )?;

    writeln!(
        out,
        "\n7. Compute units used (measured in the SBF VM: each Joule instruction's own units, from the sender's simulation of the transaction it then landed)"
    )?;
    for (label, max, n) in &units.0 {
        writeln!(out, "  {label:<30} {max:>6} CU (max of {n})")?;
    }

    writeln!(out, "\n8. Invariants, checked on the final state")?;
    let mut holds = report.readings_skipped == 5;
    let mut minted = 0u64;
    let mut redeemed = 0u64;
    for p in &people {
        let m = registry::meter(c, s, &p.meter).await?;
        let ok = m.minted_wh <= m.exported_wh
            && m.certified_wh <= m.exported_wh
            && m.redeemed_wh <= m.imported_wh;
        writeln!(
            out,
            "  {:<34} minted {} <= exported {}, certified {} <= exported, redeemed {} <= imported {}: {}",
            p.name,
            format_kwh(m.minted_wh),
            format_kwh(m.exported_wh),
            format_kwh(m.certified_wh),
            format_kwh(m.redeemed_wh),
            format_kwh(m.imported_wh),
            verdict(ok)
        )?;
        holds &= ok;
        minted += m.minted_wh;
        redeemed += m.redeemed_wh;
    }
    let supply = tokens::supply(c, s, &energy_mint).await?;
    let supply_ok = minted.checked_sub(redeemed) == Some(supply);
    writeln!(
        out,
        "  energy token supply {} kWh = minted {} - redeemed {}: {}",
        format_kwh(supply),
        format_kwh(minted),
        format_kwh(redeemed),
        verdict(supply_ok)
    )?;
    let vaults_ok = vaults == (0, 0);
    writeln!(
        out,
        "  market vaults empty after settlement: {}",
        verdict(vaults_ok)
    )?;
    let epoch_gone = flows::account(c, s, &epoch).await?.is_none();
    writeln!(
        out,
        "  epoch settled and closed: {}",
        verdict(settled.settled && epoch_gone)
    )?;
    report.invariants_hold = holds && supply_ok && vaults_ok && settled.settled && epoch_gone;
    report.transactions = chain.landed_transactions();
    writeln!(
        out,
        "\n{} transactions landed (setup included: the stablecoin, token accounts, lookup tables).",
        report.transactions
    )?;
    Ok(report)
}

fn record_readings(units: &mut Units, sent: &registry::ReadingsSubmitted, kind: &str) {
    for t in &sent.transactions {
        units.record(
            &format!("submit_readings x{} ({kind})", t.readings),
            &t.landed,
        );
    }
}

fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

fn list(v: &[usize]) -> String {
    v.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn signed(before: u64, after: u64, f: &dyn Fn(u64) -> String) -> String {
    if after >= before {
        format!("+{}", f(after - before))
    } else {
        format!("-{}", f(before - after))
    }
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "ok"
    } else {
        "VIOLATED"
    }
}
