//! The daemon's feed: every configured source read, validated against the
//! chain, and handed to the readings duty ([`SourcesFeed`], a
//! [`ReadingsFeed`]), configured by the `[sources]` section of the
//! keeper's configuration ([`SourcesConfig`]).
//!
//! Each [`ReadingsFeed::next_batch`]:
//!
//! 1. reads this keeper's meters (those of the meter list in its shard)
//!    from the chain, 100 per call, and the chain clock: each meter's
//!    [`MeterView`] is what the chain shows, advanced past the readings
//!    this feed handed over and the chain has not applied yet (so interval
//!    data of the next file builds on the registers of the last one);
//! 2. marks processed the DISCOM files whose readings the chain now shows
//!    (see "Processed files" below);
//! 3. polls the gateways (concurrently), each DISCOM URL, and scans each
//!    watched directory (on a blocking thread);
//! 4. validates everything as one round ([`Validator`]) at the chain's
//!    clock, reports rejections, warnings and each source's health to the
//!    [`Telemetry`], and returns the accepted readings.
//!
//! A source that cannot be read is counted and reported under its own
//! name (`source_failed`), the others go on; only a chain that cannot be
//! read fails the batch.
//!
//! # Processed files
//!
//! A DISCOM file (or URL document) handed over is not read again while
//! its readings are on their way; it is marked processed (in the state
//! file, for a directory) once the chain shows every reading it produced,
//! or after `confirm_rounds` rounds without that (readings the chain
//! refused are not coming back; a warning says so). If the process dies
//! in between, the file is read again after the restart, which is
//! harmless: the chain is the cursor, so the readings of it that landed
//! come out `stale` and are not sent, and the rest are sent once. Nothing
//! is counted twice.

use super::dir::DirSource;
use super::http::{Endpoint, HttpConfig, HttpFeed, HttpFetcher};
use super::{CsvOptions, FeedFile, FeedFormat, FeedOptions, SourceError};
use crate::commands::check_feed::parse_utc_offset;
use crate::daemon::config::redact_url;
use crate::daemon::{FeedError, FeedReading, MeteredChain, ReadingsFeed, Shard, Telemetry};
use crate::meters::{MeterBook, MeterEntry, MeterList, MeterView, UsagePointMap};
use crate::readings::{Inputs, Outcome, RejectReason, ValidationConfig, Validator};
use async_trait::async_trait;
use joule_client::{Chain, ChainError};
use joule_sdk::registry as reg;
use joule_sdk::Pubkey;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tracing::{debug, info, warn};

/// Accounts per `get_multiple_accounts` call.
const ACCOUNTS_PER_READ: usize = 100;

/// The Clock sysvar.
const CLOCK_SYSVAR: Pubkey = Pubkey::from_str_const("SysvarC1ock11111111111111111111111111111111");

/// The Clock sysvar's `unix_timestamp` (after slot, epoch start
/// timestamp, epoch and leader schedule epoch).
fn clock_unix_timestamp(data: &[u8]) -> Option<i64> {
    Some(i64::from_le_bytes(data.get(32..40)?.try_into().ok()?))
}

/// The `[sources]` section of the keeper's configuration.
///
/// ```toml
/// [sources]
/// meters = "/etc/joule-keeper/meters.toml"   # the meter list (check-feed's format)
/// tolerance_wh = 100
/// max_future_secs = 60
/// csv_utc_offset = "+05:30"                   # for CSV times without an offset
/// connect_timeout_ms = 5000
/// timeout_ms = 20000
/// max_body_bytes = 67108864
/// concurrency = 32
/// min_file_age_secs = 0
/// confirm_rounds = 20
///
/// [[sources.gateway]]
/// url = "https://gw-12.example.com/readings"
/// name = "feeder-12"                          # optional: its name in metrics and /healthz
/// auth_header_env = "JOULE_GW12_AUTH"         # optional: Authorization value ("Bearer ...") from the environment
/// # auth_header_file = "/run/credentials/joule-keeper.service/gw12"   # ... or from a file
/// headers = { "X-Feeder" = "12" }             # optional: other headers (not secrets)
///
/// [[sources.discom]]
/// dir = "/var/lib/joule-keeper/discom"        # a watched directory ...
/// state_file = "/var/lib/joule-keeper/discom.state.json"
///
/// [[sources.discom]]
/// url = "https://mdm.example.com/export.xml"  # ... or a URL
/// format = "espi"                             # optional: csv | espi | gateway
/// espi_meter = "AB-1234"                      # optional: a one-meter Green Button download
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SourcesConfig {
    /// The meter list (the TOML file `check-feed` reads): which serials
    /// this keeper serves, their Green Button usage points and the
    /// registers interval data starts from. Status, last reading and rated
    /// power come from the chain, not from this file.
    pub meters: Option<PathBuf>,
    pub gateway: Vec<GatewaySource>,
    pub discom: Vec<DiscomSource>,
    /// How far a gateway may be from the DISCOM feed before a
    /// `source_disagreement` warning, Wh.
    pub tolerance_wh: u64,
    /// How far after the chain clock a reading may be dated (at most 300).
    pub max_future_secs: i64,
    /// The offset of CSV times written without one (`+05:30`).
    pub csv_utc_offset: Option<String>,
    pub connect_timeout_ms: u64,
    /// From connecting to the last byte of a body.
    pub timeout_ms: u64,
    pub max_body_bytes: usize,
    /// Gateways fetched at once.
    pub concurrency: usize,
    /// Files in a watched directory younger than this are not read yet.
    pub min_file_age_secs: u64,
    /// Rounds a handed-over file waits for the chain to show its readings
    /// before it is marked processed anyway.
    pub confirm_rounds: u32,
}

