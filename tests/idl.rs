//! The IDL is fresh and tells the truth: the checked-in JSON equals what
//! `joule-idl` generates, an IDL-driven Borsh decoder (what an Anchor client
//! does with the IDL alone) reads the real instruction data, account data and
//! events of the SBF programs, Anchor's account resolution derives from the
//! IDL every PDA the sdk builders put in the instructions, and zero-copy
//! layouts stay `Pod` for Anchor's Rust tooling.

use joule_idl::{self as idl, decode};
use joule_sdk::{
    registry::{self as reg, MeterKind, Reading},
    Instruction,
};
use joule_tests::{expect_ok, TestContext, GENESIS_TS};
use serde_json::{json, Value};
use solana_signer::Signer;

fn registry_idl() -> anchor_lang_idl_spec::Idl {
    idl::registry_idl()
}

#[test]
fn idl_files_are_fresh() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target-idl");
    for (file, idl) in idl::all() {
        let path = dir.join(file);
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            on_disk == idl::to_json(&idl),
            "{} is stale: run `cargo run -p joule-idl`",
            path.display()
        );
        // And it parses back as an Anchor IDL.
        let parsed: anchor_lang_idl_spec::Idl =
            serde_json::from_str(&on_disk).expect("valid IDL JSON");
        assert_eq!(parsed, idl);
    }
}

#[test]
fn idl_discriminators_and_errors_match_the_programs() {
    for (_, idl) in idl::all() {
        for ix in &idl.instructions {
            assert_eq!(
                ix.discriminator,
                joule_common_disc("global", &ix.name),
                "{}",
                ix.name
            );
        }
        for a in &idl.accounts {
            assert_eq!(
                a.discriminator,
                joule_common_disc("account", &a.name),
                "{}",
                a.name
            );
            assert!(
                idl.types.iter().any(|t| t.name == a.name),
                "account {} has no type",
                a.name
            );
        }
        for e in &idl.events {
            assert_eq!(
                e.discriminator,
                joule_common_disc("event", &e.name),
                "{}",
                e.name
            );
            assert!(
                idl.types.iter().any(|t| t.name == e.name),
                "event {} has no type",
                e.name
            );
        }
        let mut codes: Vec<u32> = idl.errors.iter().map(|e| e.code).collect();
        codes.dedup();
        assert_eq!(codes.len(), idl.errors.len(), "error codes are unique");
        assert!(idl
            .errors
            .iter()
            .all(|e| e.code >= 6000 && e.msg.as_deref().is_some_and(|m| m.ends_with('.'))));
    }
    let idl = registry_idl();
    assert_eq!(idl.address, reg::ID.to_string());
    let names: Vec<&str> = idl.instructions.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(
        names,
        joule_registry_names(),
        "every registry instruction is in the IDL"
    );
    let codes: Vec<(u32, String)> = idl
        .errors
        .iter()
        .map(|e| (e.code, e.name.clone()))
        .collect();
    let table: Vec<(u32, String)> = reg::RegistryError::ALL
        .iter()
        .map(|(c, n, _)| (*c, n.to_string()))
        .collect();
    assert_eq!(codes, table);
}

fn joule_common_disc(ns: &str, name: &str) -> Vec<u8> {
    use sha2_free::sha256;
    sha256(format!("{ns}:{name}").as_bytes())[..8].to_vec()
}

fn joule_registry_names() -> Vec<&'static str> {
    reg::specs().iter().map(|s| s.name).collect()
}

/// A tiny independent sha256 (so the discriminator check does not reuse the
/// programs' own const implementation).
mod sha2_free {
    pub fn sha256(data: &[u8]) -> [u8; 32] {
        const K: [u32; 64] = [
            0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
            0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
            0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
            0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
            0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
            0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
            0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
            0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
            0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
            0xc67178f2,
        ];
        let mut h: [u32; 8] = [
            0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
            0x5be0cd19,
        ];
        let mut msg = data.to_vec();
        msg.push(0x80);
        while msg.len() % 64 != 56 {
            msg.push(0);
        }
        msg.extend(((data.len() as u64) * 8).to_be_bytes());
        for chunk in msg.chunks(64) {
            let mut w = [0u32; 64];
            for i in 0..16 {
                w[i] = u32::from_be_bytes(chunk[i * 4..i * 4 + 4].try_into().unwrap());
            }
            for i in 16..64 {
                let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
                let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
                w[i] = w[i - 16]
                    .wrapping_add(s0)
                    .wrapping_add(w[i - 7])
                    .wrapping_add(s1);
            }
            let mut v = h;
            for i in 0..64 {
                let s1 = v[4].rotate_right(6) ^ v[4].rotate_right(11) ^ v[4].rotate_right(25);
                let ch = (v[4] & v[5]) ^ (!v[4] & v[6]);
                let t1 = v[7]
                    .wrapping_add(s1)
                    .wrapping_add(ch)
                    .wrapping_add(K[i])
                    .wrapping_add(w[i]);
                let s0 = v[0].rotate_right(2) ^ v[0].rotate_right(13) ^ v[0].rotate_right(22);
                let maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
                let t2 = s0.wrapping_add(maj);
                v = [
                    t1.wrapping_add(t2),
                    v[0],
                    v[1],
                    v[2],
                    v[3].wrapping_add(t1),
                    v[4],
                    v[5],
                    v[6],
                ];
            }
            for i in 0..8 {
                h[i] = h[i].wrapping_add(v[i]);
            }
        }
        let mut out = [0u8; 32];
        for (i, x) in h.iter().enumerate() {
            out[i * 4..i * 4 + 4].copy_from_slice(&x.to_be_bytes());
        }
        out
    }

    #[test]
    fn known_vector() {
        let d = sha256(b"abc");
        assert_eq!(d[..4], [0xba, 0x78, 0x16, 0xbf]);
    }
}

