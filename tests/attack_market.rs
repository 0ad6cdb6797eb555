//! Adversarial tests of the market program, on the real SBF build. Each
//! performs an attack and asserts the exact error and that nothing moved.
//!
//! | test | what it attacks |
//! | --- | --- |
//! | `place_order_rejects_orders_below_the_minimum_value` | slots held by dust orders (audit defect 2) |
//! | `filling_a_book_costs_the_deposit_and_minimum_value_of_every_slot` | exhausting a book (audit defect 2): what it costs, all of it refunded |
//! | `place_order_rejects_an_owner_who_cannot_pay_the_deposit` | a slot without its deposit |
//! | `place_order_rejects_a_substituted_system_or_token_program` | program substitution in the CPIs |
//! | `place_order_rejects_a_read_only_market` | the deposit landing nowhere |
//! | `place_order_rejects_the_vault_as_the_owner_token_account` | escrow paid by the vault to itself |
//! | `place_order_rejects_accounts_of_the_wrong_kind` | type confusion: epoch, config, mint as the market; market as the epoch |
//! | `market_instructions_reject_a_counterfeit_config` | pause bypass with a look-alike registry config |
//! | `cancel_order_rejects_a_read_only_market_or_owner` | the deposit refund without writable accounts |
//! | `cancel_order_rejects_the_vault_of_the_other_side` | refund drawn from the other vault |
//! | `settle_orders_rejects_deposit_refunds_to_anyone_but_the_owner` | a crank redirecting deposits |
//! | `settle_orders_rejects_one_order_twice_in_one_instruction` | duplicate ids in one batch |
//! | `settle_orders_rejects_ids_beyond_the_book_and_freed_slots` | arithmetic edges of order ids |
//! | `settle_orders_rejects_a_read_only_market` | the deposit refunds without a writable market |
//! | `close_epoch_rejects_closing_into_the_epoch_or_market` | rent and deposits redirected at close |

use joule_sdk::{
    market::{self as mkt, MarketError as E, SettleOrder, Side},
    registry as reg, FrameworkError as F, Pubkey, SYSTEM_PROGRAM_ID, TOKEN_PROGRAM_ID,
};
use joule_tests::{
    assert_error, assert_ix_error, expect_ok,
    market::{env, env_with, Env, Trader, Who, QUOTE_UNIT},
    LAMPORTS_PER_SOL,
};
use solana_account::Account;
use solana_instruction_error::InstructionError;
use solana_keypair::Keypair;
use solana_signer::Signer;

/// Every account an attack on `e` could move: the env's accounts and the
/// two traders' wallets (their deposits).
fn watched(e: &Env) -> Vec<Pubkey> {
    let mut keys = e.watched();
    keys.extend([e.seller.pubkey(), e.buyer.pubkey()]);
    keys
}

fn place_ix(e: &Env, t: &Trader, side: Side, tick: u16, qty: u64) -> joule_sdk::Instruction {
    mkt::PlaceOrder {
        keys: e.fx.keys,
        epoch: e.epoch,
        owner: t.pubkey(),
        owner_token: t.token_for(side),
        side,
        limit_tick: tick,
        quantity_wh: qty,
        client_order_id: 0,
    }
    .instruction()
}

/// A crossed, cleared epoch: a sell and a buy of 1 kWh at tick 10.
fn cleared(e: &mut Env) -> (u32, u32) {
    let s = e.place_ok(Who::Seller, Side::Sell, 10, 1_000);
    let b = e.place_ok(Who::Buyer, Side::Buy, 10, 1_000);
    e.end_epoch();
    expect_ok(e.ctx.clear(&e.epoch));
    (s, b)
}

