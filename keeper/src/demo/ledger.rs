//! What the chain did, read back from the transactions it included (the
//! embedded chain's journal, as `getTransaction` would give them): the
//! events of each epoch, and the compute units of every Joule instruction.

#![allow(clippy::arithmetic_side_effects)] // sums of on-chain u64 amounts, bounded by supply

use joule_client::units::per_instruction;
use joule_client::Included;
use joule_sdk::certificates as cert;
use joule_sdk::events::{decode_all, program_data};
use joule_sdk::market::{self as mkt, EpochCleared, EpochOpened, OrderPlaced, Side};
use joule_sdk::registry::{self as reg, ConsumptionRedeemed, EnergyMinted};
use joule_sdk::Pubkey;
use serde::Serialize;
use std::collections::HashMap;
use std::ops::Range;

/// Every included transaction, oldest first.
#[derive(Default)]
pub struct Ledger {
    pub txs: Vec<Included>,
}

/// An order as placed (from its event).
#[derive(Clone, Copy, Debug)]
pub struct Placed {
    pub owner: Pubkey,
    pub side: Side,
    pub limit_tick: u16,
    pub quantity_wh: u64,
}

/// An epoch's clearing (from its event).
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
pub struct Cleared {
    pub price: u64,
    pub volume_wh: u64,
    pub demand_wh: u64,
    pub supply_wh: u64,
}

/// What one epoch's trading came to, settlement included.
#[derive(Clone, Debug, Default)]
pub struct EpochTrade {
    pub index: u64,
    pub start_ts: i64,
    pub end_ts: i64,
    pub orders: Vec<Placed>,
    pub cleared: Option<Cleared>,
    pub settled_buy_wh: u64,
    pub settled_sell_wh: u64,
    pub settle_transactions: u64,
    pub fees_quote: u64,
}

fn ok(tx: &Included) -> bool {
    tx.err.is_none()
}

impl Ledger {
    pub fn absorb(&mut self, more: Vec<Included>) {
        self.txs.extend(more);
    }

    pub fn len(&self) -> usize {
        self.txs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.txs.is_empty()
    }

    fn landed(&self) -> impl Iterator<Item = &Included> {
        self.txs.iter().filter(|t| ok(t))
    }

    fn range(&self, r: Range<usize>) -> impl Iterator<Item = &Included> {
        self.txs.get(r).unwrap_or_default().iter().filter(|t| ok(t))
    }

    /// The epoch with `index` of the market: opened, its orders, cleared,
    /// settled.
    pub fn epoch(&self, market: &Pubkey, index: u64) -> Option<(Pubkey, EpochTrade)> {
        let opened = self
            .landed()
            .flat_map(|t| decode_all::<EpochOpened>(&t.logs))
            .find(|e| e.market == *market && { e.index } == index)?;
        let key = opened.epoch;
        let mut trade = EpochTrade {
            index,
            start_ts: opened.start_ts,
            end_ts: opened.end_ts,
            ..EpochTrade::default()
        };
        for t in self.landed() {
            for o in decode_all::<OrderPlaced>(&t.logs) {
                if let (true, Some(side)) = (o.epoch == key, Side::from_u8(o.side)) {
                    trade.orders.push(Placed {
                        owner: o.owner,
                        side,
                        limit_tick: o.limit_tick,
                        quantity_wh: o.quantity_wh,
                    });
                }
            }
            for c in decode_all::<EpochCleared>(&t.logs) {
                if c.epoch == key {
                    trade.cleared = Some(Cleared {
                        price: c.clearing_price,
                        volume_wh: c.volume_wh,
                        demand_wh: c.demand_wh,
                        supply_wh: c.supply_wh,
                    });
                }
            }
            let mut settled_here = false;
            for s in mkt::orders_settled(&t.logs) {
                if s.epoch != key {
                    continue;
                }
                settled_here = true;
                for o in &s.orders {
                    match Side::from_u8(o.side) {
                        Some(Side::Buy) => trade.settled_buy_wh += o.filled_wh,
                        Some(Side::Sell) => {
                            trade.settled_sell_wh += o.filled_wh;
                            trade.fees_quote += o.fee;
                        }
                        None => {}
                    }
                }
            }
            trade.settle_transactions += u64::from(settled_here);
        }
        Some((key, trade))
    }

    /// Wh minted by transactions that ran at a clock in `[from, to)`.
    pub fn minted_between(&self, from: i64, to: i64) -> u64 {
        self.landed()
            .filter(|t| (from..to).contains(&t.unix_timestamp))
            .flat_map(|t| decode_all::<EnergyMinted>(&t.logs))
            .map(|e| e.amount_wh)
            .sum()
    }

    /// Readings applied by transactions that ran at a clock in
    /// `[from, to)` (and skipped ones).
    pub fn readings_between(&self, from: i64, to: i64) -> (u64, u64) {
        self.readings(
            self.landed()
                .filter(|t| (from..to).contains(&t.unix_timestamp)),
        )
    }

    /// Every reading applied (and skipped) so far.
    pub fn readings_total(&self) -> (u64, u64) {
        self.readings(self.landed())
    }

