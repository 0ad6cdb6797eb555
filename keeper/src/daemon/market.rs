//! The market duties, per configured market:
//!
//! - **epochs**: clears every epoch whose end time has passed, and opens the
//!   next epoch once the current one has ended (the first one too, if the
//!   market has none and `open_first` is set);
//! - **settlement**: settles every cleared epoch's orders in the sdk
//!   planner's batches (v0, through lookup tables of the owners' accounts)
//!   until none is left, then closes the epoch (its rent goes back to
//!   whoever opened it).
//!
//! The epochs of a market are found on chain (`getProgramAccounts` on the
//! market program, by discriminator and market), so the duties need no
//! state of their own: what another keeper already did is seen and
//! skipped, and a refusal that says it was done already
//! (`EpochAlreadyCleared`, `PreviousEpochNotEnded`, `EpochAlreadySettled`,
//! `OrderAlreadySettled`) is not an error.

use super::{Ctx, Duty, DutyError};
use async_trait::async_trait;
use joule_client::flows::{self, market as flow, FlowError};
use joule_client::{AccountFilter, Chain, Signer};
use joule_sdk::market::{self as mkt, Epoch, EpochAccount, EpochState, Market, MarketKeys};
use joule_sdk::Pubkey;
use std::collections::HashMap;
use tracing::{debug, info, warn};

/// The payer's active lookup tables that hold `market`'s address: those
/// its settlements made.
async fn settlement_tables(ctx: &Ctx, market: &Pubkey) -> Result<Vec<Pubkey>, FlowError> {
    let mut found: Vec<Pubkey> = super::readings::tables_of(ctx, &ctx.payer.pubkey())
        .await?
        .into_iter()
        .filter(|t| t.deactivation_slot == u64::MAX && t.account.addresses.contains(market))
        .map(|t| t.account.key)
        .collect();
    found.sort_unstable();
    Ok(found)
}

/// Every epoch of `market` on chain, by index.
pub(crate) async fn market_epochs(
    ctx: &Ctx,
    market: &Pubkey,
) -> Result<Vec<(Pubkey, EpochAccount)>, FlowError> {
    let filters = [
        AccountFilter::Memcmp {
            offset: 0,
            bytes: Epoch::DISCRIMINATOR.to_vec(),
        },
        AccountFilter::Memcmp {
            offset: 8,
            bytes: market.as_ref().to_vec(),
        },
    ];
    let accounts = ctx
        .read(|| ctx.chain.get_program_accounts(&mkt::ID, &filters))
        .await?;
    let mut epochs: Vec<(Pubkey, EpochAccount)> = accounts
        .into_iter()
        .filter_map(|(k, a)| mkt::decode_epoch(&a.data).map(|e| (k, e)))
        .collect();
    epochs.sort_by_key(|(_, e)| e.header.index);
    Ok(epochs)
}

/// Whether `err` is the program saying the work was done already.
fn done_already(err: &FlowError, names: &[&str]) -> bool {
    err.program_failure()
        .and_then(|f| f.error_name())
        .is_some_and(|n| names.contains(&n))
}

/// The epochs duty; see the module docs.
pub(crate) struct EpochsDuty {
    ctx: Ctx,
    markets: Vec<Pubkey>,
    open_first: bool,
}

impl EpochsDuty {
    pub(crate) fn new(ctx: Ctx, markets: Vec<Pubkey>, open_first: bool) -> Self {
        EpochsDuty {
            ctx,
            markets,
            open_first,
        }
    }

    async fn market(&self, market: &Pubkey, now: i64) -> Result<(), FlowError> {
        let ctx = &self.ctx;
        let chain = &*ctx.chain;
        let payer: &dyn Signer = &*ctx.payer;
        let m: Market = flow::market(chain, &ctx.sender, market).await?;
        let metrics = ctx.telemetry.metrics();
        for (key, e) in market_epochs(ctx, market).await? {
            if e.state() != Some(EpochState::Open) || e.header.end_ts > now {
                continue;
            }
            match flow::clear_epoch(chain, &ctx.sender, payer, &key).await {
                Ok(c) => {
                    metrics.epochs_cleared.inc();
                    info!(
                        market = %market,
                        epoch = %key,
                        index = e.header.index,
                        price = c.clearing.price,
                        volume_wh = c.clearing.volume_wh,
                        "epoch cleared"
                    );
                }
                Err(err) if done_already(&err, &["EpochAlreadyCleared"]) => {
                    debug!(epoch = %key, "epoch already cleared");
                }
                Err(err) => {
                    ctx.telemetry.write_failed("epochs");
                    return Err(err);
                }
            }
        }
        let due = if m.current_epoch == Pubkey::default() {
            self.open_first
        } else {
            now >= m.current_epoch_end_ts
        };
        if due {
            match flow::open_epoch(chain, &ctx.sender, payer, market).await {
                Ok(o) => {
                    metrics.epochs_opened.inc();
                    info!(
                        market = %market,
                        epoch = %o.epoch,
                        index = o.index,
                        start_ts = o.start_ts,
                        end_ts = o.end_ts,
                        "epoch opened"
                    );
                }
                Err(err) if done_already(&err, &["PreviousEpochNotEnded"]) => {
                    debug!(market = %market, "the next epoch is open already");
                }
                Err(err) => {
                    ctx.telemetry.write_failed("epochs");
                    return Err(err);
                }
            }
        }
        Ok(())
    }
}

