//! Compute budgets (p-token, litesvm's default; enforced): the table
//! every budget of the market's tests comes from, and the runs that hold
//! each instruction to it.

use super::*;

/// Every compute budget the market's tests enforce (p-token runtime, CU).
/// A regression past one fails CI.
pub(crate) const BUDGET_OPEN_EPOCH: u64 = 2_000;
/// With the escrow transfer and the deposit: buys and sells, new and reused
/// slots, the largest prices.
pub(crate) const BUDGET_PLACE_ORDER: u64 = 4_000;
pub(crate) const BUDGET_CANCEL_ORDER: u64 = 2_500;
/// At 1,024 ticks, whatever the order count.
pub(crate) const BUDGET_CLEAR_EPOCH_1024_TICKS: u64 = 35_000;
/// Per order, each making two transfers and refunding its deposit.
pub(crate) const BUDGET_SETTLE_PER_ORDER: u64 = 4_500;

/// `place_order` within [`BUDGET_PLACE_ORDER`] with its escrow transfer
/// (buys and sells, new and reused slots, the largest prices),
/// `cancel_order` within [`BUDGET_CANCEL_ORDER`].
#[test]
fn place_and_cancel_orders_within_budget() {
    let mut e = env_with(|p| p.min_price = 10_001);
    let mut ids = Vec::new();
    for i in 0..12u16 {
        let (who, side) = if i % 2 == 0 {
            (Who::Seller, Side::Sell)
        } else {
            (Who::Buyer, Side::Buy)
        };
        ids.push((e.place_ok(who, side, i * 90, 1_000 + i as u64), who, side));
    }
    for &(id, who, side) in ids.iter().step_by(3) {
        let t = e.trader(who);
        expect_ok(e.ctx.cancel(&e.fx, &e.epoch, &t, side, id, 7));
    }
    for i in 0..4 {
        e.place_ok(Who::Buyer, Side::Buy, 1_023 - i, 999);
    }
    // The top of the price range: the escrow needs 128-bit arithmetic.
    let mut p = default_params(&Pubkey::default());
    (p.min_price, p.tick_size, p.tick_count) =
        (mkt::MAX_PRICE - 1_023 * 1_000_000_000, 1_000_000_000, 1_024);
    let fx = e.ctx.create_market_with(p);
    let epoch = e.ctx.open_epoch(&fx);
    let whale = e.ctx.trader(&fx, 0, u64::MAX);
    let id = e
        .ctx
        .place_ok(&fx, &epoch, &whale, Side::Buy, 1_023, 16_000_000);
    expect_ok(e.ctx.cancel(&fx, &epoch, &whale, Side::Buy, id, 0));
    let (place, cancel) = (
        cu::stat("place_order").unwrap(),
        cu::stat("cancel_order").unwrap(),
    );
    println!(
        "place_order: {}..{} CU; cancel_order: {}..{} CU",
        place.min, place.max, cancel.min, cancel.max
    );
    cu_budget("place_order", BUDGET_PLACE_ORDER);
    cu_budget("cancel_order", BUDGET_CANCEL_ORDER);
}

/// `clear_epoch` within [`BUDGET_CLEAR_EPOCH_1024_TICKS`] at 1,024 ticks
/// whatever the order count. The
/// worst cases scan every tick: the only cross at the top tick (with two
/// orders, and with 1,024 sells, one per tick, plus 100 buys), or one
/// price range spanning the whole grid (a sell at the bottom, a buy at the
/// top: the pass, then the walk over the empty ticks).
#[test]
fn clear_epoch_within_budget_at_1024_ticks_whatever_the_order_count() {
    let mut results = Vec::new();
    for case in [
        "2 orders, cross at the top tick",
        "1,124 orders, cross at the top tick",
        "whole-grid range, short supply",
        "whole-grid range, short demand",
    ] {
        let mut e = env_with(|p| p.order_capacity = 1_200);
        match case {
            "2 orders, cross at the top tick" => {
                e.place_ok(Who::Seller, Side::Sell, 1_023, 1_000);
                e.place_ok(Who::Buyer, Side::Buy, 1_023, 1_000);
            }
            "1,124 orders, cross at the top tick" => {
                for t in 0..1_024u16 {
                    e.place_ok(Who::Seller, Side::Sell, t, 1);
                }
                for _ in 0..100 {
                    e.place_ok(Who::Buyer, Side::Buy, 1_023, 11);
                }
            }
            "whole-grid range, short supply" => {
                e.place_ok(Who::Seller, Side::Sell, 0, 1_000);
                e.place_ok(Who::Buyer, Side::Buy, 1_023, 2_000);
            }
            _ => {
                e.place_ok(Who::Seller, Side::Sell, 0, 2_000);
                e.place_ok(Who::Buyer, Side::Buy, 1_023, 1_000);
            }
        }
        e.end_epoch();
        let ok = expect_ok(e.ctx.clear(&e.epoch));
        let c = e.ctx.epoch_account(&e.epoch).clearing().unwrap();
        println!(
            "clear_epoch, 1,024 ticks, {case}: tick {}, {} CU",
            c.tick, ok.cu
        );
        results.push(ok.cu);
    }
    assert!(
        results
            .iter()
            .all(|&cu| cu <= BUDGET_CLEAR_EPOCH_1024_TICKS),
        "{results:?}"
    );
    cu_budget("clear_epoch (1024 ticks)", BUDGET_CLEAR_EPOCH_1024_TICKS);
}

