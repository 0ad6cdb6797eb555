//! Certificates program, run as real SBF in litesvm.

use joule_sdk::certificates::AccountState;
use joule_sdk::{
    certificates::{self as certs, CertificateStatus, CertificatesError as E},
    registry::{self as reg, MeterKind, Reading, RegistryError},
    FrameworkError as F, Instruction, Pubkey,
};
use joule_tests::{
    assert_error, assert_ix_error,
    certificates::{certificates_scenario, ISSUE_BUDGET_CU, OWNER_BUDGET_CU},
    cu::{cu_budget, stat},
    expect_ok, TestContext, GENESIS_TS,
};
use proptest::prelude::*;
use solana_instruction_error::InstructionError;
use solana_keypair::Keypair;
use solana_signer::Signer;

const SOLAR: MeterKind = MeterKind::Solar;
/// What the default meter exported in its one hour.
const EXPORTED_WH: u64 = 10_000;
/// The period of that hour.
const START: i64 = GENESIS_TS - 3_600;
const END: i64 = GENESIS_TS;

/// Initialised certificates (returned authority) and a producer's active
/// solar meter that exported [`EXPORTED_WH`] over `[START, END]`.
fn setup() -> (TestContext, Keypair, Keypair, Pubkey) {
    let mut ctx = TestContext::new();
    let authority = ctx.init_certificates();
    let producer = ctx.new_user();
    let meter = ctx.meter_with_energy(&producer, "SOLAR-0001", SOLAR, EXPORTED_WH, 0);
    (ctx, authority, producer, meter)
}

/// [`setup`] plus one issued certificate of `amount_wh`, owned by the producer.
fn with_certificate(amount_wh: u64) -> (TestContext, Keypair, Keypair, Pubkey, Pubkey) {
    let (mut ctx, authority, producer, meter) = setup();
    let cert = ctx.issue_ok(&authority, &meter, amount_wh);
    (ctx, authority, producer, meter, cert)
}

fn code(e: E) -> u32 {
    e as u32
}

// ------------------------------------------------------------------ initialize

#[test]
fn initialize_ok() {
    let mut ctx = TestContext::new();
    let authority = ctx.new_user();
    let ok = expect_ok(ctx.init_certificates_with(&authority.pubkey()));
    let cfg = ctx.cert_config();
    assert_eq!(cfg.authority, authority.pubkey());
    assert_eq!(cfg.pending_authority, Pubkey::default());
    assert_eq!(cfg.pause_flags, 0);
    assert_eq!(cfg.next_certificate_id, certs::FIRST_CERTIFICATE_ID);
    assert_eq!(cfg.bump, certs::CONFIG_BUMP);
    assert_eq!(cfg.version, certs::STATE_VERSION);
    assert_eq!(
        Pubkey::find_program_address(&[certs::SEED_CONFIG], &certs::ID),
        (certs::CONFIG_ADDRESS, certs::CONFIG_BUMP)
    );
    assert_eq!(certs::config_address(), certs::CONFIG_ADDRESS);
    assert_eq!(certs::certifier_address(), reg::CERTIFIER_AUTHORITY);
    let ev: certs::Initialized = joule_sdk::events::decode(&ok.logs).expect("event");
    assert_eq!(
        (ev.admin, ev.authority),
        (ctx.admin.pubkey(), authority.pubkey())
    );
}

#[test]
fn initialize_rejects_anyone_but_the_registry_admin() {
    let mut ctx = TestContext::new();
    let intruder = ctx.new_user();
    let res = ctx.send(
        "certificates::initialize",
        &[certs::Initialize {
            admin: intruder.pubkey(),
            authority: intruder.pubkey(),
        }
        .instruction()],
        &[&intruder],
    );
    assert_error(&res, code(E::NotRegistryAdmin));
    assert!(!ctx.exists(&certs::config_address()));
    // The registry admin's key must sign, too.
    let mut ix = certs::Initialize {
        admin: ctx.admin.pubkey(),
        authority: intruder.pubkey(),
    }
    .instruction();
    ix.accounts[0].is_signer = false;
    assert_error(
        &ctx.send("certificates::initialize", &[ix], &[]),
        F::ConstraintSigner as u32,
    );
    assert!(!ctx.exists(&certs::config_address()));
}

#[test]
fn initialize_rejects_a_fake_registry_config() {
    let mut ctx = TestContext::new();
    let intruder = ctx.new_user();
    // A registry config of the intruder's making cannot sit at the registry
    // Config PDA.
    let mut ix = certs::Initialize {
        admin: intruder.pubkey(),
        authority: intruder.pubkey(),
    }
    .instruction();
    ix.accounts[2].pubkey = Pubkey::new_unique();
    assert_error(
        &ctx.send("certificates::initialize", &[ix], &[&intruder]),
        F::ConstraintAddress as u32,
    );
    assert!(!ctx.exists(&certs::config_address()));
}

#[test]
fn initialize_rejects_second_call_and_default_authority() {
    let mut ctx = TestContext::new();
    let admin = ctx.admin.insecure_clone();
    let ix = certs::Initialize {
        admin: admin.pubkey(),
        authority: Pubkey::default(),
    }
    .instruction();
    assert_error(
        &ctx.send("certificates::initialize", &[ix], &[&admin]),
        code(E::InvalidAuthority),
    );
    assert!(!ctx.exists(&certs::config_address()));
    let authority = ctx.init_certificates();
    let before = ctx.snapshot(&[certs::config_address()]);
    let res = ctx.init_certificates_with(&admin.pubkey());
    assert_error(&res, F::AccountNotSystemOwned as u32);
    ctx.assert_unchanged(&before);
    assert_eq!(ctx.cert_config().authority, authority.pubkey());
}

// ------------------------------------------------------------------ authority

#[test]
fn authority_handover_ok() {
    let (mut ctx, authority, _, meter) = setup();
    let next = ctx.new_user();
    let ok = expect_ok(ctx.propose_certificate_authority(&authority, &next.pubkey()));
    let ev: certs::AuthorityProposed = joule_sdk::events::decode(&ok.logs).expect("event");
    assert_eq!(
        (ev.authority, ev.pending_authority),
        (authority.pubkey(), next.pubkey())
    );
    assert_eq!(
        ctx.cert_config().authority,
        authority.pubkey(),
        "unchanged until accepted"
    );
    // Not yet the authority.
    assert_error(
        &ctx.set_certificates_pause(&next, certs::PAUSE_ALL),
        code(E::NotAuthority),
    );
    let ok = expect_ok(ctx.accept_certificate_authority(&next));
    let ev: certs::AuthorityAccepted = joule_sdk::events::decode(&ok.logs).expect("event");
    assert_eq!(
        (ev.old_authority, ev.new_authority),
        (authority.pubkey(), next.pubkey())
    );
    let cfg = ctx.cert_config();
    assert_eq!(
        (cfg.authority, cfg.pending_authority),
        (next.pubkey(), Pubkey::default())
    );
    // The old authority lost its powers, the new one has them.
    let (_, res) = ctx.issue_certificate(&authority, &meter, 1_000, START, END);
    assert_error(&res, code(E::NotAuthority));
    ctx.issue_ok(&next, &meter, 1_000);
}

#[test]
fn accept_authority_rejects_other_signer_and_withdrawn_proposal() {
    let (mut ctx, authority, _, _) = setup();
    let next = ctx.new_user();
    let intruder = ctx.new_user();
    expect_ok(ctx.propose_certificate_authority(&authority, &next.pubkey()));
    let before = ctx.snapshot(&[certs::config_address()]);
    assert_error(
        &ctx.accept_certificate_authority(&intruder),
        code(E::NotPendingAuthority),
    );
    ctx.assert_unchanged(&before);
    expect_ok(ctx.propose_certificate_authority(&authority, &Pubkey::default()));
    let before = ctx.snapshot(&[certs::config_address()]);
    assert_error(
        &ctx.accept_certificate_authority(&next),
        code(E::NotPendingAuthority),
    );
    ctx.assert_unchanged(&before);
    assert_eq!(ctx.cert_config().authority, authority.pubkey());
}