#[test]
fn place_order_rejects_orders_below_the_minimum_value() {
    // 0.001 quote tokens per order at least: 1 Wh at 0.010 per kWh is
    // worth 10 units.
    let mut e = env_with(|p| p.min_order_value = 1_000);
    let before = e.ctx.snapshot(&watched(&e));
    for (t, side, qty) in [
        (e.buyer.insecure_clone(), Side::Buy, 1),
        (e.seller.insecure_clone(), Side::Sell, 1),
        (e.buyer.insecure_clone(), Side::Buy, 99),
    ] {
        let ix = place_ix(&e, &t, side, 0, qty);
        assert_error(
            &e.ctx.send("place_order", &[ix], &[&t.key]),
            E::BelowMinimumValue as u32,
        );
    }
    e.ctx.assert_unchanged(&before);
    // 100 Wh at 0.010 per kWh is worth exactly 1,000 units.
    let b = e.buyer.insecure_clone();
    expect_ok(e.ctx.place(&e.fx, &e.epoch, &b, Side::Buy, 0, 100, 1));
}

/// Filling the default book (256 slots) with the cheapest orders the
/// market accepts: each slot costs the order deposit (0.01 SOL) and at
/// least the minimum order value in escrow; honest orders then get
/// `BookFull`. Everything comes back on cancel, so the attacker's cost is
/// the capital it must lock for the epoch and the transaction fees. The
/// numbers printed here are the README's.
#[test]
fn filling_a_book_costs_the_deposit_and_minimum_value_of_every_slot() {
    let mut e = env();
    let params = e.fx.params;
    let attacker = e.ctx.trader(&e.fx, 0, QUOTE_UNIT);
    let (lamports0, quote0) = (
        e.ctx.lamports(&attacker.pubkey()),
        e.ctx.balance(&attacker.quote),
    );
    let market0 = e.ctx.lamports(&e.fx.keys.market);
    // The cheapest order: 1 Wh at the lowest price.
    let mut ids = Vec::new();
    for _ in 0..params.order_capacity {
        ids.push(e.ctx.place_ok(&e.fx, &e.epoch, &attacker, Side::Buy, 0, 1));
    }
    let locked_lamports = lamports0 - e.ctx.lamports(&attacker.pubkey());
    let locked_quote = quote0 - e.ctx.balance(&attacker.quote);
    let deposits = params.order_deposit_lamports * params.order_capacity as u64;
    assert_eq!(
        locked_lamports, deposits,
        "the deposits, held by the market"
    );
    assert_eq!(e.ctx.lamports(&e.fx.keys.market) - market0, deposits);
    assert_eq!(
        locked_quote,
        params.min_order_value * params.order_capacity as u64
    );
    println!(
        "filling a {}-slot book: {} lamports ({} SOL) of deposits and {} quote units locked",
        params.order_capacity,
        locked_lamports,
        locked_lamports as f64 / LAMPORTS_PER_SOL as f64,
        locked_quote
    );
    // The book is full for everyone else.
    let before = e.ctx.snapshot(&watched(&e));
    let b = e.buyer.insecure_clone();
    assert_error(
        &e.ctx.place(&e.fx, &e.epoch, &b, Side::Buy, 500, 1_000, 0),
        E::BookFull as u32,
    );
    e.ctx.assert_unchanged(&before);
    // Cancelling returns every lamport and unit.
    for id in ids {
        expect_ok(e.ctx.cancel(&e.fx, &e.epoch, &attacker, Side::Buy, id, 0));
    }
    assert_eq!(e.ctx.lamports(&attacker.pubkey()), lamports0);
    assert_eq!(e.ctx.balance(&attacker.quote), quote0);
    assert_eq!(e.ctx.lamports(&e.fx.keys.market), market0);
}

