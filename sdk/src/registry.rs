//! Registry program: ids, PDAs, meter ids, instruction builders, decoders.

use crate::{
    spec::{fixed, r, s, ty, w, ws, AccountSpec, ArgSpec, ArgType, Borsh, IxSpec, Seed},
    AccountMeta, Instruction, Pubkey, ASSOCIATED_TOKEN_PROGRAM_ID, SYSTEM_PROGRAM_ID,
    TOKEN_PROGRAM_ID,
};
use sha2::{Digest, Sha256};

pub use joule_registry::{
    error::RegistryError,
    events::*,
    instructions::oracle::submit_readings::{MAX_CLOCK_DRIFT_SECS, MAX_READINGS},
    state::*,
    ID,
};

/// The `Config` PDA.
pub fn config_address() -> Pubkey {
    Pubkey::find_program_address(&[SEED_CONFIG], &ID).0
}

/// The energy mint PDA.
pub fn energy_mint_address() -> Pubkey {
    Pubkey::find_program_address(&[SEED_ENERGY_MINT], &ID).0
}

/// The `Meter` PDA of a meter id, and its canonical bump.
pub fn meter_address(meter_id: &[u8; 32]) -> (Pubkey, u8) {
    Pubkey::find_program_address(&[SEED_METER, meter_id], &ID)
}

/// The registry's ProgramData account (holds its upgrade authority).
pub fn program_data_address() -> Pubkey {
    Pubkey::find_program_address(&[ID.as_ref()], &BPF_LOADER_UPGRADEABLE_ID).0
}

/// The certificates program's signing PDA (the only `record_certified` caller).
pub fn certifier_address() -> (Pubkey, u8) {
    Pubkey::find_program_address(&[SEED_CERTIFIER], &CERTIFICATES_PROGRAM_ID)
}

/// A utility's meter serial, normalised: surrounding and inner whitespace,
/// dashes, dots, slashes and underscores dropped, letters upper-cased. So
/// `"ab-12 34"` and `"AB1234"` are the same meter.
pub fn normalize_serial(serial: &str) -> String {
    serial
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '.' | '/' | '_'))
        .flat_map(char::to_uppercase)
        .collect()
}

/// `meter_id = sha256("joule:meter:" + normalised serial)`: one id per
/// physical meter, whoever registers it.
pub fn meter_id_from_serial(serial: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"joule:meter:");
    h.update(normalize_serial(serial).as_bytes());
    h.finalize().into()
}

/// A utility (DISCOM) code as the 16 zero-padded bytes a meter stores.
pub fn utility_id(code: &str) -> Result<[u8; 16], String> {
    let b = code.trim().as_bytes();
    if b.is_empty() || b.len() > 16 {
        return Err(format!(
            "utility id '{code}' must be 1 to 16 bytes of UTF-8"
        ));
    }
    let mut out = [0u8; 16];
    out[..b.len()].copy_from_slice(b);
    Ok(out)
}

/// The utility code stored in a meter, as text.
pub fn utility_id_str(id: &[u8; 16]) -> String {
    let end = id.iter().position(|&b| b == 0).unwrap_or(16);
    String::from_utf8_lossy(&id[..end]).into_owned()
}

/// One cumulative reading of a meter's registers: the raw values the meter
/// shows, not the energy credited (that is `Meter::exported_wh` and
/// `Meter::imported_wh`, which grow by each register's increase).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reading {
    pub timestamp: i64,
    /// The export register, Wh since the meter was made.
    pub export_register_wh: u64,
    /// The import register, Wh since the meter was made.
    pub import_register_wh: u64,
}

/// What `submit_readings` returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubmitReadingsResult {
    pub applied: u16,
    pub skipped: u16,
    /// Bit `i` set = reading `i` of the batch was skipped (stale or duplicate).
    pub skipped_mask: Vec<u8>,
}

impl SubmitReadingsResult {
    pub fn decode(data: &[u8]) -> Option<Self> {
        let applied = u16::from_le_bytes(data.get(0..2)?.try_into().ok()?);
        let skipped = u16::from_le_bytes(data.get(2..4)?.try_into().ok()?);
        let n = u32::from_le_bytes(data.get(4..8)?.try_into().ok()?) as usize;
        let skipped_mask = data.get(8..8 + n)?.to_vec();
        (data.len() == 8 + n).then_some(Self {
            applied,
            skipped,
            skipped_mask,
        })
    }

