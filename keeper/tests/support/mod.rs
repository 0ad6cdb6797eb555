//! The keeper tests' world: the real programs on an embedded chain, sixty
//! meters of five owners, a market, and a driver that moves the chain's
//! clock fifteen minutes at a time, feeds the readings of each interval
//! (with junk a real feed carries: stale copies, unknown meters, registers
//! going down, impossible jumps, timestamps far ahead), places orders in
//! three epochs, and waits for the keepers to do their duties.
//!
//! Tokio's clock is paused in these tests; the embedded chain makes one
//! slot per 400 ms of it, the keepers run each duty every second.

#![allow(dead_code)]

use async_trait::async_trait;
use joule_client::flows::{market as mflow, registry as rflow, tokens};
use joule_client::{
    Account, AccountFilter, Chain, ChainClock, ChainError, EmbeddedChain, Keypair, LatestBlockhash,
    LookupTable, PrioritizationFee, Sender, SenderConfig, Signature, Signer, Simulation, TxStatus,
    VersionedTransaction,
};
use joule_keeper::daemon::{DaemonConfig, FeedReading, Shard};
use joule_sdk::market::{MarketKeys, MarketParams, Side};
use joule_sdk::registry::{MeterKind, Reading};
use joule_sdk::{associated_token_address, Pubkey};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

pub const SOL: u64 = 1_000_000_000;
pub const USDC: u64 = 1_000_000;
/// Fifteen minutes: the readings interval of the scenario.
pub const STEP_SECS: i64 = 900;
/// Steps of the scenario: three one-hour epochs.
pub const STEPS: u32 = 12;
pub const EPOCH_SECS: u32 = 3_600;
/// Price tick of each epoch's orders (every order of an epoch at one tick:
/// everything fills at that price).
pub const EPOCH_TICKS: [u16; 3] = [40, 50, 60];
pub const MIN_PRICE: u64 = 10_000;
pub const TICK_SIZE: u64 = 1_000;
pub const FEE_BPS: u64 = 50;
/// Orders per epoch, Wh: two sellers, two buyers.
pub const SELL_1: u64 = 2_000;
pub const SELL_2: u64 = 1_000;
pub const BUY_EACH: u64 = 1_500;
/// Quote each buyer starts with.
pub const BUYER_FUNDS: u64 = 10 * USDC;

/// Logs to the test output when `JOULE_TEST_LOG` holds a filter
/// (`info`, `joule_keeper=debug`).
pub fn logs() {
    if let Ok(filter) = std::env::var("JOULE_TEST_LOG") {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .with_test_writer()
            .try_init();
    }
}

pub fn key(seed: u8) -> Keypair {
    Keypair::new_from_array([seed; 32])
}

/// The sender of paused-clock tests: the defaults, more patient.
pub fn paused_sender() -> SenderConfig {
    SenderConfig {
        max_retries: 12,
        max_signings: 4,
        ..SenderConfig::default()
    }
}

/// The sender of real-time tests: quick polls and backoffs.
pub fn fast_sender() -> SenderConfig {
    SenderConfig {
        poll_interval: Duration::from_millis(2),
        resend_interval: Duration::from_millis(50),
        backoff_base: Duration::from_millis(5),
        backoff_max: Duration::from_millis(50),
        max_retries: 12,
        max_signings: 4,
        ..SenderConfig::default()
    }
}

/// One meter of the world and what it measures per step.
#[derive(Clone, Debug)]
pub struct MeterSpec {
    pub key: Pubkey,
    pub meter_id: [u8; 32],
    /// Index into [`World::owners`].
    pub owner: usize,
    pub export_per_step_wh: u64,
    pub import_per_step_wh: u64,
    pub base_wh: u64,
}

impl MeterSpec {
    pub fn reading(&self, t0: i64, step: u32) -> Reading {
        Reading {
            timestamp: t0 + STEP_SECS * i64::from(step),
            export_register_wh: self.base_wh + self.export_per_step_wh * u64::from(step),
            import_register_wh: self.base_wh + self.import_per_step_wh * u64::from(step),
        }
    }
}

