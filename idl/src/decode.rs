//! A Borsh decoder driven by an IDL type, used to prove the IDL describes
//! the bytes the programs and builders really produce (what an Anchor
//! client would decode from the IDL alone).

use anchor_lang_idl_spec::*;
use serde_json::{json, Value};

/// Decodes one value of type `ty` from the front of `data`.
pub fn decode(idl: &Idl, ty: &IdlType, data: &mut &[u8]) -> Result<Value, String> {
    fn take<'a>(data: &mut &'a [u8], n: usize) -> Result<&'a [u8], String> {
        if data.len() < n {
            return Err(format!("need {n} bytes, have {}", data.len()));
        }
        let (h, t) = data.split_at(n);
        *data = t;
        Ok(h)
    }
    macro_rules! int {
        ($t:ty, $n:expr) => {{
            let b = take(data, $n)?;
            json!(<$t>::from_le_bytes(b.try_into().unwrap()))
        }};
    }
    Ok(match ty {
        IdlType::Bool => json!(take(data, 1)?[0] != 0),
        IdlType::U8 => int!(u8, 1),
        IdlType::I8 => int!(i8, 1),
        IdlType::U16 => int!(u16, 2),
        IdlType::I16 => int!(i16, 2),
        IdlType::U32 => int!(u32, 4),
        IdlType::I32 => int!(i32, 4),
        IdlType::U64 => int!(u64, 8),
        IdlType::I64 => int!(i64, 8),
        IdlType::U128 => {
            json!(u128::from_le_bytes(take(data, 16)?.try_into().unwrap()).to_string())
        }
        IdlType::I128 => {
            json!(i128::from_le_bytes(take(data, 16)?.try_into().unwrap()).to_string())
        }
        IdlType::Pubkey => {
            let b: [u8; 32] = take(data, 32)?.try_into().unwrap();
            json!(joule_sdk::Pubkey::new_from_array(b).to_string())
        }
        IdlType::String => {
            let n = u32::from_le_bytes(take(data, 4)?.try_into().unwrap()) as usize;
            json!(String::from_utf8(take(data, n)?.to_vec()).map_err(|e| e.to_string())?)
        }
        IdlType::Bytes => {
            let n = u32::from_le_bytes(take(data, 4)?.try_into().unwrap()) as usize;
            json!(take(data, n)?.to_vec())
        }
        IdlType::Option(inner) => {
            if take(data, 1)?[0] == 0 {
                Value::Null
            } else {
                decode(idl, inner, data)?
            }
        }
        IdlType::Vec(inner) => {
            let n = u32::from_le_bytes(take(data, 4)?.try_into().unwrap()) as usize;
            Value::Array(
                (0..n)
                    .map(|_| decode(idl, inner, data))
                    .collect::<Result<_, _>>()?,
            )
        }
        IdlType::Array(inner, IdlArrayLen::Value(n)) => Value::Array(
            (0..*n)
                .map(|_| decode(idl, inner, data))
                .collect::<Result<_, _>>()?,
        ),
        IdlType::Defined { name, .. } => {
            let def = idl
                .types
                .iter()
                .find(|t| &t.name == name)
                .ok_or_else(|| format!("type {name} is not defined in the IDL"))?;
            match &def.ty {
                IdlTypeDefTy::Struct {
                    fields: Some(IdlDefinedFields::Named(fields)),
                } => {
                    let mut map = serde_json::Map::new();
                    for f in fields {
                        map.insert(f.name.clone(), decode(idl, &f.ty, data)?);
                    }
                    Value::Object(map)
                }
                IdlTypeDefTy::Struct { fields: None } => json!({}),
                IdlTypeDefTy::Enum { variants } => {
                    let tag = take(data, 1)?[0] as usize;
                    let v = variants
                        .get(tag)
                        .ok_or_else(|| format!("{name}: no variant {tag}"))?;
                    if v.fields.is_some() {
                        return Err(format!(
                            "{name}: variants with fields are not used by Joule"
                        ));
                    }
                    json!(v.name)
                }
                other => return Err(format!("{name}: unsupported type definition {other:?}")),
            }
        }
        other => return Err(format!("unsupported IDL type {other:?}")),
    })
}

/// Decodes an instruction's Borsh args (after the discriminator) with the
/// IDL's description of `name`, requiring every byte to be consumed.
pub fn decode_ix_args(idl: &Idl, name: &str, args: &[u8]) -> Result<Value, String> {
    let ix = idl
        .instructions
        .iter()
        .find(|i| i.name == name)
        .ok_or_else(|| format!("no instruction {name}"))?;
    let mut data = args;
    let mut map = serde_json::Map::new();
    for f in &ix.args {
        map.insert(f.name.clone(), decode(idl, &f.ty, &mut data)?);
    }
    if !data.is_empty() {
        return Err(format!("{name}: {} bytes left over", data.len()));
    }
    Ok(Value::Object(map))
}

/// Decodes a body (account or event, discriminator stripped) as the IDL type
/// `name`, requiring every byte to be consumed.
pub fn decode_type(idl: &Idl, name: &str, body: &[u8]) -> Result<Value, String> {
    let mut data = body;
    let v = decode(
        idl,
        &IdlType::Defined {
            name: name.to_string(),
            generics: vec![],
        },
        &mut data,
    )?;
    if !data.is_empty() {
        return Err(format!("{name}: {} bytes left over", data.len()));
    }
    Ok(v)
}
