//! The readings duty: takes validated readings from the [`ReadingsFeed`],
//! drops what the chain would skip or refuse (the chain is the cursor:
//! each meter's last reading on chain), and lands the rest through the
//! client's readings flows, in v0 transactions through lookup tables of
//! the meters that the duty creates and extends itself, or in legacy
//! transactions.
//!
//! Per interval:
//!
//! 1. The feed's new readings join those held from earlier intervals.
//! 2. The meters are read (100 per call) with the chain clock, and each
//!    meter's readings are judged in time order by the registry's own
//!    rules ([`Cursor::judge`]): stale ones (not newer than the last
//!    reading or the activation) are dropped and counted; readings of
//!    unknown or inactive meters, of a register going down, of a rise
//!    above the rated power are rejected with their reason (the registry
//!    would fail the whole batch for them); readings dated ahead of the
//!    chain clock by more than the registry allows wait for a later
//!    interval; readings of meters outside the shard are dropped.
//! 3. What passes is sent: per lookup table (v0) or per group of meters
//!    (legacy), a few groups at a time, each group in order, a flow call of
//!    `readings_per_call` readings at a time. Between calls the duty
//!    checks for shutdown.
//! 4. A call the program refuses because of one of its readings (a race
//!    with another keeper, a rule the judge could not see) is split in two
//!    and each half re-judged against the chain, down to the one reading
//!    that fails, which is rejected with the program's error as its
//!    reason. A call that fails otherwise (the chain unreachable, the
//!    oracle removed from the set, the registry paused) keeps its readings
//!    for the next interval.
//!
//! Nothing here retries a send: the client's sender lands each
//! transaction exactly once or gives up, and whatever happened, the next
//! interval starts again from the chain.

use super::config::{ReadingsConfig, ReadingsMode};
use super::feed::ReadingsFeed;
use super::shard::Shard;
use super::{Ctx, Duty, DutyError};
use async_trait::async_trait;
use futures::stream::{self, StreamExt};
use joule_client::flows::{self, registry as flow, FlowError, MAX_LOOKUP_TABLE_ADDRESSES};
use joule_client::{Account, AccountFilter, Chain, LookupTable, Signer};
use joule_sdk::registry::{self as reg, Meter, MeterStatus, Reading, MAX_CLOCK_DRIFT_SECS};
use joule_sdk::Pubkey;
use std::collections::{BTreeMap, HashMap, VecDeque};
use tracing::{debug, info, warn};

/// The address lookup table program.
pub const LOOKUP_TABLE_PROGRAM_ID: Pubkey =
    Pubkey::from_str_const("AddressLookupTab1e1111111111111111111111111");
/// Accounts per `getMultipleAccounts` (the RPC limit).
pub const ACCOUNTS_PER_READ: usize = 100;
/// Where a lookup table's authority (option tag, then key) starts.
const LOOKUP_TABLE_AUTHORITY_OFFSET: usize = 21;
/// Every lookup table whose authority is `authority`, as the chain has
/// them.
pub(crate) async fn tables_of(
    ctx: &Ctx,
    authority: &Pubkey,
) -> Result<Vec<LookupTable>, FlowError> {
    let mut prefix = vec![1u8];
    prefix.extend_from_slice(authority.as_ref());
    let filters = [AccountFilter::Memcmp {
        offset: LOOKUP_TABLE_AUTHORITY_OFFSET,
        bytes: prefix,
    }];
    let found = ctx
        .read(|| {
            ctx.chain
                .get_program_accounts(&LOOKUP_TABLE_PROGRAM_ID, &filters)
        })
        .await?;
    Ok(found
        .into_iter()
        .filter_map(|(key, account)| LookupTable::decode(key, &account.data))
        .collect())
}

/// Meters per lookup table the duty fills: 252 = 7 × 36, the readings a
/// v0 transaction holds, so a round of a full table's meters takes seven
/// full transactions (255 would take eight, the last of three readings).
pub const METERS_PER_TABLE: usize = 252;
/// A reading dated further ahead of the chain clock than the registry
/// allows waits for the clock this long at most, then is rejected.
pub const FUTURE_HOLD_SECS: i64 = 3_600;
const SECONDS_PER_HOUR: u128 = 3_600;
/// Addresses of a full table: the config and the meters.
const TABLE_ADDRESSES: usize = METERS_PER_TABLE.saturating_add(1);
const _: () = assert!(TABLE_ADDRESSES <= MAX_LOOKUP_TABLE_ADDRESSES);

