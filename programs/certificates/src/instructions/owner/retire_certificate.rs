use super::super::{bounded_text, store_text, OwnedCertificateAccounts};
use crate::wire::retire_certificate;
use crate::{
    error::CertificatesError,
    events::{EventWriter, CERTIFICATE_RETIRED},
    state::{CertificateStatus, MAX_BENEFICIARY_NAME_LEN, MAX_REASON_LEN, PAUSE_RETIRE},
};
use pinocchio::{AccountView, Address, ProgramResult};

/// `retire_certificate(beneficiary, beneficiary_name, reason)`: the owner
/// retires an active certificate, claiming its energy for `beneficiary` (a
/// key, default if the beneficiary has none, plus a 1 to 64 byte name) with
/// a 1 to 128 byte reason. Final: a retired certificate can never be
/// transferred, split, retired again or revoked.
///
/// Accounts: `[owner (s), config, certificate (w)]`.
pub fn process(program_id: &Address, accounts: &mut [AccountView], args: &[u8]) -> ProgramResult {
    let retire_certificate::Args {
        beneficiary,
        beneficiary_name,
        reason,
    } = retire_certificate::Args::parse(args)?;
    let name = bounded_text(
        beneficiary_name,
        MAX_BENEFICIARY_NAME_LEN,
        CertificatesError::InvalidBeneficiaryName,
    )?;
    let reason = bounded_text(reason, MAX_REASON_LEN, CertificatesError::InvalidReason)?;
    let OwnedCertificateAccounts {
        owner,
        certificate_key: key,
        certificate: mut cert,
    } = OwnedCertificateAccounts::parse(accounts, program_id, PAUSE_RETIRE)?;

    cert.status = CertificateStatus::Retired as u8;
    cert.closed_at = joule_common::sysvar::unix_timestamp()?;
    cert.beneficiary = *beneficiary;
    cert.beneficiary_name_len = store_text(&mut cert.beneficiary_name, name);
    cert.reason_len = store_text(&mut cert.reason, reason);

    EventWriter::new(CERTIFICATE_RETIRED)
        .bytes(key.as_ref())
        .u64(cert.id)
        .bytes(owner.address().as_ref())
        .bytes(beneficiary.as_ref())
        .u64(cert.amount_wh)
        .string(name)
        .string(reason)
        .emit();
    Ok(())
}