#[test]
fn place_order_rejects_an_owner_who_cannot_pay_the_deposit() {
    let mut e = env();
    // Quote tokens, but lamports short of the deposit (the context's payer
    // pays the fee).
    let poor = e.ctx.trader(&e.fx, 0, QUOTE_UNIT);
    let deposit = e.fx.params.order_deposit_lamports;
    let mut acc = e.ctx.svm.get_account(&poor.pubkey()).expect("wallet");
    acc.lamports = deposit - 1;
    e.ctx.svm.set_account(poor.pubkey(), acc).expect("set");
    let mut watched = watched(&e);
    watched.extend([poor.pubkey(), poor.quote]);
    let before = e.ctx.snapshot(&watched);
    let ix = place_ix(&e, &poor, Side::Buy, 10, 1_000);
    // The system program's ResultWithNegativeLamports.
    assert_ix_error(
        &e.ctx.send("place_order", &[ix], &[&poor.key]),
        InstructionError::Custom(1),
    );
    e.ctx.assert_unchanged(&before);
}

#[test]
fn place_order_rejects_a_substituted_system_or_token_program() {
    let mut e = env();
    let b = e.buyer.insecure_clone();
    let before = e.ctx.snapshot(&watched(&e));
    for (at, fake) in [
        (6usize, SYSTEM_PROGRAM_ID),
        (7, TOKEN_PROGRAM_ID),
        (7, mkt::ID),
    ] {
        let mut ix = place_ix(&e, &b, Side::Buy, 10, 1_000);
        ix.accounts[at].pubkey = fake;
        assert_error(
            &e.ctx.send("place_order", &[ix], &[&b.key]),
            F::InvalidProgramId as u32,
        );
    }
    e.ctx.assert_unchanged(&before);
}

#[test]
fn place_order_rejects_a_read_only_market() {
    let mut e = env();
    let b = e.buyer.insecure_clone();
    let before = e.ctx.snapshot(&watched(&e));
    let mut ix = place_ix(&e, &b, Side::Buy, 10, 1_000);
    ix.accounts[2].is_writable = false;
    assert_error(
        &e.ctx.send("place_order", &[ix], &[&b.key]),
        F::ConstraintMut as u32,
    );
    // A read-only owner cannot pay the deposit either.
    let mut ix = place_ix(&e, &b, Side::Buy, 10, 1_000);
    ix.accounts[0].is_writable = false;
    assert_error(
        &e.ctx.send("place_order", &[ix], &[&b.key]),
        F::ConstraintMut as u32,
    );
    e.ctx.assert_unchanged(&before);
}

#[test]
fn place_order_rejects_the_vault_as_the_owner_token_account() {
    let mut e = env();
    let b = e.buyer.insecure_clone();
    let before = e.ctx.snapshot(&watched(&e));
    let mut ix = place_ix(&e, &b, Side::Buy, 10, 1_000);
    ix.accounts[4].pubkey = e.fx.keys.quote_vault;
    assert_error(
        &e.ctx.send("place_order", &[ix], &[&b.key]),
        F::ConstraintTokenOwner as u32,
    );
    e.ctx.assert_unchanged(&before);
}

#[test]
fn place_order_rejects_accounts_of_the_wrong_kind() {
    let mut e = env();
    let b = e.buyer.insecure_clone();
    let before = e.ctx.snapshot(&watched(&e));
    // The epoch as the market: same owner, another discriminator.
    let mut ix = place_ix(&e, &b, Side::Buy, 10, 1_000);
    ix.accounts[2].pubkey = e.epoch;
    assert_error(
        &e.ctx.send("place_order", &[ix], &[&b.key]),
        F::AccountDiscriminatorMismatch as u32,
    );
    // The registry config and the quote mint as the market: another owner.
    for fake in [reg::config_address(), e.fx.keys.quote_mint] {
        let mut ix = place_ix(&e, &b, Side::Buy, 10, 1_000);
        ix.accounts[2].pubkey = fake;
        assert_error(
            &e.ctx.send("place_order", &[ix], &[&b.key]),
            F::AccountOwnedByWrongProgram as u32,
        );
    }
    // The market as the epoch.
    let mut ix = place_ix(&e, &b, Side::Buy, 10, 1_000);
    ix.accounts[3].pubkey = e.fx.keys.market;
    assert_error(
        &e.ctx.send("place_order", &[ix], &[&b.key]),
        F::AccountDiscriminatorMismatch as u32,
    );
    e.ctx.assert_unchanged(&before);
}