#[test]
fn authority_actions_reject_non_authority() {
    let (mut ctx, authority, producer, meter, cert) = with_certificate(1_000);
    let intruder = ctx.new_user();
    let me = intruder.pubkey();
    let id = ctx.next_certificate_id();
    let payer = ctx.payer.pubkey();
    let cases: Vec<(&str, Instruction)> = vec![
        (
            "certificates::propose_authority",
            certs::ProposeAuthority {
                authority: me,
                new_authority: me,
            }
            .instruction(),
        ),
        (
            "certificates::set_pause",
            certs::SetPause {
                authority: me,
                flags: certs::PAUSE_ALL,
            }
            .instruction(),
        ),
        (
            "issue_certificate",
            certs::IssueCertificate {
                authority: me,
                payer,
                id,
                meter,
                amount_wh: 1_000,
                period_start: START,
                period_end: END,
            }
            .instruction(),
        ),
        (
            "revoke_certificate",
            certs::RevokeCertificate {
                authority: me,
                certificate: cert,
                reason: "not mine to revoke",
            }
            .instruction(),
        ),
    ];
    let before = ctx.snapshot(&[
        certs::config_address(),
        meter,
        cert,
        certs::certificate_key(id),
    ]);
    for (name, ix) in cases {
        assert_error(&ctx.send(name, &[ix], &[&intruder]), code(E::NotAuthority));
    }
    // The owner of a certificate is no authority either.
    assert_error(
        &ctx.revoke_certificate(&producer, &cert, "mine"),
        code(E::NotAuthority),
    );
    // The authority's key must sign.
    let mut ix = certs::SetPause {
        authority: authority.pubkey(),
        flags: certs::PAUSE_ALL,
    }
    .instruction();
    ix.accounts[0].is_signer = false;
    assert_error(
        &ctx.send("certificates::set_pause", &[ix], &[]),
        F::ConstraintSigner as u32,
    );
    ctx.assert_unchanged(&before);
}

#[test]
fn set_pause_ok_and_rejects_unknown_flags() {
    let (mut ctx, authority, _, _) = setup();
    let ok =
        expect_ok(ctx.set_certificates_pause(&authority, certs::PAUSE_ISSUE | certs::PAUSE_RETIRE));
    let ev: certs::PauseSet = joule_sdk::events::decode(&ok.logs).expect("event");
    assert_eq!((ev.flags_before, ev.flags_after), (0, 5));
    assert_eq!(ctx.cert_config().pause_flags, 5);
    let before = ctx.snapshot(&[certs::config_address()]);
    assert_error(
        &ctx.set_certificates_pause(&authority, 8),
        code(E::InvalidPauseFlags),
    );
    ctx.assert_unchanged(&before);
    expect_ok(ctx.set_certificates_pause(&authority, 0));
    assert_eq!(ctx.cert_config().pause_flags, 0);
}

// ------------------------------------------------------------------ issue

#[test]
fn issue_certificate_ok() {
    let (mut ctx, authority, producer, meter) = setup();
    let id = ctx.next_certificate_id();
    let payer_before = ctx.lamports(&ctx.payer.pubkey());
    let (cert, res) = ctx.issue_certificate(&authority, &meter, 7_500, START, END);
    let ok = expect_ok(res);
    let c = ctx.certificate(&cert);
    assert_eq!(c.id, id);
    assert_eq!(
        (c.parent, c.split_count, c.split_index),
        (Pubkey::default(), 0, 0)
    );
    assert!(!c.is_split_part());
    assert_eq!(certs::address_of(&c), Some(cert));
    assert_eq!(
        c.owner,
        producer.pubkey(),
        "the meter owner owns the certificate"
    );
    assert_eq!(c.meter, meter);
    assert_eq!(c.amount_wh, 7_500);
    assert_eq!((c.period_start, c.period_end), (START, END));
    assert_eq!(c.issued_at, GENESIS_TS);
    assert_eq!(c.closed_at, 0);
    assert_eq!(c.source_kind, SOLAR as u8);
    assert_eq!(c.status(), Some(CertificateStatus::Active));
    assert_eq!(reg::utility_id_str(&c.utility_id), "TPDDL");
    assert_eq!(
        (c.bump, c.version),
        (certs::CERTIFICATE_BUMP, certs::STATE_VERSION)
    );
    assert_eq!(c.beneficiary, Pubkey::default());
    assert!(c.beneficiary_name().is_empty() && c.reason().is_empty());
    assert_eq!(
        Pubkey::find_program_address(&[certs::SEED_CERTIFICATE, &id.to_le_bytes()], &certs::ID),
        (cert, 255)
    );
    let m = ctx.meter(&meter);
    assert_eq!(m.certified_wh, 7_500);
    assert_eq!(ctx.cert_config().next_certificate_id, id + 1);
    let rent = ctx
        .svm
        .minimum_balance_for_rent_exemption(certs::Certificate::SPACE);
    assert_eq!(ctx.lamports(&cert), rent);
    assert!(
        ctx.lamports(&ctx.payer.pubkey()) <= payer_before - rent,
        "the payer paid the rent"
    );
    let ev: certs::CertificateIssued = joule_sdk::events::decode(&ok.logs).expect("event");
    assert_eq!({ ev.certificate }, cert);
    assert_eq!({ ev.id }, id);
    assert_eq!({ ev.owner }, producer.pubkey());
    assert_eq!({ ev.amount_wh }, 7_500);
    assert_eq!(
        ({ ev.certified_wh_before }, { ev.certified_wh_after }, {
            ev.exported_wh
        }),
        (0, 7_500, EXPORTED_WH)
    );
    let reg_ev: reg::EnergyCertified = joule_sdk::events::decode(&ok.logs).expect("registry event");
    assert_eq!(
        ({ reg_ev.meter }, { reg_ev.certified_wh_after }),
        (meter, 7_500)
    );
}

#[test]
fn issue_rejects_over_certification() {
    let (mut ctx, authority, _, meter) = setup();
    let id = ctx.next_certificate_id();
    let before = ctx.snapshot(&[certs::config_address(), meter, certs::certificate_key(id)]);
    let (_, res) = ctx.issue_certificate(&authority, &meter, EXPORTED_WH + 1, START, END);
    assert_error(&res, code(E::CertificationExceedsExport));
    ctx.assert_unchanged(&before);
}

#[test]
fn issue_rejects_two_issues_that_together_exceed_the_export() {
    let (mut ctx, authority, _, meter) = setup();
    ctx.issue_ok(&authority, &meter, 6_000);
    let id = ctx.next_certificate_id();
    let before = ctx.snapshot(&[certs::config_address(), meter, certs::certificate_key(id)]);
    let (_, res) = ctx.issue_certificate(&authority, &meter, 4_001, START, END);
    assert_error(&res, code(E::CertificationExceedsExport));
    ctx.assert_unchanged(&before);
    ctx.issue_ok(&authority, &meter, 4_000);
    assert_eq!(ctx.meter(&meter).certified_wh, EXPORTED_WH);
    let (_, res) = ctx.issue_certificate(&authority, &meter, 1, START, END);
    assert_error(&res, code(E::CertificationExceedsExport));
    // New exports can be certified again.
    ctx.advance(3_600);
    let now = ctx.now();
    let reading = Reading {
        timestamp: now,
        export_register_wh: 1_000 + EXPORTED_WH + 500,
        import_register_wh: 2_000,
    };
    expect_ok(ctx.submit_readings(&[(meter, reading)]));
    let (_, res) = ctx.issue_certificate(&authority, &meter, 501, END, now);
    assert_error(&res, code(E::CertificationExceedsExport));
    let (_, res) = ctx.issue_certificate(&authority, &meter, 500, END, now);
    expect_ok(res);
    assert_eq!(ctx.meter(&meter).certified_wh, EXPORTED_WH + 500);
}

#[test]
fn issue_rejects_consumption_only_meter() {
    let (mut ctx, authority, producer, _) = setup();
    let meter = ctx.meter_with_energy(
        &producer,
        "CONS-0001",
        MeterKind::ConsumptionOnly,
        5_000,
        5_000,
    );
    let id = ctx.next_certificate_id();
    let before = ctx.snapshot(&[certs::config_address(), meter, certs::certificate_key(id)]);
    let (_, res) = ctx.issue_certificate(&authority, &meter, 1_000, START, END);
    assert_error(&res, code(E::NotRenewable));
    ctx.assert_unchanged(&before);
}

