//! `place_order`: an owner escrows and places a limit order.

use super::*;

#[test]
fn place_order_ok_escrows_buys_and_sells() {
    let mut e = env();
    let ok = expect_ok(e.place(Who::Seller, Side::Sell, 50, 3_000));
    let sell_id = mkt::order_id_from_return_data(&ok.return_data).unwrap();
    let ev: mkt::OrderPlaced = joule_sdk::events::decode(&ok.logs).expect("OrderPlaced");
    assert_eq!(
        (ev.owner, { ev.order_id }, { ev.escrow }, ev.side),
        (e.seller.pubkey(), sell_id, 3_000, Side::Sell as u8)
    );
    assert_eq!(({ ev.held_before }, { ev.held_after }), (0, 3_000));
    assert_eq!(
        ({ ev.tick_volume_before_wh }, { ev.tick_volume_after_wh }),
        (0, 3_000)
    );
    // 2.5 kWh at tick 100 = 0.110 per kWh escrows 0.275.
    let buy_id = e.place_ok(Who::Buyer, Side::Buy, 100, 2_500);
    assert_eq!((sell_id, buy_id), (0, 1));
    assert_eq!(e.price(100), 110_000);
    assert_eq!(e.ctx.balance(&e.seller.energy), 97_000);
    assert_eq!(e.ctx.balance(&e.buyer.quote), 100 * QUOTE_UNIT - 275_000);
    assert_eq!(e.ctx.vault_balances(&e.fx), (3_000, 275_000));
    let book = e.ctx.epoch_account(&e.epoch);
    let h = book.header;
    assert_eq!(
        (
            h.total_buy_wh,
            h.total_sell_wh,
            h.quote_held,
            h.energy_held_wh
        ),
        (2_500, 3_000, 275_000, 3_000)
    );
    assert_eq!((h.order_count, h.live_orders), (2, 2));
    assert_eq!((book.demand[100], book.supply[50]), (2_500, 3_000));
    assert_eq!(
        book.demand.iter().sum::<u64>() + book.supply.iter().sum::<u64>(),
        5_500
    );
    let o = book.orders[buy_id as usize];
    assert_eq!(
        (o.owner, o.quantity_wh, o.escrow, o.limit_tick),
        (e.buyer.pubkey(), 2_500, 275_000, 100)
    );
    assert_eq!(
        (o.side, o.status, o.client_order_id),
        (Side::Buy as u8, OrderStatus::Open as u8, 7)
    );
}

#[test]
fn place_order_buy_escrow_rounds_up() {
    // 0.010001 per kWh: 1 Wh is worth 10.001 units, so it escrows 11.
    let mut e = env_with(|p| p.min_price = 10_001);
    e.place_ok(Who::Buyer, Side::Buy, 0, 1);
    e.place_ok(Who::Buyer, Side::Buy, 0, 3);
    assert_eq!(e.ctx.vault_balances(&e.fx), (0, 11 + 31));
    let book = e.ctx.epoch_account(&e.epoch);
    assert_eq!((book.orders[0].escrow, book.orders[1].escrow), (11, 31));
}

#[test]
fn place_order_rejects_after_end_time() {
    let mut e = env();
    e.end_epoch();
    let before = e.ctx.snapshot(&e.watched());
    assert_error(
        &e.place(Who::Seller, Side::Sell, 10, 1_000),
        E::EpochEnded as u32,
    );
    assert_error(
        &e.place(Who::Buyer, Side::Buy, 10, 1_000),
        E::EpochEnded as u32,
    );
    e.ctx.assert_unchanged(&before);
}

#[test]
fn place_order_rejects_tick_off_grid() {
    let mut e = env();
    let before = e.ctx.snapshot(&e.watched());
    assert_error(
        &e.place(Who::Buyer, Side::Buy, 1_024, 1_000),
        E::TickOffGrid as u32,
    );
    assert_error(
        &e.place(Who::Seller, Side::Sell, u16::MAX, 1_000),
        E::TickOffGrid as u32,
    );
    e.ctx.assert_unchanged(&before);
    e.place_ok(Who::Buyer, Side::Buy, 1_023, 1_000);
}

#[test]
fn place_order_rejects_below_minimum_lot() {
    let mut e = env_with(|p| p.min_lot_wh = 100);
    let before = e.ctx.snapshot(&e.watched());
    assert_error(
        &e.place(Who::Seller, Side::Sell, 10, 99),
        E::BelowMinimumLot as u32,
    );
    assert_error(
        &e.place(Who::Buyer, Side::Buy, 10, 0),
        E::BelowMinimumLot as u32,
    );
    e.ctx.assert_unchanged(&before);
    e.place_ok(Who::Seller, Side::Sell, 10, 100);
}

