//! Adversarial tests of the certificates program, run as real SBF in
//! litesvm. Each performs one attack and asserts the exact error and that no
//! account it could have touched moved.
//!
//! Address spaces (issued `["certificate", id]` vs split `["split", parent,
//! index]`):
//! - `split_rejects_the_next_issue_address_for_every_accepted_index`: a holder
//!   splits into the address the authority issues next (the audit's
//!   front-run), at every index the window accepts (the runtime refuses to
//!   sign for it: `PrivilegeEscalation`).
//! - `split_rejects_the_next_part_address_of_another_certificate`: a holder
//!   splits into the next part address of a stranger's certificate (would
//!   let holders front-run each other's splits).
//! - `issue_rejects_a_split_part_address`: the authority issues into a
//!   future split part's address (the spaces are disjoint both ways).
//! - `split_rejects_a_replayed_split`: the same split sent again (its part
//!   exists), and a split rewound to an index below the split count.
//! - `split_rejects_a_split_count_at_the_u32_limit`: split index arithmetic
//!   at the top of `u32`.
//!
//! Account substitution and type confusion:
//! - `split_rejects_another_certificate_as_the_new_part`: the new part is a
//!   stranger's live certificate (overwrite attempt).
//! - `split_rejects_the_payer_as_the_new_part`: a signer (the payer) as the
//!   new part's account.
//! - `transfer_rejects_a_certificate_of_another_program`: a byte-for-byte
//!   copy of a certificate, owned by another program, naming the attacker.
//! - `transfer_rejects_a_registry_meter_as_the_certificate`: a registry
//!   `Meter` where a `Certificate` is expected.
//! - `retire_rejects_the_config_as_the_certificate`: the certificates
//!   `Config` where a `Certificate` is expected (same owner, other type).
//! - `transfer_rejects_the_registry_config_as_the_config_while_paused`: the
//!   registry's `Config` (same Anchor discriminator) in place of this
//!   program's paused config, to dodge the pause.
//! - `split_rejects_a_counterfeit_config_while_paused`: a copy of the config
//!   with no pause flags, owned by another program.
//! - `issue_rejects_a_counterfeit_meter`: a copy of a registry meter with
//!   uncertified energy, owned by another program.
//! - `revoke_rejects_a_registry_meter_as_the_certificate`: the authority's
//!   revoke pointed at a registry account.
//!
//! State machine, ownership and arithmetic edges:
//! - `split_rejects_a_split_part_of_another_owner`: a holder splits a part
//!   that was split off to someone else.
//! - `transfer_rejects_a_retired_split_part`: a retired part is final.
//! - `retire_rejects_a_revoked_split_part`: a revoked part is final.
//! - `split_rejects_u64_max_amounts`: keep + split overflowing `u64`.
//! - `issue_rejects_u64_max_amount`: certifying `u64::MAX` Wh.
//!
//! Authority hand-over:
//! - `accept_authority_rejects_a_stranger_with_no_proposal`: nothing
//!   proposed, anyone signs accept.
//! - `propose_authority_rejects_the_pending_authority`: the proposed (not
//!   yet accepted) authority acts as authority.
//! - `accept_authority_rejects_an_unsigned_pending_authority`: the proposed
//!   key named without its signature.

use joule_sdk::{
    certificates::{self as certs, CertificatesError as E},
    registry::MeterKind,
    FrameworkError as F, Pubkey,
};
use joule_tests::{assert_error, assert_ix_error, expect_ok, TestContext, GENESIS_TS};
use solana_account::Account;
use solana_instruction_error::InstructionError;
use solana_keypair::Keypair;
use solana_signer::Signer;

const START: i64 = GENESIS_TS - 3_600;
const END: i64 = GENESIS_TS;
/// Byte offset of `split_index` in `split_certificate`'s data.
const SPLIT_INDEX_AT: usize = 8 + 8 + 8 + 32;

