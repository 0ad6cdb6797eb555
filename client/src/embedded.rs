//! [`EmbeddedChain`]: an in-process chain on litesvm running the real SBF
//! programs from the deploy directory, behaving like a cluster for
//! everything [`Chain`] offers.
//!
//! How it models a cluster:
//!
//! - **Slots and blocks.** Every slot produces one block: the block height
//!   equals the slot (no skipped slots), and each slot has a new blockhash,
//!   recorded in the `SlotHashes` sysvar (so address lookup tables can be
//!   created). Slots advance when told ([`EmbeddedChain::advance_slots`]) or,
//!   with [`EmbeddedBuilder::slot_duration`], with the runtime's clock (tokio
//!   time: a paused test clock makes it deterministic). The unix time moves
//!   only with [`EmbeddedChain::set_time`] and [`EmbeddedChain::advance_time`].
//! - **Blockhashes.** A blockhash produced at height `h` is valid while the
//!   block height is at most `h + validity` (150 by default, as on mainnet);
//!   a transaction over an older or unknown blockhash is rejected with
//!   `BlockhashNotFound` and never lands.
//! - **Sending.** As a cluster with preflight off: signatures are verified,
//!   a signature already processed is rejected with `AlreadyProcessed`, a
//!   transaction that fails in a program is included (status with its
//!   error) and one that cannot be loaded (unfunded payer, bad account) is
//!   rejected. Every transaction is processed in the current slot;
//!   litesvm does not charge the fee of a failed transaction.
//! - **Statuses** are `Confirmed` at once (one validator, no forks) and
//!   `Finalized` 32 slots later.
//! - **Prioritization fees.** litesvm keeps none, so the chain records the
//!   compute-unit price of every transaction it lands and answers
//!   `getRecentPrioritizationFees` as a validator does: per slot of the last
//!   150 that had transactions, the lowest price paid in the block, raised
//!   to the lowest price paid by the transactions write-locking each asked
//!   account.
//! - **Journal.** With [`EmbeddedBuilder::journal`], every transaction the
//!   chain includes is kept with its message, logs and compute units, as a
//!   cluster's `getTransaction` would give them ([`EmbeddedChain::take_journal`]).

use crate::chain::{
    AccountFilter, Chain, ChainClock, ChainError, Commitment, LatestBlockhash, LookupTable,
    PrioritizationFee, Simulation, TxStatus,
};
use crate::errors::COMPUTE_BUDGET_PROGRAM_ID;
use async_trait::async_trait;
use joule_sdk::Pubkey;
use litesvm::LiteSVM;
use solana_account::Account;
use solana_clock::Clock;
use solana_hash::Hash;
use solana_message::VersionedMessage;
use solana_signature::Signature;
use solana_slot_hashes::SlotHashes;
use solana_transaction::versioned::VersionedTransaction;
use solana_transaction_error::TransactionError;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// How many blocks a blockhash stays valid (mainnet's `MAX_PROCESSING_AGE`).
pub const BLOCKHASH_VALIDITY: u64 = 150;
/// How many recent slots prioritization fees are kept for.
const FEE_SLOTS: u64 = 150;
/// Slots after which a status counts as finalized.
const FINALITY_SLOTS: u64 = 32;
/// 2026-01-01T00:00:00Z: where the embedded clock starts.
pub const EMBEDDED_GENESIS_TS: i64 = 1_767_225_600;

/// Why an embedded chain could not be built.
#[derive(Debug, thiserror::Error)]
pub enum EmbeddedError {
    #[error("{path}: {source}; build the programs first (scripts/build-sbf.sh)")]
    ProgramFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("loading {name}: {message}")]
    Load { name: &'static str, message: String },
}

/// Builds an [`EmbeddedChain`].
#[derive(Clone, Debug)]
pub struct EmbeddedBuilder {
    deploy_dir: PathBuf,
    upgrade_authority: Option<Pubkey>,
    slot_duration: Option<Duration>,
    blockhash_validity: u64,
    unix_timestamp: i64,
    journal: bool,
}