impl Default for SourcesConfig {
    fn default() -> Self {
        let http = HttpConfig::default();
        let v = ValidationConfig::default();
        Self {
            meters: None,
            gateway: Vec::new(),
            discom: Vec::new(),
            tolerance_wh: v.tolerance_wh,
            max_future_secs: v.max_future_secs,
            csv_utc_offset: None,
            connect_timeout_ms: duration_ms(http.connect_timeout),
            timeout_ms: duration_ms(http.timeout),
            max_body_bytes: http.max_body_bytes,
            concurrency: http.concurrency,
            min_file_age_secs: 0,
            confirm_rounds: 20,
        }
    }
}

fn duration_ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// A meter gateway.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GatewaySource {
    pub url: String,
    /// Its name in metrics and `/healthz` (default: the URL, secrets
    /// removed).
    #[serde(default)]
    pub name: Option<String>,
    /// Headers sent as given (not for secrets).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// The `Authorization` value, from this environment variable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_header_env: Option<String>,
    /// ... or from this file (its first line).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_header_file: Option<PathBuf>,
}

impl GatewaySource {
    pub fn auth(&self) -> HttpAuth {
        HttpAuth {
            headers: self.headers.clone(),
            auth_header_env: self.auth_header_env.clone(),
            auth_header_file: self.auth_header_file.clone(),
        }
    }
}

/// Headers a source's HTTP requests carry (`headers`, `auth_header_env`,
/// `auth_header_file` of a gateway or a DISCOM URL). Credentials come from
/// the environment or a file (a systemd credential), never from the
/// configuration file itself, and are never logged.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HttpAuth {
    /// Headers sent as given (not for secrets: the effective configuration
    /// prints them, hiding only values whose names look secret).
    pub headers: BTreeMap<String, String>,
    /// The `Authorization` header's value (`Bearer ...`, `Basic ...`), read
    /// from this environment variable at start.
    pub auth_header_env: Option<String>,
    /// ... or from this file (its first line).
    pub auth_header_file: Option<PathBuf>,
}

impl HttpAuth {
    fn is_empty(&self) -> bool {
        self.headers.is_empty() && self.auth_header_env.is_none() && self.auth_header_file.is_none()
    }

    /// The headers, credentials read; `what` names the source in errors
    /// (which never contain a credential).
    pub fn resolve(&self, what: &str) -> Result<HeaderMap, SourcesError> {
        let bad = |m: String| SourcesError::Config(format!("{what}: {m}"));
        let mut map = HeaderMap::new();
        for (k, v) in &self.headers {
            let name = HeaderName::from_bytes(k.as_bytes())
                .map_err(|_| bad(format!("header name '{k}' is not valid")))?;
            let mut value = HeaderValue::from_str(v)
                .map_err(|_| bad(format!("header {k}: the value is not valid")))?;
            value.set_sensitive(true);
            map.insert(name, value);
        }
        let secret = match (&self.auth_header_env, &self.auth_header_file) {
            (Some(_), Some(_)) => {
                return Err(bad("auth_header_env or auth_header_file, not both".into()))
            }
            (Some(var), None) => Some(std::env::var(var).map_err(|_| {
                bad(format!(
                    "auth_header_env: the environment variable {var} is not set"
                ))
            })?),
            (None, Some(path)) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| bad(format!("auth_header_file {}: {e}", path.display())))?;
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    if std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o077 != 0) {
                        warn!(path = %path.display(), "credential file is readable by group or others; chmod 600 it");
                    }
                }
                Some(text.lines().next().unwrap_or_default().to_string())
            }
            (None, None) => None,
        };
        if let Some(secret) = secret {
            let secret = secret.trim();
            if secret.is_empty() {
                return Err(bad("the Authorization value is empty".into()));
            }
            let mut value = HeaderValue::from_str(secret)
                .map_err(|_| bad("the Authorization value is not a valid header value".into()))?;
            value.set_sensitive(true);
            map.insert(AUTHORIZATION, value);
        }
        Ok(map)
    }
}

