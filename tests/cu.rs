//! The compute-unit table: every instruction of every program, measured on
//! the SBF build with p-token (litesvm's default, and mainnet's) and with
//! classic SPL Token loaded under the same id. Budgets are enforced on the
//! p-token column; the classic column is reported.
//!
//!     cargo test -p joule-tests --test cu -- --nocapture

use joule_tests::{
    certificates::{certificates_scenario, CU_ROWS as CERTIFICATE_ROWS},
    cu::{self, Row},
    registry::registry_scenario,
    TestContext, TokenImpl,
};

fn row(label: &str, budget: Option<u64>) -> (Row, Option<u64>) {
    (Row { label: label.to_string(), budget: budget.map(|b| format!("{b}")) }, budget)
}

#[test]
fn cu_table() {
    for token in [TokenImpl::PToken, TokenImpl::Classic] {
        let mut ctx = TestContext::builder().token(token).build();
        registry_scenario(&mut ctx);
        let mut ctx = TestContext::builder().token(token).build();
        certificates_scenario(&mut ctx);
    }
    let mut rows = vec![
        row("initialize", None),
        row("set_oracles", None),
        row("set_pause", None),
        row("propose_admin", None),
        row("accept_admin", None),
        row("register_meter", Some(3_000)),
        row("register_meter (bump 254)", Some(3_000)),
        row("activate_meter", None),
        row("suspend_meter", None),
        row("propose_meter_transfer", None),
        row("accept_meter_transfer", None),
        row("submit_readings x1", Some(1_000 + 250)),
        row("submit_readings x16", Some(1_000 + 250 * 16)),
        row("mint_energy", Some(2_000)),
        row("redeem_consumption", None),
    ];
    rows.extend(CERTIFICATE_ROWS.iter().map(|(label, budget)| row(label, *budget)));
    let table: Vec<Row> = rows.iter().map(|(r, _)| Row { label: r.label.clone(), budget: r.budget.clone() }).collect();
    let text = cu::print_table(&table);
    let out = joule_tests::deploy_dir().join("../cu-table.md");
    std::fs::write(&out, &text).expect("write the CU table");
    for (r, budget) in &rows {
        assert!(cu::stat(&r.label).is_some(), "no CU measured for {}", r.label);
        assert!(cu::stat_classic(&r.label).is_some(), "no classic CU measured for {}", r.label);
        if let Some(b) = budget {
            cu::cu_budget(&r.label, *b);
        }
    }
}
