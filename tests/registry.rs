//! Registry program, run as real SBF in litesvm.

use joule_sdk::{
    registry::{
        self as reg, MeterKind, MeterStatus, Reading, RegistryError as E, SubmitReadingsResult,
    },
    FrameworkError as F, Instruction, Pubkey,
};
use joule_tests::{assert_error, cu::cu_budget, expect_ok, TestContext, GENESIS_TS};
use proptest::prelude::*;
use solana_keypair::Keypair;
use solana_signer::Signer;

const SOLAR: MeterKind = MeterKind::Solar;
/// A 5 kW rooftop: at most 5,000 Wh per hour.
const RATED_W: u64 = 5_000;

fn r(timestamp: i64, export_register_wh: u64, import_register_wh: u64) -> Reading {
    Reading {
        timestamp,
        export_register_wh,
        import_register_wh,
    }
}

/// A context, an owner and an active 5 kW solar meter with a baseline
/// reading at GENESIS_TS - 3600 (exported 10,000 Wh, imported 20,000 Wh).
fn with_meter() -> (TestContext, Keypair, Pubkey) {
    let mut ctx = TestContext::new();
    let owner = ctx.new_user();
    let meter = ctx.active_meter(&owner, "SN-0001", SOLAR, RATED_W);
    expect_ok(ctx.submit_readings(&[(meter, r(GENESIS_TS - 3_600, 10_000, 20_000))]));
    (ctx, owner, meter)
}

fn result(ok: &joule_tests::TxOk) -> SubmitReadingsResult {
    SubmitReadingsResult::decode(&ok.return_data).expect("return data")
}

// ------------------------------------------------------------------ initialize

#[test]
fn initialize_ok() {
    let ctx = TestContext::new();
    let cfg = ctx.config();
    assert_eq!(cfg.admin, ctx.admin.pubkey());
    assert_eq!(cfg.pending_admin, Pubkey::default());
    assert_eq!(cfg.energy_mint, reg::energy_mint_address());
    assert_eq!(cfg.oracles(), &[ctx.oracle.pubkey()]);
    assert_eq!(cfg.pause_flags, 0);
    assert_eq!(cfg.bump, reg::CONFIG_BUMP);
    assert_eq!(reg::config_address(), reg::CONFIG_ADDRESS);
    assert_eq!(reg::energy_mint_address(), reg::ENERGY_MINT_ADDRESS);
    assert_eq!(
        reg::certifier_address(),
        (reg::CERTIFIER_AUTHORITY, reg::CERTIFIER_BUMP)
    );
    assert_eq!(reg::program_data_address(), reg::PROGRAM_DATA_ADDRESS);
    let mint = joule_sdk::token::decode_mint(&ctx.data(&ctx.energy_mint()).unwrap()).unwrap();
    assert_eq!(mint, (0, 3), "supply 0, 3 decimals");
    let raw = ctx.data(&ctx.energy_mint()).unwrap();
    assert_eq!(&raw[0..4], &[1, 0, 0, 0], "mint authority is set");
    assert_eq!(
        &raw[4..36],
        reg::config_address().as_ref(),
        "the Config PDA is the mint authority"
    );
    assert_eq!(&raw[46..50], &[0, 0, 0, 0], "no freeze authority");
}

#[test]
fn initialize_rejects_anyone_but_the_upgrade_authority() {
    let mut ctx = TestContext::builder().uninitialized().build();
    let squatter = ctx.new_user();
    let res = ctx.send(
        "initialize",
        &[reg::Initialize {
            admin: squatter.pubkey(),
        }
        .instruction()],
        &[&squatter],
    );
    assert_error(&res, E::NotUpgradeAuthority as u32);
    assert!(!ctx.exists(&reg::config_address()) && !ctx.exists(&reg::energy_mint_address()));
    // An immutable program (no upgrade authority) cannot be initialised by anyone.
    let admin = ctx.admin.insecure_clone();
    ctx.set_upgrade_authority(&reg::program_data_address(), None);
    let res = ctx.send(
        "initialize",
        &[reg::Initialize {
            admin: admin.pubkey(),
        }
        .instruction()],
        &[&admin],
    );
    assert_error(&res, E::NotUpgradeAuthority as u32);
    // A look-alike ProgramData account is not the registry's.
    ctx.set_upgrade_authority(&reg::program_data_address(), Some(&admin.pubkey()));
    let mut ix = reg::Initialize {
        admin: admin.pubkey(),
    }
    .instruction();
    ix.accounts[3].pubkey = joule_sdk::Pubkey::new_unique();
    assert_error(
        &ctx.send("initialize", &[ix], &[&admin]),
        F::ConstraintAddress as u32,
    );
    expect_ok(
        ctx.send(
            "initialize",
            &[reg::Initialize {
                admin: admin.pubkey(),
            }
            .instruction()],
            &[&admin],
        ),
    );
    assert_eq!(ctx.config().admin, admin.pubkey());
}

#[test]
fn initialize_rejects_second_call() {
    let mut ctx = TestContext::new();
    let admin = ctx.admin.insecure_clone();
    let before = ctx.snapshot(&[reg::config_address(), reg::energy_mint_address()]);
    let res = ctx.send(
        "initialize",
        &[reg::Initialize {
            admin: admin.pubkey(),
        }
        .instruction()],
        &[&admin],
    );
    assert_error(&res, F::AccountNotSystemOwned as u32);
    ctx.assert_unchanged(&before);
    assert_eq!(ctx.config().admin, ctx.admin.pubkey());
}

#[test]
fn initialize_rejects_wrong_config_address() {
    let mut ctx = TestContext::builder().uninitialized().build();
    let admin = ctx.admin.insecure_clone();
    let mut ix = reg::Initialize {
        admin: admin.pubkey(),
    }
    .instruction();
    let fake = Keypair::new();
    ix.accounts[1].pubkey = fake.pubkey();
    ix.accounts[1].is_signer = true;
    let res = ctx.send("initialize", &[ix], &[&admin, &fake]);
    assert_error(&res, F::ConstraintSeeds as u32);
    assert!(!ctx.exists(&reg::config_address()));
    assert!(!ctx.exists(&fake.pubkey()));
}

// ------------------------------------------------------------------ admin hand-over

#[test]
fn admin_handover_ok() {
    let mut ctx = TestContext::new();
    let admin = ctx.admin.insecure_clone();
    let next = ctx.new_user();
    expect_ok(
        ctx.send(
            "propose_admin",
            &[reg::ProposeAdmin {
                admin: admin.pubkey(),
                new_admin: next.pubkey(),
            }
            .instruction()],
            &[&admin],
        ),
    );
    let cfg = ctx.config();
    assert_eq!(
        cfg.admin,
        admin.pubkey(),
        "still the old admin until accepted"
    );
    assert_eq!(cfg.pending_admin, next.pubkey());
    expect_ok(
        ctx.send(
            "accept_admin",
            &[reg::AcceptAdmin {
                new_admin: next.pubkey(),
            }
            .instruction()],
            &[&next],
        ),
    );
    let cfg = ctx.config();
    assert_eq!(cfg.admin, next.pubkey());
    assert_eq!(cfg.pending_admin, Pubkey::default());
    // The old admin lost its powers.
    let res = ctx.send(
        "set_pause",
        &[reg::SetPause {
            admin: admin.pubkey(),
            flags: 1,
        }
        .instruction()],
        &[&admin],
    );
    assert_error(&res, E::NotAdmin as u32);
}

#[test]
fn admin_handover_without_accept_changes_nothing() {
    let mut ctx = TestContext::new();
    let admin = ctx.admin.insecure_clone();
    let next = ctx.new_user();
    expect_ok(
        ctx.send(
            "propose_admin",
            &[reg::ProposeAdmin {
                admin: admin.pubkey(),
                new_admin: next.pubkey(),
            }
            .instruction()],
            &[&admin],
        ),
    );
    // Without accept the proposed admin has no power...
    let res = ctx.send(
        "set_pause",
        &[reg::SetPause {
            admin: next.pubkey(),
            flags: 1,
        }
        .instruction()],
        &[&next],
    );
    assert_error(&res, E::NotAdmin as u32);
    // ...and the proposal can be withdrawn, after which accepting fails.
    expect_ok(
        ctx.send(
            "propose_admin",
            &[reg::ProposeAdmin {
                admin: admin.pubkey(),
                new_admin: Pubkey::default(),
            }
            .instruction()],
            &[&admin],
        ),
    );
    let before = ctx.snapshot(&[reg::config_address()]);
    let res = ctx.send(
        "accept_admin",
        &[reg::AcceptAdmin {
            new_admin: next.pubkey(),
        }
        .instruction()],
        &[&next],
    );
    assert_error(&res, E::NotPendingAdmin as u32);
    ctx.assert_unchanged(&before);
    assert_eq!(ctx.config().admin, admin.pubkey());
}