/// Initialised certificates, a producer's solar meter that exported
/// 10,000 Wh, and one 4,000 Wh certificate of the producer's.
struct Fx {
    ctx: TestContext,
    authority: Keypair,
    producer: Keypair,
    meter: Pubkey,
    cert: Pubkey,
}

fn fx() -> Fx {
    let mut ctx = TestContext::new();
    let authority = ctx.init_certificates();
    let producer = ctx.new_user();
    let meter = ctx.meter_with_energy(&producer, "ATTACK-0001", MeterKind::Solar, 10_000, 0);
    let cert = ctx.issue_ok(&authority, &meter, 4_000);
    Fx {
        ctx,
        authority,
        producer,
        meter,
        cert,
    }
}

fn code(e: E) -> u32 {
    e as u32
}

/// Plants a copy of `from`'s account at a fresh address, owned by a program
/// that is not the certificates program, after `edit` changed its data.
fn counterfeit(ctx: &mut TestContext, from: &Pubkey, edit: impl FnOnce(&mut Vec<u8>)) -> Pubkey {
    let mut acc = ctx.svm.get_account(from).expect("account to copy");
    edit(&mut acc.data);
    let fake = Pubkey::new_unique();
    let account = Account {
        owner: Pubkey::new_unique(),
        ..acc
    };
    ctx.svm
        .set_account(fake, account)
        .expect("plant counterfeit");
    fake
}

// ------------------------------------------------------------ address spaces

#[test]
fn split_rejects_the_next_issue_address_for_every_accepted_index() {
    let Fx {
        mut ctx,
        authority,
        producer,
        meter,
        cert,
    } = fx();
    let me = producer.pubkey();
    let id = ctx.next_certificate_id();
    let next_issue = certs::certificate_key(id);
    let before = ctx.snapshot(&[certs::config_address(), cert, next_issue, meter]);
    // Every index the window accepts whose split address exists: the
    // runtime refuses to let the split's seeds sign for another address.
    let accepted =
        (0..certs::MAX_SPLIT_INDEX_SKIP).filter(|i| certs::split_address(&cert, *i).is_some());
    for index in accepted {
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
            &ctx.send_unrecorded(&[ix], &[&producer]),
            InstructionError::PrivilegeEscalation,
        );
    }
    ctx.assert_unchanged(&before);
    // The authority's issue at that id is untouched.
    let (key, res) = ctx.issue_certificate(&authority, &meter, 1_000, START, END);
    expect_ok(res);
    assert_eq!(key, next_issue);
}

#[test]
fn split_rejects_the_next_part_address_of_another_certificate() {
    let Fx {
        mut ctx,
        authority,
        producer,
        meter,
        cert,
    } = fx();
    // A stranger's certificate, and the address its next part will take.
    let stranger = ctx.new_user();
    let theirs = ctx.issue_ok(&authority, &meter, 1_000);
    expect_ok(ctx.transfer_certificate(&producer, &theirs, &stranger.pubkey()));
    let their_index = ctx.next_split_index(&theirs);
    let their_next = certs::split_key(&theirs, their_index);
    let me = producer.pubkey();
    let before = ctx.snapshot(&[cert, theirs, their_next]);
    let mut ix = certs::SplitCertificate {
        owner: me,
        payer: me,
        certificate: cert,
        split_index: their_index,
        keep_wh: 2_000,
        split_wh: 2_000,
        new_owner: me,
    }
    .instruction();
    ix.accounts[4].pubkey = their_next;
    assert_ix_error(
        &ctx.send_unrecorded(&[ix], &[&producer]),
        InstructionError::PrivilegeEscalation,
    );
    ctx.assert_unchanged(&before);
    // The stranger's split lands where it was meant to.
    let (part, res) = ctx.split_certificate(&stranger, &theirs, 600, 400, &stranger.pubkey());
    expect_ok(res);
    assert_eq!(part, their_next);
}

