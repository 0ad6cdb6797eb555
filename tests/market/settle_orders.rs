//! `settle_orders`: the crank pays fills, refunds and fees.

use super::*;

#[test]
fn settle_orders_ok_pays_fills_refunds_and_fees() {
    let mut e = env();
    let (_, b2, b3, [s, b1, id2, id3]) = rationed_book(&mut e);
    e.end_epoch();
    expect_ok(e.ctx.clear(&e.epoch));
    let q0 = (
        e.ctx.balance(&e.seller.quote),
        e.ctx.balance(&e.buyer.quote),
        e.ctx.balance(&b2.quote),
    );
    let ok = expect_ok(e.ctx.settle(&e.fx, &e.epoch, &[s, b1, id2, id3]));
    // Seller: 5 kWh × 0.025 = 0.125 gross, 0.5 % fee = 625 units.
    assert_eq!(e.ctx.balance(&e.seller.quote) - q0.0, 124_375);
    assert_eq!(e.ctx.balance(&e.seller.energy), 95_000);
    // Buyer at 30: 3 kWh for 75,000 out of an escrow of 120,000.
    assert_eq!(e.ctx.balance(&e.buyer.energy), 3_000);
    assert_eq!(e.ctx.balance(&e.buyer.quote) - q0.1, 45_000);
    // Buyers at 20: 1 kWh each for 25,000 out of 60,000.
    for b in [&b2, &b3] {
        assert_eq!(e.ctx.balance(&b.energy), 1_000);
        assert_eq!(e.ctx.balance(&b.quote), QUOTE_UNIT - 25_000);
    }
    assert_eq!(e.ctx.balance(&b2.quote), q0.2 + 35_000);
    // The fee went to the fee recipient; the vaults are empty.
    assert_eq!(
        (
            e.ctx.balance(&e.fx.fee_quote),
            e.ctx.balance(&e.fx.fee_energy)
        ),
        (625, 0)
    );
    assert_eq!(e.ctx.vault_balances(&e.fx), (0, 0));
    let book = e.ctx.epoch_account(&e.epoch);
    assert_eq!(book.state(), Some(EpochState::Settled));
    assert_eq!(
        (
            book.header.quote_held,
            book.header.energy_held_wh,
            book.header.live_orders
        ),
        (0, 0, 0)
    );
    assert!(book.orders[..4]
        .iter()
        .all(|o| o.status == OrderStatus::Settled as u8));
    let batch = mkt::orders_settled(&ok.logs);
    assert_eq!(batch.len(), 1, "one event per settle_orders");
    let ev = &batch[0];
    assert_eq!(
        (ev.epoch, ev.quote_held_before, ev.quote_held_after),
        (e.epoch, 240_000, 625)
    );
    assert_eq!(
        (
            ev.energy_held_before_wh,
            ev.energy_held_after_wh,
            ev.orders.len()
        ),
        (5_000, 0, 4)
    );
    let o = ev.orders[0];
    assert_eq!(
        ({ o.order_id }, o.owner, o.side),
        (s, e.seller.pubkey(), Side::Sell as u8)
    );
    assert_eq!(
        ({ o.filled_wh }, { o.quote_amount }, { o.fee }, {
            o.quote_out
        }),
        (5_000, 125_000, 625, 124_375)
    );
    let o = ev.orders[2];
    assert_eq!(
        ({ o.filled_wh }, { o.quote_amount }, { o.energy_out_wh }, {
            o.quote_out
        }),
        (1_000, 25_000, 1_000, 35_000)
    );
    let sweep: mkt::EpochSettled = joule_sdk::events::decode(&ok.logs).expect("EpochSettled");
    assert_eq!(
        ({ sweep.fees_quote }, { sweep.quote_swept }, {
            sweep.energy_swept_wh
        }),
        (625, 625, 0)
    );
}

