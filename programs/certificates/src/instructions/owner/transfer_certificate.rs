use super::super::{check_unpaused, load_owned_certificate};
use crate::{
    error::CertificatesError,
    events::CertificateTransferred,
    state::{Config, PAUSE_TRANSFER},
};
use joule_common::{account::load, args::Args, event::emit, validate};
use pinocchio::{AccountView, Address, ProgramResult};

/// `transfer_certificate(new_owner)`: the owner transfers an active
/// certificate, whole, to `new_owner`. Changes `Certificate::owner` only.
///
/// Accounts: `[owner (s), config, certificate (w)]`.
pub fn process(program_id: &Address, accounts: &mut [AccountView], args: &[u8]) -> ProgramResult {
    let mut args = Args::new(args);
    let new_owner = *args.address()?;
    args.finish()?;
    if new_owner == Address::default() {
        return Err(CertificatesError::InvalidNewOwner.into());
    }
    let ([owner, config, certificate], _) = validate::take::<3>(accounts)?;
    check_unpaused(&*load::<Config>(config, program_id)?, PAUSE_TRANSFER)?;
    let key = *certificate.address();
    let mut cert = load_owned_certificate(certificate, owner, program_id)?;
    cert.owner = new_owner;
    emit(&CertificateTransferred {
        certificate: key,
        id: cert.id,
        old_owner: *owner.address(),
        new_owner,
        amount_wh: cert.amount_wh,
    });
    Ok(())
}