/// Decodes an instruction's args with the IDL and checks its accounts'
/// order and flags against the IDL's.
fn decode_ix(idl: &anchor_lang_idl_spec::Idl, name: &str, ix: &Instruction) -> Value {
    let def = idl
        .instructions
        .iter()
        .find(|i| i.name == name)
        .expect("instruction in IDL");
    assert_eq!(&ix.data[..8], def.discriminator.as_slice());
    assert!(ix.accounts.len() >= def.accounts.len(), "{name}: accounts");
    for (meta, acc) in ix.accounts.iter().zip(&def.accounts) {
        let anchor_lang_idl_spec::IdlInstructionAccountItem::Single(acc) = acc else {
            panic!("composite")
        };
        assert_eq!(
            (meta.is_writable, meta.is_signer),
            (acc.writable, acc.signer),
            "{name}.{}",
            acc.name
        );
        if let Some(addr) = &acc.address {
            assert_eq!(&meta.pubkey.to_string(), addr, "{name}.{}", acc.name);
        }
    }
    decode::decode_ix_args(idl, name, &ix.data[8..]).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn registry_instruction_data_decodes_with_the_idl() {
    let idl = registry_idl();
    let a = joule_sdk::Pubkey::new_unique();
    let b = joule_sdk::Pubkey::new_unique();
    let id = reg::meter_id_from_serial("X-1");
    let utility = reg::utility_id("BSES").unwrap();
    let m = reg::meter_address(&id).0;
    let cases: Vec<(&str, Instruction, Value)> = vec![
        (
            "initialize",
            reg::Initialize { admin: a }.instruction(),
            json!({}),
        ),
        (
            "propose_admin",
            reg::ProposeAdmin {
                admin: a,
                new_admin: b,
            }
            .instruction(),
            json!({"new_admin": b.to_string()}),
        ),
        (
            "accept_admin",
            reg::AcceptAdmin { new_admin: a }.instruction(),
            json!({}),
        ),
        (
            "set_oracles",
            reg::SetOracles {
                admin: a,
                add: &[a, b],
                remove: &[b],
            }
            .instruction(),
            json!({"add": [a.to_string(), b.to_string()], "remove": [b.to_string()]}),
        ),
        (
            "set_pause",
            reg::SetPause { admin: a, flags: 5 }.instruction(),
            json!({"flags": 5}),
        ),
        (
            "register_meter",
            reg::RegisterMeter {
                owner: a,
                meter_id: id,
                utility_id: utility,
                kind: MeterKind::Hydro,
                rated_power_w: 12_345,
            }
            .instruction(),
            json!({"meter_id": id.to_vec(), "utility_id": utility.to_vec(), "kind": "Hydro", "rated_power_w": 12_345, "bump": reg::meter_address(&id).1}),
        ),
        (
            "activate_meter",
            reg::ActivateMeter {
                admin: a,
                meter: m,
                expected_owner: b,
            }
            .instruction(),
            json!({"expected_owner": b.to_string()}),
        ),
        (
            "suspend_meter",
            reg::SuspendMeter { admin: a, meter: m }.instruction(),
            json!({}),
        ),
        (
            "propose_meter_transfer",
            reg::ProposeMeterTransfer {
                owner: a,
                meter: m,
                new_owner: b,
            }
            .instruction(),
            json!({"new_owner": b.to_string()}),
        ),
        (
            "accept_meter_transfer",
            reg::AcceptMeterTransfer {
                new_owner: b,
                meter: m,
            }
            .instruction(),
            json!({}),
        ),
        (
            "submit_readings",
            reg::SubmitReadings {
                oracle: a,
                readings: &[(
                    m,
                    Reading {
                        timestamp: -5,
                        export_register_wh: 7,
                        import_register_wh: u64::MAX,
                    },
                )],
            }
            .instruction(),
            json!({"readings": [{"timestamp": -5, "export_register_wh": 7, "import_register_wh": u64::MAX}]}),
        ),
        (
            "mint_energy",
            reg::MintEnergy {
                meter: m,
                owner_token: b,
            }
            .instruction(),
            json!({}),
        ),
        (
            "redeem_consumption",
            reg::RedeemConsumption {
                owner: a,
                meter: m,
                owner_token: b,
                amount_wh: 99,
            }
            .instruction(),
            json!({"amount_wh": 99}),
        ),
        (
            "record_certified",
            reg::RecordCertified {
                certifier: a,
                meter: m,
                amount_wh: 1,
                period_start: 2,
                period_end: 3,
            }
            .instruction(),
            json!({"amount_wh": 1, "period_start": 2, "period_end": 3}),
        ),
        (
            "reassign_meter",
            reg::ReassignMeter {
                admin: a,
                meter: m,
                new_owner: b,
            }
            .instruction(),
            json!({"new_owner": b.to_string()}),
        ),
        (
            "close_meter",
            reg::CloseMeter {
                admin: a,
                meter: m,
                owner: b,
            }
            .instruction(),
            json!({}),
        ),
    ];
    assert_eq!(
        cases.len(),
        idl.instructions.len(),
        "a case per instruction"
    );
    for (name, ix, expected) in cases {
        assert_eq!(decode_ix(&idl, name, &ix), expected, "{name}");
    }
}

#[test]
fn registry_accounts_events_and_return_data_decode_with_the_idl() {
    let idl = registry_idl();
    let mut ctx = TestContext::new();
    let owner = ctx.new_user();
    let meter = ctx.active_meter(&owner, "IDL-1", MeterKind::Wind, 9_000);
    expect_ok(ctx.submit_readings(&[(
        meter,
        Reading {
            timestamp: GENESIS_TS - 3_600,
            export_register_wh: 100,
            import_register_wh: 200,
        },
    )]));
    let ok = expect_ok(ctx.submit_readings(&[
        (
            meter,
            Reading {
                timestamp: GENESIS_TS,
                export_register_wh: 5_100,
                import_register_wh: 300,
            },
        ),
        (
            meter,
            Reading {
                timestamp: GENESIS_TS,
                export_register_wh: 5_100,
                import_register_wh: 300,
            },
        ),
    ]));
    // Return data.
    let ret = decode::decode_type(&idl, "SubmitReadingsResult", &ok.return_data).unwrap();
    assert_eq!(
        ret,
        json!({"applied": 1, "skipped": 1, "skipped_mask": [2]})
    );
    // Event with a vector.
    let body = joule_sdk::events::find(&ok.logs, reg::READINGS_SUBMITTED).unwrap();
    let ev = decode::decode_type(&idl, "ReadingsSubmitted", &body).unwrap();
    assert_eq!(
        ev,
        json!({"oracle": ctx.oracle.pubkey().to_string(), "applied": 1, "skipped": 1,
               "readings": [{"meter": meter.to_string(), "timestamp": GENESIS_TS, "exported_wh": 5_000, "imported_wh": 100}]})
    );
    // Fixed events.
    let ata = ctx.energy_ata(&owner.pubkey());
    let ok = expect_ok(ctx.mint_energy(&meter, &ata));
    let body = joule_sdk::events::find(
        &ok.logs,
        <reg::EnergyMinted as joule_sdk::Event>::DISCRIMINATOR,
    )
    .unwrap();
    let ev = decode::decode_type(&idl, "EnergyMinted", &body).unwrap();
    assert_eq!(ev["amount_wh"], json!(5_000));
    assert_eq!(ev["owner"], json!(owner.pubkey().to_string()));
    // Accounts: the IDL type covers every byte after the discriminator.
    let data = ctx.data(&meter).unwrap();
    let m = decode::decode_type(&idl, "Meter", &data[8..]).unwrap();
    assert_eq!(m["owner"], json!(owner.pubkey().to_string()));
    // Zero-copy enum fields are their u8 (see `zero_copy_layouts_are_pod`).
    assert_eq!(m["kind"], json!(MeterKind::Wind as u8));
    assert_eq!(m["status"], json!(reg::MeterStatus::Active as u8));
    assert_eq!(m["rated_power_w"], json!(9_000));
    assert_eq!(m["exported_wh"], json!(5_000));
    assert_eq!(m["minted_wh"], json!(5_000));
    assert_eq!(m["last_reading_ts"], json!(GENESIS_TS));
    assert_eq!(
        m["activated_at"],
        json!(GENESIS_TS - joule_tests::registry::METER_AGE_SECS)
    );
    let data = ctx.data(&reg::config_address()).unwrap();
    let c = decode::decode_type(&idl, "Config", &data[8..]).unwrap();
    assert_eq!(c["admin"], json!(ctx.admin.pubkey().to_string()));
    assert_eq!(c["oracle_count"], json!(1));
    assert_eq!(c["oracles"][0], json!(ctx.oracle.pubkey().to_string()));
    assert_eq!(
        c["energy_mint"],
        json!(reg::energy_mint_address().to_string())
    );
}

/// Anchor's Rust tooling (`declare_program!`) derives `Pod` for every
/// bytemuck type, so their fields must be plain data: integers, pubkeys,
/// arrays of them, or other bytemuck structs. Enum-typed fields are `u8`,
/// documented with the enum's values; Borsh types keep their enums.
#[test]
fn zero_copy_layouts_are_pod() {
    use anchor_lang_idl_spec::{IdlDefinedFields, IdlSerialization, IdlType, IdlTypeDefTy};
    fn pod(idl: &anchor_lang_idl_spec::Idl, ty: &IdlType) -> bool {
        match ty {
            IdlType::U8
            | IdlType::I8
            | IdlType::U16
            | IdlType::I16
            | IdlType::U32
            | IdlType::I32
            | IdlType::U64
            | IdlType::I64
            | IdlType::U128
            | IdlType::I128
            | IdlType::Pubkey => true,
            IdlType::Array(inner, _) => pod(idl, inner),
            IdlType::Defined { name, .. } => idl
                .types
                .iter()
                .any(|t| &t.name == name && t.serialization == IdlSerialization::Bytemuck),
            _ => false,
        }
    }
    // Every enum of the three IDLs: name -> variants.
    let enums: std::collections::BTreeMap<String, Vec<String>> = idl::all()
        .into_iter()
        .flat_map(|(_, idl)| idl.types)
        .filter_map(|t| match t.ty {
            IdlTypeDefTy::Enum { variants } => {
                Some((t.name, variants.into_iter().map(|v| v.name).collect()))
            }
            _ => None,
        })
        .collect();
    let mut enum_fields = 0;
    for (file, idl) in idl::all() {
        for t in idl
            .types
            .iter()
            .filter(|t| t.serialization == IdlSerialization::Bytemuck)
        {
            let IdlTypeDefTy::Struct {
                fields: Some(IdlDefinedFields::Named(fields)),
            } = &t.ty
            else {
                panic!("{file}: {} is not a struct with named fields", t.name)
            };
            for f in fields {
                assert!(pod(&idl, &f.ty), "{file}: {}.{} is not Pod", t.name, f.name);
                if let Some(doc) = f.docs.first() {
                    enum_fields += 1;
                    // "MeterStatus: 0 Pending, 1 Active, 2 Suspended"
                    let (name, values) = doc.split_once(": ").expect("enum doc");
                    assert_eq!(f.ty, IdlType::U8, "{file}: {}.{}", t.name, f.name);
                    let variants: Vec<String> = values
                        .split(", ")
                        .enumerate()
                        .map(|(i, v)| {
                            let (n, variant) = v.split_once(' ').expect("'<n> <variant>'");
                            assert_eq!(n, i.to_string(), "{doc}");
                            variant.to_string()
                        })
                        .collect();
                    assert_eq!(enums.get(name), Some(&variants), "{doc}");
                }
            }
        }
    }
    // Meter.kind/status (registry and certificates), Certificate.source_kind/
    // status, Epoch.state, Order.side/status.
    assert_eq!(enum_fields, 9);
    let reg = idl::registry_idl();
    let meter = reg.types.iter().find(|t| t.name == "Meter").unwrap();
    let IdlTypeDefTy::Struct {
        fields: Some(IdlDefinedFields::Named(fields)),
    } = &meter.ty
    else {
        panic!()
    };
    let status = fields.iter().find(|f| f.name == "status").unwrap();
    assert_eq!(
        status.docs,
        ["MeterStatus: 0 Pending, 1 Active, 2 Suspended"]
    );
    let kind = fields.iter().find(|f| f.name == "kind").unwrap();
    let names: Vec<String> = MeterKind::ALL
        .iter()
        .map(|k| format!("{} {}", *k as u8, k.name()))
        .collect();
    assert_eq!(kind.docs, [format!("MeterKind: {}", names.join(", "))]);
    // Borsh types and arguments keep their enums.
    let ev = reg
        .types
        .iter()
        .find(|t| t.name == "MeterStatusChanged")
        .unwrap();
    assert!(format!("{:?}", ev.ty).contains("MeterStatus"));
}

// ------------------------------------------------------------------------
// Anchor's account resolution, from the JSON IDL alone.

/// The rules of `@coral-xyz/anchor`'s `AccountsResolver`, in Rust, over the
/// checked-in JSON IDL (Anchor camel-cases every name, path and type name of
/// the IDL alike, so resolving the snake_case IDL is the same resolution):
///
/// - an account with `address` is that address;
/// - an account with `pda` whose seeds can all be turned into bytes is
///   `findProgramAddressSync(seeds, program)` (the canonical bump), where
///   `program` is the `program` seed if any, else the IDL's program; passes
///   repeat (at most 16) while accounts get resolved, as one PDA can be a
///   seed of another;
/// - a `const` seed is its bytes; an `arg` seed is the argument's value as
///   `toBufferValue` converts it for the argument's IDL type (`u8`, `u16`,
///   `u32`, `u64`, `u128` and signed kinds little-endian at their width,
///   `string` its UTF-8, `pubkey` its 32 bytes, `bytes` and arrays their
///   bytes); an `account` seed whose path is one name is that account's
///   address; a dotted path `"meter.meter_id"` needs the seed's `account`
///   type: the named account is fetched, decoded with the IDL of the
///   program that owns it (by its discriminator), the path followed
///   through its fields, and the value converted for the field's type in
///   the instruction program's IDL type `account`;
/// - a seed that cannot be computed yet (an unknown account) leaves the
///   account for a later pass; whatever is left must be given by the
///   caller ("Account `x` not provided").
mod anchor_resolver {
    use anchor_lang_idl_spec::{
        Idl, IdlDefinedFields, IdlInstruction, IdlInstructionAccount, IdlInstructionAccountItem,
        IdlPda, IdlSeed, IdlType, IdlTypeDefTy,
    };
    use joule_idl::decode;
    use joule_sdk::Pubkey;
    use serde_json::Value;
    use std::collections::BTreeMap;

    /// Every program's IDL, as parsed from `target-idl/`.
    pub struct Idls(pub Vec<Idl>);

    impl Idls {
        pub fn load() -> Self {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target-idl");
            Self(
                ["registry.json", "market.json", "certificates.json"]
                    .iter()
                    .map(|f| {
                        let text = std::fs::read_to_string(dir.join(f)).expect("IDL file");
                        serde_json::from_str(&text).expect("IDL JSON")
                    })
                    .collect(),
            )
        }

        pub fn program(&self, id: &Pubkey) -> &Idl {
            self.0
                .iter()
                .find(|i| i.address == id.to_string())
                .expect("an IDL for the program")
        }
    }

    /// An account as a client sees it: owner and data.
    pub type Fetch<'a> = &'a dyn Fn(&Pubkey) -> Option<(Pubkey, Vec<u8>)>;

    pub fn accounts(ix: &IdlInstruction) -> Vec<&IdlInstructionAccount> {
        ix.accounts
            .iter()
            .map(|a| match a {
                IdlInstructionAccountItem::Single(a) => a,
                IdlInstructionAccountItem::Composite(_) => panic!("Joule has no composites"),
            })
            .collect()
    }

    /// Whether the account's own seeds read the account itself (Anchor's
    /// form for `seeds = [b"meter", meter.meter_id.as_ref()]` on `meter`):
    /// they document its address, but a client has to be given it.
    pub fn self_referential(a: &IdlInstructionAccount) -> bool {
        a.pda.as_ref().is_some_and(|pda| {
            pda.seeds.iter().chain(&pda.program).any(|s| match s {
                IdlSeed::Account(s) => s.path.split('.').next() == Some(a.name.as_str()),
                _ => false,
            })
        })
    }

    /// The accounts of `ix` a client must give: no fixed address and no
    /// seeds it can derive without them.
    pub fn must_give(ix: &IdlInstruction) -> Vec<String> {
        accounts(ix)
            .into_iter()
            .filter(|a| a.address.is_none() && (a.pda.is_none() || self_referential(a)))
            .map(|a| a.name.clone())
            .collect()
    }

    /// `toBufferValue`: the seed bytes of `value`, of IDL type `ty`.
    pub fn to_buffer_value(ty: &IdlType, value: &Value) -> Result<Vec<u8>, String> {
        let int = |v: &Value| -> Result<i128, String> {
            match v {
                Value::Number(n) => n
                    .as_i64()
                    .map(i128::from)
                    .or(n.as_u64().map(i128::from))
                    .ok_or(format!("{n} is not an integer")),
                Value::String(s) => s.parse().map_err(|_| format!("{s} is not an integer")),
                other => Err(format!("{other} is not an integer")),
            }
        };
        let le =
            |n: usize| -> Result<Vec<u8>, String> { Ok(int(value)?.to_le_bytes()[..n].to_vec()) };
        let bytes = |v: &Value| -> Result<Vec<u8>, String> {
            v.as_array()
                .ok_or(format!("{v} is not an array"))?
                .iter()
                .map(|b| {
                    b.as_u64()
                        .and_then(|b| u8::try_from(b).ok())
                        .ok_or(format!("{b} is not a byte"))
                })
                .collect()
        };
        match ty {
            IdlType::U8 | IdlType::I8 => le(1),
            IdlType::U16 | IdlType::I16 => le(2),
            IdlType::U32 | IdlType::I32 => le(4),
            IdlType::U64 | IdlType::I64 => le(8),
            IdlType::U128 | IdlType::I128 => le(16),
            IdlType::String => Ok(value.as_str().ok_or("not a string")?.as_bytes().to_vec()),
            IdlType::Pubkey => {
                let s = value.as_str().ok_or("not a pubkey")?;
                let key: Pubkey = s.parse().map_err(|_| format!("{s} is not a pubkey"))?;
                Ok(key.as_ref().to_vec())
            }
            IdlType::Bytes | IdlType::Array(..) => bytes(value),
            other => Err(format!("Unexpected seed type: {other:?}")),
        }
    }

    /// `getType`: the type at `path` inside `ty`.
    fn get_type(idl: &Idl, ty: &IdlType, path: &[&str]) -> Result<IdlType, String> {
        let Some((field, rest)) = path.split_first() else {
            return Ok(ty.clone());
        };
        let IdlType::Defined { name, .. } = ty else {
            return Err(format!("{field}: not a field of {ty:?}"));
        };
        let def = idl
            .types
            .iter()
            .find(|t| &t.name == name)
            .ok_or(format!("Type not found: {name}"))?;
        let IdlTypeDefTy::Struct {
            fields: Some(IdlDefinedFields::Named(fields)),
        } = &def.ty
        else {
            return Err(format!("{name}: only named structs"));
        };
        let f = fields
            .iter()
            .find(|f| f.name == *field)
            .ok_or(format!("Field not found: {field}"))?;
        get_type(idl, &f.ty, rest)
    }

    pub struct Resolver<'a> {
        pub idls: &'a Idls,
        pub idl: &'a Idl,
        pub ix: &'a IdlInstruction,
        /// The instruction's arguments, decoded with the IDL.
        pub args: Value,
        pub fetch: Fetch<'a>,
    }

    impl Resolver<'_> {
        /// A seed's bytes; `Ok(None)` while an account it needs is unknown.
        fn seed(
            &self,
            seed: &IdlSeed,
            known: &BTreeMap<String, Pubkey>,
        ) -> Result<Option<Vec<u8>>, String> {
            match seed {
                IdlSeed::Const(c) => Ok(Some(c.value.clone())),
                IdlSeed::Arg(a) => {
                    let (name, path) = split(&a.path);
                    let arg = self
                        .ix
                        .args
                        .iter()
                        .find(|f| f.name == name)
                        .ok_or(format!("Unable to find argument for seed: {name}"))?;
                    let value = follow(&self.args[name], &path)?;
                    let ty = get_type(self.idl, &arg.ty, &path)?;
                    to_buffer_value(&ty, &value).map(Some)
                }
                IdlSeed::Account(a) => {
                    let (name, path) = split(&a.path);
                    let Some(key) = known.get(name) else {
                        return Ok(None);
                    };
                    if path.is_empty() {
                        return Ok(Some(key.as_ref().to_vec()));
                    }
                    let ty_name = a.account.as_ref().ok_or(format!(
                        "Seed account is required in order to resolve type: {}",
                        a.path
                    ))?;
                    let data = self.decode_account(key)?;
                    let value = follow(&data, &path)?;
                    let ty = get_type(
                        self.idl,
                        &IdlType::Defined {
                            name: ty_name.clone(),
                            generics: vec![],
                        },
                        &path,
                    )?;
                    to_buffer_value(&ty, &value).map(Some)
                }
            }
        }

        /// Fetches `key` and decodes it with its owner program's IDL, picking
        /// the account type by discriminator (`decodeAny`).
        fn decode_account(&self, key: &Pubkey) -> Result<Value, String> {
            let (owner, data) = (self.fetch)(key).ok_or(format!("Account not found: {key}"))?;
            let idl = self
                .idls
                .0
                .iter()
                .find(|i| i.address == owner.to_string())
                .ok_or(format!("no IDL for {owner}"))?;
            let account = idl
                .accounts
                .iter()
                .find(|a| data.len() >= 8 && a.discriminator[..] == data[..8])
                .ok_or(format!("{key}: no account type has its discriminator"))?;
            let mut body = &data[8..];
            decode::decode(
                idl,
                &IdlType::Defined {
                    name: account.name.clone(),
                    generics: vec![],
                },
                &mut body,
            )
        }

        /// The address `pda` derives, or `Ok(None)` while a seed is unknown.
        pub fn derive(
            &self,
            pda: &IdlPda,
            known: &BTreeMap<String, Pubkey>,
        ) -> Result<Option<Pubkey>, String> {
            let mut seeds = Vec::new();
            for s in &pda.seeds {
                match self.seed(s, known)? {
                    Some(b) => seeds.push(b),
                    None => return Ok(None),
                }
            }
            let program = match &pda.program {
                None => self.idl.address.parse().map_err(|_| "program id")?,
                Some(p) => match self.seed(p, known)? {
                    Some(b) => Pubkey::new_from_array(
                        b.try_into().map_err(|_| "a program seed is 32 bytes")?,
                    ),
                    None => return Ok(None),
                },
            };
            let refs: Vec<&[u8]> = seeds.iter().map(Vec::as_slice).collect();
            Ok(Some(Pubkey::find_program_address(&refs, &program).0))
        }

        /// Resolves every account from `given` (what the caller passes).
        pub fn resolve(
            &self,
            given: &BTreeMap<String, Pubkey>,
        ) -> Result<BTreeMap<String, Pubkey>, String> {
            let accounts = accounts(self.ix);
            let mut known = given.clone();
            for a in &accounts {
                if let (Some(addr), false) = (&a.address, known.contains_key(&a.name)) {
                    known.insert(a.name.clone(), addr.parse().map_err(|_| "address")?);
                }
            }
            let mut errors = BTreeMap::new();
            for _ in 0..16 {
                let mut found = 0;
                for a in &accounts {
                    let Some(pda) = a.pda.as_ref().filter(|_| !known.contains_key(&a.name)) else {
                        continue;
                    };
                    // Anchor skips an account whose seeds throw and retries
                    // it in the next pass; keep the reason for the report.
                    match self.derive(pda, &known) {
                        Ok(Some(key)) => {
                            known.insert(a.name.clone(), key);
                            found += 1;
                        }
                        Ok(None) => {}
                        Err(e) => {
                            errors.insert(a.name.clone(), e);
                        }
                    }
                }
                if found == 0 {
                    break;
                }
            }
            for a in &accounts {
                if !known.contains_key(&a.name) {
                    return Err(format!(
                        "{}: Account `{}` not provided{}",
                        self.ix.name,
                        a.name,
                        errors
                            .get(&a.name)
                            .map(|e| format!(" ({e})"))
                            .unwrap_or_default()
                    ));
                }
            }
            Ok(known)
        }
    }

    fn split(path: &str) -> (&str, Vec<&str>) {
        let mut parts = path.split('.');
        let first = parts.next().unwrap_or_default();
        (first, parts.collect())
    }

    fn follow(value: &Value, path: &[&str]) -> Result<Value, String> {
        path.iter().try_fold(value.clone(), |v, p| {
            v.get(p).cloned().ok_or(format!("no field {p} in {v}"))
        })
    }
}

