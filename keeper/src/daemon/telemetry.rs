//! Metrics (Prometheus, served at `/metrics`) and health (served at
//! `/healthz`), shared by the daemon's duties and the sources layer.
//!
//! Every metric is named `joule_keeper_*`. The sources layer holds a clone
//! of the [`Telemetry`] and reports through [`Telemetry::reject`],
//! [`Telemetry::warn`], [`Telemetry::source_ok`] and
//! [`Telemetry::source_failed`].

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Display;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;
use tokio::time::Instant;

/// A `reason` label (rejections, warnings, failed transactions).
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ReasonLabels {
    pub reason: String,
}

/// A `source` label.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct SourceLabels {
    pub source: String,
}

/// A `method` label (a chain call).
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct MethodLabels {
    pub method: &'static str,
}

/// A `duty` label.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct DutyLabels {
    pub duty: &'static str,
}

fn latency_histogram() -> Histogram {
    // 1 ms .. ~33 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 16))
}

/// Every metric the keeper exports. Counters are monotonic; the handles
/// are cheap to clone and safe to use from any thread.
#[derive(Clone, Debug)]
pub struct Metrics {
    /// Readings the feed handed to the readings duty.
    pub readings_received: Counter,
    /// Readings the registry applied (a baseline or credited), from the
    /// program's answer (after a call refused part-way, those found to be
    /// the meter's last reading on chain).
    pub readings_accepted: Counter,
    /// Readings not submitted, by reason (the sources layer's validation
    /// reasons, and the duty's own: `meter_not_registered`,
    /// `meter_not_active`, `timestamp_in_future`, `register_decreased`,
    /// `above_rated_power`, `backlog_full`, ...).
    pub readings_rejected: Family<ReasonLabels, Counter>,
    /// Readings not newer than the meter's last reading on chain: dropped
    /// before signing, or skipped by the registry.
    pub readings_skipped_stale: Counter,
    /// Readings of meters outside this keeper's shard.
    pub readings_outside_shard: Counter,
    /// Readings held for the next interval (not yet landed).
    pub readings_pending: Gauge,
    /// Warnings from the sources layer (e.g. gateway and DISCOM values
    /// disagreeing beyond the tolerance), by kind.
    pub source_warnings: Family<ReasonLabels, Counter>,
    /// Failed reads of a source.
    pub source_errors: Family<SourceLabels, Counter>,
    /// Distinct signed transactions handed to the chain.
    pub transactions_sent: Counter,
    /// Transactions that landed without error.
    pub transactions_confirmed: Counter,
    /// Transactions refused at sending or landed with an error, by reason
    /// (`rejected`, `on_chain`).
    pub transactions_failed: Family<ReasonLabels, Counter>,
    /// Re-sends of a transaction already sent (the same signed bytes).
    pub transactions_retried: Counter,
    /// Writes that did not land (flow errors), by duty.
    pub writes_failed: Family<DutyLabels, Counter>,
    pub epochs_opened: Counter,
    pub epochs_cleared: Counter,
    pub epochs_settled: Counter,
    pub epochs_closed: Counter,
    /// Orders of cleared epochs still to settle, as last seen.
    pub settlement_backlog_orders: Gauge,
    /// Orders settled by this keeper.
    pub orders_settled: Counter,
    /// `mint_energy` transactions this keeper landed, and the Wh minted.
    pub mints: Counter,
    pub minted_wh: Counter,
    /// Latency of chain calls, seconds, by method.
    pub rpc_latency_seconds: Family<MethodLabels, Histogram, fn() -> Histogram>,
    /// Chain calls that returned an error, by method.
    pub rpc_errors: Family<MethodLabels, Counter>,
    /// Fees of the transactions this keeper landed (base fee per
    /// signature plus the priority fee), lamports.
    pub fees_paid_lamports: Counter,
    /// Duty runs and failed duty runs (the loop goes on), by duty.
    pub duty_runs: Family<DutyLabels, Counter>,
    pub duty_errors: Family<DutyLabels, Counter>,
    /// Address lookup tables the readings duty uses.
    pub lookup_tables: Gauge,
    /// 1 while `/healthz` reports healthy.
    pub healthy: Gauge,
}

