use super::super::{load_meter_mut, require_unpaused};
use crate::wire::redeem_consumption;
use crate::{
    error::RegistryError,
    events::ConsumptionRedeemed,
    state::{Config, Meter, PAUSE_REGISTRY},
};
use joule_common::{
    account::load,
    event::emit,
    token::{self, TOKEN_PROGRAM_ID},
    validate,
};
use pinocchio::{account::RefMut, error::ProgramError, AccountView, Address, ProgramResult};

/// Accounts of `redeem_consumption`.
pub struct RedeemConsumptionAccounts<'a> {
    /// `[signer]` the meter's owner.
    pub owner: &'a AccountView,
    /// The meter's address.
    pub meter_key: Address,
    /// `[writable]` a `Meter` of this program owned by `owner`.
    pub meter: RefMut<'a, Meter>,
    /// `[writable]` the config's energy mint.
    pub energy_mint: &'a AccountView,
    /// `[writable]` an energy token account of `owner`.
    pub owner_token: &'a AccountView,
    /// The energy tokens `owner_token` holds.
    pub held: u64,
}

impl<'a> RedeemConsumptionAccounts<'a> {
    #[inline(always)]
    pub fn parse(
        accounts: &'a mut [AccountView],
        program_id: &Address,
    ) -> Result<Self, ProgramError> {
        let (named, _) = redeem_consumption::Accounts::split(accounts)?;
        let redeem_consumption::Accounts {
            owner,
            config,
            meter,
            energy_mint,
            owner_token,
            token_program,
        } = redeem_consumption::Accounts::from_array(named);
        validate::signer(owner)?;
        let cfg = load::<Config>(config, program_id)?;
        require_unpaused(&cfg, PAUSE_REGISTRY)?;
        validate::address(energy_mint, &cfg.energy_mint)?;
        drop(cfg);
        validate::program(token_program, &TOKEN_PROGRAM_ID)?;
        let meter_key = *meter.address();
        let meter = load_meter_mut(meter, program_id)?;
        if &meter.owner != owner.address() {
            return Err(RegistryError::NotMeterOwner.into());
        }
        let held =
            token::token_account_of(owner_token, energy_mint.address(), owner.address())?.amount;
        Ok(Self {
            owner,
            meter_key,
            meter,
            energy_mint,
            owner_token,
            held,
        })
    }
}

/// `redeem_consumption(amount_wh)`: the meter owner burns `amount_wh` energy
/// tokens against the meter's imported energy not yet redeemed
/// (`imported_wh - redeemed_wh`). Adds to `Meter::redeemed_wh` and emits
/// `ConsumptionRedeemed`: the record a utility bills against.
///
/// Accounts: `[owner (s), config, meter (w), energy_mint (w), owner_token (w), token_program]`.
pub fn process(program_id: &Address, accounts: &mut [AccountView], args: &[u8]) -> ProgramResult {
    let redeem_consumption::Args { amount_wh: amount } = redeem_consumption::Args::parse(args)?;
    if amount == 0 {
        return Err(RegistryError::ZeroAmount.into());
    }
    let RedeemConsumptionAccounts {
        owner,
        meter_key,
        meter: mut m,
        energy_mint,
        owner_token,
        held,
    } = RedeemConsumptionAccounts::parse(accounts, program_id)?;

    if !m.is_active() {
        return Err(RegistryError::MeterNotActive.into());
    }
    if amount > m.redeemable_wh() {
        return Err(RegistryError::RedeemExceedsImported.into());
    }
    if held < amount {
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
