//! Property and reference runs: the reference clearing against the
//! program's math off-chain and against the real program on-chain on random
//! books, conservation to the unit over many epochs, and scale.

use super::*;

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
            let ix = mkt::PlaceOrder {
                keys: fx.keys,
                epoch,
                owner: pool[t].pubkey(),
                owner_token: token,
                side,
                limit_tick: o.limit_tick,
                quantity_wh: o.quantity_wh,
                client_order_id: i as u64,
            }
            .instruction();
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
                let ix = mkt::CancelOrder {
                    keys: fx.keys,
                    epoch,
                    owner: pool[t].pubkey(),
                    owner_token: token,
                    side,
                    order_id: id,
                    client_order_id: i as u64,
                }
                .instruction();
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
            let ix = mkt::SettleOrders {
                keys: fx.keys,
                epoch,
                fee_energy: fx.fee_energy,
                fee_quote: fx.fee_quote,
                orders: chunk,
            }
            .instruction();
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
    assert!(cleared.cu <= budgets::BUDGET_CLEAR_EPOCH_1024_TICKS);
    assert!(max_cu_per_order <= budgets::BUDGET_SETTLE_PER_ORDER);
}
