//! Flows: what a face (the CLI, the keeper, the demo) does on a chain, one
//! async function per operation, each built from the sdk's instruction
//! builders and landed through the [`Sender`].
//!
//! Every flow takes the chain (`&C` for any [`Chain`], `dyn Chain`
//! included), the sender and its signers, and returns typed results: the
//! [`Landed`] transactions, the program's answer (return data, events,
//! decoded from the sender's simulation of the very transaction it then
//! signed) and, where it matters, the account state read back after
//! landing. Failures are a [`FlowError`]; a program error stays the
//! sender's typed [`SendError::Program`].
//!
//! - [`registry`]: initialise, meters (register, activate, suspend,
//!   transfer, reassign, close), readings in as few transactions as fit
//!   (legacy, or v0 with a lookup table of the meters), mint, redeem.
//! - [`market`]: create a market, open, clear, settle (v0 with a lookup
//!   table of the owners' accounts, in the planner's order) and close an
//!   epoch, place and cancel orders.
//! - [`certificates`]: initialise, issue, transfer, split, retire, revoke.
//! - [`tokens`]: the SPL Token plumbing the others need (mints, associated
//!   accounts, balances).
//!
//! Reads are retried on transient errors with the sender's backoff
//! settings; writes are retried by the sender itself.

pub mod admin;
pub mod certificates;
pub mod market;
pub mod registry;
pub mod tokens;

use crate::chain::{Chain, ChainClock, ChainError, LookupTable};
use crate::errors::ProgramFailure;
use crate::sender::{Landed, SendError, Sender};
use joule_sdk::{Instruction, Pubkey};
use solana_account::Account;
use solana_compute_budget_interface::ComputeBudgetInstruction;
use solana_hash::Hash;
use solana_message::{v0, AddressLookupTableAccount, Message, VersionedMessage};
use solana_signer::Signer;
use std::future::Future;
use std::time::Duration;

/// Most bytes a serialized transaction may take (a packet).
pub const MAX_TRANSACTION_SIZE: usize = 1_232;
/// Most accounts one transaction may lock.
pub const MAX_TRANSACTION_ACCOUNTS: usize = 64;
/// Most addresses one lookup table holds.
pub const MAX_LOOKUP_TABLE_ADDRESSES: usize = 256;
/// How long a flow waits for a new lookup table's addresses to be usable.
pub const LOOKUP_TABLE_TIMEOUT: Duration = Duration::from_secs(60);

