//! The [`Sender`]: how everything that writes gets a transaction onto the
//! chain exactly once.
//!
//! The rules, in order:
//!
//! 1. **Priority fee.** Recent prioritization fees on the accounts the
//!    instructions write are read; the price is the configured percentile
//!    of them (nearest rank), raised to the floor and lowered to the cap
//!    (micro-lamports per compute unit). No recent fees: the floor.
//! 2. **Compute-unit limit.** The transaction is simulated unsigned, with
//!    signature verification off, the blockhash replaced and the maximum
//!    limit; the limit is the units consumed times `1 + margin`, rounded up
//!    and capped at 1,400,000. A simulation that fails is an error (typed,
//!    see [`ProgramFailure`]), never a measurement, and nothing is sent.
//! 3. **Signing and re-sending.** The transaction is signed over a recent
//!    blockhash, and the *same signed bytes* are sent every
//!    `resend_interval` until its status reaches the configured commitment.
//!    A new signature (a new blockhash) is made only once the block height
//!    has passed the old blockhash's last valid block height and the old
//!    signature still has no status, so there is never a second signed
//!    version of a transaction that might still land.
//! 4. **Outcomes.** A status without error at the commitment is success;
//!    "already processed" when sending is success too (the status then
//!    confirms it). A landed transaction that failed comes back typed and
//!    is not re-sent. Transient RPC errors and rate limits are retried
//!    with exponential backoff and jitter, up to `max_retries` in a row;
//!    permanent errors are returned at once.
//!
//! The caller's instructions must not contain compute-budget instructions:
//! the sender adds its own two in front (so error indices are given in the
//! caller's list). Legacy and v0 messages (with lookup tables) are both
//! supported.

use crate::chain::{Chain, ChainError, Commitment, LatestBlockhash, Simulation};
use crate::errors::{ProgramFailure, COMPUTE_BUDGET_PROGRAM_ID};
use joule_sdk::{Instruction, Pubkey};
use rand::Rng;
use solana_compute_budget_interface::ComputeBudgetInstruction;
use solana_hash::Hash;
use solana_message::{v0, AddressLookupTableAccount, Message, VersionedMessage};
use solana_signature::Signature;
use solana_signer::Signer;
use solana_transaction::versioned::VersionedTransaction;
use solana_transaction_error::TransactionError;
use std::future::Future;
use std::time::Duration;

/// The most compute units a transaction may request.
pub const MAX_COMPUTE_UNIT_LIMIT: u32 = 1_400_000;
/// Instructions the sender puts before the caller's.
const BUDGET_INSTRUCTIONS: usize = 2;

/// How the sender prices, measures, re-sends and retries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SenderConfig {
    /// Extra compute units over the simulation, in percent (20: ×1.2).
    pub cu_margin_percent: u32,
    /// Percentile of recent prioritization fees to pay (1..=100).
    pub fee_percentile: u8,
    /// Lowest compute-unit price, micro-lamports per CU.
    pub fee_floor_micro_lamports: u64,
    /// Highest compute-unit price, micro-lamports per CU.
    pub fee_cap_micro_lamports: u64,
    /// How often the same signed transaction is sent again.
    pub resend_interval: Duration,
    /// How often the signature status and block height are checked.
    pub poll_interval: Duration,
    /// The status a transaction must reach to count as landed.
    pub commitment: Commitment,
    /// How many blockhashes may expire before the sender gives up.
    pub max_signings: u32,
    /// Consecutive transient errors tolerated per chain call.
    pub max_retries: u32,
    /// First backoff; doubled per retry, plus up to 50% jitter.
    pub backoff_base: Duration,
    /// Longest backoff before jitter.
    pub backoff_max: Duration,
    /// Simulate only: every send stops after its measuring simulation with
    /// [`SendError::DryRun`], nothing is signed or sent.
    pub dry_run: bool,
}

impl Default for SenderConfig {
    fn default() -> Self {
        SenderConfig {
            cu_margin_percent: 20,
            fee_percentile: 75,
            fee_floor_micro_lamports: 1_000,
            fee_cap_micro_lamports: 2_000_000,
            resend_interval: Duration::from_secs(2),
            poll_interval: Duration::from_millis(500),
            commitment: Commitment::Confirmed,
            max_signings: 3,
            max_retries: 8,
            backoff_base: Duration::from_millis(250),
            backoff_max: Duration::from_secs(8),
            dry_run: false,
        }
    }
}

