use super::super::{load_meter_mut, require_unpaused};
use crate::wire::record_certified;
use crate::{
    error::RegistryError,
    events::EnergyCertified,
    state::{Config, Meter, CERTIFIER_AUTHORITY, PAUSE_CERTIFICATES, PAUSE_REGISTRY},
};
use joule_common::{account::load, event::emit};
use pinocchio::{account::RefMut, error::ProgramError, AccountView, Address, ProgramResult};

/// Accounts of `record_certified`.
pub struct RecordCertifiedAccounts<'a> {
    /// The meter's address.
    pub meter_key: Address,
    /// `[writable]` a `Meter` of this program.
    pub meter: RefMut<'a, Meter>,
}

impl<'a> RecordCertifiedAccounts<'a> {
    #[inline(always)]
    pub fn parse(
        accounts: &'a mut [AccountView],
        program_id: &Address,
    ) -> Result<Self, ProgramError> {
        let (named, _) = record_certified::Accounts::split(accounts)?;
        let record_certified::Accounts {
            certifier,
            config,
            meter,
        } = record_certified::Accounts::from_array(named);
        // `[signer]` the certificates program's PDA `["certifier"]`.
        if certifier.address() != &CERTIFIER_AUTHORITY || !certifier.is_signer() {
            return Err(RegistryError::NotCertifier.into());
        }
        require_unpaused(
            &*load::<Config>(config, program_id)?,
            PAUSE_REGISTRY | PAUSE_CERTIFICATES,
        )?;
        let meter_key = *meter.address();
        let meter = load_meter_mut(meter, program_id)?;
        Ok(Self { meter_key, meter })
    }
}

/// `record_certified(amount_wh, period_start, period_end)`: records that
/// `amount_wh` of the meter's exported energy has been certified, so it can
/// never be certified again. Only the certificates program can call it: the
/// signer must be its PDA `["certifier"]`, which only it can sign for (by
/// CPI). The meter must be active and renewable, the period must start
/// before it ends and end no later than the meter's last reading, and the
/// amount must not exceed `exported_wh - certified_wh`.
///
/// Accounts: `[certifier (s), config, meter (w)]`.
pub fn process(program_id: &Address, accounts: &mut [AccountView], args: &[u8]) -> ProgramResult {
    let record_certified::Args {
        amount_wh: amount,
        period_start,
        period_end,
    } = record_certified::Args::parse(args)?;
    if amount == 0 {
        return Err(RegistryError::ZeroAmount.into());
    }
    let RecordCertifiedAccounts {
        meter_key,
        meter: mut m,
    } = RecordCertifiedAccounts::parse(accounts, program_id)?;

    if !m.is_active() {
        return Err(RegistryError::MeterNotActive.into());
    }
    if !m.kind().is_some_and(|k| k.is_renewable()) {
        return Err(RegistryError::NotRenewable.into());
    }
    if period_start >= period_end || period_end > m.last_reading_ts {
        return Err(RegistryError::InvalidCertificationPeriod.into());
    }
    if amount > m.certifiable_wh() {
        return Err(RegistryError::CertificationExceedsExport.into());
    }
    let before = m.certified_wh;
    m.certified_wh = before
        .checked_add(amount)
        .ok_or(RegistryError::ArithmeticOverflow)?;
    emit(&EnergyCertified {
        meter: meter_key,
        amount_wh: amount,
        certified_wh_before: before,
        certified_wh_after: m.certified_wh,
        exported_wh: m.exported_wh,
    });
    Ok(())
}