/// The world every scenario starts from.
pub struct World {
    pub chain: Arc<EmbeddedChain>,
    pub admin: Keypair,
    /// Two oracle keys (both in the registry's oracle set) and a payer for
    /// each keeper.
    pub oracles: [Keypair; 2],
    pub payers: [Keypair; 2],
    /// Sellers (opted in to minting), buyers, and a fleet owner (not).
    pub owners: [Keypair; 5],
    pub quote_authority: Keypair,
    pub fee_recipient: Keypair,
    pub meters: Vec<MeterSpec>,
    pub keys: MarketKeys,
    /// The activation time; step `k` is `t0 + 900 k`.
    pub t0: i64,
    /// What the test's own writes and the keepers use.
    pub sender_config: SenderConfig,
    /// How often the driver looks at the chain.
    pub poll: Duration,
}

pub const SELLER_1: usize = 0;
pub const SELLER_2: usize = 1;
pub const BUYER_1: usize = 2;
pub const BUYER_2: usize = 3;
pub const FLEET: usize = 4;

impl World {
    /// Everything set up through the client's flows on a fresh chain, for
    /// a paused tokio clock (one slot per 400 ms).
    pub async fn new() -> World {
        World::build(
            Duration::from_millis(400),
            paused_sender(),
            Duration::from_secs(1),
        )
        .await
    }

    /// The same for real time (one slot per 5 ms, quick sender polls).
    pub async fn fast() -> World {
        World::build(
            Duration::from_millis(5),
            fast_sender(),
            Duration::from_millis(20),
        )
        .await
    }

    pub fn sender(&self) -> Sender {
        Sender::new(self.sender_config.clone()).expect("sender config")
    }

    async fn build(slot: Duration, sender_config: SenderConfig, poll: Duration) -> World {
        logs();
        let admin = key(1);
        let oracles = [key(2), key(3)];
        let payers = [key(4), key(5)];
        let owners = [key(10), key(11), key(12), key(13), key(14)];
        let quote_authority = key(20);
        let fee_recipient = key(21);
        let chain = Arc::new(
            EmbeddedChain::builder()
                .upgrade_authority(admin.pubkey())
                .slot_duration(slot)
                .build()
                .expect("embedded chain (build the programs first: scripts/build-sbf.sh)"),
        );
        for k in [&admin, &quote_authority, &fee_recipient]
            .into_iter()
            .chain(&oracles)
            .chain(&payers)
            .chain(&owners)
        {
            chain.airdrop(&k.pubkey(), 1_000 * SOL).expect("airdrop");
        }
        let s = Sender::new(sender_config.clone()).expect("sender config");
        let c = &*chain;
        rflow::initialize(c, &s, &admin, &[oracles[0].pubkey(), oracles[1].pubkey()])
            .await
            .expect("initialize");

        // (owner, count, kind, export/step, import/step)
        let fleet: [(usize, u64, MeterKind, u64, u64); 5] = [
            (SELLER_1, 10, MeterKind::Solar, 300, 0),
            (SELLER_2, 10, MeterKind::Solar, 150, 10),
            (BUYER_1, 5, MeterKind::ConsumptionOnly, 0, 400),
            (BUYER_2, 5, MeterKind::ConsumptionOnly, 0, 250),
            (FLEET, 30, MeterKind::Solar, 100, 5),
        ];
        let mut meters = Vec::new();
        for (owner, count, kind, export, import) in fleet {
            for i in 0..count {
                let serial = format!("KP-{owner}-{i:03}");
                let new = rflow::NewMeter {
                    serial: serial.clone(),
                    utility: "TPDDL".into(),
                    kind,
                    rated_power_w: 5_000,
                };
                let reg = rflow::register_meter(c, &s, &owners[owner], &new)
                    .await
                    .expect("register");
                rflow::activate_meter(c, &s, &admin, &reg.meter, &owners[owner].pubkey())
                    .await
                    .expect("activate");
                let extra = if owner == FLEET { i } else { 0 };
                meters.push(MeterSpec {
                    key: reg.meter,
                    meter_id: joule_sdk::registry::meter_id_from_serial(&serial),
                    owner,
                    export_per_step_wh: export + extra,
                    import_per_step_wh: import,
                    base_wh: 1_000_000 + 1_000 * u64::try_from(meters.len()).expect("small"),
                });
            }
        }
        let t0 = c.get_clock().await.expect("clock").unix_timestamp;

        let quote_mint = tokens::create_mint(c, &s, &admin, &quote_authority.pubkey(), 6)
            .await
            .expect("quote mint");
        let params = MarketParams {
            epoch_length_secs: EPOCH_SECS,
            min_price: MIN_PRICE,
            tick_size: TICK_SIZE,
            tick_count: 1_024,
            min_lot_wh: 1,
            fee_bps: u16::try_from(FEE_BPS).expect("small"),
            order_capacity: 64,
            fee_recipient: fee_recipient.pubkey(),
            min_order_value: 10,
            order_deposit_lamports: 10_000_000,
        };
        let keys = mflow::create_market(c, &s, &admin, &quote_mint, &params)
            .await
            .expect("market")
            .keys;
        for b in [BUYER_1, BUYER_2] {
            let ata =
                tokens::ensure_associated_account(c, &s, &admin, &owners[b].pubkey(), &quote_mint)
                    .await
                    .expect("ata");
            tokens::mint_to(c, &s, &quote_authority, &quote_mint, &ata, BUYER_FUNDS)
                .await
                .expect("fund");
        }
        World {
            chain,
            admin,
            oracles,
            payers,
            owners,
            quote_authority,
            fee_recipient,
            meters,
            keys,
            t0,
            sender_config,
            poll,
        }
    }

