//! One file per instruction, grouped by who calls them.

pub mod admin;
pub mod authority;
pub mod owner;

use crate::{
    error::CertificatesError,
    state::{Certificate, CertificateStatus, Config},
    wire::{AuthorityConfig, OwnedCertificate},
};
use joule_common::{
    account::{load, load_mut},
    error::FrameworkError,
    wire::Text,
};
use pinocchio::{
    account::{Ref, RefMut},
    error::ProgramError,
    AccountView, Address,
};

/// Loads the config and checks that `authority` signed and is its authority.
#[inline(always)]
pub(crate) fn load_config_as_authority<'a>(
    config: &'a AccountView,
    authority: &AccountView,
    program_id: &Address,
) -> Result<Ref<'a, Config>, ProgramError> {
    joule_common::validate::signer(authority)?;
    let cfg = load::<Config>(config, program_id)?;
    if &cfg.authority != authority.address() {
        return Err(CertificatesError::NotAuthority.into());
    }
    Ok(cfg)
}

/// Fails with `Paused` if any of `flags` is set in the config.
#[inline(always)]
pub(crate) fn require_unpaused(config: &Config, flags: u8) -> Result<(), ProgramError> {
    if config.is_paused(flags) {
        return Err(CertificatesError::Paused.into());
    }
    Ok(())
}

/// Loads a certificate for writing and checks that it is still active
/// (retired and revoked certificates are final).
#[inline(always)]
pub(crate) fn load_active_certificate<'a>(
    certificate: &'a mut AccountView,
    program_id: &Address,
) -> Result<RefMut<'a, Certificate>, ProgramError> {
    let cert = load_mut::<Certificate>(certificate, program_id)?;
    match cert.status {
        s if s == CertificateStatus::Active as u8 => Ok(cert),
        s if s == CertificateStatus::Retired as u8 => {
            Err(CertificatesError::CertificateRetired.into())
        }
        _ => Err(CertificatesError::CertificateRevoked.into()),
    }
}

/// As [`load_active_certificate`], also checking that `owner` signed and owns it.
#[inline(always)]
pub(crate) fn load_owned_certificate<'a>(
    certificate: &'a mut AccountView,
    owner: &AccountView,
    program_id: &Address,
) -> Result<RefMut<'a, Certificate>, ProgramError> {
    joule_common::validate::signer(owner)?;
    let cert = load_active_certificate(certificate, program_id)?;
    if &cert.owner != owner.address() {
        return Err(CertificatesError::NotCertificateOwner.into());
    }
    Ok(cert)
}

/// Accounts of the authority's config changes (`propose_authority`,
/// `set_pause`): `[authority (s), config (w)]`.
pub struct AuthorityConfigAccounts<'a> {
    /// `[signer]` the certificate authority.
    pub authority: &'a AccountView,
    /// `[writable]` the `Config`, whose authority signed.
    pub config: RefMut<'a, Config>,
}

impl<'a> AuthorityConfigAccounts<'a> {
    #[inline(always)]
    pub fn parse(
        accounts: &'a mut [AccountView],
        program_id: &Address,
    ) -> Result<Self, ProgramError> {
        let (named, _) = AuthorityConfig::split(accounts)?;
        let AuthorityConfig { authority, config } = AuthorityConfig::from_array(named);
        joule_common::validate::signer(authority)?;
        let config = load_mut::<Config>(config, program_id)?;
        if &config.authority != authority.address() {
            return Err(CertificatesError::NotAuthority.into());
        }
        Ok(Self { authority, config })
    }
}

/// Accounts of an owner's change to one certificate (`transfer_certificate`,
/// `retire_certificate`): `[owner (s), config, certificate (w)]`.
pub struct OwnedCertificateAccounts<'a> {
    /// `[signer]` the certificate's owner.
    pub owner: &'a AccountView,
    /// The certificate's address.
    pub certificate_key: Address,
    /// `[writable]` an active `Certificate` of this program owned by `owner`.
    pub certificate: RefMut<'a, Certificate>,
}