#[test]
fn issue_rejects_suspended_and_pending_meter() {
    let (mut ctx, authority, producer, meter) = setup();
    expect_ok(ctx.suspend_meter(&meter));
    let id = ctx.next_certificate_id();
    let before = ctx.snapshot(&[certs::config_address(), meter, certs::certificate_key(id)]);
    let (_, res) = ctx.issue_certificate(&authority, &meter, 1_000, START, END);
    assert_error(&res, code(E::MeterNotActive));
    ctx.assert_unchanged(&before);
    let (pending, res) = ctx.register_meter(&producer, "SOLAR-PENDING", SOLAR, 5_000);
    expect_ok(res);
    let (_, res) = ctx.issue_certificate(&authority, &pending, 1, START, END);
    assert_error(&res, code(E::MeterNotActive));
    // Re-activated, the meter can be certified again.
    expect_ok(ctx.activate_meter(&meter));
    ctx.issue_ok(&authority, &meter, 1_000);
}

#[test]
fn issue_rejects_bad_periods() {
    let (mut ctx, authority, _, meter) = setup();
    let id = ctx.next_certificate_id();
    let before = ctx.snapshot(&[certs::config_address(), meter, certs::certificate_key(id)]);
    for (start, end) in [
        (START, END + 1),
        (END, END),
        (END, START),
        (START, i64::MAX),
    ] {
        let (_, res) = ctx.issue_certificate(&authority, &meter, 1_000, start, end);
        assert_error(&res, code(E::InvalidPeriod));
    }
    ctx.assert_unchanged(&before);
    // A period inside the recorded history is fine.
    let (_, res) = ctx.issue_certificate(&authority, &meter, 1_000, START - 86_400, START);
    expect_ok(res);
}

#[test]
fn issue_rejects_zero_amount() {
    let (mut ctx, authority, _, meter) = setup();
    let before = ctx.snapshot(&[certs::config_address(), meter]);
    let (_, res) = ctx.issue_certificate(&authority, &meter, 0, START, END);
    assert_error(&res, code(E::ZeroAmount));
    ctx.assert_unchanged(&before);
}

#[test]
fn issue_rejects_accounts_that_are_not_meters() {
    let (mut ctx, authority, producer, meter) = setup();
    let id = ctx.next_certificate_id();
    let payer = ctx.payer.pubkey();
    let before = ctx.snapshot(&[certs::config_address(), meter, certs::certificate_key(id)]);
    // A wallet, a certificates account and the registry config are no meters.
    for fake in [producer.pubkey(), certs::config_address()] {
        let ix = certs::IssueCertificate {
            authority: authority.pubkey(),
            payer,
            id,
            meter: fake,
            amount_wh: 1_000,
            period_start: START,
            period_end: END,
        }
        .instruction();
        assert_error(
            &ctx.send("issue_certificate", &[ix], &[&authority]),
            code(E::MeterNotRegistered),
        );
    }
    let ix = certs::IssueCertificate {
        authority: authority.pubkey(),
        payer,
        id,
        meter: reg::config_address(),
        amount_wh: 1_000,
        period_start: START,
        period_end: END,
    }
    .instruction();
    assert_error(
        &ctx.send("issue_certificate", &[ix], &[&authority]),
        F::AccountDiscriminatorMismatch as u32,
    );
    ctx.assert_unchanged(&before);
}

#[test]
fn issue_rejects_substituted_registry_accounts() {
    let (mut ctx, authority, _, meter) = setup();
    let id = ctx.next_certificate_id();
    let payer = ctx.payer.pubkey();
    let before = ctx.snapshot(&[certs::config_address(), meter, certs::certificate_key(id)]);
    let base = certs::IssueCertificate {
        authority: authority.pubkey(),
        payer,
        id,
        meter,
        amount_wh: 1_000,
        period_start: START,
        period_end: END,
    }
    .instruction();
    let mut ix = base.clone();
    ix.accounts[4].pubkey = Pubkey::new_unique(); // registry config
    assert_error(
        &ctx.send("issue_certificate", &[ix], &[&authority]),
        F::ConstraintAddress as u32,
    );
    let mut ix = base.clone();
    ix.accounts[6].pubkey = Pubkey::new_unique(); // certifier
    assert_error(
        &ctx.send("issue_certificate", &[ix], &[&authority]),
        F::ConstraintAddress as u32,
    );
    let mut ix = base.clone();
    ix.accounts[7].pubkey = joule_sdk::market::ID; // registry program
    assert_error(
        &ctx.send("issue_certificate", &[ix], &[&authority]),
        F::InvalidProgramId as u32,
    );
    let mut ix = base;
    ix.accounts[8].pubkey = joule_sdk::TOKEN_PROGRAM_ID; // system program
    assert_error(
        &ctx.send("issue_certificate", &[ix], &[&authority]),
        F::InvalidProgramId as u32,
    );
    ctx.assert_unchanged(&before);
}

#[test]
fn issue_rejects_ids_outside_the_window_and_wrong_addresses() {
    let (mut ctx, authority, _, meter) = setup();
    let payer = ctx.payer.pubkey();
    let first = ctx.next_certificate_id();
    // Skip the first usable id: allowed (within the window).
    let skipped_to = certs::next_usable_id(first + 1);
    let ix = certs::IssueCertificate {
        authority: authority.pubkey(),
        payer,
        id: skipped_to,
        meter,
        amount_wh: 1_000,
        period_start: START,
        period_end: END,
    }
    .instruction();
    expect_ok(ctx.send("issue_certificate", &[ix], &[&authority]));
    assert_eq!(ctx.cert_config().next_certificate_id, skipped_to + 1);
    let before = ctx.snapshot(&[
        certs::config_address(),
        meter,
        certs::certificate_key(first),
    ]);
    // An id below the config's next id can never be used again...
    let ix = certs::IssueCertificate {
        authority: authority.pubkey(),
        payer,
        id: first,
        meter,
        amount_wh: 1_000,
        period_start: START,
        period_end: END,
    }
    .instruction();
    assert_error(
        &ctx.send("issue_certificate", &[ix], &[&authority]),
        code(E::InvalidCertificateId),
    );
    // ...nor one 64 or more past it.
    let far = certs::next_usable_id(skipped_to + 1 + certs::MAX_ID_SKIP);
    let ix = certs::IssueCertificate {
        authority: authority.pubkey(),
        payer,
        id: far,
        meter,
        amount_wh: 1_000,
        period_start: START,
        period_end: END,
    }
    .instruction();
    assert_error(
        &ctx.send("issue_certificate", &[ix], &[&authority]),
        code(E::InvalidCertificateId),
    );
    // The certificate account must be the id's address: another id's
    // address (or an unusable id) is refused by the runtime's signer check.
    let id = ctx.next_certificate_id();
    let mut ix = certs::IssueCertificate {
        authority: authority.pubkey(),
        payer,
        id,
        meter,
        amount_wh: 1_000,
        period_start: START,
        period_end: END,
    }
    .instruction();
    ix.accounts[3].pubkey = certs::certificate_key(certs::next_usable_id(id + 1));
    assert_error(
        &ctx.send("issue_certificate", &[ix], &[&authority]),
        F::ConstraintSeeds as u32,
    );
    // A signing keypair in the certificate's place is refused outright.
    let kp = Keypair::new();
    let mut ix = certs::IssueCertificate {
        authority: authority.pubkey(),
        payer,
        id,
        meter,
        amount_wh: 1_000,
        period_start: START,
        period_end: END,
    }
    .instruction();
    ix.accounts[3].pubkey = kp.pubkey();
    ix.accounts[3].is_signer = true;
    assert_error(
        &ctx.send("issue_certificate", &[ix], &[&authority, &kp]),
        F::ConstraintSeeds as u32,
    );
    ctx.assert_unchanged(&before);
    assert!(!ctx.exists(&kp.pubkey()));
}