    /// A keeper's configuration: oracle and payer `i`, every duty each
    /// second, the sellers opted in to minting.
    pub fn keeper(&self, i: usize, shard: Shard) -> DaemonConfig {
        let mut c = DaemonConfig::new(self.oracles[i].insecure_clone());
        c.payer = Arc::new(self.payers[i].insecure_clone());
        c.sender = self.sender_config.clone();
        c.shard = shard;
        c.markets = vec![self.keys.market];
        c.readings.interval = Duration::from_secs(1);
        c.epochs.interval = Duration::from_secs(1);
        c.settlement.interval = Duration::from_secs(1);
        c.minting.interval = Duration::from_secs(1);
        c.minting.owners = vec![
            self.owners[SELLER_1].pubkey(),
            self.owners[SELLER_2].pubkey(),
        ];
        c.minting.min_wh = 1;
        c.probe_interval = Duration::from_secs(5);
        c.shutdown_grace = Duration::from_secs(120);
        c
    }

    /// The readings of step `step`, with the junk a real feed carries in
    /// front of them: an unknown meter, a reading far in the future and,
    /// once the meters credit, a register going down, an impossible jump
    /// and a stale copy of the previous step.
    pub fn step_readings(&self, step: u32) -> Vec<FeedReading> {
        let mut out = Vec::new();
        let ts = self.t0 + STEP_SECS * i64::from(step);
        let junk = |m: &MeterSpec, e: u64| Reading {
            timestamp: ts,
            export_register_wh: e,
            import_register_wh: m.base_wh + m.import_per_step_wh * u64::from(step),
        };
        out.push((
            Pubkey::new_from_array([0xab; 32]),
            Reading {
                timestamp: ts,
                export_register_wh: 1,
                import_register_wh: 1,
            },
        ));
        let far = self.meters[1].reading(self.t0, step);
        out.push((
            self.meters[1].key,
            Reading {
                timestamp: ts + 7_200,
                ..far
            },
        ));
        if step >= 2 {
            let m0 = &self.meters[0];
            out.push((m0.key, junk(m0, m0.base_wh)));
            let m2 = &self.meters[2];
            out.push((m2.key, junk(m2, m2.base_wh + 1_000_000_000)));
            for m in &self.meters {
                out.push((m.key, m.reading(self.t0, step - 1)));
            }
        }
        for m in &self.meters {
            out.push((m.key, m.reading(self.t0, step)));
        }
        out
    }

