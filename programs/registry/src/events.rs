//! Registry events: Anchor layout (`sha256("event:<Name>")[..8]` + Borsh),
//! logged with `sol_log_data`. Packed Pod structs, so their bytes are their
//! Borsh encoding. Each carries the amounts before and after the change.

use crate::state::{MeterKind, MeterStatus};
use alloc::vec::Vec;
use joule_common::{define_event as event, layout::TypeSpec};
use pinocchio::Address;

event!(
    #[idl(docs = "The registry was initialised.")]
    Initialized {
        admin: Address,
        energy_mint: Address
    }
);
event!(
    #[idl(docs = "The admin proposed a successor.")]
    /// A default address withdraws the proposal.
    AdminProposed {
        admin: Address,
        pending_admin: Address
    }
);
event!(
    #[idl(docs = "The proposed admin accepted.")]
    AdminAccepted {
        old_admin: Address,
        new_admin: Address
    }
);
event!(
    #[idl(docs = "The oracle set changed.")]
    OraclesUpdated {
        admin: Address,
        added: u8,
        removed: u8,
        count_before: u8,
        count_after: u8
    }
);
event!(
    #[idl(docs = "Pause flags changed.")]
    PauseSet {
        admin: Address,
        flags_before: u8,
        flags_after: u8
    }
);
event!(
    #[idl(docs = "A meter was registered (pending verification).")]
    MeterRegistered {
        meter: Address,
        owner: Address,
        utility_id: [u8; 16],
        rated_power_w: u64,
        kind: u8 as MeterKind,
    }
);
event!(
    #[idl(docs = "The admin activated or suspended a meter.")]
    MeterStatusChanged {
        meter: Address,
        status_before: u8 as MeterStatus,
        status_after: u8 as MeterStatus,
    }
);
event!(
    #[idl(
        docs = "The admin reassigned a pending or suspended meter to another owner (pending transfer cleared, reading baseline reset)."
    )]
    MeterReassigned {
        meter: Address,
        owner_before: Address,
        owner_after: Address,
        status: u8 as MeterStatus,
    }
);
event!(
    #[idl(docs = "The admin closed a pending meter; its rent went back to its owner.")]
    /// The meter was never credited, and its serial can be registered again.
    MeterClosed {
        meter: Address,
        owner: Address,
        lamports: u64
    }
);
event!(
    #[idl(docs = "A meter owner proposed a new owner.")]
    /// A default address withdraws the proposal.
    MeterTransferProposed {
        meter: Address,
        owner: Address,
        pending_owner: Address
    }
);
event!(
    #[idl(docs = "The proposed owner accepted the meter.")]
    MeterTransferred {
        meter: Address,
        old_owner: Address,
        new_owner: Address
    }
);
event!(
    #[idl(docs = "Exported energy was minted to the meter owner.")]
    EnergyMinted {
        meter: Address,
        owner: Address,
        amount_wh: u64,
        minted_wh_before: u64,
        minted_wh_after: u64,
        exported_wh: u64,
    }
);
event!(
    #[idl(
        docs = "Tokens were burned against imported energy: the record a utility bills against."
    )]
    /// The utility bills against it together with `Meter::redeemed_wh`.
    ConsumptionRedeemed {
        meter: Address,
        owner: Address,
        amount_wh: u64,
        redeemed_wh_before: u64,
        redeemed_wh_after: u64,
        imported_wh: u64,
    }
);
event!(
    #[idl(docs = "The certificates program recorded certified energy on a meter.")]
    EnergyCertified {
        meter: Address,
        amount_wh: u64,
        certified_wh_before: u64,
        certified_wh_after: u64,
        exported_wh: u64,
    }
);

joule_common::define_layout! {
    #[idl(docs = "One applied reading in ReadingsSubmitted: the meter's totals after it (before = the previous ReadingApplied of the meter).")]
    /// A baseline reading leaves the totals unchanged (0 on a new meter);
    /// leaving out the amounts before, 16 bytes per reading, keeps a full
    /// batch of [`READINGS_SUBMITTED`] within its compute budget.
    #[repr(C, packed)]
    pub struct ReadingApplied {
        pub meter: Address,
        pub timestamp: i64,
        pub exported_wh: u64,
        pub imported_wh: u64,
    }
}

/// Discriminator of the variable-size `ReadingsSubmitted` event
/// ([`READINGS_SUBMITTED_LAYOUT`]), built by `submit_readings` itself.
pub const READINGS_SUBMITTED: [u8; 8] = joule_common::disc::event("ReadingsSubmitted");

joule_common::borsh_layout! {
    #[idl(docs = "A batch of readings was recorded; skipped ones are counted.")]
    /// The layout of the `ReadingsSubmitted` event.
    pub const READINGS_SUBMITTED_LAYOUT = ReadingsSubmitted {
        oracle: Address,
        applied: u16,
        skipped: u16,
        readings: Vec<ReadingApplied>,
    };
}

/// Every registry event, in IDL order.
pub const EVENTS: &[&TypeSpec] = &[
    &Initialized::LAYOUT,
    &AdminProposed::LAYOUT,
    &AdminAccepted::LAYOUT,
    &OraclesUpdated::LAYOUT,
    &PauseSet::LAYOUT,
    &MeterRegistered::LAYOUT,
    &MeterStatusChanged::LAYOUT,
    &MeterReassigned::LAYOUT,
    &MeterClosed::LAYOUT,
    &MeterTransferProposed::LAYOUT,
    &MeterTransferred::LAYOUT,
    &READINGS_SUBMITTED_LAYOUT,
    &EnergyMinted::LAYOUT,
    &ConsumptionRedeemed::LAYOUT,
    &EnergyCertified::LAYOUT,
];
