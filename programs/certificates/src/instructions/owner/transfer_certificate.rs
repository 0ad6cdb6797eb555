use super::super::OwnedCertificateAccounts;
use crate::wire::transfer_certificate;
use crate::{error::CertificatesError, events::CertificateTransferred, state::PAUSE_TRANSFER};
use joule_common::event::emit;
use pinocchio::{AccountView, Address, ProgramResult};

/// `transfer_certificate(new_owner)`: the owner transfers an active
/// certificate, whole, to `new_owner`. Changes `Certificate::owner` only.
///
/// Accounts: `[owner (s), config, certificate (w)]`.
pub fn process(program_id: &Address, accounts: &mut [AccountView], args: &[u8]) -> ProgramResult {
    let transfer_certificate::Args { new_owner } = transfer_certificate::Args::parse(args)?;
    if *new_owner == Address::default() {
        return Err(CertificatesError::InvalidNewOwner.into());
    }
    let OwnedCertificateAccounts {
        owner,
        certificate_key: key,
        certificate: mut cert,
    } = OwnedCertificateAccounts::parse(accounts, program_id, PAUSE_TRANSFER)?;

    cert.owner = *new_owner;
    emit(&CertificateTransferred {
        certificate: key,
        id: cert.id,
        old_owner: *owner.address(),
        new_owner: *new_owner,
        amount_wh: cert.amount_wh,
    });
    Ok(())
}