    /// Junk readings per step from step 2 on, by reason.
    pub const JUNK_PER_STEP: [(&'static str, u64); 4] = [
        ("meter_not_registered", 1),
        ("timestamp_in_future", 1),
        ("register_decreased", 1),
        ("above_rated_power", 1),
    ];

    pub fn price(epoch: usize) -> u64 {
        MIN_PRICE + TICK_SIZE * u64::from(EPOCH_TICKS[epoch])
    }

    /// What the scenario must leave, to the unit.
    pub fn expected(&self) -> FinalState {
        let credited = u64::from(STEPS - 1); // the first reading is a baseline
        let meters: Vec<MeterState> = self
            .meters
            .iter()
            .map(|m| {
                let exported = m.export_per_step_wh * credited;
                let minted_by_keeper = m.owner == SELLER_1 || m.owner == SELLER_2;
                MeterState {
                    exported_wh: exported,
                    imported_wh: m.import_per_step_wh * credited,
                    minted_wh: if minted_by_keeper { exported } else { 0 },
                    last_reading_ts: self.t0 + STEP_SECS * i64::from(STEPS),
                }
            })
            .collect();
        let minted = |owner: usize| -> u64 {
            meters
                .iter()
                .zip(&self.meters)
                .filter(|(_, m)| m.owner == owner)
                .map(|(s, _)| s.minted_wh)
                .sum()
        };
        let (minted_1, minted_2) = (minted(SELLER_1), minted(SELLER_2));
        let epochs = u64::try_from(EPOCH_TICKS.len()).expect("small");
        let gross = |wh: u64| -> u64 {
            (0..EPOCH_TICKS.len())
                .map(|e| wh * World::price(e) / 1_000)
                .sum()
        };
        let fee = |wh: u64| -> u64 {
            (0..EPOCH_TICKS.len())
                .map(|e| wh * World::price(e) / 1_000 * FEE_BPS / 10_000)
                .sum()
        };
        FinalState {
            meters,
            energy: vec![
                minted_1 - SELL_1 * epochs,
                minted_2 - SELL_2 * epochs,
                BUY_EACH * epochs,
                BUY_EACH * epochs,
                0,
                0,
            ],
            quote: vec![
                gross(SELL_1) - fee(SELL_1),
                gross(SELL_2) - fee(SELL_2),
                BUYER_FUNDS - gross(BUY_EACH),
                BUYER_FUNDS - gross(BUY_EACH),
                0,
                fee(SELL_1) + fee(SELL_2),
            ],
            supply: minted_1 + minted_2,
            next_epoch_index: epochs + 1,
            live_epochs: vec![epochs],
            vaults: (0, 0),
        }
    }

    /// The state the scenario left, read from the chain itself.
    pub async fn final_state(&self) -> FinalState {
        let s = self.sender();
        let c = &*self.chain;
        let mut meters = Vec::new();
        for m in &self.meters {
            let a = rflow::meter(c, &s, &m.key).await.expect("meter");
            meters.push(MeterState {
                exported_wh: a.exported_wh,
                imported_wh: a.imported_wh,
                minted_wh: a.minted_wh,
                last_reading_ts: a.last_reading_ts,
            });
        }
        let holders: Vec<Pubkey> = self
            .owners
            .iter()
            .map(Signer::pubkey)
            .chain([self.fee_recipient.pubkey()])
            .collect();
        let mut energy = Vec::new();
        let mut quote = Vec::new();
        for h in &holders {
            let e = associated_token_address(h, &self.keys.energy_mint);
            let q = associated_token_address(h, &self.keys.quote_mint);
            energy.push(tokens::balance(c, &s, &e).await.expect("balance"));
            quote.push(tokens::balance(c, &s, &q).await.expect("balance"));
        }
        let m = mflow::market(c, &s, &self.keys.market)
            .await
            .expect("market");
        let mut live_epochs: Vec<u64> = self
            .epochs()
            .await
            .into_iter()
            .map(|(_, e)| e.header.index)
            .collect();
        live_epochs.sort_unstable();
        FinalState {
            meters,
            energy,
            quote,
            supply: tokens::supply(c, &s, &self.keys.energy_mint)
                .await
                .expect("supply"),
            next_epoch_index: m.next_epoch_index,
            live_epochs,
            vaults: (
                tokens::balance(c, &s, &self.keys.energy_vault)
                    .await
                    .expect("vault"),
                tokens::balance(c, &s, &self.keys.quote_vault)
                    .await
                    .expect("vault"),
            ),
        }
    }

    /// Every epoch account of the market.
    pub async fn epochs(&self) -> Vec<(Pubkey, joule_sdk::market::EpochAccount)> {
        let filters = [AccountFilter::Memcmp {
            offset: 8,
            bytes: self.keys.market.as_ref().to_vec(),
        }];
        self.chain
            .get_program_accounts(&joule_sdk::market::ID, &filters)
            .await
            .expect("epochs")
            .into_iter()
            .filter_map(|(k, a)| joule_sdk::market::decode_epoch(&a.data).map(|e| (k, e)))
            .collect()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MeterState {
    pub exported_wh: u64,
    pub imported_wh: u64,
    pub minted_wh: u64,
    pub last_reading_ts: i64,
}

/// Everything a scenario leaves that does not depend on who did the work.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FinalState {
    pub meters: Vec<MeterState>,
    /// Energy and quote balances of seller 1, seller 2, buyer 1, buyer 2,
    /// the fleet owner and the fee recipient.
    pub energy: Vec<u64>,
    pub quote: Vec<u64>,
    pub supply: u64,
    pub next_epoch_index: u64,
    /// Epochs still on chain (only the one opened after the last).
    pub live_epochs: Vec<u64>,
    pub vaults: (u64, u64),
}

/// Polls `check` every `poll` of tokio time until it holds; panics with
/// `what` after `limit` polls.
pub async fn wait_until<F, Fut>(what: &str, limit: u64, poll: Duration, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..limit {
        if check().await {
            return;
        }
        tokio::time::sleep(poll).await;
    }
    panic!("timed out waiting for {what}");
}

/// Moves the scenario along: the chain's clock, the feeds, the orders.
pub struct Driver<'a> {
    pub world: &'a World,
    pub feeds: Vec<mpsc::Sender<Vec<FeedReading>>>,
    /// How long (tokio seconds) a step may take before the test fails.
    pub limit: u64,
}

impl Driver<'_> {
    /// Sets the chain's clock to step `step` and feeds its readings.
    pub async fn begin_step(&self, step: u32) {
        self.world
            .chain
            .set_time(self.world.t0 + STEP_SECS * i64::from(step));
        self.feed(self.world.step_readings(step)).await;
    }

