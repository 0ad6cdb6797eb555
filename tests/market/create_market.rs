//! `create_market`: the registry admin opens a market.

use super::*;

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
    let ix = mkt::CreateMarket {
        admin: attacker.pubkey(),
        keys,
        params: default_params(&attacker.pubkey()),
    }
    .instruction();
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
    let ix = mkt::CreateMarket {
        admin: admin.pubkey(),
        keys,
        params: default_params(&Pubkey::default()),
    }
    .instruction();
    assert_error(
        &ctx.send("create_market", &[ix], &[&admin]),
        E::InvalidFeeRecipient as u32,
    );
    // The market's own PDA as fee recipient.
    let ix = mkt::CreateMarket {
        admin: admin.pubkey(),
        keys,
        params: default_params(&keys.market),
    }
    .instruction();
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
    let ix = mkt::CreateMarket {
        admin: admin.pubkey(),
        keys,
        params,
    }
    .instruction();
    assert_error(
        &ctx.send("create_market", &[ix], &[&admin]),
        E::InvalidQuoteMint as u32,
    );
    // A look-alike energy mint.
    let fake_energy = ctx.create_mint(&admin.pubkey(), 3);
    let quote = ctx.create_mint(&admin.pubkey(), 6);
    let keys = MarketKeys::with_mints(&fake_energy, &quote);
    let ix = mkt::CreateMarket {
        admin: admin.pubkey(),
        keys,
        params,
    }
    .instruction();
    assert_error(
        &ctx.send("create_market", &[ix], &[&admin]),
        F::ConstraintAddress as u32,
    );
    // A quote "mint" that is a token account.
    let not_a_mint = ctx.token_account(&admin.pubkey(), &quote);
    let keys = MarketKeys::new(&not_a_mint);
    let ix = mkt::CreateMarket {
        admin: admin.pubkey(),
        keys,
        params,
    }
    .instruction();
    assert_error(
        &ctx.send("create_market", &[ix], &[&admin]),
        E::InvalidQuoteMint as u32,
    );
    assert!(!ctx.exists(&keys.market));
    // One market per quote mint.
    let fx = ctx.default_market();
    let before = ctx.snapshot(&[fx.keys.market, fx.keys.energy_vault, fx.keys.quote_vault]);
    let ix = mkt::CreateMarket {
        admin: admin.pubkey(),
        keys: fx.keys,
        params,
    }
    .instruction();
    assert_error(
        &ctx.send("create_market", &[ix], &[&admin]),
        F::AccountNotSystemOwned as u32,
    );
    ctx.assert_unchanged(&before);
}