/// Resolves `ix` (an sdk builder's instruction of `program`) from the IDL
/// the way Anchor's client does, given only the accounts a client must
/// give, and compares every account with the builder's; then checks that
/// the seeds of every account, including those a client gives
/// (self-referential seeds) and fixed addresses, derive its address.
fn check_resolution(
    idls: &anchor_resolver::Idls,
    program: &joule_sdk::Pubkey,
    name: &str,
    ix: &Instruction,
    fetch: anchor_resolver::Fetch,
) -> Result<(), String> {
    use anchor_resolver::*;
    use std::collections::BTreeMap;
    let idl = idls.program(program);
    let def = idl
        .instructions
        .iter()
        .find(|i| i.name == name)
        .ok_or(format!("no instruction {name}"))?;
    let accounts = accounts(def);
    assert_eq!(&ix.program_id, program, "{name}");
    assert!(ix.accounts.len() >= accounts.len(), "{name}: accounts");
    let builder: BTreeMap<String, joule_sdk::Pubkey> = accounts
        .iter()
        .zip(&ix.accounts)
        .map(|(a, m)| (a.name.clone(), m.pubkey))
        .collect();
    let give = must_give(def);
    let given: BTreeMap<String, joule_sdk::Pubkey> =
        give.iter().map(|n| (n.clone(), builder[n])).collect();
    let resolver = Resolver {
        idls,
        idl,
        ix: def,
        args: decode::decode_ix_args(idl, name, &ix.data[8..])?,
        fetch,
    };
    let resolved = resolver.resolve(&given)?;
    // In IDL order, so the first account reported is the first wrong one.
    for a in &accounts {
        let (account, key) = (&a.name, &builder[&a.name]);
        if resolved[account] != *key {
            return Err(format!(
                "{name}.{account}: the IDL resolves {} but the sdk builds {key}",
                resolved[account]
            ));
        }
    }
    // Every account's seeds, with every account known: this checks the
    // seeds of the accounts a client gives (self-referential seeds, read
    // from the given account's data) and of fixed addresses.
    for a in &accounts {
        let Some(pda) = &a.pda else { continue };
        match resolver.derive(pda, &resolved)? {
            Some(k) if k == builder[&a.name] => {}
            other => {
                return Err(format!(
                    "{name}.{}: its seeds give {other:?}, the sdk builds {}",
                    a.name, builder[&a.name]
                ))
            }
        }
    }
    Ok(())
}