/// A configuration the sender refuses.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid sender configuration: {0}")]
pub struct ConfigError(pub &'static str);

/// Why a transaction was not landed.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// An instruction failed, in simulation or on chain: typed.
    #[error("{0}")]
    Program(Box<ProgramFailure>),
    /// The transaction failed, not in an instruction (fee payer, account
    /// loading, size, ...), in simulation, at sending or on chain.
    #[error("transaction failed: {err}")]
    Transaction {
        err: TransactionError,
        logs: Vec<String>,
    },
    /// A permanent chain error, or transient ones past `max_retries`. If it
    /// came after a send, that version may still land before its blockhash
    /// expires: check its signature before building the write again.
    #[error(transparent)]
    Chain(#[from] ChainError),
    /// `max_signings` blockhashes expired without the transaction landing.
    #[error("not landed after {signings} signed versions expired")]
    Expired { signings: u32 },
    /// The instructions cannot make a transaction.
    #[error("cannot build the transaction: {0}")]
    Build(String),
    /// A dry run stopped here: the transaction simulated successfully and
    /// was neither signed nor sent.
    #[error("dry run: the transaction simulates in {} compute units", .0.units_consumed)]
    DryRun(Box<DryRun>),
}

/// What a dry run measured of the first transaction a write would send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DryRun {
    /// Units the simulation consumed.
    pub units_consumed: u64,
    /// The limit the transaction would carry.
    pub compute_unit_limit: u32,
    /// The price it would pay, micro-lamports per CU.
    pub compute_unit_price: u64,
    /// The accounts it would write, in order of appearance.
    pub writable: Vec<Pubkey>,
    /// The keys that would sign it, the fee payer first.
    pub signers: Vec<Pubkey>,
    /// The simulation's logs.
    pub logs: Vec<String>,
}

impl SendError {
    /// The typed program failure, if that is what this is.
    pub fn program_failure(&self) -> Option<&ProgramFailure> {
        match self {
            SendError::Program(f) => Some(f),
            _ => None,
        }
    }
}

/// A landed transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Landed {
    pub signature: Signature,
    /// The slot it landed in.
    pub slot: u64,
    /// Units consumed in the simulation.
    pub simulated_units: u64,
    /// The limit the transaction carried.
    pub compute_unit_limit: u32,
    /// The price it paid, micro-lamports per CU.
    pub compute_unit_price: u64,
    /// How many versions were signed (1 unless a blockhash expired).
    pub signings: u32,
    /// The simulation that measured it (logs, return data).
    pub simulation: Simulation,
}

/// Lands transactions by the rules in the [module docs](self).
#[derive(Clone, Debug, Default)]
pub struct Sender {
    config: SenderConfig,
}

impl Sender {
    pub fn new(config: SenderConfig) -> Result<Sender, ConfigError> {
        if config.fee_percentile == 0 || config.fee_percentile > 100 {
            return Err(ConfigError("fee_percentile must be within 1..=100"));
        }
        if config.fee_floor_micro_lamports > config.fee_cap_micro_lamports {
            return Err(ConfigError("the fee floor is above the fee cap"));
        }
        if config.cu_margin_percent > 1_000 {
            return Err(ConfigError("cu_margin_percent above 1000"));
        }
        if config.max_signings == 0 {
            return Err(ConfigError("max_signings must be at least 1"));
        }
        if config.resend_interval.is_zero() || config.poll_interval.is_zero() {
            return Err(ConfigError("intervals must be above zero"));
        }
        Ok(Sender { config })
    }

    pub fn config(&self) -> &SenderConfig {
        &self.config
    }

    /// Lands `instructions` in a legacy transaction paid by `payer` and
    /// signed by `payer` and `signers`.
    pub async fn send(
        &self,
        chain: &(impl Chain + ?Sized),
        instructions: &[Instruction],
        payer: &dyn Signer,
        signers: &[&dyn Signer],
    ) -> Result<Landed, SendError> {
        self.send_message(chain, instructions, payer, signers, None)
            .await
    }

    /// Lands `instructions` in a v0 transaction using `lookup_tables`.
    pub async fn send_v0(
        &self,
        chain: &(impl Chain + ?Sized),
        instructions: &[Instruction],
        payer: &dyn Signer,
        signers: &[&dyn Signer],
        lookup_tables: &[AddressLookupTableAccount],
    ) -> Result<Landed, SendError> {
        self.send_message(chain, instructions, payer, signers, Some(lookup_tables))
            .await
    }

