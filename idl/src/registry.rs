use super::*;
use anchor_lang_idl_spec::IdlType::{Bytes, Pubkey, I64, U16, U64, U8};
use joule_sdk::registry as reg;

fn events() -> Vec<IdlTypeDef> {
    let ev = borsh_type;
    vec![
        ev(
            "Initialized",
            "The registry was initialised.",
            vec![("admin", Pubkey), ("energy_mint", Pubkey)],
        ),
        ev(
            "AdminProposed",
            "The admin proposed a successor.",
            vec![("admin", Pubkey), ("pending_admin", Pubkey)],
        ),
        ev(
            "AdminAccepted",
            "The proposed admin accepted.",
            vec![("old_admin", Pubkey), ("new_admin", Pubkey)],
        ),
        ev(
            "OraclesUpdated",
            "The oracle set changed.",
            vec![
                ("admin", Pubkey),
                ("added", U8),
                ("removed", U8),
                ("count_before", U8),
                ("count_after", U8),
            ],
        ),
        ev(
            "PauseSet",
            "Pause flags changed.",
            vec![("admin", Pubkey), ("flags_before", U8), ("flags_after", U8)],
        ),
        ev(
            "MeterRegistered",
            "A meter was registered (pending verification).",
            vec![
                ("meter", Pubkey),
                ("owner", Pubkey),
                ("utility_id", ty::array(U8, 16)),
                ("rated_power_w", U64),
                ("kind", ty::defined("MeterKind")),
            ],
        ),
        ev(
            "MeterStatusChanged",
            "The admin activated or suspended a meter.",
            vec![
                ("meter", Pubkey),
                ("status_before", ty::defined("MeterStatus")),
                ("status_after", ty::defined("MeterStatus")),
            ],
        ),
        ev(
            "MeterReassigned",
            "The admin reassigned a pending or suspended meter to another owner (pending transfer cleared, reading baseline reset).",
            vec![
                ("meter", Pubkey),
                ("owner_before", Pubkey),
                ("owner_after", Pubkey),
                ("status", ty::defined("MeterStatus")),
            ],
        ),
        ev(
            "MeterClosed",
            "The admin closed a pending meter; its rent went back to its owner.",
            vec![("meter", Pubkey), ("owner", Pubkey), ("lamports", U64)],
        ),
        ev(
            "MeterTransferProposed",
            "A meter owner proposed a new owner.",
            vec![
                ("meter", Pubkey),
                ("owner", Pubkey),
                ("pending_owner", Pubkey),
            ],
        ),
        ev(
            "MeterTransferred",
            "The proposed owner accepted the meter.",
            vec![
                ("meter", Pubkey),
                ("old_owner", Pubkey),
                ("new_owner", Pubkey),
            ],
        ),
        ev(
            "ReadingsSubmitted",
            "A batch of readings was recorded; skipped ones are counted.",
            vec![
                ("oracle", Pubkey),
                ("applied", U16),
                ("skipped", U16),
                ("readings", ty::vec(ty::defined("ReadingApplied"))),
            ],
        ),
        ev(
            "EnergyMinted",
            "Exported energy was minted to the meter owner.",
            vec![
                ("meter", Pubkey),
                ("owner", Pubkey),
                ("amount_wh", U64),
                ("minted_wh_before", U64),
                ("minted_wh_after", U64),
                ("exported_wh", U64),
            ],
        ),
        ev(
            "ConsumptionRedeemed",
            "Tokens were burned against imported energy: the record a utility bills against.",
            vec![
                ("meter", Pubkey),
                ("owner", Pubkey),
                ("amount_wh", U64),
                ("redeemed_wh_before", U64),
                ("redeemed_wh_after", U64),
                ("imported_wh", U64),
            ],
        ),
        ev(
            "EnergyCertified",
            "The certificates program recorded certified energy on a meter.",
            vec![
                ("meter", Pubkey),
                ("amount_wh", U64),
                ("certified_wh_before", U64),
                ("certified_wh_after", U64),
                ("exported_wh", U64),
            ],
        ),
    ]
}

/// Registry event names, in IDL order.
pub(crate) const EVENTS: &[&str] = &[
    "Initialized",
    "AdminProposed",
    "AdminAccepted",
    "OraclesUpdated",
    "PauseSet",
    "MeterRegistered",
    "MeterStatusChanged",
    "MeterReassigned",
    "MeterClosed",
    "MeterTransferProposed",
    "MeterTransferred",
    "ReadingsSubmitted",
    "EnergyMinted",
    "ConsumptionRedeemed",
    "EnergyCertified",
];

