//! [`FaultyChain`]: wraps a [`Chain`] and drops, delays, duplicates or fails
//! a configurable share of calls, deterministically from a seed, and
//! records every send, for tests of the code that must survive a real
//! network.
//!
//! What each fault does:
//!
//! - **drop**: a send is acknowledged but never delivered (a lost packet);
//!   any other call fails as a transient timeout without reaching the chain.
//! - **delay**: the call reaches the chain after `delay`.
//! - **duplicate**: the call reaches the chain twice; the second answer is
//!   returned (for a send: usually `AlreadyProcessed`).
//! - **error**: half of them fail before reaching the chain (rate limited),
//!   half after it (the response is lost: the chain did the work, the
//!   caller sees a transient error).

use crate::chain::{
    AccountFilter, Chain, ChainClock, ChainError, LatestBlockhash, LookupTable, PrioritizationFee,
    Simulation, TxStatus,
};
use async_trait::async_trait;
use joule_sdk::Pubkey;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use solana_account::Account;
use solana_hash::Hash;
use solana_signature::Signature;
use solana_transaction::versioned::VersionedTransaction;
use std::future::Future;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// Shares of calls to disturb, in percent each (their sum at most 100).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FaultRates {
    pub drop: u8,
    pub delay: u8,
    pub duplicate: u8,
    pub error: u8,
}

impl FaultRates {
    /// `percent` spread evenly over the four faults.
    pub fn spread(percent: u8) -> FaultRates {
        let each = percent / 4;
        FaultRates {
            drop: each,
            delay: each,
            duplicate: each,
            error: percent.saturating_sub(each.saturating_mul(3)),
        }
    }
}

/// What to inject.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FaultConfig {
    pub seed: u64,
    /// Faults on sends.
    pub sends: FaultRates,
    /// Faults on every other call.
    pub reads: FaultRates,
    /// How long a delayed call waits.
    pub delay: Duration,
    /// Every send of the first this-many distinct signatures is dropped
    /// (the leader never sees them), whatever the rates say.
    pub black_hole_first_signatures: usize,
}

impl Default for FaultConfig {
    fn default() -> Self {
        FaultConfig {
            seed: 0,
            sends: FaultRates::default(),
            reads: FaultRates::default(),
            delay: Duration::from_millis(300),
            black_hole_first_signatures: 0,
        }
    }
}

/// One call to [`Chain::send_transaction`] as the wrapper saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SendRecord {
    pub signature: Signature,
    pub blockhash: Hash,
    /// The inner chain's block height when the send was made.
    pub block_height: u64,
    /// Whether it reached the inner chain.
    pub delivered: bool,
    /// The transaction itself.
    pub transaction: VersionedTransaction,
}

/// Counts of what was injected.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FaultCounts {
    pub calls: u64,
    pub simulations: u64,
    pub dropped: u64,
    pub delayed: u64,
    pub duplicated: u64,
    pub errors: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fault {
    None,
    Drop,
    Delay,
    Duplicate,
    ErrorBefore,
    ErrorAfter,
}

/// A [`Chain`] that misbehaves on purpose; see the [module docs](self).
pub struct FaultyChain<C> {
    inner: C,
    config: FaultConfig,
    state: Mutex<State>,
}

struct State {
    rng: StdRng,
    counts: FaultCounts,
    sends: Vec<SendRecord>,
    black_holed: Vec<Signature>,
}

impl<C: Chain> FaultyChain<C> {
    pub fn new(inner: C, config: FaultConfig) -> Self {
        FaultyChain {
            state: Mutex::new(State {
                rng: StdRng::seed_from_u64(config.seed),
                counts: FaultCounts::default(),
                sends: Vec::new(),
                black_holed: Vec::new(),
            }),
            inner,
            config,
        }
    }

    /// The wrapped chain.
    pub fn inner(&self) -> &C {
        &self.inner
    }

    /// Every send so far, in order.
    pub fn sends(&self) -> Vec<SendRecord> {
        self.state().sends.clone()
    }