/// A look-alike registry config (same bytes, not paused, owned by another
/// program at another address) cannot stand in for the real one while the
/// market is paused.
#[test]
fn market_instructions_reject_a_counterfeit_config() {
    let mut e = env();
    let real = e
        .ctx
        .svm
        .get_account(&reg::config_address())
        .expect("config");
    let fake = Pubkey::new_unique();
    e.ctx
        .svm
        .set_account(
            fake,
            Account {
                owner: Pubkey::new_unique(),
                ..real
            },
        )
        .expect("plant");
    expect_ok(e.ctx.set_pause(reg::PAUSE_MARKET));
    let b = e.buyer.insecure_clone();
    let before = e.ctx.snapshot(&watched(&e));
    let mut ix = place_ix(&e, &b, Side::Buy, 10, 1_000);
    ix.accounts[1].pubkey = fake;
    assert_error(
        &e.ctx.send("place_order", &[ix], &[&b.key]),
        F::ConstraintAddress as u32,
    );
    let mut ix = mkt::ClearEpoch { epoch: e.epoch }.instruction();
    ix.accounts[0].pubkey = fake;
    assert_error(
        &e.ctx.send("clear_epoch", &[ix], &[]),
        F::ConstraintAddress as u32,
    );
    e.ctx.assert_unchanged(&before);
}

#[test]
fn cancel_order_rejects_a_read_only_market_or_owner() {
    let mut e = env();
    let b = e.buyer.insecure_clone();
    let id = e.ctx.place_ok(&e.fx, &e.epoch, &b, Side::Buy, 10, 1_000);
    let before = e.ctx.snapshot(&watched(&e));
    for at in [0usize, 2] {
        let mut ix = mkt::CancelOrder {
            keys: e.fx.keys,
            epoch: e.epoch,
            owner: b.pubkey(),
            owner_token: b.quote,
            side: Side::Buy,
            order_id: id,
            client_order_id: 0,
        }
        .instruction();
        ix.accounts[at].is_writable = false;
        assert_error(
            &e.ctx.send("cancel_order", &[ix], &[&b.key]),
            F::ConstraintMut as u32,
        );
    }
    e.ctx.assert_unchanged(&before);
}

#[test]
fn cancel_order_rejects_the_vault_of_the_other_side() {
    let mut e = env();
    let b = e.buyer.insecure_clone();
    let id = e.ctx.place_ok(&e.fx, &e.epoch, &b, Side::Buy, 10, 1_000);
    let before = e.ctx.snapshot(&watched(&e));
    // A buy refunded from the energy vault, into an energy account.
    let ix = mkt::CancelOrder {
        keys: e.fx.keys,
        epoch: e.epoch,
        owner: b.pubkey(),
        owner_token: b.energy,
        side: Side::Sell,
        order_id: id,
        client_order_id: 0,
    }
    .instruction();
    assert_error(
        &e.ctx.send("cancel_order", &[ix], &[&b.key]),
        E::WrongVault as u32,
    );
    e.ctx.assert_unchanged(&before);
}