impl<'a> OwnedCertificateAccounts<'a> {
    /// Also fails with `Paused` if any of `pause_flags` is set.
    #[inline(always)]
    pub fn parse(
        accounts: &'a mut [AccountView],
        program_id: &Address,
        pause_flags: u8,
    ) -> Result<Self, ProgramError> {
        let (named, _) = OwnedCertificate::split(accounts)?;
        let OwnedCertificate {
            owner,
            config,
            certificate,
        } = OwnedCertificate::from_array(named);
        require_unpaused(&*load::<Config>(config, program_id)?, pause_flags)?;
        let certificate_key = *certificate.address();
        let certificate = load_owned_certificate(certificate, owner, program_id)?;
        Ok(Self {
            owner,
            certificate_key,
            certificate,
        })
    }
}

/// Checks a Borsh `String` argument: 1 to `max` bytes of UTF-8, or `err`
/// (a missing or truncated string is malformed input, refused when the
/// arguments are read).
#[inline(always)]
pub(crate) fn bounded_text<'a>(
    text: Text<'a>,
    max: usize,
    err: CertificatesError,
) -> Result<&'a [u8], ProgramError> {
    let bytes = text.0;
    if bytes.is_empty() || bytes.len() > max || core::str::from_utf8(bytes).is_err() {
        return Err(err.into());
    }
    Ok(bytes)
}

/// An account about to be created at a program address: system-owned,
/// empty, writable, and not a transaction signer (so that only the program's
/// own PDA signature can let the system program create it).
#[inline(always)]
pub(crate) fn uninitialized_pda(account: &AccountView) -> Result<(), ProgramError> {
    joule_common::validate::uninitialized(account)?;
    if account.is_signer() {
        return Err(FrameworkError::ConstraintSeeds.into());
    }
    Ok(())
}

/// Takes `id` for a new certificate: it must lie in
/// `[next_certificate_id, next_certificate_id + MAX_ID_SKIP)`; the config's
/// next id becomes `id + 1`. Returns the id.
#[inline(always)]
pub(crate) fn claim_certificate_id(config: &mut Config, id: u64) -> Result<u64, ProgramError> {
    use crate::state::MAX_ID_SKIP;
    let next = config.next_certificate_id;
    let limit = next
        .checked_add(MAX_ID_SKIP)
        .ok_or(CertificatesError::ArithmeticOverflow)?;
    if id < next || id >= limit {
        return Err(CertificatesError::InvalidCertificateId.into());
    }
    // id < limit <= u64::MAX, so id + 1 cannot overflow.
    config.next_certificate_id = id
        .checked_add(1)
        .ok_or(CertificatesError::ArithmeticOverflow)?;
    Ok(id)
}

/// Takes `index` for a new part split off `parent`: it must lie in
/// `[split_count, split_count + MAX_SPLIT_INDEX_SKIP)`; the parent's
/// `split_count` becomes `index + 1`. Returns the index.
#[inline(always)]
pub(crate) fn claim_split_index(parent: &mut Certificate, index: u32) -> Result<u32, ProgramError> {
    use crate::state::MAX_SPLIT_INDEX_SKIP;
    let next = parent.split_count;
    let limit = next
        .checked_add(MAX_SPLIT_INDEX_SKIP)
        .ok_or(CertificatesError::ArithmeticOverflow)?;
    if index < next || index >= limit {
        return Err(CertificatesError::InvalidSplitIndex.into());
    }
    parent.split_count = index
        .checked_add(1)
        .ok_or(CertificatesError::ArithmeticOverflow)?;
    Ok(index)
}

/// Creates a `Certificate` PDA (bump 255) with `rent` lamports (its
/// rent-exempt minimum), paid by `payer`, signing with `signer` (the
/// account's seeds). `account` must have passed [`uninitialized_pda`]: as
/// it is not a transaction signer, the system program can only create it if
/// it is exactly the address this program signs for.
#[inline(always)]
pub(crate) fn create_certificate_account(
    payer: &AccountView,
    account: &AccountView,
    signer: pinocchio::cpi::Signer,
    rent: u64,
    program_id: &Address,
) -> Result<(), ProgramError> {
    use joule_common::account::AccountState;
    joule_common::cpi::create_pda_account_with_rent(
        payer,
        account,
        Certificate::SPACE,
        program_id,
        signer,
        rent,
    )
}

/// Copies bounded text into a fixed field (zeroing what follows it) and
/// returns its length.
#[inline(always)]
pub(crate) fn store_text<const N: usize>(field: &mut [u8; N], text: &[u8]) -> u8 {
    let n = text.len().min(N).min(u8::MAX as usize);
    *field = [0; N];
    field[..n].copy_from_slice(&text[..n]);
    n as u8
}
