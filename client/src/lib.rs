//! Joule's client layer: the one off-chain path to a chain. The CLI, the
//! keeper and the demo are thin faces on it.
//!
//! - [`Chain`]: what the off-chain code asks of a chain (accounts, program
//!   accounts with filters, clock and slot, blockhashes and block height,
//!   simulation, sending, statuses, prioritization fees, lookup tables).
//!   [`EmbeddedChain`] answers it in process (litesvm running the real
//!   programs, modelled on a cluster), [`RpcChain`] over JSON-RPC, and
//!   [`FaultyChain`] wraps either to drop, delay, duplicate or fail calls.
//! - [`Sender`]: how every write lands exactly once: compute-unit limit
//!   from simulation, priority fee from recent fees, the same signed bytes
//!   re-sent until confirmed, a new signature only after the old blockhash
//!   expired, backoff on transient errors (the rules are in [`sender`]).
//! - [`ProgramFailure`]: program errors typed with the programs' own error
//!   tables, printed as `NotOracle (6002): The signer is not in the current
//!   oracle set.`
//!
//! A flow (register a meter, submit readings, run an epoch) is a plain
//! async function taking `&impl Chain` (or `&dyn Chain`), a [`Sender`], its
//! signers, and the sdk builders' instructions; [`flows`] has one for every
//! operation of the three programs:
//!
//! ```ignore
//! async fn set_oracles(chain: &impl Chain, sender: &Sender, admin: &Keypair, add: &[Pubkey])
//!     -> Result<Landed, SendError>
//! {
//!     let ix = joule_sdk::registry::SetOracles { admin: admin.pubkey(), add, remove: &[] }.instruction();
//!     sender.send(chain, &[ix], admin, &[]).await
//! }
//! ```

pub mod chain;
pub mod embedded;
pub mod errors;
pub mod faults;
pub mod flows;
pub mod lookup;
pub mod rpc;
pub mod sender;
#[cfg(feature = "test-validator")]
pub mod test_validator;
pub mod units;

pub use chain::{
    AccountFilter, Chain, ChainClock, ChainError, Commitment, LatestBlockhash, LookupTable,
    PrioritizationFee, Simulation, TxStatus,
};
pub use embedded::{EmbeddedBuilder, EmbeddedChain, EmbeddedError, Included};
pub use errors::{ProgramErrorKind, ProgramFailure};
pub use faults::{FaultConfig, FaultRates, FaultyChain};
pub use flows::{FlowError, FlowResult};
pub use rpc::RpcChain;
pub use sender::{DryRun, Landed, SendError, Sender, SenderConfig};

pub use solana_account::Account;
pub use solana_hash::Hash;
pub use solana_keypair::Keypair;
pub use solana_message::AddressLookupTableAccount;
pub use solana_signature::Signature;
pub use solana_signer::Signer;
pub use solana_transaction::versioned::VersionedTransaction;
pub use solana_transaction_error::TransactionError;
