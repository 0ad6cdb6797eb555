//! What the demo reports: a row per epoch, the keeper's own account of its
//! work, the compute units, and the invariants checked on the final state
//! ([`check`], a pure function of a [`Snapshot`], so a test can show that
//! each check fails when the state is wrong).

#![allow(clippy::arithmetic_side_effects)] // sums of on-chain u64 amounts, bounded by supply

use super::ledger::{Cleared, UnitsRow};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;

/// One epoch (one hour) of the story.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct EpochRow {
    pub index: u64,
    /// Local time of the hour, `09:00-10:00`.
    pub hour: String,
    pub orders: u64,
    pub cleared: Option<Cleared>,
    /// Energy delivered to buyers by settlement, Wh.
    pub settled_wh: u64,
    pub settle_transactions: u64,
    /// Fees the sellers paid, quote units.
    pub fees_quote: u64,
    /// Minted by the keeper while the clock was in this hour, Wh.
    pub minted_wh: u64,
    /// Readings the chain applied while the clock was in this hour.
    pub readings_applied: u64,
    /// Certified for this hour's generation, Wh, and in how many
    /// certificates; and how much of it was retired at once.
    pub certified_wh: u64,
    pub certificates: u64,
    pub retired_wh: u64,
    /// Redeemed by the buyers after settlement, Wh.
    pub redeemed_wh: u64,
}

/// The keeper's metrics at the end.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct KeeperSummary {
    pub readings_accepted: u64,
    pub readings_rejected: BTreeMap<String, u64>,
    pub transactions_sent: u64,
    pub transactions_confirmed: u64,
    pub transactions_retried: u64,
    pub epochs_opened: u64,
    pub epochs_cleared: u64,
    pub epochs_settled: u64,
    pub epochs_closed: u64,
    pub orders_settled: u64,
    pub mints: u64,
    pub minted_wh: u64,
    /// Readings the feeds repeated that the chain already had (a gateway
    /// is read every round): not sent, not an error.
    pub readings_already_on_chain: u64,
    /// Fees the keeper's keys paid (from the transactions themselves).
    pub fees_lamports: u64,
    /// Fees of the readings transactions, per reading they applied.
    pub fees_per_reading_lamports: u64,
    pub lookup_tables: i64,
}

/// One meter at the end, and what its feeds say it should show.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct MeterCheck {
    pub name: String,
    pub seller: bool,
    pub exported_wh: u64,
    pub imported_wh: u64,
    pub minted_wh: u64,
    pub certified_wh: u64,
    pub redeemed_wh: u64,
    pub last_reading_ts: i64,
    pub expected_exported_wh: u64,
    pub expected_imported_wh: u64,
    pub expected_last_reading_ts: i64,
    /// Certificates of this meter on chain, by status, Wh.
    pub certificates_active_wh: u64,
    pub certificates_retired_wh: u64,
    pub certificates_revoked_wh: u64,
}

/// One epoch's clearing against the reference.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ClearingCheck {
    pub index: u64,
    pub cleared: Option<Cleared>,
    /// The sdk's brute-force reference over the orders placed: price and
    /// volume.
    pub reference: Option<(u64, u64)>,
    pub settled_buy_wh: u64,
    pub settled_sell_wh: u64,
}

/// Everything the invariants are checked on, read from the chain at the end.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Snapshot {
    pub epochs: u64,
    pub steps: u64,
    pub meters: Vec<MeterCheck>,
    pub readings_applied: u64,
    pub readings_expected: u64,
    pub supply_wh: u64,
    /// Every energy token account's balance added up (holders and vaults).
    pub energy_held_wh: u64,
    pub quote_held: u64,
    pub quote_funded: u64,
    pub vaults: (u64, u64),
    /// Epoch indices still on chain, and the market's next index.
    pub live_epochs: Vec<u64>,
    pub next_epoch_index: u64,
    pub clearings: Vec<ClearingCheck>,
    pub certificates_issued_wh: u64,
    pub rejections: BTreeMap<String, u64>,
    /// Whether the scenario put a gateway glitch in (enough steps).
    pub glitch: bool,
}

/// One invariant and whether it held.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Check {
    pub name: &'static str,
    pub ok: bool,
    pub detail: String,
}

