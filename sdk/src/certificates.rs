//! Certificates program: ids, PDAs, instruction builders, decoders.

use crate::{
    registry,
    spec::{self, Instructions, IxSpec, Text},
    Instruction, Pubkey, SYSTEM_PROGRAM_ID,
};

pub use joule_certificates::{error::CertificatesError, events::*, state::*, wire, ID};
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

/// The spec of one certificates instruction, by name (from the program's
/// wire module).
pub fn spec(name: &str) -> &'static IxSpec {
    spec::find(wire::INSTRUCTIONS, "certificates", name)
}

/// Every certificates instruction spec, in IDL order.
pub fn specs() -> Instructions {
    wire::INSTRUCTIONS
}

// ---------------------------------------------------------------- builders

/// `initialize`: the registry admin creates the certificates config naming
/// the certificate `authority`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Initialize {
    pub admin: Pubkey,
    pub authority: Pubkey,
}

impl Initialize {
    pub fn instruction(&self) -> Instruction {
        let accounts = wire::initialize::Accounts {
            admin: self.admin,
            config: config_address(),
            registry_config: registry::config_address(),
            system_program: SYSTEM_PROGRAM_ID,
        };
        let data = wire::initialize::Args {
            authority: &self.authority,
        }
        .data();
        build(&wire::initialize::SPEC, accounts.into_array(), data)
    }
}

/// `propose_authority`: the authority names a successor (the default
/// address withdraws a proposal).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProposeAuthority {
    pub authority: Pubkey,
    pub new_authority: Pubkey,
}

impl ProposeAuthority {
    pub fn instruction(&self) -> Instruction {
        let accounts = wire::AuthorityConfig {
            authority: self.authority,
            config: config_address(),
        };
        let data = wire::propose_authority::Args {
            new_authority: &self.new_authority,
        }
        .data();
        build(&wire::propose_authority::SPEC, accounts.into_array(), data)
    }
}

/// `accept_authority`: the proposed authority takes over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AcceptAuthority {
    pub new_authority: Pubkey,
}

impl AcceptAuthority {
    pub fn instruction(&self) -> Instruction {
        let accounts = wire::accept_authority::Accounts {
            new_authority: self.new_authority,
            config: config_address(),
        };
        let data = wire::accept_authority::Args {}.data();
        build(&wire::accept_authority::SPEC, accounts.into_array(), data)
    }
}

/// `set_pause`: the authority sets the pause flags (`PAUSE_*`; 0 = nothing
/// paused).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SetPause {
    pub authority: Pubkey,
    pub flags: u8,
}

impl SetPause {
    pub fn instruction(&self) -> Instruction {
        let accounts = wire::AuthorityConfig {
            authority: self.authority,
            config: config_address(),
        };
        let data = wire::set_pause::Args { flags: self.flags }.data();
        build(&wire::set_pause::SPEC, accounts.into_array(), data)
    }
}

/// `issue_certificate`: the authority certifies `amount_wh` of `meter`'s
/// exported energy as certificate `id`
/// (`next_usable_id(config.next_certificate_id)`); `payer` pays its rent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IssueCertificate {
    pub authority: Pubkey,
    pub payer: Pubkey,
    pub id: u64,
    pub meter: Pubkey,
    pub amount_wh: u64,
    pub period_start: i64,
    pub period_end: i64,
}

impl IssueCertificate {
    pub fn instruction(&self) -> Instruction {
        let accounts = wire::issue_certificate::Accounts {
            authority: self.authority,
            payer: self.payer,
            config: config_address(),
            certificate: certificate_key(self.id),
            registry_config: registry::config_address(),
            meter: self.meter,
            certifier: registry::CERTIFIER_AUTHORITY,
            registry_program: registry::ID,
            system_program: SYSTEM_PROGRAM_ID,
        };
        let data = wire::issue_certificate::Args {
            amount_wh: self.amount_wh,
            period_start: self.period_start,
            period_end: self.period_end,
            id: self.id,
        }
        .data();
        build(&wire::issue_certificate::SPEC, accounts.into_array(), data)
    }
}