impl Metrics {
    fn new(registry: &mut Registry) -> Metrics {
        let m = Metrics {
            readings_received: Counter::default(),
            readings_accepted: Counter::default(),
            readings_rejected: Family::default(),
            readings_skipped_stale: Counter::default(),
            readings_outside_shard: Counter::default(),
            readings_pending: Gauge::default(),
            source_warnings: Family::default(),
            source_errors: Family::default(),
            transactions_sent: Counter::default(),
            transactions_confirmed: Counter::default(),
            transactions_failed: Family::default(),
            transactions_retried: Counter::default(),
            writes_failed: Family::default(),
            epochs_opened: Counter::default(),
            epochs_cleared: Counter::default(),
            epochs_settled: Counter::default(),
            epochs_closed: Counter::default(),
            settlement_backlog_orders: Gauge::default(),
            orders_settled: Counter::default(),
            mints: Counter::default(),
            minted_wh: Counter::default(),
            rpc_latency_seconds: Family::new_with_constructor(latency_histogram),
            rpc_errors: Family::default(),
            fees_paid_lamports: Counter::default(),
            duty_runs: Family::default(),
            duty_errors: Family::default(),
            lookup_tables: Gauge::default(),
            healthy: Gauge::default(),
        };
        let r = registry;
        r.register(
            "readings_received",
            "Readings the feed handed to the readings duty",
            m.readings_received.clone(),
        );
        r.register(
            "readings_accepted",
            "Readings the registry applied",
            m.readings_accepted.clone(),
        );
        r.register(
            "readings_rejected",
            "Readings not submitted, by reason",
            m.readings_rejected.clone(),
        );
        r.register(
            "readings_skipped_stale",
            "Readings not newer than the meter's last reading on chain",
            m.readings_skipped_stale.clone(),
        );
        r.register(
            "readings_outside_shard",
            "Readings of meters outside this keeper's shard",
            m.readings_outside_shard.clone(),
        );
        r.register(
            "readings_pending",
            "Readings held for the next interval",
            m.readings_pending.clone(),
        );
        r.register(
            "source_warnings",
            "Warnings from the sources, by kind",
            m.source_warnings.clone(),
        );
        r.register(
            "source_errors",
            "Failed reads of a source",
            m.source_errors.clone(),
        );
        r.register(
            "transactions_sent",
            "Distinct signed transactions handed to the chain",
            m.transactions_sent.clone(),
        );
        r.register(
            "transactions_confirmed",
            "Transactions that landed without error",
            m.transactions_confirmed.clone(),
        );
        r.register(
            "transactions_failed",
            "Transactions refused or landed with an error, by reason",
            m.transactions_failed.clone(),
        );
        r.register(
            "transactions_retried",
            "Re-sends of the same signed transaction",
            m.transactions_retried.clone(),
        );
        r.register(
            "writes_failed",
            "Writes that did not land, by duty",
            m.writes_failed.clone(),
        );
        r.register(
            "epochs_opened",
            "Epochs this keeper opened",
            m.epochs_opened.clone(),
        );
        r.register(
            "epochs_cleared",
            "Epochs this keeper cleared",
            m.epochs_cleared.clone(),
        );
        r.register(
            "epochs_settled",
            "Epochs whose settlement this keeper completed",
            m.epochs_settled.clone(),
        );
        r.register(
            "epochs_closed",
            "Epochs this keeper closed",
            m.epochs_closed.clone(),
        );
        r.register(
            "settlement_backlog_orders",
            "Orders of cleared epochs still to settle",
            m.settlement_backlog_orders.clone(),
        );
        r.register(
            "orders_settled",
            "Orders this keeper settled",
            m.orders_settled.clone(),
        );
        r.register(
            "mints",
            "mint_energy transactions this keeper landed",
            m.mints.clone(),
        );
        r.register(
            "minted_wh",
            "Energy minted by this keeper, Wh",
            m.minted_wh.clone(),
        );
        r.register(
            "rpc_latency_seconds",
            "Latency of chain calls, by method",
            m.rpc_latency_seconds.clone(),
        );
        r.register(
            "rpc_errors",
            "Chain calls that returned an error, by method",
            m.rpc_errors.clone(),
        );
        r.register(
            "fees_paid_lamports",
            "Fees of the transactions this keeper landed, lamports",
            m.fees_paid_lamports.clone(),
        );
        r.register("duty_runs", "Duty runs, by duty", m.duty_runs.clone());
        r.register(
            "duty_errors",
            "Failed duty runs, by duty",
            m.duty_errors.clone(),
        );
        r.register(
            "lookup_tables",
            "Address lookup tables the readings duty uses",
            m.lookup_tables.clone(),
        );
        r.register(
            "healthy",
            "1 while /healthz reports healthy",
            m.healthy.clone(),
        );
        m
    }
}

