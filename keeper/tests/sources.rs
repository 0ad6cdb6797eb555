//! The keeper end to end with its real sources (embedded chain, real time):
//! sixty meters behind two HTTP gateways on 127.0.0.1 and DISCOM files
//! (CSV and Green Button ESPI) dropped into a watched directory, three
//! epochs traded, the daemon reading everything through the
//! [`SourcesFeed`]: every valid reading recorded once, every epoch
//! cleared, settled and closed, balances exact to the unit; the junk in
//! the same feeds rejected with its reasons counted; a gateway that hangs,
//! one that answers garbage and one that resets the connection counted
//! while the others go on.

mod support;

use axum::routing::get;
use joule_client::flows::registry as rflow;
use joule_client::Signer;
use joule_keeper::daemon::telemetry::{ReasonLabels, SourceLabels};
use joule_keeper::daemon::{run, Shard, Shutdown, Telemetry};
use joule_keeper::sources::feed::{DiscomSource, GatewaySource};
use joule_keeper::sources::{SourcesConfig, SourcesFeed};
use joule_sdk::registry::MeterKind;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::{Driver, MeterSpec, World, STEPS, STEP_SECS};

/// Polls of the driver (20 ms each) a step may take.
const LIMIT: u64 = 3_000;

/// Meters `0..40` behind gateways A (`0..20`) and B (`20..40`); `40..50` in
/// CSV files, `50..60` in ESPI files (from step 2 on; their step 1 comes
/// from gateway A as their start on chain).
const GATEWAY_A: std::ops::Range<usize> = 0..20;
const GATEWAY_B: std::ops::Range<usize> = 20..40;
const CSV: std::ops::Range<usize> = 40..50;
const ESPI: std::ops::Range<usize> = 50..60;

/// The serials the world registered, in its order.
fn serials() -> Vec<String> {
    let mut out = Vec::new();
    for (owner, count) in [(0, 10), (1, 10), (2, 5), (3, 5), (4, 30)] {
        for i in 0..count {
            out.push(format!("KP-{owner}-{i:03}"));
        }
    }
    out
}

fn gateway_entry(serial: &str, m: &MeterSpec, t0: i64, step: u32) -> serde_json::Value {
    let r = m.reading(t0, step);
    serde_json::json!({
        "serial": serial,
        "timestamp": r.timestamp,
        "export_register_wh": r.export_register_wh,
        "import_register_wh": r.import_register_wh,
    })
}

/// Gateway bodies of step `step`, with junk in A: an unknown meter, a
/// meter registered but never activated, an entry missing its registers,
/// a reading two hours ahead.
fn gateway_bodies(world: &World, serials: &[String], step: u32) -> (String, String) {
    let t0 = world.t0;
    let ts = t0 + STEP_SECS * i64::from(step);
    let mut a: Vec<serde_json::Value> = GATEWAY_A
        .map(|i| gateway_entry(&serials[i], &world.meters[i], t0, step))
        .collect();
    if step == 1 {
        for i in CSV.chain(ESPI) {
            a.push(gateway_entry(&serials[i], &world.meters[i], t0, step));
        }
    }
    a.push(serde_json::json!({"serial": "ZZ-0000", "timestamp": ts,
        "export_register_wh": 1, "import_register_wh": 1}));
    a.push(serde_json::json!({"serial": "KP-PENDING", "timestamp": ts,
        "export_register_wh": 1, "import_register_wh": 1}));
    a.push(serde_json::json!({"serial": serials[3], "timestamp": ts}));
    let mut far = gateway_entry(&serials[5], &world.meters[5], t0, step);
    far["timestamp"] = serde_json::json!(ts + 7_200);
    a.push(far);
    let b: Vec<serde_json::Value> = GATEWAY_B
        .map(|i| gateway_entry(&serials[i], &world.meters[i], t0, step))
        .collect();
    (
        serde_json::json!({"gateway_id": "A", "readings": a}).to_string(),
        serde_json::json!({"gateway_id": "B", "readings": b}).to_string(),
    )
}

