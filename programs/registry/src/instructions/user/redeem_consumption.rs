use super::super::{load_config_unpaused, load_meter_mut};
use crate::{error::RegistryError, events::ConsumptionRedeemed, state::PAUSE_REGISTRY};
use joule_common::{
    args::Args,
    event::emit,
    token::{self, TOKEN_PROGRAM_ID},
    validate,
};
use pinocchio::{AccountView, Address, ProgramResult};

/// `redeem_consumption(amount_wh)`: the meter owner burns `amount_wh` energy
/// tokens against the meter's imported energy not yet redeemed
/// (`imported_wh - redeemed_wh`). Adds to `Meter::redeemed_wh` and emits
/// `ConsumptionRedeemed`: the record a utility bills against.
///
/// Accounts: `[owner (s), config, meter (w), energy_mint (w), owner_token (w), token_program]`.
pub fn process(program_id: &Address, accounts: &mut [AccountView], args: &[u8]) -> ProgramResult {
    let mut args = Args::new(args);
    let amount = args.u64()?;
    args.finish()?;
    if amount == 0 {
        return Err(RegistryError::ZeroAmount.into());
    }
    let ([owner, config, meter, energy_mint, owner_token, token_program], _) =
        validate::take::<6>(accounts)?;
    validate::signer(owner)?;
    let cfg = load_config_unpaused(config, program_id, PAUSE_REGISTRY)?;
    validate::address(energy_mint, &cfg.energy_mint)?;
    drop(cfg);
    validate::program(token_program, &TOKEN_PROGRAM_ID)?;

    let meter_key = *meter.address();
    let mut m = load_meter_mut(meter, program_id)?;
    if &m.owner != owner.address() {
        return Err(RegistryError::NotMeterOwner.into());
    }
    if !m.is_active() {
        return Err(RegistryError::MeterNotActive.into());
    }
    if amount > m.redeemable_wh() {
        return Err(RegistryError::RedeemExceedsImported.into());
    }
    let held = token::token_account_of(owner_token, energy_mint.address(), owner.address())?;
    if held.amount < amount {
        return Err(RegistryError::InsufficientTokens.into());
    }
    let before = m.redeemed_wh;
    m.redeemed_wh = before
        .checked_add(amount)
        .ok_or(RegistryError::ArithmeticOverflow)?;
    let event = ConsumptionRedeemed {
        meter: meter_key,
        owner: *owner.address(),
        amount_wh: amount,
        redeemed_wh_before: before,
        redeemed_wh_after: m.redeemed_wh,
        imported_wh: m.imported_wh,
    };
    drop(m);

    token::burn(owner_token, energy_mint, owner, amount)?;
    emit(&event);
    Ok(())
}
