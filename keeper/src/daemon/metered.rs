//! [`MeteredChain`]: the chain as the daemon's duties see it, every call
//! timed and counted, reachability fed to `/healthz`, and every
//! transaction followed from its first send to its status (sent, re-sent,
//! confirmed, failed, fee paid).

use super::telemetry::{MethodLabels, Telemetry};
use async_trait::async_trait;
use joule_client::errors::COMPUTE_BUDGET_PROGRAM_ID;
use joule_client::Account;
use joule_client::{
    AccountFilter, Chain, ChainClock, ChainError, Commitment, LatestBlockhash, LookupTable,
    PrioritizationFee, Signature, Simulation, TransactionError, TxStatus, VersionedTransaction,
};
use joule_sdk::Pubkey;
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};

/// Transactions followed at most (the oldest are forgotten first).
const TRACKED: usize = 16_384;
/// Micro-lamports per lamport.
const MICRO_LAMPORTS: u128 = 1_000_000;

/// A [`Chain`] that measures the chain under it; see the module docs.
pub struct MeteredChain {
    inner: Arc<dyn Chain>,
    telemetry: Telemetry,
    lamports_per_signature: u64,
    tracker: Mutex<Tracker>,
}

#[derive(Default)]
struct Tracker {
    /// Sent, status not yet seen: the fee the transaction pays if it lands.
    fees: HashMap<Signature, u64>,
    order: VecDeque<Signature>,
}

impl Tracker {
    /// Starts following `sig`; false if it already was.
    fn insert(&mut self, sig: Signature, fee: u64) -> bool {
        if self.fees.contains_key(&sig) {
            return false;
        }
        self.fees.insert(sig, fee);
        self.order.push_back(sig);
        while self.order.len() > TRACKED {
            if let Some(old) = self.order.pop_front() {
                self.fees.remove(&old);
            }
        }
        true
    }
}

impl MeteredChain {
    pub fn new(inner: Arc<dyn Chain>, telemetry: Telemetry, lamports_per_signature: u64) -> Self {
        MeteredChain {
            inner,
            telemetry,
            lamports_per_signature,
            tracker: Mutex::new(Tracker::default()),
        }
    }

    fn tracker(&self) -> MutexGuard<'_, Tracker> {
        self.tracker.lock().unwrap_or_else(|p| p.into_inner())
    }

    async fn timed<T>(
        &self,
        method: &'static str,
        call: impl Future<Output = Result<T, ChainError>>,
    ) -> Result<T, ChainError> {
        let start = std::time::Instant::now();
        let result = call.await;
        let m = self.telemetry.metrics();
        let labels = MethodLabels { method };
        m.rpc_latency_seconds
            .get_or_create(&labels)
            .observe(start.elapsed().as_secs_f64());
        match &result {
            Ok(_) => self.telemetry.chain_ok(),
            Err(e) => {
                m.rpc_errors.get_or_create(&labels).inc();
                if e.is_retryable() {
                    self.telemetry.chain_failed(e);
                } else {
                    // The chain answered, with a refusal.
                    self.telemetry.chain_ok();
                }
            }
        }
        result
    }

    /// What `tx` pays if it lands: the base fee per signature and the
    /// priority fee (limit × price, rounded up).
    pub fn fee_of(tx: &VersionedTransaction, lamports_per_signature: u64) -> u64 {
        let message = &tx.message;
        let keys = message.static_account_keys();
        let mut limit: u64 = 0;
        let mut price: u64 = 0;
        for ix in message.instructions() {
            if keys.get(usize::from(ix.program_id_index)) != Some(&COMPUTE_BUDGET_PROGRAM_ID) {
                continue;
            }
            match ix.data.split_first() {
                Some((2, rest)) => {
                    if let Some(b) = rest.get(..4).and_then(|b| <[u8; 4]>::try_from(b).ok()) {
                        limit = u64::from(u32::from_le_bytes(b));
                    }
                }
                Some((3, rest)) => {
                    if let Some(b) = rest.get(..8).and_then(|b| <[u8; 8]>::try_from(b).ok()) {
                        price = u64::from_le_bytes(b);
                    }
                }
                _ => {}
            }
        }
        let priority = u128::from(limit)
            .saturating_mul(u128::from(price))
            .div_ceil(MICRO_LAMPORTS);
        let base = u64::from(message.header().num_required_signatures)
            .saturating_mul(lamports_per_signature);
        base.saturating_add(u64::try_from(priority).unwrap_or(u64::MAX))
    }
}

