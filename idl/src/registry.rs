use super::*;
use anchor_lang_idl_spec::IdlType::{Bytes, U8};
use joule_sdk::registry::{self as reg, wire};

/// The registry's Anchor IDL.
pub fn registry_idl() -> Idl {
    let types = [
        reg::ACCOUNTS,
        &[&reg::MeterKind::LAYOUT, &reg::MeterStatus::LAYOUT],
        &[
            &reg::Reading::LAYOUT,
            &wire::SUBMIT_READINGS_RESULT,
            &reg::ReadingApplied::LAYOUT,
        ],
        reg::EVENTS,
    ];
    Idl {
        address: reg::ID.to_string(),
        metadata: metadata(
            "joule_registry",
            "Joule registry: config and oracle set, meters, oracle readings, energy-token minting, consumption redemption",
        ),
        docs: vec![],
        instructions: instructions(reg::specs()),
        accounts: accounts(reg::ACCOUNTS),
        events: events(reg::EVENTS),
        errors: errors(reg::RegistryError::ALL),
        types: types.concat().into_iter().map(type_def).collect(),
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
