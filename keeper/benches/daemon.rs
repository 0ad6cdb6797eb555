//! The keeper's numbers (`cargo bench --workspace --bench daemon`): what
//! one core packs, what lands on the embedded chain, the fee per reading,
//! the memory per 10,000 meters.
//!
//! 1. **Packing**: readings of 10,000 meters judged against their chain
//!    cursors (the registry's rules), built into `submit_readings`
//!    instructions, compiled into v0 messages through the meters' lookup
//!    tables, signed by the oracle and serialized, on one core.
//! 2. **Landing**: the daemon's readings duty on the embedded chain (the
//!    real programs in litesvm), fed rounds of readings of every meter:
//!    readings landed per second, v0 and legacy.
//! 3. **Fees**: lamports the oracle paid per reading in those rounds (base
//!    fee and the priority fee at the sender's floor), and the base fee
//!    alone per reading.
//! 4. **Memory**: heap bytes of the keeper's per-meter state for 10,000
//!    meters (the lookup-table index), and of one pending reading each.
//!
//! Environment: `JOULE_BENCH_METERS` (meters registered for the landing
//! run, default 1,000), `JOULE_BENCH_ROUNDS` (default 4).

use joule_client::flows::{registry as rflow, MAX_TRANSACTION_SIZE};
use joule_client::{
    AddressLookupTableAccount, Chain, EmbeddedChain, Hash, Keypair, LookupTable, Sender,
    SenderConfig, Signer, VersionedTransaction,
};
use joule_keeper::daemon::readings::{Cursor, MeterTables, Pending, Verdict, METERS_PER_TABLE};
use joule_keeper::daemon::{run, ChannelFeed, ReadingsMode, Shutdown, Telemetry};
use joule_sdk::registry::{self as reg, MeterKind, Reading};
use joule_sdk::{Instruction, Pubkey};
use solana_message::{v0, VersionedMessage};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Counts heap bytes in use.
struct Counting;

static IN_USE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        IN_USE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        IN_USE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        IN_USE.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

const COMPUTE_BUDGET: Pubkey = joule_client::errors::COMPUTE_BUDGET_PROGRAM_ID;
const METERS: usize = 10_000;
const LAMPORTS_PER_SIGNATURE: u64 = 5_000;

fn meter_key(i: usize) -> Pubkey {
    let mut id = [0u8; 32];
    id[..8].copy_from_slice(&(i as u64).to_le_bytes());
    reg::meter_address(&id).0
}

/// The meters' lookup tables as the keeper makes them: the registry
/// config first, then 252 meters each.
fn tables(meters: &[Pubkey]) -> Vec<AddressLookupTableAccount> {
    meters
        .chunks(METERS_PER_TABLE)
        .enumerate()
        .map(|(i, chunk)| {
            let mut addresses = vec![reg::config_address()];
            addresses.extend_from_slice(chunk);
            AddressLookupTableAccount {
                key: Pubkey::new_from_array([u8::try_from(i % 250).unwrap_or(0) + 1; 32]),
                addresses,
            }
        })
        .collect()
}

fn budget(limit: u32, price: u64) -> [Instruction; 2] {
    let mut l = vec![2u8];
    l.extend_from_slice(&limit.to_le_bytes());
    let mut p = vec![3u8];
    p.extend_from_slice(&price.to_le_bytes());
    [
        Instruction {
            program_id: COMPUTE_BUDGET,
            accounts: vec![],
            data: l,
        },
        Instruction {
            program_id: COMPUTE_BUDGET,
            accounts: vec![],
            data: p,
        },
    ]
}

/// Signs and serializes one v0 transaction of `batch` through `table`.
fn pack(
    oracle: &Keypair,
    batch: &[(Pubkey, Reading)],
    table: &AddressLookupTableAccount,
    blockhash: Hash,
) -> Vec<u8> {
    let [limit, price] = budget(20_000, 1_000);
    let ix = reg::SubmitReadings {
        oracle: oracle.pubkey(),
        readings: batch,
    }
    .instruction();
    let message = v0::Message::try_compile(
        &oracle.pubkey(),
        &[limit, price, ix],
        std::slice::from_ref(table),
        blockhash,
    )
    .expect("compiles");
    let tx =
        VersionedTransaction::try_new(VersionedMessage::V0(message), &[oracle]).expect("signs");
    let mut bytes = vec![1u8];
    bytes.extend_from_slice(tx.signatures[0].as_ref());
    bytes.extend_from_slice(&tx.message.serialize());
    bytes
}