#[test]
fn settle_orders_rejects_deposit_refunds_to_anyone_but_the_owner() {
    let mut e = env();
    let (s, b) = cleared(&mut e);
    let crank = Keypair::new();
    let mut watched = watched(&e);
    watched.push(crank.pubkey());
    let before = e.ctx.snapshot(&watched);
    let mut items = e.ctx.settle_items(&e.fx, &e.epoch, &[s, b]);
    items[1].owner = crank.pubkey();
    let ix = e.ctx.settle_ix(&e.fx, &e.epoch, &items);
    assert_error(
        &e.ctx.send("settle_orders", &[ix], &[]),
        E::OwnerAccountMismatch as u32,
    );
    // The right owner, read-only.
    let items = e.ctx.settle_items(&e.fx, &e.epoch, &[s]);
    let mut ix = e.ctx.settle_ix(&e.fx, &e.epoch, &items);
    let last = ix.accounts.len() - 1;
    ix.accounts[last].is_writable = false;
    assert_error(
        &e.ctx.send("settle_orders", &[ix], &[]),
        E::OwnerAccountMismatch as u32,
    );
    e.ctx.assert_unchanged(&before);
    // Settled properly, each owner gets its deposit back.
    let deposit = e.fx.params.order_deposit_lamports;
    let (ls, lb) = (
        e.ctx.lamports(&e.seller.pubkey()),
        e.ctx.lamports(&e.buyer.pubkey()),
    );
    expect_ok(e.ctx.settle(&e.fx, &e.epoch, &[s, b]));
    assert_eq!(e.ctx.lamports(&e.seller.pubkey()), ls + deposit);
    assert_eq!(e.ctx.lamports(&e.buyer.pubkey()), lb + deposit);
}

#[test]
fn settle_orders_rejects_one_order_twice_in_one_instruction() {
    let mut e = env();
    let (s, _) = cleared(&mut e);
    let before = e.ctx.snapshot(&watched(&e));
    assert_error(
        &e.ctx.settle(&e.fx, &e.epoch, &[s, s]),
        E::OrderAlreadySettled as u32,
    );
    e.ctx.assert_unchanged(&before);
}

#[test]
fn settle_orders_rejects_ids_beyond_the_book_and_freed_slots() {
    let mut e = env();
    let b = e.buyer.insecure_clone();
    let freed = e.ctx.place_ok(&e.fx, &e.epoch, &b, Side::Buy, 3, 1_000);
    expect_ok(e.ctx.cancel(&e.fx, &e.epoch, &b, Side::Buy, freed, 0));
    let (s, _) = cleared(&mut e);
    let before = e.ctx.snapshot(&watched(&e));
    let capacity = e.fx.params.order_capacity;
    for id in [u32::MAX, capacity, capacity - 1] {
        let items = [SettleOrder {
            order_id: id,
            energy_account: e.seller.energy,
            quote_account: e.seller.quote,
            owner: e.seller.pubkey(),
        }];
        let ix = e.ctx.settle_ix(&e.fx, &e.epoch, &items);
        assert_error(
            &e.ctx.send("settle_orders", &[ix], &[]),
            E::OrderNotFound as u32,
        );
    }
    // The slot cancelled then reused by the sell is the sell's now; a
    // never-used slot is not an order.
    assert_eq!(s, freed);
    e.ctx.assert_unchanged(&before);
}

#[test]
fn settle_orders_rejects_a_read_only_market() {
    let mut e = env();
    let (s, b) = cleared(&mut e);
    let before = e.ctx.snapshot(&watched(&e));
    let items = e.ctx.settle_items(&e.fx, &e.epoch, &[s, b]);
    let mut ix = e.ctx.settle_ix(&e.fx, &e.epoch, &items);
    ix.accounts[1].is_writable = false;
    assert_error(
        &e.ctx.send("settle_orders", &[ix], &[]),
        F::ConstraintMut as u32,
    );
    e.ctx.assert_unchanged(&before);
}

#[test]
fn close_epoch_rejects_closing_into_the_epoch_or_market() {
    let mut e = env();
    let (s, b) = cleared(&mut e);
    expect_ok(e.ctx.settle(&e.fx, &e.epoch, &[s, b]));
    let before = e.ctx.snapshot(&watched(&e));
    for to in [e.epoch, e.fx.keys.market, e.seller.pubkey()] {
        assert_error(&e.ctx.close_epoch(&e.epoch, &to), E::NotRentPayer as u32);
    }
    e.ctx.assert_unchanged(&before);
    let payer = e.ctx.payer.pubkey();
    expect_ok(e.ctx.close_epoch(&e.epoch, &payer));
}
