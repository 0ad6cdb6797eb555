//! Instruction specs: the single description of each instruction's accounts
//! (order, writable, signer) and arguments. Builders take their account
//! metas from it and the IDL is generated from it (by the `joule-idl`
//! crate), so the two cannot drift.

use crate::{AccountMeta, Instruction, Pubkey};

/// One seed of a PDA, in the terms of Anchor's IDL (`IdlSeed`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seed {
    /// Constant bytes (`IdlSeed::Const`).
    Const(&'static [u8]),
    /// A constant address's 32 bytes (`IdlSeed::Const`), e.g. the token
    /// program in an associated token account's seeds.
    Address(Pubkey),
    /// An instruction argument (`IdlSeed::Arg`), as Anchor turns it into
    /// bytes: integers little-endian at their width, byte arrays as they are.
    Arg(&'static str),
    /// Another account's address (`IdlSeed::Account` without a type).
    Account(&'static str),
    /// A field of another account's data: `"account.field"` and the
    /// account's type (`IdlSeed::Account { path, account }`); Anchor
    /// fetches and decodes that account to read it.
    Field(&'static str, &'static str),
}

/// How an account's address derives (`IdlPda`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pda {
    pub seeds: &'static [Seed],
    /// The deriving program when it is not the instruction's program.
    pub program: Option<Pubkey>,
}

/// One account of an instruction.
#[derive(Clone, Copy, Debug)]
pub struct AccountSpec {
    pub name: &'static str,
    pub writable: bool,
    pub signer: bool,
    pub docs: &'static str,
    /// A fixed address (programs, sysvars).
    pub address: Option<Pubkey>,
    /// The seeds of a PDA (of this program or, with `program`, another's).
    pub pda: Option<Pda>,
}

impl AccountSpec {
    /// This account with the seeds of a PDA of the instruction's program.
    pub const fn pda(mut self, seeds: &'static [Seed]) -> Self {
        self.pda = Some(Pda {
            seeds,
            program: None,
        });
        self
    }

    /// This account with the seeds of a PDA of `program`.
    pub const fn pda_of(mut self, program: Pubkey, seeds: &'static [Seed]) -> Self {
        self.pda = Some(Pda {
            seeds,
            program: Some(program),
        });
        self
    }
}

/// `[writable, signer]`.
pub const fn ws(name: &'static str, docs: &'static str) -> AccountSpec {
    AccountSpec {
        name,
        writable: true,
        signer: true,
        docs,
        address: None,
        pda: None,
    }
}
/// `[writable]`.
pub const fn w(name: &'static str, docs: &'static str) -> AccountSpec {
    AccountSpec {
        name,
        writable: true,
        signer: false,
        docs,
        address: None,
        pda: None,
    }
}
/// `[signer]`.
pub const fn s(name: &'static str, docs: &'static str) -> AccountSpec {
    AccountSpec {
        name,
        writable: false,
        signer: true,
        docs,
        address: None,
        pda: None,
    }
}
/// `[]`.
pub const fn r(name: &'static str, docs: &'static str) -> AccountSpec {
    AccountSpec {
        name,
        writable: false,
        signer: false,
        docs,
        address: None,
        pda: None,
    }
}
/// A program or sysvar at a fixed address.
pub const fn fixed(name: &'static str, address: Pubkey) -> AccountSpec {
    AccountSpec {
        name,
        writable: false,
        signer: false,
        docs: "",
        address: Some(address),
        pda: None,
    }
}

/// The Borsh type of an argument or of return data, in the terms of
/// Anchor's IDL: each variant is the `IdlType` of the same name (`Defined`
/// names a type of the program's IDL, without generics).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArgType {
    Bool,
    U8,
    I8,
    U16,
    I16,
    U32,
    I32,
    U64,
    I64,
    U128,
    I128,
    Pubkey,
    String,
    Bytes,
    Option(Box<ArgType>),
    Vec(Box<ArgType>),
    /// A fixed-length array.
    Array(Box<ArgType>, usize),
    Defined(&'static str),
}

/// An argument: name and type.
#[derive(Clone, Debug)]
pub struct ArgSpec {
    pub name: &'static str,
    pub ty: ArgType,
}

/// One instruction.
#[derive(Clone, Debug)]
pub struct IxSpec {
    pub name: &'static str,
    pub docs: &'static str,
    pub accounts: Vec<AccountSpec>,
    /// Accounts that may follow the fixed ones (e.g. the meters of
    /// `submit_readings`); described in the docs, not in the IDL list.
    pub remaining: Option<AccountSpec>,
    pub args: Vec<ArgSpec>,
    pub returns: Option<ArgType>,
}

impl IxSpec {
    /// The 8-byte Anchor discriminator.
    pub fn discriminator(&self) -> [u8; 8] {
        joule_common::disc::instruction(self.name)
    }

    /// Builds the instruction: `keys` in spec order (fixed addresses may be
    /// given as anything: they are filled in), then `remaining` metas.
    pub fn build(
        &self,
        program_id: Pubkey,
        keys: &[Pubkey],
        remaining: Vec<AccountMeta>,
        args: Borsh,
    ) -> Instruction {
        assert_eq!(
            keys.len(),
            self.accounts.len(),
            "{}: account count",
            self.name
        );
        let mut metas: Vec<AccountMeta> = self
            .accounts
            .iter()
            .zip(keys)
            .map(|(spec, key)| {
                let key = spec.address.unwrap_or(*key);
                if spec.writable {
                    AccountMeta::new(key, spec.signer)
                } else {
                    AccountMeta::new_readonly(key, spec.signer)
                }
            })
            .collect();
        metas.extend(remaining);
        let mut data = self.discriminator().to_vec();
        data.extend(args.0);
        Instruction {
            program_id,
            accounts: metas,
            data,
        }
    }
}

/// `name` as the `'static` name of one of a program's instructions (the
/// list the program dispatches on), or a panic naming `program`: a spec can
/// only exist for an instruction the program has.
pub fn instruction_name(
    instructions: joule_common::wire::Instructions,
    program: &str,
    name: &str,
) -> &'static str {
    instructions
        .iter()
        .find(|i| i.name == name)
        .map(|i| i.name)
        .unwrap_or_else(|| panic!("unknown {program} instruction {name}"))
}

