//! Registry events: Anchor layout (`sha256("event:<Name>")[..8]` + Borsh),
//! logged with `sol_log_data`. Packed Pod structs, so their bytes are their
//! Borsh encoding. Each carries the amounts before and after the change.

use joule_common::define_event as event;
use pinocchio::Address;

event!(
    /// The registry was initialised.
    Initialized {
        admin: Address,
        energy_mint: Address
    }
);
event!(
    /// The admin proposed a successor (default address = proposal withdrawn).
    AdminProposed {
        admin: Address,
        pending_admin: Address
    }
);
event!(
    /// The proposed admin accepted.
    AdminAccepted {
        old_admin: Address,
        new_admin: Address
    }
);
event!(
    /// The oracle set changed.
    OraclesUpdated {
        admin: Address,
        added: u8,
        removed: u8,
        count_before: u8,
        count_after: u8
    }
);
event!(
    /// Pause flags changed.
    PauseSet {
        admin: Address,
        flags_before: u8,
        flags_after: u8
    }
);
event!(
    /// A meter was registered (pending verification).
    MeterRegistered {
        meter: Address,
        owner: Address,
        utility_id: [u8; 16],
        rated_power_w: u64,
        kind: u8,
    }
);
event!(
    /// The admin activated or suspended a meter.
    MeterStatusChanged {
        meter: Address,
        status_before: u8,
        status_after: u8
    }
);
event!(
    /// The admin reassigned a pending or suspended meter to another owner
    /// (any pending transfer cleared, the reading baseline reset).
    MeterReassigned {
        meter: Address,
        owner_before: Address,
        owner_after: Address,
        status: u8
    }
);
event!(
    /// The admin closed a pending (never credited) meter; its rent went back
    /// to its owner and its serial can be registered again.
    MeterClosed {
        meter: Address,
        owner: Address,
        lamports: u64
    }
);
event!(
    /// A meter owner proposed a new owner (default address = withdrawn).
    MeterTransferProposed {
        meter: Address,
        owner: Address,
        pending_owner: Address
    }
);
event!(
    /// The proposed owner accepted the meter.
    MeterTransferred {
        meter: Address,
        old_owner: Address,
        new_owner: Address
    }
);
event!(
    /// Exported energy was minted to the meter owner.
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
    /// Tokens were burned against the meter's imported energy. This is the
    /// on-chain record a utility bills against (with `Meter::redeemed_wh`).
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
    /// The certificates program recorded certified energy on a meter.
    EnergyCertified {
        meter: Address,
        amount_wh: u64,
        certified_wh_before: u64,
        certified_wh_after: u64,
        exported_wh: u64,
    }
);

/// One applied reading inside [`READINGS_SUBMITTED`] (Borsh struct
/// `ReadingApplied`): the meter's totals after the reading. The amounts
/// before are the previous `ReadingApplied` of the same meter (a baseline
/// reading leaves them unchanged: 0 on a new meter); 16 bytes fewer per
/// reading keeps a full batch within its compute budget.
#[repr(C, packed)]
#[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
pub struct ReadingApplied {
    pub meter: Address,
    pub timestamp: i64,
    pub exported_wh: u64,
    pub imported_wh: u64,
}

/// Discriminator of the variable-size `ReadingsSubmitted` event:
/// `{ oracle: Pubkey, applied: u16, skipped: u16, readings: Vec<ReadingApplied> }`,
/// built by `submit_readings` itself.
pub const READINGS_SUBMITTED: [u8; 8] = joule_common::disc::event("ReadingsSubmitted");