#[test]
fn issue_rejects_while_paused_here_or_in_the_registry() {
    let (mut ctx, authority, _, meter) = setup();
    let id = ctx.next_certificate_id();
    expect_ok(ctx.set_certificates_pause(&authority, certs::PAUSE_ISSUE));
    let before = ctx.snapshot(&[certs::config_address(), meter, certs::certificate_key(id)]);
    let (_, res) = ctx.issue_certificate(&authority, &meter, 1_000, START, END);
    assert_error(&res, code(E::Paused));
    ctx.assert_unchanged(&before);
    expect_ok(ctx.set_certificates_pause(&authority, 0));
    for flags in [reg::PAUSE_CERTIFICATES, reg::PAUSE_REGISTRY] {
        expect_ok(ctx.set_pause(flags));
        let before = ctx.snapshot(&[certs::config_address(), meter, certs::certificate_key(id)]);
        let (_, res) = ctx.issue_certificate(&authority, &meter, 1_000, START, END);
        assert_error(&res, code(E::RegistryPaused));
        ctx.assert_unchanged(&before);
    }
    // The market's pause does not stop certification.
    expect_ok(ctx.set_pause(reg::PAUSE_MARKET));
    ctx.issue_ok(&authority, &meter, 1_000);
}

#[test]
fn record_certified_rejects_direct_calls() {
    let (mut ctx, authority, _, meter) = setup();
    let intruder = ctx.new_user();
    let admin = ctx.admin.insecure_clone();
    let before = ctx.snapshot(&[meter]);
    // Anyone signing as "certifier": the authority, the registry admin, a stranger.
    for signer in [&authority, &admin, &intruder] {
        let ix = reg::RecordCertified {
            certifier: signer.pubkey(),
            meter,
            amount_wh: 1_000,
            period_start: START,
            period_end: END,
        }
        .instruction();
        assert_error(
            &ctx.send("record_certified", &[ix], &[signer]),
            RegistryError::NotCertifier as u32,
        );
    }
    // The certifier PDA named without its signature (only the certificates
    // program can sign for it).
    let mut ix = reg::RecordCertified {
        certifier: reg::CERTIFIER_AUTHORITY,
        meter,
        amount_wh: 1_000,
        period_start: START,
        period_end: END,
    }
    .instruction();
    ix.accounts[0].is_signer = false;
    assert_error(
        &ctx.send("record_certified", &[ix], &[]),
        RegistryError::NotCertifier as u32,
    );
    ctx.assert_unchanged(&before);
    assert_eq!(ctx.meter(&meter).certified_wh, 0);
}

/// Lamports sent ahead of time to the next certificate's (predictable)
/// address cannot block issuing or splitting into it.
#[test]
fn issue_and_split_work_when_the_new_address_was_prefunded() {
    let (mut ctx, authority, producer, meter) = setup();
    let griefer = ctx.new_user();
    let rent = ctx
        .svm
        .minimum_balance_for_rent_exemption(certs::Certificate::SPACE);
    let payer = ctx.payer.pubkey();
    let dust = ctx.svm.minimum_balance_for_rent_exemption(0);
    for lamports in [dust, rent + 1] {
        let id = ctx.next_certificate_id();
        let key = certs::certificate_key(id);
        let gift = joule_sdk::token::transfer_lamports(&griefer.pubkey(), &key, lamports);
        expect_ok(ctx.send_unrecorded(&[gift], &[&griefer]));
        let ix = certs::IssueCertificate {
            authority: authority.pubkey(),
            payer,
            id,
            meter,
            amount_wh: 1_000,
            period_start: START,
            period_end: END,
        }
        .instruction();
        let ok = expect_ok(ctx.send(
            "issue_certificate (prefunded address)",
            &[ix],
            &[&authority],
        ));
        println!(
            "issue_certificate into an address prefunded with {lamports} lamports: {} CU",
            ok.cu
        );
        let c = ctx.certificate(&key);
        assert_eq!((c.id, c.amount_wh, c.owner), (id, 1_000, producer.pubkey()));
        assert_eq!(ctx.lamports(&key), rent.max(lamports));
    }
    let cert = ctx.all_certificates()[0].0;
    let index = ctx.next_split_index(&cert);
    let key = certs::split_key(&cert, index);
    let gift = joule_sdk::token::transfer_lamports(&griefer.pubkey(), &key, dust);
    expect_ok(ctx.send_unrecorded(&[gift], &[&griefer]));
    let me = producer.pubkey();
    let ix = certs::SplitCertificate {
        owner: me,
        payer: me,
        certificate: cert,
        split_index: index,
        keep_wh: 400,
        split_wh: 600,
        new_owner: me,
    }
    .instruction();
    let ok = expect_ok(ctx.send("split_certificate (prefunded address)", &[ix], &[&producer]));
    println!("split_certificate into a prefunded address: {} CU", ok.cu);
    assert_eq!(ctx.certificate(&key).amount_wh, 600);
    assert_eq!(ctx.lamports(&key), rent);
}

// ------------------------------------------------------------------ transfer

#[test]
fn transfer_certificate_ok() {
    let (mut ctx, _, producer, _, cert) = with_certificate(5_000);
    let buyer = ctx.new_user();
    let ok = expect_ok(ctx.transfer_certificate(&producer, &cert, &buyer.pubkey()));
    let c = ctx.certificate(&cert);
    assert_eq!(c.owner, buyer.pubkey());
    assert_eq!(
        (c.amount_wh, c.status()),
        (5_000, Some(CertificateStatus::Active))
    );
    let ev: certs::CertificateTransferred = joule_sdk::events::decode(&ok.logs).expect("event");
    assert_eq!(
        ({ ev.certificate }, { ev.id }, { ev.amount_wh }),
        (cert, c.id, 5_000)
    );
    assert_eq!(
        ({ ev.old_owner }, { ev.new_owner }),
        (producer.pubkey(), buyer.pubkey())
    );
    // The seller has nothing left to transfer; the buyer can pass it on.
    let third = ctx.new_user();
    assert_error(
        &ctx.transfer_certificate(&producer, &cert, &producer.pubkey()),
        code(E::NotCertificateOwner),
    );
    expect_ok(ctx.transfer_certificate(&buyer, &cert, &third.pubkey()));
    assert_eq!(ctx.certificate(&cert).owner, third.pubkey());
}

#[test]
fn transfer_rejects_non_owner_and_default_owner() {
    let (mut ctx, authority, producer, _, cert) = with_certificate(5_000);
    let intruder = ctx.new_user();
    let before = ctx.snapshot(&[cert]);
    assert_error(
        &ctx.transfer_certificate(&intruder, &cert, &intruder.pubkey()),
        code(E::NotCertificateOwner),
    );
    assert_error(
        &ctx.transfer_certificate(&authority, &cert, &authority.pubkey()),
        code(E::NotCertificateOwner),
    );
    assert_error(
        &ctx.transfer_certificate(&producer, &cert, &Pubkey::default()),
        code(E::InvalidNewOwner),
    );
    // The owner must sign.
    let mut ix = certs::TransferCertificate {
        owner: producer.pubkey(),
        certificate: cert,
        new_owner: intruder.pubkey(),
    }
    .instruction();
    ix.accounts[0].is_signer = false;
    assert_error(
        &ctx.send("transfer_certificate", &[ix], &[]),
        F::ConstraintSigner as u32,
    );
    // Other accounts are no certificates.
    let ix = certs::TransferCertificate {
        owner: producer.pubkey(),
        certificate: certs::config_address(),
        new_owner: intruder.pubkey(),
    }
    .instruction();
    assert_error(
        &ctx.send("transfer_certificate", &[ix], &[&producer]),
        F::AccountDiscriminatorMismatch as u32,
    );
    ctx.assert_unchanged(&before);
}

