//! Market program, run as real SBF in litesvm.
//!
//! Every instruction has a good-path test and one test per failure mode
//! (exact error code, nothing moved). Then: the reference clearing against
//! the program's math on random books off-chain and against the real
//! program on-chain, conservation to the unit, scale, compute budgets and
//! the IDL.

use joule_sdk::{
    idl::decode::{decode_ix_args, decode_type},
    market::{
        self as mkt,
        math::{self, Clearing},
        reference::{self, RefOrder},
        EpochState, MarketError as E, MarketKeys, MarketParams, OrderStatus, SettleOrder, Side,
        NO_SLOT,
    },
    registry as reg, FrameworkError as F, Instruction, Pubkey,
};
use joule_tests::{
    assert_error,
    cu::{self, cu_budget},
    expect_ok,
    market::{default_params, market_scenario, MarketFixture, Trader, QUOTE_UNIT},
    TestContext, TokenImpl, TxResult,
};
use rand::{rngs::StdRng, Rng, SeedableRng};
use solana_keypair::Keypair;
use solana_signer::Signer;
use std::collections::HashMap;

/// A market with an open epoch, a seller holding 100 kWh of real energy
/// tokens and a buyer holding 100 quote tokens.
struct Env {
    ctx: TestContext,
    fx: MarketFixture,
    epoch: Pubkey,
    seller: Trader,
    buyer: Trader,
}

fn env() -> Env {
    env_with(|_| {})
}

fn env_with(f: impl FnOnce(&mut MarketParams)) -> Env {
    let mut ctx = TestContext::new();
    let mut params = default_params(&Pubkey::default());
    f(&mut params);
    let fx = ctx.create_market_with(params);
    let epoch = ctx.open_epoch(&fx);
    let seller = ctx.trader(&fx, 100_000, 0);
    let buyer = ctx.trader(&fx, 0, 100 * QUOTE_UNIT);
    Env {
        ctx,
        fx,
        epoch,
        seller,
        buyer,
    }
}

impl Env {
    /// Every account a market instruction of this env could move.
    fn watched(&self) -> Vec<Pubkey> {
        vec![
            self.epoch,
            self.fx.keys.market,
            self.fx.keys.energy_vault,
            self.fx.keys.quote_vault,
            self.fx.fee_energy,
            self.fx.fee_quote,
            self.seller.energy,
            self.seller.quote,
            self.buyer.energy,
            self.buyer.quote,
        ]
    }

    fn price(&self, tick: u16) -> u64 {
        self.fx.params.min_price + tick as u64 * self.fx.params.tick_size
    }

    fn place(&mut self, who: Who, side: Side, tick: u16, qty: u64) -> TxResult {
        let t = self.trader(who);
        self.ctx
            .place(&self.fx, &self.epoch, &t, side, tick, qty, 7)
    }

    fn place_ok(&mut self, who: Who, side: Side, tick: u16, qty: u64) -> u32 {
        let ok = expect_ok(self.place(who, side, tick, qty));
        mkt::order_id_from_return_data(&ok.return_data).expect("order id")
    }

    fn trader(&self, who: Who) -> Trader {
        let t = match who {
            Who::Seller => &self.seller,
            Who::Buyer => &self.buyer,
        };
        Trader {
            key: t.key.insecure_clone(),
            energy: t.energy,
            quote: t.quote,
        }
    }

    fn end_epoch(&mut self) {
        let end = self.ctx.epoch_account(&self.epoch).header.end_ts;
        self.ctx.set_time(end);
    }
}

#[derive(Clone, Copy)]
enum Who {
    Seller,
    Buyer,
}

// ======================================================================
// create_market
// ======================================================================

#[test]
fn create_market_ok() {
    let mut ctx = TestContext::new();
    let (fx, res) = ctx.try_create_market(default_params(&Pubkey::default()));
    let ok = expect_ok(res);
    let m = ctx.market(&fx);
    assert_eq!(m.energy_mint, reg::energy_mint_address());
    assert_eq!(m.quote_mint, fx.keys.quote_mint);
    assert_eq!(
        (m.energy_vault, m.quote_vault),
        (fx.keys.energy_vault, fx.keys.quote_vault)
    );
    assert_eq!(m.fee_recipient, fx.fee_recipient.pubkey());
    assert_eq!(
        (m.min_price, m.tick_size, m.tick_count),
        (10_000, 1_000, 1_024)
    );
    assert_eq!(
        (
            m.min_lot_wh,
            m.fee_bps,
            m.order_capacity,
            m.epoch_length_secs
        ),
        (1, 50, 256, 3_600)
    );
    assert_eq!(
        (m.next_epoch_index, m.current_epoch, m.current_epoch_end_ts),
        (0, Pubkey::default(), 0)
    );
    assert_eq!(m.bump, mkt::market_address(&m.energy_mint, &m.quote_mint).1);
    assert_eq!(m.version, mkt::STATE_VERSION);
    for (vault, mint) in [
        (fx.keys.energy_vault, fx.keys.energy_mint),
        (fx.keys.quote_vault, fx.keys.quote_mint),
    ] {
        let acc = ctx.svm.get_account(&vault).expect("vault");
        assert_eq!(acc.owner, joule_sdk::TOKEN_PROGRAM_ID);
        let (vmint, vowner, amount) =
            joule_sdk::token::decode_token_account(&acc.data).expect("token account");
        assert_eq!(
            (vmint, vowner, amount),
            (mint, fx.keys.market, 0),
            "a vault of the market PDA"
        );
    }
    let ev: mkt::MarketCreated = joule_sdk::events::decode(&ok.logs).expect("MarketCreated");
    assert_eq!(
        (ev.market, ev.quote_mint, ev.fee_recipient),
        (fx.keys.market, fx.keys.quote_mint, m.fee_recipient)
    );
    assert_eq!({ ev.tick_count }, 1_024);
}

#[test]
fn create_market_rejects_non_admin() {
    let mut ctx = TestContext::new();
    let attacker = ctx.new_user();
    let quote = ctx.create_mint(&attacker.pubkey(), 6);
    let keys = MarketKeys::new(&quote);
    let ix = mkt::create_market(
        &attacker.pubkey(),
        &keys,
        &default_params(&attacker.pubkey()),
    );
    assert_error(
        &ctx.send("create_market", &[ix], &[&attacker]),
        E::NotAdmin as u32,
    );
    assert!(
        !ctx.exists(&keys.market)
            && !ctx.exists(&keys.energy_vault)
            && !ctx.exists(&keys.quote_vault)
    );
}

