//! Certificates program: ids, PDAs, instruction builders, decoders.

use crate::{
    registry,
    spec::{fixed, r, s, w, ws, AccountSpec, ArgSpec, ArgType, Borsh, IxSpec, Seed},
    Instruction, Pubkey, SYSTEM_PROGRAM_ID,
};

pub use joule_certificates::{error::CertificatesError, events::*, state::*, ID};
pub use joule_common::account::AccountState;

/// The rent sysvar, which `split_certificate` reads as an account.
pub const RENT_SYSVAR_ID: Pubkey =
    Pubkey::from_str_const("SysvarRent111111111111111111111111111111111");

/// The certificates `Config` PDA.
pub fn config_address() -> Pubkey {
    Pubkey::find_program_address(&[SEED_CONFIG], &ID).0
}

/// The issued `Certificate` PDA of `id` (`["certificate", id as u64 LE]`,
/// bump 255), or `None` if `id` is not a usable certificate id (its bump-255
/// address is not a valid program address; see [`CERTIFICATE_BUMP`]).
pub fn certificate_address(id: u64) -> Option<Pubkey> {
    Pubkey::create_program_address(
        &[SEED_CERTIFICATE, &id.to_le_bytes(), &[CERTIFICATE_BUMP]],
        &ID,
    )
    .ok()
}

/// Whether `id` can be a certificate id.
pub fn is_usable_id(id: u64) -> bool {
    certificate_address(id).is_some()
}

/// The first usable certificate id at or after `from` (pass the config's
/// `next_certificate_id` to get the id the next issued certificate takes).
pub fn next_usable_id(from: u64) -> u64 {
    let mut id = from.max(FIRST_CERTIFICATE_ID);
    while !is_usable_id(id) {
        id = id.checked_add(1).expect("certificate ids never run out");
    }
    id
}

/// The address of issued certificate `id`, which must be a usable id (as
/// every issued certificate's is).
///
/// # Panics
///
/// If `id` is not usable: the builders taking a new certificate's id use
/// it, so pass them ids from [`next_usable_id`].
pub fn certificate_key(id: u64) -> Pubkey {
    certificate_address(id).unwrap_or_else(|| panic!("{id} is not a usable certificate id"))
}

/// The PDA of the part split off `parent` at `index`
/// (`["split", parent, index as u32 LE]`, bump 255), or `None` if `index`
/// is not usable under `parent` (its bump-255 address is not a valid
/// program address).
pub fn split_address(parent: &Pubkey, index: u32) -> Option<Pubkey> {
    Pubkey::create_program_address(
        &[
            SEED_SPLIT,
            parent.as_ref(),
            &index.to_le_bytes(),
            &[CERTIFICATE_BUMP],
        ],
        &ID,
    )
    .ok()
}

/// The first usable split index under `parent` at or after `from` (pass the
/// parent's `split_count` to get the index its next part takes).
pub fn next_split_index(parent: &Pubkey, from: u32) -> u32 {
    let mut index = from;
    while split_address(parent, index).is_none() {
        index = index
            .checked_add(1)
            .expect("a certificate's split indices never run out");
    }
    index
}

/// The address of the part split off `parent` at `index`, which must be
/// usable (see [`next_split_index`]).
///
/// # Panics
///
/// If `index` is not usable under `parent`.
pub fn split_key(parent: &Pubkey, index: u32) -> Pubkey {
    split_address(parent, index)
        .unwrap_or_else(|| panic!("{index} is not a usable split index under {parent}"))
}

/// The address a decoded certificate sits at: its parent's part at its
/// split index, or the issued certificate of its id.
pub fn address_of(cert: &Certificate) -> Option<Pubkey> {
    if cert.is_split_part() {
        split_address(&cert.parent, cert.split_index)
    } else {
        certificate_address(cert.id)
    }
}

/// The signing PDA through which this program records certified energy in
/// the registry.
pub fn certifier_address() -> Pubkey {
    registry::certifier_address().0
}

/// Decodes a certificates `Config` account's data.
pub fn decode_config(data: &[u8]) -> Option<Config> {
    joule_common::account::decode(data)
}

/// Decodes a `Certificate` account's data.
pub fn decode_certificate(data: &[u8]) -> Option<Certificate> {
    joule_common::account::decode(data)
}