/// A chain with every kind of account the seeds read (a meter, a market, an
/// epoch, certificates), and one sdk-built instruction per instruction of
/// the three programs that has a PDA account.
fn resolution_cases() -> (
    TestContext,
    Vec<(joule_sdk::Pubkey, &'static str, Instruction)>,
) {
    use joule_sdk::{
        associated_token_address as ata, certificates as certs,
        market::{self as mkt, SettleOrder, Side},
    };
    use joule_tests::market::QUOTE_UNIT;
    let mut ctx = TestContext::new();
    let owner = ctx.new_user();
    let other = joule_sdk::Pubkey::new_unique();
    let meter = ctx.meter_with_energy(&owner, "IDL-PDA-1", MeterKind::Wind, 12_000, 3_000);
    let owner_energy = ctx.energy_ata(&owner.pubkey());
    let fx = ctx.default_market();
    let trader = ctx.trader(&fx, 5_000, 100 * QUOTE_UNIT);
    let epoch = ctx.open_epoch(&fx);
    let order = ctx.place_ok(&fx, &epoch, &trader, Side::Sell, 2, 1_000);
    let authority = ctx.init_certificates();
    let certificate = ctx.issue_ok(&authority, &meter, 4_000);
    let (admin, oracle, payer) = (ctx.admin.pubkey(), ctx.oracle.pubkey(), ctx.payer.pubkey());
    let (o, a) = (owner.pubkey(), authority.pubkey());
    let fresh_id = reg::meter_id_from_serial("IDL-PDA-NEW");
    let utility = reg::utility_id("TPDDL").unwrap();
    let reading = Reading {
        timestamp: ctx.now(),
        export_register_wh: 20_000,
        import_register_wh: 6_000,
    };
    let (r, m, c) = (reg::ID, mkt::ID, certs::ID);
    let end = ctx.meter(&meter).last_reading_ts;
    let next_id = ctx.next_certificate_id();
    let split_index = ctx.next_split_index(&certificate);
    let cases = vec![
        (r, "initialize", reg::Initialize { admin }.instruction()),
        (
            r,
            "propose_admin",
            reg::ProposeAdmin {
                admin,
                new_admin: other,
            }
            .instruction(),
        ),
        (
            r,
            "accept_admin",
            reg::AcceptAdmin { new_admin: other }.instruction(),
        ),
        (
            r,
            "set_oracles",
            reg::SetOracles {
                admin,
                add: &[other],
                remove: &[oracle],
            }
            .instruction(),
        ),
        (
            r,
            "set_pause",
            reg::SetPause { admin, flags: 1 }.instruction(),
        ),
        (
            r,
            "register_meter",
            reg::RegisterMeter {
                owner: o,
                meter_id: fresh_id,
                utility_id: utility,
                kind: MeterKind::Solar,
                rated_power_w: 5_000,
            }
            .instruction(),
        ),
        (
            r,
            "activate_meter",
            reg::ActivateMeter {
                admin,
                meter,
                expected_owner: o,
            }
            .instruction(),
        ),
        (
            r,
            "suspend_meter",
            reg::SuspendMeter { admin, meter }.instruction(),
        ),
        (
            r,
            "reassign_meter",
            reg::ReassignMeter {
                admin,
                meter,
                new_owner: other,
            }
            .instruction(),
        ),
        (
            r,
            "close_meter",
            reg::CloseMeter {
                admin,
                meter,
                owner: o,
            }
            .instruction(),
        ),
        (
            r,
            "propose_meter_transfer",
            reg::ProposeMeterTransfer {
                owner: o,
                meter,
                new_owner: other,
            }
            .instruction(),
        ),
        (
            r,
            "accept_meter_transfer",
            reg::AcceptMeterTransfer {
                new_owner: other,
                meter,
            }
            .instruction(),
        ),
        (
            r,
            "submit_readings",
            reg::SubmitReadings {
                oracle,
                readings: &[(meter, reading)],
            }
            .instruction(),
        ),
        (
            r,
            "mint_energy",
            reg::MintEnergy {
                meter,
                owner_token: owner_energy,
            }
            .instruction(),
        ),
        (
            r,
            "redeem_consumption",
            reg::RedeemConsumption {
                owner: o,
                meter,
                owner_token: owner_energy,
                amount_wh: 1_000,
            }
            .instruction(),
        ),
        (
            r,
            "record_certified",
            reg::RecordCertified {
                certifier: certs::certifier_address(),
                meter,
                amount_wh: 1,
                period_start: end - 60,
                period_end: end,
            }
            .instruction(),
        ),
        (
            m,
            "create_market",
            mkt::CreateMarket {
                admin,
                keys: fx.keys,
                params: fx.params,
            }
            .instruction(),
        ),
        (
            m,
            "open_epoch",
            mkt::OpenEpoch {
                payer,
                market: fx.keys.market,
                epoch: joule_sdk::Pubkey::new_unique(),
            }
            .instruction(),
        ),
        (
            m,
            "place_order",
            mkt::PlaceOrder {
                keys: fx.keys,
                epoch,
                owner: trader.pubkey(),
                owner_token: trader.quote,
                side: Side::Buy,
                limit_tick: 3,
                quantity_wh: 1_000,
                client_order_id: 9,
            }
            .instruction(),
        ),
        (
            m,
            "cancel_order",
            mkt::CancelOrder {
                keys: fx.keys,
                epoch,
                owner: trader.pubkey(),
                owner_token: trader.energy,
                side: Side::Sell,
                order_id: order,
                client_order_id: 0,
            }
            .instruction(),
        ),
        (m, "clear_epoch", mkt::ClearEpoch { epoch }.instruction()),
        (
            m,
            "settle_orders",
            mkt::SettleOrders {
                keys: fx.keys,
                epoch,
                fee_energy: ata(&fx.fee_recipient.pubkey(), &fx.keys.energy_mint),
                fee_quote: ata(&fx.fee_recipient.pubkey(), &fx.keys.quote_mint),
                orders: &[SettleOrder {
                    order_id: order,
                    energy_account: trader.energy,
                    quote_account: trader.quote,
                    owner: trader.pubkey(),
                }],
            }
            .instruction(),
        ),
        (
            c,
            "initialize",
            certs::Initialize {
                admin,
                authority: a,
            }
            .instruction(),
        ),
        (
            c,
            "propose_authority",
            certs::ProposeAuthority {
                authority: a,
                new_authority: other,
            }
            .instruction(),
        ),
        (
            c,
            "accept_authority",
            certs::AcceptAuthority {
                new_authority: other,
            }
            .instruction(),
        ),
        (
            c,
            "set_pause",
            certs::SetPause {
                authority: a,
                flags: 0,
            }
            .instruction(),
        ),
        (
            c,
            "issue_certificate",
            certs::IssueCertificate {
                authority: a,
                payer,
                id: next_id,
                meter,
                amount_wh: 1_000,
                period_start: end - 60,
                period_end: end,
            }
            .instruction(),
        ),
        (
            c,
            "transfer_certificate",
            certs::TransferCertificate {
                owner: o,
                certificate,
                new_owner: other,
            }
            .instruction(),
        ),
        (
            c,
            "split_certificate",
            certs::SplitCertificate {
                owner: o,
                payer,
                certificate,
                split_index,
                keep_wh: 3_000,
                split_wh: 1_000,
                new_owner: other,
            }
            .instruction(),
        ),
        (
            c,
            "retire_certificate",
            certs::RetireCertificate {
                owner: o,
                certificate,
                beneficiary: other,
                beneficiary_name: "Acme",
                reason: "2026 claim",
            }
            .instruction(),
        ),
        (
            c,
            "revoke_certificate",
            certs::RevokeCertificate {
                authority: a,
                certificate,
                reason: "recalibrated",
            }
            .instruction(),
        ),
    ];
    (ctx, cases)
}

fn chain_fetch(
    ctx: &TestContext,
) -> impl Fn(&joule_sdk::Pubkey) -> Option<(joule_sdk::Pubkey, Vec<u8>)> + '_ {
    |key| ctx.svm.get_account(key).map(|a| (a.owner, a.data))
}

