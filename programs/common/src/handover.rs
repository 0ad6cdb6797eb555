//! Two-step hand-over of a role held by one address (the registry admin, a
//! meter's owner, the certificate authority): the holder proposes a
//! successor, who must sign to accept. A typo in the proposal therefore
//! never loses the role. Each program keeps its own error for a signer that
//! is not the proposed successor.

use pinocchio::{error::ProgramError, Address};

/// Names `proposed` as the pending successor; the default address
/// withdraws a proposal. Returns the previous proposal.
#[inline(always)]
pub fn propose(pending: &mut Address, proposed: &Address) -> Address {
    core::mem::replace(pending, *proposed)
}

/// Hands the role from `holder` to `signer` if `signer` is the pending
/// successor (never the default address), and clears the proposal.
/// Returns the previous holder; fails with `not_pending` otherwise, with
/// nothing changed. The caller has checked that `signer` signed.
#[inline(always)]
pub fn accept(
    holder: &mut Address,
    pending: &mut Address,
    signer: &Address,
    not_pending: impl Into<ProgramError>,
) -> Result<Address, ProgramError> {
    if *pending == Address::default() || pending != signer {
        return Err(not_pending.into());
    }
    let previous = core::mem::replace(holder, *signer);
    *pending = Address::default();
    Ok(previous)
}
