use super::super::epoch_data;
use crate::{
    error::MarketError,
    events::EpochClosed,
    state::{split_epoch, EpochState},
};
use joule_common::{args::Args, cpi::close_account, event::emit, validate};
use pinocchio::{AccountView, Address, ProgramResult};

/// `close_epoch()`: permissionless once the epoch is settled (every order
/// paid out or refunded, nothing left in the vaults). Closes the epoch
/// account and returns its rent to whoever paid it in `open_epoch`. Its
/// history stays in the events.
///
/// Accounts: `[epoch (w), rent_payer (w)]`.
#[inline(never)]
pub fn process(program_id: &Address, accounts: &mut [AccountView], args: &[u8]) -> ProgramResult {
    Args::new(args).finish()?;
    let ([epoch, rent_payer], _) = validate::take::<2>(accounts)?;
    validate::writable(rent_payer)?;
    let epoch_key = *epoch.address();
    let mut data = epoch_data(epoch, program_id)?;
    let e = split_epoch(&mut data)?;
    if e.header.state != EpochState::Settled as u8 {
        return Err(MarketError::EpochNotSettled.into());
    }
    if !validate::same_address(&e.header.rent_payer, rent_payer.address()) {
        return Err(MarketError::NotRentPayer.into());
    }
    // Every deposit went back with its order's settlement.
    if e.header.deposits_lamports != 0 {
        return Err(MarketError::BookInconsistent.into());
    }
    drop(data);
    let lamports = epoch.lamports();
    close_account(epoch, rent_payer)?;
    emit(&EpochClosed {
        epoch: epoch_key,
        rent_payer: *rent_payer.address(),
        lamports,
    });
    Ok(())
}