/// Anchor's client derives, from the IDL alone, every PDA the sdk's
/// builders put in the instructions (the ones the programs accept), for
/// every instruction of the three programs that has one.
#[test]
fn anchor_resolves_every_pda_the_sdk_builds() {
    let idls = anchor_resolver::Idls::load();
    let (ctx, cases) = resolution_cases();
    // Every instruction with a PDA account has a case, and only those.
    let mut with_pda: Vec<(String, String)> = idls
        .0
        .iter()
        .flat_map(|idl| {
            idl.instructions
                .iter()
                .filter(|ix| {
                    anchor_resolver::accounts(ix)
                        .iter()
                        .any(|a| a.pda.is_some())
                })
                .map(|ix| (idl.address.clone(), ix.name.clone()))
        })
        .collect();
    let mut covered: Vec<(String, String)> = cases
        .iter()
        .map(|(p, n, _)| (p.to_string(), n.to_string()))
        .collect();
    with_pda.sort();
    covered.sort();
    assert_eq!(covered, with_pda);
    assert_eq!(covered.len(), 31);
    let fetch = chain_fetch(&ctx);
    for (program, name, ix) in &cases {
        check_resolution(&idls, program, name, ix, &fetch).unwrap_or_else(|e| panic!("{e}"));
    }
    // What a client still passes: signers, the accounts the seeds of
    // which read the account itself, and accounts of no fixed derivation.
    let give = |p: &joule_sdk::Pubkey, n: &str| {
        let idl = idls.program(p);
        anchor_resolver::must_give(idl.instructions.iter().find(|i| i.name == n).unwrap())
    };
    assert_eq!(give(&reg::ID, "set_oracles"), ["admin"]);
    assert_eq!(give(&reg::ID, "register_meter"), ["owner"]);
    assert_eq!(give(&reg::ID, "mint_energy"), ["meter"]);
    assert_eq!(give(&reg::ID, "redeem_consumption"), ["owner", "meter"]);
    assert_eq!(
        give(&joule_sdk::market::ID, "place_order"),
        ["owner", "market", "epoch", "owner_token", "vault"]
    );
    assert_eq!(
        give(&joule_sdk::market::ID, "create_market"),
        ["admin", "quote_mint"]
    );
    assert_eq!(
        give(&joule_sdk::market::ID, "settle_orders"),
        ["market", "epoch"]
    );
    assert_eq!(
        give(&joule_sdk::certificates::ID, "issue_certificate"),
        ["authority", "payer", "meter"]
    );
    assert_eq!(
        give(&joule_sdk::certificates::ID, "split_certificate"),
        ["owner", "payer", "certificate"]
    );
}