/// The CSV file of step `step` (the interval ending at it), with a row of
/// a negative value.
fn csv_file(world: &World, serials: &[String], step: u32) -> String {
    let start = world.t0 + STEP_SECS * i64::from(step - 1);
    let mut s = String::from("meter_serial,interval_start,interval_minutes,import_wh,export_wh\n");
    for i in CSV {
        let m = &world.meters[i];
        s.push_str(&format!(
            "{},{start},15,{},{}\n",
            serials[i], m.import_per_step_wh, m.export_per_step_wh
        ));
    }
    s.push_str(&format!("ZZ-NEG,{start},15,-5,0\n"));
    s
}

/// The Green Button feed of step `step`: one usage point per meter, both
/// directions (export in mWh).
fn espi_file(world: &World, step: u32) -> String {
    use joule_keeper::sources::espi::{write_feed, WrittenInterval};
    let start = world.t0 + STEP_SECS * i64::from(step - 1);
    let points: Vec<(String, Vec<WrittenInterval>)> = ESPI
        .map(|i| {
            let m = &world.meters[i];
            let interval = WrittenInterval {
                start,
                duration_secs: STEP_SECS,
                import_wh: m.import_per_step_wh,
                export_wh: m.export_per_step_wh,
            };
            (format!("M{i}"), vec![interval])
        })
        .collect();
    write_feed("https://utility.example/espi/1_1/resource", &points)
}

/// Writes a file the way a transfer does: under a temporary name, then
/// renamed.
fn drop_file(dir: &Path, name: &str, text: &str) {
    let partial = dir.join(format!("{name}.partial"));
    std::fs::write(&partial, text).expect("write");
    std::fs::rename(&partial, dir.join(name)).expect("rename");
}

type Body = Arc<Mutex<String>>;

