//! The keeper daemon: the duties that feed the chain with readings and
//! keep the market moving, each its own loop on its own interval, and the
//! operator's view of them (`/metrics`, `/healthz`, logs).
//!
//! - **readings** ([`readings`]): readings from a [`ReadingsFeed`] (the
//!   sources layer), judged against each meter's last reading on chain and
//!   landed through the client's readings flows (v0 with lookup tables of
//!   the meters, or legacy).
//! - **epochs** and **settlement** ([`market`]): each configured market's
//!   ended epochs cleared and the next opened; cleared epochs settled in
//!   planned batches, then closed.
//! - **minting** ([`minting`]): energy minted for the owners who opted in.
//!
//! A duty's failed run is logged and counted and the loop goes on at the
//! next interval. No duty keeps state that matters: every run starts from
//! the chain, every write is idempotent on chain (a stale reading is
//! skipped by the registry, a cleared, settled or closed epoch is seen and
//! left alone), and every transaction goes through the client's sender,
//! which never signs a second version of a transaction that might still
//! land. So the daemon can be killed at any point and restarted, and two
//! daemons can share meters and markets.
//!
//! The daemon runs on the caller's task: [`run`] drives its duties
//! concurrently in one future (the client's flows borrow signers, which
//! are not `Sync`); use it from `block_on`, `#[tokio::main]` or a
//! `LocalSet`.
//!
//! ```ignore
//! let config = KeeperConfig::load(&args)?;             // file + env + flags
//! println!("{}", config.redacted());
//! let daemon = config.resolve()?;                      // keypairs, addresses
//! let telemetry = Telemetry::new(daemon.health);
//! let feed = my_sources(telemetry.clone());            // impl ReadingsFeed
//! let chain = Arc::new(RpcChain::new(config.chain.rpc_url.clone(), config.chain.commitment.into()));
//! let shutdown = Shutdown::new();
//! shutdown.trigger_on_signals();
//! run(daemon, chain, feed, telemetry, shutdown).await?;
//! ```

#![deny(clippy::arithmetic_side_effects)]

pub mod config;
pub mod feed;
pub mod http;
pub mod logging;
pub mod market;
pub mod metered;
pub mod minting;
pub mod readings;
pub mod shard;
pub mod shutdown;
pub mod telemetry;

pub use config::{DaemonConfig, KeeperConfig, ReadingsMode, RunArgs};
pub use feed::{ChannelFeed, FeedError, FeedReading, NoFeed, ReadingsFeed};
pub use metered::MeteredChain;
pub use shard::Shard;
pub use shutdown::Shutdown;
pub use telemetry::{HealthLimits, HealthReport, Metrics, Telemetry};

use async_trait::async_trait;
use joule_client::flows::FlowError;
use joule_client::{Chain, ChainError, Keypair, Sender};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tracing::{error, info, warn};

/// Why the daemon could not run.
#[derive(Debug, thiserror::Error)]
pub enum DaemonError {
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    #[error("sender: {0}")]
    Sender(#[from] joule_client::sender::ConfigError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("the HTTP endpoint failed: {0}")]
    Http(std::io::Error),
}

/// How the daemon stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunSummary {
    /// Every duty finished its in-flight work within the shutdown grace.
    pub drained: bool,
}

/// Why one run of a duty failed (logged and counted; the loop goes on).
#[derive(Debug, thiserror::Error)]
pub enum DutyError {
    #[error(transparent)]
    Flow(#[from] FlowError),
    #[error(transparent)]
    Chain(#[from] ChainError),
}

/// What every duty shares.
#[derive(Clone)]
pub(crate) struct Ctx {
    pub(crate) chain: Arc<MeteredChain>,
    pub(crate) sender: Sender,
    pub(crate) oracle: Arc<Keypair>,
    pub(crate) payer: Arc<Keypair>,
    pub(crate) telemetry: Telemetry,
    pub(crate) shutdown: Shutdown,
}

impl Ctx {
    /// Runs a read, retrying transient errors with the sender's backoff
    /// settings (reads are always safe to repeat).
    pub(crate) async fn read<T, F, Fut>(&self, call: F) -> Result<T, ChainError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, ChainError>>,
    {
        joule_client::flows::read(&self.sender, call).await
    }
}

/// One duty: a run per interval.
#[async_trait(?Send)]
pub(crate) trait Duty {
    fn name(&self) -> &'static str;
    async fn tick(&mut self) -> Result<(), DutyError>;
}

/// Runs `duty` every `interval` until shutdown; a run in progress when
/// shutdown comes is finished (its sends land or are given up by the
/// sender), no new run starts.
async fn every(mut duty: impl Duty, interval: Duration, ctx: &Ctx) {
    let name = duty.name();
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            _ = ctx.shutdown.wait() => break,
        }
        if ctx.shutdown.is_triggered() {
            break;
        }
        ctx.telemetry.duty_ran(name);
        if let Err(e) = duty.tick().await {
            ctx.telemetry.duty_failed(name);
            warn!(duty = name, error = %e, "duty run failed; next run at the next interval");
        }
    }
    info!(duty = name, "stopped");
}