fn settle_fixture(ctx: &mut TestContext, pairs: usize) -> (MarketFixture, Pubkey, Vec<u32>) {
    // Sellers of 1 kWh at tick 10 and buyers of 0.5 kWh at tick 20 (distinct
    // owners): supply is long, so every seller is paid and gets half its
    // energy back and every buyer gets energy and a refund: two transfers
    // per order, the most any order makes.
    let mut p = default_params(&Pubkey::default());
    p.order_capacity = 128;
    let fx = ctx.create_market_with(p);
    let epoch = ctx.open_epoch(&fx);
    let mut ids = Vec::new();
    for _ in 0..pairs {
        let s = ctx.trader(&fx, 1_000, 0);
        let b = ctx.trader(&fx, 0, QUOTE_UNIT);
        ids.push(ctx.place_ok(&fx, &epoch, &s, Side::Sell, 10, 1_000));
        ids.push(ctx.place_ok(&fx, &epoch, &b, Side::Buy, 20, 500));
    }
    ctx.set_time(ctx.epoch_account(&epoch).header.end_ts);
    expect_ok(ctx.clear(&epoch));
    (fx, epoch, ids)
}

/// The compute-budget instructions a real sender adds (a limit and a
/// price): they take a place in the instruction trace and the compute-budget
/// program takes an account lock.
fn compute_budget_ixs() -> [Instruction; 2] {
    let program = Pubkey::from_str_const("ComputeBudget111111111111111111111111111111");
    let mut limit = vec![2u8];
    limit.extend(1_400_000u32.to_le_bytes());
    let mut price = vec![3u8];
    price.extend(1u64.to_le_bytes());
    [
        Instruction::new_with_bytes(program, &limit, vec![]),
        Instruction::new_with_bytes(program, &price, vec![]),
    ]
}