    pub fn is_skipped(&self, i: usize) -> bool {
        self.skipped_mask
            .get(i / 8)
            .is_some_and(|b| b & (1 << (i % 8)) != 0)
    }
}

/// Decodes a `Config` account's data.
pub fn decode_config(data: &[u8]) -> Option<Config> {
    joule_common::account::decode(data)
}

/// Decodes a `Meter` account's data.
pub fn decode_meter(data: &[u8]) -> Option<Meter> {
    joule_common::account::decode(data)
}

/// Decodes the `ReadingsSubmitted` event body (after the discriminator).
pub fn decode_readings_event(body: &[u8]) -> Option<(Pubkey, u16, u16, Vec<ReadingApplied>)> {
    let oracle = Pubkey::new_from_array(body.get(0..32)?.try_into().ok()?);
    let applied = u16::from_le_bytes(body.get(32..34)?.try_into().ok()?);
    let skipped = u16::from_le_bytes(body.get(34..36)?.try_into().ok()?);
    let n = u32::from_le_bytes(body.get(36..40)?.try_into().ok()?) as usize;
    let size = std::mem::size_of::<ReadingApplied>();
    let items = body.get(40..)?;
    if items.len() != n * size {
        return None;
    }
    let list = items
        .chunks_exact(size)
        .map(bytemuck::pod_read_unaligned)
        .collect();
    Some((oracle, applied, skipped, list))
}

// ---------------------------------------------------------------- specs

/// Seeds of the `Config` PDA.
pub const CONFIG_SEEDS: &[Seed] = &[Seed::Const(SEED_CONFIG)];
/// Seeds of the energy mint PDA.
pub const ENERGY_MINT_SEEDS: &[Seed] = &[Seed::Const(SEED_ENERGY_MINT)];
/// Seeds of an existing `Meter` PDA (its id is in its data).
pub const METER_SEEDS: &[Seed] = &[
    Seed::Const(SEED_METER),
    Seed::Field("meter.meter_id", "Meter"),
];

const CONFIG_DOCS: &str = "The Config PDA [\"config\"] (canonical bump).";
const CONFIG: AccountSpec = r("config", CONFIG_DOCS).pda(CONFIG_SEEDS);
const CONFIG_W: AccountSpec = w("config", CONFIG_DOCS).pda(CONFIG_SEEDS);
const ADMIN: AccountSpec = s("admin", "The config admin.");
const METER_W: AccountSpec = w(
    "meter",
    "The Meter PDA [\"meter\", meter_id] (canonical bump, stored in the account).",
)
.pda(METER_SEEDS);
const ENERGY_MINT_W: AccountSpec =
    w("energy_mint", "The energy mint PDA [\"energy_mint\"].").pda(ENERGY_MINT_SEEDS);
const SYSTEM: AccountSpec = fixed("system_program", SYSTEM_PROGRAM_ID);
const TOKEN: AccountSpec = fixed("token_program", TOKEN_PROGRAM_ID);

