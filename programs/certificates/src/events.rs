//! Certificates events: Anchor layout (`sha256("event:<Name>")[..8]` +
//! Borsh), logged with `sol_log_data`. Fixed-size events are packed Pod
//! structs whose bytes are their Borsh encoding; the two events that carry
//! text (`CertificateRetired`, `CertificateRevoked`) are written with
//! [`EventWriter`] as Borsh `String`s.

use alloc::string::String;
use joule_common::{define_event as event, event::log_data, layout::TypeSpec};
use joule_registry::state::MeterKind;
use pinocchio::Address;

event!(
    #[idl(docs = "The registry admin initialised the certificates program.")]
    Initialized {
        admin: Address,
        authority: Address
    }
);
event!(
    #[idl(
        docs = "The certificate authority proposed a successor (default address = proposal withdrawn)."
    )]
    AuthorityProposed {
        authority: Address,
        pending_authority: Address
    }
);
event!(
    #[idl(docs = "The proposed certificate authority accepted.")]
    AuthorityAccepted {
        old_authority: Address,
        new_authority: Address
    }
);
event!(
    #[idl(docs = "Pause flags changed.")]
    PauseSet {
        authority: Address,
        flags_before: u8,
        flags_after: u8
    }
);
event!(
    #[idl(docs = "A certificate was issued against a meter's renewable exported energy.")]
    CertificateIssued {
        certificate: Address,
        id: u64,
        owner: Address,
        meter: Address,
        amount_wh: u64,
        period_start: i64,
        period_end: i64,
        source_kind: u8 as MeterKind,
        /// The meter's certified energy before and after this issue.
        certified_wh_before: u64,
        certified_wh_after: u64,
        exported_wh: u64,
    }
);
event!(
    #[idl(docs = "A certificate changed owner, whole.")]
    CertificateTransferred {
        certificate: Address,
        id: u64,
        old_owner: Address,
        new_owner: Address,
        amount_wh: u64
    }
);
event!(
    #[idl(
        docs = "A certificate was split in two: the original (owner unchanged) keeps amount_wh_after; the new part, PDA [\"split\", certificate, split_index] owned by new_owner, holds new_amount_wh."
    )]
    /// Lean: every byte logged costs a compute unit, and a split must fit
    /// 2,000 CU with its account creation.
    CertificateSplit {
        certificate: Address,
        split_index: u32,
        new_owner: Address,
        amount_wh_before: u64,
        amount_wh_after: u64,
        new_amount_wh: u64,
    }
);

/// Discriminator of the `CertificateRetired` event
/// ([`CERTIFICATE_RETIRED_LAYOUT`]).
pub const CERTIFICATE_RETIRED: [u8; 8] = joule_common::disc::event("CertificateRetired");

joule_common::borsh_layout! {
    #[idl(docs = "A certificate was retired for a beneficiary; final.")]
    /// The layout of the `CertificateRetired` event.
    pub const CERTIFICATE_RETIRED_LAYOUT = CertificateRetired {
        certificate: Address,
        id: u64,
        owner: Address,
        beneficiary: Address,
        amount_wh: u64,
        beneficiary_name: String,
        reason: String,
    };
}

/// Discriminator of the `CertificateRevoked` event
/// ([`CERTIFICATE_REVOKED_LAYOUT`]).
pub const CERTIFICATE_REVOKED: [u8; 8] = joule_common::disc::event("CertificateRevoked");

joule_common::borsh_layout! {
    #[idl(docs = "The certificate authority revoked a certificate; final, and its energy stays certified.")]
    /// The layout of the `CertificateRevoked` event.
    pub const CERTIFICATE_REVOKED_LAYOUT = CertificateRevoked {
        certificate: Address,
        id: u64,
        authority: Address,
        owner: Address,
        amount_wh: u64,
        reason: String,
    };
}

/// Every certificates event, in IDL order.
pub const EVENTS: &[&TypeSpec] = &[
    &Initialized::LAYOUT,
    &AuthorityProposed::LAYOUT,
    &AuthorityAccepted::LAYOUT,
    &PauseSet::LAYOUT,
    &CertificateIssued::LAYOUT,
    &CertificateTransferred::LAYOUT,
    &CertificateSplit::LAYOUT,
    &CERTIFICATE_RETIRED_LAYOUT,
    &CERTIFICATE_REVOKED_LAYOUT,
];

/// Largest variable-size event: `CertificateRetired` with the longest name
/// and reason.
const MAX_EVENT_LEN: usize = 8
    + 32
    + 8
    + 32
    + 32
    + 8
    + 4
    + crate::state::MAX_BENEFICIARY_NAME_LEN
    + 4
    + crate::state::MAX_REASON_LEN;

/// Writes one Borsh-encoded event into a stack buffer sized for the largest
/// certificates event. Callers only append bounded fields, so the buffer
/// never overflows; an append that would is dropped rather than panicking.
pub struct EventWriter {
    buf: [u8; MAX_EVENT_LEN],
    len: usize,
}

impl EventWriter {
    #[inline(always)]
    pub fn new(discriminator: [u8; 8]) -> Self {
        let mut w = Self {
            buf: [0; MAX_EVENT_LEN],
            len: 0,
        };
        w.bytes(&discriminator);
        w
    }

    #[inline(always)]
    pub fn bytes(&mut self, data: &[u8]) -> &mut Self {
        if let Some(dst) = self
            .len
            .checked_add(data.len())
            .and_then(|end| self.buf.get_mut(self.len..end))
        {
            dst.copy_from_slice(data);
            self.len = self.len.saturating_add(data.len());
        }
        self
    }

    #[inline(always)]
    pub fn u64(&mut self, v: u64) -> &mut Self {
        self.bytes(&v.to_le_bytes())
    }

    /// A Borsh `String`: `u32` length then the bytes.
    #[inline(always)]
    pub fn string(&mut self, s: &[u8]) -> &mut Self {
        self.bytes(&(s.len() as u32).to_le_bytes()).bytes(s)
    }

    #[inline(always)]
    pub fn emit(&self) {
        log_data(&self.buf[..self.len.min(MAX_EVENT_LEN)]);
    }
}
