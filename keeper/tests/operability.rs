//! What an operator sees and does: `/metrics` and `/healthz` scraped over
//! real HTTP on 127.0.0.1 (health turning unhealthy when the chain or a
//! source stays unreachable, and healthy again), a graceful shutdown that
//! finishes the send in flight and starts nothing new, and SIGTERM.

mod support;

use joule_keeper::daemon::{run, ChannelFeed, Shard, Shutdown, Telemetry};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use support::{Driver, Gate, Switch, World};

async fn get(url: &str) -> (u16, String, String) {
    let r = reqwest::get(url).await.expect("GET");
    let status = r.status().as_u16();
    let ct = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (status, ct, r.text().await.expect("body"))
}

/// The value of the first sample line starting with `name` (labels
/// included in `name`).
fn sample(text: &str, name: &str) -> Option<f64> {
    text.lines()
        .find(|l| l.starts_with(name) && l[name.len()..].starts_with(' '))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

/// Polls `url` until it answers `status` (real time, 10 s at most).
async fn wait_for_status(url: &str, status: u16) -> String {
    for _ in 0..200 {
        let (s, _, body) = get(url).await;
        if s == status {
            return body;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{url} never answered {status}");
}

#[tokio::test]
async fn metrics_and_healthz_are_served_over_http_and_health_follows_reachability() {
    let world = World::fast().await;
    let chain = Arc::new(Switch {
        inner: world.chain.clone(),
        down: AtomicBool::new(false),
    });
    let mut config = world.keeper(0, Shard::ALL);
    config.http = Some("127.0.0.1:0".parse().expect("addr"));
    config.health.chain_unreachable = Duration::from_millis(600);
    config.health.source_unreachable = Duration::from_millis(600);
    config.probe_interval = Duration::from_millis(100);
    config.sender.max_retries = 2;
    for i in [
        &mut config.readings.interval,
        &mut config.epochs.interval,
        &mut config.settlement.interval,
        &mut config.minting.interval,
    ] {
        *i = Duration::from_millis(100);
    }
    let telemetry = Telemetry::new(config.health);
    let (tx, feed) = ChannelFeed::new(64);
    let shutdown = Shutdown::new();
    let driver = Driver {
        world: &world,
        feeds: vec![tx],
        limit: 500,
    };
    let daemon = run(
        config,
        chain.clone(),
        feed,
        telemetry.clone(),
        shutdown.clone(),
    );
    let script = async {
        driver.wait_for_epoch(1).await;
        driver.steps(1, 2).await;
        let addr = telemetry.http_addr().expect("bound");
        assert!(addr.ip().is_loopback());
        let base = format!("http://{addr}");

        let (status, ct, text) = get(&format!("{base}/metrics")).await;
        assert_eq!(status, 200);
        assert!(ct.starts_with("application/openmetrics-text"), "{ct}");
        assert_eq!(
            sample(&text, "joule_keeper_readings_accepted_total"),
            Some(120.0)
        );
        assert_eq!(
            sample(
                &text,
                "joule_keeper_readings_rejected_total{reason=\"meter_not_registered\"}"
            ),
            Some(2.0)
        );
        assert_eq!(
            sample(&text, "joule_keeper_readings_skipped_stale_total"),
            Some(60.0)
        );
        assert_eq!(sample(&text, "joule_keeper_epochs_opened_total"), Some(1.0));
        assert!(sample(&text, "joule_keeper_transactions_sent_total").is_some_and(|n| n > 0.0));
        assert!(sample(&text, "joule_keeper_transactions_confirmed_total").is_some_and(|n| n > 0.0));
        assert!(
            sample(&text, "joule_keeper_fees_paid_lamports_total").is_some_and(|n| n >= 5_000.0)
        );
        assert!(
            sample(
                &text,
                "joule_keeper_rpc_latency_seconds_count{method=\"send_transaction\"}"
            )
            .is_some_and(|n| n > 0.0),
            "{text}"
        );
        assert_eq!(sample(&text, "joule_keeper_healthy"), Some(1.0));
        assert!(text.contains("# TYPE joule_keeper_settlement_backlog_orders gauge"));

        let (status, ct, body) = get(&format!("{base}/healthz")).await;
        assert_eq!((status, ct.as_str()), (200, "application/json"));
        let h: serde_json::Value = serde_json::from_str(&body).expect("json");
        assert_eq!(h["healthy"], true);
        assert_eq!(h["chain"]["reachable"], true);

        // A source that keeps failing turns the keeper unhealthy...
        telemetry.source_failed("gateway-1", &"connection reset by peer");
        let body = wait_for_status(&format!("{base}/healthz"), 503).await;
        let h: serde_json::Value = serde_json::from_str(&body).expect("json");
        assert_eq!(h["sources"]["gateway-1"]["healthy"], false);
        assert_eq!(
            h["sources"]["gateway-1"]["last_error"],
            "connection reset by peer"
        );
        assert_eq!(h["chain"]["healthy"], true);
        // ...until it answers again.
        telemetry.source_ok("gateway-1");
        wait_for_status(&format!("{base}/healthz"), 200).await;

        // The chain unreachable longer than the limit: unhealthy.
        chain.down.store(true, Ordering::SeqCst);
        let body = wait_for_status(&format!("{base}/healthz"), 503).await;
        let h: serde_json::Value = serde_json::from_str(&body).expect("json");
        assert_eq!(h["chain"]["reachable"], false);
        assert!(h["chain"]["last_error"]
            .as_str()
            .is_some_and(|e| e.contains("connection refused")));
        let (_, _, text) = get(&format!("{base}/metrics")).await;
        assert_eq!(sample(&text, "joule_keeper_healthy"), Some(0.0));
        assert!(
            sample(&text, "joule_keeper_rpc_errors_total{method=\"get_slot\"}")
                .is_some_and(|n| n > 0.0)
        );
        // The duties' failed runs were counted and the loops went on.
        tokio::time::sleep(Duration::from_millis(300)).await;
        chain.down.store(false, Ordering::SeqCst);
        wait_for_status(&format!("{base}/healthz"), 200).await;
        let (_, _, text) = get(&format!("{base}/metrics")).await;
        assert!(
            sample(&text, "joule_keeper_duty_errors_total{duty=\"epochs\"}")
                .is_some_and(|n| n > 0.0),
            "{text}"
        );
        // And the keeper still works: the next step lands.
        driver.steps(3, 3).await;
        shutdown.trigger();
        addr
    };
    let (ran, addr) = tokio::join!(daemon, script);
    assert!(ran.expect("ran").drained);
    // The endpoint is gone after shutdown.
    assert!(reqwest::get(format!("http://{addr}/healthz"))
        .await
        .is_err());
}

#[tokio::test(start_paused = true)]
async fn shutdown_finishes_the_send_in_flight_and_starts_nothing_new() {
    let world = World::new().await;
    let gate = Arc::new(Gate::new(world.chain.clone()));
    let mut config = world.keeper(0, Shard::ALL);
    // Two flow calls for the sixty readings of a step; only markets off.
    config.readings.readings_per_call = 36;
    config.markets.clear();
    config.minting.owners.clear();
    let telemetry = Telemetry::new(config.health);
    let (tx, feed) = ChannelFeed::new(64);
    let shutdown = Shutdown::new();
    let driver = Driver {
        world: &world,
        feeds: vec![tx],
        limit: 600,
    };
    let released = AtomicBool::new(false);
    let daemon = run(
        config,
        gate.clone(),
        feed,
        telemetry.clone(),
        shutdown.clone(),
    );
    let script = async {
        driver.steps(1, 1).await;
        // Step 2: its first readings transaction is held on its way.
        gate.arm(1);
        driver.begin_step(2).await;
        gate.reached.notified().await;
        shutdown.trigger();
        tokio::time::sleep(Duration::from_secs(10)).await;
        released.store(true, Ordering::SeqCst);
        gate.release.notify_one();
    };
    let (ran, ()) = tokio::join!(
        async {
            let r = daemon.await;
            // Not before the send in flight was let through.
            assert!(
                released.load(Ordering::SeqCst),
                "returned with a send in flight"
            );
            r
        },
        script
    );
    assert!(ran.expect("ran").drained);
    // The held transaction landed: its 36 readings are on chain; the second
    // call was never started.
    let s = world.sender();
    let ts = world.t0 + support::STEP_SECS * 2;
    let mut at_step_2 = 0;
    for m in &world.meters {
        let a = joule_client::flows::registry::meter(&*world.chain, &s, &m.key)
            .await
            .expect("meter");
        if a.last_reading_ts == ts {
            at_step_2 += 1;
        }
    }
    assert_eq!(at_step_2, 36);
    assert_eq!(telemetry.metrics().readings_accepted.get(), 60 + 36);
    assert_eq!(telemetry.metrics().readings_pending.get(), 24);
}

#[tokio::test]
async fn sigterm_triggers_the_shutdown() {
    let shutdown = Shutdown::new();
    shutdown.trigger_on_signals().expect("signal handlers");
    let status = std::process::Command::new("kill")
        .args(["-TERM", &std::process::id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    tokio::time::timeout(Duration::from_secs(10), shutdown.wait())
        .await
        .expect("shut down on SIGTERM");
}

/// A feed that fails its first `failures` calls, then hands over `batch`.
struct Flaky {
    failures: u32,
    batch: Vec<joule_keeper::daemon::FeedReading>,
}

#[async_trait::async_trait(?Send)]
impl joule_keeper::daemon::ReadingsFeed for Flaky {
    async fn next_batch(
        &mut self,
    ) -> Result<Vec<joule_keeper::daemon::FeedReading>, joule_keeper::daemon::FeedError> {
        if self.failures > 0 {
            self.failures -= 1;
            return Err(joule_keeper::daemon::FeedError {
                source_name: "gateway-7".into(),
                message: "connection reset by peer".into(),
            });
        }
        Ok(std::mem::take(&mut self.batch))
    }
}

#[tokio::test(start_paused = true)]
async fn a_failing_feed_is_counted_and_the_loop_goes_on() {
    let world = World::new().await;
    let mut config = world.keeper(0, Shard::ALL);
    config.markets.clear();
    config.minting.owners.clear();
    config.health.source_unreachable = Duration::from_secs(2);
    let telemetry = Telemetry::new(config.health);
    let shutdown = Shutdown::new();
    world.chain.set_time(world.t0 + support::STEP_SECS);
    let feed = Flaky {
        failures: 5,
        batch: world.step_readings(1),
    };
    let daemon = run(
        config,
        world.chain.clone(),
        feed,
        telemetry.clone(),
        shutdown.clone(),
    );
    let script = async {
        // Failing for longer than the limit: unhealthy, the feed named.
        tokio::time::sleep(Duration::from_millis(3_500)).await;
        let h = telemetry.health();
        assert!(!h.healthy);
        assert!(h.sources["feed"]
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("gateway-7")));
        support::wait_until("the readings", 60, Duration::from_secs(1), || async {
            telemetry.metrics().readings_accepted.get() == 60
        })
        .await;
        assert!(telemetry.health().healthy);
        shutdown.trigger();
    };
    let (ran, ()) = tokio::join!(daemon, script);
    assert!(ran.expect("ran").drained);
    let m = telemetry.metrics();
    let errors = m
        .source_errors
        .get_or_create(&joule_keeper::daemon::telemetry::SourceLabels {
            source: "gateway-7".into(),
        })
        .get();
    assert_eq!(errors, 5);
    let runs = m
        .duty_runs
        .get_or_create(&joule_keeper::daemon::telemetry::DutyLabels { duty: "readings" })
        .get();
    assert!(runs >= 6, "{runs}");
}