#[test]
fn place_order_rejects_wrong_vault_or_mint() {
    let mut e = env();
    let other = e.ctx.default_market();
    let mut watched = e.watched();
    watched.extend([other.keys.energy_vault, other.keys.quote_vault]);
    let before = e.ctx.snapshot(&watched);
    let buyer = e.buyer.key.insecure_clone();
    let seller = e.seller.key.insecure_clone();
    let buy = |vault: Pubkey| {
        let mut ix = mkt::PlaceOrder {
            keys: e.fx.keys,
            epoch: e.epoch,
            owner: buyer.pubkey(),
            owner_token: e.buyer.quote,
            side: Side::Buy,
            limit_tick: 10,
            quantity_wh: 100,
            client_order_id: 0,
        }
        .instruction();
        ix.accounts[5].pubkey = vault;
        ix
    };
    // A buy escrowing into the energy vault, or into another market's vault.
    let (ix1, ix2) = (buy(e.fx.keys.energy_vault), buy(other.keys.quote_vault));
    assert_error(
        &e.ctx.send("place_order", &[ix1], &[&buyer]),
        E::WrongVault as u32,
    );
    assert_error(
        &e.ctx.send("place_order", &[ix2], &[&buyer]),
        E::WrongVault as u32,
    );
    // A sell paid from a quote-token account, or from a look-alike energy mint.
    let ix = mkt::PlaceOrder {
        keys: e.fx.keys,
        epoch: e.epoch,
        owner: seller.pubkey(),
        owner_token: e.seller.quote,
        side: Side::Sell,
        limit_tick: 10,
        quantity_wh: 100,
        client_order_id: 0,
    }
    .instruction();
    assert_error(
        &e.ctx.send("place_order", &[ix], &[&seller]),
        F::ConstraintTokenMint as u32,
    );
    let fake_mint = e.ctx.create_mint(&seller.pubkey(), 3);
    let fake = e.ctx.token_account(&seller.pubkey(), &fake_mint);
    e.ctx.mint_tokens(&fake_mint, &fake, &seller, 1_000);
    let ix = mkt::PlaceOrder {
        keys: e.fx.keys,
        epoch: e.epoch,
        owner: seller.pubkey(),
        owner_token: fake,
        side: Side::Sell,
        limit_tick: 10,
        quantity_wh: 100,
        client_order_id: 0,
    }
    .instruction();
    assert_error(
        &e.ctx.send("place_order", &[ix], &[&seller]),
        F::ConstraintTokenMint as u32,
    );
    e.ctx.assert_unchanged(&before);
    assert_eq!(e.ctx.balance(&fake), 1_000);
}

#[test]
fn place_order_rejects_someone_elses_token_account() {
    let mut e = env();
    let other = e.ctx.trader(&e.fx, 5_000, 10 * QUOTE_UNIT);
    let mut watched = e.watched();
    watched.extend([other.energy, other.quote]);
    let before = e.ctx.snapshot(&watched);
    let thief = e.buyer.key.insecure_clone();
    for (side, from) in [(Side::Buy, other.quote), (Side::Sell, other.energy)] {
        let ix = mkt::PlaceOrder {
            keys: e.fx.keys,
            epoch: e.epoch,
            owner: thief.pubkey(),
            owner_token: from,
            side,
            limit_tick: 10,
            quantity_wh: 100,
            client_order_id: 0,
        }
        .instruction();
        assert_error(
            &e.ctx.send("place_order", &[ix], &[&thief]),
            F::ConstraintTokenOwner as u32,
        );
    }
    e.ctx.assert_unchanged(&before);
}

#[test]
fn place_order_rejects_insufficient_funds() {
    let mut e = env();
    let before = e.ctx.snapshot(&e.watched());
    // 100 quote tokens buy at most 909 kWh at 0.110.
    assert_error(
        &e.place(Who::Buyer, Side::Buy, 100, 910_000),
        E::InsufficientFunds as u32,
    );
    assert_error(
        &e.place(Who::Seller, Side::Sell, 100, 100_001),
        E::InsufficientFunds as u32,
    );
    e.ctx.assert_unchanged(&before);
    e.place_ok(Who::Seller, Side::Sell, 100, 100_000);
}

#[test]
fn place_order_rejects_paused_registry() {
    let mut e = env();
    expect_ok(e.ctx.set_pause(reg::PAUSE_MARKET));
    let before = e.ctx.snapshot(&e.watched());
    assert_error(
        &e.place(Who::Seller, Side::Sell, 10, 1_000),
        E::MarketPaused as u32,
    );
    assert_error(
        &e.place(Who::Buyer, Side::Buy, 10, 1_000),
        E::MarketPaused as u32,
    );
    e.ctx.assert_unchanged(&before);
    expect_ok(e.ctx.set_pause(0));
    e.place_ok(Who::Seller, Side::Sell, 10, 1_000);
}