/// The invariants, checked on `s`.
pub fn check(s: &Snapshot) -> Vec<Check> {
    let mut out = Vec::new();
    let mut push = |name, ok, detail: String| out.push(Check { name, ok, detail });
    let sum = |f: fn(&MeterCheck) -> u64| s.meters.iter().map(f).sum::<u64>();

    push(
        "every valid reading recorded exactly once",
        s.readings_applied == s.readings_expected,
        format!(
            "{} applied, {} expected",
            s.readings_applied, s.readings_expected
        ),
    );
    let off: Vec<&str> = s
        .meters
        .iter()
        .filter(|m| {
            m.exported_wh != m.expected_exported_wh
                || m.imported_wh != m.expected_imported_wh
                || m.last_reading_ts != m.expected_last_reading_ts
        })
        .map(|m| m.name.as_str())
        .collect();
    push(
        "every meter's energy on chain equals its feed's, to the Wh",
        off.is_empty(),
        if off.is_empty() {
            format!("{} meters", s.meters.len())
        } else {
            format!("differs: {}", off.join(", "))
        },
    );
    let over: Vec<&str> = s
        .meters
        .iter()
        .filter(|m| {
            m.minted_wh > m.exported_wh
                || m.certified_wh > m.exported_wh
                || m.redeemed_wh > m.imported_wh
        })
        .map(|m| m.name.as_str())
        .collect();
    push(
        "minted and certified <= exported, redeemed <= imported",
        over.is_empty(),
        if over.is_empty() {
            "every meter".into()
        } else {
            format!("broken: {}", over.join(", "))
        },
    );
    let wrong_mint: Vec<&str> = s
        .meters
        .iter()
        .filter(|m| m.minted_wh != if m.seller { m.exported_wh } else { 0 })
        .map(|m| m.name.as_str())
        .collect();
    push(
        "the keeper minted every opted-in export, and nothing else",
        wrong_mint.is_empty(),
        if wrong_mint.is_empty() {
            format!("{} kWh", kwh(sum(|m| m.minted_wh)))
        } else {
            format!("wrong: {}", wrong_mint.join(", "))
        },
    );
    let minted = sum(|m| m.minted_wh);
    let redeemed = sum(|m| m.redeemed_wh);
    push(
        "token supply = minted - redeemed",
        minted.checked_sub(redeemed) == Some(s.supply_wh),
        format!(
            "{} = {} - {} kWh",
            kwh(s.supply_wh),
            kwh(minted),
            kwh(redeemed)
        ),
    );
    push(
        "every energy token held by someone (holders + vaults = supply)",
        s.energy_held_wh == s.supply_wh,
        format!("{} kWh held", kwh(s.energy_held_wh)),
    );
    push(
        "no quote unit created or lost (holders + vault = funded)",
        s.quote_held == s.quote_funded,
        format!("{} of {} units", s.quote_held, s.quote_funded),
    );
    push(
        "every epoch cleared, settled and closed; vaults empty",
        s.live_epochs == [s.epochs]
            && s.next_epoch_index == s.epochs + 1
            && s.vaults == (0, 0)
            && s.clearings.len() as u64 == s.epochs
            && s.clearings.iter().all(|c| c.cleared.is_some()),
        format!(
            "on chain: epoch {:?} (open), next index {}, vaults {:?}",
            s.live_epochs, s.next_epoch_index, s.vaults
        ),
    );
    let mismatched: Vec<String> = s
        .clearings
        .iter()
        .filter(|c| c.cleared.map(|x| (x.price, x.volume_wh)) != c.reference)
        .map(|c| c.index.to_string())
        .collect();
    push(
        "each clearing = the reference clearing of the orders placed",
        mismatched.is_empty(),
        if mismatched.is_empty() {
            "price and volume, every epoch".into()
        } else {
            format!("epochs {}", mismatched.join(", "))
        },
    );
    let unsettled: Vec<String> = s
        .clearings
        .iter()
        .filter(|c| {
            let v = c.cleared.map_or(0, |x| x.volume_wh);
            c.settled_buy_wh != v || c.settled_sell_wh != v
        })
        .map(|c| c.index.to_string())
        .collect();
    push(
        "settled = cleared volume, buys and sells",
        unsettled.is_empty(),
        if unsettled.is_empty() {
            format!(
                "{} kWh",
                kwh(s.clearings.iter().map(|c| c.settled_buy_wh).sum())
            )
        } else {
            format!("epochs {}", unsettled.join(", "))
        },
    );
    let certs_off: Vec<&str> = s
        .meters
        .iter()
        .filter(|m| {
            m.certificates_active_wh + m.certificates_retired_wh + m.certificates_revoked_wh
                != m.certified_wh
        })
        .map(|m| m.name.as_str())
        .collect();
    let certified = sum(|m| m.certified_wh);
    push(
        "certificates: active + retired = certified on each meter = issued",
        certs_off.is_empty() && certified == s.certificates_issued_wh,
        if certs_off.is_empty() {
            format!(
                "{} kWh issued, {} kWh certified",
                kwh(s.certificates_issued_wh),
                kwh(certified)
            )
        } else {
            format!("differs: {}", certs_off.join(", "))
        },
    );
    let r = |reason: &str| s.rejections.get(reason).copied().unwrap_or(0);
    let stale = r("stale");
    let junk_ok = r("unknown_serial") >= s.steps
        && r("meter_not_active") >= s.steps
        && r("negative_value") == s.epochs
        && r("register_decreased") >= u64::from(s.glitch);
    push(
        "the feeds' junk refused, each with its reason",
        junk_ok,
        s.rejections
            .iter()
            .filter(|(k, _)| k.as_str() != "stale")
            .map(|(k, v)| format!("{k} {v}"))
            .chain(
                (stale > 0).then(|| format!("(and {stale} repeats of readings already on chain)")),
            )
            .collect::<Vec<_>>()
            .join(", "),
    );
    out
}