    pub async fn feed(&self, readings: Vec<FeedReading>) {
        for f in &self.feeds {
            f.send(readings.clone()).await.expect("feed open");
        }
    }

    /// Waits for step `step`'s readings to land and for the epoch the
    /// step opens, then places the step's orders.
    pub async fn end_step(&self, step: u32) {
        let w = self.world;
        let ts = w.t0 + STEP_SECS * i64::from(step);
        let s = w.sender();
        wait_until(
            &format!("the readings of step {step}"),
            self.limit,
            w.poll,
            || async {
                for m in &w.meters {
                    match rflow::meter(&*w.chain, &s, &m.key).await {
                        Ok(a) if a.last_reading_ts == ts => {}
                        _ => return false,
                    }
                }
                true
            },
        )
        .await;
        // Steps 0, 4, 8, 12 start epochs 0, 1, 2, 3.
        if step.is_multiple_of(4) {
            let index = u64::from(step / 4) + 1;
            self.wait_for_epoch(index).await;
        }
        // Steps 2, 6, 10 trade in epochs 0, 1, 2.
        if step % 4 == 2 {
            self.place_orders(usize::try_from(step / 4).expect("small"))
                .await;
        }
    }

    /// Waits until the market has opened `next_index` epochs.
    pub async fn wait_for_epoch(&self, next_index: u64) {
        let w = self.world;
        let s = w.sender();
        wait_until(
            &format!("epoch {}", next_index - 1),
            self.limit,
            w.poll,
            || async {
                mflow::market(&*w.chain, &s, &w.keys.market)
                    .await
                    .is_ok_and(|m| m.next_epoch_index >= next_index)
            },
        )
        .await;
    }