#[test]
fn accept_admin_rejects_other_signer() {
    let mut ctx = TestContext::new();
    let admin = ctx.admin.insecure_clone();
    let next = ctx.new_user();
    let intruder = ctx.new_user();
    expect_ok(
        ctx.send(
            "propose_admin",
            &[reg::ProposeAdmin {
                admin: admin.pubkey(),
                new_admin: next.pubkey(),
            }
            .instruction()],
            &[&admin],
        ),
    );
    let before = ctx.snapshot(&[reg::config_address()]);
    let res = ctx.send(
        "accept_admin",
        &[reg::AcceptAdmin {
            new_admin: intruder.pubkey(),
        }
        .instruction()],
        &[&intruder],
    );
    assert_error(&res, E::NotPendingAdmin as u32);
    ctx.assert_unchanged(&before);
}

#[test]
fn admin_actions_reject_non_admin() {
    let (mut ctx, owner, meter) = with_meter();
    let intruder = ctx.new_user();
    let me = intruder.pubkey();
    let cases: Vec<(&str, Instruction)> = vec![
        (
            "propose_admin",
            reg::ProposeAdmin {
                admin: me,
                new_admin: me,
            }
            .instruction(),
        ),
        (
            "set_oracles",
            reg::SetOracles {
                admin: me,
                add: &[me],
                remove: &[],
            }
            .instruction(),
        ),
        (
            "set_pause",
            reg::SetPause {
                admin: me,
                flags: reg::PAUSE_REGISTRY,
            }
            .instruction(),
        ),
        (
            "activate_meter",
            reg::ActivateMeter {
                admin: me,
                meter,
                expected_owner: me,
            }
            .instruction(),
        ),
        (
            "suspend_meter",
            reg::SuspendMeter { admin: me, meter }.instruction(),
        ),
        (
            "reassign_meter",
            reg::ReassignMeter {
                admin: me,
                meter,
                new_owner: me,
            }
            .instruction(),
        ),
        (
            "close_meter",
            reg::CloseMeter {
                admin: me,
                meter,
                owner: owner.pubkey(),
            }
            .instruction(),
        ),
    ];
    let before = ctx.snapshot(&[reg::config_address(), meter]);
    for (name, ix) in cases {
        let res = ctx.send(name, &[ix], &[&intruder]);
        assert_error(&res, E::NotAdmin as u32);
    }
    ctx.assert_unchanged(&before);
    // The admin key must also sign: naming it without its signature fails.
    let mut ix = reg::SetPause {
        admin: ctx.admin.pubkey(),
        flags: 1,
    }
    .instruction();
    ix.accounts[0].is_signer = false;
    assert_error(
        &ctx.send("set_pause", &[ix], &[]),
        F::ConstraintSigner as u32,
    );
    ctx.assert_unchanged(&before);
}

// ------------------------------------------------------------------ oracles

#[test]
fn set_oracles_ok_adds_and_removes() {
    let mut ctx = TestContext::new();
    let admin = ctx.admin.insecure_clone();
    let keys: Vec<Pubkey> = (0..7).map(|_| Pubkey::new_unique()).collect();
    expect_ok(
        ctx.send(
            "set_oracles",
            &[reg::SetOracles {
                admin: admin.pubkey(),
                add: &keys,
                remove: &[],
            }
            .instruction()],
            &[&admin],
        ),
    );
    assert_eq!(ctx.config().oracle_count, 8);
    let ok = expect_ok(
        ctx.send(
            "set_oracles",
            &[reg::SetOracles {
                admin: admin.pubkey(),
                add: &[Pubkey::new_unique()],
                remove: &[keys[0], ctx.oracle.pubkey()],
            }
            .instruction()],
            &[&admin],
        ),
    );
    let cfg = ctx.config();
    assert_eq!(cfg.oracle_count, 7);
    assert!(!cfg.is_oracle(&keys[0]) && !cfg.is_oracle(&ctx.oracle.pubkey()));
    assert!(keys[1..].iter().all(|k| cfg.is_oracle(k)));
    let ev: reg::OraclesUpdated = joule_sdk::events::decode(&ok.logs).expect("event");
    assert_eq!(
        (ev.added, ev.removed, ev.count_before, ev.count_after),
        (1, 2, 8, 7)
    );
}

#[test]
fn set_oracles_rejects_full_duplicate_and_unknown() {
    let mut ctx = TestContext::new();
    let admin = ctx.admin.insecure_clone();
    let a = admin.pubkey();
    let before = ctx.snapshot(&[reg::config_address()]);
    let nine: Vec<Pubkey> = (0..8).map(|_| Pubkey::new_unique()).collect();
    assert_error(
        &ctx.send(
            "set_oracles",
            &[reg::SetOracles {
                admin: a,
                add: &nine,
                remove: &[],
            }
            .instruction()],
            &[&admin],
        ),
        E::OracleSetFull as u32,
    );
    let o = ctx.oracle.pubkey();
    assert_error(
        &ctx.send(
            "set_oracles",
            &[reg::SetOracles {
                admin: a,
                add: &[o],
                remove: &[],
            }
            .instruction()],
            &[&admin],
        ),
        E::OracleAlreadyPresent as u32,
    );
    let k = Pubkey::new_unique();
    assert_error(
        &ctx.send(
            "set_oracles",
            &[reg::SetOracles {
                admin: a,
                add: &[k, k],
                remove: &[],
            }
            .instruction()],
            &[&admin],
        ),
        E::OracleAlreadyPresent as u32,
    );
    assert_error(
        &ctx.send(
            "set_oracles",
            &[reg::SetOracles {
                admin: a,
                add: &[],
                remove: &[k],
            }
            .instruction()],
            &[&admin],
        ),
        E::OracleNotFound as u32,
    );
    assert_error(
        &ctx.send(
            "set_oracles",
            &[reg::SetOracles {
                admin: a,
                add: &[Pubkey::default()],
                remove: &[],
            }
            .instruction()],
            &[&admin],
        ),
        E::InvalidOracle as u32,
    );
    ctx.assert_unchanged(&before);
}

#[test]
fn submit_readings_rejects_non_oracle_signer() {
    let (mut ctx, _owner, meter) = with_meter();
    let stranger = ctx.new_user();
    let before = ctx.snapshot(&[meter]);
    let res = ctx.submit_readings_as(&stranger, &[(meter, r(GENESIS_TS, 11_000, 20_000))]);
    assert_error(&res, E::NotOracle as u32);
    ctx.assert_unchanged(&before);
    // An oracle key that did not sign is no oracle either.
    let mut ix = reg::SubmitReadings {
        oracle: ctx.oracle.pubkey(),
        readings: &[(meter, r(GENESIS_TS, 11_000, 20_000))],
    }
    .instruction();
    ix.accounts[0].is_signer = false;
    assert_error(
        &ctx.send("submit_readings", &[ix], &[]),
        F::ConstraintSigner as u32,
    );
    ctx.assert_unchanged(&before);
}

#[test]
fn submit_readings_rejects_removed_oracle() {
    let (mut ctx, _owner, meter) = with_meter();
    let admin = ctx.admin.insecure_clone();
    let oracle = ctx.oracle.pubkey();
    expect_ok(
        ctx.send(
            "set_oracles",
            &[reg::SetOracles {
                admin: admin.pubkey(),
                add: &[],
                remove: &[oracle],
            }
            .instruction()],
            &[&admin],
        ),
    );
    let before = ctx.snapshot(&[meter]);
    let res = ctx.submit_readings(&[(meter, r(GENESIS_TS, 11_000, 20_000))]);
    assert_error(&res, E::NotOracle as u32);
    ctx.assert_unchanged(&before);
}

// ------------------------------------------------------------------ pause

#[test]
fn set_pause_ok_and_paused_registry_rejects_everything_that_moves() {
    let (mut ctx, owner, meter) = with_meter();
    let ata = ctx.energy_ata(&owner.pubkey());
    expect_ok(ctx.submit_readings(&[(meter, r(GENESIS_TS, 13_000, 21_000))]));
    expect_ok(ctx.set_pause(reg::PAUSE_REGISTRY));
    assert_eq!(ctx.config().pause_flags, reg::PAUSE_REGISTRY);

    let before = ctx.snapshot(&[meter, ata, ctx.energy_mint()]);
    assert_error(
        &ctx.submit_readings(&[(meter, r(GENESIS_TS + 60, 13_010, 21_000))]),
        E::Paused as u32,
    );
    assert_error(&ctx.mint_energy(&meter, &ata), E::Paused as u32);
    assert_error(&ctx.redeem(&owner, &meter, &ata, 1), E::Paused as u32);
    let other = ctx.new_user();
    let (m2, res) = ctx.register_meter(&other, "SN-PAUSED", SOLAR, RATED_W);
    assert_error(&res, E::Paused as u32);
    assert!(!ctx.exists(&m2));
    let ix = reg::ProposeMeterTransfer {
        owner: owner.pubkey(),
        meter,
        new_owner: other.pubkey(),
    }
    .instruction();
    assert_error(
        &ctx.send("propose_meter_transfer", &[ix], &[&owner]),
        E::Paused as u32,
    );
    ctx.assert_unchanged(&before);

    // Unpausing restores everything.
    expect_ok(ctx.set_pause(0));
    expect_ok(ctx.mint_energy(&meter, &ata));
    assert_eq!(ctx.balance(&ata), 3_000);
}

