//! `joule-keeper demo`: the keeper's story on an embedded chain (litesvm
//! running the real SBF programs).
//!
//! A dozen prosumers and consumers have smart meters: eight report through
//! a meter gateway (a real HTTP server on 127.0.0.1 serving cumulative
//! registers), four through the DISCOM's hourly files (CSV and Green
//! Button XML dropped into a watched directory). The keeper runs its real
//! daemon over them ([`crate::daemon::run`] with a
//! [`crate::sources::SourcesFeed`]): it validates and submits the readings
//! as the oracle, mints for the sellers who opted in, clears each hour's
//! auction, opens the next, settles and closes. The demo moves the chain's
//! clock fifteen minutes at a time (an hour takes a few seconds), and plays
//! everyone else: sellers and buyers place orders half an hour into each
//! epoch; after settlement, the certificates authority certifies the
//! hour's renewable generation (some certificates are retired at once,
//! one after a split, one after a transfer) and the buyers redeem what
//! they bought against what their meters imported.
//!
//! The feeds carry junk a real feed carries: a meter no keeper serves, one
//! not yet verified, a gateway glitch (a register read low), a corrupt CSV
//! row. Each is refused with its reason and nothing is lost: the next
//! reading of the glitching meter credits both intervals.
//!
//! Per epoch it prints the clearing price and volume and the kWh settled,
//! minted, certified, retired and redeemed; then the keeper's metrics, the
//! compute units of every instruction (from the transactions the chain
//! included), and the invariants checked on the final state. The command
//! exits non-zero if any fails.

#![allow(clippy::arithmetic_side_effects)] // the demo's own bounded bookkeeping

pub mod ledger;
pub mod report;
pub mod world;

use crate::daemon::telemetry::ReasonLabels;
use crate::daemon::{run as run_daemon, DaemonConfig, HealthLimits, Shard, Shutdown, Telemetry};
use crate::sources::feed::{DiscomSource, GatewaySource};
use crate::sources::{SourcesConfig, SourcesFeed};
use joule_client::flows::FlowError;
use joule_client::flows::{certificates as certs, market as mflow, registry as rflow, tokens};
use joule_client::{
    Chain, ChainError, EmbeddedChain, EmbeddedError, Keypair, Sender, SenderConfig, Signer,
};
use joule_sdk::market::{reference, MarketKeys, MarketParams, Side};
use joule_sdk::{associated_token_address, Pubkey};
use ledger::Ledger;
use report::{kwh, price, DemoReport, EpochRow, KeeperSummary, MeterCheck, Snapshot};
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use world::{Person, Role, Source, STEPS_PER_EPOCH, STEP_SECS};

const SOL: u64 = 1_000_000_000;
/// The quote token: a 6-decimal stablecoin.
const QUOTE_DECIMALS: u8 = 6;
const QUOTE_UNIT: u64 = 1_000_000;
/// What each buyer starts with.
const BUYER_FUNDS: u64 = 20 * QUOTE_UNIT;
const MIN_PRICE: u64 = 10_000;
const TICK_SIZE: u64 = 1_000;
const TICK_COUNT: u16 = 1_024;
/// How long the demo waits for the keeper to do a step's work.
const PATIENCE: Duration = Duration::from_secs(120);
const POLL: Duration = Duration::from_millis(10);

/// What to run.
#[derive(Clone, Debug)]
pub struct DemoOptions {
    /// One-hour epochs to trade (1 to 12).
    pub epochs: u32,
    /// How often each keeper duty runs (wall time).
    pub duty_interval: Duration,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            epochs: 4,
            duty_interval: Duration::from_millis(100),
        }
    }
}

