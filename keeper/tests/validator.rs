//! `joule-keeper run` as its own process against a real
//! `solana-test-validator` started by the test: eight meters behind an
//! HTTP gateway on 127.0.0.1 and a DISCOM CSV file dropped into a watched
//! directory; the keeper is killed with SIGKILL right after its first
//! transaction goes out and started again; it must land every reading
//! exactly once (each meter's totals equal the expected sums), mint the
//! seller's energy, and clear, settle and close an epoch it opened in
//! which a buy and a sell order were placed. No keeper process is left.
//!
//! Runs when `JOULE_VALIDATOR_TESTS=1` (scripts/test.sh sets it, inside a
//! private network namespace: the validator binds 0.0.0.0).

use axum::routing::get;
use joule_client::flows::{market as mflow, registry as rflow, tokens};
use joule_client::test_validator::{free_port, TestValidator as Validator};
use joule_client::{Chain, Keypair, Sender, SenderConfig, Signer};
use joule_sdk::market::{MarketParams, Side};
use joule_sdk::registry::MeterKind;
use joule_sdk::{associated_token_address, Pubkey};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Seconds between the readings of the CSV meters (the file's one-minute
/// intervals) and their readings: steps `1..=STEPS` (the first sets the
/// baseline). All within the registry's 300 s ahead of the clock.
const STEP: i64 = 60;
const STEPS: i64 = 5;
/// The same for the gateway meters: more readings than one transaction
/// carries, so the keeper is killed between batches.
const GW_STEP: i64 = 10;
const GW_STEPS: i64 = 25;
const METERS: usize = 8;
/// Meters `0..6` behind the gateway; `6..8` in the CSV file (from step 2
/// on; their step 1 comes from the gateway).
const CSV_FROM: usize = 6;
/// The seller owns meters `0..4` (solar), the buyer `4..8` (consumption).
const SELLER_METERS: usize = 4;
const ORDER_WH: u64 = 100;
const TICK: u16 = 10;

fn enabled() -> bool {
    if std::env::var_os("JOULE_VALIDATOR_TESTS").is_some() {
        return true;
    }
    eprintln!("skipped: set JOULE_VALIDATOR_TESTS=1 to run against solana-test-validator (scripts/test.sh does)");
    false
}

fn key(seed: u8) -> Keypair {
    Keypair::new_from_array([seed; 32])
}

fn serial(i: usize) -> String {
    format!("VK-{i:03}")
}

fn export_per_step(i: usize) -> u64 {
    if i < SELLER_METERS {
        50 + 7 * u64::try_from(i).expect("small")
    } else {
        0
    }
}

fn import_per_step(i: usize) -> u64 {
    3 + 11 * u64::try_from(i).expect("small")
}

fn base(i: usize) -> u64 {
    10_000 + 1_000 * u64::try_from(i).expect("small")
}

fn write_keypair(path: &Path, key: &Keypair) {
    std::fs::write(
        path,
        serde_json::to_string(&key.to_bytes().to_vec()).expect("json"),
    )
    .expect("write keypair");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).expect("chmod 600");
}

/// GET `url` on 127.0.0.1: the body, or `None` if nothing answers.
fn http_get(url: &str) -> Option<String> {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://")?;
    let (host, path) = rest.split_once('/')?;
    let mut s = std::net::TcpStream::connect(host).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    write!(
        s,
        "GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    out.split_once("\r\n\r\n").map(|(_, b)| b.to_string())
}

/// A counter's value in a Prometheus text page (0 when absent).
fn metric(page: &str, name: &str) -> u64 {
    page.lines()
        .filter(|l| l.starts_with(name) && !l.starts_with('#'))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .map(|v| v as u64)
        .sum()
}

/// The keeper process; killed (SIGKILL) and reaped on drop.
struct Keeper(Child);

impl Drop for Keeper {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_keeper(config: &Path, log: &Path) -> Keeper {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .expect("keeper log");
    let mut c = Command::new(env!("CARGO_BIN_EXE_joule-keeper"));
    for (k, _) in std::env::vars() {
        if k.starts_with("JOULE_KEEPER_") {
            c.env_remove(k);
        }
    }
    Keeper(
        c.args(["run", "--config"])
            .arg(config)
            .stdout(Stdio::null())
            .stderr(Stdio::from(log))
            .spawn()
            .expect("start joule-keeper"),
    )
}

fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| !s.contains(") Z"))
}