#[test]
fn set_pause_rejects_unknown_flags() {
    let mut ctx = TestContext::new();
    let before = ctx.snapshot(&[reg::config_address()]);
    assert_error(&ctx.set_pause(0x80), E::InvalidPauseFlags as u32);
    ctx.assert_unchanged(&before);
}

// ------------------------------------------------------------------ meters

#[test]
fn register_meter_ok() {
    let mut ctx = TestContext::new();
    let owner = ctx.new_user();
    let (meter, res) = ctx.register_meter(&owner, "ab-12 34", MeterKind::Wind, 7_500);
    let ok = expect_ok(res);
    let m = ctx.meter(&meter);
    assert_eq!(m.owner, owner.pubkey());
    assert_eq!(
        m.meter_id,
        reg::meter_id_from_serial("AB1234"),
        "serials are normalised"
    );
    assert_eq!(reg::utility_id_str(&m.utility_id), "TPDDL");
    assert_eq!(m.kind(), Some(MeterKind::Wind));
    assert_eq!(m.status(), Some(MeterStatus::Pending));
    assert_eq!(m.rated_power_w, 7_500);
    assert_eq!((m.registered_at, m.activated_at), (GENESIS_TS, 0));
    assert_eq!(
        (m.exported_wh, m.imported_wh, m.minted_wh, m.last_reading_ts),
        (0, 0, 0, 0)
    );
    let ev: reg::MeterRegistered = joule_sdk::events::decode(&ok.logs).expect("event");
    assert_eq!(
        (ev.meter, ev.owner, ev.rated_power_w, ev.kind),
        (meter, owner.pubkey(), 7_500, 1)
    );
}

/// `register_meter` stays within 3,000 CU for the canonical bumps 255 and
/// 254 (three ids in four); proving a lower bump canonical costs one more
/// hash and curve check per bump, reported here.
#[test]
fn register_meter_compute_units() {
    let mut ctx = TestContext::new();
    let owner = ctx.new_user();
    let mut by_bump = std::collections::BTreeMap::new();
    for i in 0..64 {
        let serial = format!("SN-CU-{i}");
        let bump = reg::meter_address(&reg::meter_id_from_serial(&serial)).1;
        if by_bump.contains_key(&bump) {
            continue;
        }
        let (_, res) = ctx.register_meter(&owner, &serial, SOLAR, RATED_W);
        by_bump.insert(bump, expect_ok(res).cu);
    }
    for (bump, cu) in by_bump.iter().rev() {
        println!("register_meter, canonical bump {bump}: {cu} CU");
    }
    let base = by_bump[&255];
    assert!(by_bump[&254] <= 3_000, "bump 254: {} CU", by_bump[&254]);
    for (bump, cu) in &by_bump {
        let per_bump = (cu - base) / (255 - *bump as u64).max(1);
        assert!(per_bump <= 400, "bump {bump}: {per_bump} CU per lower bump");
    }
    cu_budget("register_meter", 3_000);
}

#[test]
fn register_meter_rejects_same_meter_twice() {
    let mut ctx = TestContext::new();
    let a = ctx.new_user();
    let b = ctx.new_user();
    let (meter, res) = ctx.register_meter(&a, "SN-42", SOLAR, RATED_W);
    expect_ok(res);
    let before = ctx.snapshot(&[meter]);
    // Same physical meter, written differently, by someone else.
    let (again, res) = ctx.register_meter(&b, "sn 42", SOLAR, RATED_W);
    assert_eq!(again, meter);
    assert_error(&res, F::AccountNotSystemOwned as u32);
    ctx.assert_unchanged(&before);
}

#[test]
fn register_meter_rejects_non_canonical_bump_and_wrong_address() {
    let mut ctx = TestContext::new();
    let owner = ctx.new_user();
    let id = reg::meter_id_from_serial("SN-BUMP");
    let utility = reg::utility_id("TPDDL").unwrap();
    let (canonical, bump) = reg::meter_address(&id);
    // Find a lower bump that still gives a valid PDA: a second address for the same meter.
    let (other, other_bump) = (0..bump)
        .rev()
        .find_map(|b| {
            Pubkey::create_program_address(&[reg::SEED_METER, &id, &[b]], &reg::ID)
                .ok()
                .map(|a| (a, b))
        })
        .expect("a non-canonical bump");
    let ix = reg::RegisterMeter {
        owner: owner.pubkey(),
        meter_id: id,
        utility_id: utility,
        kind: SOLAR,
        rated_power_w: RATED_W,
    }
    .instruction_at(other, other_bump);
    assert_error(
        &ctx.send("register_meter", &[ix], &[&owner]),
        F::ConstraintSeeds as u32,
    );
    assert!(!ctx.exists(&other));
    // The canonical bump with some other address.
    let wrong = Pubkey::new_unique();
    let ix = reg::RegisterMeter {
        owner: owner.pubkey(),
        meter_id: id,
        utility_id: utility,
        kind: SOLAR,
        rated_power_w: RATED_W,
    }
    .instruction_at(wrong, bump);
    assert_error(
        &ctx.send("register_meter", &[ix], &[&owner]),
        F::ConstraintSeeds as u32,
    );
    assert!(!ctx.exists(&canonical) && !ctx.exists(&wrong));
}

#[test]
fn register_meter_rejects_bad_kind_and_rated_power() {
    let mut ctx = TestContext::new();
    let owner = ctx.new_user();
    let id = reg::meter_id_from_serial("SN-BAD");
    let (meter, _) = reg::meter_address(&id);
    let utility = reg::utility_id("TPDDL").unwrap();
    for rated in [0, reg::MAX_RATED_POWER_W + 1] {
        let ix = reg::RegisterMeter {
            owner: owner.pubkey(),
            meter_id: id,
            utility_id: utility,
            kind: SOLAR,
            rated_power_w: rated,
        }
        .instruction();
        assert_error(
            &ctx.send("register_meter", &[ix], &[&owner]),
            E::InvalidRatedPower as u32,
        );
    }
    let mut ix = reg::RegisterMeter {
        owner: owner.pubkey(),
        meter_id: id,
        utility_id: utility,
        kind: SOLAR,
        rated_power_w: RATED_W,
    }
    .instruction();
    ix.data[8 + 32 + 16] = 6; // kind byte
    assert_error(
        &ctx.send("register_meter", &[ix], &[&owner]),
        E::InvalidMeterKind as u32,
    );
    let mut ix = reg::RegisterMeter {
        owner: owner.pubkey(),
        meter_id: id,
        utility_id: utility,
        kind: SOLAR,
        rated_power_w: RATED_W,
    }
    .instruction();
    ix.data.push(0);
    assert_error(
        &ctx.send("register_meter", &[ix], &[&owner]),
        F::InstructionDidNotDeserialize as u32,
    );
    assert!(!ctx.exists(&meter));
}

#[test]
fn register_meter_survives_prefunded_address() {
    // Anyone can send lamports to a known PDA; that must not block registration.
    let mut ctx = TestContext::new();
    let owner = ctx.new_user();
    let id = reg::meter_id_from_serial("SN-GRIEF");
    let (meter, _) = reg::meter_address(&id);
    let payer = ctx.payer.pubkey();
    expect_ok(ctx.send_unrecorded(
        &[joule_sdk::token::transfer_lamports(
            &payer, &meter, 1_000_000,
        )],
        &[],
    ));
    let (_, res) = ctx.register_meter(&owner, "SN-GRIEF", SOLAR, RATED_W);
    expect_ok(res);
    assert_eq!(ctx.meter(&meter).owner, owner.pubkey());
}

#[test]
fn activate_and_suspend_meter_ok() {
    let mut ctx = TestContext::new();
    let owner = ctx.new_user();
    let (meter, res) = ctx.register_meter(&owner, "SN-LIFE", SOLAR, RATED_W);
    expect_ok(res);
    let ok = expect_ok(ctx.activate_meter(&meter));
    assert_eq!(ctx.meter(&meter).status(), Some(MeterStatus::Active));
    let ev: reg::MeterStatusChanged = joule_sdk::events::decode(&ok.logs).unwrap();
    assert_eq!((ev.status_before, ev.status_after), (0, 1));
    expect_ok(ctx.suspend_meter(&meter));
    assert_eq!(ctx.meter(&meter).status(), Some(MeterStatus::Suspended));
    expect_ok(ctx.activate_meter(&meter));
    assert_eq!(ctx.meter(&meter).status(), Some(MeterStatus::Active));
    let before = ctx.snapshot(&[meter]);
    assert_error(
        &ctx.activate_meter(&meter),
        E::InvalidStatusTransition as u32,
    );
    ctx.assert_unchanged(&before);
}

#[test]
fn meter_transfer_ok() {
    let (mut ctx, owner, meter) = with_meter();
    let buyer = ctx.new_user();
    let ix = reg::ProposeMeterTransfer {
        owner: owner.pubkey(),
        meter,
        new_owner: buyer.pubkey(),
    }
    .instruction();
    expect_ok(ctx.send("propose_meter_transfer", &[ix], &[&owner]));
    assert_eq!(ctx.meter(&meter).owner, owner.pubkey());
    assert_eq!(ctx.meter(&meter).pending_owner, buyer.pubkey());
    let ix = reg::AcceptMeterTransfer {
        new_owner: buyer.pubkey(),
        meter,
    }
    .instruction();
    expect_ok(ctx.send("accept_meter_transfer", &[ix], &[&buyer]));
    let m = ctx.meter(&meter);
    assert_eq!(
        (m.owner, m.pending_owner),
        (buyer.pubkey(), Pubkey::default())
    );
}