#[test]
fn issue_rejects_a_split_part_address() {
    let Fx {
        mut ctx,
        authority,
        meter,
        cert,
        ..
    } = fx();
    let id = ctx.next_certificate_id();
    let part = certs::split_key(&cert, ctx.next_split_index(&cert));
    let payer = ctx.payer.pubkey();
    let before = ctx.snapshot(&[certs::config_address(), meter, part, cert]);
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
    ix.accounts[3].pubkey = part;
    assert_error(
        &ctx.send_unrecorded(&[ix], &[&authority]),
        F::ConstraintSeeds as u32,
    );
    ctx.assert_unchanged(&before);
}

#[test]
fn split_rejects_a_replayed_split() {
    let Fx {
        mut ctx,
        producer,
        cert,
        ..
    } = fx();
    let me = producer.pubkey();
    // The owner skips ahead: the second usable index, leaving the first unused.
    let first = ctx.next_split_index(&cert);
    let second = certs::next_split_index(&cert, first + 1);
    let ix = certs::SplitCertificate {
        owner: me,
        payer: me,
        certificate: cert,
        split_index: second,
        keep_wh: 3_000,
        split_wh: 1_000,
        new_owner: me,
    }
    .instruction();
    expect_ok(ctx.send_unrecorded(std::slice::from_ref(&ix), &[&producer]));
    let part = certs::split_key(&cert, second);
    let skipped = certs::split_key(&cert, first);
    assert_eq!(ctx.certificate(&cert).split_count, second + 1);
    let before = ctx.snapshot(&[cert, part, skipped]);
    // The same split re-signed with a fresh blockhash: its part exists.
    let ix = certs::SplitCertificate {
        owner: me,
        payer: me,
        certificate: cert,
        split_index: second,
        keep_wh: 2_000,
        split_wh: 1_000,
        new_owner: me,
    }
    .instruction();
    assert_error(
        &ctx.send_unrecorded(&[ix], &[&producer]),
        F::AccountNotSystemOwned as u32,
    );
    // Rewinding to the skipped index: below the split count, never again.
    let ix = certs::SplitCertificate {
        owner: me,
        payer: me,
        certificate: cert,
        split_index: first,
        keep_wh: 2_000,
        split_wh: 1_000,
        new_owner: me,
    }
    .instruction();
    assert_error(
        &ctx.send_unrecorded(&[ix], &[&producer]),
        code(E::InvalidSplitIndex),
    );
    ctx.assert_unchanged(&before);
}

#[test]
fn split_rejects_a_split_count_at_the_u32_limit() {
    let Fx {
        mut ctx,
        producer,
        cert,
        ..
    } = fx();
    // Push the certificate's split count to the top of u32 (unreachable in
    // practice: 64 indices per split at most).
    let mut acc = ctx.svm.get_account(&cert).expect("certificate");
    acc.data[8 + 8..8 + 12].copy_from_slice(&(u32::MAX - 1).to_le_bytes());
    ctx.svm.set_account(cert, acc).expect("set certificate");
    assert_eq!(ctx.certificate(&cert).split_count, u32::MAX - 1);
    let me = producer.pubkey();
    let index = certs::next_split_index(&cert, 0);
    let before = ctx.snapshot(&[cert, certs::split_key(&cert, index)]);
    for index in [index, u32::MAX - 1, u32::MAX] {
        let mut ix = certs::SplitCertificate {
            owner: me,
            payer: me,
            certificate: cert,
            split_index: certs::next_split_index(&cert, 0),
            keep_wh: 2_000,
            split_wh: 2_000,
            new_owner: me,
        }
        .instruction();
        ix.data[SPLIT_INDEX_AT..].copy_from_slice(&index.to_le_bytes());
        assert_error(
            &ctx.send_unrecorded(&[ix], &[&producer]),
            code(E::ArithmeticOverflow),
        );
    }
    ctx.assert_unchanged(&before);
}

// ------------------------------------------------------------ substitution