    async fn place_orders(&self, epoch: usize) {
        let w = self.world;
        let s = w.sender();
        let c = &*w.chain;
        let tick = EPOCH_TICKS[epoch];
        // The sellers' energy is minted by the keepers.
        for (seller, need) in [(SELLER_1, SELL_1), (SELLER_2, SELL_2)] {
            let ata = associated_token_address(&w.owners[seller].pubkey(), &w.keys.energy_mint);
            wait_until("the sellers' energy", self.limit, w.poll, || async {
                tokens::balance(c, &s, &ata).await.is_ok_and(|b| b >= need)
            })
            .await;
        }
        let m = mflow::market(c, &s, &w.keys.market).await.expect("market");
        let epoch_key = m.current_epoch;
        let orders = [
            (SELLER_1, Side::Sell, SELL_1),
            (SELLER_2, Side::Sell, SELL_2),
            (BUYER_1, Side::Buy, BUY_EACH),
            (BUYER_2, Side::Buy, BUY_EACH),
        ];
        for (i, (who, side, wh)) in orders.into_iter().enumerate() {
            mflow::place_order(
                c,
                &s,
                &w.owners[who],
                &w.keys,
                &epoch_key,
                &mflow::NewOrder {
                    side,
                    limit_tick: tick,
                    quantity_wh: wh,
                    client_order_id: u64::try_from(epoch * 10 + i).expect("small"),
                },
            )
            .await
            .expect("place order");
        }
    }

    /// Waits for the end state: three epochs closed, the fourth open, the
    /// sellers' energy all minted.
    pub async fn wait_for_the_end(&self) {
        let w = self.world;
        let s = w.sender();
        self.wait_for_epoch(4).await;
        wait_until("epochs 0 to 2 closed", self.limit, w.poll, || async {
            w.epochs().await.len() == 1
        })
        .await;
        wait_until("everything minted", self.limit, w.poll, || async {
            for m in &w.meters {
                if m.owner != SELLER_1 && m.owner != SELLER_2 {
                    continue;
                }
                match rflow::meter(&*w.chain, &s, &m.key).await {
                    Ok(a) if a.minted_wh == a.exported_wh => {}
                    _ => return false,
                }
            }
            true
        })
        .await;
    }

    /// Steps `from..=to`, each begun and ended.
    pub async fn steps(&self, from: u32, to: u32) {
        for step in from..=to {
            self.begin_step(step).await;
            self.end_step(step).await;
        }
    }
}

/// The embedded chain shared with the test (for the fault layer, which
/// owns what it wraps).
pub struct Shared(pub Arc<EmbeddedChain>);

/// The embedded chain behind a switch: while down, every call fails as a
/// timeout would.
pub struct Switch {
    pub inner: Arc<EmbeddedChain>,
    pub down: AtomicBool,
}

