use super::super::read_config;
use crate::{
    error::MarketError,
    events::MarketCreated,
    math,
    state::{
        Market, MAX_EPOCH_LENGTH_SECS, MAX_FEE_BPS, MAX_ORDER_CAPACITY, MAX_ORDER_DEPOSIT_LAMPORTS,
        MAX_ORDER_WH, MAX_PRICE, MAX_TICKS, SEED_MARKET, SEED_VAULT, STATE_VERSION,
    },
};
use joule_common::{
    account::{init, AccountState},
    cpi::{self, create_pda_account},
    error::FrameworkError,
    event::emit,
    token::{mint_decimals, TOKEN_ACCOUNT_LEN, TOKEN_PROGRAM_ID},
    validate,
};
use joule_registry::state::ENERGY_MINT_ADDRESS;
use pinocchio::{cpi::Signer, error::ProgramError, AccountView, Address, ProgramResult};
use pinocchio_token::instructions::InitializeAccount3;

use crate::wire::{create_market, MarketParams};

impl MarketParams {
    /// Checks every parameter against the market's limits.
    pub fn validate(&self) -> Result<(), ProgramError> {
        if self.epoch_length_secs == 0 || self.epoch_length_secs > MAX_EPOCH_LENGTH_SECS {
            return Err(MarketError::InvalidEpochLength.into());
        }
        let top_tick = self
            .tick_count
            .checked_sub(1)
            .ok_or(MarketError::InvalidPriceGrid)?;
        let max_price = math::tick_price(self.min_price, self.tick_size, top_tick);
        if self.tick_count > MAX_TICKS
            || self.min_price == 0
            || self.tick_size == 0
            || !max_price.is_some_and(|p| p <= MAX_PRICE)
        {
            return Err(MarketError::InvalidPriceGrid.into());
        }
        if self.min_lot_wh == 0 || self.min_lot_wh > MAX_ORDER_WH {
            return Err(MarketError::InvalidMinLot.into());
        }
        if self.fee_bps > MAX_FEE_BPS {
            return Err(MarketError::InvalidFee.into());
        }
        if self.order_capacity == 0 || self.order_capacity > MAX_ORDER_CAPACITY {
            return Err(MarketError::InvalidOrderCapacity.into());
        }
        if self.fee_recipient == Address::default() {
            return Err(MarketError::InvalidFeeRecipient.into());
        }
        if self.min_order_value == 0 {
            return Err(MarketError::InvalidMinOrderValue.into());
        }
        // The rent-exempt lower bound is checked on-chain (it needs the
        // Rent sysvar).
        if self.order_deposit_lamports == 0
            || self.order_deposit_lamports > MAX_ORDER_DEPOSIT_LAMPORTS
        {
            return Err(MarketError::InvalidOrderDeposit.into());
        }
        Ok(())
    }
}

/// Accounts of `create_market`.
pub struct CreateMarketAccounts<'a> {
    /// `[signer, writable]` the registry config admin; pays for the market
    /// and both vaults.
    pub admin: &'a AccountView,
    /// `[writable]` the `Market` PDA `["market", energy_mint, quote_mint]`, created here.
    pub market: &'a mut AccountView,
    /// The registry's energy mint.
    pub energy_mint: &'a AccountView,
    /// Any SPL Token mint other than the energy mint.
    pub quote_mint: &'a AccountView,
    /// `[writable]` PDA `["vault", market, energy_mint]`, created here.
    pub energy_vault: &'a AccountView,
    /// `[writable]` PDA `["vault", market, quote_mint]`, created here.
    pub quote_vault: &'a AccountView,
}

impl<'a> CreateMarketAccounts<'a> {
    pub fn parse(accounts: &'a mut [AccountView]) -> Result<Self, ProgramError> {
        let (named, _) = create_market::Accounts::split(accounts)?;
        let create_market::Accounts {
            admin,
            config,
            market,
            energy_mint,
            quote_mint,
            energy_vault,
            quote_vault,
            system_program,
            token_program,
        } = create_market::Accounts::from_array(named);
        validate::writable_signer(admin)?;
        let (config_admin, _) = read_config(config)?;
        if &config_admin != admin.address() {
            return Err(MarketError::NotAdmin.into());
        }
        validate::address(energy_mint, &ENERGY_MINT_ADDRESS)?;
        if quote_mint.address() == energy_mint.address() {
            return Err(MarketError::InvalidQuoteMint.into());
        }
        mint_decimals(quote_mint).map_err(|_| ProgramError::from(MarketError::InvalidQuoteMint))?;
        validate::uninitialized(market)?;
        validate::uninitialized(energy_vault)?;
        validate::uninitialized(quote_vault)?;
        cpi::system_program(system_program)?;
        validate::program(token_program, &TOKEN_PROGRAM_ID)?;
        Ok(Self {
            admin,
            market,
            energy_mint,
            quote_mint,
            energy_vault,
            quote_vault,
        })
    }
}