/// What becomes of one reading.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Sent: the registry will apply it.
    Submit,
    /// Not newer than the meter's last reading or its activation.
    Stale,
    /// Dated ahead of the chain clock: kept for a later interval.
    Later,
    /// The registry would fail its batch: dropped, with this reason.
    Reject(&'static str),
}

/// A meter as far as its readings go: what the registry checks a reading
/// against, advanced by each reading judged applicable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub active: bool,
    pub last_reading_ts: i64,
    pub activated_at: i64,
    pub export_register_wh: u64,
    pub import_register_wh: u64,
    pub rated_power_w: u64,
}

impl Cursor {
    pub fn of(m: &Meter) -> Cursor {
        Cursor {
            active: m.status() == Some(MeterStatus::Active),
            last_reading_ts: m.last_reading_ts,
            activated_at: m.activated_at,
            export_register_wh: m.export_register_wh,
            import_register_wh: m.import_register_wh,
            rated_power_w: m.rated_power_w,
        }
    }

    /// The registry's `submit_readings` rules for one reading at chain
    /// time `now`; an applicable reading advances the cursor.
    pub fn judge(&mut self, r: &Reading, now: i64) -> Verdict {
        if !self.active {
            return Verdict::Reject("meter_not_active");
        }
        // A reading after the last activation was applied: this one
        // credits; otherwise it is the new baseline.
        let credit = self.last_reading_ts > self.activated_at;
        let floor = if credit {
            self.last_reading_ts
        } else {
            self.activated_at
        };
        if r.timestamp <= floor {
            return Verdict::Stale;
        }
        let latest = now.saturating_add(MAX_CLOCK_DRIFT_SECS);
        if r.timestamp > latest {
            return if r.timestamp > latest.saturating_add(FUTURE_HOLD_SECS) {
                Verdict::Reject("timestamp_in_future")
            } else {
                Verdict::Later
            };
        }
        if credit {
            let (Some(d_export), Some(d_import)) = (
                r.export_register_wh.checked_sub(self.export_register_wh),
                r.import_register_wh.checked_sub(self.import_register_wh),
            ) else {
                return Verdict::Reject("register_decreased");
            };
            let elapsed =
                u64::try_from(r.timestamp.saturating_sub(self.last_reading_ts)).unwrap_or(0);
            let energy = u128::from(d_export.max(d_import)).saturating_mul(SECONDS_PER_HOUR);
            let allowed = u128::from(self.rated_power_w).saturating_mul(u128::from(elapsed));
            if energy > allowed {
                return Verdict::Reject("above_rated_power");
            }
        }
        self.last_reading_ts = r.timestamp;
        self.export_register_wh = r.export_register_wh;
        self.import_register_wh = r.import_register_wh;
        Verdict::Submit
    }
}

/// What judging a set of readings against the chain decided.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// To send, ordered by time, then meter.
    pub submit: Vec<(Pubkey, Reading)>,
    /// Dated ahead of the chain clock: for a later interval.
    pub later: Vec<(Pubkey, Reading)>,
    pub stale: u64,
    /// Of the stale ones, those that are exactly the meter's last reading
    /// on chain (the same time and registers): landed already.
    pub at_cursor: u64,
    pub outside_shard: u64,
    /// Rejected, by reason.
    pub rejected: BTreeMap<&'static str, u64>,
}

impl Plan {
    fn reject(&mut self, reason: &'static str, n: usize) {
        let e = self.rejected.entry(reason).or_insert(0);
        *e = e.saturating_add(u64::try_from(n).unwrap_or(u64::MAX));
    }
}