impl Switch {
    fn check(&self) -> Result<(), ChainError> {
        if self.down.load(Ordering::SeqCst) {
            Err(ChainError::Transient(
                "switched off: connection refused".into(),
            ))
        } else {
            Ok(())
        }
    }
}

/// The embedded chain with a tripwire: once armed with `n`, the `n`-th
/// send reaches the chain and then never returns, and `tripped` fires.
/// A test drops the keeper then: killed after a transaction went out,
/// before it learned what became of it.
pub struct Tripwire {
    pub inner: Arc<EmbeddedChain>,
    armed: std::sync::atomic::AtomicU64,
    pub tripped: tokio::sync::Notify,
}

impl Tripwire {
    pub fn new(inner: Arc<EmbeddedChain>) -> Tripwire {
        Tripwire {
            inner,
            armed: std::sync::atomic::AtomicU64::new(0),
            tripped: tokio::sync::Notify::new(),
        }
    }

    /// Trips on the `n`-th send from now (0: disarmed).
    pub fn arm(&self, n: u64) {
        self.armed.store(n, Ordering::SeqCst);
    }

    async fn send(&self, tx: &VersionedTransaction) -> Result<Signature, ChainError> {
        let result = self.inner.send_transaction(tx).await;
        let left = self.armed.load(Ordering::SeqCst);
        if left > 0 {
            self.armed.store(left - 1, Ordering::SeqCst);
            if left == 1 {
                self.tripped.notify_one();
                std::future::pending::<()>().await;
            }
        }
        result
    }
}

/// The embedded chain with a gate: once armed with `n`, the `n`-th send
/// announces itself (`reached`) and waits for `release` before it reaches
/// the chain: a send in flight for as long as the test wants.
pub struct Gate {
    pub inner: Arc<EmbeddedChain>,
    armed: std::sync::atomic::AtomicU64,
    pub reached: tokio::sync::Notify,
    pub release: tokio::sync::Notify,
}

impl Gate {
    pub fn new(inner: Arc<EmbeddedChain>) -> Gate {
        Gate {
            inner,
            armed: std::sync::atomic::AtomicU64::new(0),
            reached: tokio::sync::Notify::new(),
            release: tokio::sync::Notify::new(),
        }
    }

    pub fn arm(&self, n: u64) {
        self.armed.store(n, Ordering::SeqCst);
    }

    async fn send(&self, tx: &VersionedTransaction) -> Result<Signature, ChainError> {
        let left = self.armed.load(Ordering::SeqCst);
        if left > 0 {
            self.armed.store(left - 1, Ordering::SeqCst);
            if left == 1 {
                self.reached.notify_one();
                self.release.notified().await;
            }
        }
        self.inner.send_transaction(tx).await
    }
}

