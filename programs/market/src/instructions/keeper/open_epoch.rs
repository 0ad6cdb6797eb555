use super::super::require_unpaused;
use crate::wire::open_epoch;
use crate::{
    error::MarketError,
    events::EpochOpened,
    state::{
        epoch_space, split_epoch, Epoch, EpochState, Market, EPOCH_HEADER_LEN, NO_SLOT,
        STATE_VERSION,
    },
};
use joule_common::{
    account::{load_mut, DISCRIMINATOR_LEN},
    event::emit,
    sysvar, validate,
};
use pinocchio::{account::RefMut, error::ProgramError, AccountView, Address, ProgramResult};

/// Accounts of `open_epoch`.
pub struct OpenEpochAccounts<'a> {
    /// `[signer]` pays the epoch's rent; recorded as its rent payer.
    pub payer: &'a AccountView,
    /// `[writable]` a `Market` of this program (not paused).
    pub market_key: Address,
    pub market: RefMut<'a, Market>,
    /// `[signer, writable]` the new epoch: owned by this program, of exactly
    /// `epoch_space(tick_count, order_capacity)` bytes for this market, and
    /// never initialised (discriminator still zero).
    pub epoch_key: Address,
    pub epoch: &'a mut AccountView,
}

impl<'a> OpenEpochAccounts<'a> {
    #[inline(always)]
    pub fn parse(
        accounts: &'a mut [AccountView],
        program_id: &Address,
    ) -> Result<Self, ProgramError> {
        let (named, _) = open_epoch::Accounts::split(accounts)?;
        let open_epoch::Accounts {
            payer,
            config,
            market,
            epoch,
        } = open_epoch::Accounts::from_array(named);
        validate::signer(payer)?;
        require_unpaused(config)?;
        let market_key = *market.address();
        let market = load_mut::<Market>(market, program_id)?;
        validate::writable_signer(epoch)?;
        if !epoch.owned_by(program_id)
            || epoch.data_len() != epoch_space(market.tick_count, market.order_capacity)
        {
            return Err(MarketError::InvalidEpochAccount.into());
        }
        // Only this program writes to accounts it owns, and it always writes
        // a discriminator first: zero bytes here mean a fresh account.
        if epoch.try_borrow()?[..DISCRIMINATOR_LEN] != [0u8; DISCRIMINATOR_LEN] {
            return Err(MarketError::InvalidEpochAccount.into());
        }
        Ok(Self {
            payer,
            market_key,
            market,
            epoch_key: *epoch.address(),
            epoch,
        })
    }
}

/// `open_epoch()`: opens the market's next epoch, from now for the market's
/// epoch length. Permissionless once the previous epoch has ended (the
/// first one at any time), so a keeper or anyone can keep the market
/// moving.
///
/// The epoch account is created by the caller in the same transaction
/// (system `create_account` from a fresh keypair, owned by this program, of
/// `epoch_space(tick_count, order_capacity)` bytes: larger than a program
/// may create by CPI). This instruction checks that it is this program's,
/// of exactly that size and never initialised, and writes its header. The
/// payer is recorded as the rent payer and gets the rent back from
/// `close_epoch` once the epoch is settled. The epoch account must sign:
/// otherwise anyone could open (and later collect the rent of) a zeroed
/// account someone else created.
///
/// Accounts: `[payer (s), config, market (w), epoch (s, w)]`.
#[inline(never)]
pub fn process(program_id: &Address, accounts: &mut [AccountView], args: &[u8]) -> ProgramResult {
    open_epoch::Args::parse(args)?;
    let OpenEpochAccounts {
        payer,
        market_key,
        market: mut m,
        epoch_key,
        epoch,
    } = OpenEpochAccounts::parse(accounts, program_id)?;

    let now = sysvar::unix_timestamp()?;
    if now < m.current_epoch_end_ts {
        return Err(MarketError::PreviousEpochNotEnded.into());
    }
    let end_ts = now
        .checked_add(m.epoch_length_secs as i64)
        .ok_or(MarketError::ArithmeticOverflow)?;

    let mut data = epoch.try_borrow_mut()?;
    data[..DISCRIMINATOR_LEN].copy_from_slice(&Epoch::DISCRIMINATOR);
    {
        let header: &mut Epoch =
            bytemuck::try_from_bytes_mut(&mut data[DISCRIMINATOR_LEN..EPOCH_HEADER_LEN])
                .map_err(|_| ProgramError::from(MarketError::InvalidEpochAccount))?;
        header.market = market_key;
        header.rent_payer = *payer.address();
        header.index = m.next_epoch_index;
        header.start_ts = now;
        header.end_ts = end_ts;
        header.min_price = m.min_price;
        header.tick_size = m.tick_size;
        header.free_head = NO_SLOT;
        header.order_capacity = m.order_capacity;
        header.tick_count = m.tick_count;
        header.fee_bps = m.fee_bps;
        header.order_deposit_lamports = m.order_deposit_lamports;
        header.state = EpochState::Open as u8;
        header.version = STATE_VERSION;
    }
    // The header now describes the account: prove it splits.
    split_epoch(&mut data)?;

    let index = m.next_epoch_index;
    m.next_epoch_index = index
        .checked_add(1)
        .ok_or(MarketError::ArithmeticOverflow)?;
    m.current_epoch = epoch_key;
    m.current_epoch_end_ts = end_ts;
    emit(&EpochOpened {
        market: market_key,
        epoch: epoch_key,
        rent_payer: *payer.address(),
        index,
        start_ts: now,
        end_ts,
    });
    Ok(())
}