/// A certificate's beneficiary name as text (empty unless retired).
pub fn beneficiary_name(cert: &Certificate) -> String {
    String::from_utf8_lossy(cert.beneficiary_name()).into_owned()
}

/// A certificate's retirement or revocation reason as text.
pub fn reason(cert: &Certificate) -> String {
    String::from_utf8_lossy(cert.reason()).into_owned()
}

/// A decoded `CertificateRetired` event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateRetiredEvent {
    pub certificate: Pubkey,
    pub id: u64,
    pub owner: Pubkey,
    pub beneficiary: Pubkey,
    pub amount_wh: u64,
    pub beneficiary_name: String,
    pub reason: String,
}

/// A decoded `CertificateRevoked` event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateRevokedEvent {
    pub certificate: Pubkey,
    pub id: u64,
    pub authority: Pubkey,
    pub owner: Pubkey,
    pub amount_wh: u64,
    pub reason: String,
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (h, t) = (self.0.get(..n)?, self.0.get(n..)?);
        self.0 = t;
        Some(h)
    }
    fn pubkey(&mut self) -> Option<Pubkey> {
        Some(Pubkey::new_from_array(self.take(32)?.try_into().ok()?))
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    fn string(&mut self) -> Option<String> {
        let n = u32::from_le_bytes(self.take(4)?.try_into().ok()?) as usize;
        String::from_utf8(self.take(n)?.to_vec()).ok()
    }
    fn done(&self) -> bool {
        self.0.is_empty()
    }
}

/// Decodes the `CertificateRetired` event body (after the discriminator).
pub fn decode_retired_event(body: &[u8]) -> Option<CertificateRetiredEvent> {
    let mut r = Reader(body);
    let ev = CertificateRetiredEvent {
        certificate: r.pubkey()?,
        id: r.u64()?,
        owner: r.pubkey()?,
        beneficiary: r.pubkey()?,
        amount_wh: r.u64()?,
        beneficiary_name: r.string()?,
        reason: r.string()?,
    };
    r.done().then_some(ev)
}

/// Decodes the `CertificateRevoked` event body (after the discriminator).
pub fn decode_revoked_event(body: &[u8]) -> Option<CertificateRevokedEvent> {
    let mut r = Reader(body);
    let ev = CertificateRevokedEvent {
        certificate: r.pubkey()?,
        id: r.u64()?,
        authority: r.pubkey()?,
        owner: r.pubkey()?,
        amount_wh: r.u64()?,
        reason: r.string()?,
    };
    r.done().then_some(ev)
}

// ---------------------------------------------------------------- specs

const CONFIG_SEEDS: &[Seed] = &[Seed::Const(SEED_CONFIG)];
const CONFIG_DOCS: &str = "The certificates Config PDA [\"config\"] (canonical bump).";
const CONFIG: AccountSpec = r("config", CONFIG_DOCS).pda(CONFIG_SEEDS);
const CONFIG_W: AccountSpec = w("config", CONFIG_DOCS).pda(CONFIG_SEEDS);
const AUTHORITY: AccountSpec = s("authority", "The certificate authority.");
const OWNER: AccountSpec = s("owner", "The certificate owner.");
const PAYER: AccountSpec = ws("payer", "Pays the new certificate's rent.");
const CERTIFICATE_W: AccountSpec = w(
    "certificate",
    "The Certificate PDA: [\"certificate\", id as u64 LE] if issued, [\"split\", parent, split_index as u32 LE] if split off, bump 255 (its id, parent and split_index are in its data). The IDL gives no seeds because they depend on which of the two it is.",
);
const SYSTEM: AccountSpec = fixed("system_program", SYSTEM_PROGRAM_ID);