/// Judges each meter's readings (any order; sorted here by time) against
/// its account as read from the chain (`None`: no such account) at chain
/// time `now`, for `shard`.
pub fn plan(
    work: Vec<(Pubkey, Vec<Reading>)>,
    accounts: &[Option<Account>],
    shard: &Shard,
    now: i64,
) -> Plan {
    let mut out = Plan::default();
    for ((meter, mut readings), account) in work.into_iter().zip(accounts) {
        let decoded = account
            .as_ref()
            .filter(|a| a.owner == reg::ID)
            .and_then(|a| reg::decode_meter(&a.data));
        let Some(m) = decoded else {
            out.reject("meter_not_registered", readings.len());
            continue;
        };
        if !shard.contains(&m.meter_id) {
            out.outside_shard = out
                .outside_shard
                .saturating_add(u64::try_from(readings.len()).unwrap_or(u64::MAX));
            continue;
        }
        readings.sort_by_key(|r| r.timestamp);
        let mut cursor = Cursor::of(&m);
        for r in readings {
            let landed = r.timestamp == cursor.last_reading_ts
                && r.export_register_wh == cursor.export_register_wh
                && r.import_register_wh == cursor.import_register_wh;
            match cursor.judge(&r, now) {
                Verdict::Submit => out.submit.push((meter, r)),
                Verdict::Stale => {
                    out.stale = out.stale.saturating_add(1);
                    if landed {
                        out.at_cursor = out.at_cursor.saturating_add(1);
                    }
                }
                Verdict::Later => out.later.push((meter, r)),
                Verdict::Reject(reason) => out.reject(reason, 1),
            }
        }
    }
    out.submit
        .sort_by(|(ma, a), (mb, b)| a.timestamp.cmp(&b.timestamp).then(ma.cmp(mb)));
    out
}

/// Readings held between intervals, per meter.
#[derive(Clone, Debug, Default)]
pub struct Pending {
    by_meter: HashMap<Pubkey, Vec<Reading>>,
    len: usize,
}

impl Pending {
    /// Holds `reading` unless `max` readings are held already.
    pub fn push(&mut self, meter: Pubkey, reading: Reading, max: usize) -> bool {
        if self.len >= max {
            return false;
        }
        self.by_meter.entry(meter).or_default().push(reading);
        self.len = self.len.saturating_add(1);
        true
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Everything held, per meter; leaves it empty.
    pub fn take(&mut self) -> Vec<(Pubkey, Vec<Reading>)> {
        self.len = 0;
        std::mem::take(&mut self.by_meter).into_iter().collect()
    }
}

/// The meters' lookup tables: which table holds each meter. Every table
/// this duty creates starts with the registry config (which every
/// `submit_readings` names) and is filled with [`METERS_PER_TABLE`]
/// meters before the next is created.
#[derive(Clone, Debug, Default)]
pub struct MeterTables {
    tables: Vec<TableState>,
    of_meter: HashMap<Pubkey, u32>,
    loaded: bool,
}

#[derive(Clone, Copy, Debug)]
struct TableState {
    key: Pubkey,
    len: usize,
    /// The oracle's: it may extend it.
    ours: bool,
}

impl MeterTables {
    /// The table holding `meter`, if any.
    pub fn table_of(&self, meter: &Pubkey) -> Option<Pubkey> {
        let i = usize::try_from(*self.of_meter.get(meter)?).ok()?;
        self.tables.get(i).map(|t| t.key)
    }

    /// How many tables are known.
    pub fn len(&self) -> usize {
        self.tables.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tables.is_empty()
    }

    /// How many meters have a table.
    pub fn meters(&self) -> usize {
        self.of_meter.len()
    }

    /// Takes an active table whose first address is the registry config
    /// (a meters table); returns whether it was taken.
    pub fn adopt(&mut self, table: &LookupTable, authority: &Pubkey) -> bool {
        let addresses = &table.account.addresses;
        if table.deactivation_slot != u64::MAX || addresses.first() != Some(&reg::config_address())
        {
            return false;
        }
        let key = table.account.key;
        let index = match self.tables.iter().position(|t| t.key == key) {
            Some(i) => i,
            None => {
                self.tables.push(TableState {
                    key,
                    len: 0,
                    ours: table.authority == Some(*authority),
                });
                self.tables.len().saturating_sub(1)
            }
        };
        let Ok(index32) = u32::try_from(index) else {
            return false;
        };
        if let Some(t) = self.tables.get_mut(index) {
            t.len = addresses.len();
        }
        for a in addresses.iter().skip(1) {
            self.of_meter.entry(*a).or_insert(index32);
        }
        true
    }