    fn readings<'a>(&self, txs: impl Iterator<Item = &'a Included>) -> (u64, u64) {
        let mut applied = 0u64;
        let mut skipped = 0u64;
        for t in txs {
            for d in program_data(&t.logs) {
                if d.get(..8) != Some(&reg::READINGS_SUBMITTED[..]) {
                    continue;
                }
                if let Some((_, a, s, _)) = d.get(8..).and_then(reg::decode_readings_event) {
                    applied += u64::from(a);
                    skipped += u64::from(s);
                }
            }
        }
        (applied, skipped)
    }

    /// Certified, retired and redeemed Wh by the transactions in `r`.
    pub fn certified_retired_redeemed(&self, r: Range<usize>) -> (u64, u64, u64, u64) {
        let (mut certified, mut certificates, mut retired, mut redeemed) = (0, 0, 0, 0);
        for t in self.range(r) {
            for e in decode_all::<cert::CertificateIssued>(&t.logs) {
                certified += e.amount_wh;
                certificates += 1;
            }
            for d in program_data(&t.logs) {
                if d.get(..8) == Some(&cert::CERTIFICATE_RETIRED[..]) {
                    if let Some(e) = d.get(8..).and_then(cert::decode_retired_event) {
                        retired += e.amount_wh;
                    }
                }
            }
            for e in decode_all::<ConsumptionRedeemed>(&t.logs) {
                redeemed += e.amount_wh;
            }
        }
        (certified, certificates, retired, redeemed)
    }

    /// Every certificate issued, Wh.
    pub fn certified_total(&self) -> u64 {
        self.certified_retired_redeemed(0..self.txs.len()).0
    }

    /// Fees paid by transactions whose fee payer is in `payers`.
    pub fn fees_of(&self, payers: &[Pubkey]) -> u64 {
        self.txs
            .iter()
            .filter(|t| t.fee_payer().is_some_and(|k| payers.contains(&k)))
            .map(|t| t.fee)
            .sum()
    }

    /// The compute units of every Joule instruction that landed, grouped
    /// by what it did and who paid, in the order first seen.
    pub fn units(&self, who: &HashMap<Pubkey, &'static str>) -> Vec<UnitsRow> {
        let mut rows: Vec<UnitsRow> = Vec::new();
        for t in self.landed() {
            let by = t
                .fee_payer()
                .and_then(|p| who.get(&p).copied())
                .unwrap_or("someone");
            let v0 = t.is_v0();
            for ix in per_instruction(&t.message, &t.logs) {
                let (Some(name), Some(units)) = (ix.name, ix.units) else {
                    continue;
                };
                let label = match name {
                    "submit_readings" => {
                        let n = ix
                            .data
                            .get(8..12)
                            .and_then(|b| b.try_into().ok())
                            .map_or(0, u32::from_le_bytes);
                        format!(
                            "submit_readings x{n} ({})",
                            if v0 { "v0" } else { "legacy" }
                        )
                    }
                    "settle_orders" => {
                        let n = ix.accounts.saturating_sub(mkt::SETTLE_FIXED_ACCOUNTS)
                            / mkt::ACCOUNTS_PER_ORDER;
                        format!("settle_orders x{n}")
                    }
                    other => other.to_string(),
                };
                let program = if ix.program == reg::ID {
                    "registry"
                } else if ix.program == mkt::ID {
                    "market"
                } else {
                    "certificates"
                };
                match rows
                    .iter_mut()
                    .find(|r| r.program == program && r.instruction == label && r.by == by)
                {
                    Some(r) => {
                        r.count += 1;
                        r.min = r.min.min(units);
                        r.max = r.max.max(units);
                    }
                    None => rows.push(UnitsRow {
                        program,
                        instruction: label,
                        by,
                        count: 1,
                        min: units,
                        max: units,
                    }),
                }
            }
        }
        // By program, then each instruction where first seen, then size
        // (x8 before x16).
        let size = |label: &str| -> u64 {
            label
                .split_once(" x")
                .and_then(|(_, rest)| rest.split_whitespace().next())
                .and_then(|n| n.parse().ok())
                .unwrap_or(0)
        };
        let base = |r: &UnitsRow| {
            r.instruction
                .split(' ')
                .next()
                .unwrap_or_default()
                .to_string()
        };
        let mut first: Vec<(&'static str, String)> = Vec::new();
        for r in &rows {
            let k = (r.program, base(r));
            if !first.contains(&k) {
                first.push(k);
            }
        }
        let rank = |p: &str| {
            ["registry", "market", "certificates"]
                .iter()
                .position(|x| *x == p)
        };
        let seen = |r: &UnitsRow| {
            let k = (r.program, base(r));
            first.iter().position(|f| *f == k)
        };
        rows.sort_by_key(|r| (rank(r.program), seen(r), size(&r.instruction)));
        rows
    }

    /// Fees of the transactions that submitted readings, and the readings
    /// they applied.
    pub fn readings_fees(&self) -> (u64, u64) {
        let mut fees = 0u64;
        let mut applied = 0u64;
        for t in self.landed() {
            let (a, _) = self.readings(std::iter::once(t));
            if a > 0 {
                fees += t.fee;
                applied += a;
            }
        }
        (fees, applied)
    }
}

/// Compute units of one kind of instruction.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct UnitsRow {
    pub program: &'static str,
    pub instruction: String,
    /// Who sent it (the fee payer's role).
    pub by: &'static str,
    pub count: u64,
    pub min: u64,
    pub max: u64,
}
