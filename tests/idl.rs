//! The IDL is fresh and tells the truth: the checked-in JSON equals what the
//! sdk generates, and an IDL-driven Borsh decoder (what an Anchor client
//! does with the IDL alone) reads the real instruction data, account data
//! and events of the SBF programs.

use joule_sdk::{
    idl::{self, decode},
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
            "{} is stale: run `cargo run -p joule-sdk --bin joule-idl`",
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
        ("initialize", reg::initialize(&a), json!({})),
        (
            "propose_admin",
            reg::propose_admin(&a, &b),
            json!({"new_admin": b.to_string()}),
        ),
        ("accept_admin", reg::accept_admin(&a), json!({})),
        (
            "set_oracles",
            reg::set_oracles(&a, &[a, b], &[b]),
            json!({"add": [a.to_string(), b.to_string()], "remove": [b.to_string()]}),
        ),
        ("set_pause", reg::set_pause(&a, 5), json!({"flags": 5})),
        (
            "register_meter",
            reg::register_meter(&a, &id, &utility, MeterKind::Hydro, 12_345),
            json!({"meter_id": id.to_vec(), "utility_id": utility.to_vec(), "kind": "Hydro", "rated_power_w": 12_345, "bump": reg::meter_address(&id).1}),
        ),
        (
            "activate_meter",
            reg::activate_meter(&a, &m, &b),
            json!({"expected_owner": b.to_string()}),
        ),
        ("suspend_meter", reg::suspend_meter(&a, &m), json!({})),
        (
            "propose_meter_transfer",
            reg::propose_meter_transfer(&a, &m, &b),
            json!({"new_owner": b.to_string()}),
        ),
        (
            "accept_meter_transfer",
            reg::accept_meter_transfer(&b, &m),
            json!({}),
        ),
        (
            "submit_readings",
            reg::submit_readings(
                &a,
                &[(
                    m,
                    Reading {
                        timestamp: -5,
                        export_register_wh: 7,
                        import_register_wh: u64::MAX,
                    },
                )],
            ),
            json!({"readings": [{"timestamp": -5, "export_register_wh": 7, "import_register_wh": u64::MAX}]}),
        ),
        ("mint_energy", reg::mint_energy(&m, &b), json!({})),
        (
            "redeem_consumption",
            reg::redeem_consumption(&a, &m, &b, 99),
            json!({"amount_wh": 99}),
        ),
        (
            "record_certified",
            reg::record_certified(&a, &m, 1, 2, 3),
            json!({"amount_wh": 1, "period_start": 2, "period_end": 3}),
        ),
        (
            "reassign_meter",
            reg::reassign_meter(&a, &m, &b),
            json!({"new_owner": b.to_string()}),
        ),
        ("close_meter", reg::close_meter(&a, &m, &b), json!({})),
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
    assert_eq!(m["kind"], json!("Wind"));
    assert_eq!(m["status"], json!("Active"));
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
