//! `open_epoch`: anyone opens the next epoch of a market.

use super::*;

#[test]
fn open_epoch_ok() {
    let mut ctx = TestContext::new();
    let fx = ctx.default_market();
    let now = ctx.now();
    let (epoch, res) = ctx.try_open_epoch(&fx);
    let ok = expect_ok(res);
    let e = ctx.epoch_account(&epoch);
    let h = e.header;
    assert_eq!(
        (h.market, h.rent_payer, h.index),
        (fx.keys.market, ctx.payer.pubkey(), 0)
    );
    assert_eq!((h.start_ts, h.end_ts), (now, now + 3_600));
    assert_eq!(
        (h.min_price, h.tick_size, h.tick_count, h.fee_bps),
        (10_000, 1_000, 1_024, 50)
    );
    assert_eq!(
        (h.order_capacity, h.order_count, h.live_orders, h.free_head),
        (256, 0, 0, NO_SLOT)
    );
    assert_eq!(e.state(), Some(EpochState::Open));
    assert_eq!(
        (e.demand.len(), e.supply.len(), e.orders.len()),
        (1_024, 1_024, 256)
    );
    assert_eq!(
        ctx.data(&epoch).unwrap().len(),
        mkt::epoch_space(1_024, 256)
    );
    let m = ctx.market(&fx);
    assert_eq!(
        (m.next_epoch_index, m.current_epoch, m.current_epoch_end_ts),
        (1, epoch, now + 3_600)
    );
    let ev: mkt::EpochOpened = joule_sdk::events::decode(&ok.logs).expect("EpochOpened");
    assert_eq!(
        (ev.epoch, { ev.index }, { ev.end_ts }),
        (epoch, 0, now + 3_600)
    );
    cu_budget("open_epoch", budgets::BUDGET_OPEN_EPOCH);
}

#[test]
fn open_epoch_rejects_opening_before_the_current_epoch_ends() {
    let mut ctx = TestContext::new();
    let fx = ctx.default_market();
    let first = ctx.open_epoch(&fx);
    ctx.advance(3_599);
    let before = ctx.snapshot(&[fx.keys.market, first]);
    let (second, res) = ctx.try_open_epoch(&fx);
    assert_error(&res, E::PreviousEpochNotEnded as u32);
    assert!(
        !ctx.exists(&second),
        "the epoch account is not created either"
    );
    ctx.assert_unchanged(&before);
    // From the end time on, anyone may open the next one.
    ctx.advance(1);
    let second = ctx.open_epoch(&fx);
    assert_eq!(ctx.epoch_account(&second).header.index, 1);
    assert_eq!(ctx.market(&fx).next_epoch_index, 2);
}