#[test]
fn meter_transfer_rejects_non_owner_and_wrong_acceptor() {
    let (mut ctx, owner, meter) = with_meter();
    let buyer = ctx.new_user();
    let thief = ctx.new_user();
    let before = ctx.snapshot(&[meter]);
    let ix = reg::ProposeMeterTransfer {
        owner: thief.pubkey(),
        meter,
        new_owner: thief.pubkey(),
    }
    .instruction();
    assert_error(
        &ctx.send("propose_meter_transfer", &[ix], &[&thief]),
        E::NotMeterOwner as u32,
    );
    let ix = reg::AcceptMeterTransfer {
        new_owner: buyer.pubkey(),
        meter,
    }
    .instruction();
    assert_error(
        &ctx.send("accept_meter_transfer", &[ix], &[&buyer]),
        E::NotPendingOwner as u32,
    );
    ctx.assert_unchanged(&before);
    let ix = reg::ProposeMeterTransfer {
        owner: owner.pubkey(),
        meter,
        new_owner: buyer.pubkey(),
    }
    .instruction();
    expect_ok(ctx.send("propose_meter_transfer", &[ix], &[&owner]));
    let before = ctx.snapshot(&[meter]);
    let ix = reg::AcceptMeterTransfer {
        new_owner: thief.pubkey(),
        meter,
    }
    .instruction();
    assert_error(
        &ctx.send("accept_meter_transfer", &[ix], &[&thief]),
        E::NotPendingOwner as u32,
    );
    ctx.assert_unchanged(&before);
}

// ------------------------------------------------------------------ readings

#[test]
fn submit_readings_ok_baseline_then_increases() {
    let mut ctx = TestContext::new();
    let owner = ctx.new_user();
    let meter = ctx.active_meter(&owner, "SN-READ", SOLAR, RATED_W);
    // Baseline: the meter's lifetime registers are not credited.
    let ok =
        expect_ok(ctx.submit_readings(&[(meter, r(GENESIS_TS - 7_200, 5_000_000, 9_000_000))]));
    assert_eq!(
        result(&ok),
        SubmitReadingsResult {
            applied: 1,
            skipped: 0,
            skipped_mask: vec![0]
        }
    );
    let m = ctx.meter(&meter);
    assert_eq!((m.exported_wh, m.imported_wh), (0, 0));
    assert_eq!(
        (
            m.export_register_wh,
            m.import_register_wh,
            m.last_reading_ts
        ),
        (5_000_000, 9_000_000, GENESIS_TS - 7_200)
    );
    // One hour later: +4,200 Wh exported, +800 Wh imported.
    let ok =
        expect_ok(ctx.submit_readings(&[(meter, r(GENESIS_TS - 3_600, 5_004_200, 9_000_800))]));
    let m = ctx.meter(&meter);
    assert_eq!((m.exported_wh, m.imported_wh), (4_200, 800));
    let body = joule_sdk::events::find(&ok.logs, reg::READINGS_SUBMITTED).expect("event");
    let (oracle, applied, skipped, list) = reg::decode_readings_event(&body).expect("event layout");
    assert_eq!(
        (oracle, applied, skipped, list.len()),
        (ctx.oracle.pubkey(), 1, 0, 1)
    );
    let a = list[0];
    assert_eq!(
        (a.meter, a.timestamp, a.exported_wh, a.imported_wh),
        (meter, GENESIS_TS - 3_600, 4_200, 800)
    );
    // Exactly rated power for the whole interval is accepted.
    expect_ok(ctx.submit_readings(&[(meter, r(GENESIS_TS, 5_009_200, 9_000_800))]));
    assert_eq!(ctx.meter(&meter).exported_wh, 9_200);
}

#[test]
fn submit_readings_skips_stale_and_duplicate() {
    let (mut ctx, _owner, meter) = with_meter();
    let before = ctx.snapshot(&[meter]);
    // Same timestamp as the baseline (a resubmission) and an older one.
    let ok = expect_ok(ctx.submit_readings(&[
        (meter, r(GENESIS_TS - 3_600, 10_000, 20_000)),
        (meter, r(GENESIS_TS - 7_200, 9_000, 19_000)),
    ]));
    assert_eq!(
        result(&ok),
        SubmitReadingsResult {
            applied: 0,
            skipped: 2,
            skipped_mask: vec![0b11]
        }
    );
    ctx.assert_unchanged(&before);
}

#[test]
fn submit_readings_duplicate_in_batch_is_not_double_counted() {
    let (mut ctx, _owner, meter) = with_meter();
    let dup = r(GENESIS_TS, 12_000, 20_500);
    let ok = expect_ok(ctx.submit_readings(&[(meter, dup), (meter, dup), (meter, dup)]));
    let res = result(&ok);
    assert_eq!((res.applied, res.skipped), (1, 2));
    assert!(!res.is_skipped(0) && res.is_skipped(1) && res.is_skipped(2));
    let m = ctx.meter(&meter);
    assert_eq!((m.exported_wh, m.imported_wh), (2_000, 500));
}

#[test]
fn submit_readings_rejects_unregistered_pending_and_suspended_meter() {
    let (mut ctx, owner, meter) = with_meter();
    // Unregistered: the PDA of a serial nobody registered.
    let (ghost, _) = reg::meter_address(&reg::meter_id_from_serial("SN-GHOST"));
    let before = ctx.snapshot(&[meter, ghost]);
    let res = ctx.submit_readings(&[
        (meter, r(GENESIS_TS, 11_000, 20_000)),
        (ghost, r(GENESIS_TS, 1, 1)),
    ]);
    assert_error(&res, E::MeterNotRegistered as u32);
    ctx.assert_unchanged(&before);
    // An account of another program (the config) is not a meter either.
    let res = ctx.submit_readings(&[(ctx.energy_mint(), r(GENESIS_TS, 1, 1))]);
    assert_error(&res, E::MeterNotRegistered as u32);
    let res = ctx.submit_readings(&[(reg::config_address(), r(GENESIS_TS, 1, 1))]);
    assert_error(&res, F::AccountDiscriminatorMismatch as u32);
    // Pending.
    let (pending, res) = ctx.register_meter(&owner, "SN-PENDING", SOLAR, RATED_W);
    expect_ok(res);
    let before = ctx.snapshot(&[pending]);
    assert_error(
        &ctx.submit_readings(&[(pending, r(GENESIS_TS, 1, 1))]),
        E::MeterNotActive as u32,
    );
    ctx.assert_unchanged(&before);
    // Suspended.
    expect_ok(ctx.suspend_meter(&meter));
    let before = ctx.snapshot(&[meter]);
    assert_error(
        &ctx.submit_readings(&[(meter, r(GENESIS_TS, 11_000, 20_000))]),
        E::MeterNotActive as u32,
    );
    ctx.assert_unchanged(&before);
}

#[test]
fn submit_readings_rejects_decreasing_register() {
    let (mut ctx, _owner, meter) = with_meter();
    let before = ctx.snapshot(&[meter]);
    assert_error(
        &ctx.submit_readings(&[(meter, r(GENESIS_TS, 9_999, 20_000))]),
        E::RegisterDecreased as u32,
    );
    assert_error(
        &ctx.submit_readings(&[(meter, r(GENESIS_TS, 10_000, 19_999))]),
        E::RegisterDecreased as u32,
    );
    ctx.assert_unchanged(&before);
}

#[test]
fn submit_readings_rejects_increase_above_rated_power() {
    let (mut ctx, _owner, meter) = with_meter();
    let before = ctx.snapshot(&[meter]);
    // 5 kW for one hour is 5,000 Wh; 5,001 is impossible, on either register.
    assert_error(
        &ctx.submit_readings(&[(meter, r(GENESIS_TS, 15_001, 20_000))]),
        E::ImpossibleIncrease as u32,
    );
    assert_error(
        &ctx.submit_readings(&[(meter, r(GENESIS_TS, 10_000, 25_001))]),
        E::ImpossibleIncrease as u32,
    );
    // A whole batch fails with one bad reading: the good one is not applied either.
    let (mut ctx2, owner2, m2) = with_meter();
    let good = ctx2.active_meter(&owner2, "SN-GOOD", SOLAR, RATED_W);
    let snap = ctx2.snapshot(&[m2, good]);
    let res = ctx2.submit_readings(&[
        (good, r(GENESIS_TS, 1, 1)),
        (m2, r(GENESIS_TS, 99_999, 20_000)),
    ]);
    assert_error(&res, E::ImpossibleIncrease as u32);
    ctx2.assert_unchanged(&snap);
    ctx.assert_unchanged(&before);
}