#[async_trait(?Send)]
impl Duty for EpochsDuty {
    fn name(&self) -> &'static str {
        "epochs"
    }

    async fn tick(&mut self) -> Result<(), DutyError> {
        let now = flows::clock(&*self.ctx.chain, &self.ctx.sender)
            .await?
            .unix_timestamp;
        let mut first_error = None;
        for market in &self.markets {
            if self.ctx.shutdown.is_triggered() {
                break;
            }
            if let Err(e) = self.market(market, now).await {
                warn!(market = %market, error = %e, "epochs");
                first_error.get_or_insert(e);
            }
        }
        match first_error {
            Some(e) => Err(e.into()),
            None => Ok(()),
        }
    }
}

/// The settlement duty; see the module docs.
pub(crate) struct SettlementDuty {
    ctx: Ctx,
    markets: Vec<Pubkey>,
    /// Per market, the lookup tables of owners' accounts (reused and
    /// extended): at the first settlement of a market, the payer's active
    /// tables on chain that hold the market's address (so a restarted
    /// keeper goes on with the tables it made before).
    tables: HashMap<Pubkey, Vec<Pubkey>>,
}

impl SettlementDuty {
    pub(crate) fn new(ctx: Ctx, markets: Vec<Pubkey>) -> Self {
        SettlementDuty {
            ctx,
            markets,
            tables: HashMap::new(),
        }
    }

    /// Settles and closes what `market` has to; returns the orders still
    /// to settle.
    async fn market(&mut self, market: &Pubkey) -> Result<u64, FlowError> {
        let ctx = &self.ctx;
        let chain = &*ctx.chain;
        let payer: &dyn Signer = &*ctx.payer;
        let metrics = ctx.telemetry.metrics();
        let m = flow::market(chain, &ctx.sender, market).await?;
        let keys = MarketKeys::with_mints(&m.energy_mint, &m.quote_mint);
        if keys.market != *market {
            return Err(FlowError::Invalid(format!(
                "{market} is not the market of its own mints"
            )));
        }
        let epochs = market_epochs(ctx, market).await?;
        let mut backlog: u64 = epochs
            .iter()
            .filter(|(_, e)| e.state() == Some(EpochState::Cleared))
            .map(|(_, e)| u64::try_from(e.open_orders().len()).unwrap_or(u64::MAX))
            .fold(0u64, u64::saturating_add);
        let mut first_error = None;
        for (key, e) in epochs {
            if ctx.shutdown.is_triggered() {
                break;
            }
            let mut settled = e.state() == Some(EpochState::Settled);
            if e.state() == Some(EpochState::Cleared) {
                let open = u64::try_from(e.open_orders().len()).unwrap_or(u64::MAX);
                let tables = match self.tables.get(market) {
                    Some(t) => t.clone(),
                    None => {
                        let found = settlement_tables(ctx, market).await?;
                        if !found.is_empty() {
                            info!(market = %market, tables = found.len(), "reusing settlement lookup tables");
                        }
                        self.tables.insert(*market, found.clone());
                        found
                    }
                };
                match flow::settle_epoch(chain, &ctx.sender, payer, &keys, &key, &tables).await {
                    Ok(s) => {
                        self.tables.insert(*market, s.lookup_tables.clone());
                        let orders: usize = s.batches.iter().map(|b| b.order_ids.len()).sum();
                        metrics
                            .orders_settled
                            .inc_by(u64::try_from(orders).unwrap_or(u64::MAX));
                        if s.settled {
                            backlog = backlog.saturating_sub(open);
                            metrics.epochs_settled.inc();
                            info!(
                                market = %market,
                                epoch = %key,
                                index = e.header.index,
                                orders,
                                transactions = s.batches.len(),
                                "epoch settled"
                            );
                            settled = true;
                        }
                    }
                    Err(err)
                        if done_already(&err, &["EpochAlreadySettled", "OrderAlreadySettled"]) =>
                    {
                        debug!(epoch = %key, "settled by someone else meanwhile");
                        settled = flow::epoch(chain, &ctx.sender, &key)
                            .await
                            .is_ok_and(|e| e.state() == Some(EpochState::Settled));
                    }
                    Err(err) => {
                        ctx.telemetry.write_failed("settlement");
                        warn!(epoch = %key, error = %err, "settlement");
                        first_error.get_or_insert(err);
                    }
                }
            }
            if settled {
                match flow::close_epoch(chain, &ctx.sender, payer, &key).await {
                    Ok(c) => {
                        metrics.epochs_closed.inc();
                        info!(market = %market, epoch = %key, index = e.header.index, rent_to = %c.rent_payer, "epoch closed");
                    }
                    Err(FlowError::Missing { .. }) => {
                        debug!(epoch = %key, "closed by someone else meanwhile");
                    }
                    Err(err) => {
                        ctx.telemetry.write_failed("settlement");
                        warn!(epoch = %key, error = %err, "close");
                        first_error.get_or_insert(err);
                    }
                }
            }
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(backlog),
        }
    }
}

#[async_trait(?Send)]
impl Duty for SettlementDuty {
    fn name(&self) -> &'static str {
        "settlement"
    }

    async fn tick(&mut self) -> Result<(), DutyError> {
        let mut backlog: u64 = 0;
        let mut first_error = None;
        let markets = self.markets.clone();
        for market in &markets {
            if self.ctx.shutdown.is_triggered() {
                break;
            }
            match self.market(market).await {
                Ok(b) => backlog = backlog.saturating_add(b),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        self.ctx
            .telemetry
            .metrics()
            .settlement_backlog_orders
            .set(i64::try_from(backlog).unwrap_or(i64::MAX));
        match first_error {
            Some(e) => Err(e.into()),
            None => Ok(()),
        }
    }
}
