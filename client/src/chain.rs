//! The [`Chain`] trait: everything the off-chain code asks of a chain, and
//! nothing more. [`EmbeddedChain`](crate::EmbeddedChain) answers it in
//! process (litesvm running the real programs), [`RpcChain`](crate::RpcChain)
//! over a cluster's JSON-RPC, [`FaultyChain`](crate::FaultyChain) wraps
//! either to inject faults in tests.

use async_trait::async_trait;
use joule_sdk::Pubkey;
use solana_account::Account;
use solana_hash::Hash;
use solana_message::AddressLookupTableAccount;
use solana_signature::Signature;
use solana_transaction::versioned::VersionedTransaction;
use solana_transaction_error::TransactionError;

/// How far a read or a transaction must have gone before it counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Commitment {
    /// Seen by the node, in a block that may still be dropped.
    Processed,
    /// Voted on by a supermajority (what cranks wait for).
    #[default]
    Confirmed,
    /// Rooted.
    Finalized,
}

/// A `getProgramAccounts` filter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AccountFilter {
    /// The account data is exactly this many bytes long.
    DataSize(u64),
    /// The account data holds `bytes` at `offset`.
    Memcmp { offset: usize, bytes: Vec<u8> },
}

impl AccountFilter {
    /// Whether `data` passes the filter (what a node does server-side).
    pub fn matches(&self, data: &[u8]) -> bool {
        match self {
            AccountFilter::DataSize(len) => u64::try_from(data.len()).is_ok_and(|l| l == *len),
            AccountFilter::Memcmp { offset, bytes } => offset
                .checked_add(bytes.len())
                .and_then(|end| data.get(*offset..end))
                .is_some_and(|window| window == bytes.as_slice()),
        }
    }
}

/// The cluster clock: slot and unix time (the `Clock` sysvar).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChainClock {
    pub slot: u64,
    pub unix_timestamp: i64,
}

/// A recent blockhash and the last block height at which a transaction
/// signed over it can still be included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LatestBlockhash {
    pub blockhash: Hash,
    pub last_valid_block_height: u64,
}

/// The outcome of a simulation (signatures not verified, blockhash
/// replaced by the node's latest).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Simulation {
    /// Why the transaction would fail, if it would.
    pub err: Option<TransactionError>,
    pub logs: Vec<String>,
    pub units_consumed: u64,
    /// Return data of the last instruction that set any: program and bytes.
    pub return_data: Option<(Pubkey, Vec<u8>)>,
}

/// Where a signature stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TxStatus {
    /// The slot it was processed in.
    pub slot: u64,
    /// `Some` if it was included and failed (fee charged, nothing else moved).
    pub err: Option<TransactionError>,
    pub commitment: Commitment,
}

/// The prioritization fee a slot's transactions paid (see
/// [`Chain::get_recent_prioritization_fees`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PrioritizationFee {
    pub slot: u64,
    /// Micro-lamports per compute unit.
    pub micro_lamports: u64,
}

/// What went wrong talking to a chain, classified for the sender's retry
/// rule.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    /// The request may succeed if repeated: connection, timeout, node
    /// behind or unhealthy, server error, a response lost on the way.
    #[error("transient chain error: {0}")]
    Transient(String),
    /// The node asked us to slow down (HTTP 429 or a rate-limit error).
    #[error("rate limited: {0}")]
    RateLimited(String),
    /// The node refused the transaction itself (preflight, signature,
    /// blockhash, duplicate), with its logs if it ran any.
    #[error("transaction rejected: {err}")]
    Rejected {
        err: TransactionError,
        logs: Vec<String>,
    },
    /// Repeating the same request cannot help (bad request, unsupported
    /// method, undecodable answer).
    #[error("chain error: {0}")]
    Permanent(String),
}

impl ChainError {
    /// Whether repeating the same request, after a pause, may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(self, ChainError::Transient(_) | ChainError::RateLimited(_))
    }
}

/// The chain as the off-chain code sees it. Object safe: flows take
/// `&dyn Chain` (or `&impl Chain`) and run unchanged on the embedded chain
/// and on a cluster.
#[async_trait]
pub trait Chain: Send + Sync {
    /// One account, `None` if it does not exist.
    async fn get_account(&self, key: &Pubkey) -> Result<Option<Account>, ChainError>;

    /// Many accounts at once, in the order asked.
    async fn get_multiple_accounts(
        &self,
        keys: &[Pubkey],
    ) -> Result<Vec<Option<Account>>, ChainError>;

    /// Every account owned by `program` that passes all `filters`.
    async fn get_program_accounts(
        &self,
        program: &Pubkey,
        filters: &[AccountFilter],
    ) -> Result<Vec<(Pubkey, Account)>, ChainError>;

    /// The `Clock` sysvar: slot and unix time as programs see them.
    async fn get_clock(&self) -> Result<ChainClock, ChainError>;

    /// The current slot.
    async fn get_slot(&self) -> Result<u64, ChainError>;

