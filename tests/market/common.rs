//! What every module of the market tests shares: the harness's market
//! `Env` (an open epoch and two funded traders), and a rationed book.

use super::*;

pub(crate) use joule_tests::market::{env, env_with, Env, Who};

/// Sells 5 kWh at tick 10; buys 3 kWh at tick 30 and 2 × 2 kWh at tick 20.
/// Volume 5 kWh is matched at every tick of [10, 20] with imbalance 2 kWh,
/// so the price is the middle, tick 15 (0.025 per kWh). Demand is long: the
/// buy at 30 fills in full, the two at 20 share the remaining 2 kWh.
pub(crate) fn rationed_book(e: &mut Env) -> (Trader, Trader, Trader, [u32; 4]) {
    let b2 = e.ctx.trader(&e.fx, 0, QUOTE_UNIT);
    let b3 = e.ctx.trader(&e.fx, 0, QUOTE_UNIT);
    let s = e.place_ok(Who::Seller, Side::Sell, 10, 5_000);
    let b1 = e.place_ok(Who::Buyer, Side::Buy, 30, 3_000);
    let id2 = mkt::order_id_from_return_data(
        &expect_ok(e.ctx.place(&e.fx, &e.epoch, &b2, Side::Buy, 20, 2_000, 1)).return_data,
    )
    .unwrap();
    let id3 = mkt::order_id_from_return_data(
        &expect_ok(e.ctx.place(&e.fx, &e.epoch, &b3, Side::Buy, 20, 2_000, 2)).return_data,
    )
    .unwrap();
    let seller = e.trader(Who::Seller);
    (seller, b2, b3, [s, b1, id2, id3])
}