#[test]
fn settle_orders_sweeps_rounding_dust_to_the_fee_recipient() {
    // One seller of 1 kWh, three buyers of 1 kWh at the same tick: each
    // buyer's exact share is 333.33 Wh. In order id order they receive 333,
    // 333 and 334 Wh (the rounding carried), the whole 1 kWh, and each pays
    // for exactly what it received at 0.020 per kWh; the seller is paid for
    // 1 kWh less its fee. No energy dust is left.
    let mut e = env();
    let s = e.place_ok(Who::Seller, Side::Sell, 10, 1_000);
    let buyers: Vec<Trader> = (0..3).map(|_| e.ctx.trader(&e.fx, 0, QUOTE_UNIT)).collect();
    let mut ids = vec![s];
    for b in &buyers {
        ids.push(e.ctx.place_ok(&e.fx, &e.epoch, b, Side::Buy, 10, 1_000));
    }
    e.end_epoch();
    expect_ok(e.ctx.clear(&e.epoch));
    let c = e.ctx.epoch_account(&e.epoch).clearing().unwrap();
    assert_eq!(
        (c.price, c.volume_wh, c.buy_fill_num, c.buy_fill_den),
        (20_000, 1_000, 1_000, 3_000)
    );
    // Settled in two transactions, the seller last.
    expect_ok(e.ctx.settle(&e.fx, &e.epoch, &ids[1..]));
    assert_eq!(
        e.ctx.epoch_account(&e.epoch).state(),
        Some(EpochState::Cleared)
    );
    expect_ok(e.ctx.settle(&e.fx, &e.epoch, &ids[..1]));
    for (b, wh) in buyers.iter().zip([333, 333, 334]) {
        assert_eq!(
            (e.ctx.balance(&b.energy), e.ctx.balance(&b.quote)),
            (wh, QUOTE_UNIT - wh * 20)
        );
    }
    assert_eq!(e.ctx.balance(&e.seller.quote), 20_000 - 100);
    // The 100-unit fee; no dust of either token.
    assert_eq!(
        (
            e.ctx.balance(&e.fx.fee_energy),
            e.ctx.balance(&e.fx.fee_quote)
        ),
        (0, 100)
    );
    assert_eq!(e.ctx.vault_balances(&e.fx), (0, 0));
}

/// Attack (audit defect 7): twelve 1 Wh bids share 9 Wh at the marginal
/// tick. Under the old rule every buyer received `floor(0.75) = 0` Wh, paid
/// for 0.75 Wh, and the fee recipient swept all 9 Wh. Now nine buyers
/// receive 1 Wh each and pay for exactly 1 Wh, three receive nothing and
/// pay nothing, and no energy is left for the sweep.
#[test]
fn settle_orders_pro_rata_buyers_never_pay_for_energy_they_do_not_receive() {
    let mut e = env();
    let s = e.place_ok(Who::Seller, Side::Sell, 10, 9);
    let buyers: Vec<Trader> = (0..12)
        .map(|_| e.ctx.trader(&e.fx, 0, QUOTE_UNIT))
        .collect();
    let mut ids = vec![s];
    for b in &buyers {
        ids.push(e.ctx.place_ok(&e.fx, &e.epoch, b, Side::Buy, 10, 1));
    }
    e.end_epoch();
    expect_ok(e.ctx.clear(&e.epoch));
    let c = e.ctx.epoch_account(&e.epoch).clearing().unwrap();
    assert_eq!((c.volume_wh, c.buy_fill_num, c.buy_fill_den), (9, 9, 12));
    let price = c.price;
    e.ctx.settle_all(&e.fx, &e.epoch, 29, false);
    let mut received = 0;
    for b in &buyers {
        let (wh, paid) = (
            e.ctx.balance(&b.energy),
            QUOTE_UNIT - e.ctx.balance(&b.quote),
        );
        assert!(wh <= 1);
        // Each pays exactly for what it received: ceil(wh × price / 1000).
        assert_eq!(
            paid,
            (wh * price).div_ceil(1_000),
            "paid {paid} for {wh} Wh"
        );
        received += wh;
    }
    assert_eq!(received, 9, "the matched volume is delivered");
    // In order id order, buyer k receives floor(9k/12) − floor(9(k−1)/12).
    let got: Vec<u64> = buyers.iter().map(|b| e.ctx.balance(&b.energy)).collect();
    assert_eq!(got, [0, 1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1]);
    assert_eq!(e.ctx.balance(&e.fx.fee_energy), 0, "no energy swept");
    assert_eq!(e.ctx.vault_balances(&e.fx), (0, 0));
}