#[test]
fn transfer_rejects_retired_and_revoked_certificates() {
    let (mut ctx, authority, producer, meter, cert) = with_certificate(5_000);
    let buyer = ctx.new_user();
    expect_ok(ctx.retire_certificate(
        &producer,
        &cert,
        &producer.pubkey(),
        "Producer Co",
        "own use",
    ));
    let before = ctx.snapshot(&[cert]);
    assert_error(
        &ctx.transfer_certificate(&producer, &cert, &buyer.pubkey()),
        code(E::CertificateRetired),
    );
    ctx.assert_unchanged(&before);
    let revoked = ctx.issue_ok(&authority, &meter, 1_000);
    expect_ok(ctx.revoke_certificate(&authority, &revoked, "meter recalibrated"));
    let before = ctx.snapshot(&[revoked]);
    assert_error(
        &ctx.transfer_certificate(&producer, &revoked, &buyer.pubkey()),
        code(E::CertificateRevoked),
    );
    ctx.assert_unchanged(&before);
}

// ------------------------------------------------------------------ split

#[test]
fn split_certificate_ok() {
    let (mut ctx, _, producer, meter, cert) = with_certificate(9_000);
    let buyer = ctx.new_user();
    let original = ctx.certificate(&cert);
    let next_id = ctx.cert_config().next_certificate_id;
    let index = ctx.next_split_index(&cert);
    let (part, res) = ctx.split_certificate(&producer, &cert, 5_500, 3_500, &buyer.pubkey());
    let ok = expect_ok(res);
    assert_eq!(part, certs::split_key(&cert, index));
    assert_eq!(
        Pubkey::find_program_address(
            &[certs::SEED_SPLIT, cert.as_ref(), &index.to_le_bytes()],
            &certs::ID
        ),
        (part, 255)
    );
    let a = ctx.certificate(&cert);
    let b = ctx.certificate(&part);
    assert_eq!(
        (a.amount_wh, a.owner, a.id, a.split_count),
        (5_500, producer.pubkey(), original.id, index + 1)
    );
    assert_eq!(a.parent, Pubkey::default());
    assert_eq!(
        (
            b.amount_wh,
            b.owner,
            b.id,
            b.parent,
            b.split_index,
            b.split_count
        ),
        (3_500, buyer.pubkey(), original.id, cert, index, 0)
    );
    assert!(b.is_split_part());
    assert_eq!(certs::address_of(&b), Some(part));
    for c in [&a, &b] {
        assert_eq!(c.meter, meter);
        assert_eq!(
            (c.period_start, c.period_end),
            (original.period_start, original.period_end)
        );
        assert_eq!(
            (c.source_kind, c.utility_id, c.issued_at),
            (
                original.source_kind,
                original.utility_id,
                original.issued_at
            )
        );
        assert_eq!(c.status(), Some(CertificateStatus::Active));
        assert_eq!(c.bump, certs::CERTIFICATE_BUMP);
    }
    assert_eq!(a.amount_wh + b.amount_wh, original.amount_wh);
    assert_eq!(
        ctx.cert_config().next_certificate_id,
        next_id,
        "a split takes no issuance id"
    );
    assert_eq!(
        ctx.meter(&meter).certified_wh,
        9_000,
        "a split certifies nothing new"
    );
    let ev: certs::CertificateSplit = joule_sdk::events::decode(&ok.logs).expect("event");
    assert_eq!(({ ev.certificate }, { ev.split_index }), (cert, index));
    assert_eq!({ ev.new_owner }, buyer.pubkey());
    assert_eq!(
        ({ ev.amount_wh_before }, { ev.amount_wh_after }, {
            ev.new_amount_wh
        }),
        (9_000, 5_500, 3_500)
    );
    // Each part is a full certificate: split again, to oneself this time.
    let (part2, res) = ctx.split_certificate(&buyer, &part, 3_499, 1, &buyer.pubkey());
    expect_ok(res);
    let c2 = ctx.certificate(&part2);
    assert_eq!((c2.parent, c2.id), (part, original.id));
    assert_eq!(certs::address_of(&c2), Some(part2));
    assert_eq!(
        (
            ctx.certificate(&part).amount_wh,
            ctx.certificate(&part2).amount_wh
        ),
        (3_499, 1)
    );
    // The original's next part takes its next index, not the first one again.
    let (part3, res) = ctx.split_certificate(&producer, &cert, 5_000, 500, &producer.pubkey());
    expect_ok(res);
    assert_ne!(part3, part);
    assert!(ctx.certificate(&part3).split_index > index);
}

/// The audit's attack: a holder splits into the address of the id the
/// authority is about to issue (before the fix, splits and issues shared one
/// id counter, so this took the id and made the issue fail). The split's
/// seeds can never sign for an issued certificate's address, so the runtime
/// refuses it, nothing moves, and the authority's prepared issue with that
/// id then succeeds, however many splits happened since.
#[test]
fn split_rejects_the_address_of_the_next_issue() {
    let (mut ctx, authority, producer, meter, cert) = with_certificate(4_000);
    let me = producer.pubkey();
    let payer = ctx.payer.pubkey();
    // The authority prepares its next issue.
    let next_before = ctx.cert_config().next_certificate_id;
    let id = ctx.next_certificate_id();
    let next_issue = certs::certificate_key(id);
    let issue = certs::IssueCertificate {
        authority: authority.pubkey(),
        payer,
        id,
        meter,
        amount_wh: 1_000,
        period_start: START,
        period_end: END,
    }
    .instruction();
    // The holder tries to take that address with a split, at every split
    // index the program would accept and with the id itself as the index.
    let before = ctx.snapshot(&[certs::config_address(), cert, next_issue, meter]);
    let from = ctx.certificate(&cert).split_count;
    let usable: Vec<u32> = (from..from + certs::MAX_SPLIT_INDEX_SKIP)
        .filter(|i| certs::split_address(&cert, *i).is_some())
        .take(4)
        .collect();
    for index in usable {
        let mut ix = certs::SplitCertificate {
            owner: me,
            payer: me,
            certificate: cert,
            split_index: index,
            keep_wh: 2_000,
            split_wh: 2_000,
            new_owner: me,
        }
        .instruction();
        ix.accounts[4].pubkey = next_issue;
        assert_ix_error(
            &ctx.send("split_certificate", &[ix], &[&producer]),
            InstructionError::PrivilegeEscalation,
        );
    }
    ctx.assert_unchanged(&before);
    // Splits, splits of splits and retirements meanwhile do not touch the
    // issuance id space...
    let (part, res) = ctx.split_certificate(&producer, &cert, 3_000, 1_000, &me);
    expect_ok(res);
    let (_, res) = ctx.split_certificate(&producer, &part, 500, 500, &me);
    expect_ok(res);
    let (_, res) = ctx.split_certificate(&producer, &cert, 2_999, 1, &me);
    expect_ok(res);
    expect_ok(ctx.retire_certificate(&producer, &part, &me, "Producer Co", "own use"));
    assert_eq!(ctx.cert_config().next_certificate_id, next_before);
    assert!(!ctx.exists(&next_issue));
    // ...so the authority's prepared issue goes through as signed.
    expect_ok(ctx.send("issue_certificate", &[issue], &[&authority]));
    let c = ctx.certificate(&next_issue);
    assert_eq!(
        (c.id, c.amount_wh, c.parent),
        (id, 1_000, Pubkey::default())
    );
    let sum: u64 = ctx
        .all_certificates()
        .iter()
        .map(|(_, c)| c.amount_wh)
        .sum();
    assert_eq!(sum, ctx.meter(&meter).certified_wh);
}

#[test]
fn split_rejects_non_owner() {
    let (mut ctx, authority, _, _, cert) = with_certificate(9_000);
    let intruder = ctx.new_user();
    let index = ctx.next_split_index(&cert);
    let before = ctx.snapshot(&[
        certs::config_address(),
        cert,
        certs::split_key(&cert, index),
    ]);
    for who in [&intruder, &authority] {
        let (_, res) = ctx.split_certificate(who, &cert, 4_500, 4_500, &who.pubkey());
        assert_error(&res, code(E::NotCertificateOwner));
    }
    ctx.assert_unchanged(&before);
}

