//! joule-keeper: the operator's daemon. Its sources, loops and sender arrive
//! with the keeper issue; until then the keeper's chain-facing logic lives in
//! the sdk (instruction builders, batching limits) that it will use.

/// Readings per legacy transaction when the oracle key pays the fee
/// (measured in the registry tests: 17 fit 1,232 bytes; 16 with a separate
/// fee payer).
pub const READINGS_PER_LEGACY_TX: usize = 17;