/// `transfer_certificate`: the owner transfers an active certificate, whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TransferCertificate {
    pub owner: Pubkey,
    pub certificate: Pubkey,
    pub new_owner: Pubkey,
}

impl TransferCertificate {
    pub fn instruction(&self) -> Instruction {
        let accounts = owned_certificate(self.owner, self.certificate);
        let data = wire::transfer_certificate::Args {
            new_owner: &self.new_owner,
        }
        .data();
        build(
            &wire::transfer_certificate::SPEC,
            accounts.into_array(),
            data,
        )
    }
}

/// `split_certificate`: `certificate` keeps `keep_wh`; its part at
/// `split_index` (`next_split_index(certificate, its split_count)`)
/// receives `split_wh` for `new_owner`; `payer` pays the part's rent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SplitCertificate {
    pub owner: Pubkey,
    pub payer: Pubkey,
    pub certificate: Pubkey,
    pub split_index: u32,
    pub keep_wh: u64,
    pub split_wh: u64,
    pub new_owner: Pubkey,
}

impl SplitCertificate {
    pub fn instruction(&self) -> Instruction {
        let accounts = wire::split_certificate::Accounts {
            owner: self.owner,
            payer: self.payer,
            config: config_address(),
            certificate: self.certificate,
            new_certificate: split_key(&self.certificate, self.split_index),
            rent: RENT_SYSVAR_ID,
            system_program: SYSTEM_PROGRAM_ID,
        };
        let data = wire::split_certificate::Args {
            keep_wh: self.keep_wh,
            split_wh: self.split_wh,
            new_owner: &self.new_owner,
            split_index: self.split_index,
        }
        .data();
        build(&wire::split_certificate::SPEC, accounts.into_array(), data)
    }
}

/// `retire_certificate`: the owner retires an active certificate for a
/// beneficiary (key, default if none, and a 1 to 64 byte name) with a 1 to
/// 128 byte reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetireCertificate<'a> {
    pub owner: Pubkey,
    pub certificate: Pubkey,
    pub beneficiary: Pubkey,
    pub beneficiary_name: &'a str,
    pub reason: &'a str,
}

impl RetireCertificate<'_> {
    pub fn instruction(&self) -> Instruction {
        let accounts = owned_certificate(self.owner, self.certificate);
        let data = wire::retire_certificate::Args {
            beneficiary: &self.beneficiary,
            beneficiary_name: Text(self.beneficiary_name.as_bytes()),
            reason: Text(self.reason.as_bytes()),
        }
        .data();
        build(&wire::retire_certificate::SPEC, accounts.into_array(), data)
    }
}

/// `revoke_certificate`: the authority revokes an active certificate with a
/// 1 to 128 byte reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RevokeCertificate<'a> {
    pub authority: Pubkey,
    pub certificate: Pubkey,
    pub reason: &'a str,
}

impl RevokeCertificate<'_> {
    pub fn instruction(&self) -> Instruction {
        let accounts = wire::revoke_certificate::Accounts {
            authority: self.authority,
            config: config_address(),
            certificate: self.certificate,
        };
        let data = wire::revoke_certificate::Args {
            reason: Text(self.reason.as_bytes()),
        }
        .data();
        build(&wire::revoke_certificate::SPEC, accounts.into_array(), data)
    }
}

fn owned_certificate(owner: Pubkey, certificate: Pubkey) -> wire::OwnedCertificate<Pubkey> {
    wire::OwnedCertificate {
        owner,
        config: config_address(),
        certificate,
    }
}

fn build<const N: usize>(spec: &IxSpec, keys: [Pubkey; N], data: Vec<u8>) -> Instruction {
    spec::instruction(ID, spec, keys, vec![], data)
}
