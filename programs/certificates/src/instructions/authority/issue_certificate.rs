use super::super::{
    claim_certificate_id, create_certificate_account, require_unpaused, uninitialized_pda,
};
use crate::wire::issue_certificate;
use crate::{
    error::CertificatesError,
    events::CertificateIssued,
    state::{
        Certificate, CertificateStatus, Config, CERTIFICATE_BUMP, PAUSE_ISSUE, SEED_CERTIFICATE,
        STATE_VERSION,
    },
};
use joule_common::{
    account::{init, load, load_mut, AccountState},
    cpi,
    event::emit,
    pda, validate,
};
use joule_registry::state::{
    Config as RegistryConfig, Meter, MeterKind, CERTIFIER_AUTHORITY, CERTIFIER_BUMP,
    CONFIG_ADDRESS as REGISTRY_CONFIG_ADDRESS, PAUSE_CERTIFICATES, PAUSE_REGISTRY, SEED_CERTIFIER,
};
use joule_registry::wire::record_certified;
use pinocchio::{
    account::RefMut,
    cpi::{invoke_signed, Signer},
    error::ProgramError,
    instruction::InstructionView,
    AccountView, Address, ProgramResult,
};

/// Size of the registry's `record_certified` data: discriminator, then
/// `amount_wh: u64, period_start: i64, period_end: i64`.
const RECORD_CERTIFIED_LEN: usize = 32;

/// Checks the arguments beyond their Borsh shape: a non-zero amount over a
/// period that starts before it ends.
#[inline(always)]
fn check_args(args: &issue_certificate::Args) -> Result<(), ProgramError> {
    if args.amount_wh == 0 {
        return Err(CertificatesError::ZeroAmount.into());
    }
    if args.period_start >= args.period_end {
        return Err(CertificatesError::InvalidPeriod.into());
    }
    Ok(())
}

/// What the meter says about the energy being certified, read before the
/// registry CPI.
pub struct MeterFacts {
    pub owner: Address,
    pub utility_id: [u8; 16],
    pub kind: u8,
    pub active: bool,
    pub renewable: bool,
    pub last_reading_ts: i64,
    pub certified_wh: u64,
    pub certifiable_wh: u64,
    pub exported_wh: u64,
}

/// Reads a registry meter: an account the registry does not own fails
/// with this program's `MeterNotRegistered`.
#[inline(always)]
fn read_meter(meter: &AccountView) -> Result<MeterFacts, ProgramError> {
    if !meter.owned_by(&joule_registry::ID) {
        return Err(CertificatesError::MeterNotRegistered.into());
    }
    let m = load::<Meter>(meter, &joule_registry::ID)?;
    Ok(MeterFacts {
        owner: m.owner,
        utility_id: m.utility_id,
        kind: m.kind,
        active: m.is_active(),
        renewable: m.kind().is_some_and(MeterKind::is_renewable),
        last_reading_ts: m.last_reading_ts,
        certified_wh: m.certified_wh,
        certifiable_wh: m.certifiable_wh(),
        exported_wh: m.exported_wh,
    })
}

/// Accounts of `issue_certificate`.
pub struct IssueCertificateAccounts<'a> {
    /// `[signer, writable]` pays for the certificate.
    pub payer: &'a AccountView,
    /// `[writable]` the certificates `Config`, whose authority signed, not
    /// paused for issuance.
    pub config: RefMut<'a, Config>,
    /// `[writable]` the `Certificate` PDA `["certificate", id]`, created here.
    pub certificate: &'a mut AccountView,
    /// The registry `Config`, not paused for the registry or certificates.
    pub registry_config: &'a AccountView,
    /// `[writable]` a registry `Meter`.
    pub meter: &'a AccountView,
    /// What the meter holds.
    pub meter_facts: MeterFacts,
    /// This program's PDA `["certifier"]`, which signs the registry hook.
    pub certifier: &'a AccountView,
}

impl<'a> IssueCertificateAccounts<'a> {
    #[inline(always)]
    pub fn parse(
        accounts: &'a mut [AccountView],
        program_id: &Address,
        id: u64,
    ) -> Result<Self, ProgramError> {
        let (named, _) = issue_certificate::Accounts::split(accounts)?;
        let issue_certificate::Accounts {
            authority,
            payer,
            config,
            certificate,
            registry_config,
            meter,
            certifier,
            registry_program,
            system_program,
        } = issue_certificate::Accounts::from_array(named);
        validate::signer(authority)?;
        validate::writable_signer(payer)?;
        let config = load_mut::<Config>(config, program_id)?;
        if &config.authority != authority.address() {
            return Err(CertificatesError::NotAuthority.into());
        }
        require_unpaused(&config, PAUSE_ISSUE)?;
        uninitialized_pda(certificate)?;
        // The runtime would refuse a wrong address too (when signing the
        // creation); checking it here names the error.
        pda::verify_canonical(
            &[SEED_CERTIFICATE, &id.to_le_bytes()],
            CERTIFICATE_BUMP,
            program_id,
            certificate.address(),
        )?;
        validate::address(registry_config, &REGISTRY_CONFIG_ADDRESS)?;
        if load::<RegistryConfig>(registry_config, &joule_registry::ID)?
            .is_paused(PAUSE_REGISTRY | PAUSE_CERTIFICATES)
        {
            return Err(CertificatesError::RegistryPaused.into());
        }
        validate::writable(meter)?;
        let meter_facts = read_meter(meter)?;
        validate::address(certifier, &CERTIFIER_AUTHORITY)?;
        validate::program(registry_program, &joule_registry::ID)?;
        cpi::system_program(system_program)?;
        Ok(Self {
            payer,
            config,
            certificate,
            registry_config,
            meter,
            meter_facts,
            certifier,
        })
    }
}