#[test]
fn split_rejects_amounts_that_do_not_sum() {
    let (mut ctx, _, producer, _, cert) = with_certificate(9_000);
    let me = producer.pubkey();
    let index = ctx.next_split_index(&cert);
    let before = ctx.snapshot(&[
        certs::config_address(),
        cert,
        certs::split_key(&cert, index),
    ]);
    for (keep, split) in [
        (5_000, 3_999),
        (5_000, 4_001),
        (9_000, 9_000),
        (u64::MAX, 9_001),
    ] {
        let (_, res) = ctx.split_certificate(&producer, &cert, keep, split, &me);
        assert_error(&res, code(E::SplitAmountMismatch));
    }
    for (keep, split) in [(9_000, 0), (0, 9_000)] {
        let (_, res) = ctx.split_certificate(&producer, &cert, keep, split, &me);
        assert_error(&res, code(E::ZeroAmount));
    }
    let (_, res) = ctx.split_certificate(&producer, &cert, 4_500, 4_500, &Pubkey::default());
    assert_error(&res, code(E::InvalidNewOwner));
    ctx.assert_unchanged(&before);
}

#[test]
fn split_rejects_retired_and_revoked_certificates() {
    let (mut ctx, authority, producer, meter, cert) = with_certificate(4_000);
    let me = producer.pubkey();
    expect_ok(ctx.retire_certificate(&producer, &cert, &me, "Producer Co", "own use"));
    let index = ctx.next_split_index(&cert);
    let before = ctx.snapshot(&[
        certs::config_address(),
        cert,
        certs::split_key(&cert, index),
    ]);
    let (_, res) = ctx.split_certificate(&producer, &cert, 2_000, 2_000, &me);
    assert_error(&res, code(E::CertificateRetired));
    ctx.assert_unchanged(&before);
    let revoked = ctx.issue_ok(&authority, &meter, 4_000);
    expect_ok(ctx.revoke_certificate(&authority, &revoked, "duplicate claim"));
    let index = ctx.next_split_index(&revoked);
    let before = ctx.snapshot(&[
        certs::config_address(),
        revoked,
        certs::split_key(&revoked, index),
    ]);
    let (_, res) = ctx.split_certificate(&producer, &revoked, 2_000, 2_000, &me);
    assert_error(&res, code(E::CertificateRevoked));
    ctx.assert_unchanged(&before);
}

#[test]
fn split_rejects_wrong_new_certificate_accounts() {
    let (mut ctx, _, producer, _, cert) = with_certificate(4_000);
    let me = producer.pubkey();
    let index = ctx.next_split_index(&cert);
    let before = ctx.snapshot(&[
        certs::config_address(),
        cert,
        certs::split_key(&cert, index),
    ]);
    // An existing certificate cannot be overwritten.
    let mut ix = certs::SplitCertificate {
        owner: me,
        payer: me,
        certificate: cert,
        split_index: index,
        keep_wh: 2_000,
        split_wh: 2_000,
        new_owner: me,
    }
    .instruction();
    ix.accounts[4].pubkey = cert;
    assert_error(
        &ctx.send("split_certificate", &[ix], &[&producer]),
        F::AccountNotSystemOwned as u32,
    );
    // A signing keypair cannot stand in for the new certificate's PDA.
    let kp = Keypair::new();
    let mut ix = certs::SplitCertificate {
        owner: me,
        payer: me,
        certificate: cert,
        split_index: index,
        keep_wh: 2_000,
        split_wh: 2_000,
        new_owner: me,
    }
    .instruction();
    ix.accounts[4].pubkey = kp.pubkey();
    ix.accounts[4].is_signer = true;
    assert_error(
        &ctx.send("split_certificate", &[ix], &[&producer, &kp]),
        F::ConstraintSeeds as u32,
    );
    assert!(!ctx.exists(&kp.pubkey()));
    // Another index's address: the runtime refuses to sign for it (checking
    // it in the program would cost a 230 CU hash; see split_certificate).
    let mut ix = certs::SplitCertificate {
        owner: me,
        payer: me,
        certificate: cert,
        split_index: index,
        keep_wh: 2_000,
        split_wh: 2_000,
        new_owner: me,
    }
    .instruction();
    let other = certs::split_key(&cert, certs::next_split_index(&cert, index + 1));
    ix.accounts[4].pubkey = other;
    assert_ix_error(
        &ctx.send("split_certificate", &[ix], &[&producer]),
        InstructionError::PrivilegeEscalation,
    );
    assert!(!ctx.exists(&other));
    // A substituted rent sysvar.
    let mut ix = certs::SplitCertificate {
        owner: me,
        payer: me,
        certificate: cert,
        split_index: index,
        keep_wh: 2_000,
        split_wh: 2_000,
        new_owner: me,
    }
    .instruction();
    ix.accounts[5].pubkey = Pubkey::new_unique();
    assert_error(
        &ctx.send("split_certificate", &[ix], &[&producer]),
        F::ConstraintAddress as u32,
    );
    // An index outside the window.
    let far = certs::next_split_index(&cert, index + certs::MAX_SPLIT_INDEX_SKIP);
    let ix = certs::SplitCertificate {
        owner: me,
        payer: me,
        certificate: cert,
        split_index: far,
        keep_wh: 2_000,
        split_wh: 2_000,
        new_owner: me,
    }
    .instruction();
    assert_error(
        &ctx.send("split_certificate", &[ix], &[&producer]),
        code(E::InvalidSplitIndex),
    );
    ctx.assert_unchanged(&before);
}

// ------------------------------------------------------------------ retire

#[test]
fn retire_certificate_ok() {
    let (mut ctx, _, producer, meter, cert) = with_certificate(3_000);
    let beneficiary = Pubkey::new_unique();
    // 64 bytes of UTF-8 (multi-byte characters), the longest name allowed.
    let name = "Société Énergie Düsseldorf ÅÄÖ — 北京电力公司 ⚡".to_string();
    let name = pad_to(&name, certs::MAX_BENEFICIARY_NAME_LEN);
    let reason = "x".repeat(certs::MAX_REASON_LEN);
    ctx.advance(600);
    let ok = expect_ok(ctx.retire_certificate(&producer, &cert, &beneficiary, &name, &reason));
    let c = ctx.certificate(&cert);
    assert_eq!(c.status(), Some(CertificateStatus::Retired));
    assert_eq!(c.beneficiary, beneficiary);
    assert_eq!(certs::beneficiary_name(&c), name);
    assert_eq!(certs::reason(&c), reason);
    assert_eq!(c.closed_at, GENESIS_TS + 600);
    assert_eq!((c.owner, c.amount_wh), (producer.pubkey(), 3_000));
    assert_eq!(ctx.meter(&meter).certified_wh, 3_000);
    let body = joule_sdk::events::find(&ok.logs, certs::CERTIFICATE_RETIRED).expect("event");
    let ev = certs::decode_retired_event(&body).expect("event layout");
    assert_eq!(
        (ev.certificate, ev.id, ev.owner, ev.beneficiary),
        (cert, c.id, producer.pubkey(), beneficiary)
    );
    assert_eq!(
        (
            ev.amount_wh,
            ev.beneficiary_name.as_str(),
            ev.reason.as_str()
        ),
        (3_000, name.as_str(), reason.as_str())
    );
}

/// `s` padded with ASCII to exactly `len` bytes.
fn pad_to(s: &str, len: usize) -> String {
    assert!(s.len() <= len, "{} bytes", s.len());
    format!("{s}{}", ".".repeat(len - s.len()))
}

#[test]
fn retire_twice_fails() {
    let (mut ctx, _, producer, _, cert) = with_certificate(3_000);
    let me = producer.pubkey();
    expect_ok(ctx.retire_certificate(&producer, &cert, &me, "Producer Co", "own use"));
    let before = ctx.snapshot(&[cert]);
    assert_error(
        &ctx.retire_certificate(&producer, &cert, &me, "Someone Else", "again"),
        code(E::CertificateRetired),
    );
    ctx.assert_unchanged(&before);
}

#[test]
fn retire_rejects_non_owner() {
    let (mut ctx, authority, _, _, cert) = with_certificate(3_000);
    let intruder = ctx.new_user();
    let before = ctx.snapshot(&[cert]);
    for who in [&intruder, &authority] {
        let res = ctx.retire_certificate(who, &cert, &who.pubkey(), "Intruder Inc", "claim");
        assert_error(&res, code(E::NotCertificateOwner));
    }
    ctx.assert_unchanged(&before);
}

