use super::super::epoch_data;
use crate::wire::close_epoch;
use crate::{
    error::MarketError,
    events::EpochClosed,
    state::{split_epoch, EpochState},
};
use joule_common::{cpi::close_account, event::emit, validate};
use pinocchio::{error::ProgramError, AccountView, Address, ProgramResult};

/// Accounts of `close_epoch`.
pub struct CloseEpochAccounts<'a> {
    /// `[writable]` an epoch of this program, closed here.
    pub epoch: &'a mut AccountView,
    /// `[writable]` whoever paid the epoch's rent in `open_epoch`.
    pub rent_payer: &'a mut AccountView,
    /// The epoch's state and the order deposits it still counts.
    pub state: u8,
    pub deposits_lamports: u64,
}

impl<'a> CloseEpochAccounts<'a> {
    #[inline(always)]
    pub fn parse(
        accounts: &'a mut [AccountView],
        program_id: &Address,
    ) -> Result<Self, ProgramError> {
        let (named, _) = close_epoch::Accounts::split(accounts)?;
        let close_epoch::Accounts { epoch, rent_payer } = close_epoch::Accounts::from_array(named);
        validate::writable(rent_payer)?;
        let mut data = epoch_data(epoch, program_id)?;
        let h = split_epoch(&mut data)?.header;
        if !validate::same_address(&h.rent_payer, rent_payer.address()) {
            return Err(MarketError::NotRentPayer.into());
        }
        let (state, deposits_lamports) = (h.state, h.deposits_lamports);
        drop(data);
        Ok(Self {
            epoch,
            rent_payer,
            state,
            deposits_lamports,
        })
    }
}

/// `close_epoch()`: permissionless once the epoch is settled (every order
/// paid out or refunded, nothing left in the vaults). Closes the epoch
/// account and returns its rent to whoever paid it in `open_epoch`. Its
/// history stays in the events.
///
/// Accounts: `[epoch (w), rent_payer (w)]`.
#[inline(never)]
pub fn process(program_id: &Address, accounts: &mut [AccountView], args: &[u8]) -> ProgramResult {
    close_epoch::Args::parse(args)?;
    let CloseEpochAccounts {
        epoch,
        rent_payer,
        state,
        deposits_lamports,
    } = CloseEpochAccounts::parse(accounts, program_id)?;

    if state != EpochState::Settled as u8 {
        return Err(MarketError::EpochNotSettled.into());
    }
    // Every deposit went back with its order's settlement.
    if deposits_lamports != 0 {
        return Err(MarketError::BookInconsistent.into());
    }
    let epoch_key = *epoch.address();
    let lamports = epoch.lamports();
    close_account(epoch, rent_payer)?;
    emit(&EpochClosed {
        epoch: epoch_key,
        rent_payer: *rent_payer.address(),
        lamports,
    });
    Ok(())
}
