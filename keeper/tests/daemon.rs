//! The keeper daemon end to end on the real programs (embedded chain):
//! sixty meters read every fifteen minutes for three hours, three epochs
//! traded by four people, everything recorded once, cleared, settled and
//! closed, balances exact to the unit; the same under 30% injected
//! faults, across abrupt restarts, and with two keepers sharing the
//! meters.

mod support;

use joule_client::{Chain, FaultConfig, FaultRates, FaultyChain};
use joule_keeper::daemon::{run, ChannelFeed, Shard, Shutdown, Telemetry};
use std::sync::Arc;
use support::{Driver, Shared, Tripwire, World, STEPS};

/// Step time limit (paused tokio seconds).
const LIMIT: u64 = 900;

fn counter(t: &Telemetry, f: impl Fn(&joule_keeper::daemon::Metrics) -> u64) -> u64 {
    f(t.metrics())
}

fn rejected(t: &Telemetry, reason: &str) -> u64 {
    t.metrics()
        .readings_rejected
        .get_or_create(&joule_keeper::daemon::telemetry::ReasonLabels {
            reason: reason.into(),
        })
        .get()
}

/// One keeper over `chain` for the whole scenario.
async fn one_keeper(world: &World, chain: Arc<dyn Chain>) -> Telemetry {
    let config = world.keeper(0, Shard::ALL);
    let telemetry = Telemetry::new(config.health);
    let (tx, feed) = ChannelFeed::new(64);
    let shutdown = Shutdown::new();
    let driver = Driver {
        world,
        feeds: vec![tx],
        limit: LIMIT,
    };
    let daemon = run(config, chain, feed, telemetry.clone(), shutdown.clone());
    let script = async {
        driver.wait_for_epoch(1).await;
        driver.steps(1, STEPS).await;
        driver.wait_for_the_end().await;
        shutdown.trigger();
    };
    let (ran, ()) = tokio::join!(daemon, script);
    let summary = ran.expect("the daemon ran");
    assert!(summary.drained, "in-flight work finished at shutdown");
    telemetry
}

#[tokio::test(start_paused = true)]
async fn sixty_meters_three_epochs_everything_recorded_once_settled_and_closed() {
    let world = World::new().await;
    let t = one_keeper(&world, world.chain.clone()).await;
    assert_eq!(world.final_state().await, world.expected());

    // Every valid reading applied exactly once; every piece of junk
    // rejected with its reason; the stale copies skipped.
    let meters = u64::try_from(world.meters.len()).expect("small");
    let steps = u64::from(STEPS);
    assert_eq!(counter(&t, |m| m.readings_accepted.get()), meters * steps);
    assert_eq!(rejected(&t, "meter_not_registered"), steps);
    assert_eq!(rejected(&t, "timestamp_in_future"), steps);
    assert_eq!(rejected(&t, "register_decreased"), steps - 1);
    assert_eq!(rejected(&t, "above_rated_power"), steps - 1);
    assert_eq!(
        counter(&t, |m| m.readings_skipped_stale.get()),
        meters * (steps - 1)
    );
    assert_eq!(counter(&t, |m| m.readings_outside_shard.get()), 0);
    assert_eq!(counter(&t, |m| m.epochs_opened.get()), 4);
    assert_eq!(counter(&t, |m| m.epochs_cleared.get()), 3);
    assert_eq!(counter(&t, |m| m.epochs_settled.get()), 3);
    assert_eq!(counter(&t, |m| m.epochs_closed.get()), 3);
    assert_eq!(counter(&t, |m| m.orders_settled.get()), 12);
    assert_eq!(t.metrics().settlement_backlog_orders.get(), 0);
    // v0 through the keeper's own lookup table: 60 meters, one table.
    assert_eq!(t.metrics().lookup_tables.get(), 1);
    let confirmed = counter(&t, |m| m.transactions_confirmed.get());
    assert!(confirmed > 0 && counter(&t, |m| m.fees_paid_lamports.get()) >= confirmed * 5_000);
    assert!(t.health().healthy);
}