/// `settle_orders` within [`BUDGET_SETTLE_PER_ORDER`] per order, every order making two transfers
/// and refunding its deposit: `MAX_SETTLE_ORDERS_LEGACY` (7) orders of
/// distinct owners fit a legacy transaction (1,232 bytes; 8 do not) and
/// `MAX_SETTLE_ORDERS_V0` (17) a v0 transaction with a lookup table and the
/// compute-budget instructions (62 of 64 account locks; 18 do not fit).
/// More than `MAX_SETTLE_ORDERS` (29, the instruction-trace limit) is
/// refused by the program even when the accounts would fit.
#[test]
fn settle_orders_fit_legacy_and_v0_transactions_within_budget() {
    let mut ctx = TestContext::new();
    let (fx, epoch, ids) = settle_fixture(&mut ctx, 30);
    let payer = ctx.payer.insecure_clone();
    let (nl, nv) = (mkt::MAX_SETTLE_ORDERS_LEGACY, mkt::MAX_SETTLE_ORDERS_V0);
    assert_eq!((nl, nv, mkt::MAX_SETTLE_ORDERS), (7, 17, 29));
    // Legacy.
    let size = |ctx: &TestContext, n: usize| {
        let items = ctx.settle_items(&fx, &epoch, &ids[..n]);
        ctx.legacy_tx_size_paid_by(&[ctx.settle_ix(&fx, &epoch, &items)], &[&payer])
    };
    let (fits, over) = (size(&ctx, nl), size(&ctx, nl + 1));
    println!(
        "legacy settle_orders: {nl} orders {fits} bytes, {} orders {over} bytes (limit 1,232)",
        nl + 1
    );
    assert!(fits <= 1_232 && over > 1_232);
    let legacy = expect_ok(ctx.settle(&fx, &epoch, &ids[..nl]));
    // Too many orders for one transaction's instruction trace, even from
    // one owner whose accounts repeat.
    let before = ctx.snapshot(&[
        fx.keys.market,
        fx.keys.energy_vault,
        fx.keys.quote_vault,
        epoch,
    ]);
    let one = ctx.settle_items(&fx, &epoch, &ids[nl..nl + 1]);
    let too_many = vec![one[0]; mkt::MAX_SETTLE_ORDERS + 1];
    let ix = ctx.settle_ix(&fx, &epoch, &too_many);
    assert_error(
        &ctx.send("settle_orders", &[ix], &[]),
        E::TooManyOrders as u32,
    );
    ctx.assert_unchanged(&before);
    // v0 with a lookup table and the compute-budget instructions.
    let items = ctx.settle_items(&fx, &epoch, &ids[nl..nl + nv]);
    let mut ixs = compute_budget_ixs().to_vec();
    ixs.push(ctx.settle_ix(&fx, &epoch, &items));
    let tx = ctx.send_v0("settle_orders (v0, 17 owners)", &ixs, &[]);
    println!(
        "v0 settle_orders: {nv} orders, {} accounts, {} bytes",
        tx.accounts, tx.size
    );
    assert_eq!(tx.accounts, 62);
    let v0 = expect_ok(tx.result);
    // 18 owners need 65 account locks.
    let before = ctx.snapshot(&[
        fx.keys.market,
        fx.keys.energy_vault,
        fx.keys.quote_vault,
        epoch,
    ]);
    let items = ctx.settle_items(&fx, &epoch, &ids[nl + nv..nl + 2 * nv + 1]);
    let mut ixs = compute_budget_ixs().to_vec();
    ixs.push(ctx.settle_ix(&fx, &epoch, &items));
    let tx = ctx.send_v0("settle_orders (v0, 18 owners)", &ixs, &[]);
    println!(
        "18 owners: {} accounts: {:?}",
        tx.accounts,
        tx.result.as_ref().map(|_| ()).map_err(|e| &e.err)
    );
    assert_eq!(tx.accounts, 65);
    assert!(tx.result.is_err());
    ctx.assert_unchanged(&before);
    // The rest, with the final sweep.
    let rest = &ids[nl + nv..];
    assert_eq!(rest.len(), 36);
    let (a, b) = rest.split_at(nv);
    for chunk in [a, &b[..nv]] {
        let items = ctx.settle_items(&fx, &epoch, chunk);
        let ix = ctx.settle_ix(&fx, &epoch, &items);
        expect_ok(ctx.send_v0("settle_orders (v0)", &[ix], &[]).result);
    }
    let items = ctx.settle_items(&fx, &epoch, &b[nv..]);
    let ix = ctx.settle_ix(&fx, &epoch, &items);
    let last = expect_ok(ctx.send("settle_orders (final sweep)", &[ix], &[]));
    assert_eq!(ctx.vault_balances(&fx), (0, 0));

    let per_legacy = legacy.cu / nl as u64;
    let per_v0 = v0.cu / nv as u64;
    let marginal = (v0.cu - legacy.cu) / (nv - nl) as u64;
    cu::record(
        TokenImpl::PToken,
        "settle_orders per order (legacy, 7 orders)",
        per_legacy,
    );
    cu::record(
        TokenImpl::PToken,
        "settle_orders per order (v0, 17 orders)",
        per_v0,
    );
    println!(
        "settle_orders: legacy {nl} orders {} CU ({per_legacy}/order); v0 {nv} orders {} CU ({per_v0}/order); \
         {marginal} CU per extra order; final 2 orders with the sweep {} CU",
        legacy.cu, v0.cu, last.cu
    );
    for l in [
        "settle_orders per order (legacy, 7 orders)",
        "settle_orders per order (v0, 17 orders)",
    ] {
        cu_budget(l, BUDGET_SETTLE_PER_ORDER);
    }
    assert!(marginal <= BUDGET_SETTLE_PER_ORDER);
}

/// The representative scenario and a settlement batch under classic SPL
/// Token (about 4,600 CU more per token CPI): reported for the CU table,
/// not enforced.
#[test]
fn classic_spl_token_compute_units_are_reported() {
    let mut ctx = TestContext::builder().token(TokenImpl::Classic).build();
    let r = market_scenario(&mut ctx);
    assert_eq!(
        (r.clearing_price, r.volume_wh),
        (90_000, 6_500),
        "the same result under either token program"
    );
    let (fx, epoch, ids) = settle_fixture(&mut ctx, 6);
    let ok = expect_ok(ctx.settle(&fx, &epoch, &ids[..11]));
    cu::record(
        TokenImpl::Classic,
        "settle_orders per order (legacy, 11 orders)",
        ok.cu / 11,
    );
    for l in [
        "place_order",
        "cancel_order",
        "clear_epoch (1024 ticks)",
        "settle_orders x6",
    ] {
        println!("classic SPL Token, {l}: {:?}", cu::stat_classic(l));
    }
    println!(
        "classic SPL Token, settle_orders: {} CU per order (11 orders)",
        ok.cu / 11
    );
}

/// The scenario the CU table uses.
#[test]
fn market_scenario_clears_and_settles() {
    let mut ctx = TestContext::new();
    let r = market_scenario(&mut ctx);
    // 6.5 kWh match at every tick from 0.080 to 0.100 per kWh (ticks
    // 70..=90) with no imbalance: the middle, tick 80 = 0.090 per kWh.
    assert_eq!(
        (r.clearing_tick, r.clearing_price, r.volume_wh),
        (80, 90_000, 6_500)
    );
    assert_eq!(r.fills.iter().map(|f| f.filled_wh).sum::<u64>(), 2 * 6_500);
    assert_eq!(r.fees_quote, 2_925);
    println!("{r:#?}");
    for l in [
        "create_market",
        "open_epoch",
        "place_order",
        "cancel_order",
        "clear_epoch (1024 ticks)",
        "settle_orders x6",
        "close_epoch",
    ] {
        println!("{l}: {:?}", cu::stat(l));
    }
}
