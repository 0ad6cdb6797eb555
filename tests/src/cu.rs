//! Compute-unit recorder: every recorded transaction's CU by label, budgets
//! per instruction, and a printed table.

use crate::TokenImpl;
use std::{
    collections::BTreeMap,
    sync::{Mutex, OnceLock},
};

/// Max, min and count of the CU recorded under one label.
#[derive(Clone, Copy, Debug, Default)]
pub struct CuStat {
    pub min: u64,
    pub max: u64,
    pub count: u64,
}

type Table = BTreeMap<(String, bool), CuStat>;

fn table() -> &'static Mutex<Table> {
    static T: OnceLock<Mutex<Table>> = OnceLock::new();
    T.get_or_init(|| Mutex::new(BTreeMap::new()))
}

/// Records one transaction's CU.
pub fn record(token: TokenImpl, label: &str, cu: u64) {
    let mut t = table().lock().unwrap_or_else(|e| e.into_inner());
    let e = t
        .entry((label.to_string(), token == TokenImpl::Classic))
        .or_default();
    e.min = if e.count == 0 { cu } else { e.min.min(cu) };
    e.max = e.max.max(cu);
    e.count += 1;
}

/// The stats recorded under `label` with the default (p-token) runtime.
pub fn stat(label: &str) -> Option<CuStat> {
    table()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&(label.to_string(), false))
        .copied()
}

/// The stats recorded under `label` with classic SPL Token.
pub fn stat_classic(label: &str) -> Option<CuStat> {
    table()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&(label.to_string(), true))
        .copied()
}

/// Asserts that every transaction recorded under `label` (p-token runtime)
/// stayed within `budget` CU.
#[track_caller]
pub fn cu_budget(label: &str, budget: u64) {
    let s = stat(label).unwrap_or_else(|| panic!("no CU recorded for {label}"));
    assert!(
        s.max <= budget,
        "{label}: {} CU exceeds its budget of {budget} CU",
        s.max
    );
}

/// One row of the printed table.
pub struct Row {
    pub label: String,
    pub budget: Option<String>,
}

/// Prints the table: label, max CU (p-token), max CU (classic), budget.
pub fn print_table(rows: &[Row]) -> String {
    let mut out = String::new();
    out.push_str("| instruction | CU (p-token) | CU (classic SPL Token) | budget |\n");
    out.push_str("|---|---:|---:|---:|\n");
    for r in rows {
        let p = stat(&r.label)
            .map(|s| s.max.to_string())
            .unwrap_or_else(|| "-".into());
        let c = stat_classic(&r.label)
            .map(|s| s.max.to_string())
            .unwrap_or_else(|| "-".into());
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            r.label,
            p,
            c,
            r.budget.clone().unwrap_or_else(|| "-".into())
        ));
    }
    println!("{out}");
    out
}