#[test]
fn retire_rejects_bad_names_and_reasons() {
    let (mut ctx, _, producer, _, cert) = with_certificate(3_000);
    let me = producer.pubkey();
    let before = ctx.snapshot(&[cert]);
    let long_name = "n".repeat(certs::MAX_BENEFICIARY_NAME_LEN + 1);
    let long_reason = "r".repeat(certs::MAX_REASON_LEN + 1);
    let cases = [
        ("", "reason", E::InvalidBeneficiaryName),
        (long_name.as_str(), "reason", E::InvalidBeneficiaryName),
        ("Name", "", E::InvalidReason),
        ("Name", long_reason.as_str(), E::InvalidReason),
    ];
    for (name, reason, err) in cases {
        assert_error(
            &ctx.retire_certificate(&producer, &cert, &me, name, reason),
            code(err),
        );
    }
    // Invalid UTF-8 (a lone continuation byte) in either string.
    let mut ix = certs::RetireCertificate {
        owner: me,
        certificate: cert,
        beneficiary: me,
        beneficiary_name: "Nam",
        reason: "Why",
    }
    .instruction();
    let name_at = 8 + 32 + 4;
    ix.data[name_at] = 0x80;
    assert_error(
        &ctx.send("retire_certificate", &[ix], &[&producer]),
        code(E::InvalidBeneficiaryName),
    );
    let mut ix = certs::RetireCertificate {
        owner: me,
        certificate: cert,
        beneficiary: me,
        beneficiary_name: "Nam",
        reason: "Why",
    }
    .instruction();
    ix.data[name_at + 3 + 4] = 0xff;
    assert_error(
        &ctx.send("retire_certificate", &[ix], &[&producer]),
        code(E::InvalidReason),
    );
    // A string whose length prefix runs past the data is malformed.
    let mut ix = certs::RetireCertificate {
        owner: me,
        certificate: cert,
        beneficiary: me,
        beneficiary_name: "Nam",
        reason: "Why",
    }
    .instruction();
    ix.data.truncate(ix.data.len() - 1);
    assert_error(
        &ctx.send("retire_certificate", &[ix], &[&producer]),
        F::InstructionDidNotDeserialize as u32,
    );
    ctx.assert_unchanged(&before);
}

// ------------------------------------------------------------------ revoke

#[test]
fn revoke_certificate_ok_and_the_energy_stays_certified() {
    let (mut ctx, authority, producer, meter, cert) = with_certificate(EXPORTED_WH);
    ctx.advance(60);
    let ok = expect_ok(ctx.revoke_certificate(&authority, &cert, "Meter found tampered with"));
    let c = ctx.certificate(&cert);
    assert_eq!(c.status(), Some(CertificateStatus::Revoked));
    assert_eq!(certs::reason(&c), "Meter found tampered with");
    assert_eq!(c.closed_at, GENESIS_TS + 60);
    assert_eq!(c.owner, producer.pubkey());
    let body = joule_sdk::events::find(&ok.logs, certs::CERTIFICATE_REVOKED).expect("event");
    let ev = certs::decode_revoked_event(&body).expect("event layout");
    assert_eq!(
        (ev.certificate, ev.id, ev.authority, ev.owner),
        (cert, c.id, authority.pubkey(), producer.pubkey())
    );
    assert_eq!(
        (ev.amount_wh, ev.reason.as_str()),
        (EXPORTED_WH, "Meter found tampered with")
    );
    // The revoked Wh is not re-certifiable.
    assert_eq!(ctx.meter(&meter).certified_wh, EXPORTED_WH);
    let (_, res) = ctx.issue_certificate(&authority, &meter, 1, START, END);
    assert_error(&res, code(E::CertificationExceedsExport));
}

#[test]
fn revoke_rejects_retired_revoked_and_bad_reason() {
    let (mut ctx, authority, producer, meter, cert) = with_certificate(3_000);
    let me = producer.pubkey();
    expect_ok(ctx.retire_certificate(&producer, &cert, &me, "Producer Co", "own use"));
    let before = ctx.snapshot(&[cert]);
    assert_error(
        &ctx.revoke_certificate(&authority, &cert, "too late"),
        code(E::CertificateRetired),
    );
    ctx.assert_unchanged(&before);
    let other = ctx.issue_ok(&authority, &meter, 3_000);
    let before = ctx.snapshot(&[other]);
    assert_error(
        &ctx.revoke_certificate(&authority, &other, ""),
        code(E::InvalidReason),
    );
    assert_error(
        &ctx.revoke_certificate(&authority, &other, &"r".repeat(129)),
        code(E::InvalidReason),
    );
    ctx.assert_unchanged(&before);
    expect_ok(ctx.revoke_certificate(&authority, &other, "first"));
    let before = ctx.snapshot(&[other]);
    assert_error(
        &ctx.revoke_certificate(&authority, &other, "second"),
        code(E::CertificateRevoked),
    );
    assert_error(
        &ctx.retire_certificate(&producer, &other, &me, "Producer Co", "own use"),
        code(E::CertificateRevoked),
    );
    ctx.assert_unchanged(&before);
}

// ------------------------------------------------------------------ pause

#[test]
fn everything_but_revocation_rejects_while_paused() {
    let (mut ctx, authority, producer, meter, cert) = with_certificate(4_000);
    let me = producer.pubkey();
    let buyer = ctx.new_user().pubkey();
    expect_ok(ctx.set_certificates_pause(&authority, certs::PAUSE_ALL));
    let new_id = ctx.next_certificate_id();
    let index = ctx.next_split_index(&cert);
    let before = ctx.snapshot(&[
        certs::config_address(),
        meter,
        cert,
        certs::certificate_key(new_id),
        certs::split_key(&cert, index),
    ]);
    let (_, res) = ctx.issue_certificate(&authority, &meter, 1_000, START, END);
    assert_error(&res, code(E::Paused));
    assert_error(
        &ctx.transfer_certificate(&producer, &cert, &buyer),
        code(E::Paused),
    );
    let (_, res) = ctx.split_certificate(&producer, &cert, 2_000, 2_000, &buyer);
    assert_error(&res, code(E::Paused));
    assert_error(
        &ctx.retire_certificate(&producer, &cert, &me, "Producer Co", "own use"),
        code(E::Paused),
    );
    ctx.assert_unchanged(&before);

    // Each flag stops only its own actions.
    expect_ok(ctx.set_certificates_pause(&authority, certs::PAUSE_TRANSFER));
    assert_error(
        &ctx.transfer_certificate(&producer, &cert, &buyer),
        code(E::Paused),
    );
    let (_, res) = ctx.split_certificate(&producer, &cert, 2_000, 2_000, &buyer);
    assert_error(&res, code(E::Paused));
    let other = ctx.issue_ok(&authority, &meter, 1_000);
    expect_ok(ctx.set_certificates_pause(&authority, certs::PAUSE_RETIRE));
    assert_error(
        &ctx.retire_certificate(&producer, &cert, &me, "Producer Co", "own use"),
        code(E::Paused),
    );
    expect_ok(ctx.transfer_certificate(&producer, &other, &buyer));

    // Revocation, the authority's remedy, works while everything is paused.
    expect_ok(ctx.set_certificates_pause(&authority, certs::PAUSE_ALL));
    expect_ok(ctx.revoke_certificate(&authority, &cert, "revoked during an incident"));
    assert_eq!(
        ctx.certificate(&cert).status(),
        Some(CertificateStatus::Revoked)
    );
}

// ------------------------------------------------------------------ scenario and CU

