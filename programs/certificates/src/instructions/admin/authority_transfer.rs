use super::super::load_config_as_authority;
use crate::{
    error::CertificatesError,
    events::{AuthorityAccepted, AuthorityProposed},
    state::Config,
};
use joule_common::{account::load_mut, args::Args, event::emit, validate};
use pinocchio::{AccountView, Address, ProgramResult};

/// `propose_authority(new_authority)`: the certificate authority names a
/// successor, who must accept. Proposing the default address withdraws a
/// proposal. Changes `Config::pending_authority` only.
///
/// Accounts: `[authority (s), config (w)]`.
pub fn propose(program_id: &Address, accounts: &mut [AccountView], args: &[u8]) -> ProgramResult {
    let mut args = Args::new(args);
    let new_authority = *args.address()?;
    args.finish()?;
    let ([authority, config], _) = validate::take::<2>(accounts)?;
    drop(load_config_as_authority(config, authority, program_id)?);
    let mut cfg = load_mut::<Config>(config, program_id)?;
    cfg.pending_authority = new_authority;
    emit(&AuthorityProposed {
        authority: cfg.authority,
        pending_authority: new_authority,
    });
    Ok(())
}

/// `accept_authority()`: the proposed authority signs and becomes the
/// certificate authority. Changes `Config::authority` and clears
/// `pending_authority`.
///
/// Accounts: `[new_authority (s), config (w)]`.
pub fn accept(program_id: &Address, accounts: &mut [AccountView], args: &[u8]) -> ProgramResult {
    Args::new(args).finish()?;
    let ([new_authority, config], _) = validate::take::<2>(accounts)?;
    validate::signer(new_authority)?;
    let mut cfg = load_mut::<Config>(config, program_id)?;
    if cfg.pending_authority == Address::default()
        || &cfg.pending_authority != new_authority.address()
    {
        return Err(CertificatesError::NotPendingAuthority.into());
    }
    let old_authority = cfg.authority;
    cfg.authority = cfg.pending_authority;
    cfg.pending_authority = Address::default();
    emit(&AuthorityAccepted {
        old_authority,
        new_authority: cfg.authority,
    });
    Ok(())
}
