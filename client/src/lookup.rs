//! Address lookup tables: create, extend and wait until usable, through the
//! [`Sender`] like every other write.

use crate::chain::{Chain, ChainError, LookupTable};
use crate::sender::{Landed, SendError, Sender};
use joule_sdk::{Instruction, Pubkey};
use solana_address_lookup_table_interface::instruction as alt;
use solana_signer::Signer;
use std::time::Duration;

/// Addresses per `extend` transaction (32 bytes each, well within a packet).
pub const ADDRESSES_PER_EXTEND: usize = 20;

/// The instruction creating a lookup table owned by `authority` and paid by
/// `payer`, and the table's address, derived when the chain is at
/// `current_slot`. The program accepts only a slot its executing bank's
/// SlotHashes lists, which are the slots before that bank's own, and the
/// chain's current slot may be the very bank that runs it: so the table
/// derives from the slot before.
pub fn create_instruction(
    authority: &dyn Signer,
    payer: &dyn Signer,
    current_slot: u64,
) -> (Instruction, Pubkey) {
    alt::create_lookup_table(
        authority.pubkey(),
        payer.pubkey(),
        current_slot.saturating_sub(1),
    )
}

/// Creates a lookup table owned by `authority` (paid by `payer`), derived
/// from the chain's current slot, and extends it with `addresses`. Returns
/// its address; the addresses are usable once [`wait_until_usable`] says so.
pub async fn create_lookup_table(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    authority: &dyn Signer,
    payer: &dyn Signer,
    addresses: &[Pubkey],
) -> Result<Pubkey, SendError> {
    let (create, table) = create_instruction(authority, payer, chain.get_slot().await?);
    sender.send(chain, &[create], payer, &[authority]).await?;
    extend_lookup_table(chain, sender, &table, authority, payer, addresses).await?;
    Ok(table)
}

/// Appends `addresses` to `table`, [`ADDRESSES_PER_EXTEND`] per
/// transaction. Returns the last extension's landing, if any.
pub async fn extend_lookup_table(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    table: &Pubkey,
    authority: &dyn Signer,
    payer: &dyn Signer,
    addresses: &[Pubkey],
) -> Result<Option<Landed>, SendError> {
    let mut last = None;
    for chunk in addresses.chunks(ADDRESSES_PER_EXTEND) {
        let ix = alt::extend_lookup_table(
            *table,
            authority.pubkey(),
            Some(payer.pubkey()),
            chunk.to_vec(),
        );
        last = Some(sender.send(chain, &[ix], payer, &[authority]).await?);
    }
    Ok(last)
}

/// Polls until `table` holds at least `min_len` addresses and its last
/// extension is below the root slot, or fails after `timeout`.
///
/// A leader resolves a transaction's lookup tables against its root bank
/// (agave's scheduler does, in `receive_and_buffer`): until the extension
/// is rooted, a transaction using the new addresses is dropped before it
/// is scheduled, however often it is sent. Measured on
/// solana-test-validator 3.1.12: such a transaction, sent right after the
/// extension was confirmed and re-sent every second, landed 33 slots later
/// (about 14 s). A cluster roots a slot about 32 slots (13 s) after it.
pub async fn wait_until_usable(
    chain: &(impl Chain + ?Sized),
    table: &Pubkey,
    min_len: usize,
    poll: Duration,
    timeout: Duration,
) -> Result<LookupTable, ChainError> {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let slot = chain.get_root_slot().await;
        let found = chain.get_address_lookup_table(table).await;
        match (slot, found) {
            (Ok(slot), Ok(Some(t)))
                if t.account.addresses.len() >= min_len && t.last_extended_slot < slot =>
            {
                return Ok(t)
            }
            (Err(e), _) | (_, Err(e)) if !e.is_retryable() => return Err(e),
            _ => {}
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(ChainError::Transient(format!(
                "lookup table {table} not usable within {timeout:?}"
            )));
        }
        tokio::time::sleep(poll).await;
    }
}