/// A transaction the chain included, as a cluster's `getTransaction`
/// reports it: its message, status, logs, and the compute units it
/// consumed.
#[derive(Clone, Debug)]
pub struct Included {
    pub signature: Signature,
    pub slot: u64,
    /// The clock's unix time it ran at.
    pub unix_timestamp: i64,
    pub message: VersionedMessage,
    /// `None`: it succeeded.
    pub err: Option<TransactionError>,
    pub logs: Vec<String>,
    pub compute_units: u64,
    pub fee: u64,
}

impl Included {
    /// Who paid the fee.
    pub fn fee_payer(&self) -> Option<Pubkey> {
        self.message.static_account_keys().first().copied()
    }

    /// Whether it was a v0 transaction (it may use lookup tables).
    pub fn is_v0(&self) -> bool {
        matches!(self.message, VersionedMessage::V0(_))
    }
}

impl EmbeddedBuilder {
    /// Where `registry.so`, `market.so` and `certificates.so` are read from.
    pub fn deploy_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.deploy_dir = dir.into();
        self
    }

    /// The registry's upgrade authority (the only key that may call its
    /// `initialize`). Without one the registry is deployed immutable.
    pub fn upgrade_authority(mut self, authority: Pubkey) -> Self {
        self.upgrade_authority = Some(authority);
        self
    }

    /// Advance one slot per `duration` of runtime (tokio) time, like a
    /// cluster (400 ms on mainnet). Off by default: slots move only when
    /// told.
    pub fn slot_duration(mut self, duration: Duration) -> Self {
        self.slot_duration = Some(duration);
        self
    }

    /// How many blocks a blockhash stays valid ([`BLOCKHASH_VALIDITY`]).
    pub fn blockhash_validity(mut self, blocks: u64) -> Self {
        self.blockhash_validity = blocks;
        self
    }

    /// The clock's unix time at start ([`EMBEDDED_GENESIS_TS`]).
    pub fn unix_timestamp(mut self, ts: i64) -> Self {
        self.unix_timestamp = ts;
        self
    }

    /// Keep every included transaction ([`EmbeddedChain::take_journal`]). Off by
    /// default: a long run would keep them all in memory.
    pub fn journal(mut self, on: bool) -> Self {
        self.journal = on;
        self
    }

    pub fn build(self) -> Result<EmbeddedChain, EmbeddedError> {
        // Signatures and blockhash ages are checked here, not by litesvm, so
        // that simulation can skip them and a blockhash stays valid for
        // `blockhash_validity` blocks rather than one.
        let mut svm = LiteSVM::new()
            .with_sigverify(false)
            .with_blockhash_check(false);
        for (id, name) in [
            (joule_sdk::registry::ID, "registry"),
            (joule_sdk::market::ID, "market"),
            (joule_sdk::certificates::ID, "certificates"),
        ] {
            let path = self.deploy_dir.join(format!("{name}.so"));
            let bytes = std::fs::read(&path).map_err(|source| EmbeddedError::ProgramFile {
                path: path.clone(),
                source,
            })?;
            svm.add_program(id, &bytes)
                .map_err(|e| EmbeddedError::Load {
                    name,
                    message: format!("{e:?}"),
                })?;
        }
        set_upgrade_authority(
            &mut svm,
            &joule_sdk::registry::program_data_address(),
            self.upgrade_authority.as_ref(),
        )
        .map_err(|message| EmbeddedError::Load {
            name: "registry",
            message,
        })?;
        let mut clock = svm.get_sysvar::<Clock>();
        clock.unix_timestamp = self.unix_timestamp;
        svm.set_sysvar(&clock);
        let mut inner = Inner {
            svm,
            blockhashes: VecDeque::new(),
            validity: self.blockhash_validity,
            statuses: HashMap::new(),
            fees: BTreeMap::new(),
            landed: 0,
            journal: self.journal.then(Vec::new),
            slot_duration: self.slot_duration,
            origin: tokio::time::Instant::now(),
            origin_slot: 0,
        };
        let genesis = inner.svm.latest_blockhash();
        inner.blockhashes.push_back((genesis, 0));
        inner.svm.set_sysvar(&SlotHashes::new(&[(0, genesis)]));
        // Slot 1, so that slot 0 is a recent slot with a hash.
        inner.advance_slots(1);
        inner.origin_slot = inner.slot();
        Ok(EmbeddedChain {
            inner: Mutex::new(inner),
        })
    }
}

