use super::super::{epoch_data, require_unpaused};
use crate::wire::clear_epoch;
use crate::{
    error::MarketError,
    events::EpochCleared,
    math,
    state::{split_epoch, EpochState},
};
use joule_common::{event::emit, sysvar};
use pinocchio::{error::ProgramError, AccountView, Address, ProgramResult};

/// Accounts of `clear_epoch`.
pub struct ClearEpochAccounts<'a> {
    /// `[writable]` an epoch of this program (market not paused): borrowed
    /// with `epoch_data` (writable, owner) and split with `split_epoch`
    /// (discriminator, size) first thing in the handler.
    pub epoch: &'a mut AccountView,
}

impl<'a> ClearEpochAccounts<'a> {
    #[inline(always)]
    pub fn parse(accounts: &'a mut [AccountView]) -> Result<Self, ProgramError> {
        let (accounts, _) = clear_epoch::Accounts::split(accounts)?;
        let clear_epoch::Accounts { config, epoch } = clear_epoch::Accounts::from_array(accounts);
        require_unpaused(config)?;
        Ok(Self { epoch })
    }
}

/// `clear_epoch()`: permissionless, from the epoch's end time on. One pass
/// over the demand and supply histograms fixes the uniform clearing price
/// (`math::clear`: the tick that maximises matched volume, then minimises
/// the unmatched surplus, then the middle of what remains), the matched
/// volume and the long side's pro-rata fill at its marginal tick. Cost
/// depends on the tick count only, never on the number of orders. An epoch
/// without orders is settled at once; one where nothing crosses clears
/// with volume 0 and every order is refunded in settlement.
///
/// Accounts: `[config, epoch (w)]`.
#[inline(never)]
pub fn process(program_id: &Address, accounts: &mut [AccountView], args: &[u8]) -> ProgramResult {
    clear_epoch::Args::parse(args)?;
    let ClearEpochAccounts { epoch } = ClearEpochAccounts::parse(accounts)?;
    let now = sysvar::unix_timestamp()?;
    let epoch_key = *epoch.address();
    let mut data = epoch_data(epoch, program_id)?;
    let e = split_epoch(&mut data)?;

    let h = e.header;
    if h.state != EpochState::Open as u8 {
        return Err(MarketError::EpochAlreadyCleared.into());
    }
    if now < h.end_ts {
        return Err(MarketError::EpochNotEnded.into());
    }
    let clearing = math::clear(e.demand, e.supply, h.total_buy_wh, h.min_price, h.tick_size)?
        .unwrap_or_default();
    h.clearing_tick = clearing.tick;
    h.clearing_price = clearing.price;
    h.volume_wh = clearing.volume_wh;
    h.demand_wh = clearing.demand_wh;
    h.supply_wh = clearing.supply_wh;
    h.buy_marginal_tick = clearing.buy_marginal_tick;
    h.buy_fill_num = clearing.buy_fill_num;
    h.buy_fill_den = clearing.buy_fill_den;
    h.sell_marginal_tick = clearing.sell_marginal_tick;
    h.sell_fill_num = clearing.sell_fill_num;
    h.sell_fill_den = clearing.sell_fill_den;
    h.state = if h.live_orders == 0 {
        EpochState::Settled as u8
    } else {
        EpochState::Cleared as u8
    };
    emit(&EpochCleared {
        market: h.market,
        epoch: epoch_key,
        index: h.index,
        clearing_tick: clearing.tick,
        clearing_price: clearing.price,
        volume_wh: clearing.volume_wh,
        demand_wh: clearing.demand_wh,
        supply_wh: clearing.supply_wh,
        buy_marginal_tick: clearing.buy_marginal_tick,
        buy_fill_num: clearing.buy_fill_num,
        buy_fill_den: clearing.buy_fill_den,
        sell_marginal_tick: clearing.sell_marginal_tick,
        sell_fill_num: clearing.sell_fill_num,
        sell_fill_den: clearing.sell_fill_den,
        live_orders: h.live_orders,
    });
    Ok(())
}
