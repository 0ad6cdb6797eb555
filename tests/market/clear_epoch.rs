//! `clear_epoch`: the uniform price and the pro-rata fills.

use super::*;

#[test]
fn clear_epoch_ok_uniform_price_and_pro_rata() {
    let mut e = env();
    rationed_book(&mut e);
    e.end_epoch();
    let ok = expect_ok(e.ctx.clear(&e.epoch));
    let book = e.ctx.epoch_account(&e.epoch);
    let c = book.clearing().unwrap();
    assert_eq!(book.state(), Some(EpochState::Cleared));
    assert_eq!(
        (c.tick, c.price, c.volume_wh, c.demand_wh, c.supply_wh),
        (15, 25_000, 5_000, 7_000, 5_000)
    );
    assert_eq!(
        (c.buy_marginal_tick, c.buy_fill_num, c.buy_fill_den),
        (20, 2_000, 4_000)
    );
    assert_eq!(
        (c.sell_marginal_tick, c.sell_fill_num, c.sell_fill_den),
        (15, 1, 1)
    );
    let ev: mkt::EpochCleared = joule_sdk::events::decode(&ok.logs).expect("EpochCleared");
    assert_eq!(
        ({ ev.clearing_price }, { ev.volume_wh }, { ev.live_orders }),
        (25_000, 5_000, 4)
    );
}

#[test]
fn clear_epoch_rejects_before_end_and_twice() {
    let mut e = env();
    e.place_ok(Who::Seller, Side::Sell, 10, 1_000);
    let end = e.ctx.epoch_account(&e.epoch).header.end_ts;
    e.ctx.set_time(end - 1);
    let before = e.ctx.snapshot(&e.watched());
    assert_error(&e.ctx.clear(&e.epoch), E::EpochNotEnded as u32);
    e.ctx.assert_unchanged(&before);
    e.ctx.set_time(end);
    expect_ok(e.ctx.clear(&e.epoch));
    let before = e.ctx.snapshot(&e.watched());
    assert_error(&e.ctx.clear(&e.epoch), E::EpochAlreadyCleared as u32);
    e.ctx.assert_unchanged(&before);
}

#[test]
fn clear_epoch_rejects_paused_registry() {
    let mut e = env();
    e.place_ok(Who::Seller, Side::Sell, 10, 1_000);
    e.end_epoch();
    expect_ok(e.ctx.set_pause(reg::PAUSE_MARKET));
    let before = e.ctx.snapshot(&e.watched());
    assert_error(&e.ctx.clear(&e.epoch), E::MarketPaused as u32);
    e.ctx.assert_unchanged(&before);
}

#[test]
fn clear_epoch_of_an_empty_epoch_settles_it_and_close_returns_rent() {
    let mut e = env();
    // Orders placed and all cancelled count as empty.
    let id = e.place_ok(Who::Seller, Side::Sell, 10, 1_000);
    let seller = e.trader(Who::Seller);
    expect_ok(e.ctx.cancel(&e.fx, &e.epoch, &seller, Side::Sell, id, 7));
    e.end_epoch();
    expect_ok(e.ctx.clear(&e.epoch));
    let book = e.ctx.epoch_account(&e.epoch);
    assert_eq!(
        (book.state(), book.header.volume_wh),
        (Some(EpochState::Settled), 0)
    );
    let payer = e.ctx.payer.pubkey();
    let rent = e.ctx.lamports(&e.epoch);
    let before = e.ctx.lamports(&payer);
    let ok = expect_ok(e.ctx.close_epoch(&e.epoch, &payer));
    assert!(!e.ctx.exists(&e.epoch));
    // The payer also paid this transaction's fee.
    assert_eq!(e.ctx.lamports(&payer), before + rent - 5_000);
    let ev: mkt::EpochClosed = joule_sdk::events::decode(&ok.logs).expect("EpochClosed");
    assert_eq!({ ev.lamports }, rent);
}