/// Writes the upgrade authority into a ProgramData account (litesvm deploys
/// with none).
fn set_upgrade_authority(
    svm: &mut LiteSVM,
    program_data: &Pubkey,
    authority: Option<&Pubkey>,
) -> Result<(), String> {
    let mut acc = svm
        .get_account(program_data)
        .ok_or_else(|| format!("no ProgramData account at {program_data}"))?;
    let slot = acc
        .data
        .get_mut(12..45)
        .ok_or_else(|| "ProgramData account too short".to_string())?;
    match authority {
        Some(a) => {
            slot[0] = 1;
            slot[1..].copy_from_slice(a.as_ref());
        }
        None => slot.fill(0),
    }
    svm.set_account(*program_data, acc)
        .map_err(|e| format!("{e:?}"))
}

/// An in-process chain: litesvm with the Joule programs at their ids. See
/// the [module docs](self) for how it models a cluster.
pub struct EmbeddedChain {
    inner: Mutex<Inner>,
}

struct Inner {
    svm: LiteSVM,
    /// Recent blockhashes with the block height that produced them, oldest
    /// first.
    blockhashes: VecDeque<(Hash, u64)>,
    validity: u64,
    /// Every transaction this chain landed: slot and error.
    statuses: HashMap<Signature, (u64, Option<TransactionError>)>,
    /// Per slot: the lowest compute-unit price paid in the block, and per
    /// write-locked account the lowest price paid by its transactions.
    fees: BTreeMap<u64, SlotFees>,
    /// Successful transactions landed.
    landed: u64,
    /// Every included transaction, if kept.
    journal: Option<Vec<Included>>,
    slot_duration: Option<Duration>,
    origin: tokio::time::Instant,
    origin_slot: u64,
}

#[derive(Default)]
struct SlotFees {
    block_min: u64,
    accounts: HashMap<Pubkey, u64>,
}

impl EmbeddedChain {
    /// A builder reading the programs from `target/deploy` (or
    /// `JOULE_DEPLOY_DIR`), registry deployed immutable.
    pub fn builder() -> EmbeddedBuilder {
        EmbeddedBuilder {
            deploy_dir: default_deploy_dir(),
            upgrade_authority: None,
            slot_duration: None,
            blockhash_validity: BLOCKHASH_VALIDITY,
            unix_timestamp: EMBEDDED_GENESIS_TS,
            journal: false,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves litesvm in a consistent
        // state (every mutation is one litesvm call), so a poisoned lock is
        // still usable.
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        inner.catch_up();
        inner
    }

    /// Gives `lamports` to `key` (from litesvm's faucet).
    pub fn airdrop(&self, key: &Pubkey, lamports: u64) -> Result<(), ChainError> {
        self.lock()
            .svm
            .airdrop(key, lamports)
            .map(|_| ())
            .map_err(|f| ChainError::Rejected {
                err: f.err,
                logs: f.meta.logs,
            })
    }

    /// Sets the clock's unix time.
    pub fn set_time(&self, unix_timestamp: i64) {
        let mut inner = self.lock();
        let mut clock = inner.svm.get_sysvar::<Clock>();
        clock.unix_timestamp = unix_timestamp;
        inner.svm.set_sysvar(&clock);
    }

    /// Moves the clock's unix time forward (slots do not move).
    pub fn advance_time(&self, seconds: i64) {
        let mut inner = self.lock();
        let mut clock = inner.svm.get_sysvar::<Clock>();
        clock.unix_timestamp = clock.unix_timestamp.saturating_add(seconds);
        inner.svm.set_sysvar(&clock);
    }

    /// Produces `n` blocks: slot, block height and blockhash move on.
    pub fn advance_slots(&self, n: u64) {
        self.lock().advance_slots(n);
    }

    /// The last valid block height of a blockhash this chain produced and
    /// still remembers.
    pub fn last_valid_block_height(&self, blockhash: &Hash) -> Option<u64> {
        let inner = self.lock();
        inner
            .blockhashes
            .iter()
            .find(|(h, _)| h == blockhash)
            .map(|(_, height)| height.saturating_add(inner.validity))
    }

    /// How many successful transactions were landed through
    /// [`Chain::send_transaction`].
    pub fn landed_transactions(&self) -> u64 {
        self.lock().landed
    }

    /// The transactions included since the journal was last taken, oldest
    /// first (empty unless built with [`EmbeddedBuilder::journal`]).
    pub fn take_journal(&self) -> Vec<Included> {
        self.lock()
            .journal
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// Writes an account directly (test setup).
    pub fn set_account(&self, key: Pubkey, account: Account) -> Result<(), ChainError> {
        self.lock()
            .svm
            .set_account(key, account)
            .map_err(|e| ChainError::Permanent(format!("{e:?}")))
    }

    /// Rent-exempt minimum balance for `len` bytes of data.
    pub fn minimum_balance_for_rent_exemption(&self, len: usize) -> u64 {
        self.lock().svm.minimum_balance_for_rent_exemption(len)
    }
}

/// `JOULE_DEPLOY_DIR`, or the workspace's `target/deploy`.
pub fn default_deploy_dir() -> PathBuf {
    match std::env::var_os("JOULE_DEPLOY_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/deploy"),
    }
}

impl Inner {
    fn slot(&self) -> u64 {
        self.svm.get_sysvar::<Clock>().slot
    }