#[test]
fn split_rejects_another_certificate_as_the_new_part() {
    let Fx {
        mut ctx,
        authority,
        producer,
        meter,
        cert,
    } = fx();
    let stranger = ctx.new_user();
    let theirs = ctx.issue_ok(&authority, &meter, 1_000);
    expect_ok(ctx.transfer_certificate(&producer, &theirs, &stranger.pubkey()));
    let me = producer.pubkey();
    let index = ctx.next_split_index(&cert);
    let before = ctx.snapshot(&[cert, theirs]);
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
    ix.accounts[4].pubkey = theirs;
    assert_error(
        &ctx.send_unrecorded(&[ix], &[&producer]),
        F::AccountNotSystemOwned as u32,
    );
    ctx.assert_unchanged(&before);
}

#[test]
fn split_rejects_the_payer_as_the_new_part() {
    let Fx {
        mut ctx,
        producer,
        cert,
        ..
    } = fx();
    let me = producer.pubkey();
    let index = ctx.next_split_index(&cert);
    let before = ctx.snapshot(&[cert, me, certs::split_key(&cert, index)]);
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
    ix.accounts[4].pubkey = me;
    ix.accounts[4].is_signer = true;
    assert_error(
        &ctx.send_unrecorded(&[ix], &[&producer]),
        F::ConstraintSeeds as u32,
    );
    ctx.assert_unchanged(&before);
}

#[test]
fn transfer_rejects_a_certificate_of_another_program() {
    let Fx {
        mut ctx,
        producer,
        cert,
        ..
    } = fx();
    let attacker = ctx.new_user();
    // A perfect copy of the producer's certificate naming the attacker as
    // owner, in an account of the attacker's own program.
    let owner_at = 8 + 56;
    let fake = counterfeit(&mut ctx, &cert, |d| {
        d[owner_at..owner_at + 32].copy_from_slice(attacker.pubkey().as_ref())
    });
    let before = ctx.snapshot(&[fake, cert]);
    assert_error(
        &ctx.transfer_certificate(&attacker, &fake, &attacker.pubkey()),
        F::AccountOwnedByWrongProgram as u32,
    );
    ctx.assert_unchanged(&before);
    assert_eq!(ctx.certificate(&cert).owner, producer.pubkey());
}

#[test]
fn transfer_rejects_a_registry_meter_as_the_certificate() {
    let Fx {
        mut ctx,
        producer,
        meter,
        ..
    } = fx();
    let before = ctx.snapshot(&[meter]);
    assert_error(
        &ctx.transfer_certificate(&producer, &meter, &producer.pubkey()),
        F::AccountOwnedByWrongProgram as u32,
    );
    ctx.assert_unchanged(&before);
}

#[test]
fn retire_rejects_the_config_as_the_certificate() {
    let Fx {
        mut ctx,
        authority,
        cert,
        ..
    } = fx();
    let before = ctx.snapshot(&[certs::config_address(), cert]);
    let res = ctx.retire_certificate(
        &authority,
        &certs::config_address(),
        &authority.pubkey(),
        "Authority",
        "retire the config",
    );
    assert_error(&res, F::AccountDiscriminatorMismatch as u32);
    ctx.assert_unchanged(&before);
}

#[test]
fn transfer_rejects_the_registry_config_as_the_config_while_paused() {
    let Fx {
        mut ctx,
        authority,
        producer,
        cert,
        ..
    } = fx();
    expect_ok(ctx.set_certificates_pause(&authority, certs::PAUSE_ALL));
    let buyer = ctx.new_user().pubkey();
    let me = producer.pubkey();
    let before = ctx.snapshot(&[cert, certs::config_address()]);
    // The registry's Config carries the same Anchor discriminator
    // ("account:Config") and has no certificates pause flags.
    let mut ix = certs::TransferCertificate {
        owner: me,
        certificate: cert,
        new_owner: buyer,
    }
    .instruction();
    ix.accounts[1].pubkey = joule_sdk::registry::config_address();
    assert_error(
        &ctx.send_unrecorded(&[ix], &[&producer]),
        F::AccountOwnedByWrongProgram as u32,
    );
    // The real config still stops it.
    assert_error(
        &ctx.transfer_certificate(&producer, &cert, &buyer),
        code(E::Paused),
    );
    ctx.assert_unchanged(&before);
}

