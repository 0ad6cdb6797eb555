use joule_common::account::AccountState;
use pinocchio::Address;

/// Longest beneficiary name a retirement may record, in bytes of UTF-8.
pub const MAX_BENEFICIARY_NAME_LEN: usize = 64;
/// Longest retirement or revocation reason, in bytes of UTF-8.
pub const MAX_REASON_LEN: usize = 128;

/// A certificate's lifecycle: active (transferable) until it is retired by
/// its owner or revoked by the certificate authority; both are final.
#[repr(u8)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CertificateStatus {
    Active = 0,
    Retired = 1,
    Revoked = 2,
}

impl CertificateStatus {
    pub const ALL: [CertificateStatus; 3] = [
        CertificateStatus::Active,
        CertificateStatus::Retired,
        CertificateStatus::Revoked,
    ];

    pub fn from_u8(v: u8) -> Option<Self> {
        Self::ALL.get(v as usize).copied()
    }

    pub fn name(self) -> &'static str {
        match self {
            CertificateStatus::Active => "Active",
            CertificateStatus::Retired => "Retired",
            CertificateStatus::Revoked => "Revoked",
        }
    }
}

/// An energy renewable certificate (ERC) for `amount_wh` of one meter's
/// renewable generation over `[period_start, period_end]`, PDA
/// `["certificate", id as u64 LE]`.
///
/// A split keeps the meter, period, source and issue time in both parts and
/// records the original's id in the new part's `parent_id`, so per meter the
/// amounts of all certificates (active, retired and revoked) always sum to
/// the meter's `certified_wh`.
#[repr(C)]
#[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
pub struct Certificate {
    pub id: u64,
    /// The certificate this one was split off (0 = issued directly).
    pub parent_id: u64,
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
    /// The meter's kind (registry `MeterKind`): the energy source.
    pub source_kind: u8,
    /// `CertificateStatus`.
    pub status: u8,
    pub version: u8,
    pub bump: u8,
    pub _padding: [u8; 2],
    pub reserved: [u8; 32],
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
