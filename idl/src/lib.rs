//! Anchor IDL (spec `anchor-lang-idl-spec` 0.1) for every Joule program,
//! generated from what each program declares once: the instruction specs
//! of its `wire` module, the layouts of its accounts, events and enums
//! (next to each type, see `joule_common::layout`), its error table and
//! its constants. `joule-idl` writes them to `target-idl/`; a test fails
//! when the checked-in files are stale.

mod certificates;
pub mod decode;
mod market;
mod registry;

use anchor_lang_idl_spec::*;
use joule_common::layout::{Body, FieldSpec, TypeSpec};
use joule_sdk::spec::{ArgType, Instructions, Pda, Seed};

pub use certificates::certificates_idl;
pub use market::market_idl;
pub use registry::registry_idl;

/// Metadata shared by every Joule IDL.
pub(crate) fn metadata(name: &str, description: &str) -> IdlMetadata {
    IdlMetadata {
        name: name.to_string(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        spec: IDL_SPEC.to_string(),
        description: Some(description.to_string()),
        repository: None,
        dependencies: vec![],
        contact: None,
        deployments: None,
    }
}

/// The IDL type of a spec's argument or return type (one to one).
pub fn idl_type(t: &ArgType) -> IdlType {
    let boxed = |t: &ArgType| Box::new(idl_type(t));
    match t {
        ArgType::Bool => IdlType::Bool,
        ArgType::U8 => IdlType::U8,
        ArgType::I8 => IdlType::I8,
        ArgType::U16 => IdlType::U16,
        ArgType::I16 => IdlType::I16,
        ArgType::U32 => IdlType::U32,
        ArgType::I32 => IdlType::I32,
        ArgType::U64 => IdlType::U64,
        ArgType::I64 => IdlType::I64,
        ArgType::U128 => IdlType::U128,
        ArgType::I128 => IdlType::I128,
        ArgType::Pubkey => IdlType::Pubkey,
        ArgType::String => IdlType::String,
        ArgType::Bytes => IdlType::Bytes,
        ArgType::Option(inner) => IdlType::Option(boxed(inner)),
        ArgType::Vec(inner) => IdlType::Vec(boxed(inner)),
        ArgType::Array(inner, n) => IdlType::Array(boxed(inner), IdlArrayLen::Value(*n)),
        ArgType::Defined(name) => IdlType::Defined {
            name: name.to_string(),
            generics: vec![],
        },
    }
}

/// IDL instructions from specs.
pub(crate) fn instructions(specs: Instructions) -> Vec<IdlInstruction> {
    specs
        .iter()
        .map(|s| {
            let mut docs = vec![s.docs.to_string()];
            if let Some(rem) = &s.remaining {
                docs.push(format!(
                    "Remaining accounts: `{}` ({}{}) — {}",
                    rem.name,
                    if rem.writable {
                        "writable"
                    } else {
                        "read-only"
                    },
                    if rem.signer { ", signer" } else { "" },
                    rem.docs
                ));
            }
            IdlInstruction {
                name: s.name.to_string(),
                docs,
                discriminator: s.discriminator().to_vec(),
                accounts: s
                    .accounts
                    .iter()
                    .map(|a| {
                        IdlInstructionAccountItem::Single(IdlInstructionAccount {
                            name: a.name.to_string(),
                            docs: if a.docs.is_empty() {
                                vec![]
                            } else {
                                vec![a.docs.to_string()]
                            },
                            writable: a.writable,
                            signer: a.signer,
                            optional: false,
                            address: a.address.map(|k| k.to_string()),
                            pda: a.pda.as_ref().map(idl_pda),
                            relations: vec![],
                        })
                    })
                    .collect(),
                args: s
                    .args
                    .iter()
                    .map(|a| IdlField {
                        name: a.name.to_string(),
                        docs: vec![],
                        ty: idl_type(&a.ty),
                    })
                    .collect(),
                returns: s.returns.as_ref().map(idl_type),
            }
        })
        .collect()
}

/// One seed as Anchor's IDL writes it.
fn idl_seed(seed: &Seed) -> IdlSeed {
    match seed {
        Seed::Const(bytes) => IdlSeed::Const(IdlSeedConst {
            value: bytes.to_vec(),
        }),
        Seed::Address(key) => IdlSeed::Const(IdlSeedConst {
            value: key.as_ref().to_vec(),
        }),
        Seed::Arg(path) => IdlSeed::Arg(IdlSeedArg {
            path: path.to_string(),
        }),
        Seed::Account(path) => IdlSeed::Account(IdlSeedAccount {
            path: path.to_string(),
            account: None,
        }),
        Seed::Field(path, account) => IdlSeed::Account(IdlSeedAccount {
            path: path.to_string(),
            account: Some(account.to_string()),
        }),
    }
}

/// A PDA as Anchor's IDL writes it: a PDA of another program names that
/// program as a constant `program` seed.
fn idl_pda(pda: &Pda) -> IdlPda {
    IdlPda {
        seeds: pda.seeds.iter().map(idl_seed).collect(),
        program: pda.program.map(|p| idl_seed(&Seed::Address(p))),
    }
}

/// IDL errors from a program's `(code, name, message)` table.
pub(crate) fn errors(table: &[(u32, &str, &str)]) -> Vec<IdlErrorCode> {
    table
        .iter()
        .map(|(code, name, msg)| IdlErrorCode {
            code: *code,
            name: name.to_string(),
            msg: Some(msg.to_string()),
        })
        .collect()
}

/// An IDL type from a layout a program declares next to its type (see
/// `joule_common::layout`). A `u8` field holding an enum is the enum in a
/// Borsh struct (one byte either way); in a zero-copy (bytemuck) struct it
/// stays `u8`, documented with the enum's name and values (`"MeterStatus: 0
/// Pending, 1 Active, 2 Suspended"`), as Anchor's own zero-copy accounts do
/// (a derived `Pod` cannot hold an enum).
pub(crate) fn type_def(spec: &TypeSpec) -> IdlTypeDef {
    let docs = if spec.docs.is_empty() {
        vec![]
    } else {
        vec![spec.docs.to_string()]
    };
    let (serialization, repr, ty) = match spec.body {
        Body::ZeroCopy(fields) => (
            IdlSerialization::Bytemuck,
            Some(IdlRepr::C(IdlReprModifier {
                packed: false,
                align: None,
            })),
            struct_body(fields, true),
        ),
        Body::Borsh(fields) => (IdlSerialization::Borsh, None, struct_body(fields, false)),
        Body::Enum(variants) => (
            IdlSerialization::Borsh,
            None,
            IdlTypeDefTy::Enum {
                variants: variants
                    .iter()
                    .map(|v| IdlEnumVariant {
                        name: v.to_string(),
                        fields: None,
                    })
                    .collect(),
            },
        ),
    };
    IdlTypeDef {
        name: spec.name.to_string(),
        docs,
        serialization,
        repr,
        generics: vec![],
        ty,
    }
}

/// A struct's fields (see [`type_def`]).
fn struct_body(fields: &[FieldSpec], zero_copy: bool) -> IdlTypeDefTy {
    let field = |f: &FieldSpec| {
        let (ty, docs) = match f.enumeration {
            Some(e) if zero_copy => (idl_type(&f.ty), vec![enum_doc(e)]),
            Some(e) => (idl_type(&ArgType::Defined(e.name)), vec![]),
            None => (idl_type(&f.ty), vec![]),
        };
        IdlField {
            name: f.name.to_string(),
            docs,
            ty,
        }
    };
    IdlTypeDefTy::Struct {
        fields: Some(IdlDefinedFields::Named(fields.iter().map(field).collect())),
    }
}

/// `"MeterStatus: 0 Pending, 1 Active, 2 Suspended"`.
fn enum_doc(spec: &TypeSpec) -> String {
    let Body::Enum(variants) = spec.body else {
        panic!("{} is not an enum", spec.name);
    };
    let values: Vec<String> = variants
        .iter()
        .enumerate()
        .map(|(i, v)| format!("{i} {v}"))
        .collect();
    format!("{}: {}", spec.name, values.join(", "))
}

/// A type of another program, with the docs this program's IDL gives it.
pub(crate) fn foreign_type(spec: &TypeSpec, docs: &str) -> IdlTypeDef {
    IdlTypeDef {
        docs: vec![docs.to_string()],
        ..type_def(spec)
    }
}

/// The IDL's account entries (each one's layout is the type of the same name).
pub(crate) fn accounts(specs: &[&TypeSpec]) -> Vec<IdlAccount> {
    specs
        .iter()
        .map(|t| IdlAccount {
            name: t.name.to_string(),
            discriminator: joule_common::disc::account(t.name).to_vec(),
        })
        .collect()
}

/// The IDL's event entries (each one's layout is the type of the same name).
pub(crate) fn events(specs: &[&TypeSpec]) -> Vec<IdlEvent> {
    specs
        .iter()
        .map(|t| IdlEvent {
            name: t.name.to_string(),
            discriminator: joule_common::disc::event(t.name).to_vec(),
        })
        .collect()
}

/// A constant.
pub(crate) fn constant(name: &str, ty: IdlType, value: impl ToString) -> IdlConst {
    IdlConst {
        name: name.to_string(),
        docs: vec![],
        ty,
        value: value.to_string(),
    }
}

/// Every program's IDL with the file name it is written to.
pub fn all() -> Vec<(&'static str, Idl)> {
    vec![
        ("registry.json", registry_idl()),
        ("certificates.json", certificates_idl()),
        ("market.json", market_idl()),
    ]
}

/// The JSON text of an IDL, as written to `target-idl/` (pretty, trailing newline).
pub fn to_json(idl: &Idl) -> String {
    let mut s = serde_json::to_string_pretty(idl).expect("an IDL always serialises");
    s.push('\n');
    s
}
