use super::super::require_unpaused;
use crate::{
    error::RegistryError,
    events::MeterRegistered,
    state::{
        Config, Meter, MeterKind, MeterStatus, MAX_RATED_POWER_W, PAUSE_REGISTRY, SEED_METER,
        STATE_VERSION,
    },
    wire::register_meter,
};
use joule_common::{
    account::{init_zeroed, load, AccountState},
    cpi::{self, create_pda_account},
    event::emit,
    pda, validate,
};
use pinocchio::{cpi::Signer, error::ProgramError, AccountView, Address, ProgramResult};

/// The arguments of `register_meter`, checked beyond their Borsh shape
/// (the kind is checked as it is read): the rated power is above zero and
/// at most `MAX_RATED_POWER_W`.
pub struct RegisterMeterArgs {
    pub meter_id: [u8; 32],
    pub utility_id: [u8; 16],
    pub kind: MeterKind,
    pub rated_power_w: u64,
    pub bump: u8,
}

impl RegisterMeterArgs {
    fn parse(data: &[u8]) -> Result<Self, ProgramError> {
        let args = register_meter::Args::parse(data)?;
        if args.rated_power_w == 0 || args.rated_power_w > MAX_RATED_POWER_W {
            return Err(RegistryError::InvalidRatedPower.into());
        }
        Ok(Self {
            meter_id: *args.meter_id,
            utility_id: *args.utility_id,
            kind: args.kind,
            rated_power_w: args.rated_power_w,
            bump: args.bump,
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
        let (named, _) = register_meter::Accounts::split(accounts)?;
        let register_meter::Accounts {
            owner,
            config,
            meter,
            system_program,
        } = register_meter::Accounts::from_array(named);
        validate::writable_signer(owner)?;
        require_unpaused(&*load::<Config>(config, program_id)?, PAUSE_REGISTRY)?;
        validate::uninitialized(meter)?;
        cpi::system_program(system_program)?;
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