/// Checks the meter as the registry hook will, so that every refusal comes
/// back as this program's own error (clients decode a failed transaction's
/// code against the top-level program's IDL).
#[inline(always)]
fn check_meter(m: &MeterFacts, args: &issue_certificate::Args) -> Result<(), ProgramError> {
    if !m.active {
        return Err(CertificatesError::MeterNotActive.into());
    }
    if !m.renewable {
        return Err(CertificatesError::NotRenewable.into());
    }
    if args.period_end > m.last_reading_ts {
        return Err(CertificatesError::InvalidPeriod.into());
    }
    if args.amount_wh > m.certifiable_wh {
        return Err(CertificatesError::CertificationExceedsExport.into());
    }
    Ok(())
}

/// `issue_certificate(amount_wh, period_start, period_end, id)`: the
/// certificate authority certifies `amount_wh` of a renewable meter's
/// exported energy not yet certified, generated over
/// `[period_start, period_end]` (start before end, end no later than the
/// meter's last reading). Records it in the meter's `certified_wh` through
/// the registry's `record_certified` hook, signed by this program's PDA
/// `["certifier"]`, and creates the `Certificate` PDA `["certificate", id]`
/// owned by the meter owner (rent paid by `payer`); `id` is the next usable
/// id (see `CERTIFICATE_BUMP`), after which `Config::next_certificate_id`
/// moves. Only this instruction consumes ids (split parts have their own
/// address space), so no holder can take the id the authority is issuing.
///
/// Accounts: `[authority (s), payer (s, w), config (w), certificate (w),
/// registry_config, meter (w), certifier, registry_program, system_program]`.
pub fn process(program_id: &Address, accounts: &mut [AccountView], args: &[u8]) -> ProgramResult {
    let args = issue_certificate::Args::parse(args)?;
    check_args(&args)?;
    let IssueCertificateAccounts {
        payer,
        mut config,
        certificate,
        registry_config,
        meter,
        meter_facts: facts,
        certifier,
    } = IssueCertificateAccounts::parse(accounts, program_id, args.id)?;

    check_meter(&facts, &args)?;
    let id = claim_certificate_id(&mut config, args.id)?;
    drop(config);
    let rent = joule_common::sysvar::minimum_balance(Certificate::SPACE)?;
    let id_le = id.to_le_bytes();
    let bump = [CERTIFICATE_BUMP];
    let seeds = pinocchio::instruction::seeds!(SEED_CERTIFICATE, &id_le, &bump);
    create_certificate_account(payer, certificate, Signer::from(&seeds), rent, program_id)?;

    // The registry's record_certified, encoded with the registry's wire
    // contract and signed by ["certifier"].
    let data = record_certified::Args {
        amount_wh: args.amount_wh,
        period_start: args.period_start,
        period_end: args.period_end,
    }
    .data_in::<RECORD_CERTIFIED_LEN>();
    let metas = record_certified::Accounts {
        certifier: certifier.address(),
        config: registry_config.address(),
        meter: meter.address(),
    }
    .metas();
    let ix = InstructionView {
        program_id: &joule_registry::ID,
        // Never `None`: the arguments are exactly RECORD_CERTIFIED_LEN bytes.
        data: data.bytes().ok_or(ProgramError::InvalidInstructionData)?,
        accounts: &metas,
    };
    let bump = [CERTIFIER_BUMP];
    let seeds = pinocchio::instruction::seeds!(SEED_CERTIFIER, &bump);
    invoke_signed(
        &ix,
        &[certifier, registry_config, meter],
        &[Signer::from(&seeds)],
    )?;

    let certified_wh_after = facts
        .certified_wh
        .checked_add(args.amount_wh)
        .ok_or(CertificatesError::ArithmeticOverflow)?;
    let body = Certificate {
        id,
        split_count: 0,
        split_index: 0,
        amount_wh: args.amount_wh,
        period_start: args.period_start,
        period_end: args.period_end,
        issued_at: joule_common::sysvar::unix_timestamp()?,
        closed_at: 0,
        owner: facts.owner,
        meter: *meter.address(),
        beneficiary: Address::default(),
        utility_id: facts.utility_id,
        beneficiary_name: [0; crate::state::MAX_BENEFICIARY_NAME_LEN],
        reason: [0; crate::state::MAX_REASON_LEN],
        beneficiary_name_len: 0,
        reason_len: 0,
        source_kind: facts.kind,
        status: CertificateStatus::Active as u8,
        version: STATE_VERSION,
        bump: CERTIFICATE_BUMP,
        _padding: [0; 2],
        parent: Address::default(),
    };
    init(certificate, &body)?;
    emit(&CertificateIssued {
        certificate: *certificate.address(),
        id,
        owner: facts.owner,
        meter: body.meter,
        amount_wh: args.amount_wh,
        period_start: args.period_start,
        period_end: args.period_end,
        source_kind: facts.kind,
        certified_wh_before: facts.certified_wh,
        certified_wh_after,
        exported_wh: facts.exported_wh,
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_certified_fits_its_buffer() {
        let args = record_certified::Args {
            amount_wh: 1,
            period_start: 2,
            period_end: 3,
        };
        let buf = args.data_in::<RECORD_CERTIFIED_LEN>();
        assert_eq!(buf.bytes(), Some(args.data().as_slice()));
        assert_eq!(args.data().len(), RECORD_CERTIFIED_LEN);
    }
}