#[tokio::test(start_paused = true)]
async fn under_thirty_percent_faults_the_final_state_is_the_same() {
    // Several fault sequences (JOULE_FAULT_SEEDS=n runs n of them).
    let seeds: Vec<u64> = match std::env::var("JOULE_FAULT_SEEDS") {
        Ok(n) => (0..n.parse::<u64>().expect("a number of seeds")).collect(),
        Err(_) => vec![7, 8, 9],
    };
    for seed in seeds {
        let world = World::new().await;
        let faulty = Arc::new(FaultyChain::new(
            Shared(world.chain.clone()),
            FaultConfig {
                seed,
                sends: FaultRates::spread(30),
                reads: FaultRates::spread(30),
                ..FaultConfig::default()
            },
        ));
        let t = one_keeper(&world, faulty.clone()).await;
        assert_eq!(world.final_state().await, world.expected(), "seed {seed}");
        let meters = u64::try_from(world.meters.len()).expect("small");
        assert_eq!(
            counter(&t, |m| m.readings_accepted.get()),
            meters * u64::from(STEPS),
            "seed {seed}: each reading applied once"
        );
        let counts = faulty.counts();
        assert!(
            counts.dropped > 0 && counts.delayed > 0 && counts.duplicated > 0 && counts.errors > 0,
            "seed {seed}: {counts:?}"
        );
        assert!(counter(&t, |m| m.transactions_retried.get()) > 0);
    }
}

#[tokio::test(start_paused = true)]
async fn killed_mid_work_and_restarted_the_final_state_is_the_same() {
    let world = World::new().await;
    let chain = Arc::new(Tripwire::new(world.chain.clone()));
    // Killed right after a transaction went out, before the keeper learned
    // its fate: at step 7 (its readings in flight) and at step 12 (the last
    // epoch being cleared, settled, closed, the next opened). Each new
    // keeper starts with no state, is fed every reading again (a source
    // re-delivering), and finds its lookup table on chain.
    let kills = [(7u32, 1u64), (12, 3)];
    let mut from = 1u32;
    let mut last = None;
    for (round, stop) in kills.iter().copied().map(Some).chain([None]).enumerate() {
        let config = world.keeper(0, Shard::ALL);
        let telemetry = Telemetry::new(config.health);
        let (tx, feed) = ChannelFeed::new(64);
        let shutdown = Shutdown::new();
        let driver = Driver {
            world: &world,
            feeds: vec![tx],
            limit: LIMIT,
        };
        // Re-delivery of everything fed so far.
        for step in 1..from {
            driver.feed(world.step_readings(step)).await;
        }
        chain.arm(0);
        let daemon = run(
            config,
            chain.clone(),
            feed,
            telemetry.clone(),
            shutdown.clone(),
        );
        match stop {
            Some((stop, nth_send)) => {
                let script = async {
                    if round == 0 {
                        driver.wait_for_epoch(1).await;
                    } else {
                        driver.end_step(from - 1).await;
                    }
                    driver.steps(from, stop - 1).await;
                    chain.arm(nth_send);
                    driver.begin_step(stop).await;
                    chain.tripped.notified().await;
                };
                tokio::select! {
                    r = daemon => panic!("the daemon stopped by itself: {r:?}"),
                    () = script => {}
                }
                // The daemon future is dropped here, mid-send.
                from = stop + 1;
            }
            None => {
                let script = async {
                    driver.end_step(from - 1).await;
                    driver.steps(from, STEPS).await;
                    driver.wait_for_the_end().await;
                    shutdown.trigger();
                };
                let (ran, ()) = tokio::join!(daemon, script);
                assert!(ran.expect("ran").drained);
                last = Some(telemetry);
            }
        }
    }
    assert_eq!(world.final_state().await, world.expected());
    let t = last.expect("the last keeper");
    // The last keeper reused the table of meters the first one made, and
    // each keeper the settlement table of the first: one of each on chain.
    assert_eq!(t.metrics().lookup_tables.get(), 1);
    let tables_of = |authority: joule_sdk::Pubkey| {
        let mut prefix = vec![1u8];
        prefix.extend_from_slice(authority.as_ref());
        let chain = world.chain.clone();
        async move {
            chain
                .get_program_accounts(
                    &joule_keeper::daemon::readings::LOOKUP_TABLE_PROGRAM_ID,
                    &[joule_client::AccountFilter::Memcmp {
                        offset: 21,
                        bytes: prefix,
                    }],
                )
                .await
                .expect("tables")
        }
    };
    use joule_client::Signer;
    assert_eq!(tables_of(world.oracles[0].pubkey()).await.len(), 1);
    let settlement = tables_of(world.payers[0].pubkey()).await;
    assert_eq!(settlement.len(), 1);
    // The settlement table grew with the owners only, not with the epochs:
    // the registry config, the market, its two vaults, the fee recipient's
    // two accounts, the token program, and each of the four traders with
    // the one token account settlement pays (the other side names the fee
    // recipient's); three epochs added nothing.
    let table = joule_client::LookupTable::decode(settlement[0].0, &settlement[0].1.data)
        .expect("a lookup table");
    assert_eq!(table.account.addresses.len(), 7 + 4 * 2);
    assert!(counter(&t, |m| m.readings_skipped_stale.get()) > 0);
}