/// Everything the demo found.
#[derive(Clone, Debug, Serialize)]
pub struct DemoReport {
    pub epochs: Vec<EpochRow>,
    pub keeper: KeeperSummary,
    pub units: Vec<UnitsRow>,
    pub snapshot: Snapshot,
    pub checks: Vec<Check>,
    /// Transactions the chain included (setup, users and keeper).
    pub transactions: u64,
    /// Wall time of the keeper's part, seconds.
    pub keeper_seconds: f64,
}

impl DemoReport {
    pub fn invariants_hold(&self) -> bool {
        !self.checks.is_empty() && self.checks.iter().all(|c| c.ok)
    }
}

/// `wh` as kWh, three decimals.
pub fn kwh(wh: u64) -> String {
    format!("{}.{:03}", wh / 1_000, wh % 1_000)
}

/// Quote units (6 decimals) as `0.004375`.
pub fn quote(units: u64) -> String {
    format!("{}.{:06}", units / 1_000_000, units % 1_000_000)
}

/// A price in quote units (6 decimals) per kWh, as `0.045`.
pub fn price(units: u64) -> String {
    format!("{}.{:03}", units / 1_000_000, units % 1_000_000 / 1_000)
}

pub fn print_epochs(out: &mut dyn Write, rows: &[EpochRow]) -> std::io::Result<()> {
    writeln!(
        out,
        "  {:<5} {:<11} {:>6} {:>9} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>8}",
        "epoch",
        "hour",
        "orders",
        "price",
        "volume",
        "settled",
        "minted",
        "certified",
        "retired",
        "redeemed",
        "readings"
    )?;
    for r in rows {
        let (p, v) = r.cleared.map_or(("-".into(), "-".into()), |c| {
            (price(c.price), kwh(c.volume_wh))
        });
        writeln!(
            out,
            "  {:<5} {:<11} {:>6} {:>9} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>8}",
            r.index,
            r.hour,
            r.orders,
            p,
            v,
            kwh(r.settled_wh),
            kwh(r.minted_wh),
            kwh(r.certified_wh),
            kwh(r.retired_wh),
            kwh(r.redeemed_wh),
            r.readings_applied
        )?;
    }
    writeln!(
        out,
        "  (price per kWh in the quote token; energy in kWh; minted and readings: while the clock was in that hour)"
    )
}

pub fn print_units(out: &mut dyn Write, rows: &[UnitsRow]) -> std::io::Result<()> {
    writeln!(
        out,
        "  {:<13} {:<26} {:<10} {:>5} {:>8} {:>8}",
        "program", "instruction", "sent by", "count", "min CU", "max CU"
    )?;
    for r in rows {
        writeln!(
            out,
            "  {:<13} {:<26} {:<10} {:>5} {:>8} {:>8}",
            r.program, r.instruction, r.by, r.count, r.min, r.max
        )?;
    }
    Ok(())
}

pub fn print_checks(out: &mut dyn Write, checks: &[Check]) -> std::io::Result<()> {
    for c in checks {
        writeln!(
            out,
            "  {:<8} {}: {}",
            if c.ok { "ok" } else { "VIOLATED" },
            c.name,
            c.detail
        )?;
    }
    Ok(())
}