    /// The compute-unit price for a transaction writing `writable`:
    /// the percentile of recent fees, within floor and cap.
    pub async fn priority_fee(
        &self,
        chain: &(impl Chain + ?Sized),
        writable: &[Pubkey],
    ) -> Result<u64, ChainError> {
        let fees = self
            .retry(|| chain.get_recent_prioritization_fees(writable))
            .await?;
        let values: Vec<u64> = fees.iter().map(|f| f.micro_lamports).collect();
        Ok(self.clamp_fee(percentile(values, self.config.fee_percentile)))
    }

    /// The compute-unit limit for `units` simulated: × (1 + margin),
    /// rounded up, at most [`MAX_COMPUTE_UNIT_LIMIT`].
    pub fn compute_unit_limit(&self, units: u64) -> u32 {
        let scaled = u128::from(units)
            .saturating_mul(u128::from(self.config.cu_margin_percent).saturating_add(100))
            .div_ceil(100);
        u32::try_from(scaled)
            .unwrap_or(MAX_COMPUTE_UNIT_LIMIT)
            .min(MAX_COMPUTE_UNIT_LIMIT)
    }

    fn clamp_fee(&self, fee: Option<u64>) -> u64 {
        fee.unwrap_or(0)
            .max(self.config.fee_floor_micro_lamports)
            .min(self.config.fee_cap_micro_lamports)
    }

    async fn send_message(
        &self,
        chain: &(impl Chain + ?Sized),
        instructions: &[Instruction],
        payer: &dyn Signer,
        signers: &[&dyn Signer],
        lookup_tables: Option<&[AddressLookupTableAccount]>,
    ) -> Result<Landed, SendError> {
        if instructions
            .iter()
            .any(|ix| ix.program_id == COMPUTE_BUDGET_PROGRAM_ID)
        {
            return Err(SendError::Build(
                "compute-budget instructions are the sender's to add".into(),
            ));
        }
        let mut writable: Vec<Pubkey> = Vec::new();
        for meta in instructions.iter().flat_map(|ix| &ix.accounts) {
            if meta.is_writable && !writable.contains(&meta.pubkey) {
                writable.push(meta.pubkey);
            }
        }
        let price = self.priority_fee(chain, &writable).await?;

        // Measure: the real message with the maximum limit, unsigned.
        let blockhash = self.retry(|| chain.get_latest_blockhash()).await?;
        let probe = with_budget(instructions, MAX_COMPUTE_UNIT_LIMIT, price);
        let message = compile(&probe, &payer.pubkey(), blockhash.blockhash, lookup_tables)?;
        let unsigned = VersionedTransaction {
            signatures: vec![
                Signature::default();
                usize::from(message.header().num_required_signatures)
            ],
            message,
        };
        let simulation = self.retry(|| chain.simulate_transaction(&unsigned)).await?;
        if let Some(err) = &simulation.err {
            return Err(typed(err, instructions, simulation.logs.clone()));
        }
        let limit = self.compute_unit_limit(simulation.units_consumed);
        if self.config.dry_run {
            let mut keys = vec![payer.pubkey()];
            for meta in instructions.iter().flat_map(|ix| &ix.accounts) {
                if meta.is_signer && !keys.contains(&meta.pubkey) {
                    keys.push(meta.pubkey);
                }
            }
            return Err(SendError::DryRun(Box::new(DryRun {
                units_consumed: simulation.units_consumed,
                compute_unit_limit: limit,
                compute_unit_price: price,
                writable: {
                    let mut w = writable;
                    if !w.contains(&payer.pubkey()) {
                        w.insert(0, payer.pubkey());
                    }
                    w
                },
                signers: keys,
                logs: simulation.logs,
            })));
        }
        let final_ixs = with_budget(instructions, limit, price);

        let mut all_signers: Vec<&dyn Signer> = vec![payer];
        all_signers.extend(
            signers
                .iter()
                .copied()
                .filter(|s| s.pubkey() != payer.pubkey()),
        );
        let mut next_blockhash = Some(blockhash);
        for signing in 1..=self.config.max_signings {
            let blockhash = match next_blockhash.take() {
                Some(b) => b,
                None => self.retry(|| chain.get_latest_blockhash()).await?,
            };
            let message = compile(
                &final_ixs,
                &payer.pubkey(),
                blockhash.blockhash,
                lookup_tables,
            )?;
            let tx = VersionedTransaction::try_new(message, &all_signers)
                .map_err(|e| SendError::Build(format!("signing: {e}")))?;
            match self.land(chain, &tx, blockhash, instructions).await? {
                Some(slot) => {
                    return Ok(Landed {
                        signature: tx.signatures[0],
                        slot,
                        simulated_units: simulation.units_consumed,
                        compute_unit_limit: limit,
                        compute_unit_price: price,
                        signings: signing,
                        simulation,
                    })
                }
                // Expired without landing: sign again over a new blockhash.
                None => continue,
            }
        }
        Err(SendError::Expired {
            signings: self.config.max_signings,
        })
    }