/// Argument type shorthands.
pub mod ty {
    use super::ArgType;
    pub fn array(t: ArgType, n: usize) -> ArgType {
        ArgType::Array(Box::new(t), n)
    }
    pub fn vec(t: ArgType) -> ArgType {
        ArgType::Vec(Box::new(t))
    }
    pub fn defined(name: &'static str) -> ArgType {
        ArgType::Defined(name)
    }
}

/// A Borsh encoder for instruction arguments.
#[derive(Default, Clone, Debug)]
pub struct Borsh(pub Vec<u8>);

impl Borsh {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn u8(mut self, v: u8) -> Self {
        self.0.push(v);
        self
    }
    pub fn bool(self, v: bool) -> Self {
        self.u8(v as u8)
    }
    pub fn u16(mut self, v: u16) -> Self {
        self.0.extend(v.to_le_bytes());
        self
    }
    pub fn u32(mut self, v: u32) -> Self {
        self.0.extend(v.to_le_bytes());
        self
    }
    pub fn u64(mut self, v: u64) -> Self {
        self.0.extend(v.to_le_bytes());
        self
    }
    pub fn i64(mut self, v: i64) -> Self {
        self.0.extend(v.to_le_bytes());
        self
    }
    pub fn bytes(mut self, v: &[u8]) -> Self {
        self.0.extend_from_slice(v);
        self
    }
    pub fn pubkey(self, v: &Pubkey) -> Self {
        self.bytes(v.as_ref())
    }
    /// A Borsh `String`.
    pub fn string(self, v: &str) -> Self {
        self.u32(v.len() as u32).bytes(v.as_bytes())
    }
    /// A Borsh `Vec<T>` whose items are encoded by `f`.
    pub fn vec<T>(self, items: &[T], f: impl Fn(Borsh, &T) -> Borsh) -> Self {
        let b = self.u32(items.len() as u32);
        items.iter().fold(b, f)
    }
}
