//! The keeper's configuration: a TOML file ([`KeeperConfig`]), overridden
//! by `JOULE_KEEPER_*` environment variables and by flags ([`RunArgs`];
//! flags win over the environment, both over the file), resolved into the
//! [`DaemonConfig`] that [`run`](super::run) takes (keypairs loaded,
//! addresses parsed, durations).
//!
//! The effective configuration is printed at start by
//! [`KeeperConfig::redacted`]: keypair *paths* are shown, never key bytes;
//! credentials and query tokens in URLs are replaced by `***`.

use super::shard::Shard;
use super::telemetry::HealthLimits;
use joule_client::{Commitment, Keypair, SenderConfig, Signer};
use joule_sdk::Pubkey;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

/// Why the configuration cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: {message}")]
    File { path: PathBuf, message: String },
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
}

fn invalid(field: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        field,
        message: message.into(),
    }
}

/// How readings are packed into transactions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum ReadingsMode {
    /// v0 transactions through address lookup tables of the meters, which
    /// the keeper creates and extends itself (36 readings per transaction).
    #[default]
    V0,
    /// Legacy transactions (16 readings per transaction).
    Legacy,
}

/// The commitment the keeper reads at and waits for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum CommitmentLevel {
    Processed,
    #[default]
    Confirmed,
    Finalized,
}

impl From<CommitmentLevel> for Commitment {
    fn from(c: CommitmentLevel) -> Commitment {
        match c {
            CommitmentLevel::Processed => Commitment::Processed,
            CommitmentLevel::Confirmed => Commitment::Confirmed,
            CommitmentLevel::Finalized => Commitment::Finalized,
        }
    }
}

/// Log line format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

/// A duty of the daemon.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum DutyName {
    Readings,
    Epochs,
    Settlement,
    Minting,
}

/// The configuration file. Every field has a default, so an empty file
/// is valid (except that the oracle keypair must be named somewhere).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct KeeperConfig {
    /// `I/N`: take the meters whose meter-id hash falls in shard I of N.
    pub shard: Shard,
    /// Markets (addresses) whose epochs this keeper opens, clears, settles
    /// and closes.
    pub markets: Vec<String>,
    /// How long a shutdown waits for in-flight sends, seconds.
    pub shutdown_grace_secs: u64,
    pub chain: ChainSection,
    pub sender: SenderSection,
    pub readings: ReadingsSection,
    pub epochs: EpochsSection,
    pub settlement: SettlementSection,
    pub minting: MintingSection,
    pub http: HttpSection,
    pub health: HealthSection,
    pub log: LogSection,
    /// The sources layer's own section (gateways, DISCOM feeds), read by it.
    pub sources: toml::Table,
}