/// The spec of one certificates instruction, by name.
pub fn spec(name: &str) -> IxSpec {
    use ArgType::{Pubkey, String, I64, U32, U64, U8};
    let arg = |name, ty| ArgSpec { name, ty };
    let (docs, accounts, args): (&str, Vec<AccountSpec>, Vec<ArgSpec>) = match name {
        "initialize" => (
            "Registry admin only, once: creates the certificates Config PDA naming the certificate authority.",
            vec![
                ws("admin", "The registry admin; pays for the config."),
                CONFIG_W,
                r("registry_config", "The registry Config PDA [\"config\"] of the registry program (proves the signer is its admin).")
                    .pda_of(registry::ID, registry::CONFIG_SEEDS),
                SYSTEM,
            ],
            vec![arg("authority", Pubkey)],
        ),
        "propose_authority" => (
            "Authority: proposes a successor, who must accept_authority. The default address withdraws a proposal.",
            vec![AUTHORITY, CONFIG_W],
            vec![arg("new_authority", Pubkey)],
        ),
        "accept_authority" => (
            "The proposed authority accepts and becomes the certificate authority.",
            vec![s("new_authority", "The proposed authority."), CONFIG_W],
            vec![],
        ),
        "set_pause" => (
            "Authority: sets the pause flags (1 = issue, 2 = transfer and split, 4 = retire; 0 = nothing paused). Revocation is never paused.",
            vec![AUTHORITY, CONFIG_W],
            vec![arg("flags", U8)],
        ),
        "issue_certificate" => (
            "Authority: certifies amount_wh of a renewable meter's exported energy not yet certified, over [period_start, period_end] (end no later than the meter's last reading). The registry records it in the meter's certified_wh (CPI signed by the PDA [\"certifier\"]); the new Certificate PDA [\"certificate\", id] (bump 255) belongs to the meter owner. id must be a usable id (its bump-255 address is a valid PDA) from the config's next_certificate_id up to 63 past it. Only this instruction consumes ids, so no holder can take the one the authority is issuing.",
            vec![
                AUTHORITY,
                PAYER,
                CONFIG_W,
                w("certificate", "The Certificate PDA [\"certificate\", id as u64 LE], created here with bump 255: id must be usable, i.e. its canonical bump is 255 (see next_usable_id), so the PDA a client derives is the one the program accepts.")
                    .pda(&[Seed::Const(SEED_CERTIFICATE), Seed::Arg("id")]),
                r("registry_config", "The registry Config PDA [\"config\"] of the registry program.")
                    .pda_of(registry::ID, registry::CONFIG_SEEDS),
                w("meter", "The registry Meter PDA [\"meter\", meter_id] of the registry program whose energy is certified.")
                    .pda_of(registry::ID, registry::METER_SEEDS),
                fixed("certifier", registry::CERTIFIER_AUTHORITY)
                    .pda(&[Seed::Const(registry::SEED_CERTIFIER)]),
                fixed("registry_program", registry::ID),
                SYSTEM,
            ],
            vec![arg("amount_wh", U64), arg("period_start", I64), arg("period_end", I64), arg("id", U64)],
        ),
        "transfer_certificate" => (
            "Owner: transfers an active certificate, whole, to new_owner.",
            vec![OWNER, CONFIG, CERTIFICATE_W],
            vec![arg("new_owner", Pubkey)],
        ),
        "split_certificate" => (
            "Owner: splits an active certificate in two. The original keeps keep_wh; a new Certificate PDA [\"split\", certificate, split_index as u32 LE] (bump 255) with the same meter, period, source and issuance id receives split_wh, belongs to new_owner and records the original as its parent. Both non-zero, summing exactly to the original amount. split_index must be a usable index (its bump-255 address is a valid PDA) from the original's split_count up to 63 past it. Takes no issuance id.",
            vec![
                OWNER,
                PAYER,
                CONFIG,
                CERTIFICATE_W,
                w("new_certificate", "The Certificate PDA [\"split\", certificate, split_index as u32 LE], created here with bump 255: split_index must be usable, i.e. its canonical bump is 255 (see next_split_index), so the PDA a client derives is the one the program accepts.")
                    .pda(&[Seed::Const(SEED_SPLIT), Seed::Account("certificate"), Seed::Arg("split_index")]),
                fixed("rent", RENT_SYSVAR_ID),
                SYSTEM,
            ],
            vec![arg("keep_wh", U64), arg("split_wh", U64), arg("new_owner", Pubkey), arg("split_index", U32)],
        ),
        "retire_certificate" => (
            "Owner: retires an active certificate for a beneficiary (key, default if none, and a 1 to 64 byte name) with a 1 to 128 byte reason. Final.",
            vec![OWNER, CONFIG, CERTIFICATE_W],
            vec![arg("beneficiary", Pubkey), arg("beneficiary_name", String), arg("reason", String)],
        ),
        "revoke_certificate" => (
            "Authority: revokes an active certificate with a 1 to 128 byte reason. Final; the energy stays certified, so it can never be certified again. Not affected by pause.",
            vec![AUTHORITY, CONFIG, CERTIFICATE_W],
            vec![arg("reason", String)],
        ),
        other => panic!("unknown certificates instruction {other}"),
    };
    IxSpec {
        name: crate::spec::instruction_name(
            joule_certificates::wire::INSTRUCTIONS,
            "certificates",
            name,
        ),
        docs,
        accounts,
        remaining: None,
        args,
        returns: None,
    }
}

