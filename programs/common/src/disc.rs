//! Anchor discriminators, computed at compile time.

use sha2_const_stable::Sha256;

/// `sha256("<namespace>:<name>")[..8]`, as Anchor computes it.
pub const fn sighash(namespace: &str, name: &str) -> [u8; 8] {
    let hash = Sha256::new()
        .update(namespace.as_bytes())
        .update(b":")
        .update(name.as_bytes())
        .finalize();
    [
        hash[0], hash[1], hash[2], hash[3], hash[4], hash[5], hash[6], hash[7],
    ]
}

/// Instruction discriminator: `sha256("global:<snake_case_name>")[..8]`.
pub const fn instruction(name: &str) -> [u8; 8] {
    sighash("global", name)
}

/// Account discriminator: `sha256("account:<PascalName>")[..8]`.
pub const fn account(name: &str) -> [u8; 8] {
    sighash("account", name)
}

/// Event discriminator: `sha256("event:<PascalName>")[..8]`.
pub const fn event(name: &str) -> [u8; 8] {
    sighash("event", name)
}

/// The discriminator as a little-endian `u64`, for cheap `match` dispatch.
pub const fn as_u64(disc: [u8; 8]) -> u64 {
    u64::from_le_bytes(disc)
}