impl Default for KeeperConfig {
    fn default() -> Self {
        KeeperConfig {
            shard: Shard::ALL,
            markets: Vec::new(),
            shutdown_grace_secs: 60,
            chain: ChainSection::default(),
            sender: SenderSection::default(),
            readings: ReadingsSection::default(),
            epochs: EpochsSection::default(),
            settlement: SettlementSection::default(),
            minting: MintingSection::default(),
            http: HttpSection::default(),
            health: HealthSection::default(),
            log: LogSection::default(),
            sources: toml::Table::new(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ChainSection {
    /// JSON-RPC endpoint.
    pub rpc_url: String,
    pub commitment: CommitmentLevel,
    /// The oracle key (Solana CLI JSON keypair file): signs readings and
    /// pays for them and for the lookup tables of the meters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oracle_keypair: Option<PathBuf>,
    /// Pays the market and minting transactions and the epochs' rent
    /// (returned on close); the oracle key if unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payer_keypair: Option<PathBuf>,
    /// The cluster's base fee per signature, for the fee metric.
    pub lamports_per_signature: u64,
}

impl Default for ChainSection {
    fn default() -> Self {
        ChainSection {
            rpc_url: "http://127.0.0.1:8899".into(),
            commitment: CommitmentLevel::Confirmed,
            oracle_keypair: None,
            payer_keypair: None,
            lamports_per_signature: 5_000,
        }
    }
}

/// The client sender's settings (see `joule_client::SenderConfig`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SenderSection {
    pub cu_margin_percent: u32,
    pub fee_percentile: u8,
    pub fee_floor_micro_lamports: u64,
    pub fee_cap_micro_lamports: u64,
    pub resend_interval_ms: u64,
    pub poll_interval_ms: u64,
    pub max_signings: u32,
    pub max_retries: u32,
    pub backoff_base_ms: u64,
    pub backoff_max_ms: u64,
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

impl Default for SenderSection {
    fn default() -> Self {
        let d = SenderConfig::default();
        SenderSection {
            cu_margin_percent: d.cu_margin_percent,
            fee_percentile: d.fee_percentile,
            fee_floor_micro_lamports: d.fee_floor_micro_lamports,
            fee_cap_micro_lamports: d.fee_cap_micro_lamports,
            resend_interval_ms: millis(d.resend_interval),
            poll_interval_ms: millis(d.poll_interval),
            max_signings: d.max_signings,
            max_retries: d.max_retries,
            backoff_base_ms: millis(d.backoff_base),
            backoff_max_ms: millis(d.backoff_max),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReadingsSection {
    pub enabled: bool,
    pub interval_secs: u64,
    pub mode: ReadingsMode,
    /// Lookup tables of meters to use (and extend, if the oracle's) besides
    /// those discovered or created.
    pub lookup_tables: Vec<String>,
    /// At start, find the oracle's own lookup tables of meters on chain
    /// (one `getProgramAccounts` on the lookup table program), so a restart
    /// reuses them instead of paying for new ones.
    pub discover_lookup_tables: bool,
    /// Lookup tables (v0) or meter groups (legacy) submitted concurrently.
    pub max_in_flight: usize,
    /// Readings per flow call (one to four transactions); shutdown is
    /// checked between calls.
    pub readings_per_call: usize,
    /// Readings held in memory for a later interval at most.
    pub max_pending: usize,
}

impl Default for ReadingsSection {
    fn default() -> Self {
        ReadingsSection {
            enabled: true,
            interval_secs: 60,
            mode: ReadingsMode::V0,
            lookup_tables: Vec::new(),
            discover_lookup_tables: true,
            max_in_flight: 4,
            readings_per_call: 144,
            max_pending: 2_000_000,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EpochsSection {
    pub enabled: bool,
    pub interval_secs: u64,
    /// Open a market's first epoch if it has none.
    pub open_first: bool,
}

impl Default for EpochsSection {
    fn default() -> Self {
        EpochsSection {
            enabled: true,
            interval_secs: 5,
            open_first: true,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SettlementSection {
    pub enabled: bool,
    pub interval_secs: u64,
}

impl Default for SettlementSection {
    fn default() -> Self {
        SettlementSection {
            enabled: true,
            interval_secs: 10,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MintingSection {
    pub enabled: bool,
    pub interval_secs: u64,
    /// Owners who opted in: every meter of theirs (in the shard) is minted.
    pub owners: Vec<String>,
    /// Meters minted whoever owns them.
    pub meters: Vec<String>,
    /// Mint once at least this much is mintable, Wh.
    pub min_wh: u64,
}

impl Default for MintingSection {
    fn default() -> Self {
        MintingSection {
            enabled: true,
            interval_secs: 300,
            owners: Vec::new(),
            meters: Vec::new(),
            min_wh: 1_000,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HttpSection {
    /// Serve `/metrics` and `/healthz`.
    pub enabled: bool,
    pub listen: String,
}

impl Default for HttpSection {
    fn default() -> Self {
        HttpSection {
            enabled: true,
            listen: "127.0.0.1:9464".into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HealthSection {
    /// Unhealthy once the chain has been unreachable this long.
    pub chain_unreachable_secs: u64,
    /// Unhealthy once a source has been unreachable this long.
    pub source_unreachable_secs: u64,
    /// How often the chain is probed when the duties are idle.
    pub probe_interval_secs: u64,
}

impl Default for HealthSection {
    fn default() -> Self {
        HealthSection {
            chain_unreachable_secs: 120,
            source_unreachable_secs: 900,
            probe_interval_secs: 15,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogSection {
    pub format: LogFormat,
    /// A `tracing` filter: `info`, `joule_keeper=debug,info`, ...
    pub level: String,
}

impl Default for LogSection {
    fn default() -> Self {
        LogSection {
            format: LogFormat::Text,
            level: "info".into(),
        }
    }
}

/// `joule-keeper run` flags. Each can also be set by its environment
/// variable; a flag wins over the variable, both over the file.
#[derive(Clone, Debug, Default, clap::Args)]
pub struct RunArgs {
    /// The TOML configuration file.
    #[arg(
        short = 'c',
        long = "config",
        env = "JOULE_KEEPER_CONFIG",
        value_name = "FILE"
    )]
    pub config_file: Option<PathBuf>,
    /// JSON-RPC URL of the cluster.
    #[arg(long, env = "JOULE_KEEPER_RPC_URL", value_name = "URL")]
    pub rpc_url: Option<String>,
    #[arg(long, env = "JOULE_KEEPER_COMMITMENT", value_enum)]
    pub commitment: Option<CommitmentLevel>,
    /// The oracle's keypair file (Solana CLI JSON).
    #[arg(long, env = "JOULE_KEEPER_ORACLE_KEYPAIR", value_name = "FILE")]
    pub oracle_keypair: Option<PathBuf>,
    /// The payer's keypair file for market and minting transactions.
    #[arg(long, env = "JOULE_KEEPER_PAYER_KEYPAIR", value_name = "FILE")]
    pub payer_keypair: Option<PathBuf>,
    /// Take the meters of shard I of N (meter-id hash).
    #[arg(long, env = "JOULE_KEEPER_SHARD", value_name = "I/N")]
    pub shard: Option<Shard>,
    /// Markets to crank (repeat, or comma-separated); replaces the file's.
    #[arg(
        long = "market",
        env = "JOULE_KEEPER_MARKETS",
        value_delimiter = ',',
        value_name = "ADDRESS"
    )]
    pub markets: Vec<String>,
    /// Only these duties run (comma-separated); the others are disabled.
    #[arg(long, env = "JOULE_KEEPER_DUTIES", value_delimiter = ',', value_enum)]
    pub duties: Vec<DutyName>,
    #[arg(long, env = "JOULE_KEEPER_READINGS_MODE", value_enum)]
    pub readings_mode: Option<ReadingsMode>,
    #[arg(long, env = "JOULE_KEEPER_READINGS_INTERVAL_SECS", value_name = "SECS")]
    pub readings_interval_secs: Option<u64>,
    #[arg(long, env = "JOULE_KEEPER_EPOCHS_INTERVAL_SECS", value_name = "SECS")]
    pub epochs_interval_secs: Option<u64>,
    #[arg(
        long,
        env = "JOULE_KEEPER_SETTLEMENT_INTERVAL_SECS",
        value_name = "SECS"
    )]
    pub settlement_interval_secs: Option<u64>,
    #[arg(long, env = "JOULE_KEEPER_MINTING_INTERVAL_SECS", value_name = "SECS")]
    pub minting_interval_secs: Option<u64>,
    /// Owners whose meters are minted (repeat, or comma-separated);
    /// replaces the file's.
    #[arg(
        long = "mint-owner",
        env = "JOULE_KEEPER_MINT_OWNERS",
        value_delimiter = ',',
        value_name = "ADDRESS"
    )]
    pub mint_owners: Vec<String>,
    /// Meters minted (repeat, or comma-separated); replaces the file's.
    #[arg(
        long = "mint-meter",
        env = "JOULE_KEEPER_MINT_METERS",
        value_delimiter = ',',
        value_name = "ADDRESS"
    )]
    pub mint_meters: Vec<String>,
    /// Where `/metrics` and `/healthz` are served.
    #[arg(long, env = "JOULE_KEEPER_LISTEN", value_name = "ADDR")]
    pub listen: Option<String>,
    /// Serve no HTTP endpoint.
    #[arg(long, env = "JOULE_KEEPER_NO_HTTP")]
    pub no_http: bool,
    #[arg(long, env = "JOULE_KEEPER_LOG_FORMAT", value_enum)]
    pub log_format: Option<LogFormat>,
    #[arg(long, env = "JOULE_KEEPER_LOG_LEVEL", value_name = "FILTER")]
    pub log_level: Option<String>,
    #[arg(long, env = "JOULE_KEEPER_CHAIN_UNREACHABLE_SECS", value_name = "SECS")]
    pub chain_unreachable_secs: Option<u64>,
    #[arg(
        long,
        env = "JOULE_KEEPER_SOURCE_UNREACHABLE_SECS",
        value_name = "SECS"
    )]
    pub source_unreachable_secs: Option<u64>,
    /// Print the effective configuration (secrets redacted) and exit.
    #[arg(long)]
    pub print_config: bool,
}

impl KeeperConfig {
    /// Parses a configuration file's text.
    pub fn from_toml(text: &str) -> Result<KeeperConfig, toml::de::Error> {
        toml::from_str(text)
    }

    /// Reads and parses a configuration file.
    pub fn from_file(path: &Path) -> Result<KeeperConfig, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::File {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        KeeperConfig::from_toml(&text).map_err(|e| ConfigError::File {
            path: path.to_path_buf(),
            message: e.to_string(),
        })
    }

    /// The file named by `args` (defaults without one), with `args`
    /// (flags and environment) applied over it.
    pub fn load(args: &RunArgs) -> Result<KeeperConfig, ConfigError> {
        let mut config = match &args.config_file {
            Some(path) => KeeperConfig::from_file(path)?,
            None => KeeperConfig::default(),
        };
        config.apply(args);
        Ok(config)
    }

    /// Applies what `args` sets over this configuration.
    pub fn apply(&mut self, args: &RunArgs) {
        fn set<T: Clone>(to: &mut T, from: &Option<T>) {
            if let Some(v) = from {
                *to = v.clone();
            }
        }
        set(&mut self.chain.rpc_url, &args.rpc_url);
        set(&mut self.chain.commitment, &args.commitment);
        if args.oracle_keypair.is_some() {
            self.chain.oracle_keypair.clone_from(&args.oracle_keypair);
        }
        if args.payer_keypair.is_some() {
            self.chain.payer_keypair.clone_from(&args.payer_keypair);
        }
        set(&mut self.shard, &args.shard);
        if !args.markets.is_empty() {
            self.markets.clone_from(&args.markets);
        }
        if !args.duties.is_empty() {
            self.readings.enabled = args.duties.contains(&DutyName::Readings);
            self.epochs.enabled = args.duties.contains(&DutyName::Epochs);
            self.settlement.enabled = args.duties.contains(&DutyName::Settlement);
            self.minting.enabled = args.duties.contains(&DutyName::Minting);
        }
        set(&mut self.readings.mode, &args.readings_mode);
        set(
            &mut self.readings.interval_secs,
            &args.readings_interval_secs,
        );
        set(&mut self.epochs.interval_secs, &args.epochs_interval_secs);
        set(
            &mut self.settlement.interval_secs,
            &args.settlement_interval_secs,
        );
        set(&mut self.minting.interval_secs, &args.minting_interval_secs);
        if !args.mint_owners.is_empty() {
            self.minting.owners.clone_from(&args.mint_owners);
        }
        if !args.mint_meters.is_empty() {
            self.minting.meters.clone_from(&args.mint_meters);
        }
        set(&mut self.http.listen, &args.listen);
        if args.no_http {
            self.http.enabled = false;
        }
        set(&mut self.log.format, &args.log_format);
        set(&mut self.log.level, &args.log_level);
        set(
            &mut self.health.chain_unreachable_secs,
            &args.chain_unreachable_secs,
        );
        set(
            &mut self.health.source_unreachable_secs,
            &args.source_unreachable_secs,
        );
    }

    /// The configuration as TOML with every secret replaced by `***`: URL
    /// credentials, query values and token-like path segments, and in the
    /// sources section every value under a key that names a secret.
    /// Keypair paths are shown; key bytes are never read for this.
    pub fn redacted(&self) -> String {
        let mut c = self.clone();
        c.chain.rpc_url = redact_url(&c.chain.rpc_url);
        c.sources = c
            .sources
            .into_iter()
            .map(|(k, mut v)| {
                redact_value(Some(&k), &mut v);
                (k, v)
            })
            .collect();
        toml::to_string_pretty(&c).unwrap_or_else(|e| format!("# cannot render: {e}\n"))
    }

    /// Loads the keypairs, parses the addresses and checks every value.
    pub fn resolve(&self) -> Result<DaemonConfig, ConfigError> {
        let oracle_path = self.chain.oracle_keypair.as_ref().ok_or_else(|| {
            invalid(
                "chain.oracle_keypair",
                "required (--oracle-keypair or JOULE_KEEPER_ORACLE_KEYPAIR)",
            )
        })?;
        let oracle = Arc::new(read_keypair_file(oracle_path)?);
        let payer = match &self.chain.payer_keypair {
            Some(p) => Arc::new(read_keypair_file(p)?),
            None => oracle.clone(),
        };
        let secs = |field: &'static str, v: u64| -> Result<Duration, ConfigError> {
            if v == 0 {
                return Err(invalid(field, "must be above zero"));
            }
            Ok(Duration::from_secs(v))
        };
        let ms = |field: &'static str, v: u64| -> Result<Duration, ConfigError> {
            if v == 0 {
                return Err(invalid(field, "must be above zero"));
            }
            Ok(Duration::from_millis(v))
        };
        let s = &self.sender;
        let sender = SenderConfig {
            cu_margin_percent: s.cu_margin_percent,
            fee_percentile: s.fee_percentile,
            fee_floor_micro_lamports: s.fee_floor_micro_lamports,
            fee_cap_micro_lamports: s.fee_cap_micro_lamports,
            resend_interval: ms("sender.resend_interval_ms", s.resend_interval_ms)?,
            poll_interval: ms("sender.poll_interval_ms", s.poll_interval_ms)?,
            commitment: self.chain.commitment.into(),
            max_signings: s.max_signings,
            max_retries: s.max_retries,
            backoff_base: ms("sender.backoff_base_ms", s.backoff_base_ms)?,
            backoff_max: ms("sender.backoff_max_ms", s.backoff_max_ms)?,
            dry_run: false,
        };
        joule_client::Sender::new(sender.clone()).map_err(|e| invalid("sender", e.to_string()))?;
        let r = &self.readings;
        if r.max_in_flight == 0 || r.readings_per_call == 0 {
            return Err(invalid(
                "readings",
                "max_in_flight and readings_per_call must be above zero",
            ));
        }
        let http = if self.http.enabled {
            Some(
                SocketAddr::from_str(self.http.listen.trim())
                    .map_err(|e| invalid("http.listen", format!("'{}': {e}", self.http.listen)))?,
            )
        } else {
            None
        };
        Ok(DaemonConfig {
            oracle,
            payer,
            sender,
            shard: self.shard,
            markets: pubkeys("markets", &self.markets)?,
            readings: ReadingsConfig {
                enabled: r.enabled,
                interval: secs("readings.interval_secs", r.interval_secs)?,
                mode: r.mode,
                lookup_tables: pubkeys("readings.lookup_tables", &r.lookup_tables)?,
                discover_lookup_tables: r.discover_lookup_tables,
                max_in_flight: r.max_in_flight,
                readings_per_call: r.readings_per_call,
                max_pending: r.max_pending,
            },
            epochs: EpochsConfig {
                enabled: self.epochs.enabled,
                interval: secs("epochs.interval_secs", self.epochs.interval_secs)?,
                open_first: self.epochs.open_first,
            },
            settlement: SettlementConfig {
                enabled: self.settlement.enabled,
                interval: secs("settlement.interval_secs", self.settlement.interval_secs)?,
            },
            minting: MintingConfig {
                enabled: self.minting.enabled,
                interval: secs("minting.interval_secs", self.minting.interval_secs)?,
                owners: pubkeys("minting.owners", &self.minting.owners)?,
                meters: pubkeys("minting.meters", &self.minting.meters)?,
                min_wh: self.minting.min_wh.max(1),
            },
            http,
            health: HealthLimits {
                chain_unreachable: secs(
                    "health.chain_unreachable_secs",
                    self.health.chain_unreachable_secs,
                )?,
                source_unreachable: secs(
                    "health.source_unreachable_secs",
                    self.health.source_unreachable_secs,
                )?,
            },
            probe_interval: secs(
                "health.probe_interval_secs",
                self.health.probe_interval_secs,
            )?,
            shutdown_grace: Duration::from_secs(self.shutdown_grace_secs),
            lamports_per_signature: self.chain.lamports_per_signature,
        })
    }
}

fn pubkeys(field: &'static str, values: &[String]) -> Result<Vec<Pubkey>, ConfigError> {
    values
        .iter()
        .map(|v| {
            Pubkey::from_str(v.trim())
                .map_err(|_| invalid(field, format!("'{v}' is not a base-58 address")))
        })
        .collect()
}

/// The resolved configuration [`run`](super::run) takes. Tests build it
/// with [`DaemonConfig::new`] and adjust the fields.
#[derive(Clone, Debug)]
pub struct DaemonConfig {
    /// Signs and pays for readings and the meters' lookup tables.
    pub oracle: Arc<Keypair>,
    /// Pays the market and minting transactions and the epochs' rent.
    pub payer: Arc<Keypair>,
    pub sender: SenderConfig,
    pub shard: Shard,
    pub markets: Vec<Pubkey>,
    pub readings: ReadingsConfig,
    pub epochs: EpochsConfig,
    pub settlement: SettlementConfig,
    pub minting: MintingConfig,
    /// Where `/metrics` and `/healthz` are served (port 0: any free port,
    /// see [`Telemetry::http_addr`](super::Telemetry::http_addr)).
    pub http: Option<SocketAddr>,
    pub health: HealthLimits,
    pub probe_interval: Duration,
    pub shutdown_grace: Duration,
    pub lamports_per_signature: u64,
}

#[derive(Clone, Debug)]
pub struct ReadingsConfig {
    pub enabled: bool,
    pub interval: Duration,
    pub mode: ReadingsMode,
    pub lookup_tables: Vec<Pubkey>,
    pub discover_lookup_tables: bool,
    pub max_in_flight: usize,
    pub readings_per_call: usize,
    pub max_pending: usize,
}

#[derive(Clone, Debug)]
pub struct EpochsConfig {
    pub enabled: bool,
    pub interval: Duration,
    pub open_first: bool,
}

#[derive(Clone, Debug)]
pub struct SettlementConfig {
    pub enabled: bool,
    pub interval: Duration,
}

#[derive(Clone, Debug)]
pub struct MintingConfig {
    pub enabled: bool,
    pub interval: Duration,
    pub owners: Vec<Pubkey>,
    pub meters: Vec<Pubkey>,
    pub min_wh: u64,
}

impl DaemonConfig {
    /// The defaults of an empty configuration file, with `oracle` as the
    /// oracle and the payer, and no HTTP endpoint.
    pub fn new(oracle: Keypair) -> DaemonConfig {
        let oracle = Arc::new(oracle);
        let d = KeeperConfig::default();
        let secs = Duration::from_secs;
        DaemonConfig {
            payer: oracle.clone(),
            oracle,
            sender: SenderConfig::default(),
            shard: Shard::ALL,
            markets: Vec::new(),
            readings: ReadingsConfig {
                enabled: true,
                interval: secs(d.readings.interval_secs),
                mode: d.readings.mode,
                lookup_tables: Vec::new(),
                discover_lookup_tables: d.readings.discover_lookup_tables,
                max_in_flight: d.readings.max_in_flight,
                readings_per_call: d.readings.readings_per_call,
                max_pending: d.readings.max_pending,
            },
            epochs: EpochsConfig {
                enabled: true,
                interval: secs(d.epochs.interval_secs),
                open_first: d.epochs.open_first,
            },
            settlement: SettlementConfig {
                enabled: true,
                interval: secs(d.settlement.interval_secs),
            },
            minting: MintingConfig {
                enabled: true,
                interval: secs(d.minting.interval_secs),
                owners: Vec::new(),
                meters: Vec::new(),
                min_wh: d.minting.min_wh,
            },
            http: None,
            health: HealthLimits::default(),
            probe_interval: secs(d.health.probe_interval_secs),
            shutdown_grace: secs(d.shutdown_grace_secs),
            lamports_per_signature: d.chain.lamports_per_signature,
        }
    }

    /// A summary for the start-up log: public keys only.
    pub fn describe(&self) -> String {
        format!(
            "oracle {}, payer {}, shard {}, {} market(s), readings {} ({:?}), epochs {}, settlement {}, minting {} ({} owner(s), {} meter(s))",
            self.oracle.pubkey(),
            self.payer.pubkey(),
            self.shard,
            self.markets.len(),
            on(self.readings.enabled),
            self.readings.mode,
            on(self.epochs.enabled),
            on(self.settlement.enabled),
            on(self.minting.enabled),
            self.minting.owners.len(),
            self.minting.meters.len(),
        )
    }
}

fn on(b: bool) -> &'static str {
    if b {
        "on"
    } else {
        "off"
    }
}

/// Reads a Solana CLI keypair file (a JSON array of the 64 bytes of the
/// secret and public key). Errors name the file, never its content.
pub fn read_keypair_file(path: &Path) -> Result<Keypair, ConfigError> {
    let err = |message: String| ConfigError::File {
        path: path.to_path_buf(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
    let bytes: Vec<u8> = serde_json::from_str(&text)
        .map_err(|_| err("not a Solana CLI keypair file (a JSON array of 64 bytes)".into()))?;
    if bytes.len() != 64 {
        return Err(err(format!(
            "a Solana CLI keypair has 64 bytes, this file has {}",
            bytes.len()
        )));
    }
    let key = Keypair::try_from(bytes.as_slice())
        .map_err(|_| err("the public half does not match the secret half".into()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path) {
            if meta.permissions().mode() & 0o077 != 0 {
                tracing::warn!(
                    path = %path.display(),
                    "keypair file is readable by group or others; chmod 600 it"
                );
            }
        }
    }
    Ok(key)
}

/// A URL with its secrets replaced by `***`: user and password, every
/// query value, and path segments that look like API tokens (20 or more
/// letters, digits, `-` or `_`, with a digit). Text that is not a URL is
/// returned as it is unless it holds an `@` (then wholly redacted).
pub fn redact_url(text: &str) -> String {
    let parsed = url::Url::parse(text.trim()).ok().filter(|u| u.has_host());
    let Some(mut url) = parsed else {
        return if text.contains('@') {
            "***".into()
        } else {
            text.to_string()
        };
    };
    let mut changed = false;
    if !url.username().is_empty() {
        changed |= url.set_username("***").is_ok();
    }
    if url.password().is_some() {
        changed |= url.set_password(Some("***")).is_ok();
    }
    if url.query().is_some() {
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(k, _)| (k.into_owned(), "***".to_string()))
            .collect();
        url.query_pairs_mut().clear().extend_pairs(pairs);
        changed = true;
    }
    let segments: Option<Vec<String>> =
        url.path_segments().map(|s| s.map(str::to_string).collect());
    if let Some(segments) = segments {
        if segments.iter().any(|s| looks_like_token(s)) {
            let redacted = segments.into_iter().map(|s| {
                if looks_like_token(&s) {
                    "***".to_string()
                } else {
                    s
                }
            });
            if let Ok(mut path) = url.path_segments_mut() {
                path.clear().extend(redacted);
                changed = true;
            }
        }
    }
    if changed {
        url.to_string()
    } else {
        text.to_string()
    }
}

fn looks_like_token(seg: &str) -> bool {
    seg.len() >= 20
        && seg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && seg.chars().any(|c| c.is_ascii_digit())
}

/// Key names whose values are secrets.
fn secret_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    // Paths and the names of environment variables are not secrets.
    let path_like = ["_keypair", "_file", "_path", "_dir", "_env"]
        .iter()
        .any(|s| k.ends_with(s));
    !path_like
        && [
            "token",
            "secret",
            "password",
            "passwd",
            "api_key",
            "apikey",
            "auth",
            "credential",
            "bearer",
            "api-key",
            "cookie",
        ]
        .iter()
        .any(|s| k.contains(s))
}

fn redact_value(key: Option<&str>, value: &mut toml::Value) {
    if key.is_some_and(secret_key) {
        *value = toml::Value::String("***".into());
        return;
    }
    match value {
        toml::Value::String(s) => {
            if s.contains("://") {
                *s = redact_url(s);
            }
        }
        toml::Value::Array(items) => {
            for v in items {
                redact_value(None, v);
            }
        }
        toml::Value::Table(t) => {
            for (k, v) in t.iter_mut() {
                redact_value(Some(k), v);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        run: RunArgs,
    }

    #[test]
    fn urls_lose_their_credentials_and_tokens() {
        assert_eq!(
            redact_url("https://user:pw@rpc.example.com/?api-key=abc123&x=1"),
            "https://***:***@rpc.example.com/?api-key=***&x=***"
        );
        assert_eq!(
            redact_url("https://node.example.com/a1b2c3d4e5f6g7h8i9j0k1/"),
            "https://node.example.com/***/"
        );
        assert_eq!(redact_url("http://127.0.0.1:8899"), "http://127.0.0.1:8899");
        assert_eq!(
            redact_url("http://127.0.0.1:8899/readings"),
            "http://127.0.0.1:8899/readings"
        );
        assert_eq!(redact_url("not a url"), "not a url");
        assert_eq!(redact_url("user:pw@host"), "***");
    }

    #[test]
    fn the_effective_config_shows_paths_and_hides_secrets() {
        let mut c = KeeperConfig::from_toml(
            r#"
markets = ["HZzjyS2FgeyHgqpC9Ms4BxdKJAbizX52hUfc1hq5cKp3"]
[chain]
rpc_url = "https://rpc.example.com/?api-key=s3cr3t"
oracle_keypair = "/etc/joule-keeper/oracle.json"
[sources]
[[sources.gateway]]
url = "https://gw.example.com/readings?token=t0k3n"
bearer_token = "abc"
auth_header_env = "JOULE_GW_AUTH"
headers = { Authorization = "Bearer inline-s3cret", X-Api-Key = "k3y", X-Feeder = "12" }
[sources.discom]
dir = "/var/lib/joule/discom"
password = "hunter2"
"#,
        )
        .expect("parse");
        c.shard = Shard::new(1, 4).expect("shard");
        let text = c.redacted();
        for secret in ["s3cr3t", "t0k3n", "abc", "hunter2", "inline-s3cret", "k3y"] {
            assert!(!text.contains(secret), "{secret} in\n{text}");
        }
        // The variable's name is not a secret; a plain header is shown.
        assert!(text.contains("JOULE_GW_AUTH"), "{text}");
        assert!(text.contains("X-Feeder = \"12\""), "{text}");
        assert!(text.contains("/etc/joule-keeper/oracle.json"), "{text}");
        assert!(text.contains("/var/lib/joule/discom"), "{text}");
        assert!(text.contains("shard = \"1/4\""), "{text}");
        // What is printed parses back.
        let back = KeeperConfig::from_toml(&text).expect("reparse");
        assert_eq!(back.shard, c.shard);
        assert_eq!(back.markets, c.markets);
    }

    #[test]
    fn unknown_keys_are_refused_and_an_empty_file_is_the_defaults() {
        assert_eq!(
            KeeperConfig::from_toml("").expect("empty"),
            KeeperConfig::default()
        );
        assert!(KeeperConfig::from_toml("[readings]\nintervall_secs = 3\n").is_err());
        assert!(KeeperConfig::from_toml("shard = \"3/3\"\n").is_err());
        let c = KeeperConfig::from_toml("[readings]\nmode = \"legacy\"\n").expect("legacy");
        assert_eq!(c.readings.mode, ReadingsMode::Legacy);
    }

    #[test]
    fn flags_win_over_the_environment_which_wins_over_the_file() {
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("keeper.toml");
        std::fs::write(
            &file,
            "shard = \"0/2\"\n[chain]\nrpc_url = \"http://file:8899\"\n[readings]\ninterval_secs = 30\n[minting]\nowners = [\"11111111111111111111111111111111\"]\n",
        )
        .expect("write");
        // The only test that sets these variables.
        std::env::set_var("JOULE_KEEPER_RPC_URL", "http://env:8899");
        std::env::set_var("JOULE_KEEPER_SHARD", "1/2");
        std::env::set_var("JOULE_KEEPER_DUTIES", "readings,epochs");
        let cli = Cli::try_parse_from([
            "keeper",
            "--config",
            file.to_str().expect("utf-8"),
            "--shard",
            "1/3",
            "--readings-mode",
            "legacy",
        ])
        .expect("flags");
        std::env::remove_var("JOULE_KEEPER_RPC_URL");
        std::env::remove_var("JOULE_KEEPER_SHARD");
        std::env::remove_var("JOULE_KEEPER_DUTIES");
        let c = KeeperConfig::load(&cli.run).expect("load");
        assert_eq!(c.chain.rpc_url, "http://env:8899"); // env over file
        assert_eq!(c.shard, Shard::new(1, 3).expect("shard")); // flag over env
        assert_eq!(c.readings.interval_secs, 30); // file over default
        assert_eq!(c.readings.mode, ReadingsMode::Legacy);
        assert!(c.readings.enabled && c.epochs.enabled);
        assert!(!c.settlement.enabled && !c.minting.enabled);
        assert_eq!(c.minting.owners.len(), 1);
    }

    #[test]
    fn resolve_loads_the_keypair_and_checks_values() {
        let dir = tempfile::tempdir().expect("dir");
        let key = Keypair::new_from_array([7; 32]);
        let path = dir.path().join("oracle.json");
        std::fs::write(
            &path,
            serde_json::to_string(&key.to_bytes().to_vec()).expect("json"),
        )
        .expect("write");
        let mut c = KeeperConfig::default();
        assert!(c.resolve().is_err(), "no oracle keypair");
        c.chain.oracle_keypair = Some(path.clone());
        c.markets = vec!["HZzjyS2FgeyHgqpC9Ms4BxdKJAbizX52hUfc1hq5cKp3".into()];
        let d = c.resolve().expect("resolve");
        assert_eq!(d.oracle.pubkey(), key.pubkey());
        assert_eq!(d.payer.pubkey(), key.pubkey());
        assert_eq!(d.markets.len(), 1);
        assert!(d.describe().contains(&key.pubkey().to_string()));

        c.markets = vec!["not-an-address".into()];
        assert!(c.resolve().is_err());
        c.markets.clear();
        c.readings.interval_secs = 0;
        assert!(c.resolve().is_err());
        c.readings.interval_secs = 60;
        c.http.listen = "localhost".into();
        assert!(c.resolve().is_err());

        std::fs::write(&path, "[1, 2, 3]").expect("write");
        let err = read_keypair_file(&path).expect_err("short").to_string();
        assert!(
            err.contains("64 bytes") && err.contains("oracle.json"),
            "{err}"
        );
        let mut bad = key.to_bytes().to_vec();
        bad[40] ^= 1;
        std::fs::write(&path, serde_json::to_string(&bad).expect("json")).expect("write");
        let err = read_keypair_file(&path).expect_err("mismatch").to_string();
        assert!(
            !err.contains(&bad[0].to_string()) || err.contains("does not match"),
            "{err}"
        );
    }
}