/// The pro-rata orders must settle in ascending order id: a crank cannot
/// skip one (the carried rounding would change) or go back; the others
/// settle in any order.
#[test]
fn settle_orders_rejects_pro_rata_orders_out_of_sequence() {
    let mut e = env();
    let s = e.place_ok(Who::Seller, Side::Sell, 10, 10);
    let buyers: Vec<Trader> = (0..3).map(|_| e.ctx.trader(&e.fx, 0, QUOTE_UNIT)).collect();
    let ids: Vec<u32> = buyers
        .iter()
        .map(|b| e.ctx.place_ok(&e.fx, &e.epoch, b, Side::Buy, 10, 7))
        .collect();
    e.end_epoch();
    expect_ok(e.ctx.clear(&e.epoch));
    assert!(ids
        .iter()
        .all(|id| e.ctx.epoch_account(&e.epoch).is_pro_rata_order(*id)));
    let mut watched = e.watched();
    watched.extend(buyers.iter().flat_map(|b| [b.energy, b.quote, b.pubkey()]));
    let before = e.ctx.snapshot(&watched);
    for bad in [
        vec![ids[1]],
        vec![ids[2]],
        vec![ids[1], ids[0]],
        vec![ids[0], ids[2]],
    ] {
        assert_error(
            &e.ctx.settle(&e.fx, &e.epoch, &bad),
            E::MarginalOrderOutOfSequence as u32,
        );
    }
    e.ctx.assert_unchanged(&before);
    // The seller (fills in full) settles whenever; then the buyers in order.
    expect_ok(e.ctx.settle(&e.fx, &e.epoch, &[s]));
    expect_ok(e.ctx.settle(&e.fx, &e.epoch, &[ids[0]]));
    let before = e.ctx.snapshot(&watched);
    assert_error(
        &e.ctx.settle(&e.fx, &e.epoch, &[ids[2]]),
        E::MarginalOrderOutOfSequence as u32,
    );
    e.ctx.assert_unchanged(&before);
    expect_ok(e.ctx.settle(&e.fx, &e.epoch, &[ids[1], ids[2]]));
    // 10 Wh over 21 Wh of bids: 3, 3 and 4 Wh.
    let got: Vec<u64> = buyers.iter().map(|b| e.ctx.balance(&b.energy)).collect();
    assert_eq!(got, [3, 3, 4]);
    assert_eq!(e.ctx.vault_balances(&e.fx), (0, 0));
}

#[test]
fn settle_orders_without_crossing_refunds_everyone() {
    let mut e = env();
    let s = e.place_ok(Who::Seller, Side::Sell, 500, 2_000);
    let b = e.place_ok(Who::Buyer, Side::Buy, 499, 2_000);
    e.end_epoch();
    let ok = expect_ok(e.ctx.clear(&e.epoch));
    let ev: mkt::EpochCleared = joule_sdk::events::decode(&ok.logs).unwrap();
    assert_eq!({ ev.volume_wh }, 0);
    expect_ok(e.ctx.settle(&e.fx, &e.epoch, &[s, b]));
    assert_eq!(
        (
            e.ctx.balance(&e.seller.energy),
            e.ctx.balance(&e.buyer.quote)
        ),
        (100_000, 100 * QUOTE_UNIT)
    );
    assert_eq!(
        (
            e.ctx.balance(&e.seller.quote),
            e.ctx.balance(&e.buyer.energy)
        ),
        (0, 0)
    );
    assert_eq!(e.ctx.vault_balances(&e.fx), (0, 0));
    assert_eq!(
        (
            e.ctx.balance(&e.fx.fee_energy),
            e.ctx.balance(&e.fx.fee_quote)
        ),
        (0, 0)
    );
    assert_eq!(
        e.ctx.epoch_account(&e.epoch).state(),
        Some(EpochState::Settled)
    );
}

#[test]
fn settle_orders_rejects_settling_before_clear() {
    let mut e = env();
    let s = e.place_ok(Who::Seller, Side::Sell, 10, 1_000);
    e.end_epoch();
    let before = e.ctx.snapshot(&e.watched());
    assert_error(
        &e.ctx.settle(&e.fx, &e.epoch, &[s]),
        E::EpochNotCleared as u32,
    );
    e.ctx.assert_unchanged(&before);
}