/// Two keepers with their own oracle and payer keys, fed the same
/// readings, cranking the same market.
async fn two_keepers(world: &World, shards: [Shard; 2]) -> [Telemetry; 2] {
    let mut feeds = Vec::new();
    let mut daemons = Vec::new();
    let mut telemetries = Vec::new();
    let shutdown = Shutdown::new();
    for (i, shard) in shards.into_iter().enumerate() {
        let config = world.keeper(i, shard);
        let telemetry = Telemetry::new(config.health);
        let (tx, feed) = ChannelFeed::new(64);
        feeds.push(tx);
        telemetries.push(telemetry.clone());
        daemons.push(run(
            config,
            world.chain.clone(),
            feed,
            telemetry,
            shutdown.clone(),
        ));
    }
    let driver = Driver {
        world,
        feeds,
        limit: LIMIT,
    };
    let script = async {
        driver.wait_for_epoch(1).await;
        driver.steps(1, STEPS).await;
        driver.wait_for_the_end().await;
        shutdown.trigger();
    };
    let (ran, ()) = tokio::join!(futures::future::join_all(daemons), script);
    for r in ran {
        assert!(r.expect("ran").drained);
    }
    let [a, b]: [Telemetry; 2] = telemetries.try_into().expect("two");
    [a, b]
}

#[tokio::test(start_paused = true)]
async fn two_keepers_sharing_every_meter_count_nothing_twice() {
    let world = World::new().await;
    let [a, b] = two_keepers(&world, [Shard::ALL, Shard::ALL]).await;
    assert_eq!(world.final_state().await, world.expected());
    // Both did readings work (the chain decided who landed what).
    for t in [&a, &b] {
        assert!(counter(t, |m| m.readings_received.get()) > 0);
        assert_eq!(counter(t, |m| m.readings_outside_shard.get()), 0);
    }
}

#[tokio::test(start_paused = true)]
async fn two_keepers_on_two_shards_cover_every_meter_once() {
    let world = World::new().await;
    let shards = [
        Shard::new(0, 2).expect("shard"),
        Shard::new(1, 2).expect("shard"),
    ];
    let [a, b] = two_keepers(&world, shards).await;
    assert_eq!(world.final_state().await, world.expected());
    let steps = u64::from(STEPS);
    let in_shard = |s: &Shard| {
        u64::try_from(
            world
                .meters
                .iter()
                .filter(|m| s.contains(&m.meter_id))
                .count(),
        )
        .expect("small")
    };
    let (na, nb) = (in_shard(&shards[0]), in_shard(&shards[1]));
    assert!(na > 0 && nb > 0 && na + nb == 60, "{na} + {nb}");
    // Each applied its own shard's readings, and only those.
    assert_eq!(counter(&a, |m| m.readings_accepted.get()), na * steps);
    assert_eq!(counter(&b, |m| m.readings_accepted.get()), nb * steps);
    assert!(counter(&a, |m| m.readings_outside_shard.get()) >= nb * steps);
    assert!(counter(&b, |m| m.readings_outside_shard.get()) >= na * steps);
}