    /// Sends one signed version until it lands (`Some(slot)`), fails, or
    /// can no longer land (`None`).
    async fn land(
        &self,
        chain: &(impl Chain + ?Sized),
        tx: &VersionedTransaction,
        blockhash: LatestBlockhash,
        instructions: &[Instruction],
    ) -> Result<Option<u64>, SendError> {
        let signature = tx.signatures[0];
        let mut next_send = tokio::time::Instant::now();
        let mut failures = 0u32;
        loop {
            if tokio::time::Instant::now() >= next_send {
                match chain.send_transaction(tx).await {
                    Ok(_) => failures = 0,
                    Err(ChainError::Rejected {
                        err: TransactionError::AlreadyProcessed,
                        ..
                    }) => {}
                    // Too old to land: the block height check below decides
                    // when it is safe to sign again.
                    Err(ChainError::Rejected {
                        err: TransactionError::BlockhashNotFound,
                        ..
                    }) => {}
                    Err(ChainError::Rejected { err, logs }) => {
                        return Err(typed(&err, instructions, logs))
                    }
                    Err(e) if e.is_retryable() => {
                        failures = self.back_off(failures, e).await?;
                        continue;
                    }
                    Err(e) => return Err(e.into()),
                }
                next_send = tokio::time::Instant::now() + self.config.resend_interval;
            }
            tokio::time::sleep(self.config.poll_interval).await;

            // Height first, status second: a status still missing after the
            // height passed the last valid one means it can never land.
            let height = match chain.get_block_height().await {
                Ok(h) => h,
                Err(e) if e.is_retryable() => {
                    failures = self.back_off(failures, e).await?;
                    continue;
                }
                Err(e) => return Err(e.into()),
            };
            let status = match chain.get_signature_statuses(&[signature]).await {
                Ok(mut s) => s.pop().flatten(),
                Err(e) if e.is_retryable() => {
                    failures = self.back_off(failures, e).await?;
                    continue;
                }
                Err(e) => return Err(e.into()),
            };
            failures = 0;
            match status {
                Some(s) => {
                    if let Some(err) = s.err {
                        return Err(typed(&err, instructions, vec![]));
                    }
                    if s.commitment >= self.config.commitment {
                        return Ok(Some(s.slot));
                    }
                    // Processed, not yet confirmed: never re-sign now.
                }
                None if height > blockhash.last_valid_block_height => return Ok(None),
                None => {}
            }
        }
    }

    /// Runs `call`, retrying transient errors with backoff.
    async fn retry<T, F, Fut>(&self, mut call: F) -> Result<T, ChainError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, ChainError>>,
    {
        let mut failures = 0u32;
        loop {
            match call().await {
                Ok(v) => return Ok(v),
                Err(e) if e.is_retryable() => failures = self.back_off(failures, e).await?,
                Err(e) => return Err(e),
            }
        }
    }

    /// Sleeps the backoff for one more failure in a row, or gives up with
    /// `err` past `max_retries`.
    async fn back_off(&self, failures: u32, err: ChainError) -> Result<u32, ChainError> {
        let failures = failures.saturating_add(1);
        if failures > self.config.max_retries {
            return Err(err);
        }
        tokio::time::sleep(self.backoff(failures, matches!(err, ChainError::RateLimited(_)))).await;
        Ok(failures)
    }

    /// `base × 2^(n-1)` (doubled again when rate limited), at most `max`,
    /// plus up to 50% jitter.
    fn backoff(&self, failures: u32, rate_limited: bool) -> Duration {
        let exp = failures
            .saturating_sub(1)
            .saturating_add(u32::from(rate_limited));
        let factor = 2u32.checked_pow(exp.min(20)).unwrap_or(u32::MAX);
        let base = self
            .config
            .backoff_base
            .saturating_mul(factor)
            .min(self.config.backoff_max);
        let jitter_ms = u64::try_from(base.as_millis() / 2).unwrap_or(0);
        let jitter = Duration::from_millis(rand::thread_rng().gen_range(0..=jitter_ms));
        base.saturating_add(jitter)
    }
}