#[test]
fn settle_orders_rejects_settling_twice() {
    let mut e = env();
    let s = e.place_ok(Who::Seller, Side::Sell, 10, 1_000);
    let b = e.place_ok(Who::Buyer, Side::Buy, 10, 1_000);
    e.end_epoch();
    expect_ok(e.ctx.clear(&e.epoch));
    // Twice in one transaction.
    let before = e.ctx.snapshot(&e.watched());
    assert_error(
        &e.ctx.settle(&e.fx, &e.epoch, &[s, s]),
        E::OrderAlreadySettled as u32,
    );
    e.ctx.assert_unchanged(&before);
    // In a later transaction.
    expect_ok(e.ctx.settle(&e.fx, &e.epoch, &[s]));
    let before = e.ctx.snapshot(&e.watched());
    assert_error(
        &e.ctx.settle(&e.fx, &e.epoch, &[s]),
        E::OrderAlreadySettled as u32,
    );
    e.ctx.assert_unchanged(&before);
    // Once the epoch is settled.
    expect_ok(e.ctx.settle(&e.fx, &e.epoch, &[b]));
    let before = e.ctx.snapshot(&e.watched());
    assert_error(
        &e.ctx.settle(&e.fx, &e.epoch, &[b]),
        E::EpochAlreadySettled as u32,
    );
    e.ctx.assert_unchanged(&before);
}

#[test]
fn settle_orders_rejects_order_of_another_epoch() {
    let mut e = env_with(|p| p.epoch_length_secs = 60);
    let first = e.epoch;
    e.place_ok(Who::Seller, Side::Sell, 10, 1_000);
    let b = e.place_ok(Who::Buyer, Side::Buy, 10, 1_000);
    e.end_epoch();
    expect_ok(e.ctx.clear(&first));
    // The next epoch: one order, of someone else.
    e.epoch = e.ctx.open_epoch(&e.fx);
    let other = e.ctx.trader(&e.fx, 0, QUOTE_UNIT);
    let o = e
        .ctx
        .place_ok(&e.fx, &e.epoch, &other, Side::Buy, 10, 1_000);
    e.end_epoch();
    expect_ok(e.ctx.clear(&e.epoch));
    let mut watched = e.watched();
    watched.extend([first, other.quote, other.energy]);
    let before = e.ctx.snapshot(&watched);
    // The first epoch's order 1 does not exist in the second.
    let items = e.ctx.settle_items(&e.fx, &first, &[b]);
    let ix = e.ctx.settle_ix(&e.fx, &e.epoch, &items);
    assert_error(
        &e.ctx.send("settle_orders", &[ix], &[]),
        E::OrderNotFound as u32,
    );
    // Order 0 of the second epoch is not the seller's order 0 of the first:
    // its refund cannot go to the seller.
    let items = e.ctx.settle_items(&e.fx, &first, &[o]);
    let ix = e.ctx.settle_ix(&e.fx, &e.epoch, &items);
    assert_error(
        &e.ctx.send("settle_orders", &[ix], &[]),
        E::OwnerAccountMismatch as u32,
    );
    e.ctx.assert_unchanged(&before);
}

#[test]
fn settle_orders_rejects_epoch_or_vaults_of_another_market() {
    let mut e = env();
    let s = e.place_ok(Who::Seller, Side::Sell, 10, 1_000);
    e.end_epoch();
    expect_ok(e.ctx.clear(&e.epoch));
    let other = e.ctx.default_market();
    let mut watched = e.watched();
    watched.extend([other.keys.energy_vault, other.keys.quote_vault]);
    let before = e.ctx.snapshot(&watched);
    let items = e.ctx.settle_items(&e.fx, &e.epoch, &[s]);
    let ix = mkt::SettleOrders {
        keys: other.keys,
        epoch: e.epoch,
        fee_energy: other.fee_energy,
        fee_quote: other.fee_quote,
        orders: &items,
    }
    .instruction();
    assert_error(
        &e.ctx.send("settle_orders", &[ix], &[]),
        E::EpochMarketMismatch as u32,
    );
    let mut ix = e.ctx.settle_ix(&e.fx, &e.epoch, &items);
    ix.accounts[3].pubkey = other.keys.energy_vault;
    assert_error(
        &e.ctx.send("settle_orders", &[ix], &[]),
        E::WrongVault as u32,
    );
    e.ctx.assert_unchanged(&before);
}

