//! Registry program: ids, PDAs, meter ids, instruction builders, decoders.

use crate::{
    spec::{self, EncodedItems, Instructions, IxSpec},
    AccountMeta, Instruction, Pubkey, SYSTEM_PROGRAM_ID, TOKEN_PROGRAM_ID,
};
use sha2::{Digest, Sha256};

pub use joule_registry::{
    error::RegistryError,
    events::*,
    instructions::oracle::submit_readings::{MAX_CLOCK_DRIFT_SECS, MAX_READINGS},
    state::*,
    wire::{self, Reading, CONFIG_SEEDS, ENERGY_MINT_SEEDS, METER_SEEDS},
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

/// The spec of one registry instruction, by name (from the program's wire
/// module).
pub fn spec(name: &str) -> &'static IxSpec {
    spec::find(wire::INSTRUCTIONS, "registry", name)
}

/// Every registry instruction spec, in IDL order.
pub fn specs() -> Instructions {
    wire::INSTRUCTIONS
}

// ---------------------------------------------------------------- builders

/// `initialize`: the program's upgrade authority creates the config (and
/// becomes its admin) and the energy mint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Initialize {
    pub admin: Pubkey,
}

impl Initialize {
    pub fn instruction(&self) -> Instruction {
        let accounts = wire::initialize::Accounts {
            admin: self.admin,
            config: config_address(),
            energy_mint: energy_mint_address(),
            program_data: program_data_address(),
            system_program: SYSTEM_PROGRAM_ID,
            token_program: TOKEN_PROGRAM_ID,
        };
        let data = wire::initialize::Args {}.data();
        build(&wire::initialize::SPEC, accounts.into_array(), data)
    }
}

/// `propose_admin`: the admin names a successor (the default address
/// withdraws a proposal).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProposeAdmin {
    pub admin: Pubkey,
    pub new_admin: Pubkey,
}

impl ProposeAdmin {
    pub fn instruction(&self) -> Instruction {
        let accounts = wire::AdminConfig {
            admin: self.admin,
            config: config_address(),
        };
        let data = wire::propose_admin::Args {
            new_admin: &self.new_admin,
        }
        .data();
        build(&wire::propose_admin::SPEC, accounts.into_array(), data)
    }
}

/// `accept_admin`: the proposed admin becomes admin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AcceptAdmin {
    pub new_admin: Pubkey,
}

impl AcceptAdmin {
    pub fn instruction(&self) -> Instruction {
        let accounts = wire::accept_admin::Accounts {
            new_admin: self.new_admin,
            config: config_address(),
        };
        let data = wire::accept_admin::Args {}.data();
        build(&wire::accept_admin::SPEC, accounts.into_array(), data)
    }
}

/// `set_oracles`: the admin removes, then adds, oracle keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SetOracles<'a> {
    pub admin: Pubkey,
    pub add: &'a [Pubkey],
    pub remove: &'a [Pubkey],
}

impl SetOracles<'_> {
    pub fn instruction(&self) -> Instruction {
        let accounts = wire::AdminConfig {
            admin: self.admin,
            config: config_address(),
        };
        let (add, remove) = (EncodedItems::new(self.add), EncodedItems::new(self.remove));
        let data = wire::set_oracles::Args {
            add: add.items(),
            remove: remove.items(),
        }
        .data();
        build(&wire::set_oracles::SPEC, accounts.into_array(), data)
    }
}

/// `set_pause`: the admin sets the pause flags (`PAUSE_*`; 0 = nothing
/// paused).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SetPause {
    pub admin: Pubkey,
    pub flags: u8,
}

impl SetPause {
    pub fn instruction(&self) -> Instruction {
        let accounts = wire::AdminConfig {
            admin: self.admin,
            config: config_address(),
        };
        let data = wire::set_pause::Args { flags: self.flags }.data();
        build(&wire::set_pause::SPEC, accounts.into_array(), data)
    }
}

