use super::super::{load_config_unpaused, load_meter_mut};
use crate::{
    error::RegistryError,
    events::{MeterTransferProposed, MeterTransferred},
    state::PAUSE_REGISTRY,
};
use joule_common::{args::Args, event::emit, validate};
use pinocchio::{AccountView, Address, ProgramResult};

/// `propose_meter_transfer(new_owner)`: the meter owner names a new owner,
/// who must accept. The default address withdraws a proposal. Changes
/// `Meter::pending_owner` only.
pub fn propose(program_id: &Address, accounts: &mut [AccountView], args: &[u8]) -> ProgramResult {
    let mut args = Args::new(args);
    let new_owner = *args.address()?;
    args.finish()?;
    let ([owner, config, meter], _) = validate::take::<3>(accounts)?;
    validate::signer(owner)?;
    drop(load_config_unpaused(config, program_id, PAUSE_REGISTRY)?);
    let key = *meter.address();
    let mut m = load_meter_mut(meter, program_id)?;
    if &m.owner != owner.address() {
        return Err(RegistryError::NotMeterOwner.into());
    }
    m.pending_owner = new_owner;
    emit(&MeterTransferProposed {
        meter: key,
        owner: m.owner,
        pending_owner: new_owner,
    });
    Ok(())
}

/// `accept_meter_transfer()`: the proposed owner signs and becomes owner.
/// Energy already exported but not minted follows the meter: it is minted to
/// whoever owns the meter when `mint_energy` runs.
pub fn accept(program_id: &Address, accounts: &mut [AccountView], args: &[u8]) -> ProgramResult {
    Args::new(args).finish()?;
    let ([new_owner, config, meter], _) = validate::take::<3>(accounts)?;
    validate::signer(new_owner)?;
    drop(load_config_unpaused(config, program_id, PAUSE_REGISTRY)?);
    let key = *meter.address();
    let mut m = load_meter_mut(meter, program_id)?;
    if m.pending_owner == Address::default() || &m.pending_owner != new_owner.address() {
        return Err(RegistryError::NotPendingOwner.into());
    }
    let old_owner = m.owner;
    m.owner = m.pending_owner;
    m.pending_owner = Address::default();
    emit(&MeterTransferred {
        meter: key,
        old_owner,
        new_owner: m.owner,
    });
    Ok(())
}