    /// With a slot duration, produces the blocks the elapsed time made.
    fn catch_up(&mut self) {
        let Some(duration) = self.slot_duration else {
            return;
        };
        let nanos = duration.as_nanos().max(1);
        let elapsed = self.origin.elapsed().as_nanos();
        let target = u64::try_from(elapsed / nanos)
            .unwrap_or(u64::MAX)
            .saturating_add(self.origin_slot);
        let now = self.slot();
        if target > now {
            self.advance_slots(target - now);
        }
    }

    fn advance_slots(&mut self, n: u64) {
        let mut clock = self.svm.get_sysvar::<Clock>();
        let start = clock.slot;
        let end = start.saturating_add(n);
        let mut slot_hashes = self.svm.get_sysvar::<SlotHashes>();
        // Only the newest blocks can matter: older blockhashes would have
        // expired, older slot hashes would have left the sysvar.
        let keep = self
            .validity
            .max(u64::try_from(solana_slot_hashes::MAX_ENTRIES).unwrap_or(512));
        for slot in end.saturating_sub(keep).max(start).saturating_add(1)..=end {
            self.svm.expire_blockhash();
            let hash = self.svm.latest_blockhash();
            self.blockhashes.push_back((hash, slot));
            slot_hashes.add(slot, hash);
        }
        // Expired blockhashes are kept a while (up to `keep` blocks), so
        // that their last valid block height can still be looked up.
        let oldest_kept = end.saturating_sub(keep);
        while self
            .blockhashes
            .front()
            .is_some_and(|(_, h)| *h < oldest_kept)
        {
            self.blockhashes.pop_front();
        }
        self.svm.set_sysvar(&slot_hashes);
        clock.slot = end;
        self.svm.set_sysvar(&clock);
        let oldest_fee_slot = end.saturating_sub(FEE_SLOTS);
        self.fees = self.fees.split_off(&oldest_fee_slot);
    }

    fn block_height(&self) -> u64 {
        self.slot()
    }

    fn latest(&self) -> LatestBlockhash {
        let (blockhash, height) = self
            .blockhashes
            .back()
            .copied()
            .unwrap_or((self.svm.latest_blockhash(), self.block_height()));
        LatestBlockhash {
            blockhash,
            last_valid_block_height: height.saturating_add(self.validity),
        }
    }

    fn blockhash_valid(&self, hash: &Hash) -> bool {
        let height = self.block_height();
        self.blockhashes
            .iter()
            .any(|(h, produced)| h == hash && produced.saturating_add(self.validity) >= height)
    }

    fn get_account(&self, key: &Pubkey) -> Option<Account> {
        self.svm.get_account(key).filter(|a| a.lamports > 0)
    }