/// `register_meter`: the owner registers a physical meter at its `Meter`
/// PDA (derived from `meter_id`, with its canonical bump).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RegisterMeter {
    pub owner: Pubkey,
    pub meter_id: [u8; 32],
    pub utility_id: [u8; 16],
    pub kind: MeterKind,
    pub rated_power_w: u64,
}

impl RegisterMeter {
    pub fn instruction(&self) -> Instruction {
        let (meter, bump) = meter_address(&self.meter_id);
        self.instruction_at(meter, bump)
    }

    /// The instruction with an explicit meter address and bump (for tests
    /// of the on-chain canonical-bump check).
    pub fn instruction_at(&self, meter: Pubkey, bump: u8) -> Instruction {
        let accounts = wire::register_meter::Accounts {
            owner: self.owner,
            config: config_address(),
            meter,
            system_program: SYSTEM_PROGRAM_ID,
        };
        let data = wire::register_meter::Args {
            meter_id: &self.meter_id,
            utility_id: &self.utility_id,
            kind: self.kind,
            rated_power_w: self.rated_power_w,
            bump,
        }
        .data();
        build(&wire::register_meter::SPEC, accounts.into_array(), data)
    }
}

/// `activate_meter`: the admin activates `meter` if, and only if,
/// `expected_owner` owns it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ActivateMeter {
    pub admin: Pubkey,
    pub meter: Pubkey,
    pub expected_owner: Pubkey,
}

impl ActivateMeter {
    pub fn instruction(&self) -> Instruction {
        let accounts = admin_meter(self.admin, self.meter);
        let data = wire::activate_meter::Args {
            expected_owner: &self.expected_owner,
        }
        .data();
        build(&wire::activate_meter::SPEC, accounts.into_array(), data)
    }
}

/// `suspend_meter`: the admin suspends a meter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SuspendMeter {
    pub admin: Pubkey,
    pub meter: Pubkey,
}

impl SuspendMeter {
    pub fn instruction(&self) -> Instruction {
        let accounts = admin_meter(self.admin, self.meter);
        let data = wire::suspend_meter::Args {}.data();
        build(&wire::suspend_meter::SPEC, accounts.into_array(), data)
    }
}

/// `reassign_meter`: the admin gives a pending or suspended meter to
/// `new_owner`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReassignMeter {
    pub admin: Pubkey,
    pub meter: Pubkey,
    pub new_owner: Pubkey,
}

impl ReassignMeter {
    pub fn instruction(&self) -> Instruction {
        let accounts = admin_meter(self.admin, self.meter);
        let data = wire::reassign_meter::Args {
            new_owner: &self.new_owner,
        }
        .data();
        build(&wire::reassign_meter::SPEC, accounts.into_array(), data)
    }
}

/// `close_meter`: the admin closes a pending meter; its rent goes to
/// `owner` (the meter's owner).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CloseMeter {
    pub admin: Pubkey,
    pub meter: Pubkey,
    pub owner: Pubkey,
}

impl CloseMeter {
    pub fn instruction(&self) -> Instruction {
        let accounts = wire::close_meter::Accounts {
            admin: self.admin,
            config: config_address(),
            meter: self.meter,
            owner: self.owner,
        };
        let data = wire::close_meter::Args {}.data();
        build(&wire::close_meter::SPEC, accounts.into_array(), data)
    }
}

/// `propose_meter_transfer`: the meter owner names a new owner (the default
/// address withdraws a proposal).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProposeMeterTransfer {
    pub owner: Pubkey,
    pub meter: Pubkey,
    pub new_owner: Pubkey,
}

impl ProposeMeterTransfer {
    pub fn instruction(&self) -> Instruction {
        let accounts = wire::propose_meter_transfer::Accounts {
            owner: self.owner,
            config: config_address(),
            meter: self.meter,
        };
        let data = wire::propose_meter_transfer::Args {
            new_owner: &self.new_owner,
        }
        .data();
        build(
            &wire::propose_meter_transfer::SPEC,
            accounts.into_array(),
            data,
        )
    }
}

/// `accept_meter_transfer`: the proposed owner takes the meter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AcceptMeterTransfer {
    pub new_owner: Pubkey,
    pub meter: Pubkey,
}