/// Why a flow stopped.
#[derive(Debug, thiserror::Error)]
pub enum FlowError {
    /// A write did not land: a typed program error, a transaction error, a
    /// chain error or an expiry (see [`SendError`]).
    #[error(transparent)]
    Send(#[from] SendError),
    /// A read failed (transient errors past the retries, or permanent).
    #[error(transparent)]
    Chain(#[from] ChainError),
    /// An account the flow needs does not exist.
    #[error("{what} {key} does not exist")]
    Missing { what: &'static str, key: Pubkey },
    /// An account exists but does not decode as what the flow expects.
    #[error("{key} is not a valid {what}")]
    Undecodable { what: &'static str, key: Pubkey },
    /// The flow was asked for something it cannot do.
    #[error("{0}")]
    Invalid(String),
    /// A landed transaction's answer (return data, event) could not be
    /// read.
    #[error("unexpected answer from the program: {0}")]
    Unexpected(String),
}

impl FlowError {
    /// The typed program failure, if that is what stopped the flow.
    pub fn program_failure(&self) -> Option<&ProgramFailure> {
        match self {
            FlowError::Send(e) => e.program_failure(),
            _ => None,
        }
    }
}

/// A flow's result.
pub type FlowResult<T> = Result<T, FlowError>;

/// Runs a read, retrying transient errors with the sender's backoff
/// (without jitter: reads are cheap and the sender's jitter is for sends).
pub async fn read<T, F, Fut>(sender: &Sender, mut call: F) -> Result<T, ChainError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ChainError>>,
{
    let config = sender.config();
    let mut failures = 0u32;
    loop {
        match call().await {
            Ok(v) => return Ok(v),
            Err(e) if e.is_retryable() && failures < config.max_retries => {
                let factor = 2u32.checked_pow(failures.min(20)).unwrap_or(u32::MAX);
                let pause = config
                    .backoff_base
                    .saturating_mul(factor)
                    .min(config.backoff_max);
                failures = failures.saturating_add(1);
                tokio::time::sleep(pause).await;
            }
            Err(e) => return Err(e),
        }
    }
}

/// One account, `None` if it does not exist (reads retried).
pub async fn account(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    key: &Pubkey,
) -> FlowResult<Option<Account>> {
    Ok(read(sender, || chain.get_account(key)).await?)
}

/// The cluster clock (reads retried).
pub async fn clock(chain: &(impl Chain + ?Sized), sender: &Sender) -> FlowResult<ChainClock> {
    Ok(read(sender, || chain.get_clock()).await?)
}

/// One account's data, which must exist.
pub(crate) async fn account_data(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    key: &Pubkey,
    what: &'static str,
) -> FlowResult<Vec<u8>> {
    account(chain, sender, key)
        .await?
        .map(|a| a.data)
        .ok_or(FlowError::Missing { what, key: *key })
}

/// The rent-exempt minimum for `len` bytes, from the chain's `Rent` sysvar.
pub async fn rent_exempt_minimum(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    len: usize,
) -> FlowResult<u64> {
    let key = joule_sdk::certificates::RENT_SYSVAR_ID;
    let data = account_data(chain, sender, &key, "rent sysvar").await?;
    let undecodable = || FlowError::Undecodable {
        what: "rent sysvar",
        key,
    };
    let per_byte_year = data
        .get(0..8)
        .and_then(|b| b.try_into().ok())
        .map(u64::from_le_bytes)
        .ok_or_else(undecodable)?;
    let threshold = data
        .get(8..16)
        .and_then(|b| b.try_into().ok())
        .map(f64::from_le_bytes)
        .ok_or_else(undecodable)?;
    // What the runtime computes: (128 + len) bytes × per-byte-year × years.
    let bytes = u64::try_from(len)
        .ok()
        .and_then(|l| l.checked_add(ACCOUNT_STORAGE_OVERHEAD))
        .ok_or_else(|| FlowError::Invalid(format!("account size {len} too large")))?;
    let per_year = u128::from(bytes).saturating_mul(u128::from(per_byte_year));
    #[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
    let lamports = (per_year as f64 * threshold) as u64;
    Ok(lamports)
}

/// Bytes of account metadata rent is charged for besides the data.
const ACCOUNT_STORAGE_OVERHEAD: u64 = 128;

/// The two compute-budget instructions the sender puts in front (their
/// values do not change the size: both are fixed-width).
fn budget_instructions() -> [Instruction; 2] {
    [
        ComputeBudgetInstruction::set_compute_unit_limit(0),
        ComputeBudgetInstruction::set_compute_unit_price(0),
    ]
}

/// The size and account count of the transaction the sender would make of
/// `instructions` paid by `payer` (legacy without tables, v0 with them),
/// or `None` if no message can be compiled.
pub fn transaction_footprint(
    instructions: &[Instruction],
    payer: &Pubkey,
    lookup_tables: Option<&[AddressLookupTableAccount]>,
) -> Option<Footprint> {
    let mut all = budget_instructions().to_vec();
    all.extend_from_slice(instructions);
    let message = match lookup_tables {
        None => VersionedMessage::Legacy(Message::new_with_blockhash(
            &all,
            Some(payer),
            &Hash::default(),
        )),
        Some(tables) => VersionedMessage::V0(
            v0::Message::try_compile(payer, &all, tables, Hash::default()).ok()?,
        ),
    };
    let signatures = usize::from(message.header().num_required_signatures);
    let looked_up: usize = message
        .address_table_lookups()
        .unwrap_or_default()
        .iter()
        .map(|l| l.writable_indexes.len() + l.readonly_indexes.len())
        .sum();
    let accounts = message
        .static_account_keys()
        .len()
        .saturating_add(looked_up);
    let size = short_vec_len(signatures)
        .saturating_add(signatures.saturating_mul(64))
        .saturating_add(message.serialize().len());
    Some(Footprint { size, accounts })
}

/// What a transaction takes: bytes on the wire and accounts locked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Footprint {
    pub size: usize,
    pub accounts: usize,
}

impl Footprint {
    /// Whether a cluster accepts it.
    pub fn fits(&self) -> bool {
        self.size <= MAX_TRANSACTION_SIZE && self.accounts <= MAX_TRANSACTION_ACCOUNTS
    }
}

/// Length of a compact-u16 ("short vec") length prefix.
fn short_vec_len(n: usize) -> usize {
    match n {
        0..=0x7f => 1,
        0x80..=0x3fff => 2,
        _ => 3,
    }
}

/// Lookup tables holding every one of `addresses`: the tables in `existing`
/// (read from the chain, extended with what they lack while they have
/// room) and new ones created by `authority` for the rest. Waits until all
/// their addresses are usable.
pub async fn ensure_lookup_tables(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    authority: &dyn Signer,
    existing: &[Pubkey],
    addresses: &[Pubkey],
) -> FlowResult<Vec<AddressLookupTableAccount>> {
    let mut tables: Vec<LookupTable> = Vec::new();
    for key in existing {
        let table = read(sender, || chain.get_address_lookup_table(key))
            .await?
            .ok_or(FlowError::Missing {
                what: "lookup table",
                key: *key,
            })?;
        tables.push(table);
    }
    let mut missing: Vec<Pubkey> = Vec::new();
    for a in addresses {
        let held = tables.iter().any(|t| t.account.addresses.contains(a));
        if !held && !missing.contains(a) {
            missing.push(*a);
        }
    }
    // Fill the existing tables the authority may extend, then new ones.
    let mut extensions: Vec<(Pubkey, Vec<Pubkey>)> = Vec::new();
    for t in &tables {
        if missing.is_empty() {
            break;
        }
        if t.authority != Some(authority.pubkey()) || t.deactivation_slot != u64::MAX {
            continue;
        }
        let room = MAX_LOOKUP_TABLE_ADDRESSES.saturating_sub(t.account.addresses.len());
        let take: Vec<Pubkey> = missing.drain(..room.min(missing.len())).collect();
        if !take.is_empty() {
            extensions.push((t.account.key, take));
        }
    }
    for (table, add) in &extensions {
        crate::lookup::extend_lookup_table(chain, sender, table, authority, authority, add).await?;
    }
    let mut keys: Vec<(Pubkey, usize)> = tables
        .iter()
        .map(|t| {
            let added = extensions
                .iter()
                .find(|(k, _)| *k == t.account.key)
                .map_or(0, |(_, a)| a.len());
            (
                t.account.key,
                t.account.addresses.len().saturating_add(added),
            )
        })
        .collect();
    for chunk in missing.chunks(MAX_LOOKUP_TABLE_ADDRESSES) {
        let table = create_lookup_table(chain, sender, authority).await?;
        crate::lookup::extend_lookup_table(chain, sender, &table, authority, authority, chunk)
            .await?;
        keys.push((table, chunk.len()));
    }
    let mut out = Vec::with_capacity(keys.len());
    for (key, len) in keys {
        let t = crate::lookup::wait_until_usable(
            chain,
            &key,
            len,
            sender.config().poll_interval,
            LOOKUP_TABLE_TIMEOUT,
        )
        .await?;
        out.push(t.account);
    }
    Ok(out)
}

/// Creates an empty lookup table owned and paid by `authority`, derived
/// from a recent slot; returns its address.
pub async fn create_lookup_table(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    authority: &dyn Signer,
) -> FlowResult<Pubkey> {
    let slot = read(sender, || chain.get_slot()).await?;
    let (create, table) = crate::lookup::create_instruction(authority, authority, slot);
    sender.send(chain, &[create], authority, &[]).await?;
    Ok(table)
}

/// The first event of type `E` a landed transaction logged (as its
/// simulation showed it).
pub fn event<E: joule_sdk::Event>(landed: &Landed) -> Option<E> {
    joule_sdk::events::decode::<E>(&landed.simulation.logs)
}

/// The first event of type `E`, or an error naming it.
pub(crate) fn expect_event<E: joule_sdk::Event>(landed: &Landed, name: &str) -> FlowResult<E> {
    event::<E>(landed).ok_or_else(|| FlowError::Unexpected(format!("no {name} event")))
}