#[test]
fn submit_readings_rejects_u64_overflow_values() {
    let (mut ctx, _owner, meter) = with_meter();
    let before = ctx.snapshot(&[meter]);
    assert_error(
        &ctx.submit_readings(&[(meter, r(GENESIS_TS, u64::MAX, 20_000))]),
        E::ImpossibleIncrease as u32,
    );
    assert_error(
        &ctx.submit_readings(&[(meter, r(GENESIS_TS, 10_000, u64::MAX))]),
        E::ImpossibleIncrease as u32,
    );
    assert_error(
        &ctx.submit_readings(&[(meter, r(i64::MAX, u64::MAX, u64::MAX))]),
        E::ReadingInFuture as u32,
    );
    ctx.assert_unchanged(&before);
    // A baseline at the very top of the register, then a wrap-around "decrease".
    let owner = ctx.new_user();
    let top = ctx.active_meter(&owner, "SN-TOP", SOLAR, reg::MAX_RATED_POWER_W);
    expect_ok(ctx.submit_readings(&[(top, r(GENESIS_TS - 10, u64::MAX - 5, u64::MAX))]));
    let before = ctx.snapshot(&[top]);
    assert_error(
        &ctx.submit_readings(&[(top, r(GENESIS_TS, 3, u64::MAX))]),
        E::RegisterDecreased as u32,
    );
    ctx.assert_unchanged(&before);
    expect_ok(ctx.submit_readings(&[(top, r(GENESIS_TS, u64::MAX, u64::MAX))]));
    assert_eq!(ctx.meter(&top).exported_wh, 5);
}

#[test]
fn submit_readings_rejects_future_timestamp() {
    let (mut ctx, _owner, meter) = with_meter();
    let before = ctx.snapshot(&[meter]);
    let res = ctx.submit_readings(&[(
        meter,
        r(GENESIS_TS + reg::MAX_CLOCK_DRIFT_SECS + 1, 10_001, 20_000),
    )]);
    assert_error(&res, E::ReadingInFuture as u32);
    ctx.assert_unchanged(&before);
    expect_ok(ctx.submit_readings(&[(
        meter,
        r(GENESIS_TS + reg::MAX_CLOCK_DRIFT_SECS, 10_001, 20_000),
    )]));
}

#[test]
fn submit_readings_rejects_malformed_batches() {
    let (mut ctx, _owner, meter) = with_meter();
    let before = ctx.snapshot(&[meter]);
    assert_error(&ctx.submit_readings(&[]), E::EmptyBatch as u32);
    let mut ix = reg::SubmitReadings {
        oracle: ctx.oracle.pubkey(),
        readings: &[(meter, r(GENESIS_TS, 11_000, 20_000))],
    }
    .instruction();
    ix.accounts
        .push(solana_instruction::AccountMeta::new(meter, false));
    let oracle = ctx.oracle.insecure_clone();
    assert_error(
        &ctx.send("submit_readings", &[ix], &[&oracle]),
        E::ReadingCountMismatch as u32,
    );
    let mut ix = reg::SubmitReadings {
        oracle: ctx.oracle.pubkey(),
        readings: &[(meter, r(GENESIS_TS, 11_000, 20_000))],
    }
    .instruction();
    ix.data.truncate(ix.data.len() - 1);
    assert_error(
        &ctx.send("submit_readings", &[ix], &[&oracle]),
        F::InstructionDidNotDeserialize as u32,
    );
    let many: Vec<(Pubkey, Reading)> = (0..reg::MAX_READINGS + 1)
        .map(|i| (meter, r(GENESIS_TS + i as i64, 1, 1)))
        .collect();
    assert_error(&ctx.submit_readings(&many), E::BatchTooLarge as u32);
    let mut ix = reg::SubmitReadings {
        oracle: ctx.oracle.pubkey(),
        readings: &[(meter, r(GENESIS_TS, 11_000, 20_000))],
    }
    .instruction();
    ix.accounts[2].is_writable = false;
    assert_error(
        &ctx.send("submit_readings", &[ix], &[&oracle]),
        F::ConstraintMut as u32,
    );
    ctx.assert_unchanged(&before);
}

/// At least 16 readings fit one legacy transaction (1,232 bytes), and the
/// compute budget is 250 CU per reading plus 1,000 per transaction.
#[test]
fn submit_readings_batch_fits_legacy_tx_within_budget() {
    let mut ctx = TestContext::new();
    let owner = ctx.new_user();
    let n = 16;
    let meters: Vec<Pubkey> = (0..n)
        .map(|i| ctx.active_meter(&owner, &format!("SN-B{i}"), SOLAR, RATED_W))
        .collect();
    let batch = |ts: i64, e: u64| meters.iter().map(|m| (*m, r(ts, e, e))).collect::<Vec<_>>();
    expect_ok(ctx.submit_readings(&batch(GENESIS_TS - 3_600, 1_000)));
    let oracle = ctx.oracle.insecure_clone();
    let ixs = [reg::SubmitReadings {
        oracle: oracle.pubkey(),
        readings: &batch(GENESIS_TS, 2_000),
    }
    .instruction()];
    let size = ctx.legacy_tx_size(&ixs, &[&oracle]);
    println!("{n} readings: legacy transaction of {size} bytes");
    assert!(size <= 1_232, "{n} readings take {size} bytes");
    // One more reading would not fit.
    let mut seventeen = batch(GENESIS_TS, 2_000);
    seventeen.push((Pubkey::new_unique(), r(GENESIS_TS, 2_000, 2_000)));
    let size17 = ctx.legacy_tx_size(
        &[reg::SubmitReadings {
            oracle: oracle.pubkey(),
            readings: &seventeen,
        }
        .instruction()],
        &[&oracle],
    );
    println!("17 readings: {size17} bytes (limit 1,232)");
    assert!(
        size17 > 1_232,
        "17 readings would fit: make this test ask for 17"
    );
    // A keeper whose oracle key also pays the fee saves a signature and a key.
    let ixs17 = [reg::SubmitReadings {
        oracle: oracle.pubkey(),
        readings: &seventeen,
    }
    .instruction()];
    let own17 = ctx.legacy_tx_size_paid_by(&ixs17, &[&oracle]);
    println!("17 readings, oracle paying the fee: {own17} bytes");
    assert!(own17 <= 1_232);
    let big = expect_ok(ctx.submit_readings(&batch(GENESIS_TS, 2_000)));
    for m in &meters {
        assert_eq!(ctx.meter(m).exported_wh, 1_000);
    }
    let one = expect_ok(ctx.submit_readings(&[(meters[0], r(GENESIS_TS + 60, 2_010, 2_000))]));
    let per_reading = (big.cu - one.cu) / (n as u64 - 1);
    println!(
        "submit_readings: 1 reading {} CU, {n} readings {} CU, {per_reading} CU per extra reading",
        one.cu, big.cu
    );
    assert!(one.cu <= 1_000 + 250, "one reading: {} CU", one.cu);
    assert!(
        big.cu <= 1_000 + 250 * n as u64,
        "{n} readings: {} CU",
        big.cu
    );
    assert!(per_reading <= 250, "{per_reading} CU per reading");
}

// ------------------------------------------------------------------ activation and baselines

/// The audit's attack: a 5 kW meter registered and activated this second,
/// a first reading backdated a year (register 0), then a reading now
/// claiming a year of full output (43,800 kWh). Both are stale: dated at or
/// before the activation, they neither set a baseline nor credit anything.
#[test]
fn submit_readings_rejects_backdated_first_reading() {
    let mut ctx = TestContext::new();
    let owner = ctx.new_user();
    let (meter, res) = ctx.register_meter(&owner, "SN-BACKDATE", SOLAR, RATED_W);
    expect_ok(res);
    expect_ok(ctx.activate_meter_expecting(&meter, &owner.pubkey()));
    assert_eq!(ctx.meter(&meter).activated_at, GENESIS_TS);
    let year = 365 * 24 * 3_600;
    let ata = ctx.energy_ata(&owner.pubkey());
    let before = ctx.snapshot(&[meter, ata, ctx.energy_mint()]);
    let ok = expect_ok(ctx.submit_readings(&[
        (meter, r(GENESIS_TS - year, 0, 0)),
        (meter, r(GENESIS_TS, 43_800_000, 0)),
    ]));
    assert_eq!(
        result(&ok),
        SubmitReadingsResult {
            applied: 0,
            skipped: 2,
            skipped_mask: vec![0b11]
        }
    );
    ctx.assert_unchanged(&before);
    // Separately, too: the backdated baseline, then the claim.
    let ok = expect_ok(ctx.submit_readings(&[(meter, r(GENESIS_TS - year, 0, 0))]));
    assert_eq!(result(&ok).skipped, 1);
    let ok = expect_ok(ctx.submit_readings(&[(meter, r(GENESIS_TS, 43_800_000, 0))]));
    assert_eq!(result(&ok).skipped, 1);
    expect_ok(ctx.mint_energy(&meter, &ata));
    ctx.assert_unchanged(&before);
    // The good path: the first reading after activation is the baseline
    // (whatever its registers), the next is bounded by the real interval.
    ctx.advance(3_600);
    expect_ok(ctx.submit_readings(&[(meter, r(GENESIS_TS + 1, 43_800_000, 7))]));
    let m = ctx.meter(&meter);
    assert_eq!((m.exported_wh, m.imported_wh), (0, 0));
    assert_eq!(m.last_reading_ts, GENESIS_TS + 1);
    let before = ctx.snapshot(&[meter]);
    assert_error(
        &ctx.submit_readings(&[(meter, r(GENESIS_TS + 3_601, 43_805_001, 7))]),
        E::ImpossibleIncrease as u32,
    );
    ctx.assert_unchanged(&before);
    expect_ok(ctx.submit_readings(&[(meter, r(GENESIS_TS + 3_601, 43_805_000, 7))]));
    expect_ok(ctx.mint_energy(&meter, &ata));
    assert_eq!(ctx.balance(&ata), 5_000);
}

