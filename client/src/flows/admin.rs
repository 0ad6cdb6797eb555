//! Administration flows: the two-step hand-overs of the registry admin and
//! the certificates authority, and the pause flags of both programs.

use super::FlowResult;
use crate::chain::Chain;
use crate::sender::{Landed, Sender};
use joule_sdk::{certificates as cert, registry as reg, Instruction, Pubkey};
use solana_signer::Signer;

/// Which program's authority an action concerns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Program {
    /// The registry's admin (who also administers the market).
    Registry,
    /// The certificates program's issuing authority.
    Certificates,
}

async fn one(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    signer: &dyn Signer,
    ix: Instruction,
) -> FlowResult<Landed> {
    Ok(sender.send(chain, &[ix], signer, &[]).await?)
}

/// The current authority proposes `new` (step one of a hand-over).
pub async fn propose(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    program: Program,
    current: &dyn Signer,
    new: &Pubkey,
) -> FlowResult<Landed> {
    let ix = match program {
        Program::Registry => reg::ProposeAdmin {
            admin: current.pubkey(),
            new_admin: *new,
        }
        .instruction(),
        Program::Certificates => cert::ProposeAuthority {
            authority: current.pubkey(),
            new_authority: *new,
        }
        .instruction(),
    };
    one(chain, sender, current, ix).await
}

/// The proposed authority accepts (step two).
pub async fn accept(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    program: Program,
    new: &dyn Signer,
) -> FlowResult<Landed> {
    let ix = match program {
        Program::Registry => reg::AcceptAdmin {
            new_admin: new.pubkey(),
        }
        .instruction(),
        Program::Certificates => cert::AcceptAuthority {
            new_authority: new.pubkey(),
        }
        .instruction(),
    };
    one(chain, sender, new, ix).await
}

/// Sets the program's pause flags (0 resumes everything).
pub async fn set_pause(
    chain: &(impl Chain + ?Sized),
    sender: &Sender,
    program: Program,
    authority: &dyn Signer,
    flags: u8,
) -> FlowResult<Landed> {
    let ix = match program {
        Program::Registry => reg::SetPause {
            admin: authority.pubkey(),
            flags,
        }
        .instruction(),
        Program::Certificates => cert::SetPause {
            authority: authority.pubkey(),
            flags,
        }
        .instruction(),
    };
    one(chain, sender, authority, ix).await
}