/// The spec of one registry instruction, by name.
pub fn spec(name: &str) -> IxSpec {
    use ArgType::{Pubkey, I64, U64, U8};
    let arg = |name, ty| ArgSpec { name, ty };
    let (docs, accounts, args, remaining, returns): (&str, Vec<AccountSpec>, Vec<ArgSpec>, _, _) =
        match name {
            "initialize" => (
                "The program's upgrade authority creates the Config PDA (signer = admin) and the energy mint PDA (3 decimals, mint authority the Config PDA). Once only.",
                vec![
                    ws("admin", "The program's upgrade authority; becomes the admin and pays for both accounts."),
                    CONFIG_W,
                    ENERGY_MINT_W,
                    fixed("program_data", PROGRAM_DATA_ADDRESS).pda_of(
                        BPF_LOADER_UPGRADEABLE_ID,
                        &[Seed::Address(ID)],
                    ),
                    SYSTEM,
                    TOKEN,
                ],
                vec![],
                None,
                None,
            ),
            "propose_admin" => (
                "Admin: proposes a successor, who must accept_admin. The default address withdraws a proposal.",
                vec![ADMIN, CONFIG_W],
                vec![arg("new_admin", Pubkey)],
                None,
                None,
            ),
            "accept_admin" => (
                "The proposed admin accepts and becomes admin.",
                vec![s("new_admin", "The proposed admin."), CONFIG_W],
                vec![],
                None,
                None,
            ),
            "set_oracles" => (
                "Admin: removes, then adds, oracle keys (capacity 8). Fails as a whole on an unknown removal, a duplicate addition or overflow.",
                vec![ADMIN, CONFIG_W],
                vec![arg("add", ty::vec(Pubkey)), arg("remove", ty::vec(Pubkey))],
                None,
                None,
            ),
            "set_pause" => (
                "Admin: sets the pause flags (1 = registry, 2 = market, 4 = certificates; 0 = nothing paused).",
                vec![ADMIN, CONFIG_W],
                vec![arg("flags", U8)],
                None,
                None,
            ),
            "register_meter" => (
                "The owner registers a physical meter: creates its Meter PDA, pending verification. bump must be the canonical bump of [\"meter\", meter_id] (the one findProgramAddress returns).",
                vec![
                    ws("owner", "The meter owner; pays for the account."),
                    CONFIG,
                    w(
                        "meter",
                        "The Meter PDA [\"meter\", meter_id], created here; the bump argument must be its canonical bump.",
                    )
                    .pda(&[Seed::Const(SEED_METER), Seed::Arg("meter_id")]),
                    SYSTEM,
                ],
                vec![
                    arg("meter_id", ty::array(U8, 32)),
                    arg("utility_id", ty::array(U8, 16)),
                    arg("kind", ty::defined("MeterKind")),
                    arg("rated_power_w", U64),
                    arg("bump", U8),
                ],
                None,
                None,
            ),
            "activate_meter" => (
                "Admin: verifies a pending meter or re-activates a suspended one; fails with UnexpectedMeterOwner unless the meter is owned by expected_owner. Every activation resets the reading baseline: readings dated at or before it are skipped and the first one after it credits nothing.",
                vec![ADMIN, CONFIG, METER_W],
                vec![arg("expected_owner", Pubkey)],
                None,
                None,
            ),
            "suspend_meter" => (
                "Admin: suspends a meter; readings, minting and redemption stop until it is re-activated.",
                vec![ADMIN, CONFIG, METER_W],
                vec![],
                None,
                None,
            ),
            "reassign_meter" => (
                "Admin: gives a pending or suspended meter to new_owner (a squatted serial, a lost key); clears any pending transfer, resets the reading baseline, keeps the status. Refused for an active meter (MeterIsActive) and while exported energy is not yet minted (UnmintedEnergy).",
                vec![ADMIN, CONFIG, METER_W],
                vec![arg("new_owner", Pubkey)],
                None,
                None,
            ),
            "close_meter" => (
                "Admin: closes a pending (never activated) meter and returns its rent to its owner; the serial can be registered again.",
                vec![
                    ADMIN,
                    CONFIG,
                    METER_W,
                    w("owner", "The meter owner (the registrant); receives the rent."),
                ],
                vec![],
                None,
                None,
            ),
            "propose_meter_transfer" => (
                "The meter owner proposes a new owner, who must accept. The default address withdraws a proposal.",
                vec![s("owner", "The meter owner."), CONFIG, METER_W],
                vec![arg("new_owner", Pubkey)],
                None,
                None,
            ),
            "accept_meter_transfer" => (
                "The proposed owner accepts the meter.",
                vec![s("new_owner", "The proposed owner."), CONFIG, METER_W],
                vec![],
                None,
                None,
            ),
            "submit_readings" => (
                "An oracle records cumulative readings; reading i is for remaining account i (a writable Meter). Stale or duplicate readings, and readings dated at or before the meter's activation, are skipped and reported in the return data; the first reading after each activation only sets a new baseline.",
                vec![s("oracle", "A key of the current oracle set."), CONFIG],
                vec![arg("readings", ty::vec(ty::defined("Reading")))],
                Some(w("meters", "One writable Meter per reading, in order.")),
                Some(ty::defined("SubmitReadingsResult")),
            ),
            "mint_energy" => (
                "Permissionless: mints the meter's exported energy not yet minted to the meter owner's energy token account.",
                vec![
                    CONFIG,
                    METER_W,
                    ENERGY_MINT_W,
                    w(
                        "owner_token",
                        "An energy token account owned by the meter owner; the IDL's default is the owner's associated token account, any other of the owner's energy token accounts may be given instead.",
                    )
                    .pda_of(
                        ASSOCIATED_TOKEN_PROGRAM_ID,
                        &[
                            Seed::Field("meter.owner", "Meter"),
                            Seed::Address(TOKEN_PROGRAM_ID),
                            Seed::Account("energy_mint"),
                        ],
                    ),
                    TOKEN,
                ],
                vec![],
                None,
                None,
            ),
            "redeem_consumption" => (
                "The meter owner burns energy tokens against the meter's imported energy not yet redeemed.",
                vec![
                    s("owner", "The meter owner."),
                    CONFIG,
                    METER_W,
                    ENERGY_MINT_W,
                    w(
                        "owner_token",
                        "The owner's energy token account (the IDL's default is the owner's associated token account; any other may be given).",
                    )
                    .pda_of(
                        ASSOCIATED_TOKEN_PROGRAM_ID,
                        &[
                            Seed::Account("owner"),
                            Seed::Address(TOKEN_PROGRAM_ID),
                            Seed::Account("energy_mint"),
                        ],
                    ),
                    TOKEN,
                ],
                vec![arg("amount_wh", U64)],
                None,
                None,
            ),
            "record_certified" => (
                "Certificates program only (its PDA [\"certifier\"] signs by CPI): records certified energy on a renewable meter.",
                vec![
                    s("certifier", "The certificates program's PDA [\"certifier\"] (canonical bump).")
                        .pda_of(CERTIFICATES_PROGRAM_ID, &[Seed::Const(SEED_CERTIFIER)]),
                    CONFIG,
                    METER_W,
                ],
                vec![arg("amount_wh", U64), arg("period_start", I64), arg("period_end", I64)],
                None,
                None,
            ),
            other => panic!("unknown registry instruction {other}"),
        };
    IxSpec {
        name: crate::spec::instruction_name(joule_registry::wire::INSTRUCTIONS, "registry", name),
        docs,
        accounts,
        remaining,
        args,
        returns,
    }
}