/// Energy a meter counted while suspended is never credited: the first
/// reading after re-activation is a new baseline, readings dated during the
/// suspension are stale, and credit earned before the suspension stays
/// mintable.
#[test]
fn submit_readings_after_reactivation_only_sets_a_new_baseline() {
    let (mut ctx, owner, meter) = with_meter();
    expect_ok(ctx.submit_readings(&[(meter, r(GENESIS_TS, 14_000, 20_000))]));
    expect_ok(ctx.suspend_meter(&meter));
    // A month suspended; the meter kept counting (720 h at 5 kW = 3.6 MWh).
    let month = 30 * 24 * 3_600;
    ctx.advance(month);
    let ok = expect_ok(ctx.activate_meter(&meter));
    let ev: reg::MeterStatusChanged = joule_sdk::events::decode(&ok.logs).unwrap();
    assert_eq!((ev.status_before, ev.status_after), (2, 1));
    let m = ctx.meter(&meter);
    assert_eq!(m.activated_at, GENESIS_TS + month);
    assert!(m.needs_baseline());
    // Readings dated during the suspension or at the re-activation: stale.
    let before = ctx.snapshot(&[meter]);
    let ok = expect_ok(ctx.submit_readings(&[
        (meter, r(GENESIS_TS + month / 2, 1_814_000, 20_000)),
        (meter, r(GENESIS_TS + month, 3_614_000, 20_000)),
    ]));
    assert_eq!(result(&ok).skipped_mask, vec![0b11]);
    ctx.assert_unchanged(&before);
    // The first reading after it: a baseline, nothing credited.
    let ok =
        expect_ok(ctx.submit_readings(&[(meter, r(GENESIS_TS + month + 60, 3_614_000, 20_000))]));
    assert_eq!(result(&ok).applied, 1);
    let m = ctx.meter(&meter);
    assert_eq!((m.exported_wh, m.imported_wh), (4_000, 0));
    assert_eq!(m.export_register_wh, 3_614_000);
    assert!(!m.needs_baseline());
    // Then increases count again, bounded by the real interval.
    ctx.advance(3_600);
    assert_error(
        &ctx.submit_readings(&[(meter, r(GENESIS_TS + month + 3_660, 3_619_001, 20_000))]),
        E::ImpossibleIncrease as u32,
    );
    expect_ok(ctx.submit_readings(&[(meter, r(GENESIS_TS + month + 3_660, 3_619_000, 20_000))]));
    let ata = ctx.energy_ata(&owner.pubkey());
    expect_ok(ctx.mint_energy(&meter, &ata));
    assert_eq!(ctx.balance(&ata), 4_000 + 5_000);
}

/// A reading may be dated up to five minutes ahead of the clock. If the
/// meter is suspended and re-activated within those minutes, the stamp is
/// the last reading's timestamp, so that reading cannot be the baseline
/// across the suspension either.
#[test]
fn activate_meter_resets_baseline_even_after_a_future_dated_reading() {
    let (mut ctx, _owner, meter) = with_meter();
    let ahead = GENESIS_TS + reg::MAX_CLOCK_DRIFT_SECS;
    expect_ok(ctx.submit_readings(&[(meter, r(ahead, 10_100, 20_000))]));
    expect_ok(ctx.suspend_meter(&meter));
    ctx.advance(10);
    expect_ok(ctx.activate_meter(&meter));
    assert_eq!(ctx.meter(&meter).activated_at, ahead);
    let ok = expect_ok(ctx.submit_readings(&[(meter, r(ahead + 1, 10_101, 20_000))]));
    assert_eq!(result(&ok).applied, 1);
    let m = ctx.meter(&meter);
    assert_eq!((m.exported_wh, m.export_register_wh), (100, 10_101));
}

// ------------------------------------------------------------------ squatted serials

/// A squatter registered the real owner's public serial first. The admin,
/// activating for the owner it verified, is refused: the squatter is never
/// activated by mistake.
#[test]
fn activate_meter_rejects_unexpected_owner() {
    let mut ctx = TestContext::new();
    let squatter = ctx.new_user();
    let rightful = ctx.new_user();
    let (meter, res) = ctx.register_meter(&squatter, "SN-PUBLIC-0042", SOLAR, RATED_W);
    expect_ok(res);
    let before = ctx.snapshot(&[meter, reg::config_address()]);
    assert_error(
        &ctx.activate_meter_expecting(&meter, &rightful.pubkey()),
        E::UnexpectedMeterOwner as u32,
    );
    ctx.assert_unchanged(&before);
    // The owner cannot register the serial: it is taken.
    let (_, res) = ctx.register_meter(&rightful, "SN-PUBLIC-0042", SOLAR, RATED_W);
    assert_error(&res, F::AccountNotSystemOwned as u32);
    // The check holds for re-activation too.
    let owner = ctx.new_user();
    let other = ctx.active_meter(&owner, "SN-OWNED", SOLAR, RATED_W);
    expect_ok(ctx.suspend_meter(&other));
    let before = ctx.snapshot(&[other]);
    assert_error(
        &ctx.activate_meter_expecting(&other, &squatter.pubkey()),
        E::UnexpectedMeterOwner as u32,
    );
    ctx.assert_unchanged(&before);
    expect_ok(ctx.activate_meter_expecting(&other, &owner.pubkey()));
}

#[test]
fn reassign_meter_ok_gives_a_squatted_meter_to_its_owner() {
    let mut ctx = TestContext::new();
    let squatter = ctx.new_user();
    let accomplice = ctx.new_user();
    let rightful = ctx.new_user();
    let (meter, res) = ctx.register_meter(&squatter, "SN-PUBLIC-0043", SOLAR, RATED_W);
    expect_ok(res);
    // The squatter lines up an accomplice; the reassignment clears that.
    let ix = reg::ProposeMeterTransfer {
        owner: squatter.pubkey(),
        meter,
        new_owner: accomplice.pubkey(),
    }
    .instruction();
    expect_ok(ctx.send("propose_meter_transfer", &[ix], &[&squatter]));
    ctx.advance(60);
    let ok = expect_ok(ctx.reassign_meter(&meter, &rightful.pubkey()));
    let ev: reg::MeterReassigned = joule_sdk::events::decode(&ok.logs).unwrap();
    assert_eq!(
        (ev.meter, ev.owner_before, ev.owner_after, ev.status),
        (meter, squatter.pubkey(), rightful.pubkey(), 0)
    );
    let m = ctx.meter(&meter);
    assert_eq!(
        (m.owner, m.pending_owner, m.status(), m.activated_at),
        (
            rightful.pubkey(),
            Pubkey::default(),
            Some(MeterStatus::Pending),
            GENESIS_TS + 60
        )
    );
    let before = ctx.snapshot(&[meter]);
    let ix = reg::AcceptMeterTransfer {
        new_owner: accomplice.pubkey(),
        meter,
    }
    .instruction();
    assert_error(
        &ctx.send("accept_meter_transfer", &[ix], &[&accomplice]),
        E::NotPendingOwner as u32,
    );
    ctx.assert_unchanged(&before);
    // Activated for the rightful owner, its energy is theirs.
    expect_ok(ctx.activate_meter_expecting(&meter, &rightful.pubkey()));
    expect_ok(ctx.submit_readings(&[(meter, r(GENESIS_TS + 61, 500, 0))]));
    ctx.advance(3_600);
    expect_ok(ctx.submit_readings(&[(meter, r(GENESIS_TS + 3_661, 2_500, 0))]));
    let ata = ctx.energy_ata(&rightful.pubkey());
    expect_ok(ctx.mint_energy(&meter, &ata));
    assert_eq!(ctx.balance(&ata), 2_000);
}