/// The nearest-rank percentile of `values` (`None` if empty).
fn percentile(mut values: Vec<u64>, p: u8) -> Option<u64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let rank = values.len().saturating_mul(usize::from(p)).div_ceil(100);
    values.get(rank.saturating_sub(1)).copied()
}

fn with_budget(instructions: &[Instruction], limit: u32, price: u64) -> Vec<Instruction> {
    let mut ixs = Vec::with_capacity(instructions.len().saturating_add(BUDGET_INSTRUCTIONS));
    ixs.push(ComputeBudgetInstruction::set_compute_unit_limit(limit));
    ixs.push(ComputeBudgetInstruction::set_compute_unit_price(price));
    ixs.extend_from_slice(instructions);
    ixs
}

fn compile(
    instructions: &[Instruction],
    payer: &Pubkey,
    blockhash: Hash,
    lookup_tables: Option<&[AddressLookupTableAccount]>,
) -> Result<VersionedMessage, SendError> {
    match lookup_tables {
        None => Ok(VersionedMessage::Legacy(Message::new_with_blockhash(
            instructions,
            Some(payer),
            &blockhash,
        ))),
        Some(tables) => v0::Message::try_compile(payer, instructions, tables, blockhash)
            .map(VersionedMessage::V0)
            .map_err(|e| SendError::Build(e.to_string())),
    }
}

fn typed(err: &TransactionError, instructions: &[Instruction], logs: Vec<String>) -> SendError {
    match ProgramFailure::from_transaction_error(
        err,
        instructions,
        BUDGET_INSTRUCTIONS,
        logs.clone(),
    ) {
        Some(f) => SendError::Program(Box::new(f)),
        None => SendError::Transaction {
            err: err.clone(),
            logs,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentile_is_nearest_rank() {
        assert_eq!(percentile(vec![], 75), None);
        assert_eq!(percentile(vec![7], 1), Some(7));
        assert_eq!(percentile(vec![40, 10, 30, 20], 50), Some(20));
        assert_eq!(percentile(vec![40, 10, 30, 20], 75), Some(30));
        assert_eq!(percentile(vec![40, 10, 30, 20], 76), Some(40));
        assert_eq!(percentile(vec![40, 10, 30, 20], 100), Some(40));
    }

    #[test]
    fn limit_is_units_times_margin_rounded_up_and_capped() {
        let s = Sender::default();
        assert_eq!(s.compute_unit_limit(1_000), 1_200);
        assert_eq!(s.compute_unit_limit(1_001), 1_202); // 1201.2 rounded up
        assert_eq!(s.compute_unit_limit(0), 0);
        assert_eq!(s.compute_unit_limit(1_300_000), MAX_COMPUTE_UNIT_LIMIT);
        assert_eq!(s.compute_unit_limit(u64::MAX), MAX_COMPUTE_UNIT_LIMIT);
    }

    #[test]
    fn backoff_doubles_within_the_cap_plus_jitter() {
        let s = Sender::default();
        for (n, base_ms) in [(1, 250), (2, 500), (3, 1_000), (7, 8_000), (40, 8_000)] {
            let d = s.backoff(n, false).as_millis();
            assert!(d >= base_ms && d <= base_ms * 3 / 2, "{n}: {d}");
        }
        let d = s.backoff(1, true).as_millis();
        assert!((500..=750).contains(&d), "{d}");
    }

    #[test]
    fn bad_configurations_are_refused() {
        let bad = |f: fn(&mut SenderConfig)| {
            let mut c = SenderConfig::default();
            f(&mut c);
            Sender::new(c).is_err()
        };
        assert!(bad(|c| c.fee_percentile = 0));
        assert!(bad(|c| c.fee_percentile = 101));
        assert!(bad(
            |c| c.fee_floor_micro_lamports = c.fee_cap_micro_lamports + 1
        ));
        assert!(bad(|c| c.max_signings = 0));
        assert!(bad(|c| c.resend_interval = Duration::ZERO));
        assert!(Sender::new(SenderConfig::default()).is_ok());
    }
}