macro_rules! delegate_chain {
    ($ty:ty, $self:ident => $inner:expr) => {
        delegate_chain!($ty, $self => $inner, |tx| $inner.send_transaction(tx));
    };
    ($ty:ty, $self:ident => $inner:expr, |$tx:ident| $send:expr) => {
        delegate_chain!($ty, $self => $inner, |$tx| $send, |keys| $inner.get_multiple_accounts(keys));
    };
    ($ty:ty, $self:ident => $inner:expr, |$tx:ident| $send:expr, |$keys:ident| $multiple:expr) => {
        #[async_trait]
        impl Chain for $ty {
            async fn get_account(&$self, key: &Pubkey) -> Result<Option<Account>, ChainError> {
                $self.check()?;
                $inner.get_account(key).await
            }
            async fn get_multiple_accounts(&$self, $keys: &[Pubkey]) -> Result<Vec<Option<Account>>, ChainError> {
                $self.check()?;
                $multiple.await
            }
            async fn get_program_accounts(&$self, program: &Pubkey, filters: &[AccountFilter]) -> Result<Vec<(Pubkey, Account)>, ChainError> {
                $self.check()?;
                $inner.get_program_accounts(program, filters).await
            }
            async fn get_clock(&$self) -> Result<ChainClock, ChainError> {
                $self.check()?;
                $inner.get_clock().await
            }
            async fn get_slot(&$self) -> Result<u64, ChainError> {
                $self.check()?;
                $inner.get_slot().await
            }
            async fn get_root_slot(&$self) -> Result<u64, ChainError> {
                $self.check()?;
                $inner.get_root_slot().await
            }
            async fn get_latest_blockhash(&$self) -> Result<LatestBlockhash, ChainError> {
                $self.check()?;
                $inner.get_latest_blockhash().await
            }
            async fn get_block_height(&$self) -> Result<u64, ChainError> {
                $self.check()?;
                $inner.get_block_height().await
            }
            async fn simulate_transaction(&$self, tx: &VersionedTransaction) -> Result<Simulation, ChainError> {
                $self.check()?;
                $inner.simulate_transaction(tx).await
            }
            async fn send_transaction(&$self, $tx: &VersionedTransaction) -> Result<Signature, ChainError> {
                $self.check()?;
                $send.await
            }
            async fn get_signature_statuses(&$self, signatures: &[Signature]) -> Result<Vec<Option<TxStatus>>, ChainError> {
                $self.check()?;
                $inner.get_signature_statuses(signatures).await
            }
            async fn get_recent_prioritization_fees(&$self, writable: &[Pubkey]) -> Result<Vec<PrioritizationFee>, ChainError> {
                $self.check()?;
                $inner.get_recent_prioritization_fees(writable).await
            }
            async fn get_address_lookup_table(&$self, key: &Pubkey) -> Result<Option<LookupTable>, ChainError> {
                $self.check()?;
                $inner.get_address_lookup_table(key).await
            }
        }
    };
}

/// The embedded chain seen through a lens that shows some accounts as they
/// were when frozen (a lagging RPC node): the keeper judges readings
/// against an old state, the programs against the real one.
pub struct Lens {
    pub inner: Arc<EmbeddedChain>,
    pub frozen: std::sync::Mutex<std::collections::HashMap<Pubkey, Account>>,
}

impl Lens {
    pub fn new(inner: Arc<EmbeddedChain>) -> Lens {
        Lens {
            inner,
            frozen: std::sync::Mutex::new(std::collections::HashMap::new()),
        }
    }

    /// Shows `key` as it is now from now on.
    pub async fn freeze(&self, key: &Pubkey) {
        let a = self
            .inner
            .get_account(key)
            .await
            .expect("read")
            .expect("exists");
        self.frozen.lock().expect("lock").insert(*key, a);
    }

    fn check(&self) -> Result<(), ChainError> {
        Ok(())
    }

    async fn multiple(&self, keys: &[Pubkey]) -> Result<Vec<Option<Account>>, ChainError> {
        let mut got = self.inner.get_multiple_accounts(keys).await?;
        let frozen = self.frozen.lock().expect("lock");
        for (k, a) in keys.iter().zip(got.iter_mut()) {
            if let Some(f) = frozen.get(k) {
                *a = Some(f.clone());
            }
        }
        Ok(got)
    }
}

/// Wrappers that never refuse a call.
macro_rules! always_up {
    ($($ty:ty),*) => {$(
        impl $ty {
            fn check(&self) -> Result<(), ChainError> {
                Ok(())
            }
        }
    )*};
}

always_up!(Shared, Tripwire, Gate);
delegate_chain!(Shared, self => self.0);
delegate_chain!(Switch, self => self.inner);
delegate_chain!(Tripwire, self => self.inner, |tx| self.send(tx));
delegate_chain!(Gate, self => self.inner, |tx| self.send(tx));
delegate_chain!(Lens, self => self.inner, |tx| self.inner.send_transaction(tx), |keys| self.multiple(keys));