#[test]
fn settle_orders_rejects_payouts_to_someone_elses_accounts() {
    let mut e = env();
    let s = e.place_ok(Who::Seller, Side::Sell, 10, 1_000);
    let b = e.place_ok(Who::Buyer, Side::Buy, 10, 1_000);
    e.end_epoch();
    expect_ok(e.ctx.clear(&e.epoch));
    let crank = e.ctx.trader(&e.fx, 0, 0);
    let mut watched = e.watched();
    watched.extend([crank.energy, crank.quote]);
    let before = e.ctx.snapshot(&watched);
    for id in [s, b] {
        let owner = e.ctx.epoch_account(&e.epoch).orders[id as usize].owner;
        let items = [SettleOrder {
            order_id: id,
            energy_account: crank.energy,
            quote_account: crank.quote,
            owner,
        }];
        let ix = e.ctx.settle_ix(&e.fx, &e.epoch, &items);
        assert_error(
            &e.ctx.send("settle_orders", &[ix], &[]),
            F::ConstraintTokenOwner as u32,
        );
    }
    // The fee sweep, too, only pays the fee recipient.
    let items = e.ctx.settle_items(&e.fx, &e.epoch, &[s, b]);
    let ix = mkt::SettleOrders {
        keys: e.fx.keys,
        epoch: e.epoch,
        fee_energy: crank.energy,
        fee_quote: crank.quote,
        orders: &items,
    }
    .instruction();
    assert_error(
        &e.ctx.send("settle_orders", &[ix], &[]),
        F::ConstraintTokenOwner as u32,
    );
    e.ctx.assert_unchanged(&before);
}

#[test]
fn settle_orders_rejects_bad_account_lists() {
    let mut e = env();
    let s = e.place_ok(Who::Seller, Side::Sell, 10, 1_000);
    e.end_epoch();
    expect_ok(e.ctx.clear(&e.epoch));
    let before = e.ctx.snapshot(&e.watched());
    let items = e.ctx.settle_items(&e.fx, &e.epoch, &[s]);
    let mut ix = e.ctx.settle_ix(&e.fx, &e.epoch, &items);
    ix.accounts.pop();
    assert_error(
        &e.ctx.send("settle_orders", &[ix], &[]),
        E::SettlementAccountsMismatch as u32,
    );
    let ix = e.ctx.settle_ix(&e.fx, &e.epoch, &[]);
    assert_error(&e.ctx.send("settle_orders", &[ix], &[]), E::NoOrders as u32);
    e.ctx.assert_unchanged(&before);
}

#[test]
fn settle_orders_while_paused_only_refunds() {
    let mut e = env();
    let s = e.place_ok(Who::Seller, Side::Sell, 10, 1_000);
    let b = e.place_ok(Who::Buyer, Side::Buy, 10, 1_000);
    let late = e.place_ok(Who::Buyer, Side::Buy, 5, 1_000);
    e.end_epoch();
    expect_ok(e.ctx.clear(&e.epoch));
    expect_ok(e.ctx.set_pause(reg::PAUSE_MARKET));
    let before = e.ctx.snapshot(&e.watched());
    assert_error(&e.ctx.settle(&e.fx, &e.epoch, &[s]), E::MarketPaused as u32);
    assert_error(
        &e.ctx.settle(&e.fx, &e.epoch, &[late, b]),
        E::MarketPaused as u32,
    );
    e.ctx.assert_unchanged(&before);
    // The unfilled buy is a pure refund.
    let q = e.ctx.balance(&e.buyer.quote);
    expect_ok(e.ctx.settle(&e.fx, &e.epoch, &[late]));
    assert_eq!(
        e.ctx.balance(&e.buyer.quote) - q,
        math::buy_escrow(1_000, e.price(5)).unwrap()
    );
    expect_ok(e.ctx.set_pause(0));
    expect_ok(e.ctx.settle(&e.fx, &e.epoch, &[s, b]));
    assert_eq!(e.ctx.vault_balances(&e.fx), (0, 0));
}