    /// Reads the configured tables and, if asked, finds the oracle's own.
    async fn load(
        &mut self,
        ctx: &Ctx,
        configured: &[Pubkey],
        discover: bool,
    ) -> Result<(), FlowError> {
        let authority = ctx.oracle.pubkey();
        for key in configured {
            match ctx.read(|| ctx.chain.get_address_lookup_table(key)).await? {
                Some(t) => {
                    if !self.adopt(&t, &authority) {
                        warn!(table = %key, "configured lookup table is not an active table of meters; not used");
                    }
                }
                None => warn!(table = %key, "configured lookup table does not exist"),
            }
        }
        if discover {
            for t in tables_of(ctx, &authority).await? {
                if self.adopt(&t, &authority) {
                    info!(table = %t.account.key, addresses = t.account.addresses.len(), "reusing lookup table of meters");
                }
            }
        }
        self.loaded = true;
        ctx.telemetry
            .metrics()
            .lookup_tables
            .set(i64::try_from(self.tables.len()).unwrap_or(i64::MAX));
        Ok(())
    }

    /// Puts every one of `meters` into a table: extends the oracle's last
    /// table with room, creates new ones, and waits until the addresses
    /// are usable.
    async fn ensure(&mut self, ctx: &Ctx, meters: &[Pubkey]) -> Result<(), FlowError> {
        let mut missing: Vec<Pubkey> = meters
            .iter()
            .filter(|m| !self.of_meter.contains_key(m))
            .copied()
            .collect();
        missing.sort_unstable();
        missing.dedup();
        if missing.is_empty() {
            return Ok(());
        }
        let oracle: &dyn Signer = &*ctx.oracle;
        let mut touched: Vec<usize> = Vec::new();
        let mut rest = missing.as_slice();
        while !rest.is_empty() {
            let index = match self
                .tables
                .iter()
                .rposition(|t| t.ours && t.len < TABLE_ADDRESSES)
            {
                Some(i) => i,
                None => {
                    let key = flows::create_lookup_table(&*ctx.chain, &ctx.sender, oracle).await?;
                    info!(table = %key, "created lookup table of meters");
                    self.tables.push(TableState {
                        key,
                        len: 0,
                        ours: true,
                    });
                    ctx.telemetry
                        .metrics()
                        .lookup_tables
                        .set(i64::try_from(self.tables.len()).unwrap_or(i64::MAX));
                    self.tables.len().saturating_sub(1)
                }
            };
            let Some(state) = self.tables.get(index).copied() else {
                break;
            };
            let mut add: Vec<Pubkey> = Vec::new();
            if state.len == 0 {
                add.push(reg::config_address());
            }
            let room = TABLE_ADDRESSES
                .saturating_sub(state.len)
                .saturating_sub(add.len());
            let (now, later) = rest.split_at(room.min(rest.len()));
            add.extend_from_slice(now);
            let started = std::time::Instant::now();
            let extended = joule_client::lookup::extend_lookup_table(
                &*ctx.chain,
                &ctx.sender,
                &state.key,
                oracle,
                oracle,
                &add,
            )
            .await;
            if let Err(e) = extended {
                // Some extensions may have landed: the chain says which.
                if let Ok(Some(t)) = ctx
                    .read(|| ctx.chain.get_address_lookup_table(&state.key))
                    .await
                {
                    self.adopt(&t, &ctx.oracle.pubkey());
                }
                return Err(e.into());
            }
            debug!(table = %state.key, added = add.len(), took = ?started.elapsed(), "extended lookup table of meters");
            let index32 = u32::try_from(index).unwrap_or(u32::MAX);
            for m in now {
                self.of_meter.insert(*m, index32);
            }
            if let Some(t) = self.tables.get_mut(index) {
                t.len = t.len.saturating_add(add.len());
            }
            if !touched.contains(&index) {
                touched.push(index);
            }
            rest = later;
        }
        for index in touched {
            let Some(t) = self.tables.get(index).copied() else {
                continue;
            };
            let started = std::time::Instant::now();
            joule_client::lookup::wait_until_usable(
                &*ctx.chain,
                &t.key,
                t.len,
                ctx.sender.config().poll_interval,
                flows::LOOKUP_TABLE_TIMEOUT,
            )
            .await?;
            debug!(table = %t.key, addresses = t.len, took = ?started.elapsed(), "lookup table usable");
        }
        Ok(())
    }
}

/// Reads `keys` (100 per call, reads retried).
pub(crate) async fn read_accounts(
    ctx: &Ctx,
    keys: &[Pubkey],
) -> Result<Vec<Option<Account>>, FlowError> {
    let mut out = Vec::with_capacity(keys.len());
    for chunk in keys.chunks(ACCOUNTS_PER_READ) {
        let got = ctx.read(|| ctx.chain.get_multiple_accounts(chunk)).await?;
        if got.len() != chunk.len() {
            return Err(FlowError::Unexpected(format!(
                "{} accounts asked, {} returned",
                chunk.len(),
                got.len()
            )));
        }
        out.extend(got);
    }
    Ok(out)
}

/// The readings duty; see the module docs.
pub(crate) struct ReadingsDuty<F> {
    ctx: Ctx,
    cfg: ReadingsConfig,
    shard: Shard,
    feed: F,
    pending: Pending,
    tables: MeterTables,
}

/// Readings sent in order through one lookup table (`None`: legacy).
type Group = (Option<Pubkey>, Vec<(Pubkey, Reading)>);

/// What one group's submission did.
#[derive(Default)]
struct GroupOutcome {
    applied: u64,
    skipped: u64,
    transactions: u64,
    rejected: BTreeMap<&'static str, u64>,
    program_rejected: BTreeMap<String, u64>,
    /// Not landed: for the next interval.
    unsent: Vec<(Pubkey, Reading)>,
    error: Option<FlowError>,
}

impl<F: ReadingsFeed> ReadingsDuty<F> {
    pub(crate) fn new(ctx: Ctx, cfg: ReadingsConfig, shard: Shard, feed: F) -> Self {
        ReadingsDuty {
            ctx,
            cfg,
            shard,
            feed,
            pending: Pending::default(),
            tables: MeterTables::default(),
        }
    }