/// How long the chain or a source may stay unreachable before `/healthz`
/// turns unhealthy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HealthLimits {
    pub chain_unreachable: Duration,
    pub source_unreachable: Duration,
}

impl Default for HealthLimits {
    fn default() -> Self {
        HealthLimits {
            chain_unreachable: Duration::from_secs(120),
            source_unreachable: Duration::from_secs(900),
        }
    }
}

#[derive(Clone, Debug, Default)]
struct Reach {
    /// The first failure since the last success.
    failing_since: Option<Instant>,
    last_error: Option<String>,
    last_ok: Option<Instant>,
}

impl Reach {
    fn ok(&mut self, now: Instant) {
        self.failing_since = None;
        self.last_ok = Some(now);
    }

    fn failed(&mut self, now: Instant, error: String) {
        self.failing_since.get_or_insert(now);
        self.last_error = Some(error);
    }

    fn report(&self, now: Instant, limit: Duration) -> ReachReport {
        let failing_for = self
            .failing_since
            .map(|since| now.saturating_duration_since(since));
        ReachReport {
            reachable: failing_for.is_none(),
            healthy: failing_for.is_none_or(|d| d <= limit),
            failing_for_secs: failing_for.map(|d| d.as_secs_f64()),
            last_error: self.failing_since.and(self.last_error.clone()),
            last_ok_secs_ago: self
                .last_ok
                .map(|t| now.saturating_duration_since(t).as_secs_f64()),
        }
    }
}

/// What `/healthz` answers (JSON).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HealthReport {
    pub healthy: bool,
    pub chain: ReachReport,
    pub sources: BTreeMap<String, ReachReport>,
}

/// The chain's or one source's reachability.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReachReport {
    /// The last call succeeded.
    pub reachable: bool,
    /// Not failing for longer than the limit.
    pub healthy: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failing_for_secs: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_ok_secs_ago: Option<f64>,
}

struct Inner {
    registry: Registry,
    metrics: Metrics,
    limits: HealthLimits,
    chain: Mutex<Reach>,
    sources: Mutex<BTreeMap<String, Reach>>,
    http_addr: OnceLock<SocketAddr>,
}

/// Metrics and health, shared by the daemon and the sources layer.
#[derive(Clone)]
pub struct Telemetry(Arc<Inner>);