/// Registers `n` meters of one owner, activated at the chain's time.
async fn fleet(world: &World, n: usize) -> Vec<joule_sdk::Pubkey> {
    use joule_client::flows::registry as rflow;
    use joule_client::Signer;
    let s = world.sender();
    let owner = &world.owners[support::FLEET];
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let new = rflow::NewMeter {
            serial: format!("BIG-{i:04}"),
            utility: "TPDDL".into(),
            kind: joule_sdk::registry::MeterKind::Solar,
            rated_power_w: 5_000,
        };
        let m = rflow::register_meter(&*world.chain, &s, owner, &new)
            .await
            .expect("register")
            .meter;
        rflow::activate_meter(&*world.chain, &s, &world.admin, &m, &owner.pubkey())
            .await
            .expect("activate");
        out.push(m);
    }
    out
}

#[tokio::test(start_paused = true)]
async fn more_meters_than_a_lookup_table_holds_in_v0_then_in_legacy() {
    use joule_keeper::daemon::ReadingsMode;
    use joule_sdk::registry::Reading;
    let world = World::new().await;
    let meters = fleet(&world, 300).await;
    let t0 = world.chain.get_clock().await.expect("clock").unix_timestamp;
    let round = |k: i64| -> Vec<(joule_sdk::Pubkey, Reading)> {
        meters
            .iter()
            .map(|m| {
                let wh = 1_000 + 100 * u64::try_from(k).expect("small");
                let r = Reading {
                    timestamp: t0 + 900 * k,
                    export_register_wh: wh,
                    import_register_wh: wh,
                };
                (*m, r)
            })
            .collect()
    };
    let n = u64::try_from(meters.len()).expect("small");
    for (mode, rounds) in [(ReadingsMode::V0, 1..=2i64), (ReadingsMode::Legacy, 3..=4)] {
        let mut config = world.keeper(0, Shard::ALL);
        config.readings.mode = mode;
        config.markets.clear();
        config.minting.owners.clear();
        let telemetry = Telemetry::new(config.health);
        let (tx, feed) = ChannelFeed::new(8);
        let shutdown = Shutdown::new();
        let daemon = run(
            config,
            world.chain.clone(),
            feed,
            telemetry.clone(),
            shutdown.clone(),
        );
        let script = async {
            for k in rounds.clone() {
                world.chain.set_time(t0 + 900 * k);
                tx.send(round(k)).await.expect("feed");
                support::wait_until("a round", 600, world.poll, || async {
                    telemetry.metrics().readings_accepted.get()
                        >= n * u64::try_from(k - rounds.start() + 1).expect("small")
                })
                .await;
            }
            shutdown.trigger();
        };
        let (ran, ()) = tokio::join!(daemon, script);
        assert!(ran.expect("ran").drained);
        let m = telemetry.metrics();
        assert_eq!(m.readings_accepted.get(), 2 * n, "{mode:?}");
        assert_eq!(m.readings_skipped_stale.get(), 0, "{mode:?}");
        if mode == ReadingsMode::V0 {
            // 300 meters: two tables of the keeper's own (252 + 48).
            assert_eq!(m.lookup_tables.get(), 2);
        }
    }
    // The first round set the baselines; the three others credited 100 Wh
    // each.
    let s = world.sender();
    for m in &meters {
        let a = joule_client::flows::registry::meter(&*world.chain, &s, m)
            .await
            .expect("meter");
        assert_eq!(a.exported_wh, 300, "{m}");
    }
}