/// An active meter, or one with credited energy not yet minted, cannot be
/// reassigned: the admin can never redirect energy someone earned. The
/// remedy (mint to the current owner, then reassign) fits one transaction.
#[test]
fn reassign_meter_rejects_active_meter_and_unminted_energy() {
    let (mut ctx, owner, meter) = with_meter();
    expect_ok(ctx.submit_readings(&[(meter, r(GENESIS_TS, 14_000, 20_000))]));
    let heir = ctx.new_user();
    let ata = ctx.energy_ata(&owner.pubkey());
    let before = ctx.snapshot(&[meter, ata, ctx.energy_mint()]);
    assert_error(
        &ctx.reassign_meter(&meter, &heir.pubkey()),
        E::MeterIsActive as u32,
    );
    ctx.assert_unchanged(&before);
    expect_ok(ctx.suspend_meter(&meter));
    let before_suspended = ctx.snapshot(&[meter, ata, ctx.energy_mint()]);
    assert_error(
        &ctx.reassign_meter(&meter, &heir.pubkey()),
        E::UnmintedEnergy as u32,
    );
    assert_error(
        &ctx.reassign_meter(&meter, &Pubkey::default()),
        E::InvalidNewAuthority as u32,
    );
    let stranger = ctx.new_user();
    let ix = reg::ReassignMeter {
        admin: stranger.pubkey(),
        meter,
        new_owner: stranger.pubkey(),
    }
    .instruction();
    assert_error(
        &ctx.send("reassign_meter", &[ix], &[&stranger]),
        E::NotAdmin as u32,
    );
    ctx.assert_unchanged(&before_suspended);
    // Activate, mint to the owner, suspend and reassign, atomically.
    let admin = ctx.admin.insecure_clone();
    let a = admin.pubkey();
    expect_ok(
        ctx.send(
            "reassign with mint",
            &[
                reg::ActivateMeter {
                    admin: a,
                    meter,
                    expected_owner: owner.pubkey(),
                }
                .instruction(),
                reg::MintEnergy {
                    meter,
                    owner_token: ata,
                }
                .instruction(),
                reg::SuspendMeter { admin: a, meter }.instruction(),
                reg::ReassignMeter {
                    admin: a,
                    meter,
                    new_owner: heir.pubkey(),
                }
                .instruction(),
            ],
            &[&admin],
        ),
    );
    assert_eq!(ctx.balance(&ata), 4_000);
    let m = ctx.meter(&meter);
    assert_eq!(
        (m.owner, m.status(), m.minted_wh),
        (heir.pubkey(), Some(MeterStatus::Suspended), 4_000)
    );
    // Re-activated for the heir: a new baseline first.
    ctx.advance(60);
    expect_ok(ctx.activate_meter_expecting(&meter, &heir.pubkey()));
    expect_ok(ctx.submit_readings(&[(meter, r(GENESIS_TS + 61, 99_000, 20_000))]));
    assert_eq!(ctx.meter(&meter).exported_wh, 4_000);
}

/// Closing a squatter's pending meter and the rightful owner's registration
/// share one transaction, so the serial cannot be squatted again in
/// between; the squatter gets the rent it paid back.
#[test]
fn close_meter_ok_and_owner_registers_in_the_same_transaction() {
    let mut ctx = TestContext::new();
    let squatter = ctx.new_user();
    let rightful = ctx.new_user();
    let serial = "SN-PUBLIC-0044";
    let (meter, res) =
        ctx.register_meter(&squatter, serial, MeterKind::Hydro, reg::MAX_RATED_POWER_W);
    expect_ok(res);
    let rent = ctx.lamports(&meter);
    let squatter_before = ctx.lamports(&squatter.pubkey());
    let admin = ctx.admin.insecure_clone();
    let id = reg::meter_id_from_serial(serial);
    let utility = reg::utility_id("TPDDL").unwrap();
    let ok = expect_ok(
        ctx.send(
            "close and register",
            &[
                reg::CloseMeter {
                    admin: admin.pubkey(),
                    meter,
                    owner: squatter.pubkey(),
                }
                .instruction(),
                reg::RegisterMeter {
                    owner: rightful.pubkey(),
                    meter_id: id,
                    utility_id: utility,
                    kind: SOLAR,
                    rated_power_w: RATED_W,
                }
                .instruction(),
            ],
            &[&admin, &rightful],
        ),
    );
    let ev: reg::MeterClosed = joule_sdk::events::decode(&ok.logs).unwrap();
    assert_eq!(
        (ev.meter, ev.owner, ev.lamports),
        (meter, squatter.pubkey(), rent)
    );
    assert_eq!(ctx.lamports(&squatter.pubkey()), squatter_before + rent);
    let m = ctx.meter(&meter);
    assert_eq!(
        (m.owner, m.kind(), m.rated_power_w),
        (rightful.pubkey(), Some(SOLAR), RATED_W)
    );
    // Closed alone, the account is gone.
    let (pending, res) = ctx.register_meter(&squatter, "SN-PUBLIC-0045", SOLAR, RATED_W);
    expect_ok(res);
    expect_ok(ctx.close_meter(&pending, &squatter.pubkey()));
    assert!(!ctx.exists(&pending));
}

#[test]
fn close_meter_rejects_activated_meter_and_wrong_destination() {
    let (mut ctx, owner, meter) = with_meter();
    let before = ctx.snapshot(&[meter, owner.pubkey()]);
    assert_error(
        &ctx.close_meter(&meter, &owner.pubkey()),
        E::MeterNotPending as u32,
    );
    ctx.assert_unchanged(&before);
    expect_ok(ctx.suspend_meter(&meter));
    let before_suspended = ctx.snapshot(&[meter, owner.pubkey()]);
    assert_error(
        &ctx.close_meter(&meter, &owner.pubkey()),
        E::MeterNotPending as u32,
    );
    ctx.assert_unchanged(&before_suspended);
    // A pending meter's rent goes to its owner only.
    let (pending, res) = ctx.register_meter(&owner, "SN-CLOSE", SOLAR, RATED_W);
    expect_ok(res);
    let thief = ctx.new_user();
    let before = ctx.snapshot(&[pending, owner.pubkey(), thief.pubkey()]);
    assert_error(
        &ctx.close_meter(&pending, &thief.pubkey()),
        F::ConstraintAddress as u32,
    );
    let ix = reg::CloseMeter {
        admin: thief.pubkey(),
        meter: pending,
        owner: thief.pubkey(),
    }
    .instruction();
    assert_error(
        &ctx.send("close_meter", &[ix], &[&thief]),
        E::NotAdmin as u32,
    );
    ctx.assert_unchanged(&before);
}

// ------------------------------------------------------------------ minting

#[test]
fn mint_energy_ok_and_second_call_mints_nothing() {
    let (mut ctx, owner, meter) = with_meter();
    expect_ok(ctx.submit_readings(&[(meter, r(GENESIS_TS, 14_321, 20_000))]));
    let ata = ctx.energy_ata(&owner.pubkey());
    let ok = expect_ok(ctx.mint_energy(&meter, &ata));
    assert_eq!(ctx.balance(&ata), 4_321);
    assert_eq!(ctx.supply(&ctx.energy_mint()), 4_321);
    assert_eq!(ctx.meter(&meter).minted_wh, 4_321);
    let ev: reg::EnergyMinted = joule_sdk::events::decode(&ok.logs).unwrap();
    assert_eq!(
        (ev.amount_wh, ev.minted_wh_before, ev.minted_wh_after),
        (4_321, 0, 4_321)
    );
    cu_budget("mint_energy", 2_000);
    // Again: nothing more, no event, nothing changes.
    let before = ctx.snapshot(&[meter, ata, ctx.energy_mint()]);
    let ok = expect_ok(ctx.mint_energy(&meter, &ata));
    assert!(joule_sdk::events::decode::<reg::EnergyMinted>(&ok.logs).is_none());
    ctx.assert_unchanged(&before);
    // New energy mints only the difference; any keeper may crank it.
    expect_ok(ctx.submit_readings(&[(meter, r(GENESIS_TS + 60, 14_400, 20_000))]));
    expect_ok(ctx.mint_energy(&meter, &ata));
    assert_eq!(ctx.balance(&ata), 4_400);
    // A meter transferred before minting: the new owner receives the rest.
    let buyer = ctx.new_user();
    let ix = reg::ProposeMeterTransfer {
        owner: owner.pubkey(),
        meter,
        new_owner: buyer.pubkey(),
    }
    .instruction();
    expect_ok(ctx.send("propose_meter_transfer", &[ix], &[&owner]));
    expect_ok(
        ctx.send(
            "accept_meter_transfer",
            &[reg::AcceptMeterTransfer {
                new_owner: buyer.pubkey(),
                meter,
            }
            .instruction()],
            &[&buyer],
        ),
    );
    expect_ok(ctx.submit_readings(&[(meter, r(GENESIS_TS + 120, 14_450, 20_000))]));
    let buyer_ata = ctx.energy_ata(&buyer.pubkey());
    assert_error(
        &ctx.mint_energy(&meter, &ata),
        F::ConstraintTokenOwner as u32,
    );
    expect_ok(ctx.mint_energy(&meter, &buyer_ata));
    assert_eq!((ctx.balance(&ata), ctx.balance(&buyer_ata)), (4_400, 50));
}

#[test]
fn mint_energy_rejects_minting_to_own_account_for_others_meter() {
    let (mut ctx, _owner, meter) = with_meter();
    expect_ok(ctx.submit_readings(&[(meter, r(GENESIS_TS, 14_000, 20_000))]));
    let thief = ctx.new_user();
    let thief_ata = ctx.energy_ata(&thief.pubkey());
    let before = ctx.snapshot(&[meter, thief_ata, ctx.energy_mint()]);
    assert_error(
        &ctx.mint_energy(&meter, &thief_ata),
        F::ConstraintTokenOwner as u32,
    );
    ctx.assert_unchanged(&before);
}