#[test]
fn scenario_runs_and_ends_where_it_should() {
    let mut ctx = TestContext::new();
    let s = certificates_scenario(&mut ctx);
    let a = ctx.certificate(&s.certificate);
    let b = ctx.certificate(&s.split_part);
    assert_eq!(
        (a.owner, a.amount_wh, a.status()),
        (s.buyer.pubkey(), 6_000, Some(CertificateStatus::Active))
    );
    assert_eq!(
        (b.owner, b.amount_wh, b.status()),
        (s.buyer.pubkey(), 4_000, Some(CertificateStatus::Retired))
    );
    let r = ctx.certificate(&s.revoked);
    assert_eq!(
        (r.amount_wh, r.status()),
        (2_000, Some(CertificateStatus::Revoked))
    );
    let m = ctx.meter(&s.meter);
    assert_eq!((m.certified_wh, m.exported_wh), (12_000, 12_000));
    assert_eq!(ctx.cert_config().authority, s.authority.pubkey());
    assert_eq!(ctx.cert_config().pause_flags, 0);
    for (label, _) in joule_tests::certificates::CU_ROWS {
        let s = stat(label).unwrap_or_else(|| panic!("no CU recorded for {label}"));
        println!("{label}: {} CU", s.max);
    }
    let _ = s.producer;
}

/// Issue, transfer, split and retire over many certificates (so over many
/// ids and both fresh and used accounts), each held to its budget.
#[test]
fn certificates_cu_budgets() {
    let (mut ctx, authority, producer, meter) = setup();
    let buyer = ctx.new_user();
    for i in 0..8u64 {
        let cert = ctx.issue_ok(&authority, &meter, 1_000);
        let (part, res) = ctx.split_certificate(&producer, &cert, 600, 400, &buyer.pubkey());
        expect_ok(res);
        expect_ok(ctx.transfer_certificate(&producer, &cert, &buyer.pubkey()));
        let reason = "r".repeat(certs::MAX_REASON_LEN);
        let name = "n".repeat(certs::MAX_BENEFICIARY_NAME_LEN);
        let (n, r) = if i % 2 == 0 {
            (name.as_str(), reason.as_str())
        } else {
            ("Acme", "2026 claim")
        };
        expect_ok(ctx.retire_certificate(&buyer, &part, &buyer.pubkey(), n, r));
        expect_ok(ctx.revoke_certificate(&authority, &cert, r));
    }
    for label in [
        "issue_certificate",
        "split_certificate",
        "transfer_certificate",
        "retire_certificate",
        "revoke_certificate",
        "certificates::initialize",
    ] {
        let s = stat(label).expect(label);
        println!(
            "{label}: max {} CU (min {}, {} runs)",
            s.max, s.min, s.count
        );
    }
    cu_budget("issue_certificate", ISSUE_BUDGET_CU);
    cu_budget("transfer_certificate", OWNER_BUDGET_CU);
    cu_budget("retire_certificate", OWNER_BUDGET_CU);
    cu_budget(
        "split_certificate",
        joule_tests::certificates::SPLIT_BUDGET_CU,
    );
}

// ------------------------------------------------------------------ property

#[derive(Clone, Debug)]
enum Op {
    /// Issue `amount_wh` (may exceed what is left) against meter `m`.
    Issue {
        m: usize,
        amount_wh: u64,
    },
    /// New export on meter `m`.
    Export {
        m: usize,
        wh: u64,
    },
    /// Split certificate `c` (index into those created), keeping `keep_per_mille`.
    Split {
        c: usize,
        keep_per_mille: u64,
    },
    Transfer {
        c: usize,
    },
    Retire {
        c: usize,
    },
    Revoke {
        c: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0usize..3, 0u64..9_000).prop_map(|(m, amount_wh)| Op::Issue { m, amount_wh }),
        1 => (0usize..3, 0u64..8_000).prop_map(|(m, wh)| Op::Export { m, wh }),
        2 => (0usize..64, 0u64..=1_000).prop_map(|(c, keep_per_mille)| Op::Split { c, keep_per_mille }),
        1 => (0usize..64).prop_map(|c| Op::Transfer { c }),
        1 => (0usize..64).prop_map(|c| Op::Retire { c }),
        1 => (0usize..64).prop_map(|c| Op::Revoke { c }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Over random sequences of issues (some over-certifying), new exports,
    /// splits, transfers, retirements and revocations across three meters
    /// (one of them consumption-only): `certified_wh <= exported_wh` for
    /// every meter, and the certificates of each meter (active + retired +
    /// revoked) sum exactly to its `certified_wh`. Issue outcomes match a
    /// model of the meter's certifiable energy.
    #[test]
    fn certified_energy_is_conserved(ops in proptest::collection::vec(op(), 1..60)) {
        let mut ctx = TestContext::new();
        let authority = ctx.init_certificates();
        let owners: Vec<Keypair> = (0..3).map(|_| ctx.new_user()).collect();
        let kinds = [SOLAR, MeterKind::Wind, MeterKind::ConsumptionOnly];
        let meters: Vec<Pubkey> = owners.iter().zip(kinds).enumerate()
            .map(|(i, (o, k))| ctx.meter_with_energy(o, &format!("PROP-{i}"), k, 20_000, 500))
            .collect();
        let mut registers = [1_000 + 20_000u64; 3];
        let mut certificates: Vec<Pubkey> = Vec::new();
        for op in ops {
            match op {
                Op::Issue { m, amount_wh } => {
                    let mm = ctx.meter(&meters[m]);
                    let (end, left) = (mm.last_reading_ts, mm.exported_wh - mm.certified_wh);
                    let (cert, res) = ctx.issue_certificate(&authority, &meters[m], amount_wh, end - 60, end);
                    let expect_ok_now = kinds[m].is_renewable() && amount_wh > 0 && amount_wh <= left;
                    prop_assert_eq!(res.is_ok(), expect_ok_now, "{:?}", res.as_ref().err().map(|e| &e.err));
                    if expect_ok_now {
                        certificates.push(cert);
                    }
                }
                Op::Export { m, wh } => {
                    ctx.advance(3_600);
                    registers[m] += wh;
                    let now = ctx.now();
                    let reading = Reading { timestamp: now, export_register_wh: registers[m], import_register_wh: 2_500 };
                    expect_ok(ctx.submit_readings(&[(meters[m], reading)]));
                }
                Op::Split { c, keep_per_mille } if !certificates.is_empty() => {
                    let key = certificates[c % certificates.len()];
                    let cert = ctx.certificate(&key);
                    let owner = owners.iter().find(|o| o.pubkey() == cert.owner).expect("owner");
                    let keep = cert.amount_wh * keep_per_mille / 1_000;
                    let (part, res) = ctx.split_certificate(owner, &key, keep, cert.amount_wh - keep, &owners[c % 3].pubkey());
                    let splittable = cert.is_active() && keep > 0 && keep < cert.amount_wh;
                    prop_assert_eq!(res.is_ok(), splittable);
                    if splittable {
                        certificates.push(part);
                    }
                }
                Op::Transfer { c } if !certificates.is_empty() => {
                    let key = certificates[c % certificates.len()];
                    let cert = ctx.certificate(&key);
                    let owner = owners.iter().find(|o| o.pubkey() == cert.owner).expect("owner");
                    let res = ctx.transfer_certificate(owner, &key, &owners[(c + 1) % 3].pubkey());
                    prop_assert_eq!(res.is_ok(), cert.is_active());
                }
                Op::Retire { c } if !certificates.is_empty() => {
                    let key = certificates[c % certificates.len()];
                    let cert = ctx.certificate(&key);
                    let owner = owners.iter().find(|o| o.pubkey() == cert.owner).expect("owner");
                    let res = ctx.retire_certificate(owner, &key, &owner.pubkey(), "Prop Co", "property test");
                    prop_assert_eq!(res.is_ok(), cert.is_active());
                }
                Op::Revoke { c } if !certificates.is_empty() => {
                    let key = certificates[c % certificates.len()];
                    let cert = ctx.certificate(&key);
                    let res = ctx.revoke_certificate(&authority, &key, "property test");
                    prop_assert_eq!(res.is_ok(), cert.is_active());
                }
                _ => {}
            }
            let all = ctx.all_certificates();
            prop_assert_eq!(all.len(), certificates.len());
            for m in &meters {
                let mm = ctx.meter(m);
                prop_assert!(mm.certified_wh <= mm.exported_wh);
                let sum: u64 = all.iter().filter(|(_, c)| c.meter == *m).map(|(_, c)| c.amount_wh).sum();
                prop_assert_eq!(sum, mm.certified_wh);
            }
        }
    }
}