#[test]
fn split_rejects_a_counterfeit_config_while_paused() {
    let Fx {
        mut ctx,
        authority,
        producer,
        cert,
        ..
    } = fx();
    expect_ok(ctx.set_certificates_pause(&authority, certs::PAUSE_ALL));
    let pause_at = 8 + 8 + 32 + 32;
    let fake = counterfeit(&mut ctx, &certs::config_address(), |d| d[pause_at] = 0);
    let me = producer.pubkey();
    let index = ctx.next_split_index(&cert);
    let part = certs::split_key(&cert, index);
    let before = ctx.snapshot(&[cert, part, certs::config_address()]);
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
    ix.accounts[2].pubkey = fake;
    assert_error(
        &ctx.send_unrecorded(&[ix], &[&producer]),
        F::AccountOwnedByWrongProgram as u32,
    );
    ctx.assert_unchanged(&before);
}

#[test]
fn issue_rejects_a_counterfeit_meter() {
    let Fx {
        mut ctx,
        authority,
        meter,
        ..
    } = fx();
    // A copy of the meter while 6,000 Wh are still certifiable, then the
    // real meter is certified to the last Wh.
    let fake = counterfeit(&mut ctx, &meter, |_| {});
    ctx.issue_ok(&authority, &meter, 6_000);
    let id = ctx.next_certificate_id();
    let payer = ctx.payer.pubkey();
    let before = ctx.snapshot(&[
        certs::config_address(),
        meter,
        fake,
        certs::certificate_key(id),
    ]);
    let ix = certs::IssueCertificate {
        authority: authority.pubkey(),
        payer,
        id,
        meter: fake,
        amount_wh: 6_000,
        period_start: START,
        period_end: END,
    }
    .instruction();
    assert_error(
        &ctx.send_unrecorded(&[ix], &[&authority]),
        code(E::MeterNotRegistered),
    );
    ctx.assert_unchanged(&before);
}

#[test]
fn revoke_rejects_a_registry_meter_as_the_certificate() {
    let Fx {
        mut ctx,
        authority,
        meter,
        ..
    } = fx();
    let before = ctx.snapshot(&[meter, certs::config_address()]);
    assert_error(
        &ctx.revoke_certificate(&authority, &meter, "not a certificate"),
        F::AccountOwnedByWrongProgram as u32,
    );
    ctx.assert_unchanged(&before);
}

// ------------------------------------------------------------ state machine

#[test]
fn split_rejects_a_split_part_of_another_owner() {
    let Fx {
        mut ctx,
        producer,
        cert,
        ..
    } = fx();
    let buyer = ctx.new_user();
    let (part, res) = ctx.split_certificate(&producer, &cert, 3_000, 1_000, &buyer.pubkey());
    expect_ok(res);
    let index = ctx.next_split_index(&part);
    let before = ctx.snapshot(&[cert, part, certs::split_key(&part, index)]);
    // The producer split it off but no longer owns it.
    let (_, res) = ctx.split_certificate(&producer, &part, 500, 500, &producer.pubkey());
    assert_error(&res, code(E::NotCertificateOwner));
    ctx.assert_unchanged(&before);
}

#[test]
fn transfer_rejects_a_retired_split_part() {
    let Fx {
        mut ctx,
        producer,
        cert,
        ..
    } = fx();
    let me = producer.pubkey();
    let (part, res) = ctx.split_certificate(&producer, &cert, 3_000, 1_000, &me);
    expect_ok(res);
    expect_ok(ctx.retire_certificate(&producer, &part, &me, "Producer Co", "own use"));
    let buyer = ctx.new_user().pubkey();
    let before = ctx.snapshot(&[part, cert]);
    assert_error(
        &ctx.transfer_certificate(&producer, &part, &buyer),
        code(E::CertificateRetired),
    );
    ctx.assert_unchanged(&before);
}

