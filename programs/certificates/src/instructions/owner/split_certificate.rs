use super::super::{check_unpaused, create_certificate_account, load_owned_certificate, uninitialized_pda};
use crate::{
    error::CertificatesError,
    events::CertificateSplit,
    state::{Certificate, Config, PAUSE_TRANSFER},
};
use joule_common::{
    account::{init, load_mut},
    args::Args,
    cpi::system_program,
    event::emit,
    validate,
};
use pinocchio::{error::ProgramError, AccountView, Address, ProgramResult};
macro_rules! cu { () => { unsafe { pinocchio::syscalls::sol_log_compute_units_() } }; }

/// Arguments of `split_certificate`.
pub struct SplitArgs {
    /// What the original certificate keeps.
    pub keep_wh: u64,
    /// What the new certificate receives.
    pub split_wh: u64,
    /// Owner of the new certificate (may be the signer).
    pub new_owner: Address,
    /// Canonical bump of `["certificate", next_certificate_id]` (checked on-chain).
    pub bump: u8,
}

impl SplitArgs {
    fn parse(data: &[u8]) -> Result<Self, ProgramError> {
        let mut args = Args::new(data);
        let keep_wh = args.u64()?;
        let split_wh = args.u64()?;
        let new_owner = *args.address()?;
        let bump = args.u8()?;
        args.finish()?;
        if keep_wh == 0 || split_wh == 0 {
            return Err(CertificatesError::ZeroAmount.into());
        }
        if new_owner == Address::default() {
            return Err(CertificatesError::InvalidNewOwner.into());
        }
        Ok(Self { keep_wh, split_wh, new_owner, bump })
    }
}

/// `split_certificate(keep_wh, split_wh, new_owner, bump)`: the owner splits
/// an active certificate in two. The original keeps `keep_wh`; a new
/// `Certificate` PDA `["certificate", next_certificate_id]` receives
/// `split_wh` and belongs to `new_owner` (rent paid by `payer`). Both parts
/// are non-zero and must sum exactly to the original amount; both keep the
/// meter, utility, period, source and issue time, and the new part records
/// the original as its parent. Increments `Config::next_certificate_id`.
///
/// Accounts: `[owner (s), payer (s, w), config (w), certificate (w),
/// new_certificate (w), system_program]`.
pub fn process(program_id: &Address, accounts: &mut [AccountView], args: &[u8]) -> ProgramResult {
    cu!();
    let args = SplitArgs::parse(args)?;
    cu!();
    let ([owner, payer, config, certificate, new_certificate, system], _) = validate::take::<6>(accounts)?;
    cu!();
    validate::writable_signer(payer)?;
    cu!();
    let mut cfg = load_mut::<Config>(config, program_id)?;
    cu!();
    check_unpaused(&cfg, PAUSE_TRANSFER)?;
    cu!();
    let key = *certificate.address();
    cu!();
    let mut cert = load_owned_certificate(certificate, owner, program_id)?;
    cu!();
    let total = args.keep_wh.checked_add(args.split_wh).ok_or(CertificatesError::SplitAmountMismatch)?;
    cu!();
    if total != cert.amount_wh {
        return Err(CertificatesError::SplitAmountMismatch.into());
    }
    uninitialized_pda(new_certificate)?;
    cu!();
    system_program(system)?;
    cu!();

    let new_id = cfg.next_certificate_id;
    cu!();
    cfg.next_certificate_id = new_id.checked_add(1).ok_or(CertificatesError::ArithmeticOverflow)?;
    cu!();
    create_certificate_account(payer, new_certificate, new_id, args.bump, program_id)?;
    cu!();

    let mut part: Certificate = *cert;
    cu!();
    part.id = new_id;
    cu!();
    part.parent_id = cert.id;
    cu!();
    part.amount_wh = args.split_wh;
    cu!();
    part.owner = args.new_owner;
    cu!();
    part.bump = args.bump;
    cu!();
    cert.amount_wh = args.keep_wh;
    cu!();
    init(new_certificate, &part)?;
    cu!();
    emit(&CertificateSplit {
        certificate: key,
        id: cert.id,
        new_certificate: *new_certificate.address(),
        new_id,
        owner: *owner.address(),
        new_owner: args.new_owner,
        amount_wh_before: total,
        amount_wh_after: args.keep_wh,
        new_amount_wh: args.split_wh,
    });
    cu!();
    Ok(())
}