#[tokio::test(start_paused = true)]
async fn a_reading_the_registry_refuses_is_isolated_and_the_rest_lands() {
    use joule_client::flows::registry as rflow;
    use joule_sdk::registry::Reading;
    let world = World::new().await;
    let chain = Arc::new(support::Lens::new(world.chain.clone()));
    let mut config = world.keeper(0, Shard::ALL);
    config.markets.clear();
    config.minting.owners.clear();
    let telemetry = Telemetry::new(config.health);
    let (tx, feed) = ChannelFeed::new(8);
    let shutdown = Shutdown::new();
    let driver = Driver {
        world: &world,
        feeds: vec![tx],
        limit: LIMIT,
    };
    let s = world.sender();
    let x = world.meters[5].clone();
    let daemon = run(
        config,
        chain.clone(),
        feed,
        telemetry.clone(),
        shutdown.clone(),
    );
    let script = async {
        // Step 1: baselines.
        driver.begin_step(1).await;
        support::wait_until("step 1", 600, world.poll, || async {
            telemetry.metrics().readings_accepted.get() == 60
        })
        .await;
        // The keeper's view of meter X stops here; another oracle then
        // moves X's export register 400 Wh up.
        chain.freeze(&x.key).await;
        let step = |k: i64| world.t0 + support::STEP_SECS * k;
        world.chain.set_time(step(2));
        let first = x.reading(world.t0, 1);
        let moved = Reading {
            timestamp: step(2),
            export_register_wh: first.export_register_wh + 400,
            ..first
        };
        rflow::submit_readings(&*world.chain, &s, &world.oracles[1], &[(x.key, moved)])
            .await
            .expect("the other oracle's reading");
        // Step 3: every meter 200 Wh up: for X fine in the lagging view, a
        // register going down for the registry.
        world.chain.set_time(step(3));
        let readings: Vec<_> = world
            .meters
            .iter()
            .map(|m| {
                let first = m.reading(world.t0, 1);
                let r = Reading {
                    timestamp: step(3),
                    export_register_wh: first.export_register_wh + 200,
                    ..first
                };
                (m.key, r)
            })
            .collect();
        driver.feed(readings).await;
        support::wait_until("step 3", 600, world.poll, || async {
            telemetry.metrics().readings_accepted.get() == 60 + 59
        })
        .await;
        shutdown.trigger();
    };
    let (ran, ()) = tokio::join!(daemon, script);
    assert!(ran.expect("ran").drained);
    assert_eq!(
        rejected(&telemetry, "register_decreased"),
        1,
        "only X's reading is dropped"
    );
    let a = rflow::meter(&*world.chain, &s, &x.key)
        .await
        .expect("meter");
    assert_eq!(
        a.export_register_wh,
        x.reading(world.t0, 1).export_register_wh + 400
    );
    assert_eq!(a.last_reading_ts, world.t0 + 2 * support::STEP_SECS);
}