    /// The newest rooted (finalized) slot. A leader resolves the address
    /// lookup tables of incoming transactions against its root bank, so
    /// addresses extended into a table are usable once their slot is
    /// below this one ([`crate::lookup::wait_until_usable`]).
    async fn get_root_slot(&self) -> Result<u64, ChainError>;

    /// A recent blockhash and its last valid block height.
    async fn get_latest_blockhash(&self) -> Result<LatestBlockhash, ChainError>;

    /// The current block height (the count of blocks below the tip: what a
    /// blockhash's last valid block height is compared with).
    async fn get_block_height(&self) -> Result<u64, ChainError>;

    /// Simulates `tx` with signature verification off and its blockhash
    /// replaced by the node's latest, so an unsigned transaction can be
    /// measured. A transaction that would fail is `Ok` with `err` set.
    async fn simulate_transaction(
        &self,
        tx: &VersionedTransaction,
    ) -> Result<Simulation, ChainError>;

    /// Hands a signed transaction to the chain, without preflight and
    /// without the node's own re-sending: the caller re-sends. `Ok` means
    /// accepted for delivery, not landed.
    async fn send_transaction(&self, tx: &VersionedTransaction) -> Result<Signature, ChainError>;

    /// Status of each signature (`None`: not seen, or no longer held).
    async fn get_signature_statuses(
        &self,
        signatures: &[Signature],
    ) -> Result<Vec<Option<TxStatus>>, ChainError>;

    /// Per recent slot, the fee a transaction write-locking all of
    /// `writable` needed to pay to be included (`getRecentPrioritizationFees`).
    async fn get_recent_prioritization_fees(
        &self,
        writable: &[Pubkey],
    ) -> Result<Vec<PrioritizationFee>, ChainError>;

    /// An address lookup table and its addresses, `None` if the account
    /// does not exist. Only the addresses extended before the current slot
    /// can be used by a transaction.
    async fn get_address_lookup_table(
        &self,
        key: &Pubkey,
    ) -> Result<Option<LookupTable>, ChainError>;
}

/// An address lookup table as read from the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LookupTable {
    /// Key and addresses, as a v0 message compiler takes them.
    pub account: AddressLookupTableAccount,
    pub authority: Option<Pubkey>,
    /// The slot of the last extension: its addresses are usable from the
    /// next slot on.
    pub last_extended_slot: u64,
    /// `u64::MAX` while active.
    pub deactivation_slot: u64,
}

impl LookupTable {
    /// Decodes an address lookup table account's data.
    pub fn decode(key: Pubkey, data: &[u8]) -> Option<LookupTable> {
        let table =
            solana_address_lookup_table_interface::state::AddressLookupTable::deserialize(data)
                .ok()?;
        Some(LookupTable {
            account: AddressLookupTableAccount {
                key,
                addresses: table.addresses.to_vec(),
            },
            authority: table.meta.authority,
            last_extended_slot: table.meta.last_extended_slot,
            deactivation_slot: table.meta.deactivation_slot,
        })
    }
}

/// Decodes the `Clock` sysvar account (40 bytes: slot, epoch start time,
/// epoch, leader schedule epoch, unix time, little-endian).
pub(crate) fn decode_clock(data: &[u8]) -> Option<ChainClock> {
    let slot = u64::from_le_bytes(data.get(0..8)?.try_into().ok()?);
    let unix_timestamp = i64::from_le_bytes(data.get(32..40)?.try_into().ok()?);
    Some(ChainClock {
        slot,
        unix_timestamp,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_match_like_a_node() {
        let data = [1u8, 2, 3, 4];
        assert!(AccountFilter::DataSize(4).matches(&data));
        assert!(!AccountFilter::DataSize(3).matches(&data));
        let memcmp = |offset, bytes: &[u8]| AccountFilter::Memcmp {
            offset,
            bytes: bytes.to_vec(),
        };
        assert!(memcmp(1, &[2, 3]).matches(&data));
        assert!(memcmp(0, &[]).matches(&data));
        assert!(!memcmp(1, &[3]).matches(&data));
        assert!(!memcmp(3, &[4, 5]).matches(&data));
        assert!(!memcmp(usize::MAX, &[1]).matches(&data));
    }

    #[test]
    fn clock_decodes_slot_and_unix_time() {
        let mut data = [0u8; 40];
        data[0..8].copy_from_slice(&77u64.to_le_bytes());
        data[32..40].copy_from_slice(&(-5i64).to_le_bytes());
        assert_eq!(
            decode_clock(&data),
            Some(ChainClock {
                slot: 77,
                unix_timestamp: -5
            })
        );
        assert_eq!(decode_clock(&data[..39]), None);
    }

    #[test]
    fn only_transient_errors_and_rate_limits_are_retryable() {
        assert!(ChainError::Transient("x".into()).is_retryable());
        assert!(ChainError::RateLimited("x".into()).is_retryable());
        assert!(!ChainError::Permanent("x".into()).is_retryable());
        assert!(!ChainError::Rejected {
            err: TransactionError::AlreadyProcessed,
            logs: vec![]
        }
        .is_retryable());
    }
}
