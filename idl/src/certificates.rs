use super::*;
use anchor_lang_idl_spec::IdlType::{Bytes, U32, U64, U8};
use joule_sdk::{certificates as certs, registry as reg};

/// The certificates program's Anchor IDL.
pub fn certificates_idl() -> Idl {
    let mut types: Vec<IdlTypeDef> = [certs::ACCOUNTS, &[&certs::CertificateStatus::LAYOUT]]
        .concat()
        .into_iter()
        .map(type_def)
        .collect();
    // The registry's types the certificates IDL refers to (a certificate's
    // source, the meter whose id issue_certificate's seeds read), described
    // from this program's side.
    types.push(foreign_type(
        &reg::MeterKind::LAYOUT,
        "The energy source: the registry meter's kind (never ConsumptionOnly for a certificate).",
    ));
    types.push(foreign_type(
        &reg::Meter::LAYOUT,
        "The registry program's Meter account (PDA [\"meter\", meter_id] of the registry): issue_certificate's meter seeds read its meter_id.",
    ));
    types.extend(certs::EVENTS.iter().copied().map(type_def));
    Idl {
        address: certs::ID.to_string(),
        metadata: metadata(
            "joule_certificates",
            "Joule certificates: energy renewable certificates (ERC) issued against registry meters, transferred, split, retired or revoked",
        ),
        docs: vec![],
        instructions: instructions(certs::specs()),
        accounts: accounts(certs::ACCOUNTS),
        events: events(certs::EVENTS),
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