/// `create_market(params)`: the registry config admin opens a market for
/// the energy token against one quote mint. Creates the `Market` PDA and
/// its two vaults (SPL Token accounts owned by the market PDA). The first
/// epoch can be opened right away. One market per quote mint.
#[inline(never)]
pub fn process(program_id: &Address, accounts: &mut [AccountView], args: &[u8]) -> ProgramResult {
    let create_market::Args { params } = create_market::Args::parse(args)?;
    params.validate()?;
    let ctx = CreateMarketAccounts::parse(accounts)?;
    // A deposit refunded into an emptied wallet must make it rent-exempt,
    // or one owner could block the settlement of a whole epoch.
    if params.order_deposit_lamports < joule_common::sysvar::minimum_balance(0)? {
        return Err(MarketError::InvalidOrderDeposit.into());
    }

    let energy_key = *ctx.energy_mint.address();
    let quote_key = *ctx.quote_mint.address();
    let (market_key, bump) = Address::find_program_address(
        &[SEED_MARKET, energy_key.as_ref(), quote_key.as_ref()],
        program_id,
    );
    if ctx.market.address() != &market_key {
        return Err(FrameworkError::ConstraintSeeds.into());
    }
    // The market's own PDA owns the vaults: fees swept "to" it would never
    // leave them.
    if params.fee_recipient == market_key {
        return Err(MarketError::InvalidFeeRecipient.into());
    }
    let (energy_vault_key, energy_vault_bump) = Address::find_program_address(
        &[SEED_VAULT, market_key.as_ref(), energy_key.as_ref()],
        program_id,
    );
    let (quote_vault_key, quote_vault_bump) = Address::find_program_address(
        &[SEED_VAULT, market_key.as_ref(), quote_key.as_ref()],
        program_id,
    );
    if ctx.energy_vault.address() != &energy_vault_key
        || ctx.quote_vault.address() != &quote_vault_key
    {
        return Err(FrameworkError::ConstraintSeeds.into());
    }

    let b = [bump];
    let seeds =
        pinocchio::instruction::seeds!(SEED_MARKET, energy_key.as_ref(), quote_key.as_ref(), &b);
    create_pda_account(
        ctx.admin,
        ctx.market,
        Market::SPACE,
        program_id,
        Signer::from(&seeds),
    )?;
    for (vault, mint, vault_bump) in [
        (ctx.energy_vault, ctx.energy_mint, energy_vault_bump),
        (ctx.quote_vault, ctx.quote_mint, quote_vault_bump),
    ] {
        let vb = [vault_bump];
        let vseeds = pinocchio::instruction::seeds!(
            SEED_VAULT,
            market_key.as_ref(),
            mint.address().as_ref(),
            &vb
        );
        create_pda_account(
            ctx.admin,
            vault,
            TOKEN_ACCOUNT_LEN,
            &TOKEN_PROGRAM_ID,
            Signer::from(&vseeds),
        )?;
        InitializeAccount3::new(vault, mint, &market_key).invoke()?;
    }

    let body = Market {
        energy_mint: energy_key,
        quote_mint: quote_key,
        energy_vault: energy_vault_key,
        quote_vault: quote_vault_key,
        fee_recipient: params.fee_recipient,
        current_epoch: Address::default(),
        min_price: params.min_price,
        tick_size: params.tick_size,
        min_lot_wh: params.min_lot_wh,
        current_epoch_end_ts: 0,
        next_epoch_index: 0,
        min_order_value: params.min_order_value,
        order_deposit_lamports: params.order_deposit_lamports,
        epoch_length_secs: params.epoch_length_secs,
        order_capacity: params.order_capacity,
        tick_count: params.tick_count,
        fee_bps: params.fee_bps,
        version: STATE_VERSION,
        bump,
        energy_vault_bump,
        quote_vault_bump,
        reserved: [0; 48],
    };
    init(ctx.market, &body)?;
    emit(&MarketCreated {
        market: market_key,
        energy_mint: energy_key,
        quote_mint: quote_key,
        energy_vault: energy_vault_key,
        quote_vault: quote_vault_key,
        fee_recipient: params.fee_recipient,
        min_price: params.min_price,
        tick_size: params.tick_size,
        min_lot_wh: params.min_lot_wh,
        epoch_length_secs: params.epoch_length_secs,
        order_capacity: params.order_capacity,
        tick_count: params.tick_count,
        fee_bps: params.fee_bps,
        min_order_value: params.min_order_value,
        order_deposit_lamports: params.order_deposit_lamports,
    });
    Ok(())
}