/// Every certificates instruction spec, in IDL order.
pub fn specs() -> Vec<IxSpec> {
    joule_certificates::wire::INSTRUCTIONS
        .iter()
        .map(|i| spec(i.name))
        .collect()
}

fn build(name: &str, keys: &[Pubkey], args: Borsh) -> Instruction {
    spec(name).build(ID, keys, vec![], args)
}

// ---------------------------------------------------------------- builders

/// `admin` must be the registry admin.
pub fn initialize(admin: &Pubkey, authority: &Pubkey) -> Instruction {
    let keys = [
        *admin,
        config_address(),
        registry::config_address(),
        SYSTEM_PROGRAM_ID,
    ];
    build("initialize", &keys, Borsh::new().pubkey(authority))
}

pub fn propose_authority(authority: &Pubkey, new_authority: &Pubkey) -> Instruction {
    build(
        "propose_authority",
        &[*authority, config_address()],
        Borsh::new().pubkey(new_authority),
    )
}

pub fn accept_authority(new_authority: &Pubkey) -> Instruction {
    build(
        "accept_authority",
        &[*new_authority, config_address()],
        Borsh::new(),
    )
}

pub fn set_pause(authority: &Pubkey, flags: u8) -> Instruction {
    build(
        "set_pause",
        &[*authority, config_address()],
        Borsh::new().u8(flags),
    )
}

/// Issues certificate `id`: `next_usable_id(config.next_certificate_id)`.
pub fn issue_certificate(
    authority: &Pubkey,
    payer: &Pubkey,
    id: u64,
    meter: &Pubkey,
    amount_wh: u64,
    period_start: i64,
    period_end: i64,
) -> Instruction {
    let keys = [
        *authority,
        *payer,
        config_address(),
        certificate_key(id),
        registry::config_address(),
        *meter,
        registry::CERTIFIER_AUTHORITY,
        registry::ID,
        SYSTEM_PROGRAM_ID,
    ];
    let args = Borsh::new()
        .u64(amount_wh)
        .i64(period_start)
        .i64(period_end)
        .u64(id);
    build("issue_certificate", &keys, args)
}

pub fn transfer_certificate(
    owner: &Pubkey,
    certificate: &Pubkey,
    new_owner: &Pubkey,
) -> Instruction {
    build(
        "transfer_certificate",
        &[*owner, config_address(), *certificate],
        Borsh::new().pubkey(new_owner),
    )
}

/// Splits `certificate`: it keeps `keep_wh`; its part at `split_index`
/// (`next_split_index(certificate, its split_count)`) receives `split_wh`
/// for `new_owner`.
pub fn split_certificate(
    owner: &Pubkey,
    payer: &Pubkey,
    certificate: &Pubkey,
    split_index: u32,
    keep_wh: u64,
    split_wh: u64,
    new_owner: &Pubkey,
) -> Instruction {
    let keys = [
        *owner,
        *payer,
        config_address(),
        *certificate,
        split_key(certificate, split_index),
        RENT_SYSVAR_ID,
        SYSTEM_PROGRAM_ID,
    ];
    let args = Borsh::new()
        .u64(keep_wh)
        .u64(split_wh)
        .pubkey(new_owner)
        .u32(split_index);
    build("split_certificate", &keys, args)
}

pub fn retire_certificate(
    owner: &Pubkey,
    certificate: &Pubkey,
    beneficiary: &Pubkey,
    beneficiary_name: &str,
    reason: &str,
) -> Instruction {
    let args = Borsh::new()
        .pubkey(beneficiary)
        .string(beneficiary_name)
        .string(reason);
    build(
        "retire_certificate",
        &[*owner, config_address(), *certificate],
        args,
    )
}

pub fn revoke_certificate(authority: &Pubkey, certificate: &Pubkey, reason: &str) -> Instruction {
    build(
        "revoke_certificate",
        &[*authority, config_address(), *certificate],
        Borsh::new().string(reason),
    )
}