#[tokio::test(start_paused = true)]
async fn readings_refused_for_the_whole_batch_are_kept_until_they_can_land() {
    use joule_client::flows::registry as rflow;
    use joule_client::Signer;
    let world = World::new().await;
    let mut config = world.keeper(0, Shard::ALL);
    config.markets.clear();
    config.minting.owners.clear();
    let telemetry = Telemetry::new(config.health);
    let (tx, feed) = ChannelFeed::new(8);
    let shutdown = Shutdown::new();
    let driver = Driver {
        world: &world,
        feeds: vec![tx],
        limit: LIMIT,
    };
    let s = world.sender();
    let oracle = world.oracles[0].pubkey();
    let daemon = run(
        config,
        world.chain.clone(),
        feed,
        telemetry.clone(),
        shutdown.clone(),
    );
    let script = async {
        driver.steps(1, 1).await;
        // The keeper's oracle leaves the set: step 2 cannot land.
        rflow::set_oracles(&*world.chain, &s, &world.admin, &[], &[oracle])
            .await
            .expect("remove the oracle");
        driver.begin_step(2).await;
        support::wait_until("a refused run", 600, world.poll, || async {
            telemetry
                .metrics()
                .duty_errors
                .get_or_create(&joule_keeper::daemon::telemetry::DutyLabels { duty: "readings" })
                .get()
                >= 3
        })
        .await;
        assert_eq!(telemetry.metrics().readings_accepted.get(), 60);
        assert_eq!(telemetry.metrics().readings_pending.get(), 60);
        // Back in the set: the held readings land.
        rflow::set_oracles(&*world.chain, &s, &world.admin, &[oracle], &[])
            .await
            .expect("add the oracle");
        support::wait_until("step 2", 600, world.poll, || async {
            telemetry.metrics().readings_accepted.get() == 120
        })
        .await;
        shutdown.trigger();
    };
    let (ran, ()) = tokio::join!(daemon, script);
    assert!(ran.expect("ran").drained);
    assert_eq!(telemetry.metrics().readings_accepted.get(), 120);
    assert_eq!(rejected(&telemetry, "not_oracle"), 0);
}

#[tokio::test(start_paused = true)]
async fn a_meter_that_cannot_be_minted_fails_its_batch_and_the_others_are_minted_one_by_one() {
    use joule_client::flows::registry as rflow;
    let world = World::new().await;
    let s = world.sender();
    // Three of the fleet's meters (not opted in by owner) listed by
    // address, each with energy to mint.
    let listed: Vec<_> = world.meters[40..43].to_vec();
    let readings: Vec<_> = listed
        .iter()
        .flat_map(|m| {
            [
                (m.key, m.reading(world.t0, 1)),
                (m.key, m.reading(world.t0, 2)),
            ]
        })
        .collect();
    world.chain.set_time(world.t0 + 2 * support::STEP_SECS);
    rflow::submit_readings(&*world.chain, &s, &world.oracles[1], &readings)
        .await
        .expect("readings");
    // The keeper's node still shows the first meter active; the admin has
    // suspended it.
    let chain = Arc::new(support::Lens::new(world.chain.clone()));
    chain.freeze(&listed[0].key).await;
    rflow::suspend_meter(&*world.chain, &s, &world.admin, &listed[0].key)
        .await
        .expect("suspend");

    let mut config = world.keeper(0, Shard::ALL);
    config.markets.clear();
    config.readings.enabled = false;
    config.minting.owners.clear();
    config.minting.meters = listed.iter().map(|m| m.key).collect();
    let telemetry = Telemetry::new(config.health);
    let shutdown = Shutdown::new();
    let daemon = run(
        config,
        chain.clone(),
        joule_keeper::daemon::NoFeed,
        telemetry.clone(),
        shutdown.clone(),
    );
    let script = async {
        support::wait_until("the other two minted", 600, world.poll, || async {
            let mut done = true;
            for m in &listed[1..] {
                let a = rflow::meter(&*world.chain, &s, &m.key)
                    .await
                    .expect("meter");
                done &= a.minted_wh == a.exported_wh && a.exported_wh > 0;
            }
            done
        })
        .await;
        // A few more rounds: the suspended meter keeps failing alone.
        tokio::time::sleep(std::time::Duration::from_secs(3)).await;
        shutdown.trigger();
    };
    let (ran, ()) = tokio::join!(daemon, script);
    assert!(ran.expect("ran").drained);
    let x = rflow::meter(&*world.chain, &s, &listed[0].key)
        .await
        .expect("meter");
    assert_eq!(x.minted_wh, 0);
    assert!(x.exported_wh > 0);
    let m = telemetry.metrics();
    assert_eq!(m.mints.get(), 2, "the other two, once each");
    let failed = m
        .writes_failed
        .get_or_create(&joule_keeper::daemon::telemetry::DutyLabels { duty: "minting" })
        .get();
    assert!(
        failed >= 2,
        "the suspended meter fails each round: {failed}"
    );
}
