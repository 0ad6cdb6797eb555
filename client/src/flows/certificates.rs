//! Certificate flows: initialise, issue, transfer, split, retire, revoke.

use super::{account_data, expect_event, FlowError, FlowResult};
use crate::chain::Chain;
use crate::sender::{Landed, Sender};
use joule_sdk::certificates::{
    self as cert, Certificate, CertificateIssued, CertificateRetiredEvent, CertificateRevokedEvent,
    CertificateSplit, Config, CERTIFICATE_RETIRED, CERTIFICATE_REVOKED,
};
use joule_sdk::Pubkey;
use solana_signer::Signer;

/// The certificates config, read from the chain.
pub async fn config(chain: &(impl Chain + ?Sized), sender: &Sender) -> FlowResult<Config> {
    let key = cert::config_address();
    let data = account_data(chain, sender, &key, "certificates config").await?;
    cert::decode_config(&data).ok_or(FlowError::Undecodable {
        what: "certificates config",
        key,
    })
}

/// A certificate, read from the chain.
pub async fn certificate(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    key: &Pubkey,
) -> FlowResult<Certificate> {
    let data = account_data(chain, sender, key, "certificate").await?;
    cert::decode_certificate(&data).ok_or(FlowError::Undecodable {
        what: "certificate",
        key: *key,
    })
}

/// `initialize`: the registry admin creates the certificates config naming
/// `authority`.
pub async fn initialize(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    admin: &dyn Signer,
    authority: &Pubkey,
) -> FlowResult<Landed> {
    let ix = cert::Initialize {
        admin: admin.pubkey(),
        authority: *authority,
    }
    .instruction();
    Ok(sender.send(chain, &[ix], admin, &[]).await?)
}

/// What to certify.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Issue {
    pub meter: Pubkey,
    pub amount_wh: u64,
    pub period_start: i64,
    pub period_end: i64,
}

/// An issued certificate.
#[derive(Clone, Debug)]
pub struct Issued {
    pub landed: Landed,
    pub id: u64,
    pub certificate: Pubkey,
    /// The meter owner, who owns the certificate.
    pub owner: Pubkey,
    /// The meter's certified total after.
    pub certified_wh: u64,
}

/// `issue_certificate`: the authority certifies a meter's energy under the
/// next usable id (from the config's `next_certificate_id`); `payer` pays
/// the certificate's rent and the fee.
pub async fn issue(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    authority: &dyn Signer,
    payer: &dyn Signer,
    issue: &Issue,
) -> FlowResult<Issued> {
    let cfg = config(chain, sender).await?;
    let id = cert::next_usable_id(cfg.next_certificate_id);
    let certificate = cert::certificate_address(id)
        .ok_or_else(|| FlowError::Unexpected(format!("{id} is not a usable id")))?;
    let ix = cert::IssueCertificate {
        authority: authority.pubkey(),
        payer: payer.pubkey(),
        id,
        meter: issue.meter,
        amount_wh: issue.amount_wh,
        period_start: issue.period_start,
        period_end: issue.period_end,
    }
    .instruction();
    let landed = sender.send(chain, &[ix], payer, &[authority]).await?;
    let ev: CertificateIssued = expect_event(&landed, "CertificateIssued")?;
    Ok(Issued {
        landed,
        id,
        certificate,
        owner: ev.owner,
        certified_wh: ev.certified_wh_after,
    })
}

/// `transfer_certificate`: the owner hands the whole certificate to
/// `new_owner`.
pub async fn transfer(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    owner: &dyn Signer,
    certificate: &Pubkey,
    new_owner: &Pubkey,
) -> FlowResult<Landed> {
    let ix = cert::TransferCertificate {
        owner: owner.pubkey(),
        certificate: *certificate,
        new_owner: *new_owner,
    }
    .instruction();
    Ok(sender.send(chain, &[ix], owner, &[]).await?)
}

/// A split.
#[derive(Clone, Debug)]
pub struct SplitResult {
    pub landed: Landed,
    /// The new part's address and index under its parent.
    pub part: Pubkey,
    pub split_index: u32,
    /// What the parent keeps and the part holds.
    pub kept_wh: u64,
    pub split_wh: u64,
}

/// `split_certificate`: the owner keeps `keep_wh` and gives a new part of
/// `split_wh` to `new_owner`, under the parent's next usable split index;
/// `owner` pays the part's rent.
pub async fn split(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    owner: &dyn Signer,
    certificate_key: &Pubkey,
    keep_wh: u64,
    split_wh: u64,
    new_owner: &Pubkey,
) -> FlowResult<SplitResult> {
    let parent = certificate(chain, sender, certificate_key).await?;
    let index = cert::next_split_index(certificate_key, parent.split_count);
    let part = cert::split_address(certificate_key, index)
        .ok_or_else(|| FlowError::Unexpected(format!("{index} is not a usable split index")))?;
    let ix = cert::SplitCertificate {
        owner: owner.pubkey(),
        payer: owner.pubkey(),
        certificate: *certificate_key,
        split_index: index,
        keep_wh,
        split_wh,
        new_owner: *new_owner,
    }
    .instruction();
    let landed = sender.send(chain, &[ix], owner, &[]).await?;
    let ev: CertificateSplit = expect_event(&landed, "CertificateSplit")?;
    Ok(SplitResult {
        landed,
        part,
        split_index: ev.split_index,
        kept_wh: ev.amount_wh_after,
        split_wh: ev.new_amount_wh,
    })
}

/// A retirement.
#[derive(Clone, Debug)]
pub struct Retired {
    pub landed: Landed,
    pub event: CertificateRetiredEvent,
}

/// `retire_certificate`: the owner retires it for a beneficiary.
pub async fn retire(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    owner: &dyn Signer,
    certificate: &Pubkey,
    beneficiary: &Pubkey,
    beneficiary_name: &str,
    reason: &str,
) -> FlowResult<Retired> {
    let ix = cert::RetireCertificate {
        owner: owner.pubkey(),
        certificate: *certificate,
        beneficiary: *beneficiary,
        beneficiary_name,
        reason,
    }
    .instruction();
    let landed = sender.send(chain, &[ix], owner, &[]).await?;
    let event = joule_sdk::events::find(&landed.simulation.logs, CERTIFICATE_RETIRED)
        .and_then(|body| cert::decode_retired_event(&body))
        .ok_or_else(|| FlowError::Unexpected("no CertificateRetired event".into()))?;
    Ok(Retired { landed, event })
}

/// A revocation.
#[derive(Clone, Debug)]
pub struct Revoked {
    pub landed: Landed,
    pub event: CertificateRevokedEvent,
}

/// `revoke_certificate`: the authority revokes it.
pub async fn revoke(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    authority: &dyn Signer,
    certificate: &Pubkey,
    reason: &str,
) -> FlowResult<Revoked> {
    let ix = cert::RevokeCertificate {
        authority: authority.pubkey(),
        certificate: *certificate,
        reason,
    }
    .instruction();
    let landed = sender.send(chain, &[ix], authority, &[]).await?;
    let event = joule_sdk::events::find(&landed.simulation.logs, CERTIFICATE_REVOKED)
        .and_then(|body| cert::decode_revoked_event(&body))
        .ok_or_else(|| FlowError::Unexpected("no CertificateRevoked event".into()))?;
    Ok(Revoked { landed, event })
}
