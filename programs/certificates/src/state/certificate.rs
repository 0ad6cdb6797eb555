use joule_common::account::AccountState;
use joule_registry::state::MeterKind;
use pinocchio::Address;

/// Longest beneficiary name a retirement may record, in bytes of UTF-8.
pub const MAX_BENEFICIARY_NAME_LEN: usize = 64;
/// Longest retirement or revocation reason, in bytes of UTF-8.
pub const MAX_REASON_LEN: usize = 128;

joule_common::define_enum! {
    #[idl(docs = "Active (transferable) until retired by its owner or revoked by the authority; both are final.")]
    /// A certificate's lifecycle; the authority is the certificate authority.
    pub enum CertificateStatus {
        Active = 0,
        Retired = 1,
        Revoked = 2,
    }
}

impl CertificateStatus {
    pub fn from_u8(v: u8) -> Option<Self> {
        Self::ALL.get(v as usize).copied()
    }
}

joule_common::define_layout! {
    #[idl(docs = "An energy renewable certificate, PDA [\"certificate\", id as u64 LE] if issued or [\"split\", parent, split_index as u32 LE] if split off, always with bump 255. id is the issuance id (a split part carries its root's); parent is the certificate a part was split off (default if issued); split_count is the lowest index the next part split off this one may take.")]
    /// It certifies `amount_wh` of one meter's renewable generation over
    /// `[period_start, period_end]`.
    ///
    /// Two address spaces, disjoint by construction:
    /// - an issued certificate is the PDA `["certificate", id as u64 LE]`, and
    ///   only `issue_certificate` (the authority) creates one;
    /// - a split part is the PDA `["split", parent, index as u32 LE]`, under the
    ///   certificate it was split off; only that parent's owner can create one,
    ///   and the index comes from the parent's own `split_count`.
    ///
    /// So no holder action can take the address of the authority's next issue.
    /// A split keeps the meter, period, source, utility, issue time and
    /// issuance `id` in both parts and links the new part to its parent, so per
    /// meter the amounts of all certificates (active, retired and revoked)
    /// always sum to the meter's `certified_wh`.
    #[repr(C)]
    pub struct Certificate {
        /// Issuance id: an issued certificate's own id; a split part carries the
        /// id of the issued certificate it descends from.
        pub id: u64,
        /// Index the next part split off this certificate may take: parts
        /// `["split", this, i]` exist only for `i < split_count` (indices whose
        /// bump-255 address is not a valid PDA are skipped).
        pub split_count: u32,
        /// This part's index under `parent` (0 for an issued certificate).
        pub split_index: u32,
        /// Certified energy, in whole Wh.
        pub amount_wh: u64,
        /// Generation period (unix seconds), `period_start < period_end`.
        pub period_start: i64,
        pub period_end: i64,
        /// When the energy was certified (kept by split parts).
        pub issued_at: i64,
        /// When the certificate was retired or revoked (0 while active).
        pub closed_at: i64,
        pub owner: Address,
        /// The registry `Meter` whose exported energy this certifies.
        pub meter: Address,
        /// Retirement beneficiary (set on retirement; default otherwise).
        pub beneficiary: Address,
        /// The meter's utility (DISCOM) code, UTF-8, zero-padded.
        pub utility_id: [u8; 16],
        /// Beneficiary name, UTF-8; the first `beneficiary_name_len` bytes.
        pub beneficiary_name: [u8; MAX_BENEFICIARY_NAME_LEN],
        /// Retirement or revocation reason, UTF-8; the first `reason_len` bytes.
        pub reason: [u8; MAX_REASON_LEN],
        pub beneficiary_name_len: u8,
        pub reason_len: u8,
        /// The meter's kind: the energy source.
        pub source_kind: u8 as MeterKind,
        pub status: u8 as CertificateStatus,
        pub version: u8,
        pub bump: u8,
        pub _padding: [u8; 2],
        /// The certificate this part was split off (default = issued directly).
        pub parent: Address,
    }
}

const _: () = assert!(core::mem::size_of::<Certificate>() == 400);

impl AccountState for Certificate {
    const DISCRIMINATOR: [u8; 8] = joule_common::disc::account("Certificate");
}

impl Certificate {
    #[inline(always)]
    pub fn status(&self) -> Option<CertificateStatus> {
        CertificateStatus::from_u8(self.status)
    }

    /// Whether this certificate was split off another one.
    #[inline(always)]
    pub fn is_split_part(&self) -> bool {
        self.parent != Address::default()
    }

    #[inline(always)]
    pub fn is_active(&self) -> bool {
        self.status == CertificateStatus::Active as u8
    }

    /// The recorded beneficiary name (empty unless retired).
    pub fn beneficiary_name(&self) -> &[u8] {
        let n = (self.beneficiary_name_len as usize).min(MAX_BENEFICIARY_NAME_LEN);
        &self.beneficiary_name[..n]
    }

    /// The recorded reason (empty while active).
    pub fn reason(&self) -> &[u8] {
        let n = (self.reason_len as usize).min(MAX_REASON_LEN);
        &self.reason[..n]
    }
}