#[test]
fn retire_rejects_a_revoked_split_part() {
    let Fx {
        mut ctx,
        authority,
        producer,
        cert,
        ..
    } = fx();
    let me = producer.pubkey();
    let (part, res) = ctx.split_certificate(&producer, &cert, 3_000, 1_000, &me);
    expect_ok(res);
    expect_ok(ctx.revoke_certificate(&authority, &part, "duplicate claim"));
    let before = ctx.snapshot(&[part, cert]);
    assert_error(
        &ctx.retire_certificate(&producer, &part, &me, "Producer Co", "own use"),
        code(E::CertificateRevoked),
    );
    ctx.assert_unchanged(&before);
    // The parent was not revoked with it.
    expect_ok(ctx.retire_certificate(&producer, &cert, &me, "Producer Co", "own use"));
}

#[test]
fn split_rejects_u64_max_amounts() {
    let Fx {
        mut ctx,
        producer,
        cert,
        ..
    } = fx();
    let me = producer.pubkey();
    let index = ctx.next_split_index(&cert);
    let before = ctx.snapshot(&[cert, certs::split_key(&cert, index)]);
    for (keep, split) in [
        (1, u64::MAX),
        (u64::MAX, u64::MAX),
        (u64::MAX - 3_999, 4_000),
    ] {
        let (_, res) = ctx.split_certificate(&producer, &cert, keep, split, &me);
        assert_error(&res, code(E::SplitAmountMismatch));
    }
    ctx.assert_unchanged(&before);
}

#[test]
fn issue_rejects_u64_max_amount() {
    let Fx {
        mut ctx,
        authority,
        meter,
        ..
    } = fx();
    let id = ctx.next_certificate_id();
    let before = ctx.snapshot(&[certs::config_address(), meter, certs::certificate_key(id)]);
    let (_, res) = ctx.issue_certificate(&authority, &meter, u64::MAX, START, END);
    assert_error(&res, code(E::CertificationExceedsExport));
    ctx.assert_unchanged(&before);
}

// ------------------------------------------------------------ authority

#[test]
fn accept_authority_rejects_a_stranger_with_no_proposal() {
    let Fx { mut ctx, .. } = fx();
    let stranger = ctx.new_user();
    let before = ctx.snapshot(&[certs::config_address()]);
    assert_error(
        &ctx.accept_certificate_authority(&stranger),
        code(E::NotPendingAuthority),
    );
    ctx.assert_unchanged(&before);
}

#[test]
fn propose_authority_rejects_the_pending_authority() {
    let Fx {
        mut ctx, authority, ..
    } = fx();
    let next = ctx.new_user();
    expect_ok(ctx.propose_certificate_authority(&authority, &next.pubkey()));
    let before = ctx.snapshot(&[certs::config_address()]);
    let stranger = Pubkey::new_unique();
    assert_error(
        &ctx.propose_certificate_authority(&next, &stranger),
        code(E::NotAuthority),
    );
    assert_error(
        &ctx.set_certificates_pause(&next, certs::PAUSE_ALL),
        code(E::NotAuthority),
    );
    ctx.assert_unchanged(&before);
}

#[test]
fn accept_authority_rejects_an_unsigned_pending_authority() {
    let Fx {
        mut ctx, authority, ..
    } = fx();
    let next = ctx.new_user();
    expect_ok(ctx.propose_certificate_authority(&authority, &next.pubkey()));
    let before = ctx.snapshot(&[certs::config_address()]);
    let mut ix = certs::AcceptAuthority {
        new_authority: next.pubkey(),
    }
    .instruction();
    ix.accounts[0].is_signer = false;
    assert_error(&ctx.send_unrecorded(&[ix], &[]), F::ConstraintSigner as u32);
    ctx.assert_unchanged(&before);
    assert_eq!(ctx.cert_config().authority, authority.pubkey());
}
