use super::super::{
    claim_split_index, create_certificate_account, load_owned_certificate, require_unpaused,
    uninitialized_pda,
};
use crate::wire::split_certificate;
use crate::{
    error::CertificatesError,
    events::CertificateSplit,
    state::{Certificate, Config, CERTIFICATE_BUMP, PAUSE_TRANSFER, SEED_SPLIT},
};
use joule_common::{
    account::{init_zeroed, load, AccountState},
    cpi,
    event::emit,
    sysvar::minimum_balance_from_account,
    validate,
};
use pinocchio::{
    account::RefMut, cpi::Signer, error::ProgramError, AccountView, Address, ProgramResult,
};

/// Reads the arguments and checks them beyond their Borsh shape: both
/// parts non-zero, a new owner other than the default address. Returns
/// them with the new owner copied out of the instruction data.
#[inline(always)]
fn parse_args(data: &[u8]) -> Result<(split_certificate::Args<'_>, Address), ProgramError> {
    let args = split_certificate::Args::parse(data)?;
    let new_owner = *args.new_owner;
    if args.keep_wh == 0 || args.split_wh == 0 {
        return Err(CertificatesError::ZeroAmount.into());
    }
    if new_owner == Address::default() {
        return Err(CertificatesError::InvalidNewOwner.into());
    }
    Ok((args, new_owner))
}

/// Accounts of `split_certificate`.
pub struct SplitCertificateAccounts<'a> {
    /// `[signer, writable]` pays for the new part.
    pub payer: &'a AccountView,
    /// The original's address.
    pub certificate_key: Address,
    /// `[writable]` an active `Certificate` of this program owned by the
    /// signing owner.
    pub certificate: RefMut<'a, Certificate>,
    /// `[writable]` the new part, not yet created and not a signer (its
    /// address is checked when this program signs its creation).
    pub new_certificate: &'a mut AccountView,
    /// The Rent sysvar (checked when read).
    pub rent_sysvar: &'a AccountView,
}

impl<'a> SplitCertificateAccounts<'a> {
    #[inline(always)]
    pub fn parse(
        accounts: &'a mut [AccountView],
        program_id: &Address,
    ) -> Result<Self, ProgramError> {
        let (named, _) = split_certificate::Accounts::split(accounts)?;
        let split_certificate::Accounts {
            owner,
            payer,
            config,
            certificate,
            new_certificate,
            rent: rent_sysvar,
            system_program,
        } = split_certificate::Accounts::from_array(named);
        validate::writable_signer(payer)?;
        require_unpaused(&*load::<Config>(config, program_id)?, PAUSE_TRANSFER)?;
        let certificate_key = *certificate.address();
        let certificate = load_owned_certificate(certificate, owner, program_id)?;
        uninitialized_pda(new_certificate)?;
        cpi::system_program(system_program)?;
        Ok(Self {
            payer,
            certificate_key,
            certificate,
            new_certificate,
            rent_sysvar,
        })
    }
}

/// `split_certificate(keep_wh, split_wh, new_owner, split_index)`: the
/// owner splits an active certificate in two. The original keeps `keep_wh`;
/// a new `Certificate` PDA `["split", certificate, split_index as u32 LE]`
/// receives `split_wh` and belongs to `new_owner` (rent paid by `payer`).
/// Both parts are non-zero and must sum exactly to the original amount; the
/// new part keeps the meter, utility, period, source, issue time and
/// issuance id, and records the original as its `parent`. `split_index` is
/// the next usable index from the original's `split_count`, which moves
/// past it. The config is only read (pause): splits take nothing from the
/// issuance id space, so no split can block an issue.
///
/// Accounts: `[owner (s), payer (s, w), config, certificate (w),
/// new_certificate (w), rent_sysvar, system_program]`. (The rent sysvar is
/// read as an account: about 110 CU cheaper than the syscall, which keeps
/// a split, account creation included, within 2,000 CU.)
pub fn process(program_id: &Address, accounts: &mut [AccountView], args: &[u8]) -> ProgramResult {
    let (args, new_owner) = parse_args(args)?;
    let SplitCertificateAccounts {
        payer,
        certificate_key: key,
        certificate: mut cert,
        new_certificate,
        rent_sysvar,
    } = SplitCertificateAccounts::parse(accounts, program_id)?;

    let before = cert.amount_wh;
    if args.keep_wh.checked_add(args.split_wh) != Some(before) {
        return Err(CertificatesError::SplitAmountMismatch.into());
    }
    let index = claim_split_index(&mut cert, args.split_index)?;
    let index_le = index.to_le_bytes();
    // The new part's address is not checked here: the runtime refuses to
    // sign its creation for any address but `["split", certificate,
    // index, 255]` (PrivilegeEscalation). Naming that error would cost one
    // more hash (about 230 CU), over this instruction's budget.
    let rent = minimum_balance_from_account(rent_sysvar, Certificate::SPACE)?;
    let bump = [CERTIFICATE_BUMP];
    let seeds = pinocchio::instruction::seeds!(SEED_SPLIT, key.as_ref(), &index_le, &bump);
    create_certificate_account(
        payer,
        new_certificate,
        Signer::from(&seeds),
        rent,
        program_id,
    )?;

    // The new part starts as a copy of the original (discriminator, issuance
    // id, meter, utility, period, source, issue time, bump), then takes its
    // own amount, owner, parent link and index, and no splits of its own.
    cert.amount_wh = args.keep_wh;
    {
        let mut part = init_zeroed::<Certificate>(new_certificate)?;
        *part = *cert;
        part.amount_wh = args.split_wh;
        part.owner = new_owner;
        part.parent = key;
        part.split_index = index;
        part.split_count = 0;
    }
    emit(&CertificateSplit {
        certificate: key,
        split_index: index,
        new_owner,
        amount_wh_before: before,
        amount_wh_after: args.keep_wh,
        new_amount_wh: args.split_wh,
    });
    Ok(())
}