/// Every registry instruction spec, in IDL order.
pub fn specs() -> Vec<IxSpec> {
    joule_registry::wire::INSTRUCTIONS
        .iter()
        .map(|i| spec(i.name))
        .collect()
}

fn build(name: &str, keys: &[Pubkey], args: Borsh) -> Instruction {
    spec(name).build(ID, keys, vec![], args)
}

// ---------------------------------------------------------------- builders

pub fn initialize(admin: &Pubkey) -> Instruction {
    let keys = [
        *admin,
        config_address(),
        energy_mint_address(),
        program_data_address(),
        SYSTEM_PROGRAM_ID,
        TOKEN_PROGRAM_ID,
    ];
    build("initialize", &keys, Borsh::new())
}

pub fn propose_admin(admin: &Pubkey, new_admin: &Pubkey) -> Instruction {
    build(
        "propose_admin",
        &[*admin, config_address()],
        Borsh::new().pubkey(new_admin),
    )
}

pub fn accept_admin(new_admin: &Pubkey) -> Instruction {
    build(
        "accept_admin",
        &[*new_admin, config_address()],
        Borsh::new(),
    )
}

pub fn set_oracles(admin: &Pubkey, add: &[Pubkey], remove: &[Pubkey]) -> Instruction {
    let args = Borsh::new()
        .vec(add, |b, k| b.pubkey(k))
        .vec(remove, |b, k| b.pubkey(k));
    build("set_oracles", &[*admin, config_address()], args)
}

pub fn set_pause(admin: &Pubkey, flags: u8) -> Instruction {
    build(
        "set_pause",
        &[*admin, config_address()],
        Borsh::new().u8(flags),
    )
}

pub fn register_meter(
    owner: &Pubkey,
    meter_id: &[u8; 32],
    utility_id: &[u8; 16],
    kind: MeterKind,
    rated_power_w: u64,
) -> Instruction {
    let (meter, bump) = meter_address(meter_id);
    register_meter_with_bump(
        owner,
        &meter,
        meter_id,
        utility_id,
        kind,
        rated_power_w,
        bump,
    )
}