#[test]
fn create_market_rejects_invalid_params() {
    type Edit = fn(&mut MarketParams);
    let cases: Vec<(&str, Edit, E)> = vec![
        (
            "zero epoch length",
            |p| p.epoch_length_secs = 0,
            E::InvalidEpochLength,
        ),
        (
            "epoch over 31 days",
            |p| p.epoch_length_secs = mkt::MAX_EPOCH_LENGTH_SECS + 1,
            E::InvalidEpochLength,
        ),
        ("no ticks", |p| p.tick_count = 0, E::InvalidPriceGrid),
        (
            "too many ticks",
            |p| p.tick_count = mkt::MAX_TICKS + 1,
            E::InvalidPriceGrid,
        ),
        ("zero tick size", |p| p.tick_size = 0, E::InvalidPriceGrid),
        (
            "top price above 2^40",
            |p| {
                p.min_price = mkt::MAX_PRICE;
                p.tick_size = 1;
                p.tick_count = 2;
            },
            E::InvalidPriceGrid,
        ),
        (
            "top price overflows",
            |p| p.tick_size = u64::MAX,
            E::InvalidPriceGrid,
        ),
        ("zero minimum lot", |p| p.min_lot_wh = 0, E::InvalidMinLot),
        (
            "minimum lot above the largest order",
            |p| p.min_lot_wh = mkt::MAX_ORDER_WH + 1,
            E::InvalidMinLot,
        ),
        (
            "fee above 10 %",
            |p| p.fee_bps = mkt::MAX_FEE_BPS + 1,
            E::InvalidFee,
        ),
        (
            "no order slots",
            |p| p.order_capacity = 0,
            E::InvalidOrderCapacity,
        ),
        (
            "too many order slots",
            |p| p.order_capacity = mkt::MAX_ORDER_CAPACITY + 1,
            E::InvalidOrderCapacity,
        ),
        // Audit defect 2: a grid from price 0 let orders escrow nothing.
        (
            "lowest price zero",
            |p| p.min_price = 0,
            E::InvalidPriceGrid,
        ),
        (
            "zero minimum order value",
            |p| p.min_order_value = 0,
            E::InvalidMinOrderValue,
        ),
        (
            "no order deposit",
            |p| p.order_deposit_lamports = 0,
            E::InvalidOrderDeposit,
        ),
        (
            "order deposit below the rent-exempt minimum of an empty account",
            |p| p.order_deposit_lamports = 100_000,
            E::InvalidOrderDeposit,
        ),
        (
            "order deposit above 1 SOL",
            |p| p.order_deposit_lamports = mkt::MAX_ORDER_DEPOSIT_LAMPORTS + 1,
            E::InvalidOrderDeposit,
        ),
    ];
    let mut ctx = TestContext::new();
    for (what, edit, err) in cases {
        let mut p = default_params(&Pubkey::default());
        edit(&mut p);
        let (fx, res) = ctx.try_create_market(p);
        match &res {
            Err(_) => assert_error(&res, err as u32),
            Ok(_) => panic!("{what}: accepted"),
        }
        assert!(!ctx.exists(&fx.keys.market), "{what}: market created");
    }
    // The top price may be exactly 2^40.
    let mut p = default_params(&Pubkey::default());
    p.min_price = mkt::MAX_PRICE - 1_023;
    p.tick_size = 1;
    expect_ok(ctx.try_create_market(p).1);
    // A default fee recipient, or the market itself.
    let admin = ctx.admin.insecure_clone();
    let quote = ctx.create_mint(&admin.pubkey(), 6);
    let keys = MarketKeys::new(&quote);
    let ix = mkt::create_market(&admin.pubkey(), &keys, &default_params(&Pubkey::default()));
    assert_error(
        &ctx.send("create_market", &[ix], &[&admin]),
        E::InvalidFeeRecipient as u32,
    );
    // The market's own PDA as fee recipient.
    let ix = mkt::create_market(&admin.pubkey(), &keys, &default_params(&keys.market));
    assert_error(
        &ctx.send("create_market", &[ix], &[&admin]),
        E::InvalidFeeRecipient as u32,
    );
    assert!(!ctx.exists(&keys.market));
}

#[test]
fn create_market_rejects_wrong_mints_and_a_second_market() {
    let mut ctx = TestContext::new();
    let admin = ctx.admin.insecure_clone();
    let params = default_params(&admin.pubkey());
    let energy = reg::energy_mint_address();
    // The energy token against itself.
    let keys = MarketKeys::with_mints(&energy, &energy);
    let ix = mkt::create_market(&admin.pubkey(), &keys, &params);
    assert_error(
        &ctx.send("create_market", &[ix], &[&admin]),
        E::InvalidQuoteMint as u32,
    );
    // A look-alike energy mint.
    let fake_energy = ctx.create_mint(&admin.pubkey(), 3);
    let quote = ctx.create_mint(&admin.pubkey(), 6);
    let keys = MarketKeys::with_mints(&fake_energy, &quote);
    let ix = mkt::create_market(&admin.pubkey(), &keys, &params);
    assert_error(
        &ctx.send("create_market", &[ix], &[&admin]),
        F::ConstraintAddress as u32,
    );
    // A quote "mint" that is a token account.
    let not_a_mint = ctx.token_account(&admin.pubkey(), &quote);
    let keys = MarketKeys::new(&not_a_mint);
    let ix = mkt::create_market(&admin.pubkey(), &keys, &params);
    assert_error(
        &ctx.send("create_market", &[ix], &[&admin]),
        E::InvalidQuoteMint as u32,
    );
    assert!(!ctx.exists(&keys.market));
    // One market per quote mint.
    let fx = ctx.default_market();
    let before = ctx.snapshot(&[fx.keys.market, fx.keys.energy_vault, fx.keys.quote_vault]);
    let ix = mkt::create_market(&admin.pubkey(), &fx.keys, &params);
    assert_error(
        &ctx.send("create_market", &[ix], &[&admin]),
        F::AccountNotSystemOwned as u32,
    );
    ctx.assert_unchanged(&before);
}

// ======================================================================
// open_epoch
// ======================================================================

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
    cu_budget("open_epoch", 2_000);
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
            mkt::open_epoch(&payer.pubkey(), &fx.keys.market, &k.pubkey()),
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
    let ix = mkt::open_epoch(&payer.pubkey(), &fx.keys.market, &nobody.pubkey());
    assert_error(
        &ctx.send("open_epoch", &[ix], &[&nobody]),
        E::InvalidEpochAccount as u32,
    );
    ctx.assert_unchanged(&before);
    // An epoch already initialised cannot be opened again.
    let k = Keypair::new();
    let rent = ctx.svm.minimum_balance_for_rent_exemption(space);
    let ixs =
        mkt::open_epoch_with_account(&payer.pubkey(), &fx.keys.market, &market, &k.pubkey(), rent);
    expect_ok(ctx.send("open_epoch", &ixs, &[&k]));
    ctx.advance(3_600);
    let before = ctx.snapshot(&[fx.keys.market, k.pubkey()]);
    let ix = mkt::open_epoch(&payer.pubkey(), &fx.keys.market, &k.pubkey());
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
    let mut ix = mkt::open_epoch(&mallory.pubkey(), &fx.keys.market, &k.pubkey());
    ix.accounts[3].is_signer = false;
    assert_error(
        &ctx.send("open_epoch", &[ix], &[&mallory]),
        F::ConstraintSigner as u32,
    );
    ctx.assert_unchanged(&before);
    let ix = mkt::open_epoch(&alice.pubkey(), &fx.keys.market, &k.pubkey());
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