/// The resolution check fails when a seed is wrong: a wrong constant, a
/// wrong argument, two seeds swapped, a missing deriving program, a wrong
/// field of another account.
#[test]
fn a_wrong_seed_is_caught() {
    use anchor_lang_idl_spec::{IdlSeed, IdlSeedAccount, IdlSeedArg};
    let (ctx, cases) = resolution_cases();
    let fetch = chain_fetch(&ctx);
    type Corrupt = fn(&mut Vec<IdlSeed>, &mut Option<IdlSeed>);
    let corruptions: Vec<(&str, &str, &str, Corrupt)> = vec![
        ("set_oracles", "config", "a constant seed", |s, _| {
            let IdlSeed::Const(c) = &mut s[0] else {
                panic!()
            };
            c.value[0] ^= 1;
        }),
        ("register_meter", "meter", "an argument seed", |s, _| {
            // The utility id instead of the meter id.
            s[1] = IdlSeed::Arg(IdlSeedArg {
                path: "utility_id".into(),
            });
        }),
        (
            "issue_certificate",
            "certificate",
            "a u64 argument seed",
            |s, _| {
                // Another u64 argument: same width, another value.
                s[1] = IdlSeed::Arg(IdlSeedArg {
                    path: "amount_wh".into(),
                });
            },
        ),
        ("create_market", "market", "swapped seeds", |s, _| {
            s.swap(1, 2)
        }),
        ("place_order", "config", "the deriving program", |_, p| {
            *p = None
        }),
        (
            "settle_orders",
            "quote_vault",
            "an account field seed",
            |s, _| {
                s[2] = IdlSeed::Account(IdlSeedAccount {
                    path: "market.energy_mint".into(),
                    account: Some("Market".into()),
                });
            },
        ),
        (
            "mint_energy",
            "owner_token",
            "an account field seed",
            |s, _| {
                // The meter's pending owner (default) instead of its owner.
                s[0] = IdlSeed::Account(IdlSeedAccount {
                    path: "meter.pending_owner".into(),
                    account: Some("Meter".into()),
                });
            },
        ),
        // A self-referential seed (the account is given, its seeds verified).
        (
            "activate_meter",
            "meter",
            "a given account's seed",
            |s, _| {
                s[1] = IdlSeed::Account(IdlSeedAccount {
                    path: "meter.owner".into(),
                    account: Some("Meter".into()),
                });
            },
        ),
    ];
    for (ix_name, account, what, corrupt) in corruptions {
        let (program, _, ix) = cases
            .iter()
            .find(|(_, n, _)| *n == ix_name)
            .expect("a case");
        let mut idls = anchor_resolver::Idls::load();
        assert!(check_resolution(&idls, program, ix_name, ix, &fetch).is_ok());
        let idl = idls
            .0
            .iter_mut()
            .find(|i| i.address == program.to_string())
            .unwrap();
        let def = idl
            .instructions
            .iter_mut()
            .find(|i| i.name == ix_name)
            .unwrap();
        let acc = def
            .accounts
            .iter_mut()
            .find_map(|a| match a {
                anchor_lang_idl_spec::IdlInstructionAccountItem::Single(a) if a.name == account => {
                    Some(a)
                }
                _ => None,
            })
            .unwrap();
        let pda = acc.pda.as_mut().unwrap();
        corrupt(&mut pda.seeds, &mut pda.program);
        let err = check_resolution(&idls, program, ix_name, ix, &fetch).expect_err(&format!(
            "{ix_name}.{account}: a wrong {what} must be caught"
        ));
        assert!(
            err.starts_with(&format!("{ix_name}.{account}: ")),
            "{ix_name}.{account}: {err}"
        );
    }
}