/// Serves gateways A and B (their current bodies), one that never
/// answers and one that answers garbage; and a listener that resets every
/// connection. Returns their URLs: A, B, hang, garbage, reset.
async fn gateways(a: Body, b: Body) -> [String; 5] {
    let app = axum::Router::new()
        .route(
            "/a",
            get(move || {
                let a = a.clone();
                async move { a.lock().expect("body").clone() }
            }),
        )
        .route(
            "/b",
            get(move || {
                let b = b.clone();
                async move { b.lock().expect("body").clone() }
            }),
        )
        .route(
            "/hang",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(3_600)).await;
                "late"
            }),
        )
        .route("/garbage", get(|| async { "{\"readings\": [ oops" }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let http = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let reset = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let reset_url = format!("http://{}/readings", reset.local_addr().expect("addr"));
    tokio::spawn(async move {
        while let Ok((stream, _)) = reset.accept().await {
            // Linger 0: closing sends a reset (and does not block).
            #[allow(deprecated)]
            let _ = stream.set_linger(Some(Duration::ZERO));
            drop(stream);
        }
    });
    [
        format!("{http}/a"),
        format!("{http}/b"),
        format!("{http}/hang"),
        format!("{http}/garbage"),
        reset_url,
    ]
}

fn rejected(t: &Telemetry, reason: &str) -> u64 {
    t.metrics()
        .readings_rejected
        .get_or_create(&ReasonLabels {
            reason: reason.into(),
        })
        .get()
}

fn source_errors(t: &Telemetry, source: &str) -> u64 {
    t.metrics()
        .source_errors
        .get_or_create(&SourceLabels {
            source: source.into(),
        })
        .get()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_meters_from_gateways_and_discom_files_three_epochs_everything_recorded_once() {
    let world = World::fast().await;
    let serials = serials();
    for (s, m) in serials.iter().zip(&world.meters) {
        assert_eq!(joule_sdk::registry::meter_id_from_serial(s), m.meter_id);
    }
    // A meter registered and never activated.
    rflow::register_meter(
        &*world.chain,
        &world.sender(),
        &world.owners[4],
        &rflow::NewMeter {
            serial: "KP-PENDING".into(),
            utility: "TPDDL".into(),
            kind: MeterKind::Solar,
            rated_power_w: 5_000,
        },
    )
    .await
    .expect("register");

    let dir = tempfile::tempdir().expect("dir");
    let feeds = dir.path().join("discom");
    std::fs::create_dir(&feeds).expect("mkdir");
    let mut list = String::new();
    for (i, s) in serials.iter().enumerate() {
        list.push_str(&format!(
            "[[meter]]\nserial = \"{s}\"\nstatus = \"active\"\nrated_power_w = 5000\n"
        ));
        if ESPI.contains(&i) {
            list.push_str(&format!("usage_points = [\"M{i}\"]\n"));
        }
    }
    list.push_str(
        "[[meter]]\nserial = \"KP-PENDING\"\nstatus = \"active\"\nrated_power_w = 5000\n",
    );
    let meters = dir.path().join("meters.toml");
    std::fs::write(&meters, list).expect("meters");

    let a: Body = Arc::new(Mutex::new(String::from("{\"readings\": []}")));
    let b: Body = Arc::new(Mutex::new(String::from("{\"readings\": []}")));
    let urls = gateways(a.clone(), b.clone()).await;
    let names = ["gw-a", "gw-b", "gw-hang", "gw-garbage", "gw-reset"];
    let sources = SourcesConfig {
        meters: Some(meters),
        gateway: urls
            .iter()
            .zip(names)
            .map(|(url, name)| GatewaySource {
                url: url.clone(),
                name: Some(name.into()),
                ..GatewaySource::default()
            })
            .collect(),
        discom: vec![DiscomSource {
            dir: Some(feeds.clone()),
            state_file: Some(dir.path().join("processed.json")),
            name: Some("discom-dir".into()),
            ..DiscomSource::default()
        }],
        connect_timeout_ms: 500,
        timeout_ms: 500,
        ..SourcesConfig::default()
    };

    let mut config = world.keeper(0, Shard::ALL);
    for i in [
        &mut config.readings.interval,
        &mut config.epochs.interval,
        &mut config.settlement.interval,
        &mut config.minting.interval,
    ] {
        *i = Duration::from_millis(300);
    }
    let telemetry = Telemetry::new(config.health);
    let feed = SourcesFeed::new(&sources, Shard::ALL, world.chain.clone(), telemetry.clone())
        .expect("sources");
    assert_eq!(feed.meters(), 61);
    let shutdown = Shutdown::new();
    let driver = Driver {
        world: &world,
        feeds: Vec::new(),
        limit: LIMIT,
    };
    let started = std::time::Instant::now();
    let daemon = run(
        config,
        world.chain.clone(),
        feed,
        telemetry.clone(),
        shutdown.clone(),
    );
    let script = async {
        driver.wait_for_epoch(1).await;
        for step in 1..=STEPS {
            world.chain.set_time(world.t0 + STEP_SECS * i64::from(step));
            let (body_a, body_b) = gateway_bodies(&world, &serials, step);
            *a.lock().expect("body") = body_a;
            *b.lock().expect("body") = body_b;
            if step >= 2 {
                drop_file(
                    &feeds,
                    &format!("step-{step:02}.csv"),
                    &csv_file(&world, &serials, step),
                );
                drop_file(
                    &feeds,
                    &format!("step-{step:02}.xml"),
                    &espi_file(&world, step),
                );
            }
            if step == 3 {
                drop_file(&feeds, "broken.json", "{\"readings\": [ {\"serial\": ");
            }
            driver.end_step(step).await;
        }
        driver.wait_for_the_end().await;
        // The last files are marked processed in the round after their
        // readings show on chain.
        let state_file = dir.path().join("processed.json");
        support::wait_until("the last files processed", LIMIT, world.poll, || async {
            std::fs::read_to_string(&state_file).is_ok_and(|s| {
                s.contains(&format!("step-{STEPS:02}.xml"))
                    && s.contains(&format!("step-{STEPS:02}.csv"))
            })
        })
        .await;
        shutdown.trigger();
    };
    let (ran, ()) = tokio::join!(daemon, script);
    assert!(ran.expect("the daemon ran").drained);
    eprintln!("scenario: {:?}", started.elapsed());

    // Every valid reading recorded once; everything cleared, settled,
    // closed; balances exact to the unit.
    assert_eq!(world.final_state().await, world.expected());
    let m = telemetry.metrics();
    let steps = u64::from(STEPS);
    assert_eq!(m.readings_accepted.get(), 60 * steps);
    assert_eq!(m.epochs_cleared.get(), 3);
    assert_eq!(m.epochs_settled.get(), 3);
    assert_eq!(m.epochs_closed.get(), 3);
    assert_eq!(m.orders_settled.get(), 12);
    assert_eq!(m.settlement_backlog_orders.get(), 0);

    // The junk: the files' counted exactly once (each file read once);
    // the gateways' at least once per step (a gateway is read each round).
    assert_eq!(rejected(&telemetry, "negative_value"), steps - 1);
    assert_eq!(rejected(&telemetry, "malformed_file"), 1);
    for reason in [
        "unknown_serial",
        "meter_not_active",
        "malformed_entry",
        "timestamp_in_future",
    ] {
        assert!(
            rejected(&telemetry, reason) >= steps,
            "{reason}: {}",
            rejected(&telemetry, reason)
        );
    }
    // Every DISCOM file processed: recorded in the state file.
    let state = std::fs::read_to_string(dir.path().join("processed.json")).expect("state");
    for step in 2..=STEPS {
        assert!(state.contains(&format!("step-{step:02}.csv")), "{state}");
        assert!(state.contains(&format!("step-{step:02}.xml")), "{state}");
    }

    // The broken gateways: counted, unreachable in /healthz; the good
    // ones reachable.
    let health = telemetry.health();
    for name in ["gw-hang", "gw-garbage", "gw-reset"] {
        assert!(source_errors(&telemetry, name) >= steps, "{name}");
        assert!(!health.sources[name].reachable, "{name}: {health:?}");
    }
    for name in ["gw-a", "gw-b", "discom-dir"] {
        assert_eq!(source_errors(&telemetry, name), 0, "{name}");
        assert!(health.sources[name].reachable, "{name}");
    }
    let _ = world.owners[0].pubkey();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_meter_list_is_read_again_when_it_changes_and_a_broken_one_is_not_used() {
    use joule_keeper::daemon::ReadingsFeed;
    let world = World::fast().await;
    let serials = serials();
    let dir = tempfile::tempdir().expect("dir");
    let list = dir.path().join("meters.toml");
    let write_list = |n: usize| {
        let mut text = String::new();
        for s in &serials[..n] {
            text.push_str(&format!(
                "[[meter]]\nserial = \"{s}\"\nstatus = \"active\"\nrated_power_w = 5000\n"
            ));
        }
        drop_file(dir.path(), "meters.toml", &text);
    };
    write_list(1);
    // The gateway reports the first two meters.
    let t0 = world.t0;
    world.chain.set_time(t0 + STEP_SECS);
    let body = serde_json::json!({"readings": [
        gateway_entry(&serials[0], &world.meters[0], t0, 1),
        gateway_entry(&serials[1], &world.meters[1], t0, 1),
    ]})
    .to_string();
    let a: Body = Arc::new(Mutex::new(body));
    let b: Body = Arc::new(Mutex::new(String::from("{\"readings\": []}")));
    let urls = gateways(a, b).await;
    let sources = SourcesConfig {
        meters: Some(list.clone()),
        gateway: vec![GatewaySource {
            url: urls[0].clone(),
            name: Some("gw".into()),
            ..GatewaySource::default()
        }],
        ..SourcesConfig::default()
    };
    let telemetry = Telemetry::new(joule_keeper::daemon::HealthLimits::default());
    let mut feed = SourcesFeed::new(&sources, Shard::ALL, world.chain.clone(), telemetry.clone())
        .expect("sources");
    assert_eq!(feed.meters(), 1);
    let batch = feed.next_batch().await.expect("batch");
    assert_eq!(batch.len(), 1);
    assert_eq!(batch[0].0, world.meters[0].key);
    assert_eq!(rejected(&telemetry, "unknown_serial"), 1);

    // The operator adds the second meter: the next round serves it (the
    // first meter's reading was handed over already).
    write_list(2);
    let batch = feed.next_batch().await.expect("batch");
    assert_eq!(feed.meters(), 2);
    assert_eq!(batch.len(), 1);
    assert_eq!(batch[0].0, world.meters[1].key);
    assert_eq!(rejected(&telemetry, "unknown_serial"), 1);

    // A broken list is counted once and not used.
    drop_file(dir.path(), "meters.toml", "[[meter]]\nserial = ");
    for _ in 0..2 {
        feed.next_batch().await.expect("batch");
    }
    assert_eq!(feed.meters(), 2);
    assert_eq!(source_errors(&telemetry, "meter-list"), 1);
    assert_eq!(rejected(&telemetry, "unknown_serial"), 1);
}