#[async_trait]
impl Chain for MeteredChain {
    async fn get_account(&self, key: &Pubkey) -> Result<Option<Account>, ChainError> {
        self.timed("get_account", self.inner.get_account(key)).await
    }

    async fn get_multiple_accounts(
        &self,
        keys: &[Pubkey],
    ) -> Result<Vec<Option<Account>>, ChainError> {
        self.timed(
            "get_multiple_accounts",
            self.inner.get_multiple_accounts(keys),
        )
        .await
    }

    async fn get_program_accounts(
        &self,
        program: &Pubkey,
        filters: &[AccountFilter],
    ) -> Result<Vec<(Pubkey, Account)>, ChainError> {
        self.timed(
            "get_program_accounts",
            self.inner.get_program_accounts(program, filters),
        )
        .await
    }

    async fn get_clock(&self) -> Result<ChainClock, ChainError> {
        self.timed("get_clock", self.inner.get_clock()).await
    }

    async fn get_slot(&self) -> Result<u64, ChainError> {
        self.timed("get_slot", self.inner.get_slot()).await
    }

    async fn get_root_slot(&self) -> Result<u64, ChainError> {
        self.timed("get_root_slot", self.inner.get_root_slot())
            .await
    }

    async fn get_latest_blockhash(&self) -> Result<LatestBlockhash, ChainError> {
        self.timed("get_latest_blockhash", self.inner.get_latest_blockhash())
            .await
    }

    async fn get_block_height(&self) -> Result<u64, ChainError> {
        self.timed("get_block_height", self.inner.get_block_height())
            .await
    }

    async fn simulate_transaction(
        &self,
        tx: &VersionedTransaction,
    ) -> Result<Simulation, ChainError> {
        self.timed("simulate_transaction", self.inner.simulate_transaction(tx))
            .await
    }

    async fn send_transaction(&self, tx: &VersionedTransaction) -> Result<Signature, ChainError> {
        let m = self.telemetry.metrics();
        let sig = tx.signatures.first().copied().unwrap_or_default();
        let fee = MeteredChain::fee_of(tx, self.lamports_per_signature);
        if self.tracker().insert(sig, fee) {
            m.transactions_sent.inc();
        } else {
            m.transactions_retried.inc();
        }
        let result = self
            .timed("send_transaction", self.inner.send_transaction(tx))
            .await;
        if let Err(ChainError::Rejected { err, .. }) = &result {
            if !matches!(
                err,
                TransactionError::AlreadyProcessed | TransactionError::BlockhashNotFound
            ) {
                self.tracker().fees.remove(&sig);
                self.telemetry.tx_failed("rejected");
            }
        }
        result
    }

    async fn get_signature_statuses(
        &self,
        signatures: &[Signature],
    ) -> Result<Vec<Option<TxStatus>>, ChainError> {
        let result = self
            .timed(
                "get_signature_statuses",
                self.inner.get_signature_statuses(signatures),
            )
            .await;
        if let Ok(statuses) = &result {
            let m = self.telemetry.metrics();
            for (sig, status) in signatures.iter().zip(statuses) {
                let Some(status) = status else { continue };
                if status.commitment < Commitment::Confirmed && status.err.is_none() {
                    continue;
                }
                let Some(fee) = self.tracker().fees.remove(sig) else {
                    continue;
                };
                m.fees_paid_lamports.inc_by(fee);
                if status.err.is_none() {
                    m.transactions_confirmed.inc();
                } else {
                    self.telemetry.tx_failed("on_chain");
                }
            }
        }
        result
    }

    async fn get_recent_prioritization_fees(
        &self,
        writable: &[Pubkey],
    ) -> Result<Vec<PrioritizationFee>, ChainError> {
        self.timed(
            "get_recent_prioritization_fees",
            self.inner.get_recent_prioritization_fees(writable),
        )
        .await
    }

    async fn get_address_lookup_table(
        &self,
        key: &Pubkey,
    ) -> Result<Option<LookupTable>, ChainError> {
        self.timed(
            "get_address_lookup_table",
            self.inner.get_address_lookup_table(key),
        )
        .await
    }
}