impl std::fmt::Debug for Telemetry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Telemetry")
            .field("limits", &self.0.limits)
            .finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Every update is one small assignment: a poisoned lock is consistent.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Telemetry {
    pub fn new(limits: HealthLimits) -> Telemetry {
        let mut registry = Registry::with_prefix("joule_keeper");
        let metrics = Metrics::new(&mut registry);
        metrics.healthy.set(1);
        Telemetry(Arc::new(Inner {
            registry,
            metrics,
            limits,
            chain: Mutex::new(Reach::default()),
            sources: Mutex::new(BTreeMap::new()),
            http_addr: OnceLock::new(),
        }))
    }

    pub fn metrics(&self) -> &Metrics {
        &self.0.metrics
    }

    pub fn limits(&self) -> HealthLimits {
        self.0.limits
    }

    /// The metrics in the OpenMetrics text format.
    pub fn encode(&self) -> Result<String, std::fmt::Error> {
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.0.registry)?;
        Ok(out)
    }

    /// Counts `n` readings rejected for `reason` (a stable snake_case name).
    pub fn reject(&self, reason: &str, n: u64) {
        self.0
            .metrics
            .readings_rejected
            .get_or_create(&ReasonLabels {
                reason: reason.to_string(),
            })
            .inc_by(n);
    }

    /// Counts one warning of `kind`.
    pub fn warn(&self, kind: &str) {
        self.0
            .metrics
            .source_warnings
            .get_or_create(&ReasonLabels {
                reason: kind.to_string(),
            })
            .inc();
    }

    /// Records that `source` answered.
    pub fn source_ok(&self, source: &str) {
        let now = Instant::now();
        lock(&self.0.sources)
            .entry(source.to_string())
            .or_default()
            .ok(now);
    }

    /// Records that `source` could not be read (counted in
    /// `source_errors{source}`); `/healthz` turns unhealthy once it has
    /// failed for longer than the source limit without a
    /// [`source_ok`](Self::source_ok) since.
    pub fn source_failed(&self, source: &str, error: &dyn Display) {
        self.0
            .metrics
            .source_errors
            .get_or_create(&SourceLabels {
                source: source.to_string(),
            })
            .inc();
        self.source_unreachable(source, error);
    }

    /// Marks `source` unreachable without counting an error.
    pub(crate) fn source_unreachable(&self, source: &str, error: &dyn Display) {
        let now = Instant::now();
        lock(&self.0.sources)
            .entry(source.to_string())
            .or_default()
            .failed(now, error.to_string());
    }

    /// Records a chain call that reached the chain.
    pub fn chain_ok(&self) {
        lock(&self.0.chain).ok(Instant::now());
    }

    /// Records a chain call that could not reach the chain.
    pub fn chain_failed(&self, error: &dyn Display) {
        lock(&self.0.chain).failed(Instant::now(), error.to_string());
    }

    /// The health report: unhealthy once the chain or a source has been
    /// unreachable for longer than its limit.
    pub fn health(&self) -> HealthReport {
        let now = Instant::now();
        let chain = lock(&self.0.chain).report(now, self.0.limits.chain_unreachable);
        let sources: BTreeMap<String, ReachReport> = lock(&self.0.sources)
            .iter()
            .map(|(k, r)| (k.clone(), r.report(now, self.0.limits.source_unreachable)))
            .collect();
        let healthy = chain.healthy && sources.values().all(|s| s.healthy);
        self.0.metrics.healthy.set(i64::from(healthy));
        HealthReport {
            healthy,
            chain,
            sources,
        }
    }

    /// Where `/metrics` and `/healthz` are served, once bound.
    pub fn http_addr(&self) -> Option<SocketAddr> {
        self.0.http_addr.get().copied()
    }

    pub(crate) fn set_http_addr(&self, addr: SocketAddr) {
        let _ = self.0.http_addr.set(addr);
    }

    pub(crate) fn duty_ran(&self, duty: &'static str) {
        self.0
            .metrics
            .duty_runs
            .get_or_create(&DutyLabels { duty })
            .inc();
    }

    pub(crate) fn duty_failed(&self, duty: &'static str) {
        self.0
            .metrics
            .duty_errors
            .get_or_create(&DutyLabels { duty })
            .inc();
    }

    pub(crate) fn write_failed(&self, duty: &'static str) {
        self.0
            .metrics
            .writes_failed
            .get_or_create(&DutyLabels { duty })
            .inc();
    }

    pub(crate) fn tx_failed(&self, reason: &str) {
        self.0
            .metrics
            .transactions_failed
            .get_or_create(&ReasonLabels {
                reason: reason.to_string(),
            })
            .inc();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn unhealthy_only_after_failing_longer_than_the_limit() {
        let t = Telemetry::new(HealthLimits {
            chain_unreachable: Duration::from_secs(10),
            source_unreachable: Duration::from_secs(60),
        });
        assert!(t.health().healthy);
        t.chain_failed(&"connection refused");
        assert!(t.health().healthy);
        assert!(!t.health().chain.reachable);
        tokio::time::advance(Duration::from_secs(11)).await;
        let h = t.health();
        assert!(!h.healthy);
        assert_eq!(h.chain.last_error.as_deref(), Some("connection refused"));
        t.chain_ok();
        assert!(t.health().healthy);

        t.source_ok("gw");
        t.source_failed("gw", &"timeout");
        tokio::time::advance(Duration::from_secs(30)).await;
        t.source_failed("gw", &"timeout");
        assert!(t.health().healthy);
        tokio::time::advance(Duration::from_secs(31)).await;
        assert!(!t.health().healthy);
        assert_eq!(t.metrics().healthy.get(), 0);
    }

    #[test]
    fn metrics_encode_with_the_prefix_and_labels() {
        let t = Telemetry::new(HealthLimits::default());
        t.reject("unknown_serial", 2);
        t.warn("source_disagreement");
        t.metrics()
            .rpc_latency_seconds
            .get_or_create(&MethodLabels { method: "get_slot" })
            .observe(0.004);
        let text = t.encode().expect("encode");
        assert!(text.contains("joule_keeper_readings_rejected_total{reason=\"unknown_serial\"} 2"));
        assert!(
            text.contains("joule_keeper_source_warnings_total{reason=\"source_disagreement\"} 1")
        );
        assert!(text.contains("joule_keeper_rpc_latency_seconds_count{method=\"get_slot\"} 1"));
        assert!(text.contains("joule_keeper_settlement_backlog_orders 0"));
        assert!(text.ends_with("# EOF\n"));
    }
}
