use super::*;
use anchor_lang_idl_spec::IdlType::{Bytes, Pubkey, String, I64, U32, U64, U8};
use joule_sdk::{certificates as certs, registry as reg};

fn events() -> Vec<IdlTypeDef> {
    let ev = borsh_type;
    vec![
        ev(
            "Initialized",
            "The registry admin initialised the certificates program.",
            vec![("admin", Pubkey), ("authority", Pubkey)],
        ),
        ev(
            "AuthorityProposed",
            "The certificate authority proposed a successor (default address = proposal withdrawn).",
            vec![("authority", Pubkey), ("pending_authority", Pubkey)],
        ),
        ev(
            "AuthorityAccepted",
            "The proposed certificate authority accepted.",
            vec![("old_authority", Pubkey), ("new_authority", Pubkey)],
        ),
        ev("PauseSet", "Pause flags changed.", vec![("authority", Pubkey), ("flags_before", U8), ("flags_after", U8)]),
        ev(
            "CertificateIssued",
            "A certificate was issued against a meter's renewable exported energy.",
            vec![
                ("certificate", Pubkey),
                ("id", U64),
                ("owner", Pubkey),
                ("meter", Pubkey),
                ("amount_wh", U64),
                ("period_start", I64),
                ("period_end", I64),
                ("source_kind", ty::defined("MeterKind")),
                ("certified_wh_before", U64),
                ("certified_wh_after", U64),
                ("exported_wh", U64),
            ],
        ),
        ev(
            "CertificateTransferred",
            "A certificate changed owner, whole.",
            vec![
                ("certificate", Pubkey),
                ("id", U64),
                ("old_owner", Pubkey),
                ("new_owner", Pubkey),
                ("amount_wh", U64),
            ],
        ),
        ev(
            "CertificateSplit",
            "A certificate was split in two: the original (owner unchanged) keeps amount_wh_after; the new part, PDA [\"split\", certificate, split_index] owned by new_owner, holds new_amount_wh.",
            vec![
                ("certificate", Pubkey),
                ("split_index", U32),
                ("new_owner", Pubkey),
                ("amount_wh_before", U64),
                ("amount_wh_after", U64),
                ("new_amount_wh", U64),
            ],
        ),
        ev(
            "CertificateRetired",
            "A certificate was retired for a beneficiary; final.",
            vec![
                ("certificate", Pubkey),
                ("id", U64),
                ("owner", Pubkey),
                ("beneficiary", Pubkey),
                ("amount_wh", U64),
                ("beneficiary_name", String),
                ("reason", String),
            ],
        ),
        ev(
            "CertificateRevoked",
            "The certificate authority revoked a certificate; final, and its energy stays certified.",
            vec![
                ("certificate", Pubkey),
                ("id", U64),
                ("authority", Pubkey),
                ("owner", Pubkey),
                ("amount_wh", U64),
                ("reason", String),
            ],
        ),
    ]
}

/// Certificates event names, in IDL order.
pub(crate) const EVENTS: &[&str] = &[
    "Initialized",
    "AuthorityProposed",
    "AuthorityAccepted",
    "PauseSet",
    "CertificateIssued",
    "CertificateTransferred",
    "CertificateSplit",
    "CertificateRetired",
    "CertificateRevoked",
];

/// The certificates program's Anchor IDL.
pub fn certificates_idl() -> Idl {
    let mut types = vec![
        struct_type(
            "Config",
            "Certificates config, PDA [\"config\"]: the certificate authority, pause flags and the lowest id the next issued certificate may take.",
            IdlSerialization::Bytemuck,
            repr_c(),
            vec![
                ("next_certificate_id", U64),
                ("authority", Pubkey),
                ("pending_authority", Pubkey),
                ("pause_flags", U8),
                ("version", U8),
                ("bump", U8),
                ("padding", ty::array(U8, 5)),
                ("reserved", ty::array(U8, 64)),
            ],
        ),
        struct_type(
            "Certificate",
            "An energy renewable certificate, PDA [\"certificate\", id as u64 LE] if issued or [\"split\", parent, split_index as u32 LE] if split off, always with bump 255. id is the issuance id (a split part carries its root's); parent is the certificate a part was split off (default if issued); split_count is the lowest index the next part split off this one may take.",
            IdlSerialization::Bytemuck,
            repr_c(),
            vec![
                ("id", U64),
                ("split_count", U32),
                ("split_index", U32),
                ("amount_wh", U64),
                ("period_start", I64),
                ("period_end", I64),
                ("issued_at", I64),
                ("closed_at", I64),
                ("owner", Pubkey),
                ("meter", Pubkey),
                ("beneficiary", Pubkey),
                ("utility_id", ty::array(U8, 16)),
                ("beneficiary_name", ty::array(U8, certs::MAX_BENEFICIARY_NAME_LEN)),
                ("reason", ty::array(U8, certs::MAX_REASON_LEN)),
                ("beneficiary_name_len", U8),
                ("reason_len", U8),
                ("source_kind", ty::defined("MeterKind")),
                ("status", ty::defined("CertificateStatus")),
                ("version", U8),
                ("bump", U8),
                ("padding", ty::array(U8, 2)),
                ("parent", Pubkey),
            ],
        ),
        enum_type(
            "CertificateStatus",
            "Active (transferable) until retired by its owner or revoked by the authority; both are final.",
            &certs::CertificateStatus::ALL.map(|s| s.name()),
        ),
        enum_type(
            "MeterKind",
            "The energy source: the registry meter's kind (never ConsumptionOnly for a certificate).",
            &reg::MeterKind::ALL.map(|k| k.name()),
        ),
        super::registry::meter_type(
            "The registry program's Meter account (PDA [\"meter\", meter_id] of the registry): issue_certificate's meter seeds read its meter_id.",
        ),
    ];
    let mut enums = types.clone();
    enums.push(super::registry::meter_status_type());
    zero_copy_enums_as_u8(&mut types, &enums);
    types.extend(events());
    Idl {
        address: certs::ID.to_string(),
        metadata: metadata(
            "joule_certificates",
            "Joule certificates: energy renewable certificates (ERC) issued against registry meters, transferred, split, retired or revoked",
        ),
        docs: vec![],
        instructions: instructions(certs::specs()),
        accounts: vec![account("Config"), account("Certificate")],
        events: EVENTS.iter().map(|e| event(e)).collect(),
        errors: errors(certs::CertificatesError::ALL),
        types,
        constants: vec![
            constant("SEED_CONFIG", Bytes, format!("{:?}", certs::SEED_CONFIG)),
            constant("SEED_CERTIFICATE", Bytes, format!("{:?}", certs::SEED_CERTIFICATE)),
            constant("CERTIFICATE_BUMP", U8, certs::CERTIFICATE_BUMP),
            constant("SEED_SPLIT", Bytes, format!("{:?}", certs::SEED_SPLIT)),
            constant("MAX_ID_SKIP", U64, certs::MAX_ID_SKIP),
            constant("MAX_SPLIT_INDEX_SKIP", U32, certs::MAX_SPLIT_INDEX_SKIP),
            constant("MAX_BENEFICIARY_NAME_LEN", U8, certs::MAX_BENEFICIARY_NAME_LEN),
            constant("MAX_REASON_LEN", U8, certs::MAX_REASON_LEN),
            constant("PAUSE_ISSUE", U8, certs::PAUSE_ISSUE),
            constant("PAUSE_TRANSFER", U8, certs::PAUSE_TRANSFER),
            constant("PAUSE_RETIRE", U8, certs::PAUSE_RETIRE),
        ],
    }
}