impl AcceptMeterTransfer {
    pub fn instruction(&self) -> Instruction {
        let accounts = wire::accept_meter_transfer::Accounts {
            new_owner: self.new_owner,
            config: config_address(),
            meter: self.meter,
        };
        let data = wire::accept_meter_transfer::Args {}.data();
        build(
            &wire::accept_meter_transfer::SPEC,
            accounts.into_array(),
            data,
        )
    }
}

/// `submit_readings`: one batch of `(meter account, reading)` pairs, signed
/// by an oracle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SubmitReadings<'a> {
    pub oracle: Pubkey,
    pub readings: &'a [(Pubkey, Reading)],
}

impl SubmitReadings<'_> {
    pub fn instruction(&self) -> Instruction {
        let accounts = wire::submit_readings::Accounts {
            oracle: self.oracle,
            config: config_address(),
        };
        let readings: Vec<Reading> = self.readings.iter().map(|(_, r)| *r).collect();
        let readings = EncodedItems::new(&readings);
        let data = wire::submit_readings::Args {
            readings: readings.items(),
        }
        .data();
        let meters = self
            .readings
            .iter()
            .map(|(m, _)| AccountMeta::new(*m, false))
            .collect();
        spec::instruction(
            ID,
            &wire::submit_readings::SPEC,
            accounts.into_array(),
            meters,
            data,
        )
    }
}

/// `mint_energy`: mints the meter's exported energy not yet minted to
/// `owner_token` (an energy token account of the meter's owner).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MintEnergy {
    pub meter: Pubkey,
    pub owner_token: Pubkey,
}

impl MintEnergy {
    pub fn instruction(&self) -> Instruction {
        let accounts = wire::mint_energy::Accounts {
            config: config_address(),
            meter: self.meter,
            energy_mint: energy_mint_address(),
            owner_token: self.owner_token,
            token_program: TOKEN_PROGRAM_ID,
        };
        let data = wire::mint_energy::Args {}.data();
        build(&wire::mint_energy::SPEC, accounts.into_array(), data)
    }
}

/// `redeem_consumption`: the meter owner burns `amount_wh` from
/// `owner_token` against the meter's imported energy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RedeemConsumption {
    pub owner: Pubkey,
    pub meter: Pubkey,
    pub owner_token: Pubkey,
    pub amount_wh: u64,
}

impl RedeemConsumption {
    pub fn instruction(&self) -> Instruction {
        let accounts = wire::redeem_consumption::Accounts {
            owner: self.owner,
            config: config_address(),
            meter: self.meter,
            energy_mint: energy_mint_address(),
            owner_token: self.owner_token,
            token_program: TOKEN_PROGRAM_ID,
        };
        let data = wire::redeem_consumption::Args {
            amount_wh: self.amount_wh,
        }
        .data();
        build(&wire::redeem_consumption::SPEC, accounts.into_array(), data)
    }
}

/// `record_certified`: only meaningful as a CPI from the certificates
/// program; the builder exists so tests can prove a direct call fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecordCertified {
    pub certifier: Pubkey,
    pub meter: Pubkey,
    pub amount_wh: u64,
    pub period_start: i64,
    pub period_end: i64,
}

impl RecordCertified {
    pub fn instruction(&self) -> Instruction {
        let accounts = wire::record_certified::Accounts {
            certifier: self.certifier,
            config: config_address(),
            meter: self.meter,
        };
        let data = wire::record_certified::Args {
            amount_wh: self.amount_wh,
            period_start: self.period_start,
            period_end: self.period_end,
        }
        .data();
        build(&wire::record_certified::SPEC, accounts.into_array(), data)
    }
}

fn admin_meter(admin: Pubkey, meter: Pubkey) -> wire::AdminMeter<Pubkey> {
    wire::AdminMeter {
        admin,
        config: config_address(),
        meter,
    }
}

fn build<const N: usize>(spec: &IxSpec, keys: [Pubkey; N], data: Vec<u8>) -> Instruction {
    spec::instruction(ID, spec, keys, vec![], data)
}
