//! The demo: prosumers and consumers on an embedded chain (litesvm running
//! the real SBF programs). Used by `joule demo` and by a test, so it cannot
//! rot.

use crate::{
    cu, expect_ok,
    market::{Trader, QUOTE_DECIMALS, QUOTE_UNIT},
    TestContext,
};
use joule_sdk::{
    amount::{format_decimal, format_kwh},
    market::Side,
    registry::{self as reg, MeterKind, Reading, SubmitReadingsResult},
    Pubkey,
};
use solana_keypair::Keypair;
use solana_signer::Signer;
use std::io::Write;

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

struct Participant {
    name: &'static str,
    key: Keypair,
    meter: Pubkey,
    kind: MeterKind,
    rated_w: u64,
    /// (export, import) Wh in hour h.
    profile: fn(usize) -> (u64, u64),
}

/// What the demo did, for the test that runs it.
#[derive(Debug, Default)]
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
    pub transactions: u64,
}

/// Runs the demo, writing a narrated report to `out`.
pub fn run(out: &mut dyn Write) -> std::io::Result<DemoReport> {
    let mut report = DemoReport {
        invariants_hold: true,
        ..DemoReport::default()
    };
    let mut ctx = TestContext::new();
    writeln!(
        out,
        "Joule demo: an embedded chain running the real SBF programs"
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
        ctx.admin.pubkey(),
        ctx.oracle.pubkey()
    )?;

    let mut people = vec![
        Participant {
            name: "Asha (5 kW rooftop solar)",
            key: ctx.new_user(),
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
            key: ctx.new_user(),
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
            key: ctx.new_user(),
            meter: Pubkey::default(),
            kind: MeterKind::Wind,
            rated_w: 10_000,
            profile: |h| (2_000 + (h as u64 * 7 % 5) * 900, 0),
        },
        Participant {
            name: "Dana (household, no generation)",
            key: ctx.new_user(),
            meter: Pubkey::default(),
            kind: MeterKind::ConsumptionOnly,
            rated_w: 7_000,
            profile: |h| (0, HOUSEHOLD[h]),
        },
    ];

    writeln!(
        out,
        "\n1. Owners register their meters the day before; the admin verifies each one for the owner it checked"
    )?;
    // The meters join a day (and a minute) before the readings start; the
    // clock is put back to "now" before the readings.
    let now = ctx.now();
    let joined = now - 24 * 3_600 - 60;
    ctx.set_time(joined);
    for (i, p) in people.iter_mut().enumerate() {
        let serial = format!("DL-{:06}", 400_100 + i);
        let (meter, res) = ctx.register_meter(&p.key, &serial, p.kind, p.rated_w);
        expect_ok(res);
        expect_ok(ctx.activate_meter_expecting(&meter, &p.key.pubkey()));
        report.transactions += 2;
        p.meter = meter;
        writeln!(
            out,
            "  {:<34} meter {} (serial {serial}, {} W, {:?})",
            p.name, meter, p.rated_w, p.kind
        )?;
    }

    ctx.set_time(now);

    writeln!(
        out,
        "\n2. The oracle feeds a day of hourly cumulative readings, one batch per hour"
    )?;
    let day_start = ctx.now() - 24 * 3_600;
    // A reading dated before the meter joined is stale: it can neither set
    // the baseline nor be credited, so a backdated baseline cannot stretch
    // the rated-power bound over time the meter was not active.
    let backdated = Reading {
        timestamp: joined - 365 * 24 * 3_600,
        export_register_wh: 0,
        import_register_wh: 0,
    };
    let ok = expect_ok(ctx.submit_readings(&[(people[0].meter, backdated)]));
    let res = SubmitReadingsResult::decode(&ok.return_data).expect("return data");
    report.transactions += 1;
    report.readings_skipped += u64::from(res.skipped);
    if res.skipped != 1 {
        report.invariants_hold = false;
    }
    writeln!(
        out,
        "  a reading backdated a year before activation: {} applied, {} skipped (never a baseline)",
        res.applied, res.skipped
    )?;
    let mut registers: Vec<(u64, u64)> = (0..people.len())
        .map(|i| (1_250_000 + i as u64 * 77_000, 830_000))
        .collect();
    let baseline: Vec<(Pubkey, Reading)> = people
        .iter()
        .zip(&registers)
        .map(|(p, (e, i))| {
            (
                p.meter,
                Reading {
                    timestamp: day_start,
                    export_register_wh: *e,
                    import_register_wh: *i,
                },
            )
        })
        .collect();
    let ok = expect_ok(ctx.submit_readings(&baseline));
    report.transactions += 1;
    report.readings_applied +=
        u64::from(SubmitReadingsResult::decode(&ok.return_data).map_or(0, |r| r.applied));
    writeln!(
        out,
        "  baseline at {day_start}: lifetime registers recorded, nothing credited"
    )?;
    let mut last_batch = Vec::new();
    for h in 0..24 {
        let ts = day_start + (h as i64 + 1) * 3_600;
        let batch: Vec<(Pubkey, Reading)> = people
            .iter()
            .zip(registers.iter_mut())
            .map(|(p, (e, i))| {
                let (de, di) = (p.profile)(h);
                *e += de;
                *i += di;
                (
                    p.meter,
                    Reading {
                        timestamp: ts,
                        export_register_wh: *e,
                        import_register_wh: *i,
                    },
                )
            })
            .collect();
        let ok = expect_ok(ctx.submit_readings(&batch));
        let res = SubmitReadingsResult::decode(&ok.return_data).expect("return data");
        report.transactions += 1;
        report.readings_applied += u64::from(res.applied);
        last_batch = batch;
    }
    writeln!(out, "  24 batches of {} readings applied", people.len())?;
    // A keeper restarting and resending its last batch changes nothing.
    let ok = expect_ok(ctx.submit_readings(&last_batch));
    let res = SubmitReadingsResult::decode(&ok.return_data).expect("return data");
    report.transactions += 1;
    report.readings_skipped += u64::from(res.skipped);
    writeln!(
        out,
        "  the last batch resent (as after a keeper restart): {} applied, {} skipped, nothing counted twice",
        res.applied, res.skipped
    )?;

    writeln!(
        out,
        "\n3. Exported energy is minted to each owner (1 token per kWh)"
    )?;
    for p in &people {
        let ata = ctx.energy_ata(&p.key.pubkey());
        expect_ok(ctx.mint_energy(&p.meter, &ata));
        report.transactions += 1;
    }
    writeln!(
        out,
        "  {:<34} {:>12} {:>12} {:>12}",
        "owner", "exported", "imported", "tokens"
    )?;
    for p in &people {
        let m = ctx.meter(&p.meter);
        let ata = ctx.energy_ata(&p.key.pubkey());
        report.minted_wh += m.minted_wh;
        writeln!(
            out,
            "  {:<34} {:>8} kWh {:>8} kWh {:>8} kWh",
            p.name,
            format_kwh(m.exported_wh),
            format_kwh(m.imported_wh),
            format_kwh(ctx.balance(&ata))
        )?;
    }
    writeln!(
        out,
        "  energy token supply: {} kWh",
        format_kwh(ctx.supply(&ctx.energy_mint()))
    )?;

    writeln!(out, "\n4. One hourly sealed-bid auction clears at a single price (1,024 ticks, 0.5% seller fee)")?;
    let fx = ctx.default_market();
    let epoch = ctx.open_epoch(&fx);
    report.transactions += 2;
    let p = fx.params;
    let tick_of = |price: u64| ((price - p.min_price) / p.tick_size) as u16;
    let quote = |units: u64| format_decimal(units, u32::from(QUOTE_DECIMALS));
    let eli = ctx.new_user();
    let mut traders = Vec::new();
    for k in [
        &people[0].key,
        &people[1].key,
        &people[2].key,
        &people[3].key,
        &eli,
    ] {
        let energy = ctx.energy_ata(&k.pubkey());
        let quote_ata = ctx.ata(&k.pubkey(), &fx.keys.quote_mint);
        traders.push(Trader {
            key: k.insecure_clone(),
            energy,
            quote: quote_ata,
        });
    }
    // Households hold a stablecoin (6 decimals).
    let auth = fx.quote_authority.insecure_clone();
    for t in &traders[3..] {
        ctx.mint_tokens(&fx.keys.quote_mint, &t.quote, &auth, 20 * QUOTE_UNIT);
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
    let before: Vec<(u64, u64)> = traders
        .iter()
        .map(|t| (ctx.balance(&t.energy), ctx.balance(&t.quote)))
        .collect();
    let mut ids = Vec::new();
    for (who, side, price, wh) in orders {
        ids.push(ctx.place_ok(&fx, &epoch, &traders[who], side, tick_of(price), wh));
        report.transactions += 1;
        writeln!(
            out,
            "  {:<18} {:?} {:>7} kWh, limit {} per kWh",
            names[who],
            side,
            format_kwh(wh),
            quote(price)
        )?;
    }
    ctx.advance(p.epoch_length_secs as i64);
    expect_ok(ctx.clear(&epoch));
    let clearing = ctx.epoch_account(&epoch).clearing().expect("cleared");
    expect_ok(ctx.settle(&fx, &epoch, &ids));
    report.transactions += 2;
    report.clearing_price = clearing.price;
    report.volume_wh = clearing.volume_wh;
    writeln!(
        out,
        "  cleared at {} per kWh for {} kWh (demand {} kWh, supply {} kWh at that price); settled in one transaction:",
        quote(clearing.price),
        format_kwh(clearing.volume_wh),
        format_kwh(clearing.demand_wh),
        format_kwh(clearing.supply_wh)
    )?;
    for (t, (name, (e0, q0))) in traders.iter().zip(names.iter().zip(&before)) {
        let (e1, q1) = (ctx.balance(&t.energy), ctx.balance(&t.quote));
        writeln!(
            out,
            "  {:<18} energy {:>+9} kWh   stablecoin {:>+11}",
            name,
            signed_kwh(e0, e1),
            signed(q0, q1, &quote)
        )?;
    }
    let (ev, qv) = ctx.vault_balances(&fx);
    writeln!(out, "  market vaults after settlement: {} kWh, {} stablecoin (fees and dust went to the fee recipient)", format_kwh(ev), quote(qv))?;

    writeln!(
        out,
        "\n5. Households redeem tokens against what their meters imported"
    )?;
    for who in [3usize, 1] {
        let p = &people[who];
        let m = ctx.meter(&p.meter);
        let ata = ctx.energy_ata(&p.key.pubkey());
        let amount = m.redeemable_wh().min(ctx.balance(&ata));
        let key = p.key.insecure_clone();
        let meter = p.meter;
        expect_ok(ctx.redeem(&key, &meter, &ata, amount));
        report.transactions += 1;
        report.redeemed_wh += amount;
        let m = ctx.meter(&meter);
        writeln!(
            out,
            "  {:<18} redeemed {} kWh of {} kWh imported; the utility bills the rest ({} kWh)",
            names[who],
            format_kwh(m.redeemed_wh),
            format_kwh(m.imported_wh),
            format_kwh(m.imported_wh - m.redeemed_wh)
        )?;
    }

    writeln!(
        out,
        "\n6. Chen's wind export is certified once (ERC), split, sold and retired"
    )?;
    let authority = ctx.init_certificates();
    report.transactions += 1;
    let chen = people[2].key.insecure_clone();
    let chen_meter = people[2].meter;
    let dana = people[3].key.insecure_clone();
    let exported = ctx.meter(&chen_meter).exported_wh;
    let day_end = ctx.meter(&chen_meter).last_reading_ts;
    let (cert, res) = ctx.issue_certificate(&authority, &chen_meter, exported, day_start, day_end);
    expect_ok(res);
    report.transactions += 1;
    let c = ctx.certificate(&cert);
    writeln!(
        out,
        "  certificate #{} for {} kWh of wind over the day ({}..{}); the meter's certified_wh is now {} kWh, so it cannot be certified again",
        c.id,
        format_kwh(c.amount_wh),
        c.period_start,
        c.period_end,
        format_kwh(ctx.meter(&chen_meter).certified_wh)
    )?;
    let sold = exported / 4;
    let (part, res) = ctx.split_certificate(&chen, &cert, exported - sold, sold, &dana.pubkey());
    expect_ok(res);
    report.transactions += 1;
    let p = ctx.certificate(&part);
    writeln!(
        out,
        "  Chen splits off #{}.{} ({} kWh, its own address under #{}, so no split can take an issuance id) to Dana",
        p.id,
        p.split_index,
        format_kwh(p.amount_wh),
        p.id
    )?;
    expect_ok(ctx.retire_certificate(
        &dana,
        &part,
        &dana.pubkey(),
        "Dana's household",
        "2026 renewable electricity claim",
    ));
    report.transactions += 1;
    report.retired_wh += p.amount_wh;
    let p = ctx.certificate(&part);
    writeln!(
        out,
        "  Dana retires #{}.{} for \"{}\" ({:?}, final)",
        p.id,
        p.split_index,
        String::from_utf8_lossy(&p.beneficiary_name[..p.beneficiary_name_len as usize]),
        p.status().expect("a known status")
    )?;

    writeln!(out, "\n7. Compute units used (measured in the SBF VM)")?;
    let rows: Vec<cu::Row> = [
        "initialize",
        "set_oracles",
        "register_meter",
        "activate_meter",
        "submit_readings x1",
        "submit_readings x4",
        "mint_energy",
        "redeem_consumption",
        "create_market",
        "open_epoch",
        "place_order",
        "clear_epoch (1024 ticks)",
        "settle_orders x5",
        "issue_certificate",
        "split_certificate",
        "retire_certificate",
    ]
    .iter()
    .map(|l| cu::Row {
        label: l.to_string(),
        budget: None,
    })
    .collect();
    for r in rows.iter() {
        if let Some(s) = cu::stat(&r.label) {
            writeln!(
                out,
                "  {:<26} {:>6} CU (max of {})",
                r.label, s.max, s.count
            )?;
        }
    }
    writeln!(out, "\n8. Invariants, checked on the final state")?;
    let mut minted = 0u64;
    let mut redeemed = 0u64;
    for p in &people {
        let m = ctx.meter(&p.meter);
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
        report.invariants_hold &= ok;
        minted += m.minted_wh;
        redeemed += m.redeemed_wh;
    }
    let supply = ctx.supply(&ctx.energy_mint());
    let supply_ok = minted.checked_sub(redeemed) == Some(supply);
    writeln!(
        out,
        "  energy token supply {} kWh = minted {} - redeemed {}: {}",
        format_kwh(supply),
        format_kwh(minted),
        format_kwh(redeemed),
        verdict(supply_ok)
    )?;
    let vaults_ok = ctx.vault_balances(&fx) == (0, 0);
    writeln!(
        out,
        "  market vaults empty after settlement: {}",
        verdict(vaults_ok)
    )?;
    report.invariants_hold &= supply_ok && vaults_ok;
    writeln!(out, "\n{} transactions.", report.transactions)?;
    Ok(report)
}

fn signed_kwh(before: &u64, after: u64) -> String {
    if after >= *before {
        format!("+{}", format_kwh(after - before))
    } else {
        format!("-{}", format_kwh(before - after))
    }
}

fn signed(before: &u64, after: u64, f: &dyn Fn(u64) -> String) -> String {
    if after >= *before {
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