/// Attack (audit defect 4): while the market is paused, settling an
/// epoch's last order as a pure refund used to sweep the fees and dust to
/// the fee recipient too. Now only the refund moves; the epoch stays
/// cleared with nothing live, an empty `settle_orders` is refused until the
/// pause is lifted, and then sweeps.
#[test]
fn settle_orders_does_not_sweep_fees_while_paused() {
    let mut e = env();
    let s = e.place_ok(Who::Seller, Side::Sell, 10, 1_000);
    let b = e.place_ok(Who::Buyer, Side::Buy, 10, 1_000);
    let late = e.place_ok(Who::Buyer, Side::Buy, 5, 1_000);
    e.end_epoch();
    expect_ok(e.ctx.clear(&e.epoch));
    // The trade settles (fee collected), the refund is left for last.
    expect_ok(e.ctx.settle(&e.fx, &e.epoch, &[s, b]));
    let fees = e.ctx.epoch_account(&e.epoch).header.fees_quote;
    assert!(fees > 0);
    expect_ok(e.ctx.set_pause(reg::PAUSE_MARKET));
    let fee_accounts = [e.fx.fee_energy, e.fx.fee_quote];
    let before = e.ctx.snapshot(&fee_accounts);
    let q = e.ctx.balance(&e.buyer.quote);
    expect_ok(e.ctx.settle(&e.fx, &e.epoch, &[late]));
    assert_eq!(
        e.ctx.balance(&e.buyer.quote) - q,
        math::buy_escrow(1_000, e.price(5)).unwrap(),
        "the refund moves"
    );
    e.ctx.assert_unchanged(&before);
    let h = e.ctx.epoch_account(&e.epoch).header;
    assert_eq!((h.state, h.live_orders), (EpochState::Cleared as u8, 0));
    assert_eq!(
        e.ctx.vault_balances(&e.fx),
        (0, fees),
        "the fees wait in the vault"
    );
    // Still paused: the sweep is refused.
    let before = e.ctx.snapshot(&e.watched());
    assert_error(&e.ctx.settle(&e.fx, &e.epoch, &[]), E::MarketPaused as u32);
    e.ctx.assert_unchanged(&before);
    let payer = e.ctx.payer.pubkey();
    assert_error(
        &e.ctx.close_epoch(&e.epoch, &payer),
        E::EpochNotSettled as u32,
    );
    // Unpaused: an empty settlement sweeps and settles the epoch.
    expect_ok(e.ctx.set_pause(0));
    expect_ok(e.ctx.settle(&e.fx, &e.epoch, &[]));
    assert_eq!(e.ctx.balance(&e.fx.fee_quote), fees);
    assert_eq!(e.ctx.vault_balances(&e.fx), (0, 0));
    assert_eq!(
        e.ctx.epoch_account(&e.epoch).state(),
        Some(EpochState::Settled)
    );
    // Nothing left to sweep twice.
    assert_error(
        &e.ctx.settle(&e.fx, &e.epoch, &[]),
        E::EpochAlreadySettled as u32,
    );
    expect_ok(e.ctx.close_epoch(&e.epoch, &payer));
}

#[test]
fn settle_orders_pays_an_owner_who_closed_an_account_into_a_new_one() {
    let mut e = env();
    let s = e.place_ok(Who::Seller, Side::Sell, 10, 1_000);
    let b = e.place_ok(Who::Buyer, Side::Buy, 10, 1_000);
    e.end_epoch();
    expect_ok(e.ctx.clear(&e.epoch));
    // The buyer closes its (empty) energy account.
    let buyer = e.buyer.key.insecure_clone();
    let close = Instruction {
        program_id: joule_sdk::TOKEN_PROGRAM_ID,
        accounts: vec![
            solana_instruction::AccountMeta::new(e.buyer.energy, false),
            solana_instruction::AccountMeta::new(buyer.pubkey(), false),
            solana_instruction::AccountMeta::new_readonly(buyer.pubkey(), true),
        ],
        data: vec![9],
    };
    expect_ok(e.ctx.send_unrecorded(&[close], &[&buyer]));
    assert_error(
        &e.ctx.settle(&e.fx, &e.epoch, &[b]),
        F::AccountOwnedByWrongProgram as u32,
    );
    // The crank creates a token account for the buyer and pays it there.
    let fresh = e.ctx.token_account(&buyer.pubkey(), &e.fx.keys.energy_mint);
    let items = [SettleOrder {
        order_id: b,
        energy_account: fresh,
        quote_account: e.buyer.quote,
        owner: buyer.pubkey(),
    }];
    let ix = e.ctx.settle_ix(&e.fx, &e.epoch, &items);
    expect_ok(e.ctx.send("settle_orders", &[ix], &[]));
    assert_eq!(e.ctx.balance(&fresh), 1_000);
    expect_ok(e.ctx.settle(&e.fx, &e.epoch, &[s]));
    assert_eq!(e.ctx.vault_balances(&e.fx), (0, 0));
}