/// The `Meter` account's layout (also in the certificates IDL, whose
/// issue_certificate seeds read a meter's id).
pub(crate) fn meter_type(docs: &str) -> IdlTypeDef {
    struct_type(
        "Meter",
        docs,
        IdlSerialization::Bytemuck,
        repr_c(),
        vec![
            ("owner", Pubkey),
            ("pending_owner", Pubkey),
            ("meter_id", ty::array(U8, 32)),
            ("utility_id", ty::array(U8, 16)),
            ("rated_power_w", U64),
            ("registered_at", I64),
            ("last_reading_ts", I64),
            ("export_register_wh", U64),
            ("import_register_wh", U64),
            ("exported_wh", U64),
            ("imported_wh", U64),
            ("minted_wh", U64),
            ("certified_wh", U64),
            ("redeemed_wh", U64),
            ("kind", ty::defined("MeterKind")),
            ("status", ty::defined("MeterStatus")),
            ("version", U8),
            ("bump", U8),
            ("padding", ty::array(U8, 4)),
            ("activated_at", I64),
            ("reserved", ty::array(U8, 56)),
        ],
    )
}

/// The `MeterKind` enum.
pub(crate) fn meter_kind_type(docs: &str) -> IdlTypeDef {
    enum_type("MeterKind", docs, &reg::MeterKind::ALL.map(|k| k.name()))
}

/// The `MeterStatus` enum.
pub(crate) fn meter_status_type() -> IdlTypeDef {
    enum_type(
        "MeterStatus",
        "Meter lifecycle.",
        &["Pending", "Active", "Suspended"],
    )
}

/// The registry's Anchor IDL.
pub fn registry_idl() -> Idl {
    let mut types = vec![
        struct_type(
            "Config",
            "Protocol config, PDA [\"config\"]; also the energy mint authority.",
            IdlSerialization::Bytemuck,
            repr_c(),
            vec![
                ("admin", Pubkey),
                ("pending_admin", Pubkey),
                ("energy_mint", Pubkey),
                ("oracles", ty::array(Pubkey, reg::MAX_ORACLES)),
                ("oracle_count", U8),
                ("pause_flags", U8),
                ("version", U8),
                ("bump", U8),
                ("energy_mint_bump", U8),
                ("padding", ty::array(U8, 3)),
                ("reserved", ty::array(U8, 64)),
            ],
        ),
        meter_type("A physical meter, PDA [\"meter\", meter_id]."),
        meter_kind_type("What a meter measures; all but ConsumptionOnly are renewable generation."),
        meter_status_type(),
        struct_type(
            "Reading",
            "A cumulative reading of a meter's registers.",
            IdlSerialization::Borsh,
            None,
            wire_fields(reg::Reading::FIELDS),
        ),
        struct_type(
            "SubmitReadingsResult",
            "Return data of submit_readings: bit i of skipped_mask set = reading i skipped.",
            IdlSerialization::Borsh,
            None,
            vec![("applied", U16), ("skipped", U16), ("skipped_mask", Bytes)],
        ),
        struct_type(
            "ReadingApplied",
            "One applied reading in ReadingsSubmitted: the meter's totals after it (before = the previous ReadingApplied of the meter).",
            IdlSerialization::Borsh,
            None,
            vec![
                ("meter", Pubkey),
                ("timestamp", I64),
                ("exported_wh", U64),
                ("imported_wh", U64),
            ],
        ),
    ];
    let enums = types.clone();
    zero_copy_enums_as_u8(&mut types, &enums);
    types.extend(events());
    Idl {
        address: reg::ID.to_string(),
        metadata: metadata(
            "joule_registry",
            "Joule registry: config and oracle set, meters, oracle readings, energy-token minting, consumption redemption",
        ),
        docs: vec![],
        instructions: instructions(reg::specs()),
        accounts: vec![account("Config"), account("Meter")],
        events: EVENTS.iter().map(|e| event(e)).collect(),
        errors: errors(reg::RegistryError::ALL),
        types,
        constants: vec![
            constant("SEED_CONFIG", Bytes, "[99, 111, 110, 102, 105, 103]"),
            constant("ENERGY_DECIMALS", U8, reg::ENERGY_DECIMALS),
            constant("MAX_ORACLES", U8, reg::MAX_ORACLES),
            constant("MAX_READINGS", U8, reg::MAX_READINGS),
            constant("PAUSE_REGISTRY", U8, reg::PAUSE_REGISTRY),
            constant("PAUSE_MARKET", U8, reg::PAUSE_MARKET),
            constant("PAUSE_CERTIFICATES", U8, reg::PAUSE_CERTIFICATES),
        ],
    }
}