#[test]
fn place_order_rejects_epoch_of_another_market() {
    let mut e = env();
    let other = e.ctx.default_market();
    let other_epoch = e.ctx.open_epoch(&other);
    let mut watched = e.watched();
    watched.push(other_epoch);
    let before = e.ctx.snapshot(&watched);
    let seller = e.seller.key.insecure_clone();
    let ix = mkt::PlaceOrder {
        keys: e.fx.keys,
        epoch: other_epoch,
        owner: seller.pubkey(),
        owner_token: e.seller.energy,
        side: Side::Sell,
        limit_tick: 10,
        quantity_wh: 100,
        client_order_id: 0,
    }
    .instruction();
    assert_error(
        &e.ctx.send("place_order", &[ix], &[&seller]),
        E::EpochMarketMismatch as u32,
    );
    e.ctx.assert_unchanged(&before);
}

#[test]
fn place_order_rejects_full_book_and_reuses_cancelled_slots() {
    let mut e = env_with(|p| p.order_capacity = 3);
    for i in 0..3 {
        assert_eq!(e.place_ok(Who::Seller, Side::Sell, 10, 100), i);
    }
    let before = e.ctx.snapshot(&e.watched());
    assert_error(&e.place(Who::Buyer, Side::Buy, 10, 100), E::BookFull as u32);
    e.ctx.assert_unchanged(&before);
    let seller = e.trader(Who::Seller);
    expect_ok(e.ctx.cancel(&e.fx, &e.epoch, &seller, Side::Sell, 1, 7));
    assert_eq!(e.ctx.epoch_account(&e.epoch).header.free_head, 1);
    assert_eq!(
        e.place_ok(Who::Buyer, Side::Buy, 10, 100),
        1,
        "the cancelled slot is reused"
    );
    let h = e.ctx.epoch_account(&e.epoch).header;
    assert_eq!((h.free_head, h.order_count, h.live_orders), (NO_SLOT, 3, 3));
    assert_error(&e.place(Who::Buyer, Side::Buy, 10, 100), E::BookFull as u32);
}

#[test]
fn place_order_rejects_oversized_orders() {
    // Price 0.000001 per kWh: 2^40 Wh escrows 1.1 million units.
    let mut e = env_with(|p| {
        p.min_price = 1;
        p.tick_size = 1;
        p.min_order_value = 1;
    });
    let whale = e.ctx.trader(&e.fx, 0, u64::MAX / 2);
    let before = e.ctx.snapshot(&e.watched());
    let r = e.ctx.place(
        &e.fx,
        &e.epoch,
        &whale,
        Side::Buy,
        0,
        mkt::MAX_ORDER_WH + 1,
        0,
    );
    assert_error(&r, E::QuantityTooLarge as u32);
    e.ctx.assert_unchanged(&before);
    expect_ok(
        e.ctx
            .place(&e.fx, &e.epoch, &whale, Side::Buy, 0, mkt::MAX_ORDER_WH, 0),
    );
    let before = e.ctx.snapshot(&e.watched());
    let r = e.ctx.place(&e.fx, &e.epoch, &whale, Side::Buy, 0, 1, 0);
    assert_error(&r, E::EpochVolumeLimit as u32);
    e.ctx.assert_unchanged(&before);
    // At the top price of 2^40 per kWh, 2^40 Wh would escrow 2^80 / 1000.
    let mut ctx = TestContext::new();
    let mut p = default_params(&Pubkey::default());
    (p.min_price, p.tick_size, p.tick_count) = (mkt::MAX_PRICE, 1, 1);
    let fx = ctx.create_market_with(p);
    let epoch = ctx.open_epoch(&fx);
    let whale = ctx.trader(&fx, 0, u64::MAX);
    let r = ctx.place(&fx, &epoch, &whale, Side::Buy, 0, mkt::MAX_ORDER_WH, 0);
    assert_error(&r, E::EscrowTooLarge as u32);
    // 16,000 Wh at 2^40 per kWh is fine: 17.6 billion units.
    expect_ok(ctx.place(&fx, &epoch, &whale, Side::Buy, 0, 16_000, 0));
}

#[test]
fn place_order_rejects_malformed_and_unsigned() {
    let mut e = env();
    let before = e.ctx.snapshot(&e.watched());
    let seller = e.seller.key.insecure_clone();
    let mut ix = mkt::PlaceOrder {
        keys: e.fx.keys,
        epoch: e.epoch,
        owner: seller.pubkey(),
        owner_token: e.seller.energy,
        side: Side::Sell,
        limit_tick: 10,
        quantity_wh: 100,
        client_order_id: 0,
    }
    .instruction();
    ix.data[8] = 2; // no such side
    assert_error(
        &e.ctx.send("place_order", &[ix.clone()], &[&seller]),
        F::InstructionDidNotDeserialize as u32,
    );
    ix.data[8] = Side::Sell as u8;
    ix.accounts[0].is_signer = false;
    assert_error(
        &e.ctx.send("place_order", &[ix], &[]),
        F::ConstraintSigner as u32,
    );
    e.ctx.assert_unchanged(&before);
}