    pub fn counts(&self) -> FaultCounts {
        self.state().counts
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn roll(&self, rates: FaultRates) -> Fault {
        let mut st = self.state();
        st.counts.calls = st.counts.calls.saturating_add(1);
        let r: u16 = st.rng.gen_range(0..100);
        let mut edge = 0u16;
        let mut hit = |rate: u8| {
            edge = edge.saturating_add(u16::from(rate));
            r < edge
        };
        let fault = if hit(rates.drop) {
            Fault::Drop
        } else if hit(rates.delay) {
            Fault::Delay
        } else if hit(rates.duplicate) {
            Fault::Duplicate
        } else if hit(rates.error) {
            if st.rng.gen_bool(0.5) {
                Fault::ErrorBefore
            } else {
                Fault::ErrorAfter
            }
        } else {
            Fault::None
        };
        let c = &mut st.counts;
        match fault {
            Fault::None => {}
            Fault::Drop => c.dropped = c.dropped.saturating_add(1),
            Fault::Delay => c.delayed = c.delayed.saturating_add(1),
            Fault::Duplicate => c.duplicated = c.duplicated.saturating_add(1),
            Fault::ErrorBefore | Fault::ErrorAfter => c.errors = c.errors.saturating_add(1),
        }
        fault
    }

    /// Runs a read under a rolled fault.
    async fn read<T, F, Fut>(&self, call: F) -> Result<T, ChainError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<T, ChainError>>,
    {
        match self.roll(self.config.reads) {
            Fault::None => call().await,
            Fault::Drop => Err(ChainError::Transient("injected: request timed out".into())),
            Fault::Delay => {
                tokio::time::sleep(self.config.delay).await;
                call().await
            }
            Fault::Duplicate => {
                let _ = call().await;
                call().await
            }
            Fault::ErrorBefore => Err(ChainError::RateLimited("injected: 429".into())),
            Fault::ErrorAfter => {
                let _ = call().await;
                Err(ChainError::Transient("injected: response lost".into()))
            }
        }
    }
}

#[async_trait]
impl<C: Chain> Chain for FaultyChain<C> {
    async fn get_account(&self, key: &Pubkey) -> Result<Option<Account>, ChainError> {
        self.read(|| self.inner.get_account(key)).await
    }

    async fn get_multiple_accounts(
        &self,
        keys: &[Pubkey],
    ) -> Result<Vec<Option<Account>>, ChainError> {
        self.read(|| self.inner.get_multiple_accounts(keys)).await
    }

    async fn get_program_accounts(
        &self,
        program: &Pubkey,
        filters: &[AccountFilter],
    ) -> Result<Vec<(Pubkey, Account)>, ChainError> {
        self.read(|| self.inner.get_program_accounts(program, filters))
            .await
    }

    async fn get_clock(&self) -> Result<ChainClock, ChainError> {
        self.read(|| self.inner.get_clock()).await
    }

    async fn get_slot(&self) -> Result<u64, ChainError> {
        self.read(|| self.inner.get_slot()).await
    }

    async fn get_root_slot(&self) -> Result<u64, ChainError> {
        self.read(|| self.inner.get_root_slot()).await
    }

    async fn get_latest_blockhash(&self) -> Result<LatestBlockhash, ChainError> {
        self.read(|| self.inner.get_latest_blockhash()).await
    }

    async fn get_block_height(&self) -> Result<u64, ChainError> {
        self.read(|| self.inner.get_block_height()).await
    }

    async fn simulate_transaction(
        &self,
        tx: &VersionedTransaction,
    ) -> Result<Simulation, ChainError> {
        {
            let mut st = self.state();
            st.counts.simulations = st.counts.simulations.saturating_add(1);
        }
        self.read(|| self.inner.simulate_transaction(tx)).await
    }

    async fn send_transaction(&self, tx: &VersionedTransaction) -> Result<Signature, ChainError> {
        let signature = tx.signatures.first().copied().unwrap_or_default();
        let black_holed = {
            let mut st = self.state();
            if st.black_holed.contains(&signature) {
                true
            } else if st.black_holed.len() < self.config.black_hole_first_signatures {
                st.black_holed.push(signature);
                true
            } else {
                false
            }
        };
        let fault = if black_holed {
            Fault::Drop
        } else {
            self.roll(self.config.sends)
        };
        let block_height = self.inner.get_block_height().await.unwrap_or(0);
        let delivered = !matches!(fault, Fault::Drop | Fault::ErrorBefore);
        self.state().sends.push(SendRecord {
            signature,
            blockhash: *tx.message.recent_blockhash(),
            block_height,
            delivered,
            transaction: tx.clone(),
        });
        match fault {
            Fault::None => self.inner.send_transaction(tx).await,
            Fault::Drop => Ok(signature),
            Fault::Delay => {
                tokio::time::sleep(self.config.delay).await;
                self.inner.send_transaction(tx).await
            }
            Fault::Duplicate => {
                let _ = self.inner.send_transaction(tx).await;
                self.inner.send_transaction(tx).await
            }
            Fault::ErrorBefore => Err(ChainError::RateLimited("injected: 429".into())),
            Fault::ErrorAfter => {
                let _ = self.inner.send_transaction(tx).await;
                Err(ChainError::Transient("injected: response lost".into()))
            }
        }
    }

    async fn get_signature_statuses(
        &self,
        signatures: &[Signature],
    ) -> Result<Vec<Option<TxStatus>>, ChainError> {
        self.read(|| self.inner.get_signature_statuses(signatures))
            .await
    }

    async fn get_recent_prioritization_fees(
        &self,
        writable: &[Pubkey],
    ) -> Result<Vec<PrioritizationFee>, ChainError> {
        self.read(|| self.inner.get_recent_prioritization_fees(writable))
            .await
    }

    async fn get_address_lookup_table(
        &self,
        key: &Pubkey,
    ) -> Result<Option<LookupTable>, ChainError> {
        self.read(|| self.inner.get_address_lookup_table(key)).await
    }
}
