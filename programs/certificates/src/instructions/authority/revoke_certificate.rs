use super::super::{bounded_text, load_active_certificate, load_config_as_authority, store_text};
use crate::wire::revoke_certificate;
use crate::{
    error::CertificatesError,
    events::{EventWriter, CERTIFICATE_REVOKED},
    state::{Certificate, CertificateStatus, MAX_REASON_LEN},
};
use pinocchio::{account::RefMut, error::ProgramError, AccountView, Address, ProgramResult};

/// Accounts of `revoke_certificate`.
pub struct RevokeCertificateAccounts<'a> {
    /// `[signer]` the certificate authority.
    pub authority: &'a AccountView,
    /// The certificate's address.
    pub certificate_key: Address,
    /// `[writable]` an active `Certificate` of this program.
    pub certificate: RefMut<'a, Certificate>,
}

impl<'a> RevokeCertificateAccounts<'a> {
    #[inline(always)]
    pub fn parse(
        accounts: &'a mut [AccountView],
        program_id: &Address,
    ) -> Result<Self, ProgramError> {
        let (named, _) = revoke_certificate::Accounts::split(accounts)?;
        let revoke_certificate::Accounts {
            authority,
            config,
            certificate,
        } = revoke_certificate::Accounts::from_array(named);
        drop(load_config_as_authority(config, authority, program_id)?);
        let certificate_key = *certificate.address();
        let certificate = load_active_certificate(certificate, program_id)?;
        Ok(Self {
            authority,
            certificate_key,
            certificate,
        })
    }
}

/// `revoke_certificate(reason)`: the certificate authority revokes an
/// active certificate (e.g. a meter found faulty), recording a 1 to 128
/// byte reason. Final. The energy stays counted in the meter's
/// `certified_wh`, so it can never be certified again. Works while paused:
/// it only takes value out of circulation.
///
/// Accounts: `[authority (s), config, certificate (w)]`.
pub fn process(program_id: &Address, accounts: &mut [AccountView], args: &[u8]) -> ProgramResult {
    let revoke_certificate::Args { reason } = revoke_certificate::Args::parse(args)?;
    let reason = bounded_text(reason, MAX_REASON_LEN, CertificatesError::InvalidReason)?;
    let RevokeCertificateAccounts {
        authority,
        certificate_key: key,
        certificate: mut cert,
    } = RevokeCertificateAccounts::parse(accounts, program_id)?;

    cert.status = CertificateStatus::Revoked as u8;
    cert.closed_at = joule_common::sysvar::unix_timestamp()?;
    cert.reason_len = store_text(&mut cert.reason, reason);

    EventWriter::new(CERTIFICATE_REVOKED)
        .bytes(key.as_ref())
        .u64(cert.id)
        .bytes(authority.address().as_ref())
        .bytes(cert.owner.as_ref())
        .u64(cert.amount_wh)
        .string(reason)
        .emit();
    Ok(())
}
