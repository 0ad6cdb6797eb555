use super::super::{
    check_unpaused, claim_certificate_id, create_certificate_account, load_owned_certificate,
    uninitialized_pda,
};
use crate::{
    error::CertificatesError,
    events::CertificateSplit,
    state::{Certificate, Config, PAUSE_TRANSFER},
};
use joule_common::{
    account::{init_zeroed, load_mut, AccountState},
    args::Args,
    cpi::system_program,
    event::emit,
    sysvar::minimum_balance_from_account,
    validate,
};
use pinocchio::{error::ProgramError, AccountView, Address, ProgramResult};

/// Arguments of `split_certificate`.
pub struct SplitArgs {
    /// What the original certificate keeps.
    pub keep_wh: u64,
    /// What the new certificate receives.
    pub split_wh: u64,
    /// Owner of the new certificate (may be the signer).
    pub new_owner: Address,
    /// The new certificate's id (see `claim_certificate_id`).
    pub new_id: u64,
}

impl SplitArgs {
    #[inline(always)]
    fn parse(data: &[u8]) -> Result<Self, ProgramError> {
        let mut args = Args::new(data);
        let keep_wh = args.u64()?;
        let split_wh = args.u64()?;
        let new_owner = *args.address()?;
        let new_id = args.u64()?;
        args.finish()?;
        if keep_wh == 0 || split_wh == 0 {
            return Err(CertificatesError::ZeroAmount.into());
        }
        if new_owner == Address::default() {
            return Err(CertificatesError::InvalidNewOwner.into());
        }
        Ok(Self {
            keep_wh,
            split_wh,
            new_owner,
            new_id,
        })
    }
}

/// `split_certificate(keep_wh, split_wh, new_owner, new_id)`: the owner
/// splits an active certificate in two. The original keeps `keep_wh`; a new
/// `Certificate` PDA `["certificate", new_id]` receives `split_wh` and
/// belongs to `new_owner` (rent paid by `payer`). Both parts are non-zero
/// and must sum exactly to the original amount; the new part keeps the
/// meter, utility, period, source and issue time, and records the original
/// as its parent. `new_id` is the next usable id, after which
/// `Config::next_certificate_id` moves.
///
/// Accounts: `[owner (s), payer (s, w), config (w), certificate (w),
/// new_certificate (w), rent_sysvar, system_program]`. (The rent sysvar is
/// read as an account: about 110 CU cheaper than the syscall, which keeps
/// a split, account creation included, within 2,000 CU.)
pub fn process(program_id: &Address, accounts: &mut [AccountView], args: &[u8]) -> ProgramResult {
    let args = SplitArgs::parse(args)?;
    let ([owner, payer, config, certificate, new_certificate, rent_sysvar, system], _) =
        validate::take::<7>(accounts)?;
    validate::writable_signer(payer)?;
    let mut cfg = load_mut::<Config>(config, program_id)?;
    check_unpaused(&cfg, PAUSE_TRANSFER)?;
    let mut cert = load_owned_certificate(certificate, owner, program_id)?;
    let before = cert.amount_wh;
    if args.keep_wh.checked_add(args.split_wh) != Some(before) {
        return Err(CertificatesError::SplitAmountMismatch.into());
    }
    uninitialized_pda(new_certificate)?;
    system_program(system)?;
    let new_id = claim_certificate_id(&mut cfg, args.new_id)?;
    drop(cfg);
    let rent = minimum_balance_from_account(rent_sysvar, Certificate::SPACE)?;
    create_certificate_account(payer, new_certificate, new_id, rent, program_id)?;

    // The new part starts as a copy of the original (discriminator, meter,
    // utility, period, source, issue time, bump), then takes its own id,
    // parent, amount and owner.
    let id = cert.id;
    cert.amount_wh = args.keep_wh;
    {
        let mut part = init_zeroed::<Certificate>(new_certificate)?;
        *part = *cert;
        part.id = new_id;
        part.parent_id = id;
        part.amount_wh = args.split_wh;
        part.owner = args.new_owner;
    }
    emit(&CertificateSplit {
        id,
        new_id,
        new_owner: args.new_owner,
        amount_wh_before: before,
        amount_wh_after: args.keep_wh,
        new_amount_wh: args.split_wh,
    });
    Ok(())
}