/// Why the demo could not run to its end.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(transparent)]
    Embedded(#[from] EmbeddedError),
    #[error(transparent)]
    Flow(#[from] FlowError),
    #[error(transparent)]
    Chain(#[from] ChainError),
    #[error("writing: {0}")]
    Io(#[from] std::io::Error),
    #[error("the keeper did not {0} within {PATIENCE:?}")]
    Stalled(String),
    #[error("{0}")]
    Other(String),
}

/// Runs the demo, narrating to `out`; builds its own runtime.
pub fn run(options: &DemoOptions, out: &mut dyn Write) -> Result<DemoReport, DemoError> {
    if !(1..=12).contains(&options.epochs) {
        return Err(DemoError::Other(format!(
            "--epochs must be 1 to 12, not {}",
            options.epochs
        )));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(run_async(options, out))
}

fn fast_sender() -> SenderConfig {
    SenderConfig {
        poll_interval: Duration::from_millis(2),
        resend_interval: Duration::from_millis(50),
        backoff_base: Duration::from_millis(5),
        backoff_max: Duration::from_millis(50),
        ..SenderConfig::default()
    }
}

/// Everyone's keys and addresses.
struct Cast {
    admin: Keypair,
    oracle: Keypair,
    keeper_payer: Keypair,
    authority: Keypair,
    quote_authority: Keypair,
    fee_recipient: Keypair,
    owners: Vec<Keypair>,
    pending_owner: Keypair,
    meters: Vec<Pubkey>,
}

struct Demo<'o> {
    chain: Arc<EmbeddedChain>,
    sender: Sender,
    people: Vec<Person>,
    cast: Cast,
    keys: MarketKeys,
    t0: i64,
    epochs: u32,
    ledger: Ledger,
    out: &'o mut dyn Write,
    rows: Vec<EpochRow>,
    body: Arc<Mutex<String>>,
    feeds: PathBuf,
}

/// Runs the demo inside a multi-threaded runtime (the gateway server and
/// the keeper's fetches run on its workers).
pub async fn run_async(
    options: &DemoOptions,
    out: &mut dyn Write,
) -> Result<DemoReport, DemoError> {
    let t0 = joule_sdk::time::parse_timestamp(world::START, None).map_err(DemoError::Other)?;
    let people = world::people();
    let cast = Cast {
        admin: Keypair::new(),
        oracle: Keypair::new(),
        keeper_payer: Keypair::new(),
        authority: Keypair::new(),
        quote_authority: Keypair::new(),
        fee_recipient: Keypair::new(),
        owners: people.iter().map(|_| Keypair::new()).collect(),
        pending_owner: Keypair::new(),
        meters: Vec::new(),
    };
    let chain = Arc::new(
        EmbeddedChain::builder()
            .upgrade_authority(cast.admin.pubkey())
            .slot_duration(Duration::from_millis(5))
            .unix_timestamp(t0 - 2 * 3_600)
            .journal(true)
            .build()?,
    );
    let dir = tempfile::Builder::new().prefix("joule-demo-").tempdir()?;
    let feeds = dir.path().join("discom");
    std::fs::create_dir(&feeds)?;
    let sender = Sender::new(fast_sender()).map_err(|e| DemoError::Other(e.to_string()))?;
    let keys = MarketKeys::new(&Pubkey::default());
    let mut demo = Demo {
        chain,
        sender,
        people,
        cast,
        keys,
        t0,
        epochs: options.epochs,
        ledger: Ledger::default(),
        out,
        rows: Vec::new(),
        body: Arc::new(Mutex::new(String::from("{\"readings\": []}"))),
        feeds,
    };
    demo.setup().await?;
    // The gateway answers only with its bearer token, which the keeper
    // reads from a file (as a systemd credential would be).
    let token = format!("Bearer {}", Keypair::new().pubkey());
    let credential = dir.path().join("gateway.credential");
    std::fs::write(&credential, format!("{token}\n"))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&credential, std::fs::Permissions::from_mode(0o600))?;
    }
    let gateway = serve_gateway(demo.body.clone(), token).await?;
    let meters_file = dir.path().join("meters.toml");
    std::fs::write(&meters_file, world::meter_list(&demo.people))?;
    let sources = SourcesConfig {
        meters: Some(meters_file),
        gateway: vec![GatewaySource {
            url: gateway.clone(),
            name: Some("gateway".into()),
            auth_header_file: Some(credential),
            ..GatewaySource::default()
        }],
        discom: vec![DiscomSource {
            dir: Some(demo.feeds.clone()),
            state_file: Some(dir.path().join("discom.state.json")),
            name: Some("discom".into()),
            ..DiscomSource::default()
        }],
        connect_timeout_ms: 2_000,
        timeout_ms: 5_000,
        ..SourcesConfig::default()
    };
    let config = demo.keeper_config(options.duty_interval);
    let telemetry = Telemetry::new(HealthLimits::default());
    let feed = SourcesFeed::new(&sources, Shard::ALL, demo.chain.clone(), telemetry.clone())
        .map_err(|e| DemoError::Other(e.to_string()))?;
    writeln!(
        demo.out,
        "\nThe keeper starts: readings every {:?} from the gateway at {gateway} (which answers only with its bearer token: the keeper reads it from a credential file) and the DISCOM directory {}; epochs, settlement and minting (for the {} sellers) every {:?}; one hour of chain time is four 15-minute steps",
        options.duty_interval,
        demo.feeds.display(),
        demo.people.iter().filter(|p| p.is_seller()).count(),
        options.duty_interval,
    )?;
    let shutdown = Shutdown::new();
    let started = Instant::now();
    let chain: Arc<dyn Chain> = demo.chain.clone();
    let daemon = run_daemon(config, chain, feed, telemetry.clone(), shutdown.clone());
    let script = async {
        let result = demo.script().await;
        shutdown.trigger();
        result
    };
    let (ran, scripted) = tokio::join!(daemon, script);
    let keeper_seconds = started.elapsed().as_secs_f64();
    scripted?;
    let summary = ran.map_err(|e| DemoError::Other(format!("the keeper: {e}")))?;
    if !summary.drained {
        return Err(DemoError::Other(
            "the keeper did not finish its work in flight".into(),
        ));
    }
    demo.finish(&telemetry, keeper_seconds).await
}

/// Serves the gateway's current document at `/readings` to a request
/// carrying `token` as its `Authorization`; 401 to any other.
async fn serve_gateway(body: Arc<Mutex<String>>, token: String) -> Result<String, DemoError> {
    use axum::http::{header, HeaderMap, StatusCode};
    let app = axum::Router::new().route(
        "/readings",
        axum::routing::get(move |headers: HeaderMap| {
            let body = body.clone();
            let authorized = headers
                .get(header::AUTHORIZATION)
                .is_some_and(|v| v.as_bytes() == token.as_bytes());
            async move {
                if !authorized {
                    return (StatusCode::UNAUTHORIZED, String::new());
                }
                let text = body.lock().map(|b| b.clone()).unwrap_or_default();
                (StatusCode::OK, text)
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/readings", listener.local_addr()?);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(url)
}

/// Writes a file as a transfer does: under a temporary name, then renamed.
fn drop_file(dir: &Path, name: &str, text: &str) -> std::io::Result<()> {
    let partial = dir.join(format!("{name}.partial"));
    std::fs::write(&partial, text)?;
    std::fs::rename(&partial, dir.join(name))
}

impl Demo<'_> {
    fn c(&self) -> &EmbeddedChain {
        &self.chain
    }

    /// Local clock time of `step`, `09:15`.
    fn clock(step: u32) -> String {
        let minute = world::START_MINUTE + i64::from(step) * 15;
        format!("{:02}:{:02}", minute / 60 % 24, minute % 60)
    }

    fn absorb(&mut self) {
        let more = self.chain.take_journal();
        self.ledger.absorb(more);
    }

    /// Polls `check` until it holds.
    async fn wait<F, Fut>(&self, what: &str, mut check: F) -> Result<(), DemoError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<bool, DemoError>>,
    {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            if check().await? {
                return Ok(());
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(DemoError::Stalled(what.to_string()));
            }
            tokio::time::sleep(POLL).await;
        }
    }

    fn market_params(&self) -> MarketParams {
        MarketParams {
            epoch_length_secs: 3_600,
            min_price: MIN_PRICE,
            tick_size: TICK_SIZE,
            tick_count: TICK_COUNT,
            min_lot_wh: 1,
            fee_bps: 50,
            order_capacity: 64,
            fee_recipient: self.cast.fee_recipient.pubkey(),
            min_order_value: 10,
            order_deposit_lamports: 10_000_000,
        }
    }

    async fn setup(&mut self) -> Result<(), DemoError> {
        let (c, s) = (&*self.chain, &self.sender);
        let cast = &self.cast;
        for k in [
            &cast.admin,
            &cast.oracle,
            &cast.keeper_payer,
            &cast.authority,
            &cast.quote_authority,
            &cast.pending_owner,
        ]
        .into_iter()
        .chain(&cast.owners)
        {
            c.airdrop(&k.pubkey(), 100 * SOL)?;
        }
        writeln!(
            self.out,
            "Joule demo: the keeper's story, on an embedded chain running the real SBF programs"
        )?;
        rflow::initialize(c, s, &cast.admin, &[cast.oracle.pubkey()]).await?;
        certs::initialize(c, s, &cast.admin, &cast.authority.pubkey()).await?;
        let quote_mint = tokens::create_mint(
            c,
            s,
            &cast.admin,
            &cast.quote_authority.pubkey(),
            QUOTE_DECIMALS,
        )
        .await?;
        let params = self.market_params();
        self.keys = mflow::create_market(c, s, &cast.admin, &quote_mint, &params)
            .await?
            .keys;
        writeln!(
            self.out,
            "  registry with the keeper's oracle {}, certificates authority {}",
            cast.oracle.pubkey(),
            cast.authority.pubkey()
        )?;
        writeln!(
            self.out,
            "  market {}: one-hour epochs, {} ticks from {} by {} per kWh, seller fee 0.5%, quote token {} (6 decimals)",
            self.keys.market,
            TICK_COUNT,
            price(MIN_PRICE),
            price(TICK_SIZE),
            quote_mint
        )?;
        writeln!(
            self.out,
            "\nTwelve meters registered by their owners and verified by the admin (a thirteenth, {}, awaits verification):",
            world::PENDING_SERIAL
        )?;
        writeln!(
            self.out,
            "  {:<16} {:<8} {:<16} {:>8}  {:<12} role",
            "who", "serial", "kind", "rated", "data from"
        )?;
        let mut meters = Vec::new();
        for (p, owner) in self.people.iter().zip(&cast.owners) {
            let new = rflow::NewMeter {
                serial: p.serial.into(),
                utility: "TPDDL".into(),
                kind: p.kind,
                rated_power_w: p.rated_w,
            };
            let reg = rflow::register_meter(c, s, owner, &new).await?;
            rflow::activate_meter(c, s, &cast.admin, &reg.meter, &owner.pubkey()).await?;
            meters.push(reg.meter);
            let role = match p.role {
                Role::Seller { ask, share_pct } => {
                    format!(
                        "sells {share_pct}% of its tokens each hour, asking {}",
                        price(ask * 1_000)
                    )
                }
                Role::Buyer { bid, wh } => {
                    format!(
                        "buys {} kWh each hour, bidding {}",
                        kwh(wh),
                        price(bid * 1_000)
                    )
                }
            };
            writeln!(
                self.out,
                "  {:<16} {:<8} {:<16} {:>6} kW  {:<12} {role}",
                p.name,
                p.serial,
                format!("{:?}", p.kind),
                kwh(p.rated_w),
                p.source.name()
            )?;
        }
        rflow::register_meter(
            c,
            s,
            &cast.pending_owner,
            &rflow::NewMeter {
                serial: world::PENDING_SERIAL.into(),
                utility: "TPDDL".into(),
                kind: joule_sdk::registry::MeterKind::Solar,
                rated_power_w: 5_000,
            },
        )
        .await?;
        for (p, owner) in self.people.iter().zip(&cast.owners) {
            if let Role::Buyer { .. } = p.role {
                let ata = tokens::ensure_associated_account(
                    c,
                    s,
                    &cast.admin,
                    &owner.pubkey(),
                    &quote_mint,
                )
                .await?;
                tokens::mint_to(c, s, &cast.quote_authority, &quote_mint, &ata, BUYER_FUNDS)
                    .await?;
            }
        }
        writeln!(
            self.out,
            "  each buyer holds {} of the quote token",
            price(BUYER_FUNDS)
        )?;
        self.cast.meters = meters;
        self.chain.set_time(self.t0);
        self.absorb();
        Ok(())
    }

    fn keeper_config(&self, every: Duration) -> DaemonConfig {
        let mut c = DaemonConfig::new(self.cast.oracle.insecure_clone());
        c.payer = Arc::new(self.cast.keeper_payer.insecure_clone());
        c.sender = fast_sender();
        c.markets = vec![self.keys.market];
        c.readings.interval = every;
        c.epochs.interval = every;
        c.settlement.interval = every;
        c.minting.interval = every;
        c.minting.owners = self
            .people
            .iter()
            .zip(&self.cast.owners)
            .filter(|(p, _)| p.is_seller())
            .map(|(_, k)| k.pubkey())
            .collect();
        c.minting.min_wh = 1;
        c.probe_interval = Duration::from_secs(5);
        c.shutdown_grace = Duration::from_secs(60);
        c
    }

    /// The story, step by step.
    async fn script(&mut self) -> Result<(), DemoError> {
        let last = self.epochs * STEPS_PER_EPOCH;
        for step in 0..=last {
            let ts = self.t0 + STEP_SECS * i64::from(step);
            self.chain.set_time(ts);
            if let Ok(mut b) = self.body.lock() {
                *b = world::gateway_body(&self.people, step, ts);
            }
            if step > 0 && step % STEPS_PER_EPOCH == 0 {
                let hour = step / STEPS_PER_EPOCH - 1;
                drop_file(
                    &self.feeds,
                    &format!("discom-{hour:02}.csv"),
                    &world::csv_file(&self.people, hour),
                )?;
                drop_file(
                    &self.feeds,
                    &format!("discom-{hour:02}.xml"),
                    &world::espi_file(&self.people, self.t0, hour),
                )?;
            }
            self.wait_for_readings(step).await?;
            self.narrate_feeds(step)?;
            if step % STEPS_PER_EPOCH == 0 {
                let index = u64::from(step / STEPS_PER_EPOCH);
                if step > 0 {
                    self.after_epoch(index - 1, step).await?;
                }
                self.wait_for_epoch_open(index).await?;
            }
            if step % STEPS_PER_EPOCH == 2 {
                self.place_orders(step).await?;
            }
        }
        self.wait("mint the last exports", || async {
            self.sellers_minted().await
        })
        .await?;
        Ok(())
    }

    /// What the feeds brought, where it is worth a line.
    fn narrate_feeds(&mut self, step: u32) -> Result<(), DemoError> {
        let gateway = self
            .people
            .iter()
            .filter(|p| p.source == Source::Gateway)
            .count();
        let at = Demo::clock(step);
        if step == 0 {
            writeln!(
                self.out,
                "{at}  the gateway reports {gateway} meters' registers (and {}, a meter no keeper serves, and {}, not yet verified: both refused); the keeper records each meter's baseline",
                world::UNKNOWN_SERIAL,
                world::PENDING_SERIAL
            )?;
        }
        if step == world::GLITCH_STEP {
            writeln!(
                self.out,
                "{at}  the gateway glitches: Bilal's export register reads as its lifetime base, below the chain's; refused (register_decreased). The next reading credits both intervals"
            )?;
        }
        if step == STEPS_PER_EPOCH {
            writeln!(
                self.out,
                "{at}  the DISCOM's first hourly files arrive (every hour from now): a CSV of 15-minute intervals in kWh for Chen, Hari and Jun, with a corrupt row (refused: negative_value), and a Green Button file for Kavya (exports in mWh); the keeper turns intervals into registers, a baseline first"
            )?;
        }
        Ok(())
    }

    async fn wait_for_readings(&self, step: u32) -> Result<(), DemoError> {
        let (c, s) = (self.c(), &self.sender);
        let due: Vec<(Pubkey, i64)> = self
            .people
            .iter()
            .zip(&self.cast.meters)
            .filter_map(|(p, m)| {
                world::expected_last_step(p, step).map(|k| (*m, self.t0 + STEP_SECS * i64::from(k)))
            })
            .collect();
        self.wait(
            &format!("record the readings of {}", Demo::clock(step)),
            || async {
                for (m, ts) in &due {
                    if rflow::meter(c, s, m).await?.last_reading_ts != *ts {
                        return Ok(false);
                    }
                }
                Ok(true)
            },
        )
        .await
    }

    async fn wait_for_epoch_open(&self, index: u64) -> Result<(), DemoError> {
        let (c, s, market) = (self.c(), &self.sender, self.keys.market);
        self.wait(&format!("open epoch {index}"), || async move {
            Ok(mflow::market(c, s, &market).await?.next_epoch_index > index)
        })
        .await
    }

    /// Whether every seller's export has been minted.
    async fn sellers_minted(&self) -> Result<bool, DemoError> {
        for (p, m) in self.people.iter().zip(&self.cast.meters) {
            if p.is_seller() {
                let a = rflow::meter(self.c(), &self.sender, m).await?;
                if a.minted_wh != a.exported_wh {
                    return Ok(false);
                }
            }
        }
        Ok(true)
    }

    /// Half an hour into an epoch, once the keeper has minted what the
    /// sellers exported so far: everyone places their orders.
    async fn place_orders(&mut self, step: u32) -> Result<(), DemoError> {
        let index = step / STEPS_PER_EPOCH;
        if index >= self.epochs {
            return Ok(());
        }
        self.wait("mint the sellers' exports", || async {
            self.sellers_minted().await
        })
        .await?;
        let (c, s) = (&*self.chain, &self.sender);
        let market = mflow::market(c, s, &self.keys.market).await?;
        let epoch = market.current_epoch;
        let drift = u64::from(index);
        let mut lines = Vec::new();
        for (i, (p, owner)) in self.people.iter().zip(&self.cast.owners).enumerate() {
            let (side, milli, wh) = match p.role {
                Role::Seller { ask, share_pct } => {
                    let ata = associated_token_address(&owner.pubkey(), &self.keys.energy_mint);
                    let balance = tokens::balance(c, s, &ata).await?;
                    // Midday: more sun, lower asks.
                    (
                        Side::Sell,
                        ask.saturating_sub(2 * drift),
                        balance * share_pct / 100,
                    )
                }
                Role::Buyer { bid, wh } => (Side::Buy, bid.saturating_sub(drift), wh),
            };
            // An order must be worth the market's minimum.
            if wh * milli < 10 {
                continue;
            }
            let limit_price = milli * 1_000;
            let limit_tick = u16::try_from((limit_price - MIN_PRICE) / TICK_SIZE)
                .map_err(|_| DemoError::Other("price off the grid".into()))?;
            mflow::place_order(
                c,
                s,
                owner,
                &self.keys,
                &epoch,
                &mflow::NewOrder {
                    side,
                    limit_tick,
                    quantity_wh: wh,
                    client_order_id: u64::from(index) * 100 + i as u64,
                },
            )
            .await?;
            lines.push(format!(
                "{} {} {} kWh at {}",
                p.name,
                if side == Side::Buy {
                    "bids for"
                } else {
                    "offers"
                },
                kwh(wh),
                price(limit_price)
            ));
        }
        writeln!(
            self.out,
            "{}  epoch {index}: {} orders: {}",
            Demo::clock(step),
            lines.len(),
            lines.join("; ")
        )?;
        self.absorb();
        Ok(())
    }

    /// After epoch `index` ended at `step`: the keeper clears, settles and
    /// closes it; then the hour's generation is certified and the buyers
    /// redeem.
    async fn after_epoch(&mut self, index: u64, step: u32) -> Result<(), DemoError> {
        let (c, s, market) = (self.c(), &self.sender, self.keys.market);
        self.wait(
            &format!("clear, settle and close epoch {index}"),
            || async move {
                let m = mflow::market(c, s, &market).await?;
                if m.next_epoch_index <= index + 1 {
                    return Ok(false);
                }
                let filters = [joule_client::AccountFilter::Memcmp {
                    offset: 8,
                    bytes: market.as_ref().to_vec(),
                }];
                let live = c
                    .get_program_accounts(&joule_sdk::market::ID, &filters)
                    .await?
                    .into_iter()
                    .filter_map(|(_, a)| joule_sdk::market::decode_epoch(&a.data))
                    .any(|e| e.header.index == index);
                Ok(!live)
            },
        )
        .await?;
        self.absorb();
        let from = self.ledger.len();
        self.certify(index as u32).await?;
        self.redeem().await?;
        self.absorb();
        let to = self.ledger.len();
        let Some((_, trade)) = self.ledger.epoch(&self.keys.market, index) else {
            return Err(DemoError::Other(format!("epoch {index} was never opened")));
        };
        let hour_start = self.t0 + 3_600 * index as i64;
        let (certified_wh, certificates, retired_wh, redeemed_wh) =
            self.ledger.certified_retired_redeemed(from..to);
        let row = EpochRow {
            index,
            hour: format!(
                "{}-{}",
                Demo::clock(step - STEPS_PER_EPOCH),
                Demo::clock(step)
            ),
            orders: trade.orders.len() as u64,
            cleared: trade.cleared,
            settled_wh: trade.settled_buy_wh,
            settle_transactions: trade.settle_transactions,
            fees_quote: trade.fees_quote,
            minted_wh: self.ledger.minted_between(hour_start, hour_start + 3_600),
            readings_applied: self
                .ledger
                .readings_between(hour_start, hour_start + 3_600)
                .0,
            certified_wh,
            certificates,
            retired_wh,
            redeemed_wh,
        };
        match row.cleared {
            Some(cl) => writeln!(
                self.out,
                "{}  epoch {index} cleared by the keeper at {} per kWh: {} kWh traded (bids {} kWh, offers {} kWh at that price); settled in {} transaction(s), fees {}; epoch closed",
                Demo::clock(step),
                price(cl.price),
                kwh(cl.volume_wh),
                kwh(cl.demand_wh),
                kwh(cl.supply_wh),
                row.settle_transactions,
                report::quote(row.fees_quote),
            )?,
            None => writeln!(self.out, "{}  epoch {index} was not cleared", Demo::clock(step))?,
        }
        writeln!(
            self.out,
            "       the hour's renewable generation certified: {} kWh in {} certificates, {} kWh retired; buyers redeemed {} kWh against their imports",
            kwh(row.certified_wh),
            row.certificates,
            kwh(row.retired_wh),
            kwh(row.redeemed_wh)
        )?;
        self.rows.push(row);
        Ok(())
    }

    /// The authority certifies each seller's generation of hour `epoch`.
    /// The school retires its own; the co-op splits a quarter off to Eli's
    /// shop, which retires it; Chen transfers his to Jun's workshop, which
    /// retires it; the others keep theirs.
    async fn certify(&mut self, epoch: u32) -> Result<(), DemoError> {
        let (c, s) = (&*self.chain, &self.sender);
        let start = self.t0 + 3_600 * i64::from(epoch);
        let owner_of = |serial: &str| {
            self.people
                .iter()
                .position(|p| p.serial == serial)
                .and_then(|i| self.cast.owners.get(i))
        };
        for (i, p) in self.people.iter().enumerate() {
            if !p.is_seller() || !p.renewable() {
                continue;
            }
            let (wh, _) = world::hour_wh(p, i, epoch);
            if wh == 0 {
                continue;
            }
            let issued = certs::issue(
                c,
                s,
                &self.cast.authority,
                &self.cast.authority,
                &certs::Issue {
                    meter: self.cast.meters[i],
                    amount_wh: wh,
                    period_start: start,
                    period_end: start + 3_600,
                },
            )
            .await?;
            let owner = &self.cast.owners[i];
            let claim = format!("hour {epoch} renewable electricity claim");
            match p.serial {
                "TP-5003" => {
                    certs::retire(
                        c,
                        s,
                        owner,
                        &issued.certificate,
                        &owner.pubkey(),
                        p.name,
                        &claim,
                    )
                    .await?;
                }
                "TP-5004" => {
                    let Some(eli) = owner_of("TP-6002") else {
                        continue;
                    };
                    let part = wh / 4;
                    let split = certs::split(
                        c,
                        s,
                        owner,
                        &issued.certificate,
                        wh - part,
                        part,
                        &eli.pubkey(),
                    )
                    .await?;
                    certs::retire(c, s, eli, &split.part, &eli.pubkey(), "Eli's shop", &claim)
                        .await?;
                }
                "TP-7001" => {
                    let Some(jun) = owner_of("TP-6102") else {
                        continue;
                    };
                    certs::transfer(c, s, owner, &issued.certificate, &jun.pubkey()).await?;
                    certs::retire(
                        c,
                        s,
                        jun,
                        &issued.certificate,
                        &jun.pubkey(),
                        "Jun's workshop",
                        &claim,
                    )
                    .await?;
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Every buyer redeems what they can against their imports.
    async fn redeem(&mut self) -> Result<(), DemoError> {
        let (c, s) = (&*self.chain, &self.sender);
        for (p, (owner, meter)) in self
            .people
            .iter()
            .zip(self.cast.owners.iter().zip(&self.cast.meters))
        {
            if p.is_seller() {
                continue;
            }
            let amount = rflow::redeemable(c, s, meter).await?;
            if amount > 0 {
                rflow::redeem(c, s, owner, meter, amount).await?;
            }
        }
        Ok(())
    }

    /// The final state, the keeper's metrics, the units; the invariants.
    async fn finish(
        mut self,
        telemetry: &Telemetry,
        keeper_seconds: f64,
    ) -> Result<DemoReport, DemoError> {
        self.absorb();
        let snapshot = self.snapshot(telemetry).await?;
        let checks = report::check(&snapshot);
        let m = telemetry.metrics();
        let mut who: HashMap<Pubkey, &'static str> = HashMap::new();
        who.insert(self.cast.oracle.pubkey(), "keeper");
        who.insert(self.cast.keeper_payer.pubkey(), "keeper");
        who.insert(self.cast.authority.pubkey(), "authority");
        who.insert(self.cast.admin.pubkey(), "admin");
        for k in self.cast.owners.iter().chain([&self.cast.pending_owner]) {
            who.insert(k.pubkey(), "user");
        }
        let keeper_keys = [self.cast.oracle.pubkey(), self.cast.keeper_payer.pubkey()];
        let fees = self.ledger.fees_of(&keeper_keys);
        let (readings_fees, readings_applied) = self.ledger.readings_fees();
        let mut refused = snapshot.rejections.clone();
        let already = refused.remove("stale").unwrap_or(0);
        let keeper = KeeperSummary {
            readings_accepted: m.readings_accepted.get(),
            readings_rejected: refused,
            readings_already_on_chain: already,
            transactions_sent: m.transactions_sent.get(),
            transactions_confirmed: m.transactions_confirmed.get(),
            transactions_retried: m.transactions_retried.get(),
            epochs_opened: m.epochs_opened.get(),
            epochs_cleared: m.epochs_cleared.get(),
            epochs_settled: m.epochs_settled.get(),
            epochs_closed: m.epochs_closed.get(),
            orders_settled: m.orders_settled.get(),
            mints: m.mints.get(),
            minted_wh: m.minted_wh.get(),
            fees_lamports: fees,
            fees_per_reading_lamports: readings_fees / readings_applied.max(1),
            lookup_tables: m.lookup_tables.get(),
        };
        let report = DemoReport {
            epochs: self.rows.clone(),
            keeper,
            units: self.ledger.units(&who),
            snapshot,
            checks,
            transactions: self.ledger.len() as u64,
            keeper_seconds,
        };
        let out = &mut *self.out;
        writeln!(out, "\nPer epoch")?;
        report::print_epochs(out, &report.epochs)?;
        let k = &report.keeper;
        writeln!(
            out,
            "\nThe keeper ({:.1} s of wall time for {} hours of chain time)",
            report.keeper_seconds, self.epochs
        )?;
        writeln!(
            out,
            "  readings: {} accepted and recorded ({} repeats of readings already on chain not sent); refused: {}",
            k.readings_accepted,
            k.readings_already_on_chain,
            k.readings_rejected
                .iter()
                .map(|(r, n)| format!("{r} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        )?;
        writeln!(
            out,
            "  transactions: {} sent, {} confirmed, {} retried; epochs {} opened, {} cleared, {} settled, {} closed; {} orders settled; {} mints ({} kWh); {} lookup table(s)",
            k.transactions_sent,
            k.transactions_confirmed,
            k.transactions_retried,
            k.epochs_opened,
            k.epochs_cleared,
            k.epochs_settled,
            k.epochs_closed,
            k.orders_settled,
            k.mints,
            kwh(k.minted_wh),
            k.lookup_tables
        )?;
        writeln!(
            out,
            "  fees paid by its keys: {} lamports in all; the readings transactions' come to {} lamports per reading",
            k.fees_lamports, k.fees_per_reading_lamports
        )?;
        writeln!(
            out,
            "\nCompute units of every Joule instruction the chain included ({} transactions), from its own logs",
            report.transactions
        )?;
        report::print_units(out, &report.units)?;
        writeln!(out, "\nInvariants, checked on the final state")?;
        report::print_checks(out, &report.checks)?;
        writeln!(
            out,
            "\n{}",
            if report.invariants_hold() {
                "Every invariant holds."
            } else {
                "AN INVARIANT FAILED."
            }
        )?;
        Ok(report)
    }

    async fn snapshot(&self, telemetry: &Telemetry) -> Result<Snapshot, DemoError> {
        let (c, s) = (self.c(), &self.sender);
        let last_step = self.epochs * STEPS_PER_EPOCH;
        let mut by_meter: HashMap<Pubkey, (u64, u64, u64)> = HashMap::new();
        for (_, a) in c
            .get_program_accounts(&joule_sdk::certificates::ID, &[])
            .await?
        {
            if let Some(cert) = joule_sdk::certificates::decode_certificate(&a.data) {
                let e = by_meter.entry(cert.meter).or_default();
                match cert.status() {
                    Some(joule_sdk::certificates::CertificateStatus::Active) => {
                        e.0 += cert.amount_wh
                    }
                    Some(joule_sdk::certificates::CertificateStatus::Retired) => {
                        e.1 += cert.amount_wh
                    }
                    _ => e.2 += cert.amount_wh,
                }
            }
        }
        let mut meters = Vec::new();
        for (i, (p, key)) in self.people.iter().zip(&self.cast.meters).enumerate() {
            let a = rflow::meter(c, s, key).await?;
            let (e0, i0) = p.base_wh;
            let (e1, i1) = world::registers(p, i, last_step);
            let certs = by_meter.get(key).copied().unwrap_or_default();
            meters.push(MeterCheck {
                name: p.name.to_string(),
                seller: p.is_seller(),
                exported_wh: a.exported_wh,
                imported_wh: a.imported_wh,
                minted_wh: a.minted_wh,
                certified_wh: a.certified_wh,
                redeemed_wh: a.redeemed_wh,
                last_reading_ts: a.last_reading_ts,
                expected_exported_wh: e1 - e0,
                expected_imported_wh: i1 - i0,
                expected_last_reading_ts: self.t0 + STEP_SECS * i64::from(last_step),
                certificates_active_wh: certs.0,
                certificates_retired_wh: certs.1,
                certificates_revoked_wh: certs.2,
            });
        }
        let holders: Vec<Pubkey> = self
            .cast
            .owners
            .iter()
            .chain([&self.cast.fee_recipient, &self.cast.pending_owner])
            .map(Signer::pubkey)
            .collect();
        let mut energy = 0u64;
        let mut quote = 0u64;
        for h in &holders {
            energy +=
                tokens::balance(c, s, &associated_token_address(h, &self.keys.energy_mint)).await?;
            quote +=
                tokens::balance(c, s, &associated_token_address(h, &self.keys.quote_mint)).await?;
        }
        let vaults = (
            tokens::balance(c, s, &self.keys.energy_vault).await?,
            tokens::balance(c, s, &self.keys.quote_vault).await?,
        );
        let market = mflow::market(c, s, &self.keys.market).await?;
        let filters = [joule_client::AccountFilter::Memcmp {
            offset: 8,
            bytes: self.keys.market.as_ref().to_vec(),
        }];
        let mut live_epochs: Vec<u64> = c
            .get_program_accounts(&joule_sdk::market::ID, &filters)
            .await?
            .into_iter()
            .filter_map(|(_, a)| joule_sdk::market::decode_epoch(&a.data).map(|e| e.header.index))
            .collect();
        live_epochs.sort_unstable();
        let mut clearings = Vec::new();
        for index in 0..u64::from(self.epochs) {
            let Some((_, t)) = self.ledger.epoch(&self.keys.market, index) else {
                continue;
            };
            let orders: Vec<reference::RefOrder> = t
                .orders
                .iter()
                .map(|o| reference::RefOrder {
                    is_buy: o.side == Side::Buy,
                    limit_tick: o.limit_tick,
                    quantity_wh: o.quantity_wh,
                })
                .collect();
            let reference = reference::clear(&orders, TICK_COUNT, MIN_PRICE, TICK_SIZE)
                .map(|r| (r.price, r.volume_wh));
            clearings.push(report::ClearingCheck {
                index,
                cleared: t.cleared,
                reference,
                settled_buy_wh: t.settled_buy_wh,
                settled_sell_wh: t.settled_sell_wh,
            });
        }
        let mut rejections = BTreeMap::new();
        for reason in crate::readings::RejectReason::ALL {
            let n = telemetry
                .metrics()
                .readings_rejected
                .get_or_create(&ReasonLabels {
                    reason: reason.name().into(),
                })
                .get();
            if n > 0 {
                rejections.insert(reason.name().to_string(), n);
            }
        }
        Ok(Snapshot {
            epochs: u64::from(self.epochs),
            steps: u64::from(last_step) + 1,
            meters,
            readings_applied: self.ledger.readings_total().0,
            readings_expected: world::expected_readings(&self.people, self.epochs),
            supply_wh: tokens::supply(c, s, &self.keys.energy_mint).await?,
            energy_held_wh: energy + vaults.0,
            quote_held: quote + vaults.1,
            quote_funded: BUYER_FUNDS
                * self.people.iter().filter(|p| !p.is_seller()).count() as u64,
            vaults,
            live_epochs,
            next_epoch_index: market.next_epoch_index,
            clearings,
            certificates_issued_wh: self.ledger.certified_total(),
            rejections,
            glitch: last_step >= world::GLITCH_STEP,
        })
    }
}
