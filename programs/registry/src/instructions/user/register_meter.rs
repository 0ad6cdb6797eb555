use super::super::require_unpaused;
use crate::{
    error::RegistryError,
    events::MeterRegistered,
    state::{
        Config, Meter, MeterKind, MeterStatus, MAX_RATED_POWER_W, PAUSE_REGISTRY, SEED_METER,
        STATE_VERSION,
    },
};
use joule_common::{
    account::{init_zeroed, load, AccountState},
    args::Args,
    cpi::{create_pda_account, system_program},
    event::emit,
    pda, validate,
};
use pinocchio::{cpi::Signer, error::ProgramError, AccountView, Address, ProgramResult};

/// Arguments of `register_meter`.
pub struct RegisterMeterArgs {
    pub meter_id: [u8; 32],
    pub utility_id: [u8; 16],
    pub kind: MeterKind,
    pub rated_power_w: u64,
    /// Canonical bump of `["meter", meter_id]` (checked on-chain).
    pub bump: u8,
}

impl RegisterMeterArgs {
    fn parse(data: &[u8]) -> Result<Self, ProgramError> {
        let mut args = Args::new(data);
        let meter_id = *args.bytes::<32>()?;
        let utility_id = *args.bytes::<16>()?;
        let kind = args.u8()?;
        let rated_power_w = args.u64()?;
        let bump = args.u8()?;
        args.finish()?;
        let kind =
            MeterKind::from_u8(kind).ok_or(ProgramError::from(RegistryError::InvalidMeterKind))?;
        if rated_power_w == 0 || rated_power_w > MAX_RATED_POWER_W {
            return Err(RegistryError::InvalidRatedPower.into());
        }
        Ok(Self {
            meter_id,
            utility_id,
            kind,
            rated_power_w,
            bump,
        })
    }
}

/// Accounts of `register_meter`.
pub struct RegisterMeterAccounts<'a> {
    /// `[signer, writable]` the meter's owner; pays for the meter.
    pub owner: &'a AccountView,
    /// `[writable]` the `Meter` PDA `["meter", meter_id]` (canonical bump),
    /// created here.
    pub meter: &'a mut AccountView,
}

impl<'a> RegisterMeterAccounts<'a> {
    #[inline(always)]
    pub fn parse(
        accounts: &'a mut [AccountView],
        program_id: &Address,
        args: &RegisterMeterArgs,
    ) -> Result<Self, ProgramError> {
        let ([owner, config, meter, system], _) = validate::take::<4>(accounts)?;
        validate::writable_signer(owner)?;
        require_unpaused(&*load::<Config>(config, program_id)?, PAUSE_REGISTRY)?;
        validate::uninitialized(meter)?;
        system_program(system)?;
        pda::verify_canonical(
            &[SEED_METER, &args.meter_id],
            args.bump,
            program_id,
            meter.address(),
        )?;
        Ok(Self { owner, meter })
    }
}

/// `register_meter(meter_id, utility_id, kind, rated_power_w, bump)`: the
/// owner registers a physical meter. Creates the `Meter` PDA
/// `["meter", meter_id]` in status pending, paid by the owner. The bump must
/// be the canonical one, so a meter id can exist once, whoever registers it.
///
/// Accounts: `[owner (s, w), config, meter (w), system_program]`.
pub fn process(program_id: &Address, accounts: &mut [AccountView], args: &[u8]) -> ProgramResult {
    let args = RegisterMeterArgs::parse(args)?;
    let RegisterMeterAccounts { owner, meter } =
        RegisterMeterAccounts::parse(accounts, program_id, &args)?;

    let bump = [args.bump];
    let seeds = pinocchio::instruction::seeds!(SEED_METER, &args.meter_id, &bump);
    create_pda_account(owner, meter, Meter::SPACE, program_id, Signer::from(&seeds))?;

    let now = joule_common::sysvar::unix_timestamp()?;
    let key = *meter.address();
    // The account is zeroed by its creation: set only the non-zero fields.
    let mut m = init_zeroed::<Meter>(meter)?;
    m.owner = *owner.address();
    m.meter_id = args.meter_id;
    m.utility_id = args.utility_id;
    m.rated_power_w = args.rated_power_w;
    m.registered_at = now;
    m.kind = args.kind as u8;
    m.status = MeterStatus::Pending as u8;
    m.version = STATE_VERSION;
    m.bump = args.bump;
    emit(&MeterRegistered {
        meter: key,
        owner: m.owner,
        utility_id: m.utility_id,
        rated_power_w: m.rated_power_w,
        kind: m.kind,
    });
    Ok(())
}