/// `register_meter` with an explicit meter address and bump (for tests of
/// the on-chain canonical-bump check).
pub fn register_meter_with_bump(
    owner: &Pubkey,
    meter: &Pubkey,
    meter_id: &[u8; 32],
    utility_id: &[u8; 16],
    kind: MeterKind,
    rated_power_w: u64,
    bump: u8,
) -> Instruction {
    let args = Borsh::new()
        .bytes(meter_id)
        .bytes(utility_id)
        .u8(kind as u8)
        .u64(rated_power_w)
        .u8(bump);
    build(
        "register_meter",
        &[*owner, config_address(), *meter, SYSTEM_PROGRAM_ID],
        args,
    )
}

/// Activates `meter` if, and only if, `expected_owner` owns it.
pub fn activate_meter(admin: &Pubkey, meter: &Pubkey, expected_owner: &Pubkey) -> Instruction {
    build(
        "activate_meter",
        &[*admin, config_address(), *meter],
        Borsh::new().pubkey(expected_owner),
    )
}

/// Gives a pending or suspended meter to `new_owner`.
pub fn reassign_meter(admin: &Pubkey, meter: &Pubkey, new_owner: &Pubkey) -> Instruction {
    build(
        "reassign_meter",
        &[*admin, config_address(), *meter],
        Borsh::new().pubkey(new_owner),
    )
}

/// Closes a pending meter; its rent goes to `owner` (the meter's owner).
pub fn close_meter(admin: &Pubkey, meter: &Pubkey, owner: &Pubkey) -> Instruction {
    build(
        "close_meter",
        &[*admin, config_address(), *meter, *owner],
        Borsh::new(),
    )
}

pub fn suspend_meter(admin: &Pubkey, meter: &Pubkey) -> Instruction {
    build(
        "suspend_meter",
        &[*admin, config_address(), *meter],
        Borsh::new(),
    )
}

pub fn propose_meter_transfer(owner: &Pubkey, meter: &Pubkey, new_owner: &Pubkey) -> Instruction {
    build(
        "propose_meter_transfer",
        &[*owner, config_address(), *meter],
        Borsh::new().pubkey(new_owner),
    )
}

pub fn accept_meter_transfer(new_owner: &Pubkey, meter: &Pubkey) -> Instruction {
    build(
        "accept_meter_transfer",
        &[*new_owner, config_address(), *meter],
        Borsh::new(),
    )
}

/// One batch of readings: `(meter account, reading)` pairs.
pub fn submit_readings(oracle: &Pubkey, readings: &[(Pubkey, Reading)]) -> Instruction {
    let args = Borsh::new().vec(readings, |b, (_, r)| {
        b.i64(r.timestamp)
            .u64(r.export_register_wh)
            .u64(r.import_register_wh)
    });
    let metas = readings
        .iter()
        .map(|(m, _)| AccountMeta::new(*m, false))
        .collect();
    spec("submit_readings").build(ID, &[*oracle, config_address()], metas, args)
}

/// Mints to `owner_token` (an energy token account of the meter owner).
pub fn mint_energy(meter: &Pubkey, owner_token: &Pubkey) -> Instruction {
    let keys = [
        config_address(),
        *meter,
        energy_mint_address(),
        *owner_token,
        TOKEN_PROGRAM_ID,
    ];
    build("mint_energy", &keys, Borsh::new())
}

pub fn redeem_consumption(
    owner: &Pubkey,
    meter: &Pubkey,
    owner_token: &Pubkey,
    amount_wh: u64,
) -> Instruction {
    let keys = [
        *owner,
        config_address(),
        *meter,
        energy_mint_address(),
        *owner_token,
        TOKEN_PROGRAM_ID,
    ];
    build("redeem_consumption", &keys, Borsh::new().u64(amount_wh))
}

/// Only meaningful as a CPI from the certificates program; the builder
/// exists so tests can prove a direct call fails.
pub fn record_certified(
    certifier: &Pubkey,
    meter: &Pubkey,
    amount_wh: u64,
    period_start: i64,
    period_end: i64,
) -> Instruction {
    let args = Borsh::new()
        .u64(amount_wh)
        .i64(period_start)
        .i64(period_end);
    build(
        "record_certified",
        &[*certifier, config_address(), *meter],
        args,
    )
}