    /// The writable accounts of a transaction (lookup tables resolved) and
    /// its compute-unit price.
    fn fee_footprint(&self, tx: &VersionedTransaction) -> (Vec<Pubkey>, u64) {
        let message = &tx.message;
        let keys = message.static_account_keys();
        let mut writable: Vec<Pubkey> = keys
            .iter()
            .enumerate()
            .filter(|(i, _)| {
                message.is_maybe_writable_with_reserved_addresses(
                    *i,
                    None::<&std::collections::HashSet<Pubkey>>,
                )
            })
            .map(|(_, k)| *k)
            .collect();
        if let VersionedMessage::V0(m) = message {
            for lookup in &m.address_table_lookups {
                let Some(table) = self
                    .get_account(&lookup.account_key)
                    .and_then(|a| LookupTable::decode(lookup.account_key, &a.data))
                else {
                    continue;
                };
                writable.extend(
                    lookup
                        .writable_indexes
                        .iter()
                        .filter_map(|i| table.account.addresses.get(usize::from(*i)).copied()),
                );
            }
        }
        let price = message
            .instructions()
            .iter()
            .filter(|ix| {
                keys.get(usize::from(ix.program_id_index)) == Some(&COMPUTE_BUDGET_PROGRAM_ID)
            })
            .find_map(|ix| match ix.data.as_slice() {
                [3, rest @ ..] => rest
                    .get(..8)
                    .and_then(|b| b.try_into().ok())
                    .map(u64::from_le_bytes),
                _ => None,
            })
            .unwrap_or(0);
        (writable, price)
    }

    fn record_fee(&mut self, slot: u64, writable: Vec<Pubkey>, price: u64) {
        let fees = self.fees.entry(slot).or_insert_with(|| SlotFees {
            block_min: u64::MAX,
            accounts: HashMap::new(),
        });
        fees.block_min = fees.block_min.min(price);
        for key in writable {
            let e = fees.accounts.entry(key).or_insert(u64::MAX);
            *e = (*e).min(price);
        }
    }

    fn keep(
        &mut self,
        tx: &VersionedTransaction,
        slot: u64,
        err: Option<TransactionError>,
        meta: litesvm::types::TransactionMetadata,
    ) {
        if self.journal.is_none() {
            return;
        }
        let unix_timestamp = self.svm.get_sysvar::<Clock>().unix_timestamp;
        if let Some(journal) = self.journal.as_mut() {
            journal.push(Included {
                signature: meta.signature,
                slot,
                unix_timestamp,
                message: tx.message.clone(),
                err,
                logs: meta.logs,
                compute_units: meta.compute_units_consumed,
                fee: meta.fee,
            });
        }
    }

    fn send(&mut self, tx: &VersionedTransaction) -> Result<Signature, ChainError> {
        let rejected = |err| ChainError::Rejected { err, logs: vec![] };
        let Some(signature) = tx.signatures.first().copied() else {
            return Err(rejected(TransactionError::SanitizeFailure));
        };
        if self.statuses.contains_key(&signature) {
            return Err(rejected(TransactionError::AlreadyProcessed));
        }
        if tx.verify_with_results().iter().any(|ok| !ok) {
            return Err(rejected(TransactionError::SignatureFailure));
        }
        if !self.blockhash_valid(tx.message.recent_blockhash()) {
            return Err(rejected(TransactionError::BlockhashNotFound));
        }
        let (writable, price) = self.fee_footprint(tx);
        let slot = self.slot();
        match self.svm.send_transaction(tx.clone()) {
            Ok(meta) => {
                self.statuses.insert(signature, (slot, None));
                self.landed = self.landed.saturating_add(1);
                self.record_fee(slot, writable, price);
                self.keep(tx, slot, None, meta);
                Ok(signature)
            }
            Err(failed) if included_when_failed(&failed.err) => {
                self.statuses
                    .insert(signature, (slot, Some(failed.err.clone())));
                self.record_fee(slot, writable, price);
                self.keep(tx, slot, Some(failed.err), failed.meta);
                Ok(signature)
            }
            Err(failed) => Err(ChainError::Rejected {
                err: failed.err,
                logs: failed.meta.logs,
            }),
        }
    }
}

/// Whether a cluster includes a transaction that failed this way (fee
/// charged, status recorded) rather than dropping it.
fn included_when_failed(err: &TransactionError) -> bool {
    matches!(
        err,
        TransactionError::InstructionError(..)
            | TransactionError::InsufficientFundsForRent { .. }
            | TransactionError::ProgramExecutionTemporarilyRestricted { .. }
    )
}

#[async_trait]
impl Chain for EmbeddedChain {
    async fn get_account(&self, key: &Pubkey) -> Result<Option<Account>, ChainError> {
        Ok(self.lock().get_account(key))
    }