/// The most readings of one table's meters a v0 transaction holds.
fn per_transaction(
    oracle: &Keypair,
    meters: &[Pubkey],
    table: &AddressLookupTableAccount,
) -> usize {
    let r = Reading {
        timestamp: 1_800_000_000,
        export_register_wh: u64::MAX / 2,
        import_register_wh: u64::MAX / 2,
    };
    let mut best = 0;
    for n in 1..=reg::MAX_READINGS.min(meters.len()) {
        let batch: Vec<(Pubkey, Reading)> = meters[..n].iter().map(|m| (*m, r)).collect();
        if pack(oracle, &batch, table, Hash::default()).len() <= MAX_TRANSACTION_SIZE {
            best = n;
        } else {
            break;
        }
    }
    best
}

fn packing() {
    let oracle = Keypair::new_from_array([2; 32]);
    let meters: Vec<Pubkey> = (0..METERS).map(meter_key).collect();
    let tables = tables(&meters);
    let per_tx = per_transaction(&oracle, &meters, &tables[0]);
    let mut cursors: Vec<Cursor> = (0..METERS)
        .map(|_| Cursor {
            active: true,
            last_reading_ts: 1_767_225_600,
            activated_at: 1_767_225_000,
            export_register_wh: 1_000_000,
            import_register_wh: 1_000_000,
            rated_power_w: 10_000,
        })
        .collect();
    let rounds = 10;
    let blockhash = Hash::new_from_array([7; 32]);
    let start = Instant::now();
    let mut bytes = 0usize;
    let mut transactions = 0usize;
    let mut readings = 0usize;
    for round in 1..=rounds {
        let ts = 1_767_225_600 + 900 * round as i64;
        let now = ts;
        // Judge every reading against its meter's cursor.
        let mut accepted: Vec<(Pubkey, Reading)> = Vec::with_capacity(METERS);
        for (i, c) in cursors.iter_mut().enumerate() {
            let r = Reading {
                timestamp: ts,
                export_register_wh: 1_000_000 + 500 * round,
                import_register_wh: 1_000_000 + 100 * round,
            };
            if c.judge(&r, now) == Verdict::Submit {
                accepted.push((meters[i], r));
            }
        }
        // Per table, as many per transaction as fit.
        for (t, chunk) in accepted.chunks(METERS_PER_TABLE).enumerate() {
            for batch in chunk.chunks(per_tx) {
                let tx = pack(&oracle, batch, &tables[t], blockhash);
                bytes += std::hint::black_box(tx).len();
                transactions += 1;
                readings += batch.len();
            }
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "packing (one core, {METERS} meters x {rounds} rounds, v0 through {} lookup tables):",
        tables.len()
    );
    println!("  readings per v0 transaction        {per_tx}");
    println!(
        "  readings judged, built, signed, serialized: {:.0} per second",
        readings as f64 / secs
    );
    println!(
        "  transactions: {transactions}, {:.0} bytes each on average",
        bytes as f64 / transactions as f64
    );
    println!(
        "  base fee per reading through lookup tables: {:.1} lamports ({} per signature / {per_tx})",
        LAMPORTS_PER_SIGNATURE as f64 / per_tx as f64,
        LAMPORTS_PER_SIGNATURE
    );
}

fn memory() {
    let meters: Vec<Pubkey> = (0..METERS).map(meter_key).collect();
    let authority = Pubkey::new_from_array([2; 32]);
    let lookup: Vec<LookupTable> = tables(&meters)
        .into_iter()
        .map(|account| LookupTable {
            account,
            authority: Some(authority),
            last_extended_slot: 1,
            deactivation_slot: u64::MAX,
        })
        .collect();
    let before = IN_USE.load(Ordering::SeqCst);
    let mut index = MeterTables::default();
    for t in &lookup {
        index.adopt(t, &authority);
    }
    let index_bytes = IN_USE.load(Ordering::SeqCst) - before;
    assert_eq!(index.meters(), METERS);
    let before = IN_USE.load(Ordering::SeqCst);
    let mut pending = Pending::default();
    for m in &meters {
        pending.push(
            *m,
            Reading {
                timestamp: 1,
                export_register_wh: 1,
                import_register_wh: 1,
            },
            usize::MAX,
        );
    }
    let pending_bytes = IN_USE.load(Ordering::SeqCst) - before;
    println!("memory per {METERS} meters:");
    println!(
        "  lookup-table index (the only per-meter state kept): {:.0} KiB ({:.0} bytes per meter)",
        index_bytes as f64 / 1024.0,
        index_bytes as f64 / METERS as f64
    );
    println!(
        "  one pending reading per meter: {:.0} KiB ({:.0} bytes per meter)",
        pending_bytes as f64 / 1024.0,
        pending_bytes as f64 / METERS as f64
    );
    drop((index, pending));
}

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Registers `n` meters, then feeds the daemon `rounds` rounds of their
/// readings and times them.
async fn landing(mode: ReadingsMode, n: usize, rounds: usize) {
    let admin = Keypair::new_from_array([1; 32]);
    let oracle = Keypair::new_from_array([2; 32]);
    let owner = Keypair::new_from_array([3; 32]);
    let chain = Arc::new(
        EmbeddedChain::builder()
            .upgrade_authority(admin.pubkey())
            .slot_duration(Duration::from_millis(2))
            .build()
            .expect("embedded chain (build the programs first: scripts/build-sbf.sh)"),
    );
    for k in [&admin, &oracle, &owner] {
        chain
            .airdrop(&k.pubkey(), 1_000_000_000_000)
            .expect("airdrop");
    }
    let config = SenderConfig {
        poll_interval: Duration::from_millis(1),
        resend_interval: Duration::from_millis(50),
        backoff_base: Duration::from_millis(2),
        ..SenderConfig::default()
    };
    let s = Sender::new(config.clone()).expect("sender");
    rflow::initialize(&*chain, &s, &admin, &[oracle.pubkey()])
        .await
        .expect("initialize");
    let mut meters = Vec::with_capacity(n);
    for i in 0..n {
        let new = rflow::NewMeter {
            serial: format!("BENCH-{i:06}"),
            utility: "TPDDL".into(),
            kind: MeterKind::Solar,
            rated_power_w: 10_000,
        };
        let m = rflow::register_meter(&*chain, &s, &owner, &new)
            .await
            .expect("register")
            .meter;
        rflow::activate_meter(&*chain, &s, &admin, &m, &owner.pubkey())
            .await
            .expect("activate");
        meters.push(m);
    }
    let t0 = chain.get_clock().await.expect("clock").unix_timestamp;
    eprintln!("  ({n} meters registered and activated)");

    let mut daemon = joule_keeper::daemon::DaemonConfig::new(oracle.insecure_clone());
    daemon.sender = config;
    daemon.readings.mode = mode;
    daemon.readings.interval = Duration::from_millis(20);
    daemon.epochs.enabled = false;
    daemon.settlement.enabled = false;
    daemon.minting.enabled = false;
    let telemetry = Telemetry::new(daemon.health);
    let (tx, feed) = ChannelFeed::new(16);
    let shutdown = Shutdown::new();
    let t = &telemetry;
    let work = async {
        let round = |k: usize| -> Vec<(Pubkey, Reading)> {
            meters
                .iter()
                .map(|m| {
                    (
                        *m,
                        Reading {
                            timestamp: t0 + 1 + 900 * k as i64,
                            export_register_wh: 1_000 + 500 * k as u64,
                            import_register_wh: 1_000 + 100 * k as u64,
                        },
                    )
                })
                .collect()
        };
        let accepted = || t.metrics().readings_accepted.get();
        let wait = |target: u64| async move {
            let deadline = Instant::now() + Duration::from_secs(600);
            while accepted() < target {
                assert!(
                    Instant::now() < deadline,
                    "readings did not land: {} of {target}",
                    accepted()
                );
                assert_eq!(
                    t.metrics().readings_skipped_stale.get(),
                    0,
                    "stale readings in the benchmark"
                );
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
        };
        // Round 0 sets the baselines (and makes the lookup tables).
        chain.set_time(t0 + 1);
        tx.send(round(0)).await.expect("feed");

        wait(n as u64).await;
        let paid_before = chain
            .get_account(&oracle.pubkey())
            .await
            .expect("read")
            .map_or(0, |a| a.lamports);
        let sent_before = t.metrics().transactions_confirmed.get();
        let start = Instant::now();
        for k in 1..=rounds {
            chain.set_time(t0 + 1 + 900 * k as i64);
            tx.send(round(k)).await.expect("feed");
            wait((n * (k + 1)) as u64).await;
        }
        let secs = start.elapsed().as_secs_f64();
        let paid = paid_before
            - chain
                .get_account(&oracle.pubkey())
                .await
                .expect("read")
                .map_or(0, |a| a.lamports);
        let txs = t.metrics().transactions_confirmed.get() - sent_before;
        let landed = (n * rounds) as f64;
        println!(
            "landing on the embedded chain ({mode:?}, {n} meters x {rounds} rounds): {:.0} readings per second, {:.1} readings per transaction, {:.1} lamports paid per reading ({:.1} base fee)",
            landed / secs,
            landed / txs as f64,
            paid as f64 / landed,
            (txs * LAMPORTS_PER_SIGNATURE) as f64 / landed,
        );
        shutdown.trigger();
    };
    let (ran, ()) = tokio::join!(
        run(
            daemon,
            chain.clone(),
            feed,
            telemetry.clone(),
            shutdown.clone()
        ),
        work
    );
    ran.expect("daemon");
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is taken.
    println!("joule-keeper benchmark");
    packing();
    memory();
    let n = env("JOULE_BENCH_METERS", 1_000);
    let rounds = env("JOULE_BENCH_ROUNDS", 4);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(landing(ReadingsMode::V0, n, rounds));
    rt.block_on(landing(ReadingsMode::Legacy, n, rounds));
}
