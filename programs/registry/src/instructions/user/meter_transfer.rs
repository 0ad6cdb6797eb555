use super::super::{load_meter_mut, require_unpaused};
use crate::wire::{accept_meter_transfer, propose_meter_transfer};
use crate::{
    error::RegistryError,
    events::{MeterTransferProposed, MeterTransferred},
    state::{Config, Meter, PAUSE_REGISTRY},
};
use joule_common::{account::load, event::emit, handover, validate};
use pinocchio::{account::RefMut, error::ProgramError, AccountView, Address, ProgramResult};

/// Accounts of `propose_meter_transfer` and `accept_meter_transfer`:
/// `[signer (s), config, meter (w)]`, the registry not paused.
pub struct MeterTransferAccounts<'a> {
    /// `[signer]` the owner (propose) or the proposed owner (accept).
    pub signer: &'a AccountView,
    /// The meter's address.
    pub meter_key: Address,
    /// `[writable]` a `Meter` of this program.
    pub meter: RefMut<'a, Meter>,
}

impl<'a> MeterTransferAccounts<'a> {
    /// From the instruction's accounts: `signer` is the owner (propose) or
    /// the proposed owner (accept).
    #[inline(always)]
    pub fn parse(
        signer: &'a AccountView,
        config: &AccountView,
        meter: &'a mut AccountView,
        program_id: &Address,
    ) -> Result<Self, ProgramError> {
        validate::signer(signer)?;
        require_unpaused(&*load::<Config>(config, program_id)?, PAUSE_REGISTRY)?;
        let meter_key = *meter.address();
        let meter = load_meter_mut(meter, program_id)?;
        Ok(Self {
            signer,
            meter_key,
            meter,
        })
    }

    /// As [`parse`](Self::parse), and the signer must own the meter.
    #[inline(always)]
    pub fn parse_owner(
        accounts: &'a mut [AccountView],
        program_id: &Address,
    ) -> Result<Self, ProgramError> {
        let (named, _) = propose_meter_transfer::Accounts::split(accounts)?;
        let propose_meter_transfer::Accounts {
            owner,
            config,
            meter,
        } = propose_meter_transfer::Accounts::from_array(named);
        let ctx = Self::parse(owner, config, meter, program_id)?;
        if &ctx.meter.owner != ctx.signer.address() {
            return Err(RegistryError::NotMeterOwner.into());
        }
        Ok(ctx)
    }
}

/// `propose_meter_transfer(new_owner)`: the meter owner names a new owner,
/// who must accept. The default address withdraws a proposal. Changes
/// `Meter::pending_owner` only.
///
/// Accounts: `[owner (s), config, meter (w)]`.
pub fn propose(program_id: &Address, accounts: &mut [AccountView], args: &[u8]) -> ProgramResult {
    let propose_meter_transfer::Args { new_owner } = propose_meter_transfer::Args::parse(args)?;
    let mut ctx = MeterTransferAccounts::parse_owner(accounts, program_id)?;

    let m = &mut *ctx.meter;
    handover::propose(&mut m.pending_owner, new_owner);
    emit(&MeterTransferProposed {
        meter: ctx.meter_key,
        owner: m.owner,
        pending_owner: *new_owner,
    });
    Ok(())
}

/// `accept_meter_transfer()`: the proposed owner signs and becomes owner.
/// Energy already exported but not minted follows the meter: it is minted to
/// whoever owns the meter when `mint_energy` runs.
///
/// Accounts: `[new_owner (s), config, meter (w)]`.
pub fn accept(program_id: &Address, accounts: &mut [AccountView], args: &[u8]) -> ProgramResult {
    accept_meter_transfer::Args::parse(args)?;
    let (named, _) = accept_meter_transfer::Accounts::split(accounts)?;
    let accept_meter_transfer::Accounts {
        new_owner,
        config,
        meter,
    } = accept_meter_transfer::Accounts::from_array(named);
    let mut ctx = MeterTransferAccounts::parse(new_owner, config, meter, program_id)?;

    let m = &mut *ctx.meter;
    let old_owner = handover::accept(
        &mut m.owner,
        &mut m.pending_owner,
        ctx.signer.address(),
        RegistryError::NotPendingOwner,
    )?;
    emit(&MeterTransferred {
        meter: ctx.meter_key,
        old_owner,
        new_owner: m.owner,
    });
    Ok(())
}