#[test]
fn open_epoch_rejects_a_bad_epoch_account() {
    let mut ctx = TestContext::new();
    let fx = ctx.default_market();
    let market = ctx.market(&fx);
    let space = mkt::epoch_space(market.tick_count, market.order_capacity);
    let payer = ctx.payer.insecure_clone();
    let before = ctx.snapshot(&[fx.keys.market]);
    let try_with = |ctx: &mut TestContext, space: usize, owner: Pubkey| {
        let k = Keypair::new();
        let rent = ctx.svm.minimum_balance_for_rent_exemption(space);
        let ixs = [
            joule_sdk::token::create_account(
                &payer.pubkey(),
                &k.pubkey(),
                rent,
                space as u64,
                &owner,
            ),
            mkt::OpenEpoch {
                payer: payer.pubkey(),
                market: fx.keys.market,
                epoch: k.pubkey(),
            }
            .instruction(),
        ];
        ctx.send("open_epoch", &ixs, &[&k])
    };
    assert_error(
        &try_with(&mut ctx, space - 64, mkt::ID),
        E::InvalidEpochAccount as u32,
    );
    assert_error(
        &try_with(&mut ctx, space + 64, mkt::ID),
        E::InvalidEpochAccount as u32,
    );
    assert_error(
        &try_with(&mut ctx, space, joule_sdk::SYSTEM_PROGRAM_ID),
        E::InvalidEpochAccount as u32,
    );
    // No account created at all.
    let nobody = Keypair::new();
    let ix = mkt::OpenEpoch {
        payer: payer.pubkey(),
        market: fx.keys.market,
        epoch: nobody.pubkey(),
    }
    .instruction();
    assert_error(
        &ctx.send("open_epoch", &[ix], &[&nobody]),
        E::InvalidEpochAccount as u32,
    );
    ctx.assert_unchanged(&before);
    // An epoch already initialised cannot be opened again.
    let k = Keypair::new();
    let rent = ctx.svm.minimum_balance_for_rent_exemption(space);
    let ixs = mkt::OpenEpoch {
        payer: payer.pubkey(),
        market: fx.keys.market,
        epoch: k.pubkey(),
    }
    .with_account(&market, rent);
    expect_ok(ctx.send("open_epoch", &ixs, &[&k]));
    ctx.advance(3_600);
    let before = ctx.snapshot(&[fx.keys.market, k.pubkey()]);
    let ix = mkt::OpenEpoch {
        payer: payer.pubkey(),
        market: fx.keys.market,
        epoch: k.pubkey(),
    }
    .instruction();
    assert_error(
        &ctx.send("open_epoch", &[ix], &[&k]),
        E::InvalidEpochAccount as u32,
    );
    ctx.assert_unchanged(&before);
}

/// Attack (audit defect 3): Mallory finds a zeroed account of the epoch's
/// size that Alice created for this program (in a separate transaction
/// from her `open_epoch`) and opens it herself, to collect its rent at
/// close. The epoch account must sign `open_epoch`: without Alice's key
/// nothing happens; Alice then opens it.
#[test]
fn open_epoch_rejects_an_epoch_account_that_does_not_sign() {
    let mut ctx = TestContext::new();
    let fx = ctx.default_market();
    let market = ctx.market(&fx);
    let space = mkt::epoch_space(market.tick_count, market.order_capacity);
    let alice = ctx.new_user();
    let k = Keypair::new();
    let rent = ctx.svm.minimum_balance_for_rent_exemption(space);
    expect_ok(ctx.send_unrecorded(
        &[joule_sdk::token::create_account(
            &alice.pubkey(),
            &k.pubkey(),
            rent,
            space as u64,
            &mkt::ID,
        )],
        &[&alice, &k],
    ));
    let mallory = ctx.new_user();
    let before = ctx.snapshot(&[fx.keys.market, k.pubkey(), mallory.pubkey(), alice.pubkey()]);
    let mut ix = mkt::OpenEpoch {
        payer: mallory.pubkey(),
        market: fx.keys.market,
        epoch: k.pubkey(),
    }
    .instruction();
    ix.accounts[3].is_signer = false;
    assert_error(
        &ctx.send("open_epoch", &[ix], &[&mallory]),
        F::ConstraintSigner as u32,
    );
    ctx.assert_unchanged(&before);
    let ix = mkt::OpenEpoch {
        payer: alice.pubkey(),
        market: fx.keys.market,
        epoch: k.pubkey(),
    }
    .instruction();
    expect_ok(ctx.send("open_epoch", &[ix], &[&alice, &k]));
    assert_eq!(
        ctx.epoch_account(&k.pubkey()).header.rent_payer,
        alice.pubkey()
    );
}

#[test]
fn open_epoch_rejects_paused_market() {
    let mut ctx = TestContext::new();
    let fx = ctx.default_market();
    expect_ok(ctx.set_pause(reg::PAUSE_MARKET));
    let before = ctx.snapshot(&[fx.keys.market]);
    assert_error(&ctx.try_open_epoch(&fx).1, E::MarketPaused as u32);
    ctx.assert_unchanged(&before);
    // Pausing the registry alone does not stop the market.
    expect_ok(ctx.set_pause(reg::PAUSE_REGISTRY));
    ctx.open_epoch(&fx);
}
