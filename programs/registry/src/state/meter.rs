use joule_common::account::AccountState;
use pinocchio::Address;

joule_common::define_enum! {
    #[idl(docs = "What a meter measures; all but ConsumptionOnly are renewable generation.")]
    /// Every kind but `ConsumptionOnly` can be certified.
    pub enum MeterKind {
        Solar = 0,
        Wind = 1,
        Hydro = 2,
        Biomass = 3,
        Geothermal = 4,
        ConsumptionOnly = 5,
    }
}

impl MeterKind {
    pub fn from_u8(v: u8) -> Option<Self> {
        Self::ALL.get(v as usize).copied()
    }

    pub fn is_renewable(self) -> bool {
        !matches!(self, MeterKind::ConsumptionOnly)
    }
}

joule_common::define_enum! {
    #[idl(docs = "Meter lifecycle.")]
    /// Registered by its owner (pending), verified by the admin (active),
    /// possibly suspended and re-activated.
    pub enum MeterStatus {
        Pending = 0,
        Active = 1,
        Suspended = 2,
    }
}

impl MeterStatus {
    pub fn from_u8(v: u8) -> Option<Self> {
        match v {
            0 => Some(MeterStatus::Pending),
            1 => Some(MeterStatus::Active),
            2 => Some(MeterStatus::Suspended),
            _ => None,
        }
    }
}

/// Highest rated power a meter may declare: 1 GW.
pub const MAX_RATED_POWER_W: u64 = 1_000_000_000;

joule_common::define_layout! {
    #[idl(docs = "A physical meter, PDA [\"meter\", meter_id].")]
    /// Activation rule: every activation (pending → active and suspended →
    /// active) stamps `activated_at` with the cluster time (or with the last
    /// reading's timestamp, if that is later). A reading dated at or before
    /// `activated_at` is stale: skipped, never a baseline, never credited. The
    /// first reading dated after `activated_at` only sets the baseline
    /// (`*_register_wh`, the meter's raw cumulative registers) and credits
    /// nothing; later readings add their increase to `exported_wh` /
    /// `imported_wh`, bounded by rated power × the time since the previous
    /// reading. So energy a meter recorded before it joined, or while it was
    /// suspended, is never credited, and a backdated baseline cannot widen the
    /// rated-power bound. "A baseline is needed" is exactly
    /// `last_reading_ts <= activated_at`.
    ///
    /// Invariants: `minted_wh <= exported_wh`, `certified_wh <= exported_wh`,
    /// `redeemed_wh <= imported_wh`.
    #[repr(C)]
    pub struct Meter {
        pub owner: Address,
        /// Proposed new owner; default = none.
        pub pending_owner: Address,
        /// sha256 of the normalised utility serial (see the sdk).
        pub meter_id: [u8; 32],
        /// Utility (DISCOM) code, UTF-8, zero-padded.
        pub utility_id: [u8; 16],
        pub rated_power_w: u64,
        pub registered_at: i64,
        /// Timestamp of the last applied reading (0 = none yet).
        pub last_reading_ts: i64,
        /// Raw cumulative export register at the last reading.
        pub export_register_wh: u64,
        /// Raw cumulative import register at the last reading.
        pub import_register_wh: u64,
        /// Energy exported since the baseline reading.
        pub exported_wh: u64,
        /// Energy imported since the baseline reading.
        pub imported_wh: u64,
        /// Exported energy already minted as tokens.
        pub minted_wh: u64,
        /// Exported energy already certified (ERC).
        pub certified_wh: u64,
        /// Imported energy already redeemed with tokens.
        pub redeemed_wh: u64,
        pub kind: u8 as MeterKind,
        pub status: u8 as MeterStatus,
        pub version: u8,
        pub bump: u8,
        pub _padding: [u8; 4],
        /// When the meter was last activated (or its owner reassigned): readings
        /// dated at or before it are skipped, and the first one after it is a
        /// new baseline. Carved out of `reserved` (0 on meters created before it).
        pub activated_at: i64,
        pub reserved: [u8; 56],
    }
}

const _: () = assert!(core::mem::size_of::<Meter>() == 264);
const _: () = assert!(core::mem::offset_of!(Meter, activated_at) == 200);

impl AccountState for Meter {
    const DISCRIMINATOR: [u8; 8] = joule_common::disc::account("Meter");
}

impl Meter {
    #[inline(always)]
    pub fn is_active(&self) -> bool {
        self.status == MeterStatus::Active as u8
    }

    #[inline(always)]
    pub fn kind(&self) -> Option<MeterKind> {
        MeterKind::from_u8(self.kind)
    }

    #[inline(always)]
    pub fn status(&self) -> Option<MeterStatus> {
        MeterStatus::from_u8(self.status)
    }

    /// Exported energy not yet minted.
    #[inline(always)]
    pub fn mintable_wh(&self) -> u64 {
        self.exported_wh.saturating_sub(self.minted_wh)
    }

    /// Imported energy not yet redeemed.
    #[inline(always)]
    pub fn redeemable_wh(&self) -> u64 {
        self.imported_wh.saturating_sub(self.redeemed_wh)
    }

    /// Whether the next applied reading only sets a new baseline (none was
    /// applied since the last activation).
    #[inline(always)]
    pub fn needs_baseline(&self) -> bool {
        self.last_reading_ts <= self.activated_at
    }

    /// Stamps an activation (or owner reassignment) at `now`: readings dated
    /// at or before the stamp are skipped and the next one is a baseline.
    /// The stamp is never earlier than the last applied reading (which may
    /// be dated up to five minutes ahead of the clock), so that reading
    /// cannot serve as the baseline across the activation.
    #[inline(always)]
    pub fn stamp_activation(&mut self, now: i64) {
        self.activated_at = if now > self.last_reading_ts {
            now
        } else {
            self.last_reading_ts
        };
    }

    /// Exported energy not yet certified.
    #[inline(always)]
    pub fn certifiable_wh(&self) -> u64 {
        self.exported_wh.saturating_sub(self.certified_wh)
    }
}