    fn hold(&mut self, readings: impl IntoIterator<Item = (Pubkey, Reading)>) {
        let mut dropped: u64 = 0;
        for (m, r) in readings {
            if !self.pending.push(m, r, self.cfg.max_pending) {
                dropped = dropped.saturating_add(1);
            }
        }
        if dropped > 0 {
            warn!(
                dropped,
                max_pending = self.cfg.max_pending,
                "readings backlog full; readings dropped"
            );
            self.ctx.telemetry.reject("backlog_full", dropped);
        }
    }

    fn hold_all(&mut self, work: Vec<(Pubkey, Vec<Reading>)>) {
        self.hold(
            work.into_iter()
                .flat_map(|(m, rs)| rs.into_iter().map(move |r| (m, r))),
        );
    }

    fn count_plan(&self, p: &Plan) {
        let m = self.ctx.telemetry.metrics();
        m.readings_skipped_stale.inc_by(p.stale);
        m.readings_outside_shard.inc_by(p.outside_shard);
        for (reason, n) in &p.rejected {
            self.ctx.telemetry.reject(reason, *n);
        }
    }

    /// Splits what is to be sent into groups sent concurrently: one per
    /// lookup table (v0), or by meter (legacy).
    fn groups(&self, submit: Vec<(Pubkey, Reading)>) -> Vec<Group> {
        let mut groups: BTreeMap<Pubkey, Vec<(Pubkey, Reading)>> = BTreeMap::new();
        let mut legacy: Vec<Vec<(Pubkey, Reading)>> =
            vec![Vec::new(); self.cfg.max_in_flight.max(1)];
        for (m, r) in submit {
            match self.cfg.mode {
                ReadingsMode::V0 => match self.tables.table_of(&m) {
                    Some(t) => groups.entry(t).or_default().push((m, r)),
                    None => legacy_bucket(&mut legacy, &m).push((m, r)),
                },
                ReadingsMode::Legacy => legacy_bucket(&mut legacy, &m).push((m, r)),
            }
        }
        groups
            .into_iter()
            .map(|(t, g)| (Some(t), g))
            .chain(
                legacy
                    .into_iter()
                    .filter(|g| !g.is_empty())
                    .map(|g| (None, g)),
            )
            .collect()
    }
}

fn legacy_bucket<'a>(
    buckets: &'a mut [Vec<(Pubkey, Reading)>],
    meter: &Pubkey,
) -> &'a mut Vec<(Pubkey, Reading)> {
    let n = buckets.len().max(1);
    let b = usize::from(meter.as_ref().first().copied().unwrap_or(0))
        .checked_rem(n)
        .unwrap_or(0);
    // b < n = buckets.len() (buckets is never empty).
    let last = buckets.len().saturating_sub(1);
    &mut buckets[b.min(last)]
}