/// Asks the chain for its slot every `interval`, so `/healthz` knows
/// whether the chain is reachable even while the duties are idle.
async fn probe(ctx: &Ctx, interval: Duration) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = ctx.shutdown.wait() => break,
        }
        // One try: MeteredChain records the outcome.
        let _ = ctx.chain.get_slot().await;
        if !ctx.telemetry.health().healthy {
            warn!(health = ?ctx.telemetry.health(), "unhealthy");
        }
    }
}

/// Runs the daemon until `shutdown` is triggered: every enabled duty on
/// its interval, over `chain` (wrapped in a [`MeteredChain`]), with
/// readings from `feed`, metrics and health in `telemetry` (served over
/// HTTP if `config.http` is set). On shutdown no new work starts, work in
/// flight is finished (up to `config.shutdown_grace`), then it returns.
///
/// The future is not `Send` (see the module docs). Dropping it stops
/// everything at once, as `kill -9` would; nothing is lost on chain.
pub async fn run<F: ReadingsFeed>(
    config: DaemonConfig,
    chain: Arc<dyn Chain>,
    feed: F,
    telemetry: Telemetry,
    shutdown: Shutdown,
) -> Result<RunSummary, DaemonError> {
    use joule_client::Signer;
    let sender = Sender::new(config.sender.clone())?;
    let chain = Arc::new(MeteredChain::new(
        chain,
        telemetry.clone(),
        config.lamports_per_signature,
    ));
    let ctx = Ctx {
        chain,
        sender,
        oracle: config.oracle.clone(),
        payer: config.payer.clone(),
        telemetry: telemetry.clone(),
        shutdown: shutdown.clone(),
    };
    info!(
        oracle = %config.oracle.pubkey(),
        payer = %config.payer.pubkey(),
        config = %config.describe(),
        "joule-keeper starting"
    );
    let listener = match config.http {
        Some(addr) => {
            let l = tokio::net::TcpListener::bind(addr)
                .await
                .map_err(|source| DaemonError::Bind { addr, source })?;
            let local = l
                .local_addr()
                .map_err(|source| DaemonError::Bind { addr, source })?;
            telemetry.set_http_addr(local);
            info!(addr = %local, "serving /metrics and /healthz");
            Some(l)
        }
        None => None,
    };
    // The endpoint stays up while in-flight work drains.
    let http_stop = Shutdown::new();
    let http = async {
        match listener {
            Some(l) => http::serve(l, telemetry.clone(), http_stop.clone()).await,
            None => Ok(()),
        }
    };

    let readings = async {
        if config.readings.enabled {
            let duty = readings::ReadingsDuty::new(
                ctx.clone(),
                config.readings.clone(),
                config.shard,
                feed,
            );
            every(duty, config.readings.interval, &ctx).await;
        }
    };
    let epochs = async {
        if config.epochs.enabled && !config.markets.is_empty() {
            let duty = market::EpochsDuty::new(
                ctx.clone(),
                config.markets.clone(),
                config.epochs.open_first,
            );
            every(duty, config.epochs.interval, &ctx).await;
        }
    };
    let settlement = async {
        if config.settlement.enabled && !config.markets.is_empty() {
            let duty = market::SettlementDuty::new(ctx.clone(), config.markets.clone());
            every(duty, config.settlement.interval, &ctx).await;
        }
    };
    let minting = async {
        let m = &config.minting;
        if m.enabled && !(m.owners.is_empty() && m.meters.is_empty()) {
            let duty = minting::MintingDuty::new(
                ctx.clone(),
                config.shard,
                m.owners.clone(),
                m.meters.clone(),
                m.min_wh,
            );
            every(duty, m.interval, &ctx).await;
        }
    };
    let duties = async {
        tokio::join!(
            readings,
            epochs,
            settlement,
            minting,
            probe(&ctx, config.probe_interval)
        );
    };
    let grace = async {
        shutdown.wait().await;
        tokio::time::sleep(config.shutdown_grace).await;
    };
    let bounded = async {
        let drained = tokio::select! {
            _ = duties => true,
            _ = grace => false,
        };
        http_stop.trigger();
        drained
    };
    let (drained, served) = tokio::join!(bounded, http);
    if drained {
        info!("stopped: in-flight work finished");
    } else {
        error!(grace = ?config.shutdown_grace, "stopped: in-flight work abandoned after the grace period");
    }
    served.map_err(DaemonError::Http)?;
    Ok(RunSummary { drained })
}