// ======================================================================
// place_order
// ======================================================================

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
        let mut ix = mkt::place_order(
            &e.fx.keys,
            &e.epoch,
            &buyer.pubkey(),
            &e.buyer.quote,
            Side::Buy,
            10,
            100,
            0,
        );
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
    let ix = mkt::place_order(
        &e.fx.keys,
        &e.epoch,
        &seller.pubkey(),
        &e.seller.quote,
        Side::Sell,
        10,
        100,
        0,
    );
    assert_error(
        &e.ctx.send("place_order", &[ix], &[&seller]),
        F::ConstraintTokenMint as u32,
    );
    let fake_mint = e.ctx.create_mint(&seller.pubkey(), 3);
    let fake = e.ctx.token_account(&seller.pubkey(), &fake_mint);
    e.ctx.mint_tokens(&fake_mint, &fake, &seller, 1_000);
    let ix = mkt::place_order(
        &e.fx.keys,
        &e.epoch,
        &seller.pubkey(),
        &fake,
        Side::Sell,
        10,
        100,
        0,
    );
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
        let ix = mkt::place_order(
            &e.fx.keys,
            &e.epoch,
            &thief.pubkey(),
            &from,
            side,
            10,
            100,
            0,
        );
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
    let ix = mkt::place_order(
        &e.fx.keys,
        &other_epoch,
        &seller.pubkey(),
        &e.seller.energy,
        Side::Sell,
        10,
        100,
        0,
    );
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
    let mut ix = mkt::place_order(
        &e.fx.keys,
        &e.epoch,
        &seller.pubkey(),
        &e.seller.energy,
        Side::Sell,
        10,
        100,
        0,
    );
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

// ======================================================================
// cancel_order
// ======================================================================

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
    let ix = mkt::cancel_order(
        &e.fx.keys,
        &e.epoch,
        &buyer.pubkey(),
        &other.quote,
        Side::Buy,
        id,
        7,
    );
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

// ======================================================================
// clear_epoch
// ======================================================================