/// A DISCOM feed: a watched directory or a URL.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DiscomSource {
    pub dir: Option<PathBuf>,
    pub url: Option<String>,
    /// Where a directory's processed files are recorded (default: a
    /// hidden file in the directory).
    pub state_file: Option<PathBuf>,
    /// `csv`, `espi` or `gateway` (default: by extension, content type,
    /// then content).
    pub format: Option<String>,
    /// The meter of a Green Button download with one usage point.
    pub espi_meter: Option<String>,
    /// Its name in metrics and `/healthz`.
    pub name: Option<String>,
    /// A URL's headers and credentials, as a gateway's.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_header_env: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_header_file: Option<PathBuf>,
}

impl DiscomSource {
    pub fn auth(&self) -> HttpAuth {
        HttpAuth {
            headers: self.headers.clone(),
            auth_header_env: self.auth_header_env.clone(),
            auth_header_file: self.auth_header_file.clone(),
        }
    }
}

/// The default state file of a watched directory, inside it.
pub const DEFAULT_STATE_FILE: &str = ".joule-keeper-processed.json";

/// Why the sources cannot be set up.
#[derive(Debug, thiserror::Error)]
pub enum SourcesError {
    #[error("[sources]: {0}")]
    Config(String),
    #[error("{path}: {message}")]
    MeterList { path: PathBuf, message: String },
    #[error(transparent)]
    Source(#[from] SourceError),
}

impl SourcesConfig {
    /// Reads the `[sources]` table of the keeper's configuration.
    pub fn from_table(table: &toml::Table) -> Result<Self, SourcesError> {
        toml::Value::Table(table.clone())
            .try_into()
            .map_err(|e: toml::de::Error| SourcesError::Config(e.message().to_string()))
    }

    fn validation(&self) -> Result<ValidationConfig, SourcesError> {
        if !(0..=reg::MAX_CLOCK_DRIFT_SECS).contains(&self.max_future_secs) {
            return Err(SourcesError::Config(format!(
                "max_future_secs must be 0 to {}",
                reg::MAX_CLOCK_DRIFT_SECS
            )));
        }
        Ok(ValidationConfig {
            tolerance_wh: self.tolerance_wh,
            max_future_secs: self.max_future_secs,
            ..ValidationConfig::default()
        })
    }

    fn http(&self) -> Result<HttpConfig, SourcesError> {
        if self.connect_timeout_ms == 0 || self.timeout_ms == 0 || self.max_body_bytes == 0 {
            return Err(SourcesError::Config(
                "connect_timeout_ms, timeout_ms and max_body_bytes must be above zero".into(),
            ));
        }
        Ok(HttpConfig {
            connect_timeout: Duration::from_millis(self.connect_timeout_ms),
            timeout: Duration::from_millis(self.timeout_ms),
            max_body_bytes: self.max_body_bytes,
            concurrency: self.concurrency.max(1),
        })
    }
}

fn format_named(name: &str) -> Result<FeedFormat, SourcesError> {
    match name.trim().to_ascii_lowercase().as_str() {
        "csv" => Ok(FeedFormat::Csv),
        "espi" | "xml" | "greenbutton" => Ok(FeedFormat::Espi),
        "gateway" | "json" | "gateway_json" => Ok(FeedFormat::GatewayJson),
        other => Err(SourcesError::Config(format!(
            "format '{other}': expected csv, espi or gateway"
        ))),
    }
}

/// A meter of the list, in this keeper's shard.
#[derive(Clone, Debug)]
struct Listed {
    serial: Arc<str>,
    address: Pubkey,
    start_registers_wh: (u64, u64),
}

/// A reading handed over that the chain may not show yet.
#[derive(Clone, Copy, Debug)]
struct Handed {
    ts: i64,
    export_wh: u64,
    import_wh: u64,
    activated_at: i64,
    round: u64,
}

struct WatchedDir {
    name: String,
    source: Arc<Mutex<DirSource>>,
    opts: FeedOptions,
    espi_meter: Option<String>,
}

struct WatchedUrl {
    name: String,
    feed: HttpFeed,
    opts: FeedOptions,
    espi_meter: Option<String>,
}

/// Reads and checks the meter list at `path`.
fn read_list(path: &Path) -> Result<MeterList, SourcesError> {
    let text = std::fs::read_to_string(path).map_err(|e| SourcesError::MeterList {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    MeterList::parse(&text).map_err(|message| SourcesError::MeterList {
        path: path.to_path_buf(),
        message,
    })
}

/// What tells a changed file: its modification time and length.
fn stamp(path: &Path) -> Option<(std::time::SystemTime, u64)> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.modified().ok()?, m.len()))
}

