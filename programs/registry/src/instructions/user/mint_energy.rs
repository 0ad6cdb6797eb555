use super::super::{load_meter_mut, require_unpaused};
use crate::wire::mint_energy;
use crate::{
    error::RegistryError,
    events::EnergyMinted,
    state::{Config, Meter, PAUSE_REGISTRY, SEED_CONFIG},
};
use joule_common::{
    account::load,
    event::emit,
    token::{self, TOKEN_PROGRAM_ID},
    validate,
};
use pinocchio::{
    account::RefMut, cpi::Signer, error::ProgramError, AccountView, Address, ProgramResult,
};

/// Accounts of `mint_energy`.
pub struct MintEnergyAccounts<'a> {
    /// The `Config` (registry not paused): the energy mint's authority.
    pub config: &'a AccountView,
    pub config_bump: u8,
    /// The meter's address.
    pub meter_key: Address,
    /// `[writable]` a `Meter` of this program.
    pub meter: RefMut<'a, Meter>,
    /// `[writable]` the config's energy mint.
    pub energy_mint: &'a AccountView,
    /// `[writable]` an energy token account of the meter's owner.
    pub owner_token: &'a AccountView,
}

impl<'a> MintEnergyAccounts<'a> {
    #[inline(always)]
    pub fn parse(
        accounts: &'a mut [AccountView],
        program_id: &Address,
    ) -> Result<Self, ProgramError> {
        let (named, _) = mint_energy::Accounts::split(accounts)?;
        let mint_energy::Accounts {
            config,
            meter,
            energy_mint,
            owner_token,
            token_program,
        } = mint_energy::Accounts::from_array(named);
        let cfg = load::<Config>(config, program_id)?;
        require_unpaused(&cfg, PAUSE_REGISTRY)?;
        let config_bump = cfg.bump;
        validate::address(energy_mint, &cfg.energy_mint)?;
        drop(cfg);
        validate::program(token_program, &TOKEN_PROGRAM_ID)?;
        let meter_key = *meter.address();
        let meter = load_meter_mut(meter, program_id)?;
        token::token_account_of(owner_token, energy_mint.address(), &meter.owner)?;
        Ok(Self {
            config,
            config_bump,
            meter_key,
            meter,
            energy_mint,
            owner_token,
        })
    }
}

/// `mint_energy()`: mints the meter's exported energy not yet minted
/// (`exported_wh - minted_wh`, 1 unit per Wh) to the meter owner's energy
/// token account and records it in `Meter::minted_wh`. Permissionless (a
/// keeper may crank it for the owner): the tokens can only go to an account
/// the meter owner owns. Minting nothing is a no-op, so cranks are safe to
/// repeat.
///
/// Accounts: `[config, meter (w), energy_mint (w), owner_token (w), token_program]`.
pub fn process(program_id: &Address, accounts: &mut [AccountView], args: &[u8]) -> ProgramResult {
    mint_energy::Args::parse(args)?;
    let MintEnergyAccounts {
        config,
        config_bump,
        meter_key,
        meter: mut m,
        energy_mint,
        owner_token,
    } = MintEnergyAccounts::parse(accounts, program_id)?;

    if !m.is_active() {
        return Err(RegistryError::MeterNotActive.into());
    }
    let amount = m
        .exported_wh
        .checked_sub(m.minted_wh)
        .ok_or(RegistryError::ArithmeticOverflow)?;
    if amount == 0 {
        return Ok(());
    }
    let before = m.minted_wh;
    m.minted_wh = m.exported_wh;
    let event = EnergyMinted {
        meter: meter_key,
        owner: m.owner,
        amount_wh: amount,
        minted_wh_before: before,
        minted_wh_after: m.minted_wh,
        exported_wh: m.exported_wh,
    };
    drop(m);

    let bump = [config_bump];
    let seeds = pinocchio::instruction::seeds!(SEED_CONFIG, &bump);
    token::mint_to(
        energy_mint,
        owner_token,
        config,
        amount,
        Signer::from(&seeds),
    )?;
    emit(&event);
    Ok(())
}