async fn wait_until<F, Fut>(what: &str, limit: Duration, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    while !check().await {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_keeper_killed_mid_batch_and_restarted_lands_every_reading_once_on_solana_test_validator(
) {
    if !enabled() {
        return;
    }
    let dir = tempfile::tempdir().expect("dir");
    let admin = key(1);
    let oracle = key(2);
    let seller = key(10);
    let buyer = key(11);
    let fee_recipient = key(21);
    let funded: Vec<Pubkey> = [&admin, &oracle, &seller, &buyer]
        .iter()
        .map(|k| k.pubkey())
        .collect();
    let validator = tokio::task::block_in_place(|| {
        Validator::start(
            &admin.pubkey(),
            &funded,
            1_000_000_000_000,
            &dir.path().join("validator"),
        )
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let chain = validator.chain();
    let c = &chain;
    let s = Sender::new(SenderConfig::default()).expect("sender");

    // The registry (with the oracle), eight meters, a market of
    // twenty-second epochs, the buyer's quote.
    rflow::initialize(c, &s, &admin, &[oracle.pubkey()])
        .await
        .expect("initialize");
    let mut meters = Vec::new();
    for i in 0..METERS {
        let (owner, kind) = if i < SELLER_METERS {
            (&seller, MeterKind::Solar)
        } else {
            (&buyer, MeterKind::ConsumptionOnly)
        };
        let reg = rflow::register_meter(
            c,
            &s,
            owner,
            &rflow::NewMeter {
                serial: serial(i),
                utility: "TPDDL".into(),
                kind,
                rated_power_w: 100_000,
            },
        )
        .await
        .expect("register");
        rflow::activate_meter(c, &s, &admin, &reg.meter, &owner.pubkey())
            .await
            .expect("activate");
        meters.push(reg.meter);
    }
    let t0 = c.get_clock().await.expect("clock").unix_timestamp;
    let quote_mint = tokens::create_mint(c, &s, &admin, &admin.pubkey(), 6)
        .await
        .expect("quote mint");
    let params = MarketParams {
        epoch_length_secs: 20,
        min_price: 1_000,
        tick_size: 100,
        tick_count: 1_024,
        min_lot_wh: 1,
        fee_bps: 50,
        order_capacity: 16,
        fee_recipient: fee_recipient.pubkey(),
        min_order_value: 10,
        order_deposit_lamports: 10_000_000,
    };
    let keys = mflow::create_market(c, &s, &admin, &quote_mint, &params)
        .await
        .expect("market")
        .keys;
    let buyer_quote =
        tokens::ensure_associated_account(c, &s, &admin, &buyer.pubkey(), &quote_mint)
            .await
            .expect("buyer's quote account");
    tokens::mint_to(c, &s, &admin, &quote_mint, &buyer_quote, 10_000_000)
        .await
        .expect("fund the buyer");

    // The sources: the gateway serves every step of meters 0..6 and step
    // 1 of the CSV meters; the CSV file comes later.
    let cadence = |i: usize| {
        if i < CSV_FROM {
            (GW_STEP, GW_STEPS)
        } else {
            (STEP, STEPS)
        }
    };
    let reading = |i: usize, step: i64| {
        let k = u64::try_from(step).expect("positive");
        (
            t0 + cadence(i).0 * step,
            base(i) + export_per_step(i) * k,
            base(i) + import_per_step(i) * k,
        )
    };
    let mut entries = Vec::new();
    for i in 0..METERS {
        let last = if i < CSV_FROM { GW_STEPS } else { 1 };
        for step in 1..=last {
            let (ts, e, im) = reading(i, step);
            entries.push(serde_json::json!({"serial": serial(i), "timestamp": ts,
                "export_register_wh": e, "import_register_wh": im}));
        }
    }
    let body = serde_json::json!({"gateway_id": "V", "readings": entries}).to_string();
    let app = axum::Router::new().route(
        "/readings",
        get(move || {
            let body = body.clone();
            async move { body }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let gateway = format!("http://{}/readings", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });

    let discom = dir.path().join("discom");
    std::fs::create_dir(&discom).expect("mkdir");
    let mut list = String::new();
    for i in 0..METERS {
        list.push_str(&format!(
            "[[meter]]\nserial = \"{}\"\nstatus = \"active\"\nrated_power_w = 100000\n",
            serial(i)
        ));
    }
    let meters_file = dir.path().join("meters.toml");
    std::fs::write(&meters_file, list).expect("meters");
    let oracle_file = dir.path().join("oracle.json");
    write_keypair(&oracle_file, &oracle);
    let port = free_port().expect("a free port");
    let config = dir.path().join("keeper.toml");
    std::fs::write(
        &config,
        format!(
            r#"
markets = ["{market}"]
shutdown_grace_secs = 5
[chain]
rpc_url = "{url}"
commitment = "confirmed"
oracle_keypair = "{oracle}"
[sender]
resend_interval_ms = 1000
poll_interval_ms = 200
backoff_base_ms = 100
backoff_max_ms = 1000
[readings]
interval_secs = 1
[epochs]
interval_secs = 1
[settlement]
interval_secs = 1
[minting]
interval_secs = 1
owners = ["{seller}"]
min_wh = 1
[http]
listen = "127.0.0.1:{port}"
[health]
probe_interval_secs = 1
[sources]
meters = "{meters}"
max_future_secs = 300
[[sources.gateway]]
url = "{gateway}"
name = "gw"
[[sources.discom]]
dir = "{discom}"
state_file = "{state}"
"#,
            market = keys.market,
            url = validator.url,
            oracle = oracle_file.display(),
            seller = seller.pubkey(),
            meters = meters_file.display(),
            discom = discom.display(),
            state = dir.path().join("processed.json").display(),
        ),
    )
    .expect("config");
    let log = dir.path().join("keeper.log");
    let metrics_url = format!("http://127.0.0.1:{port}/metrics");
    let show_log = || std::fs::read_to_string(&log).unwrap_or_default();
    let started = Instant::now();

    // First keeper: SIGKILL as soon as the chain shows its first batch
    // of readings, while the next batches (sent one after the other) are
    // being signed, sent and confirmed.
    let mut first = start_keeper(&config, &log);
    let first_pid = first.0.id();
    let begin = Instant::now();
    loop {
        let mut landed = false;
        for m in &meters[..CSV_FROM] {
            if rflow::meter(c, &s, m)
                .await
                .is_ok_and(|a| a.last_reading_ts > 0)
            {
                landed = true;
                break;
            }
        }
        if landed {
            break;
        }
        if let Ok(Some(status)) = first.0.try_wait() {
            panic!("the keeper exited ({status}):\n{}", show_log());
        }
        assert!(
            begin.elapsed() < Duration::from_secs(120),
            "the keeper sent nothing:\n{}",
            show_log()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    first.0.kill().expect("SIGKILL");
    let _ = first.0.wait();
    assert!(!alive(first_pid), "the killed keeper is still running");
    let killed_after = started.elapsed();
    let total: i64 = (0..METERS).map(|i| cadence(i).1).sum();
    let mut on_chain_at_kill = 0;
    for (i, m) in meters.iter().enumerate() {
        let a = rflow::meter(c, &s, m).await.expect("meter");
        if a.last_reading_ts > 0 {
            on_chain_at_kill += (a.last_reading_ts - t0) / cadence(i).0;
        }
    }
    assert!(
        on_chain_at_kill > 0 && on_chain_at_kill < total - 8,
        "killed mid-batch: {on_chain_at_kill} of the gateway's readings on chain"
    );

    // Second keeper, from nothing but its configuration and the chain.
    let mut second = start_keeper(&config, &log);
    let second_pid = second.0.id();

    // The CSV file once the chain shows its meters' first reading.
    for &m in &meters[CSV_FROM..] {
        wait_until(
            "the CSV meters' baseline",
            Duration::from_secs(120),
            || async {
                rflow::meter(c, &s, &m)
                    .await
                    .is_ok_and(|a| a.last_reading_ts >= t0 + STEP)
            },
        )
        .await;
    }
    let mut csv =
        String::from("meter_serial,interval_start,interval_minutes,import_wh,export_wh\n");
    for i in CSV_FROM..METERS {
        for step in 2..=STEPS {
            csv.push_str(&format!(
                "{},{},1,{},{}\n",
                serial(i),
                t0 + STEP * (step - 1),
                import_per_step(i),
                export_per_step(i)
            ));
        }
    }
    let partial = discom.join("day.csv.partial");
    std::fs::write(&partial, csv).expect("csv");
    std::fs::rename(&partial, discom.join("day.csv")).expect("rename");

    // Every reading applied.
    for (i, m) in meters.iter().enumerate() {
        let last_ts = reading(i, cadence(i).1).0;
        wait_until(
            &format!("meter {i}'s readings"),
            Duration::from_secs(180),
            || async {
                rflow::meter(c, &s, m)
                    .await
                    .is_ok_and(|a| a.last_reading_ts >= last_ts)
            },
        )
        .await;
    }
    let readings_secs = started.elapsed().as_secs_f64();
    let after_restart = readings_secs - killed_after.as_secs_f64();

    // A sell and a buy order in an epoch the keeper opened, once the
    // seller's energy is minted.
    let seller_energy = associated_token_address(&seller.pubkey(), &keys.energy_mint);
    wait_until("the seller's energy", Duration::from_secs(120), || async {
        tokens::balance(c, &s, &seller_energy)
            .await
            .is_ok_and(|b| b >= ORDER_WH)
    })
    .await;
    let order_epoch = {
        let begin = Instant::now();
        loop {
            assert!(
                begin.elapsed() < Duration::from_secs(120),
                "no open epoch took the orders:\n{}",
                show_log()
            );
            let m = mflow::market(c, &s, &keys.market).await.expect("market");
            if m.current_epoch == Pubkey::default() {
                tokio::time::sleep(Duration::from_millis(500)).await;
                continue;
            }
            let placed = async {
                for (who, side) in [(&seller, Side::Sell), (&buyer, Side::Buy)] {
                    mflow::place_order(
                        c,
                        &s,
                        who,
                        &keys,
                        &m.current_epoch,
                        &mflow::NewOrder {
                            side,
                            limit_tick: TICK,
                            quantity_wh: ORDER_WH,
                            client_order_id: 1,
                        },
                    )
                    .await?;
                }
                Ok::<(), joule_client::flows::FlowError>(())
            }
            .await;
            match placed {
                Ok(()) => break m.current_epoch,
                Err(e) => {
                    eprintln!("placing the orders: {e}; trying the next epoch");
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
            }
        }
    };
    // Cleared, settled, closed: the epoch account is gone and the buyer
    // holds the energy.
    let buyer_energy = associated_token_address(&buyer.pubkey(), &keys.energy_mint);
    wait_until("the epoch closed", Duration::from_secs(180), || async {
        c.get_account(&order_epoch).await.is_ok_and(|a| a.is_none())
            && tokens::balance(c, &s, &buyer_energy)
                .await
                .is_ok_and(|b| b == ORDER_WH)
    })
    .await;
    let total_secs = started.elapsed().as_secs_f64();
    let page = http_get(&metrics_url).unwrap_or_default();

    second.0.kill().expect("SIGKILL");
    let _ = second.0.wait();
    drop(second);
    drop(first);

    // Exact totals: nothing lost, nothing counted twice.
    let mut readings = 0u64;
    for (i, m) in meters.iter().enumerate() {
        let a = rflow::meter(c, &s, m).await.expect("meter");
        let (_, steps) = cadence(i);
        let credited = u64::try_from(steps - 1).expect("positive");
        assert_eq!(
            a.exported_wh,
            export_per_step(i) * credited,
            "meter {i} export"
        );
        assert_eq!(
            a.imported_wh,
            import_per_step(i) * credited,
            "meter {i} import"
        );
        assert_eq!(a.last_reading_ts, reading(i, steps).0, "meter {i}");
        assert_eq!(a.export_register_wh, reading(i, steps).1, "meter {i}");
        assert_eq!(a.import_register_wh, reading(i, steps).2, "meter {i}");
        assert!(a.minted_wh <= a.exported_wh);
        readings += u64::try_from(steps).expect("positive");
    }
    let seller_minted: u64 = {
        let mut sum = 0;
        for m in &meters[..SELLER_METERS] {
            sum += rflow::meter(c, &s, m).await.expect("meter").minted_wh;
        }
        sum
    };
    assert!(seller_minted >= ORDER_WH);
    assert!(
        tokens::balance(
            c,
            &s,
            &associated_token_address(&seller.pubkey(), &quote_mint)
        )
        .await
        .expect("seller's quote")
            > 0,
        "the seller was paid"
    );
    assert!(!alive(first_pid) && !alive(second_pid), "a keeper is left");

    println!(
        "keeper on solana-test-validator: {readings} readings of {METERS} meters, first keeper SIGKILLed after {:.1} s (the chain then showed {on_chain_at_kill} of them); all readings on chain after {readings_secs:.1} s ({:.2} readings/s from the first start; the second keeper landed the other {} in {after_restart:.1} s after its start, {:.1} readings/s, the CSV file dropped meanwhile); epoch cleared, settled and closed after {total_secs:.1} s",
        killed_after.as_secs_f64(),
        readings as f64 / readings_secs.max(1e-9),
        readings - u64::try_from(on_chain_at_kill).expect("positive"),
        (readings as f64 - on_chain_at_kill as f64) / after_restart.max(1e-9),
    );
    println!(
        "second keeper: readings accepted {}, skipped stale {}, transactions sent {}, confirmed {}, epochs opened {}, closed {}",
        metric(&page, "joule_keeper_readings_accepted_total"),
        metric(&page, "joule_keeper_readings_skipped_stale_total"),
        metric(&page, "joule_keeper_transactions_sent_total"),
        metric(&page, "joule_keeper_transactions_confirmed_total"),
        metric(&page, "joule_keeper_epochs_opened_total"),
        metric(&page, "joule_keeper_epochs_closed_total"),
    );
    drop(validator);
}
