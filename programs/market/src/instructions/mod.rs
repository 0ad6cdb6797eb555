//! One file per instruction, grouped by who calls them.

pub mod admin;
pub mod keeper;
pub mod user;

use crate::{
    error::MarketError,
    state::{split_epoch, EpochParts},
};
use joule_common::{account::load, error::FrameworkError, validate};
use joule_registry::state::{Config, CONFIG_ADDRESS, PAUSE_MARKET};
use pinocchio::{account::RefMut, error::ProgramError, AccountView, Address};

/// Reads the registry `Config` (checked by address and owner) and returns
/// its admin and whether the market is paused.
#[inline(always)]
pub(crate) fn read_config(config: &AccountView) -> Result<(Address, bool), ProgramError> {
    if !validate::same_address(config.address(), &CONFIG_ADDRESS) {
        return Err(FrameworkError::ConstraintAddress.into());
    }
    let cfg = load::<Config>(config, &joule_registry::ID)?;
    Ok((cfg.admin, cfg.is_paused(PAUSE_MARKET)))
}

/// Fails with `MarketPaused` if the registry admin paused the market.
#[inline(always)]
pub(crate) fn require_unpaused(config: &AccountView) -> Result<(), ProgramError> {
    if read_config(config)?.1 {
        return Err(MarketError::MarketPaused.into());
    }
    Ok(())
}

/// Borrows an epoch account's data for writing: writable and owned by this
/// program. The caller splits it with [`split_epoch_of`] (or
/// `state::split_epoch`), which checks the discriminator and the size.
///
/// Handlers call both first thing, right after their accounts struct: a
/// split borrows the data, so it cannot be kept next to the account in the
/// struct, and checking the epoch inside `parse` only to borrow it again
/// costs some 30 CU on `place_order`.
#[inline(always)]
pub(crate) fn epoch_data<'a>(
    epoch: &'a mut AccountView,
    program_id: &Address,
) -> Result<RefMut<'a, [u8]>, ProgramError> {
    validate::writable(epoch)?;
    if !epoch.owned_by(program_id) {
        return Err(FrameworkError::AccountOwnedByWrongProgram.into());
    }
    epoch.try_borrow_mut()
}

/// Splits an epoch account's data (checking its discriminator and size,
/// see `state::split_epoch`) and checks that the epoch belongs to
/// `market`: the last account check of every instruction that
/// takes both. It runs first in the handler, as the split borrows the data
/// and so cannot be kept next to it in an accounts struct.
#[inline(always)]
pub(crate) fn split_epoch_of<'d>(
    data: &'d mut [u8],
    market: &Address,
) -> Result<EpochParts<'d>, ProgramError> {
    let e = split_epoch(data)?;
    if !validate::same_address(&e.header.market, market) {
        return Err(MarketError::EpochMarketMismatch.into());
    }
    Ok(e)
}

/// Moves `lamports` from `from` (an account this program owns: the market,
/// which holds the order deposits) to `to` (any writable account): how
/// order deposits are refunded.
#[inline(always)]
pub(crate) fn move_lamports(
    from: &mut AccountView,
    to: &mut AccountView,
    lamports: u64,
) -> Result<(), ProgramError> {
    if lamports == 0 {
        return Ok(());
    }
    let from_after = from
        .lamports()
        .checked_sub(lamports)
        .ok_or(MarketError::BookInconsistent)?;
    from.set_lamports(from_after);
    let to_after = to
        .lamports()
        .checked_add(lamports)
        .ok_or(MarketError::ArithmeticOverflow)?;
    to.set_lamports(to_after);
    Ok(())
}