    async fn get_multiple_accounts(
        &self,
        keys: &[Pubkey],
    ) -> Result<Vec<Option<Account>>, ChainError> {
        let inner = self.lock();
        Ok(keys.iter().map(|k| inner.get_account(k)).collect())
    }

    async fn get_program_accounts(
        &self,
        program: &Pubkey,
        filters: &[AccountFilter],
    ) -> Result<Vec<(Pubkey, Account)>, ChainError> {
        let inner = self.lock();
        Ok(inner
            .svm
            .get_program_accounts(program)
            .into_iter()
            .filter(|(_, a)| a.lamports > 0 && filters.iter().all(|f| f.matches(&a.data)))
            .collect())
    }

    async fn get_clock(&self) -> Result<ChainClock, ChainError> {
        let clock = self.lock().svm.get_sysvar::<Clock>();
        Ok(ChainClock {
            slot: clock.slot,
            unix_timestamp: clock.unix_timestamp,
        })
    }

    async fn get_slot(&self) -> Result<u64, ChainError> {
        Ok(self.lock().slot())
    }

    /// The current slot: litesvm resolves lookup tables against the
    /// current state, so nothing here waits for a root.
    async fn get_root_slot(&self) -> Result<u64, ChainError> {
        Ok(self.lock().slot())
    }

    async fn get_latest_blockhash(&self) -> Result<LatestBlockhash, ChainError> {
        Ok(self.lock().latest())
    }

    async fn get_block_height(&self) -> Result<u64, ChainError> {
        Ok(self.lock().block_height())
    }

    async fn simulate_transaction(
        &self,
        tx: &VersionedTransaction,
    ) -> Result<Simulation, ChainError> {
        let inner = self.lock();
        let mut tx = tx.clone();
        tx.message.set_recent_blockhash(inner.latest().blockhash);
        let (err, meta) = match inner.svm.simulate_transaction(tx) {
            Ok(info) => (None, info.meta),
            Err(failed) => (Some(failed.err), failed.meta),
        };
        let return_data = (!meta.return_data.data.is_empty())
            .then_some((meta.return_data.program_id, meta.return_data.data));
        Ok(Simulation {
            err,
            logs: meta.logs,
            units_consumed: meta.compute_units_consumed,
            return_data,
        })
    }

    async fn send_transaction(&self, tx: &VersionedTransaction) -> Result<Signature, ChainError> {
        self.lock().send(tx)
    }

    async fn get_signature_statuses(
        &self,
        signatures: &[Signature],
    ) -> Result<Vec<Option<TxStatus>>, ChainError> {
        let inner = self.lock();
        let now = inner.slot();
        Ok(signatures
            .iter()
            .map(|s| {
                inner.statuses.get(s).map(|(slot, err)| TxStatus {
                    slot: *slot,
                    err: err.clone(),
                    commitment: if now >= slot.saturating_add(FINALITY_SLOTS) {
                        Commitment::Finalized
                    } else {
                        Commitment::Confirmed
                    },
                })
            })
            .collect())
    }

    async fn get_recent_prioritization_fees(
        &self,
        writable: &[Pubkey],
    ) -> Result<Vec<PrioritizationFee>, ChainError> {
        let inner = self.lock();
        Ok(inner
            .fees
            .iter()
            .map(|(slot, fees)| {
                let fee = writable
                    .iter()
                    .filter_map(|k| fees.accounts.get(k))
                    .fold(fees.block_min, |acc, f| acc.max(*f));
                PrioritizationFee {
                    slot: *slot,
                    micro_lamports: fee,
                }
            })
            .collect())
    }

    async fn get_address_lookup_table(
        &self,
        key: &Pubkey,
    ) -> Result<Option<LookupTable>, ChainError> {
        let inner = self.lock();
        match inner.get_account(key) {
            None => Ok(None),
            Some(a) if a.owner != solana_address_lookup_table_interface::program::ID => Err(
                ChainError::Permanent(format!("{key} is not an address lookup table")),
            ),
            Some(a) => LookupTable::decode(*key, &a.data)
                .map(Some)
                .ok_or_else(|| ChainError::Permanent(format!("{key}: undecodable lookup table"))),
        }
    }
}