/// Sells 5 kWh at tick 10; buys 3 kWh at tick 30 and 2 × 2 kWh at tick 20.
/// Volume 5 kWh is matched at every tick of [10, 20] with imbalance 2 kWh,
/// so the price is the middle, tick 15 (0.025 per kWh). Demand is long: the
/// buy at 30 fills in full, the two at 20 share the remaining 2 kWh.
fn rationed_book(e: &mut Env) -> (Trader, Trader, Trader, [u32; 4]) {
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

// ======================================================================
// settle_orders
// ======================================================================

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
    let ix = mkt::settle_orders(
        &other.keys,
        &e.epoch,
        &other.fee_energy,
        &other.fee_quote,
        &items,
    );
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
    let ix = mkt::settle_orders(&e.fx.keys, &e.epoch, &crank.energy, &crank.quote, &items);
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

// ======================================================================
// close_epoch
// ======================================================================

#[test]
fn close_epoch_rejects_unsettled_epoch_and_other_rent_payer() {
    let mut e = env();
    let s = e.place_ok(Who::Seller, Side::Sell, 10, 1_000);
    let payer = e.ctx.payer.pubkey();
    let before = e.ctx.snapshot(&[e.epoch]);
    assert_error(
        &e.ctx.close_epoch(&e.epoch, &payer),
        E::EpochNotSettled as u32,
    );
    e.end_epoch();
    expect_ok(e.ctx.clear(&e.epoch));
    assert_error(
        &e.ctx.close_epoch(&e.epoch, &payer),
        E::EpochNotSettled as u32,
    );
    expect_ok(e.ctx.settle(&e.fx, &e.epoch, &[s]));
    let thief = e.ctx.new_user();
    let before_settled = e.ctx.snapshot(&[e.epoch, thief.pubkey()]);
    assert_error(
        &e.ctx.close_epoch(&e.epoch, &thief.pubkey()),
        E::NotRentPayer as u32,
    );
    e.ctx.assert_unchanged(&before_settled);
    drop(before);
    expect_ok(e.ctx.close_epoch(&e.epoch, &payer));
    assert!(!e.ctx.exists(&e.epoch));
}

// ======================================================================
// Reference clearing: off-chain (program math) and on-chain (SBF)
// ======================================================================

/// A price grid and fee.
#[derive(Clone, Copy, Debug)]
struct Grid {
    tick_count: u16,
    min_price: u64,
    tick_size: u64,
    fee_bps: u16,
}

impl Grid {
    fn price(&self, tick: u16) -> u64 {
        self.min_price + tick as u64 * self.tick_size
    }
}

/// A random book: empty, one-sided, all at one tick, at the extreme ticks,
/// dust quantities, clustered (ties and rationing), large quantities, or
/// anything; `max_wh` bounds quantities.
fn random_book(rng: &mut StdRng, grid: &Grid, max_wh: u64) -> Vec<RefOrder> {
    let t = grid.tick_count;
    let kind = rng.gen_range(0..10);
    let n = match kind {
        0 => 0,
        7 => rng.gen_range(10..=40),
        _ => rng.gen_range(1..=24),
    };
    let hot: Vec<u16> = (0..3).map(|_| rng.gen_range(0..t)).collect();
    (0..n)
        .map(|_| {
            let is_buy = match kind {
                1 => true,
                2 => false,
                _ => rng.gen_bool(0.5),
            };
            let limit_tick = match kind {
                3 => hot[0],
                4 => {
                    if rng.gen_bool(0.5) {
                        0
                    } else {
                        t - 1
                    }
                }
                7 => hot[rng.gen_range(0..3)],
                _ => rng.gen_range(0..t),
            };
            let quantity_wh = match kind {
                5 => rng.gen_range(1..=3),
                8 => rng.gen_range(max_wh / 2..=max_wh),
                7 => [1, 2, 3, 7, 10, 1_000][rng.gen_range(0..6)],
                _ => {
                    let cap = if rng.gen_bool(0.5) {
                        max_wh.min(100)
                    } else {
                        max_wh
                    };
                    rng.gen_range(1..=cap)
                }
            };
            RefOrder {
                is_buy,
                limit_tick,
                quantity_wh,
            }
        })
        .collect()
}

fn random_grid(rng: &mut StdRng) -> Grid {
    let tick_count = [1u16, 2, 3, 5, 8, 16, 64, 256, 1_024, 4_096][rng.gen_range(0..10)];
    let tick_count = if tick_count == 4_096 && rng.gen_bool(0.8) {
        512
    } else {
        tick_count
    };
    let top = (tick_count - 1) as u64;
    let (min_price, tick_size) = match rng.gen_range(0..4) {
        // Prices of a few units per kWh: rounding matters on every order.
        0 => (rng.gen_range(1..=3), rng.gen_range(1..=3)),
        1 => (10_000, 1_000),
        2 => (rng.gen_range(0..1_000_000), rng.gen_range(1..10_000)),
        // The very top of the price range.
        _ => {
            let size = rng.gen_range(1..=(mkt::MAX_PRICE / (top + 1)));
            (mkt::MAX_PRICE - size * top, size)
        }
    };
    Grid {
        tick_count,
        min_price,
        tick_size,
        fee_bps: [0, 1, 50, 333, 1_000][rng.gen_range(0..5)],
    }
}

/// The program's own math over a book: histograms, one-pass clearing,
/// per-order settlement.
fn program_math(grid: &Grid, book: &[RefOrder]) -> (Option<Clearing>, Vec<math::Settlement>) {
    let mut demand = vec![0u64; grid.tick_count as usize];
    let mut supply = vec![0u64; grid.tick_count as usize];
    for o in book {
        let bins = if o.is_buy { &mut demand } else { &mut supply };
        bins[o.limit_tick as usize] += o.quantity_wh;
    }
    let total_buy = book
        .iter()
        .filter(|o| o.is_buy)
        .map(|o| o.quantity_wh)
        .sum();
    let clearing = math::clear(&demand, &supply, total_buy, grid.min_price, grid.tick_size)
        .expect("consistent book");
    let c = clearing.unwrap_or_default();
    // The pro-rata orders in book order, as the program requires.
    let mut prefix = 0u64;
    let settlements = book
        .iter()
        .map(|o| {
            let escrow = if o.is_buy {
                math::buy_escrow(o.quantity_wh, grid.price(o.limit_tick)).unwrap()
            } else {
                o.quantity_wh
            };
            let pro_rata = math::is_pro_rata(&c, o.is_buy, o.limit_tick);
            let s = math::settle(
                &c,
                grid.fee_bps,
                o.is_buy,
                o.limit_tick,
                o.quantity_wh,
                escrow,
                prefix,
            )
            .expect("settle");
            if pro_rata {
                prefix += o.quantity_wh;
            }
            s
        })
        .collect();
    (clearing, settlements)
}

/// The reference's answer for a book: clearing and per-order payouts.
fn reference_answer(
    grid: &Grid,
    book: &[RefOrder],
) -> (
    Option<reference::RefClearing>,
    Vec<reference::RefSettlement>,
) {
    let rc = reference::clear(book, grid.tick_count, grid.min_price, grid.tick_size);
    let shares = reference::shares(book, grid.tick_count, rc.as_ref());
    let filled = reference::allocate(book, &shares);
    let price = rc.map(|c| c.price).unwrap_or(0);
    let payouts = book
        .iter()
        .zip(&filled)
        .map(|(o, f)| reference::settle(o, *f, price, grid.fee_bps, grid.price(o.limit_tick)))
        .collect();
    (rc, payouts)
}

fn same_clearing(rc: &Option<reference::RefClearing>, pc: &Option<Clearing>) -> bool {
    match (rc, pc) {
        (None, None) => true,
        (Some(r), Some(p)) => {
            (r.tick, r.price, r.volume_wh, r.demand_wh, r.supply_wh)
                == (p.tick, p.price, p.volume_wh, p.demand_wh, p.supply_wh)
        }
        _ => false,
    }
}

fn same_payout(r: &reference::RefSettlement, p: &math::Settlement) -> bool {
    (
        r.filled_wh,
        r.quote_amount,
        r.fee,
        r.energy_out_wh,
        r.quote_out,
    ) == (
        p.filled_wh,
        p.quote_amount,
        p.fee,
        p.energy_out_wh,
        p.quote_out,
    )
}

/// The conservation identities of one settled book: buyers receive exactly
/// the volume and sellers deliver exactly it (whole Wh, no energy dust);
/// buyers pay at least what sellers are paid, the quote dust under one unit
/// per order.
fn check_conservation(book: &[RefOrder], volume: u64, payouts: &[reference::RefSettlement]) {
    let (mut bought, mut sold, mut paid, mut gross) = (0u128, 0u128, 0u128, 0u128);
    for (o, p) in book.iter().zip(payouts) {
        if o.is_buy {
            bought += p.filled_wh as u128;
            paid += p.quote_amount as u128;
        } else {
            sold += p.filled_wh as u128;
            gross += p.quote_amount as u128;
        }
    }
    let n = book.len() as u128;
    assert!(
        bought == volume as u128 && volume as u128 == sold,
        "energy: bought {bought}, volume {volume}, sold {sold}"
    );
    assert!(
        gross <= paid && paid - gross <= n,
        "quote: paid {paid}, gross {gross}"
    );
}

/// The documented clearing rule on hand-made books (grid 0..=20, price =
/// tick), checked against both implementations.
#[test]
fn clearing_rule_examples() {
    let grid = Grid {
        tick_count: 21,
        min_price: 0,
        tick_size: 1,
        fee_bps: 0,
    };
    let b = |t, q| RefOrder {
        is_buy: true,
        limit_tick: t,
        quantity_wh: q,
    };
    let s = |t, q| RefOrder {
        is_buy: false,
        limit_tick: t,
        quantity_wh: q,
    };
    // (book, clearing tick, volume, (buy marginal tick, num, den), (sell marginal tick, num, den))
    type Case = (Vec<RefOrder>, u16, u64, (u16, u64, u64), (u16, u64, u64));
    let cases: Vec<Case> = vec![
        // Both sides of 100 accept 5..=10: the middle, 7 (7.5 rounded down).
        (vec![b(10, 100), s(5, 100)], 7, 100, (7, 1, 1), (7, 1, 1)),
        // Volume 100 at 5..=10, but buys at 6 leave 50 unmatched at 5..=6:
        // the smallest imbalance is at 7..=10, so the middle of that, 8.
        (
            vec![b(10, 100), b(6, 50), s(5, 100)],
            8,
            100,
            (8, 1, 1),
            (8, 1, 1),
        ),
        // Volume 5 and imbalance 5 at ticks 3..=5 (D 10 and S 5 up to 4, D 5
        // and S 10 at 5): the middle, 4. Demand is long there; by price
        // priority the buy at 5 fills in full and the one at 4 gets nothing.
        (
            vec![b(4, 5), b(5, 5), s(3, 5), s(5, 5)],
            4,
            5,
            (4, 0, 5),
            (4, 1, 1),
        ),
        // Supply long at the clearing tick: sells below it fill, the two at
        // it share 30 of 60.
        (
            vec![b(12, 100), s(8, 70), s(12, 30), s(12, 30)],
            12,
            100,
            (12, 1, 1),
            (12, 30, 60),
        ),
        // Demand long and no buy at the clearing tick (0..=10 tie, middle 5):
        // the buys at 10 are the marginal ones, sharing 50 of 100.
        (
            vec![b(10, 60), b(10, 40), s(0, 50)],
            5,
            50,
            (10, 50, 100),
            (5, 1, 1),
        ),
        // No cross.
        (vec![b(4, 5), s(5, 5)], 0, 0, (0, 0, 0), (0, 0, 0)),
    ];
    for (i, (book, tick, volume, buy, sell)) in cases.into_iter().enumerate() {
        let (pc, pp) = program_math(&grid, &book);
        let (rc, rp) = reference_answer(&grid, &book);
        assert!(same_clearing(&rc, &pc), "case {i}");
        assert!(
            rp.iter().zip(&pp).all(|(r, p)| same_payout(r, p)),
            "case {i}"
        );
        match pc {
            None => assert_eq!(volume, 0, "case {i}"),
            Some(c) => {
                assert_eq!((c.tick, c.volume_wh), (tick, volume), "case {i}");
                assert_eq!(
                    (c.buy_marginal_tick, c.buy_fill_num, c.buy_fill_den),
                    buy,
                    "case {i}"
                );
                assert_eq!(
                    (c.sell_marginal_tick, c.sell_fill_num, c.sell_fill_den),
                    sell,
                    "case {i}"
                );
            }
        }
    }
}

/// ≥ 10,000 random books: the sdk's brute-force reference and the
/// program's one-pass clearing and settlement math (the same functions the
/// SBF program runs, compiled for the host) agree on the clearing tick,
/// price, volume, demand and supply and on every order's fill and payout.
#[test]
fn reference_clearing_matches_program_math_on_random_books() {
    let books: usize = std::env::var("JOULE_MARKET_BOOKS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let seed: u64 = std::env::var("JOULE_MARKET_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x004a_6f75_6c65);
    let mut rng = StdRng::seed_from_u64(seed);
    let (mut crossed, mut rationed, mut none) = (0, 0, 0);
    for i in 0..books {
        let grid = random_grid(&mut rng);
        let max_wh = [3, 1_000, 1_000_000, 1 << 30][rng.gen_range(0..4)];
        let book = random_book(&mut rng, &grid, max_wh);
        let (rc, rp) = reference_answer(&grid, &book);
        let (pc, pp) = program_math(&grid, &book);
        assert!(
            same_clearing(&rc, &pc),
            "book {i} (seed {seed}): {grid:?} {book:?}\nreference {rc:?}\nprogram {pc:?}"
        );
        for (j, (r, p)) in rp.iter().zip(&pp).enumerate() {
            assert!(
                same_payout(r, p),
                "book {i} order {j}: {grid:?} {book:?}\nreference {r:?}\nprogram {p:?}"
            );
        }
        match pc {
            Some(c) => {
                crossed += 1;
                if c.buy_fill_num != c.buy_fill_den || c.sell_fill_num != c.sell_fill_den {
                    rationed += 1;
                }
                check_conservation(&book, c.volume_wh, &rp);
            }
            None => none += 1,
        }
    }
    println!("{books} books (seed {seed}): {crossed} crossed ({rationed} with a pro-rata side), {none} without a cross");
    assert!(books >= 10_000 || std::env::var("JOULE_MARKET_BOOKS").is_ok());
}

/// Runs 10,000 random books (about 120,000 orders, 165,000 transactions,
/// under a minute) through the real program: a pool of traders holding
/// real energy tokens, one epoch per book on one of three markets (a
/// 1,024-tick grid, an 8-tick grid of prices of a few units, and a grid at
/// the very top of the price range), random cancellations, clearing and
/// settlement in legacy and v0 transactions. The on-chain clearing equals
/// the reference's, every order in `OrdersSettled` equals the reference's payout,
/// both vaults end each book at exactly zero and the fee recipient receives
/// exactly the fees and dust.
#[test]
fn reference_clearing_matches_the_chain_on_random_books() {
    let books: usize = std::env::var("JOULE_MARKET_CHAIN_BOOKS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let seed: u64 = std::env::var("JOULE_MARKET_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x004a_6f75_6c65);
    let mut rng = StdRng::seed_from_u64(seed ^ 0xc4a1);
    let mut ctx = TestContext::new();
    let grids = [
        Grid {
            tick_count: 1_024,
            min_price: 10_000,
            tick_size: 1_000,
            fee_bps: 50,
        },
        Grid {
            tick_count: 8,
            min_price: 1,
            tick_size: 2,
            fee_bps: 333,
        },
        Grid {
            tick_count: 16,
            min_price: mkt::MAX_PRICE - 15 * (1 << 30),
            tick_size: 1 << 30,
            fee_bps: 1_000,
        },
    ];
    let max_wh = [1_000_000u64, 1_000, 50];
    let markets: Vec<MarketFixture> = grids
        .iter()
        .map(|g| {
            let mut p = default_params(&Pubkey::default());
            (p.tick_count, p.min_price, p.tick_size, p.fee_bps) =
                (g.tick_count, g.min_price, g.tick_size, g.fee_bps);
            (p.epoch_length_secs, p.order_capacity) = (60, 64);
            // Books of 1 Wh at a price of a few units per kWh.
            p.min_order_value = 1;
            ctx.create_market_with(p)
        })
        .collect();
    // Eight traders, one billion Wh each, and as many quote units as needed.
    let pool: Vec<Trader> = (0..8)
        .map(|_| ctx.trader(&markets[0], 1_000_000_000, 0))
        .collect();
    let quote_atas: Vec<Vec<Pubkey>> = markets
        .iter()
        .map(|fx| {
            pool.iter()
                .map(|t| ctx.ata(&t.pubkey(), &fx.keys.quote_mint))
                .collect()
        })
        .collect();
    let (mut orders_total, mut txs, mut crossed) = (0usize, 0usize, 0usize);
    let started = std::time::Instant::now();
    for i in 0..books {
        let m = rng.gen_range(0..markets.len());
        let (fx, grid) = (&markets[m], &grids[m]);
        let book = random_book(&mut rng, grid, max_wh[m]);
        let end = ctx.market(fx).current_epoch_end_ts;
        if ctx.now() < end {
            ctx.set_time(end);
        }
        let epoch = ctx.open_epoch(fx);
        let fee0 = (ctx.balance(&fx.fee_energy), ctx.balance(&fx.fee_quote));
        // Place: sells from the trader holding the most energy, buys from
        // any trader, topped up with quote tokens as needed.
        let mut ids = Vec::new();
        for o in &book {
            let (t, token) = if o.is_buy {
                let k = rng.gen_range(0..pool.len());
                let escrow = math::buy_escrow(o.quantity_wh, grid.price(o.limit_tick)).unwrap();
                let ata = quote_atas[m][k];
                if ctx.balance(&ata) < escrow {
                    let auth = fx.quote_authority.insecure_clone();
                    ctx.mint_tokens(&fx.keys.quote_mint, &ata, &auth, escrow);
                }
                (k, ata)
            } else {
                let k = (0..pool.len())
                    .max_by_key(|&k| ctx.balance(&pool[k].energy))
                    .unwrap();
                (k, pool[k].energy)
            };
            let side = if o.is_buy { Side::Buy } else { Side::Sell };
            let ix = mkt::place_order(
                &fx.keys,
                &epoch,
                &pool[t].pubkey(),
                &token,
                side,
                o.limit_tick,
                o.quantity_wh,
                i as u64,
            );
            let ok = expect_ok(ctx.send("place_order", &[ix], &[&pool[t].key]));
            ids.push((mkt::order_id_from_return_data(&ok.return_data).unwrap(), t));
        }
        // Cancel about one order in eight; the reference never sees them.
        let mut live = Vec::new();
        for (j, o) in book.iter().enumerate() {
            let (id, t) = ids[j];
            if rng.gen_range(0..8) == 0 {
                let side = if o.is_buy { Side::Buy } else { Side::Sell };
                let token = if o.is_buy {
                    quote_atas[m][t]
                } else {
                    pool[t].energy
                };
                let ix = mkt::cancel_order(
                    &fx.keys,
                    &epoch,
                    &pool[t].pubkey(),
                    &token,
                    side,
                    id,
                    i as u64,
                );
                expect_ok(ctx.send("cancel_order", &[ix], &[&pool[t].key]));
            } else {
                live.push(j);
            }
        }
        let live_book: Vec<RefOrder> = live.iter().map(|&j| book[j]).collect();
        let (rc, rp) = reference_answer(grid, &live_book);
        ctx.set_time(ctx.epoch_account(&epoch).header.end_ts);
        expect_ok(ctx.clear(&epoch));
        let onchain = ctx.epoch_account(&epoch);
        let pc = onchain.clearing().filter(|c| c.volume_wh > 0);
        assert!(
            same_clearing(&rc, &pc),
            "book {i}: {grid:?} {live_book:?}\nreference {rc:?}\nchain {pc:?}"
        );
        crossed += pc.is_some() as usize;
        // Settle, in v0 or legacy transactions, and compare every payout.
        let v0 = rng.gen_bool(0.5);
        let per_tx = if v0 {
            mkt::MAX_SETTLE_ORDERS_V0
        } else {
            mkt::MAX_SETTLE_ORDERS_LEGACY
        };
        let expected: HashMap<u32, reference::RefSettlement> =
            live.iter().zip(&rp).map(|(&j, p)| (ids[j].0, *p)).collect();
        let mut seen = 0;
        let items: Vec<SettleOrder> = live
            .iter()
            .map(|&j| {
                let (id, t) = ids[j];
                SettleOrder {
                    order_id: id,
                    energy_account: pool[t].energy,
                    quote_account: quote_atas[m][t],
                    owner: pool[t].pubkey(),
                }
            })
            .collect();
        // The pro-rata orders settle last, in ascending order id.
        let cleared_book = ctx.epoch_account(&epoch);
        let mut items = items;
        items.sort_by_key(|o| (cleared_book.is_pro_rata_order(o.order_id), o.order_id));
        for chunk in items.chunks(per_tx) {
            let ix = mkt::settle_orders(&fx.keys, &epoch, &fx.fee_energy, &fx.fee_quote, chunk);
            let logs = if v0 {
                expect_ok(ctx.send_v0("settle_orders", &[ix], &[]).result).logs
            } else {
                expect_ok(ctx.send("settle_orders", &[ix], &[])).logs
            };
            txs += 1;
            for ev in mkt::orders_settled(&logs)
                .iter()
                .flat_map(|b| b.orders.clone())
            {
                let r = expected[&{ ev.order_id }];
                let got = math::Settlement {
                    filled_wh: ev.filled_wh,
                    quote_amount: ev.quote_amount,
                    fee: ev.fee,
                    energy_out_wh: ev.energy_out_wh,
                    quote_out: ev.quote_out,
                };
                assert!(
                    same_payout(&r, &got),
                    "book {i} order {}: reference {r:?}, chain {got:?}",
                    { ev.order_id }
                );
                seen += 1;
            }
        }
        assert_eq!(seen, live.len());
        assert_eq!(
            ctx.vault_balances(fx),
            (0, 0),
            "book {i}: vaults end at zero"
        );
        // The fee recipient received exactly what the epoch kept.
        let kept_energy: u64 = live_book
            .iter()
            .zip(&rp)
            .filter(|(o, _)| !o.is_buy)
            .map(|(_, p)| p.filled_wh)
            .sum::<u64>()
            - live_book
                .iter()
                .zip(&rp)
                .filter(|(o, _)| o.is_buy)
                .map(|(_, p)| p.filled_wh)
                .sum::<u64>();
        let kept_quote: u64 = live_book
            .iter()
            .zip(&rp)
            .filter(|(o, _)| o.is_buy)
            .map(|(_, p)| p.quote_amount)
            .sum::<u64>()
            - live_book
                .iter()
                .zip(&rp)
                .filter(|(o, _)| !o.is_buy)
                .map(|(_, p)| p.quote_out)
                .sum::<u64>();
        assert_eq!(
            (
                ctx.balance(&fx.fee_energy) - fee0.0,
                ctx.balance(&fx.fee_quote) - fee0.1
            ),
            (kept_energy, kept_quote),
            "book {i}: fees and dust"
        );
        if !live.is_empty() {
            assert_eq!(ctx.epoch_account(&epoch).state(), Some(EpochState::Settled));
        }
        let payer = ctx.payer.pubkey();
        expect_ok(ctx.close_epoch(&epoch, &payer));
        orders_total += book.len();
        txs += book.len() + 3;
    }
    println!(
        "{books} books on-chain (seed {seed}): {orders_total} orders, {crossed} crossed, {txs} transactions, {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

// ======================================================================
// Conservation, scale
// ======================================================================

/// Several epochs of random books (rationing, fees, dust, cancellations,
/// no-cross epochs) among six traders: after each epoch is settled both
/// vaults hold exactly zero, and every trader's energy and quote balance
/// changed by exactly its fills × price ± fee ± refund as the reference
/// computes them; the fee recipient received exactly the rest.
#[test]
fn conservation_to_the_unit_over_many_epochs() {
    let mut ctx = TestContext::new();
    let mut p = default_params(&Pubkey::default());
    (
        p.min_price,
        p.tick_size,
        p.tick_count,
        p.fee_bps,
        p.epoch_length_secs,
    ) = (7, 3, 32, 77, 600);
    p.min_order_value = 1;
    let fx = ctx.create_market_with(p);
    let grid = Grid {
        tick_count: 32,
        min_price: 7,
        tick_size: 3,
        fee_bps: 77,
    };
    let traders: Vec<Trader> = (0..6)
        .map(|_| ctx.trader(&fx, 10_000_000, 10_000 * QUOTE_UNIT))
        .collect();
    let mut rng = StdRng::seed_from_u64(7);
    let total = |ctx: &TestContext| {
        let e: u64 = traders.iter().map(|t| ctx.balance(&t.energy)).sum::<u64>()
            + ctx.balance(&fx.fee_energy);
        let q: u64 =
            traders.iter().map(|t| ctx.balance(&t.quote)).sum::<u64>() + ctx.balance(&fx.fee_quote);
        (e, q)
    };
    let supply0 = total(&ctx);
    for round in 0..40 {
        let epoch = ctx.open_epoch(&fx);
        let before: Vec<(u64, u64)> = traders
            .iter()
            .map(|t| (ctx.balance(&t.energy), ctx.balance(&t.quote)))
            .collect();
        let fee_before = (ctx.balance(&fx.fee_energy), ctx.balance(&fx.fee_quote));
        let book = random_book(&mut rng, &grid, 50_000);
        let mut placed = Vec::new();
        for o in &book {
            let k = rng.gen_range(0..traders.len());
            let side = if o.is_buy { Side::Buy } else { Side::Sell };
            let id = ctx.place_ok(&fx, &epoch, &traders[k], side, o.limit_tick, o.quantity_wh);
            placed.push((id, k, *o));
        }
        // Cancel a few.
        placed.retain(|(id, k, o)| {
            if rng.gen_range(0..6) == 0 {
                let side = if o.is_buy { Side::Buy } else { Side::Sell };
                expect_ok(ctx.cancel(&fx, &epoch, &traders[*k], side, *id, 0));
                false
            } else {
                true
            }
        });
        let live: Vec<RefOrder> = placed.iter().map(|(_, _, o)| *o).collect();
        let (rc, rp) = reference_answer(&grid, &live);
        ctx.set_time(ctx.epoch_account(&epoch).header.end_ts);
        expect_ok(ctx.clear(&epoch));
        // Settle in a shuffled order, three at a time; the pro-rata orders
        // keep their random places but among them ascend by order id, the
        // only order the program accepts.
        let mut ids: Vec<u32> = placed.iter().map(|(id, _, _)| *id).collect();
        for i in (1..ids.len()).rev() {
            ids.swap(i, rng.gen_range(0..=i));
        }
        let cleared = ctx.epoch_account(&epoch);
        let slots: Vec<usize> = (0..ids.len())
            .filter(|&i| cleared.is_pro_rata_order(ids[i]))
            .collect();
        let mut marginal: Vec<u32> = slots.iter().map(|&i| ids[i]).collect();
        marginal.sort();
        for (&i, id) in slots.iter().zip(marginal) {
            ids[i] = id;
        }
        for chunk in ids.chunks(3) {
            expect_ok(ctx.settle(&fx, &epoch, chunk));
        }
        assert_eq!(
            ctx.vault_balances(&fx),
            (0, 0),
            "round {round}: vaults at zero"
        );
        // Each trader: Δenergy = Σ(energy out − sell escrow), Δquote = Σ(quote out − buy escrow).
        let mut expect: Vec<(i128, i128)> = vec![(0, 0); traders.len()];
        for ((_, k, o), pay) in placed.iter().zip(&rp) {
            if o.is_buy {
                let escrow = math::buy_escrow(o.quantity_wh, grid.price(o.limit_tick)).unwrap();
                expect[*k].0 += pay.energy_out_wh as i128;
                expect[*k].1 += pay.quote_out as i128 - escrow as i128;
            } else {
                expect[*k].0 += pay.energy_out_wh as i128 - o.quantity_wh as i128;
                expect[*k].1 += pay.quote_out as i128;
            }
        }
        for (k, t) in traders.iter().enumerate() {
            let got = (
                ctx.balance(&t.energy) as i128 - before[k].0 as i128,
                ctx.balance(&t.quote) as i128 - before[k].1 as i128,
            );
            assert_eq!(got, expect[k], "round {round}, trader {k}");
        }
        let fee_got = (
            ctx.balance(&fx.fee_energy) - fee_before.0,
            ctx.balance(&fx.fee_quote) - fee_before.1,
        );
        let fee_expect = (
            -expect.iter().map(|e| e.0).sum::<i128>() as u64,
            -expect.iter().map(|e| e.1).sum::<i128>() as u64,
        );
        assert_eq!(
            fee_got, fee_expect,
            "round {round}: the fee recipient got exactly the fees and dust"
        );
        assert_eq!(
            total(&ctx),
            supply0,
            "round {round}: no token created or lost"
        );
        let fees: u64 = rp.iter().map(|p| p.fee).sum();
        println!(
            "round {round}: {} orders, price {:?}, volume {:?} Wh, fees {fees}, dust {} Wh / {} units",
            live.len(),
            rc.map(|c| c.price),
            rc.map(|c| c.volume_wh),
            fee_got.0,
            fee_got.1 - fees
        );
        ctx.advance(600);
    }
}

/// One epoch, 2,000 orders from 200 users (100 prosumers selling metered
/// energy, 100 consumers buying): it clears in one transaction and settles
/// fully; vaults end at zero.
#[test]
fn scale_2000_orders_from_200_users_clear_and_fully_settle() {
    let mut ctx = TestContext::new();
    let mut p = default_params(&Pubkey::default());
    p.order_capacity = 2_000;
    let fx = ctx.create_market_with(p);
    let epoch = ctx.open_epoch(&fx);
    let sellers: Vec<Trader> = (0..100).map(|_| ctx.trader(&fx, 50_000, 0)).collect();
    let buyers: Vec<Trader> = (0..100)
        .map(|_| ctx.trader(&fx, 0, 100 * QUOTE_UNIT))
        .collect();
    let mut rng = StdRng::seed_from_u64(2_000);
    let mut place_txs = 0;
    for (i, t) in sellers.iter().chain(&buyers).enumerate() {
        let side = if i < 100 { Side::Sell } else { Side::Buy };
        for _ in 0..10 {
            let tick = if i < 100 {
                rng.gen_range(30..130)
            } else {
                rng.gen_range(60..160)
            };
            ctx.place_ok(&fx, &epoch, t, side, tick, rng.gen_range(100..=4_000));
            place_txs += 1;
        }
    }
    let book = ctx.epoch_account(&epoch);
    assert_eq!(
        (book.header.order_count, book.header.live_orders),
        (2_000, 2_000)
    );
    ctx.set_time(book.header.end_ts);
    let cleared = expect_ok(ctx.clear(&epoch));
    let c = ctx.epoch_account(&epoch).clearing().unwrap();
    // Settlement as a keeper plans it: orders of an owner together, at most
    // 27 owners (54 token accounts) and 30 orders (the 64-instruction trace)
    // per v0 transaction.
    let ids: Vec<u32> = (0..2_000).collect();
    let items = ctx.settle_items(&fx, &epoch, &ids);
    let plan = mkt::plan_settlement(
        &ctx.epoch_account(&epoch),
        &items,
        mkt::MAX_SETTLE_OWNER_ACCOUNTS_V0,
        mkt::MAX_SETTLE_ORDERS_PER_TX,
    );
    let mut max_cu_per_order = 0;
    for batch in &plan {
        let ix = ctx.settle_ix(&fx, &epoch, batch);
        let tx = ctx.send_v0("settle_orders (scale)", &[ix], &[]);
        assert!(
            tx.accounts <= 64 && tx.size <= 1_232,
            "{} accounts, {} bytes",
            tx.accounts,
            tx.size
        );
        let ok = expect_ok(tx.result);
        max_cu_per_order = max_cu_per_order.max(ok.cu / batch.len() as u64);
    }
    let book = ctx.epoch_account(&epoch);
    assert_eq!(book.state(), Some(EpochState::Settled));
    assert_eq!(ctx.vault_balances(&fx), (0, 0));
    println!(
        "2,000 orders from 200 users: clearing price {} per kWh (tick {}), volume {} Wh; clear_epoch {} CU",
        c.price, c.tick, c.volume_wh, cleared.cu
    );
    println!(
        "transactions: {place_txs} place_order + 1 clear_epoch + {} settle_orders (v0, lookup table; at most {max_cu_per_order} CU per order) = {}",
        plan.len(),
        place_txs + 1 + plan.len()
    );
    let naive_legacy = 2_000usize.div_ceil(mkt::MAX_SETTLE_ORDERS_LEGACY);
    let naive_v0 = 2_000usize.div_ceil(mkt::MAX_SETTLE_ORDERS_V0);
    println!("(without grouping by owner: {naive_v0} v0 or {naive_legacy} legacy settle_orders transactions)");
    assert!(cleared.cu <= 35_000);
    assert!(max_cu_per_order <= 4_500);
}

// ======================================================================
// Compute budgets (p-token, litesvm's default; enforced)
// ======================================================================

/// `place_order` ≤ 4,000 CU with its escrow transfer (buys and sells, new
/// and reused slots, the largest prices), `cancel_order` ≤ 2,500 CU.
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
    cu_budget("place_order", 4_000);
    cu_budget("cancel_order", 2_500);
}

/// `clear_epoch` ≤ 35,000 CU at 1,024 ticks whatever the order count. The
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
    assert!(results.iter().all(|&cu| cu <= 35_000), "{results:?}");
    cu_budget("clear_epoch (1024 ticks)", 35_000);
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

/// `settle_orders` ≤ 4,500 CU per order, every order making two transfers
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
        cu_budget(l, 4_500);
    }
    assert!(marginal <= 4_500);
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

/// The scenario the CU table and the demo use.
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

// ======================================================================
// IDL
// ======================================================================

/// target-idl/market.json is current, and an IDL-driven Borsh decoder reads
/// the program's real accounts, instruction arguments and events.
#[test]
fn market_idl_is_current_and_describes_the_bytes() {
    let idl = joule_sdk::idl::market_idl();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target-idl/market.json");
    let on_disk = std::fs::read_to_string(&path).expect("target-idl/market.json");
    assert_eq!(
        on_disk,
        joule_sdk::idl::to_json(&idl),
        "stale: run `cargo run -p joule-sdk --bin joule-idl`"
    );
    assert_eq!(idl.errors.len(), E::ALL.len());
    assert_eq!(idl.address, mkt::ID.to_string());

    let mut e = env();
    let (_, _, _, ids) = rationed_book(&mut e);
    let seller = e.trader(Who::Seller);
    let extra = e.place_ok(Who::Seller, Side::Sell, 900, 10);
    let cancelled = expect_ok(e.ctx.cancel(&e.fx, &e.epoch, &seller, Side::Sell, extra, 7));
    e.end_epoch();
    let cleared = expect_ok(e.ctx.clear(&e.epoch));
    let settled = expect_ok(e.ctx.settle(&e.fx, &e.epoch, &ids));
    // Accounts.
    let market = e.ctx.data(&e.fx.keys.market).unwrap();
    let v = decode_type(&idl, "Market", &market[8..]).expect("Market layout");
    assert_eq!(v["quote_mint"], e.fx.keys.quote_mint.to_string());
    assert_eq!(v["tick_count"], 1_024);
    let epoch = e.ctx.data(&e.epoch).unwrap();
    let v =
        decode_type(&idl, "Epoch", &epoch[8..mkt::EPOCH_HEADER_LEN]).expect("Epoch header layout");
    assert_eq!(
        (
            v["state"].clone(),
            v["clearing_price"].clone(),
            v["volume_wh"].clone()
        ),
        ("Settled".into(), 25_000.into(), 5_000.into())
    );
    let slot = &epoch[mkt::epoch_space(1_024, 0)..][..mkt::EPOCH_BYTES_PER_ORDER];
    let v = decode_type(&idl, "Order", slot).expect("Order layout");
    assert_eq!(
        (
            v["side"].clone(),
            v["status"].clone(),
            v["quantity_wh"].clone()
        ),
        ("Sell".into(), "Settled".into(), 5_000.into())
    );
    // Instruction arguments.
    let k = e.fx.keys;
    let me = Pubkey::new_unique();
    let item = SettleOrder {
        order_id: 3,
        energy_account: me,
        quote_account: me,
        owner: me,
    };
    let ixs: Vec<(&str, Instruction)> = vec![
        ("create_market", mkt::create_market(&me, &k, &e.fx.params)),
        ("open_epoch", mkt::open_epoch(&me, &k.market, &me)),
        (
            "place_order",
            mkt::place_order(&k, &me, &me, &me, Side::Sell, 513, 1_234, 99),
        ),
        (
            "cancel_order",
            mkt::cancel_order(&k, &me, &me, &me, Side::Buy, 7, 99),
        ),
        ("clear_epoch", mkt::clear_epoch(&me)),
        (
            "settle_orders",
            mkt::settle_orders(&k, &me, &me, &me, &[item, item]),
        ),
        ("close_epoch", mkt::close_epoch(&me, &me)),
    ];
    for (name, ix) in &ixs {
        let spec = idl.instructions.iter().find(|i| i.name == *name).unwrap();
        assert_eq!(ix.data[..8], spec.discriminator[..], "{name}");
        let v = decode_ix_args(&idl, name, &ix.data[8..]).unwrap_or_err(name);
        if *name == "place_order" {
            assert_eq!(
                (
                    v["side"].clone(),
                    v["limit_tick"].clone(),
                    v["quantity_wh"].clone()
                ),
                ("Sell".into(), 513.into(), 1_234.into())
            );
        }
        if *name == "settle_orders" {
            assert_eq!(v["order_ids"], serde_json::json!([3, 3]));
        }
        if *name == "create_market" {
            assert_eq!(v["params"]["fee_bps"], 50);
        }
    }
    // Every event the program logged.
    let mut names = Vec::new();
    for logs in [&cancelled.logs, &cleared.logs, &settled.logs] {
        for data in joule_sdk::events::program_data(logs) {
            let ev = idl
                .events
                .iter()
                .find(|ev| data[..8] == ev.discriminator[..])
                .expect("a known event");
            decode_type(&idl, &ev.name, &data[8..]).unwrap_or_err(&ev.name);
            names.push(ev.name.clone());
        }
    }
    assert_eq!(
        names,
        [
            "OrderCancelled",
            "EpochCleared",
            "OrdersSettled",
            "EpochSettled"
        ]
    );
}

trait UnwrapOrErr<T> {
    fn unwrap_or_err(self, what: &str) -> T;
}

impl<T> UnwrapOrErr<T> for Result<T, String> {
    fn unwrap_or_err(self, what: &str) -> T {
        self.unwrap_or_else(|e| panic!("{what}: {e}"))
    }
}
