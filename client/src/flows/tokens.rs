//! SPL Token plumbing: mints, associated token accounts, balances.

use super::{account, account_data, rent_exempt_minimum, FlowError, FlowResult};
use crate::chain::Chain;
use crate::sender::{Landed, Sender};
use joule_sdk::{associated_token_address, token as spl, Pubkey, TOKEN_PROGRAM_ID};
use solana_keypair::Keypair;
use solana_signer::Signer;

/// Creates a mint of `decimals` with `authority` as its mint authority (no
/// freeze authority), paid by `payer`; returns its address.
pub async fn create_mint(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    payer: &dyn Signer,
    authority: &Pubkey,
    decimals: u8,
) -> FlowResult<Pubkey> {
    let mint = Keypair::new();
    create_mint_at(chain, sender, payer, &mint, authority, decimals).await?;
    Ok(mint.pubkey())
}

/// [`create_mint`] at the address of the keypair `mint` (which signs).
pub async fn create_mint_at(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    payer: &dyn Signer,
    mint: &dyn Signer,
    authority: &Pubkey,
    decimals: u8,
) -> FlowResult<Landed> {
    let rent = rent_exempt_minimum(chain, sender, spl::MINT_LEN).await?;
    let space = u64::try_from(spl::MINT_LEN).unwrap_or(u64::MAX);
    let ixs = [
        spl::create_account(
            &payer.pubkey(),
            &mint.pubkey(),
            rent,
            space,
            &TOKEN_PROGRAM_ID,
        ),
        spl::initialize_mint2(&mint.pubkey(), decimals, authority),
    ];
    Ok(sender.send(chain, &ixs, payer, &[mint]).await?)
}

/// The associated token accounts of `owners` for `mint`, created (paid by
/// `payer`) where missing, in one transaction per few owners.
pub async fn ensure_associated_accounts(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    payer: &dyn Signer,
    owners: &[Pubkey],
    mint: &Pubkey,
) -> FlowResult<Vec<Pubkey>> {
    let atas: Vec<Pubkey> = owners
        .iter()
        .map(|o| associated_token_address(o, mint))
        .collect();
    let mut create = Vec::new();
    for (owner, ata) in owners.iter().zip(&atas) {
        if account(chain, sender, ata).await?.is_none()
            && !create.iter().any(|(_, a): &(Pubkey, Pubkey)| a == ata)
        {
            create.push((*owner, *ata));
        }
    }
    // Four creations per transaction stay far within the size limit.
    for chunk in create.chunks(4) {
        let ixs: Vec<_> = chunk
            .iter()
            .map(|(owner, _)| {
                spl::create_associated_token_account_idempotent(&payer.pubkey(), owner, mint)
            })
            .collect();
        sender.send(chain, &ixs, payer, &[]).await?;
    }
    Ok(atas)
}

/// `owner`'s associated token account for `mint`, created if missing.
pub async fn ensure_associated_account(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    payer: &dyn Signer,
    owner: &Pubkey,
    mint: &Pubkey,
) -> FlowResult<Pubkey> {
    let mut atas = ensure_associated_accounts(chain, sender, payer, &[*owner], mint).await?;
    atas.pop()
        .ok_or_else(|| FlowError::Unexpected("no associated account".into()))
}

/// Mints `amount` of `mint` to `to`; `authority` is the mint authority and
/// pays.
pub async fn mint_to(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    authority: &dyn Signer,
    mint: &Pubkey,
    to: &Pubkey,
    amount: u64,
) -> FlowResult<Landed> {
    let ix = spl::mint_to(mint, to, &authority.pubkey(), amount);
    Ok(sender.send(chain, &[ix], authority, &[]).await?)
}

/// A token account's balance; 0 if it does not exist.
pub async fn balance(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    token_account: &Pubkey,
) -> FlowResult<u64> {
    match account(chain, sender, token_account).await? {
        None => Ok(0),
        Some(a) => spl::decode_token_account(&a.data)
            .map(|(_, _, amount)| amount)
            .ok_or(FlowError::Undecodable {
                what: "token account",
                key: *token_account,
            }),
    }
}

/// A mint's supply.
pub async fn supply(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    mint: &Pubkey,
) -> FlowResult<u64> {
    let data = account_data(chain, sender, mint, "mint").await?;
    spl::decode_mint(&data)
        .map(|(s, _)| s)
        .ok_or(FlowError::Undecodable {
            what: "mint",
            key: *mint,
        })
}
