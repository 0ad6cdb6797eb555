use super::super::{load_config_unpaused, load_meter_mut};
use crate::{
    error::RegistryError,
    events::EnergyMinted,
    state::{PAUSE_REGISTRY, SEED_CONFIG},
};
use joule_common::{
    args::Args,
    event::emit,
    token::{self, TOKEN_PROGRAM_ID},
    validate,
};
use pinocchio::{cpi::Signer, AccountView, Address, ProgramResult};

/// `mint_energy()`: mints the meter's exported energy not yet minted
/// (`exported_wh - minted_wh`, 1 unit per Wh) to the meter owner's energy
/// token account and records it in `Meter::minted_wh`. Permissionless (a
/// keeper may crank it for the owner): the tokens can only go to an account
/// the meter owner owns. Minting nothing is a no-op, so cranks are safe to
/// repeat.
///
/// Accounts: `[config, meter (w), energy_mint (w), owner_token (w), token_program]`.
pub fn process(program_id: &Address, accounts: &mut [AccountView], args: &[u8]) -> ProgramResult {
    Args::new(args).finish()?;
    let ([config, meter, energy_mint, owner_token, token_program], _) =
        validate::take::<5>(accounts)?;
    let cfg = load_config_unpaused(config, program_id, PAUSE_REGISTRY)?;
    let config_bump = cfg.bump;
    validate::address(energy_mint, &cfg.energy_mint)?;
    drop(cfg);
    validate::program(token_program, &TOKEN_PROGRAM_ID)?;

    let meter_key = *meter.address();
    let mut m = load_meter_mut(meter, program_id)?;
    if !m.is_active() {
        return Err(RegistryError::MeterNotActive.into());
    }
    token::token_account_of(owner_token, energy_mint.address(), &m.owner)?;
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