/// Anchor's conversions of seed values: integers little-endian at their
/// width, pubkeys and byte arrays as bytes.
#[test]
fn seed_values_convert_as_anchor_does() {
    use anchor_lang_idl_spec::{IdlArrayLen, IdlType};
    use anchor_resolver::to_buffer_value as b;
    assert_eq!(
        b(&IdlType::U64, &json!(5)).unwrap(),
        [5, 0, 0, 0, 0, 0, 0, 0]
    );
    assert_eq!(b(&IdlType::U32, &json!(258)).unwrap(), [2, 1, 0, 0]);
    assert_eq!(b(&IdlType::I64, &json!(-1)).unwrap(), [255; 8]);
    assert_eq!(b(&IdlType::U8, &json!(7)).unwrap(), [7]);
    let k = joule_sdk::Pubkey::new_unique();
    assert_eq!(
        b(&IdlType::Pubkey, &json!(k.to_string())).unwrap(),
        k.as_ref()
    );
    let arr = IdlType::Array(Box::new(IdlType::U8), IdlArrayLen::Value(3));
    assert_eq!(b(&arr, &json!([1, 2, 3])).unwrap(), [1, 2, 3]);
    assert_eq!(b(&IdlType::String, &json!("ab")).unwrap(), b"ab");
    assert!(b(&IdlType::Bool, &json!(true)).is_err());
}
