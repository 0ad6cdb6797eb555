//! The compute-unit table: every instruction of every program, measured on
//! the SBF build with p-token (litesvm's default, and mainnet's) and with
//! classic SPL Token loaded under the same id. Budgets are enforced on the
//! p-token column; the classic column is reported.
//!
//!     cargo test -p joule-tests --test cu -- --nocapture

use joule_sdk::market::Side;
use joule_tests::{
    certificates::{certificates_scenario, CU_ROWS as CERTIFICATE_ROWS},
    cu::{self, Row},
    expect_ok,
    market::{market_scenario, QUOTE_UNIT},
    registry::registry_scenario,
    TestContext, TokenImpl,
};

fn row(label: &str, budget: Option<u64>) -> (Row, Option<u64>) {
    (
        Row {
            label: label.to_string(),
            budget: budget.map(|b| format!("{b}")),
        },
        budget,
    )
}

/// `clear_epoch`'s most expensive shape found: a sell at the bottom tick and
/// a larger buy at the top, so the tied range spans the whole grid.
fn clear_worst_case(ctx: &mut TestContext) {
    let fx = ctx.default_market();
    let epoch = ctx.open_epoch(&fx);
    let seller = ctx.trader(&fx, 1_000, 0);
    let buyer = ctx.trader(&fx, 0, 10 * QUOTE_UNIT);
    ctx.place_ok(&fx, &epoch, &seller, Side::Sell, 0, 1_000);
    ctx.place_ok(&fx, &epoch, &buyer, Side::Buy, 1_023, 2_000);
    ctx.advance(fx.params.epoch_length_secs as i64);
    let ix = joule_sdk::market::ClearEpoch { epoch }.instruction();
    expect_ok(ctx.send("clear_epoch (1024 ticks, whole-grid range)", &[ix], &[]));
}

#[test]
fn cu_table() {
    for token in [TokenImpl::PToken, TokenImpl::Classic] {
        let mut ctx = TestContext::builder().token(token).build();
        registry_scenario(&mut ctx);
        let mut ctx = TestContext::builder().token(token).build();
        certificates_scenario(&mut ctx);
        let mut ctx = TestContext::builder().token(token).build();
        market_scenario(&mut ctx);
        clear_worst_case(&mut ctx);
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
        row("reassign_meter", None),
        row("close_meter", None),
        row("propose_meter_transfer", None),
        row("accept_meter_transfer", None),
        row("submit_readings x1", Some(1_000 + 250)),
        row("submit_readings x16", Some(1_000 + 250 * 16)),
        row("mint_energy", Some(2_000)),
        row("redeem_consumption", None),
    ];
    rows.extend([
        row("create_market", None),
        row("open_epoch", None),
        row("place_order", Some(4_000)),
        row("cancel_order", Some(2_500)),
        row("clear_epoch (1024 ticks)", Some(35_000)),
        row("clear_epoch (1024 ticks, whole-grid range)", Some(35_000)),
        row("settle_orders x6", Some(4_500 * 6)),
        row("close_epoch", None),
    ]);
    rows.extend(
        CERTIFICATE_ROWS
            .iter()
            .map(|(label, budget)| row(label, *budget)),
    );
    let table: Vec<Row> = rows
        .iter()
        .map(|(r, _)| Row {
            label: r.label.clone(),
            budget: r.budget.clone(),
        })
        .collect();
    let text = cu::print_table(&table);
    let out = joule_tests::deploy_dir().join("../cu-table.md");
    std::fs::write(&out, &text).expect("write the CU table");
    for (r, budget) in &rows {
        assert!(
            cu::stat(&r.label).is_some(),
            "no CU measured for {}",
            r.label
        );
        assert!(
            cu::stat_classic(&r.label).is_some(),
            "no classic CU measured for {}",
            r.label
        );
        if let Some(b) = budget {
            cu::cu_budget(&r.label, *b);
        }
    }
}
