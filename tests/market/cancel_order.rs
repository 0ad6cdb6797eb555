//! `cancel_order`: an owner cancels an open order and is refunded.

use super::*;

#[test]
fn cancel_order_ok_refunds_exactly() {
    let mut e = env_with(|p| p.min_price = 10_001);
    let id = e.place_ok(Who::Buyer, Side::Buy, 7, 1_234);
    let escrow = math::buy_escrow(1_234, e.price(7)).unwrap();
    assert_eq!(e.ctx.balance(&e.buyer.quote), 100 * QUOTE_UNIT - escrow);
    let buyer = e.trader(Who::Buyer);
    let ok = expect_ok(e.ctx.cancel(&e.fx, &e.epoch, &buyer, Side::Buy, id, 7));
    assert_eq!(
        e.ctx.balance(&e.buyer.quote),
        100 * QUOTE_UNIT,
        "refunded to the unit"
    );
    assert_eq!(e.ctx.vault_balances(&e.fx), (0, 0));
    let book = e.ctx.epoch_account(&e.epoch);
    let h = book.header;
    assert_eq!(
        (h.total_buy_wh, h.quote_held, h.live_orders, h.free_head),
        (0, 0, 0, id)
    );
    assert_eq!(book.demand[7], 0);
    assert_eq!(book.orders[id as usize].status, OrderStatus::Free as u8);
    let ev: mkt::OrderCancelled = joule_sdk::events::decode(&ok.logs).expect("OrderCancelled");
    assert_eq!(
        ({ ev.refund }, { ev.held_before }, { ev.held_after }),
        (escrow, escrow, 0)
    );
    assert_eq!(
        ({ ev.tick_volume_before_wh }, { ev.tick_volume_after_wh }),
        (1_234, 0)
    );
    // A sell, too.
    let id = e.place_ok(Who::Seller, Side::Sell, 3, 4_321);
    let seller = e.trader(Who::Seller);
    expect_ok(e.ctx.cancel(&e.fx, &e.epoch, &seller, Side::Sell, id, 7));
    assert_eq!(e.ctx.balance(&e.seller.energy), 100_000);
    assert_eq!(e.ctx.vault_balances(&e.fx), (0, 0));
}

#[test]
fn cancel_order_rejects_non_owner_and_wrong_client_order_id() {
    let mut e = env();
    let id = e.place_ok(Who::Buyer, Side::Buy, 7, 1_000);
    let other = e.ctx.trader(&e.fx, 0, QUOTE_UNIT);
    let mut watched = e.watched();
    watched.push(other.quote);
    let before = e.ctx.snapshot(&watched);
    assert_error(
        &e.ctx.cancel(&e.fx, &e.epoch, &other, Side::Buy, id, 7),
        E::NotOrderOwner as u32,
    );
    let buyer = e.trader(Who::Buyer);
    assert_error(
        &e.ctx.cancel(&e.fx, &e.epoch, &buyer, Side::Buy, id, 8),
        E::ClientOrderIdMismatch as u32,
    );
    assert_error(
        &e.ctx.cancel(&e.fx, &e.epoch, &buyer, Side::Buy, id + 1, 7),
        E::OrderNotFound as u32,
    );
    // The owner, refunding into someone else's account.
    let ix = mkt::CancelOrder {
        keys: e.fx.keys,
        epoch: e.epoch,
        owner: buyer.pubkey(),
        owner_token: other.quote,
        side: Side::Buy,
        order_id: id,
        client_order_id: 7,
    }
    .instruction();
    assert_error(
        &e.ctx.send("cancel_order", &[ix], &[&buyer.key]),
        F::ConstraintTokenOwner as u32,
    );
    e.ctx.assert_unchanged(&before);
}

#[test]
fn cancel_order_rejects_after_end_time() {
    let mut e = env();
    let id = e.place_ok(Who::Seller, Side::Sell, 7, 1_000);
    e.end_epoch();
    let before = e.ctx.snapshot(&e.watched());
    let seller = e.trader(Who::Seller);
    assert_error(
        &e.ctx.cancel(&e.fx, &e.epoch, &seller, Side::Sell, id, 7),
        E::CancelAfterEnd as u32,
    );
    e.ctx.assert_unchanged(&before);
}

#[test]
fn cancel_order_rejects_after_clear() {
    let mut e = env();
    let id = e.place_ok(Who::Seller, Side::Sell, 7, 1_000);
    e.end_epoch();
    expect_ok(e.ctx.clear(&e.epoch));
    // Even while paused (when cancelling after the end time is allowed).
    expect_ok(e.ctx.set_pause(reg::PAUSE_MARKET));
    let before = e.ctx.snapshot(&e.watched());
    let seller = e.trader(Who::Seller);
    assert_error(
        &e.ctx.cancel(&e.fx, &e.epoch, &seller, Side::Sell, id, 7),
        E::EpochNotOpen as u32,
    );
    e.ctx.assert_unchanged(&before);
}

#[test]
fn cancel_order_rejects_cancelling_twice() {
    let mut e = env();
    let id = e.place_ok(Who::Seller, Side::Sell, 7, 1_000);
    let seller = e.trader(Who::Seller);
    expect_ok(e.ctx.cancel(&e.fx, &e.epoch, &seller, Side::Sell, id, 7));
    let before = e.ctx.snapshot(&e.watched());
    assert_error(
        &e.ctx.cancel(&e.fx, &e.epoch, &seller, Side::Sell, id, 7),
        E::OrderNotFound as u32,
    );
    e.ctx.assert_unchanged(&before);
}

#[test]
fn cancel_order_ok_while_paused_even_after_end_time() {
    let mut e = env();
    let sell = e.place_ok(Who::Seller, Side::Sell, 7, 1_000);
    let buy = e.place_ok(Who::Buyer, Side::Buy, 9, 1_000);
    expect_ok(e.ctx.set_pause(reg::PAUSE_MARKET));
    e.end_epoch();
    // Clearing is paused, so nobody's funds may be stuck: cancel still works.
    assert_error(&e.ctx.clear(&e.epoch), E::MarketPaused as u32);
    let (seller, buyer) = (e.trader(Who::Seller), e.trader(Who::Buyer));
    expect_ok(e.ctx.cancel(&e.fx, &e.epoch, &seller, Side::Sell, sell, 7));
    expect_ok(e.ctx.cancel(&e.fx, &e.epoch, &buyer, Side::Buy, buy, 7));
    assert_eq!(
        (
            e.ctx.balance(&e.seller.energy),
            e.ctx.balance(&e.buyer.quote)
        ),
        (100_000, 100 * QUOTE_UNIT)
    );
    assert_eq!(e.ctx.vault_balances(&e.fx), (0, 0));
}
