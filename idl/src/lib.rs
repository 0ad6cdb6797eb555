//! Anchor IDL (spec `anchor-lang-idl-spec` 0.1) for every Joule program,
//! generated from the instruction specs each program declares in its
//! `wire` module, and the programs' own error tables and discriminators. `joule-idl` writes them to `target-idl/`; a
//! test fails when the checked-in files are stale.

mod certificates;
pub mod decode;
mod market;
mod registry;

use anchor_lang_idl_spec::*;
use joule_sdk::spec::{ArgSpec, ArgType, Instructions, Pda, Seed};

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

/// IDL type shorthands.
mod ty {
    use anchor_lang_idl_spec::{IdlArrayLen, IdlType};
    pub fn array(t: IdlType, n: usize) -> IdlType {
        IdlType::Array(Box::new(t), IdlArrayLen::Value(n))
    }
    pub fn vec(t: IdlType) -> IdlType {
        IdlType::Vec(Box::new(t))
    }
    pub fn defined(name: &str) -> IdlType {
        IdlType::Defined {
            name: name.to_string(),
            generics: vec![],
        }
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
        ArgType::Defined(name) => ty::defined(name),
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

/// Zero-copy (bytemuck) layouts keep enum-typed fields as their `u8`, as
/// Anchor's own zero-copy accounts do (a derived `Pod` cannot hold an enum):
/// every field of a bytemuck struct whose type is one of `enums` becomes
/// `u8`, documented with the enum's name and values
/// (`"MeterStatus: 0 Pending, 1 Active, 2 Suspended"`). Borsh types
/// (arguments, events) keep their enum types.
pub(crate) fn zero_copy_enums_as_u8(types: &mut [IdlTypeDef], enums: &[IdlTypeDef]) {
    let doc = |name: &str| -> Option<String> {
        let def = enums.iter().find(|t| t.name == name)?;
        let IdlTypeDefTy::Enum { variants } = &def.ty else {
            return None;
        };
        let values: Vec<String> = variants
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{i} {}", v.name))
            .collect();
        Some(format!("{name}: {}", values.join(", ")))
    };
    for t in types.iter_mut() {
        if t.serialization != IdlSerialization::Bytemuck {
            continue;
        }
        let IdlTypeDefTy::Struct {
            fields: Some(IdlDefinedFields::Named(fields)),
        } = &mut t.ty
        else {
            continue;
        };
        for f in fields.iter_mut() {
            if let IdlType::Defined { name, .. } = &f.ty {
                if let Some(d) = doc(name) {
                    f.ty = IdlType::U8;
                    f.docs = vec![d];
                }
            }
        }
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

/// A struct type from `(field, type)` pairs.
pub(crate) fn struct_type(
    name: &str,
    docs: &str,
    serialization: IdlSerialization,
    repr: Option<IdlRepr>,
    fields: Vec<(&str, IdlType)>,
) -> IdlTypeDef {
    IdlTypeDef {
        name: name.to_string(),
        docs: if docs.is_empty() {
            vec![]
        } else {
            vec![docs.to_string()]
        },
        serialization,
        repr,
        generics: vec![],
        ty: IdlTypeDefTy::Struct {
            fields: Some(IdlDefinedFields::Named(
                fields
                    .into_iter()
                    .map(|(n, ty)| IdlField {
                        name: n.to_string(),
                        docs: vec![],
                        ty,
                    })
                    .collect(),
            )),
        },
    }
}

/// The `(field, type)` pairs of an argument struct declared in a program's
/// wire module.
pub(crate) fn wire_fields(fields: &[ArgSpec]) -> Vec<(&'static str, IdlType)> {
    fields.iter().map(|f| (f.name, idl_type(&f.ty))).collect()
}

/// A Borsh struct type (events, return data and argument structs).
pub(crate) fn borsh_type(name: &str, docs: &str, fields: Vec<(&str, IdlType)>) -> IdlTypeDef {
    struct_type(name, docs, IdlSerialization::Borsh, None, fields)
}

/// A fieldless enum type (Borsh: one byte).
pub(crate) fn enum_type(name: &str, docs: &str, variants: &[&str]) -> IdlTypeDef {
    IdlTypeDef {
        name: name.to_string(),
        docs: vec![docs.to_string()],
        serialization: IdlSerialization::Borsh,
        repr: None,
        generics: vec![],
        ty: IdlTypeDefTy::Enum {
            variants: variants
                .iter()
                .map(|v| IdlEnumVariant {
                    name: v.to_string(),
                    fields: None,
                })
                .collect(),
        },
    }
}

/// `repr(C)` for zero-copy accounts.
pub(crate) fn repr_c() -> Option<IdlRepr> {
    Some(IdlRepr::C(IdlReprModifier {
        packed: false,
        align: None,
    }))
}

/// An account entry (its layout is the type of the same name).
pub(crate) fn account(name: &str) -> IdlAccount {
    IdlAccount {
        name: name.to_string(),
        discriminator: joule_common::disc::account(name).to_vec(),
    }
}

/// An event entry (its layout is the type of the same name).
pub(crate) fn event(name: &str) -> IdlEvent {
    IdlEvent {
        name: name.to_string(),
        discriminator: joule_common::disc::event(name).to_vec(),
    }
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