/// The registry's errors that one reading of a batch causes: a call
/// refused with one of them is split to find the reading. Any other
/// refusal (the oracle removed from the set, the registry paused) concerns
/// the whole batch: its readings are kept for the next run.
const PER_READING_ERRORS: [&str; 5] = [
    "RegisterDecreased",
    "ImpossibleIncrease",
    "ReadingInFuture",
    "MeterNotActive",
    "MeterNotRegistered",
];

/// `CamelCase` to `snake_case` (a program error's name as a metrics label).
fn snake(name: &str) -> String {
    let mut out = String::with_capacity(name.len().saturating_add(4));
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Lands one group's readings in order, `per_call` at a time; see the
/// module docs for what a refused call does.
async fn submit_group(
    ctx: &Ctx,
    shard: Shard,
    per_call: usize,
    table: Option<Pubkey>,
    readings: Vec<(Pubkey, Reading)>,
) -> GroupOutcome {
    let mut out = GroupOutcome::default();
    let mut work: VecDeque<Vec<(Pubkey, Reading)>> = readings
        .chunks(per_call.max(1))
        .map(<[_]>::to_vec)
        .collect();
    let oracle: &dyn Signer = &*ctx.oracle;
    while let Some(call) = work.pop_front() {
        if ctx.shutdown.is_triggered() {
            out.unsent.extend(call);
            out.unsent.extend(work.drain(..).flatten());
            break;
        }
        let started = std::time::Instant::now();
        let sent = match table {
            Some(t) => {
                flow::submit_readings_v0(&*ctx.chain, &ctx.sender, oracle, Some(&t), &call).await
            }
            None => flow::submit_readings(&*ctx.chain, &ctx.sender, oracle, &call).await,
        };
        match sent {
            Ok(s) => {
                debug!(
                    readings = call.len(),
                    applied = s.applied(),
                    transactions = s.transactions.len(),
                    took = ?started.elapsed(),
                    "readings landed"
                );
                out.applied = out.applied.saturating_add(count(s.applied()));
                out.skipped = out.skipped.saturating_add(count(s.skipped()));
                out.transactions = out.transactions.saturating_add(count(s.transactions.len()));
            }
            Err(e)
                if e.program_failure()
                    .and_then(|f| f.error_name())
                    .is_some_and(|n| PER_READING_ERRORS.contains(&n)) =>
            {
                let name = e
                    .program_failure()
                    .and_then(|f| f.error_name())
                    .map_or_else(|| "program_error".to_string(), snake);
                ctx.telemetry.write_failed("readings");
                if call.len() == 1 {
                    warn!(meter = %call[0].0, timestamp = call[0].1.timestamp, reason = %name, error = %e, "reading refused by the registry; dropped");
                    let n = out.program_rejected.entry(name).or_insert(0);
                    *n = n.saturating_add(1);
                    continue;
                }
                debug!(readings = call.len(), error = %e, "readings refused; splitting the call");
                // Earlier transactions of the call may have landed: judge
                // the call again against the chain, then halve it.
                match rejudge(ctx, &shard, call).await {
                    Ok(p) => {
                        // The call's first transactions may have landed
                        // before the refused one: what is now exactly the
                        // meter's last reading on chain landed (by this
                        // call, most likely); the rest is stale.
                        out.applied = out.applied.saturating_add(p.at_cursor);
                        out.skipped = out
                            .skipped
                            .saturating_add(p.stale.saturating_sub(p.at_cursor));
                        for (reason, n) in p.rejected {
                            let e = out.rejected.entry(reason).or_insert(0);
                            *e = e.saturating_add(n);
                        }
                        out.unsent.extend(p.later);
                        let mut submit = p.submit;
                        if !submit.is_empty() {
                            let back = submit.split_off(submit.len().div_ceil(2));
                            if !back.is_empty() {
                                work.push_front(back);
                            }
                            work.push_front(submit);
                        }
                    }
                    Err(re) => {
                        out.unsent.extend(work.drain(..).flatten());
                        out.error = Some(re);
                        break;
                    }
                }
            }
            Err(e) => {
                ctx.telemetry.write_failed("readings");
                out.unsent.extend(call);
                out.unsent.extend(work.drain(..).flatten());
                out.error = Some(e);
                break;
            }
        }
    }
    out
}

fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// Judges `readings` again against the chain as it is now.
async fn rejudge(
    ctx: &Ctx,
    shard: &Shard,
    readings: Vec<(Pubkey, Reading)>,
) -> Result<Plan, FlowError> {
    let mut by_meter: BTreeMap<Pubkey, Vec<Reading>> = BTreeMap::new();
    for (m, r) in readings {
        by_meter.entry(m).or_default().push(r);
    }
    let work: Vec<(Pubkey, Vec<Reading>)> = by_meter.into_iter().collect();
    let keys: Vec<Pubkey> = work.iter().map(|(m, _)| *m).collect();
    let accounts = read_accounts(ctx, &keys).await?;
    let now = flows::clock(&*ctx.chain, &ctx.sender).await?.unix_timestamp;
    Ok(plan(work, &accounts, shard, now))
}

#[async_trait(?Send)]
impl<F: ReadingsFeed> Duty for ReadingsDuty<F> {
    fn name(&self) -> &'static str {
        "readings"
    }

    async fn tick(&mut self) -> Result<(), DutyError> {
        let started = std::time::Instant::now();
        let m = self.ctx.telemetry.metrics().clone();
        let batch = tokio::select! {
            b = self.feed.next_batch() => b,
            _ = self.ctx.shutdown.wait() => return Ok(()),
        };
        let received = match batch {
            Ok(b) => {
                self.ctx.telemetry.source_ok("feed");
                let n = b.len();
                m.readings_received.inc_by(count(n));
                self.hold(b);
                n
            }
            Err(e) => {
                // Health follows the feed as a whole ("feed"); the sources
                // layer reports each source under its own name.
                warn!(source = %e.source_name, error = %e.message, "feed failed");
                self.ctx
                    .telemetry
                    .metrics()
                    .source_errors
                    .get_or_create(&super::telemetry::SourceLabels {
                        source: e.source_name.clone(),
                    })
                    .inc();
                self.ctx.telemetry.source_unreachable("feed", &e);
                0
            }
        };
        if self.pending.is_empty() {
            m.readings_pending.set(0);
            return Ok(());
        }
        if self.cfg.mode == ReadingsMode::V0 && !self.tables.loaded {
            let configured = self.cfg.lookup_tables.clone();
            self.tables
                .load(&self.ctx, &configured, self.cfg.discover_lookup_tables)
                .await?;
        }
        let work = self.pending.take();
        let keys: Vec<Pubkey> = work.iter().map(|(k, _)| *k).collect();
        let judged = async {
            let accounts = read_accounts(&self.ctx, &keys).await?;
            let now = flows::clock(&*self.ctx.chain, &self.ctx.sender)
                .await?
                .unix_timestamp;
            Ok::<_, FlowError>((accounts, now))
        }
        .await;
        let (accounts, now) = match judged {
            Ok(v) => v,
            Err(e) => {
                self.hold_all(work);
                m.readings_pending
                    .set(i64::try_from(self.pending.len()).unwrap_or(i64::MAX));
                return Err(e.into());
            }
        };
        let p = plan(work, &accounts, &self.shard, now);
        self.count_plan(&p);
        let Plan {
            submit,
            later,
            stale,
            ..
        } = p;
        self.hold(later);
        let to_send = submit.len();
        if submit.is_empty() {
            m.readings_pending
                .set(i64::try_from(self.pending.len()).unwrap_or(i64::MAX));
            debug!(received, stale, "no readings to send");
            return Ok(());
        }
        if self.cfg.mode == ReadingsMode::V0 {
            let meters: Vec<Pubkey> = submit.iter().map(|(k, _)| *k).collect();
            if let Err(e) = self.tables.ensure(&self.ctx, &meters).await {
                // Meters without a table go in legacy transactions this
                // time; the table is completed next interval.
                warn!(error = %e, "cannot extend the lookup tables of meters");
                self.ctx.telemetry.write_failed("readings");
            }
        }
        let groups = self.groups(submit);
        let group_count = groups.len();
        let ctx = &self.ctx;
        let shard = self.shard;
        let per_call = self.cfg.readings_per_call;
        let outcomes: Vec<GroupOutcome> = stream::iter(groups)
            .map(|(table, g)| submit_group(ctx, shard, per_call, table, g))
            .buffer_unordered(self.cfg.max_in_flight.max(1))
            .collect()
            .await;
        let mut applied: u64 = 0;
        let mut skipped: u64 = 0;
        let mut transactions: u64 = 0;
        let mut first_error = None;
        let mut unsent = Vec::new();
        for o in outcomes {
            applied = applied.saturating_add(o.applied);
            skipped = skipped.saturating_add(o.skipped);
            transactions = transactions.saturating_add(o.transactions);
            for (reason, n) in &o.rejected {
                self.ctx.telemetry.reject(reason, *n);
            }
            for (reason, n) in &o.program_rejected {
                self.ctx.telemetry.reject(reason, *n);
            }
            unsent.extend(o.unsent);
            if first_error.is_none() {
                first_error = o.error;
            }
        }
        let held = unsent.len();
        self.hold(unsent);
        m.readings_accepted.inc_by(applied);
        m.readings_skipped_stale.inc_by(skipped);
        m.readings_pending
            .set(i64::try_from(self.pending.len()).unwrap_or(i64::MAX));
        info!(
            received,
            sent = to_send,
            applied,
            skipped_stale = stale.saturating_add(skipped),
            held,
            transactions,
            groups = group_count,
            elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            "readings"
        );
        match first_error {
            Some(e) => Err(e.into()),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cursor() -> Cursor {
        Cursor {
            active: true,
            last_reading_ts: 1_000,
            activated_at: 500,
            export_register_wh: 10_000,
            import_register_wh: 5_000,
            rated_power_w: 3_600, // 1 Wh per second
        }
    }

    fn r(ts: i64, e: u64, i: u64) -> Reading {
        Reading {
            timestamp: ts,
            export_register_wh: e,
            import_register_wh: i,
        }
    }

    #[test]
    fn the_judge_follows_the_registry() {
        let now = 10_000;
        let mut c = cursor();
        assert_eq!(c.judge(&r(1_000, 10_000, 5_000), now), Verdict::Stale);
        assert_eq!(c.judge(&r(900, 10_000, 5_000), now), Verdict::Stale);
        assert_eq!(
            c.judge(&r(1_100, 9_999, 5_000), now),
            Verdict::Reject("register_decreased")
        );
        assert_eq!(
            c.judge(&r(1_100, 10_101, 5_000), now),
            Verdict::Reject("above_rated_power")
        );
        assert_eq!(c.judge(&r(1_100, 10_100, 5_100), now), Verdict::Submit);
        assert_eq!(c.last_reading_ts, 1_100);
        // The same again is now stale.
        assert_eq!(c.judge(&r(1_100, 10_100, 5_100), now), Verdict::Stale);
        // Ahead of the clock: held, then refused.
        let drift = MAX_CLOCK_DRIFT_SECS;
        assert_eq!(
            c.judge(&r(now + drift, 10_100, 5_100), now),
            Verdict::Submit
        );
        assert_eq!(
            c.judge(&r(now + drift + 1, 10_100, 5_100), now),
            Verdict::Later
        );
        assert_eq!(
            c.judge(&r(now + drift + FUTURE_HOLD_SECS + 1, 10_100, 5_100), now),
            Verdict::Reject("timestamp_in_future")
        );
        let mut off = Cursor {
            active: false,
            ..cursor()
        };
        assert_eq!(
            off.judge(&r(2_000, 1, 1), now),
            Verdict::Reject("meter_not_active")
        );
    }

    #[test]
    fn the_first_reading_after_activation_is_a_baseline() {
        // Activated after its last reading: anything goes as the baseline,
        // but not at or before the activation.
        let mut c = Cursor {
            activated_at: 2_000,
            ..cursor()
        };
        assert_eq!(c.judge(&r(2_000, 0, 0), 5_000), Verdict::Stale);
        assert_eq!(c.judge(&r(2_001, 0, 0), 5_000), Verdict::Submit);
        assert_eq!(c.judge(&r(2_002, 1, 0), 5_000), Verdict::Submit);
        assert_eq!(
            c.judge(&r(2_003, 0, 0), 5_000),
            Verdict::Reject("register_decreased")
        );
    }

    #[test]
    fn snake_case_names() {
        assert_eq!(snake("RegisterDecreased"), "register_decreased");
        assert_eq!(snake("NotOracle"), "not_oracle");
    }

    #[test]
    fn pending_is_bounded() {
        let mut p = Pending::default();
        let k = Pubkey::new_from_array([1; 32]);
        assert!(p.push(k, r(1, 0, 0), 2));
        assert!(p.push(k, r(2, 0, 0), 2));
        assert!(!p.push(k, r(3, 0, 0), 2));
        assert_eq!(p.len(), 2);
        let taken = p.take();
        assert_eq!(taken.len(), 1);
        assert!(p.is_empty());
    }
}