/// The list's meters in `shard` (by serial), the serials in other shards,
/// and the usage points.
fn split_list(list: &MeterList, shard: Shard) -> (Vec<Listed>, HashSet<String>, UsagePointMap) {
    let mut listed = Vec::new();
    let mut outside = HashSet::new();
    for e in list.book.iter() {
        if shard.contains_serial(&e.serial) {
            listed.push(Listed {
                serial: Arc::clone(&e.serial),
                address: e.address,
                start_registers_wh: e.start_registers_wh,
            });
        } else {
            outside.insert(e.serial.to_string());
        }
    }
    listed.sort_by(|a, b| a.serial.cmp(&b.serial));
    (listed, outside, list.book.usage_points().clone())
}

fn feed_options(
    usage_points: &UsagePointMap,
    espi_meter: Option<&str>,
    utc_offset_secs: Option<i32>,
) -> FeedOptions {
    let mut up = usage_points.clone();
    up.set_feed_meter(espi_meter);
    FeedOptions {
        csv: CsvOptions { utc_offset_secs },
        usage_points: up,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FileFrom {
    Dir(usize),
    Url(usize),
}

/// A file handed over, waiting for the chain to show its readings.
struct InFlight {
    from: FileFrom,
    file: FeedFile,
    /// The latest reading of each meter the file produced.
    expect: HashMap<Pubkey, i64>,
    /// Rounds (with the chain read) it has waited.
    waited: u32,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The sources layer as the readings duty's feed; see the module docs.
pub struct SourcesFeed {
    chain: MeteredChain,
    telemetry: Telemetry,
    validation: ValidationConfig,
    listed: Vec<Listed>,
    /// Serials of the list in other shards (their readings are counted
    /// as outside the shard, not as unknown).
    outside: HashSet<String>,
    usage_points: UsagePointMap,
    fetcher: HttpFetcher,
    gateways: Vec<(String, Endpoint)>,
    dirs: Vec<WatchedDir>,
    urls: Vec<WatchedUrl>,
    handed: HashMap<Pubkey, Handed>,
    in_flight: Vec<InFlight>,
    round: u64,
    confirm_rounds: u32,
    shard: Shard,
    utc_offset_secs: Option<i32>,
    /// The meter list's file and its stamp when last read.
    list_path: Option<PathBuf>,
    list_stamp: Option<(std::time::SystemTime, u64)>,
}

impl std::fmt::Debug for SourcesFeed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SourcesFeed")
            .field("meters", &self.listed.len())
            .field("gateways", &self.gateways.len())
            .field("dirs", &self.dirs.len())
            .field("urls", &self.urls.len())
            .finish_non_exhaustive()
    }
}

impl SourcesFeed {
    /// Sets up every configured source (reads the meter list and each
    /// directory's state file) for the meters of `shard`, reading the
    /// meters over `chain`.
    pub fn new(
        config: &SourcesConfig,
        shard: Shard,
        chain: Arc<dyn Chain>,
        telemetry: Telemetry,
    ) -> Result<Self, SourcesError> {
        let validation = config.validation()?;
        let fetcher = HttpFetcher::new(config.http()?)?;
        let utc_offset_secs = config
            .csv_utc_offset
            .as_deref()
            .map(parse_utc_offset)
            .transpose()
            .map_err(|e| SourcesError::Config(format!("csv_utc_offset: {e}")))?;
        // Stamped before it is read: a change in between is read next round.
        let list_stamp = config.meters.as_deref().and_then(stamp);
        let list = match &config.meters {
            Some(path) => read_list(path)?,
            None => MeterList {
                now: None,
                book: MeterBook::new(),
            },
        };
        let (listed, outside, usage_points) = split_list(&list, shard);
        let options = |d: &DiscomSource| {
            feed_options(&usage_points, d.espi_meter.as_deref(), utc_offset_secs)
        };
        let mut gateways = Vec::new();
        for g in &config.gateway {
            let name = g.name.clone().unwrap_or_else(|| redact_url(&g.url));
            let headers = g.auth().resolve(&format!("gateway {name}"))?;
            gateways.push((name, Endpoint::new(g.url.clone()).with_headers(headers)));
        }
        let mut dirs = Vec::new();
        let mut urls = Vec::new();
        for d in &config.discom {
            let format = d.format.as_deref().map(format_named).transpose()?;
            match (&d.dir, &d.url) {
                (Some(dir), None) => {
                    if format.is_some() {
                        return Err(SourcesError::Config(format!(
                            "discom dir {}: a directory's files are read by their extension (no format)",
                            dir.display()
                        )));
                    }
                    if !d.auth().is_empty() {
                        return Err(SourcesError::Config(format!(
                            "discom dir {}: headers and credentials are for URLs",
                            dir.display()
                        )));
                    }
                    let state = d
                        .state_file
                        .clone()
                        .unwrap_or_else(|| dir.join(DEFAULT_STATE_FILE));
                    let source = DirSource::open(dir, state)?
                        .with_min_age(Duration::from_secs(config.min_file_age_secs));
                    dirs.push(WatchedDir {
                        name: d.name.clone().unwrap_or_else(|| dir.display().to_string()),
                        source: Arc::new(Mutex::new(source)),
                        opts: options(d),
                        espi_meter: d.espi_meter.clone(),
                    });
                }
                (None, Some(url)) => {
                    if d.state_file.is_some() {
                        return Err(SourcesError::Config(format!(
                            "discom url {}: state_file is for directories",
                            redact_url(url)
                        )));
                    }
                    let name = d.name.clone().unwrap_or_else(|| redact_url(url));
                    let headers = d.auth().resolve(&format!("discom {name}"))?;
                    urls.push(WatchedUrl {
                        name,
                        feed: HttpFeed::new(url, format).with_headers(headers),
                        opts: options(d),
                        espi_meter: d.espi_meter.clone(),
                    });
                }
                _ => {
                    return Err(SourcesError::Config(
                        "each [[sources.discom]] needs exactly one of dir or url".into(),
                    ))
                }
            }
        }
        Ok(Self {
            chain: MeteredChain::new(chain, telemetry.clone(), 0),
            telemetry,
            validation,
            listed,
            outside,
            usage_points,
            fetcher,
            gateways,
            dirs,
            urls,
            handed: HashMap::new(),
            in_flight: Vec::new(),
            round: 0,
            confirm_rounds: config.confirm_rounds.max(1),
            shard,
            utc_offset_secs,
            list_path: config.meters.clone(),
            list_stamp,
        })
    }

    /// Reads the meter list again if its file changed since it was last
    /// read (so an operator adds or removes meters without a restart). A
    /// list that cannot be used is logged and counted
    /// (`source_errors{source="meter-list"}`) once per change, and the
    /// previous one stays in use.
    fn reload_list(&mut self) {
        let Some(path) = self.list_path.clone() else {
            return;
        };
        let now = stamp(&path);
        if now == self.list_stamp {
            return;
        }
        self.list_stamp = now;
        match read_list(&path) {
            Ok(list) => {
                let (listed, outside, usage_points) = split_list(&list, self.shard);
                info!(
                    path = %path.display(),
                    meters = listed.len(),
                    before = self.listed.len(),
                    "meter list reloaded"
                );
                self.listed = listed;
                self.outside = outside;
                self.usage_points = usage_points;
                let keep: HashSet<Pubkey> = self.listed.iter().map(|l| l.address).collect();
                self.handed.retain(|k, _| keep.contains(k));
                for d in &mut self.dirs {
                    d.opts = feed_options(
                        &self.usage_points,
                        d.espi_meter.as_deref(),
                        self.utc_offset_secs,
                    );
                }
                for u in &mut self.urls {
                    u.opts = feed_options(
                        &self.usage_points,
                        u.espi_meter.as_deref(),
                        self.utc_offset_secs,
                    );
                }
            }
            Err(e) => {
                warn!(error = %e, meters = self.listed.len(), "the meter list changed but cannot be used; the previous one stays in use");
                self.telemetry
                    .metrics()
                    .source_errors
                    .get_or_create(&crate::daemon::telemetry::SourceLabels {
                        source: "meter-list".into(),
                    })
                    .inc();
            }
        }
    }

    /// Meters of the list in this keeper's shard.
    pub fn meters(&self) -> usize {
        self.listed.len()
    }

    /// Files handed over whose readings the chain does not show yet.
    pub fn files_in_flight(&self) -> usize {
        self.in_flight.len()
    }

    /// The chain's view of this keeper's meters and its clock. The clock
    /// sysvar is read with the first meters (`get_multiple_accounts`), so
    /// that an unreachable node is reported as such.
    async fn read_chain(&self) -> Result<(HashMap<Pubkey, MeterView>, i64), ChainError> {
        let keys: Vec<Pubkey> = std::iter::once(CLOCK_SYSVAR)
            .chain(self.listed.iter().map(|l| l.address))
            .collect();
        let mut views = HashMap::with_capacity(keys.len());
        let mut now = None;
        for chunk in keys.chunks(ACCOUNTS_PER_READ) {
            let accounts = self.chain.get_multiple_accounts(chunk).await?;
            if accounts.len() != chunk.len() {
                return Err(ChainError::Permanent(format!(
                    "{} accounts asked, {} returned",
                    chunk.len(),
                    accounts.len()
                )));
            }
            for (key, account) in chunk.iter().zip(accounts) {
                if *key == CLOCK_SYSVAR {
                    now = account.and_then(|a| clock_unix_timestamp(&a.data));
                    continue;
                }
                let view = account
                    .filter(|a| a.owner == reg::ID)
                    .and_then(|a| reg::decode_meter(&a.data))
                    .and_then(|m| MeterView::from_meter(&m));
                if let Some(v) = view {
                    views.insert(*key, v);
                }
            }
        }
        let now = now.ok_or_else(|| ChainError::Permanent("no readable Clock sysvar".into()))?;
        Ok((views, now))
    }

    /// The book for this round: the chain's views, advanced past what was
    /// handed over and not applied yet.
    fn book(&mut self, views: &HashMap<Pubkey, MeterView>) -> MeterBook {
        let mut book = MeterBook::new();
        *book.usage_points_mut() = self.usage_points.clone();
        let round = self.round;
        let hold = u64::from(self.confirm_rounds);
        for l in &self.listed {
            // A meter not registered on chain is not in the book: its
            // readings are `unknown_serial`.
            let Some(chain_view) = views.get(&l.address) else {
                self.handed.remove(&l.address);
                continue;
            };
            let mut view = *chain_view;
            if let Some(h) = self.handed.get(&l.address).copied() {
                let fresh = round.saturating_sub(h.round) <= hold;
                if h.ts > view.last_reading_ts && h.activated_at == view.activated_at && fresh {
                    view.last_reading_ts = h.ts;
                    view.export_register_wh = h.export_wh;
                    view.import_register_wh = h.import_wh;
                } else {
                    self.handed.remove(&l.address);
                }
            }
            book.insert_entry(MeterEntry {
                serial: Arc::clone(&l.serial),
                address: l.address,
                view,
                start_registers_wh: l.start_registers_wh,
            });
        }
        book
    }

    /// Marks processed the files whose readings the chain shows (or that
    /// waited long enough).
    async fn settle_files(&mut self, views: &HashMap<Pubkey, MeterView>) {
        let confirm = self.confirm_rounds;
        let mut done = Vec::new();
        let mut keep = Vec::new();
        for mut f in std::mem::take(&mut self.in_flight) {
            let landed = f.expect.iter().all(|(meter, ts)| {
                views
                    .get(meter)
                    .is_some_and(|v| v.last_reading_ts >= *ts || v.activated_at >= *ts)
            });
            f.waited = f.waited.saturating_add(1);
            if landed {
                done.push(f);
            } else if f.waited > confirm {
                warn!(
                    file = %f.file.name,
                    rounds = confirm,
                    "the chain does not show every reading of this file; marking it processed anyway"
                );
                done.push(f);
            } else {
                keep.push(f);
            }
        }
        self.in_flight = keep;
        for f in done {
            match f.from {
                FileFrom::Dir(i) => {
                    let Some(d) = self.dirs.get(i) else { continue };
                    let source = Arc::clone(&d.source);
                    let name = d.name.clone();
                    let file = f.file;
                    let marked = tokio::task::spawn_blocking(move || {
                        lock(&source).mark_processed(&file).map(|()| file.name)
                    })
                    .await;
                    match marked {
                        Ok(Ok(file)) => debug!(dir = %name, %file, "file processed"),
                        Ok(Err(e)) => self.telemetry.source_failed(&name, &e),
                        Err(e) => self.telemetry.source_failed(&name, &e),
                    }
                }
                FileFrom::Url(i) => {
                    if let Some(u) = self.urls.get_mut(i) {
                        u.feed.mark_processed(&f.file);
                    }
                }
            }
        }
    }

    fn is_in_flight(&self, from: FileFrom, file: &FeedFile) -> bool {
        self.in_flight
            .iter()
            .any(|f| f.from == from && f.file.name == file.name && f.file.sha256 == file.sha256)
    }

    /// Polls every source into `inputs`; the files read.
    async fn poll(&mut self, inputs: &mut Inputs) -> Vec<(FileFrom, FeedFile)> {
        let endpoints: Vec<Endpoint> = self.gateways.iter().map(|(_, e)| e.clone()).collect();
        let fetcher = self.fetcher.clone();
        let gateways = async move { fetcher.gateways(&endpoints).await };
        let fetcher = self.fetcher.clone();
        let feeds: Vec<HttpFeed> = self.urls.iter().map(|u| u.feed.clone()).collect();
        let documents =
            async move { futures::future::join_all(feeds.iter().map(|f| f.poll(&fetcher))).await };
        let scans = self.dirs.iter().map(|d| {
            let source = Arc::clone(&d.source);
            let opts = d.opts.clone();
            async move {
                tokio::task::spawn_blocking(move || {
                    let files = lock(&source).scan()?;
                    let mut parsed = Vec::with_capacity(files.len());
                    for f in files {
                        let mut inputs = Inputs::new();
                        // A malformed file is a rejection in `inputs`.
                        let _ = f.parse_into(&opts, &mut inputs);
                        parsed.push((f, inputs));
                    }
                    Ok::<_, SourceError>(parsed)
                })
                .await
            }
        });
        let scans = futures::future::join_all(scans);
        let (polls, documents, scans) = tokio::join!(gateways, documents, scans);

        let mut files = Vec::new();
        for ((name, _), poll) in self.gateways.iter().zip(polls) {
            match poll.result {
                Ok(parsed) => {
                    self.telemetry.source_ok(name);
                    inputs.add_gateway(parsed);
                }
                Err(e) => {
                    warn!(source = %name, kind = e.kind(), error = %e, "gateway not read");
                    self.telemetry.source_failed(name, &e);
                }
            }
        }
        for (i, (u, doc)) in self.urls.iter().zip(documents).enumerate() {
            match doc {
                Ok(Some(file)) => {
                    self.telemetry.source_ok(&u.name);
                    let from = FileFrom::Url(i);
                    if !self.is_in_flight(from, &file) {
                        let _ = file.parse_into(&u.opts, inputs);
                        files.push((from, file));
                    }
                }
                Ok(None) => self.telemetry.source_ok(&u.name),
                Err(e) => {
                    warn!(source = %u.name, kind = e.kind(), error = %e, "DISCOM URL not read");
                    self.telemetry.source_failed(&u.name, &e);
                }
            }
        }
        for (i, (d, scan)) in self.dirs.iter().zip(scans).enumerate() {
            let scanned = match scan {
                Ok(Ok(parsed)) => parsed,
                Ok(Err(e)) => {
                    warn!(source = %d.name, error = %e, "directory not read");
                    self.telemetry.source_failed(&d.name, &e);
                    continue;
                }
                Err(e) => {
                    self.telemetry.source_failed(&d.name, &e);
                    continue;
                }
            };
            self.telemetry.source_ok(&d.name);
            let from = FileFrom::Dir(i);
            for (file, parsed) in scanned {
                if !self.is_in_flight(from, &file) {
                    info!(dir = %d.name, file = %file.name, format = file.format.name(), "reading a DISCOM file");
                    inputs.extend(parsed);
                    files.push((from, file));
                }
            }
        }
        files
    }

    /// Reports an outcome to the telemetry and the logs; readings of
    /// meters in other shards are counted as such, not as unknown.
    fn report(&self, outcome: &mut Outcome) {
        let outside = &self.outside;
        let before = outcome.rejections.len();
        outcome.rejections.retain(|r| {
            !(r.reason == RejectReason::UnknownSerial
                && r.serial.as_deref().is_some_and(|s| outside.contains(s)))
        });
        let dropped = before.saturating_sub(outcome.rejections.len());
        if dropped > 0 {
            self.telemetry
                .metrics()
                .readings_outside_shard
                .inc_by(u64::try_from(dropped).unwrap_or(u64::MAX));
        }
        let tally = outcome.tally();
        for reason in RejectReason::ALL {
            let n = tally.rejected(reason);
            if n > 0 {
                self.telemetry.reject(reason.name(), n);
            }
        }
        for w in &outcome.warnings {
            self.telemetry.warn(w.kind.name());
        }
        outcome.log();
    }
}

#[async_trait(?Send)]
impl ReadingsFeed for SourcesFeed {
    async fn next_batch(&mut self) -> Result<Vec<FeedReading>, FeedError> {
        self.round = self.round.saturating_add(1);
        self.reload_list();
        let (views, now) = self.read_chain().await.map_err(|e| FeedError {
            source_name: "chain".into(),
            message: format!("cannot read the meters: {e}"),
        })?;
        self.settle_files(&views).await;
        let book = self.book(&views);
        let mut inputs = Inputs::new();
        let files = self.poll(&mut inputs).await;
        let mut outcome = Validator::new(&book, self.validation, now).run(inputs);
        self.report(&mut outcome);

        let round = self.round;
        for a in &outcome.accepted {
            let activated_at = book.get(&a.serial).map_or(0, |e| e.view.activated_at);
            let newer = self
                .handed
                .get(&a.meter)
                .is_none_or(|h| a.reading.timestamp > h.ts);
            if newer {
                self.handed.insert(
                    a.meter,
                    Handed {
                        ts: a.reading.timestamp,
                        export_wh: a.reading.export_register_wh,
                        import_wh: a.reading.import_register_wh,
                        activated_at,
                        round,
                    },
                );
            }
        }
        for (from, file) in files {
            let mut expect: HashMap<Pubkey, i64> = HashMap::new();
            for a in outcome
                .accepted
                .iter()
                .filter(|a| a.origin.source == file.name)
            {
                let ts = expect.entry(a.meter).or_insert(a.reading.timestamp);
                *ts = (*ts).max(a.reading.timestamp);
            }
            self.in_flight.push(InFlight {
                from,
                file,
                expect,
                waited: 0,
            });
        }
        let packed = outcome.packed();
        if !packed.is_empty() || !outcome.rejections.is_empty() {
            info!(
                accepted = packed.len(),
                rejected = outcome.rejections.len(),
                warnings = outcome.warnings.len(),
                "sources read"
            );
        }
        Ok(packed)
    }
}

/// The default state file of `dir`.
pub fn default_state_file(dir: &Path) -> PathBuf {
    dir.join(DEFAULT_STATE_FILE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::daemon::KeeperConfig;

    #[test]
    fn the_example_configuration_has_a_valid_sources_section() {
        let text = include_str!("../../keeper.example.toml");
        let config = KeeperConfig::from_toml(text).expect("example parses");
        let s = SourcesConfig::from_table(&config.sources).expect("sources");
        assert_eq!(s.gateway.len(), 1);
        assert_eq!(s.discom.len(), 1);
        assert!(s.discom[0].dir.is_some());
        assert_eq!(
            SourcesConfig::from_table(&toml::Table::new()).expect("empty"),
            SourcesConfig::default()
        );
    }

    #[test]
    fn credentials_come_from_the_environment_or_a_file_and_never_show() {
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("gw12");
        std::fs::write(&file, "Bearer from-a-file\n").expect("write");
        std::env::set_var("JOULE_TEST_GW_AUTH_7731", "Bearer from-the-env");
        let env = HttpAuth {
            auth_header_env: Some("JOULE_TEST_GW_AUTH_7731".into()),
            headers: [("X-Feeder".to_string(), "12".to_string())].into(),
            ..HttpAuth::default()
        };
        let h = env.resolve("gateway g").expect("resolved");
        assert_eq!(h[AUTHORIZATION], "Bearer from-the-env");
        assert!(h[AUTHORIZATION].is_sensitive());
        assert_eq!(h["x-feeder"], "12");
        assert!(!format!("{h:?}").contains("from-the-env"));
        let from_file = HttpAuth {
            auth_header_file: Some(file.clone()),
            ..HttpAuth::default()
        };
        assert_eq!(
            from_file.resolve("gateway g").expect("resolved")[AUTHORIZATION],
            "Bearer from-a-file"
        );
        // An empty credential is refused; an error names the variable, not
        // a value.
        std::fs::write(&file, "\n").expect("write");
        assert!(from_file.resolve("g").is_err());
        let missing = HttpAuth {
            auth_header_env: Some("JOULE_TEST_NEVER_SET_4411".into()),
            ..HttpAuth::default()
        };
        let e = missing
            .resolve("gateway g")
            .expect_err("missing")
            .to_string();
        assert!(e.contains("JOULE_TEST_NEVER_SET_4411"), "{e}");
    }

    #[test]
    fn bad_sources_are_refused() {
        for bad in [
            "gateways = []",
            "[[gateway]]\nname = \"no url\"",
            "[[discom]]\nformat = \"csv\"",
            "max_future_secs = 301",
            "timeout_ms = 0",
            "csv_utc_offset = \"noon\"",
            "[[discom]]\nurl = \"http://x/a\"\nformat = \"pdf\"",
            "[[discom]]\nurl = \"http://x/a\"\ndir = \"d\"",
            "[[gateway]]\nurl = \"http://x/a\"\nauth_header_env = \"JOULE_TEST_NEVER_SET_4411\"",
            "[[gateway]]\nurl = \"http://x/a\"\nauth_header_file = \"/nonexistent/credential\"",
            "[[gateway]]\nurl = \"http://x/a\"\nauth_header_env = \"PATH\"\nauth_header_file = \"/etc/hostname\"",
            "[[gateway]]\nurl = \"http://x/a\"\nheaders = { \"bad name\" = \"v\" }",
            "[[gateway]]\nurl = \"http://x/a\"\nauth_token = \"typo\"",
            "[[discom]]\ndir = \"/tmp\"\nauth_header_env = \"PATH\"",
        ] {
            let table: toml::Table = toml::from_str(bad).expect("toml");
            let setup = SourcesConfig::from_table(&table).and_then(|c| {
                let chain: Arc<dyn Chain> = Arc::new(joule_client::RpcChain::new(
                    "http://127.0.0.1:1",
                    joule_client::Commitment::Confirmed,
                ));
                let t = Telemetry::new(crate::daemon::HealthLimits::default());
                SourcesFeed::new(&c, Shard::ALL, chain, t).map(|_| ())
            });
            assert!(setup.is_err(), "{bad}");
        }
    }
}