#[test]
fn mint_energy_rejects_substituted_mint_and_token_account() {
    let (mut ctx, owner, meter) = with_meter();
    expect_ok(ctx.submit_readings(&[(meter, r(GENESIS_TS, 14_000, 20_000))]));
    let ata = ctx.energy_ata(&owner.pubkey());
    // A look-alike mint the attacker controls, with 3 decimals too.
    let attacker = ctx.new_user();
    let fake_mint = ctx.create_mint(&attacker.pubkey(), 3);
    let fake_token = ctx.token_account(&owner.pubkey(), &fake_mint);
    let before = ctx.snapshot(&[meter, ata, fake_token, fake_mint, ctx.energy_mint()]);
    let mut ix = reg::MintEnergy {
        meter,
        owner_token: fake_token,
    }
    .instruction();
    ix.accounts[2].pubkey = fake_mint;
    assert_error(
        &ctx.send("mint_energy", &[ix], &[]),
        F::ConstraintAddress as u32,
    );
    // The owner's token account of another mint.
    assert_error(
        &ctx.mint_energy(&meter, &fake_token),
        F::ConstraintTokenMint as u32,
    );
    // A token program impostor.
    let mut ix = reg::MintEnergy {
        meter,
        owner_token: ata,
    }
    .instruction();
    ix.accounts[4].pubkey = joule_sdk::SYSTEM_PROGRAM_ID;
    assert_error(
        &ctx.send("mint_energy", &[ix], &[]),
        F::InvalidProgramId as u32,
    );
    // A config impostor: any account not owned by the registry.
    let mut ix = reg::MintEnergy {
        meter,
        owner_token: ata,
    }
    .instruction();
    ix.accounts[0].pubkey = ctx.energy_mint();
    assert_error(
        &ctx.send("mint_energy", &[ix], &[]),
        F::AccountOwnedByWrongProgram as u32,
    );
    ctx.assert_unchanged(&before);
}

#[test]
fn mint_energy_rejects_suspended_meter() {
    let (mut ctx, owner, meter) = with_meter();
    expect_ok(ctx.submit_readings(&[(meter, r(GENESIS_TS, 14_000, 20_000))]));
    let ata = ctx.energy_ata(&owner.pubkey());
    expect_ok(ctx.suspend_meter(&meter));
    let before = ctx.snapshot(&[meter, ata, ctx.energy_mint()]);
    assert_error(&ctx.mint_energy(&meter, &ata), E::MeterNotActive as u32);
    ctx.assert_unchanged(&before);
}

// ------------------------------------------------------------------ redemption

#[test]
fn redeem_consumption_ok() {
    let mut ctx = TestContext::new();
    let owner = ctx.new_user();
    let meter = ctx.meter_with_energy(&owner, "SN-PRO", SOLAR, 3_000, 1_200);
    let ata = ctx.energy_ata(&owner.pubkey());
    expect_ok(ctx.mint_energy(&meter, &ata));
    let ok = expect_ok(ctx.redeem(&owner, &meter, &ata, 1_000));
    assert_eq!(ctx.balance(&ata), 2_000);
    assert_eq!(ctx.supply(&ctx.energy_mint()), 2_000);
    assert_eq!(ctx.meter(&meter).redeemed_wh, 1_000);
    let ev: reg::ConsumptionRedeemed = joule_sdk::events::decode(&ok.logs).unwrap();
    assert_eq!(
        (
            ev.amount_wh,
            ev.redeemed_wh_before,
            ev.redeemed_wh_after,
            ev.imported_wh
        ),
        (1_000, 0, 1_000, 1_200)
    );
    expect_ok(ctx.redeem(&owner, &meter, &ata, 200));
    assert_eq!(ctx.meter(&meter).redeemed_wh, 1_200);
}

#[test]
fn redeem_consumption_rejects_above_imported() {
    let mut ctx = TestContext::new();
    let owner = ctx.new_user();
    let meter = ctx.meter_with_energy(&owner, "SN-PRO", SOLAR, 3_000, 1_200);
    let ata = ctx.energy_ata(&owner.pubkey());
    expect_ok(ctx.mint_energy(&meter, &ata));
    let before = ctx.snapshot(&[meter, ata, ctx.energy_mint()]);
    assert_error(
        &ctx.redeem(&owner, &meter, &ata, 1_201),
        E::RedeemExceedsImported as u32,
    );
    assert_error(&ctx.redeem(&owner, &meter, &ata, 0), E::ZeroAmount as u32);
    ctx.assert_unchanged(&before);
    expect_ok(ctx.redeem(&owner, &meter, &ata, 1_200));
    let before = ctx.snapshot(&[meter, ata, ctx.energy_mint()]);
    assert_error(
        &ctx.redeem(&owner, &meter, &ata, 1),
        E::RedeemExceedsImported as u32,
    );
    ctx.assert_unchanged(&before);
}

#[test]
fn redeem_consumption_rejects_someone_elses_meter() {
    let mut ctx = TestContext::new();
    let owner = ctx.new_user();
    let meter = ctx.meter_with_energy(&owner, "SN-PRO", SOLAR, 3_000, 1_200);
    // A consumer with tokens of their own tries to redeem against the prosumer's imports.
    let other = ctx.new_user();
    let other_meter = ctx.meter_with_energy(&other, "SN-OTHER", SOLAR, 2_000, 0);
    let other_ata = ctx.energy_ata(&other.pubkey());
    expect_ok(ctx.mint_energy(&other_meter, &other_ata));
    let before = ctx.snapshot(&[meter, other_ata, ctx.energy_mint()]);
    assert_error(
        &ctx.redeem(&other, &meter, &other_ata, 500),
        E::NotMeterOwner as u32,
    );
    ctx.assert_unchanged(&before);
}

#[test]
fn redeem_consumption_rejects_insufficient_and_foreign_tokens() {
    let mut ctx = TestContext::new();
    let owner = ctx.new_user();
    let meter = ctx.meter_with_energy(&owner, "SN-CONS", MeterKind::ConsumptionOnly, 0, 5_000);
    let ata = ctx.energy_ata(&owner.pubkey());
    let before = ctx.snapshot(&[meter, ata]);
    assert_error(
        &ctx.redeem(&owner, &meter, &ata, 100),
        E::InsufficientTokens as u32,
    );
    // Someone else's token account cannot be burned from.
    let rich = ctx.new_user();
    let rich_meter = ctx.meter_with_energy(&rich, "SN-RICH", SOLAR, 4_000, 0);
    let rich_ata = ctx.energy_ata(&rich.pubkey());
    expect_ok(ctx.mint_energy(&rich_meter, &rich_ata));
    let before_rich = ctx.snapshot(&[rich_ata]);
    assert_error(
        &ctx.redeem(&owner, &meter, &rich_ata, 100),
        F::ConstraintTokenOwner as u32,
    );
    ctx.assert_unchanged(&before);
    ctx.assert_unchanged(&before_rich);
}

// ------------------------------------------------------------------ properties

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// For random reading sequences over several meters (valid increases,
    /// stale and duplicate readings, mints at random points), `minted_wh <=
    /// exported_wh` for every meter and the token supply equals the sum of
    /// minted Wh.
    #[test]
    fn minted_never_exceeds_exported(
        steps in proptest::collection::vec((0usize..3, 0i64..2_000, 0u64..6_000, 0u64..3_000, any::<bool>(), any::<bool>()), 1..40)
    ) {
        let mut ctx = TestContext::new();
        let owners: Vec<Keypair> = (0..3).map(|_| ctx.new_user()).collect();
        let meters: Vec<Pubkey> = owners.iter().enumerate()
            .map(|(i, o)| ctx.active_meter(o, &format!("SN-P{i}"), SOLAR, RATED_W)).collect();
        let atas: Vec<Pubkey> = owners.iter().map(|o| ctx.energy_ata(&o.pubkey())).collect();
        let mut last = [(0i64, 0u64, 0u64); 3];
        let mut t = GENESIS_TS - 200_000;
        for (i, dt, de, di, stale, mint) in steps {
            t += dt;
            let (lt, le, li) = last[i];
            let reading = if stale && lt > 0 {
                r(lt - dt.min(lt - 1), le, li)
            } else {
                let cap = if lt == 0 { u64::MAX } else { RATED_W * (t - lt).max(0) as u64 / 3_600 };
                r(t, le + de.min(cap), li + di.min(cap))
            };
            let res = ctx.submit_readings(&[(meters[i], reading)]);
            if reading.timestamp > lt {
                prop_assert!(res.is_ok(), "{:?}", res.err());
                last[i] = (reading.timestamp, reading.export_register_wh, reading.import_register_wh);
            } else {
                let ok = expect_ok(res);
                prop_assert_eq!(result(&ok).skipped, 1);
            }
            if mint {
                expect_ok(ctx.mint_energy(&meters[i], &atas[i]));
            }
            let mut minted = 0;
            for (m, a) in meters.iter().zip(&atas) {
                let mm = ctx.meter(m);
                prop_assert!(mm.minted_wh <= mm.exported_wh);
                prop_assert_eq!(ctx.balance(a), mm.minted_wh);
                minted += mm.minted_wh;
            }
            prop_assert_eq!(ctx.supply(&ctx.energy_mint()), minted);
        }
    }
}
