//! Adversarial tests of the registry program, run as real SBF in litesvm.
//! Each performs an attack and asserts the exact error and that no account
//! or balance moved.
//!
//! - `submit_readings_rejects_meter_owned_by_another_program`: a byte-exact
//!   copy of a live meter, owned by another program, fed readings.
//! - `activate_meter_rejects_fake_config_owned_by_another_program`: a copy of
//!   the config naming the attacker as admin, owned by another program.
//! - `mint_energy_rejects_config_passed_as_meter`: type confusion, a Config
//!   where a Meter is expected.
//! - `activate_meter_rejects_meter_passed_as_config`: type confusion, a meter
//!   owner signing as "admin" with their Meter where the Config is expected.
//! - `submit_readings_rejects_impossible_increase_split_across_the_same_meter_twice`:
//!   the same meter twice in one batch, increasing timestamps, an increase
//!   that is only possible over the whole interval split so the second half
//!   claims it in one second (and the honest split, which credits the sum once).
//! - `mint_energy_rejects_energy_mint_as_token_account`: the energy mint
//!   passed as the destination token account too (one account, two roles).
//! - `redeem_consumption_rejects_wrong_token_program`: a token program
//!   impostor for the burn.
//! - `redeem_consumption_rejects_substituted_energy_mint`: a look-alike mint
//!   the attacker controls.
//! - `mint_energy_rejects_pending_meter`: minting before verification.
//! - `redeem_consumption_rejects_suspended_meter`: redeeming while suspended.
//! - `accept_meter_transfer_rejects_stranger_without_proposal`: accepting a
//!   meter nobody offered.
//! - `accept_meter_transfer_rejects_while_paused`: a pause bypass through the
//!   second step of a transfer proposed before the pause.
//! - `submit_readings_rejects_timestamps_at_i64_extremes`: `i64::MIN` (stale,
//!   skipped) and `i64::MAX` (in the future) with `u64::MAX` registers.
//! - `submit_readings_rejects_1gw_increase_above_bound_across_2_pow_33_seconds`:
//!   the rated-power bound at the 1 GW limit, one Wh above and exactly at
//!   the bound, on both sides of the 2^33 s fast-path boundary.
//! - `submit_readings_rejects_oracle_removed_earlier_in_the_same_transaction`:
//!   the oracle's removal and its batch in one transaction.
//! - `set_oracles_rejects_default_oracle_address`: the all-zero address as an
//!   oracle.
//! - `activate_meter_rejects_owner_swapped_before_activation`: the owner the
//!   admin verified hands the pending meter to someone else first.
//! - `close_meter_rejects_meter_as_its_own_rent_destination`: a meter
//!   reassigned to its own address, closed into itself.
//! - `reassign_meter_rejects_config_passed_as_meter`: type confusion on the
//!   new admin instruction.
//! - `reassign_meter_rejects_suspended_meter_with_unminted_energy`: a
//!   suspended meter whose credited energy is not yet minted, reassigned
//!   (or closed) away from its owner.

use joule_sdk::{
    registry::{self as reg, MeterKind, Reading, RegistryError as E, SubmitReadingsResult},
    FrameworkError as F, Pubkey,
};
use joule_tests::{assert_error, expect_ok, TestContext, GENESIS_TS};
use solana_account::Account;
use solana_keypair::Keypair;
use solana_signer::Signer;

const SOLAR: MeterKind = MeterKind::Solar;
const RATED_W: u64 = 5_000;

fn r(timestamp: i64, export_register_wh: u64, import_register_wh: u64) -> Reading {
    Reading {
        timestamp,
        export_register_wh,
        import_register_wh,
    }
}

fn code(e: E) -> u32 {
    e as u32
}

fn fw(e: F) -> u32 {
    e as u32
}

/// A context, an owner and an active 5 kW meter with a baseline at
/// GENESIS_TS - 3600 (10,000 / 20,000 Wh) and 4,000 Wh exported and 500 Wh
/// imported credited at GENESIS_TS, none minted.
fn credited_meter() -> (TestContext, Keypair, Pubkey) {
    let mut ctx = TestContext::new();
    let owner = ctx.new_user();
    let meter = ctx.active_meter(&owner, "ATK-0001", SOLAR, RATED_W);
    expect_ok(ctx.submit_readings(&[(meter, r(GENESIS_TS - 3_600, 10_000, 20_000))]));
    expect_ok(ctx.submit_readings(&[(meter, r(GENESIS_TS, 14_000, 20_500))]));
    (ctx, owner, meter)
}

/// Puts a copy of `source` at a fresh address, owned by `owner`, with
/// `edit` applied to its data.
fn forge(
    ctx: &mut TestContext,
    source: &Pubkey,
    owner: Pubkey,
    edit: impl Fn(&mut [u8]),
) -> Pubkey {
    let real = ctx.svm.get_account(source).expect("source account");
    let mut data = real.data.clone();
    edit(&mut data);
    let key = Pubkey::new_unique();
    ctx.svm
        .set_account(
            key,
            Account {
                lamports: real.lamports,
                data,
                owner,
                executable: false,
                rent_epoch: 0,
            },
        )
        .expect("forge account");
    key
}

#[test]
fn submit_readings_rejects_meter_owned_by_another_program() {
    let (mut ctx, owner, meter) = credited_meter();
    let fake = forge(&mut ctx, &meter, joule_sdk::market::ID, |_| {});
    let before = ctx.snapshot(&[meter, fake]);
    let res = ctx.submit_readings(&[(fake, r(GENESIS_TS + 60, 14_080, 20_500))]);
    assert_error(&res, code(E::MeterNotRegistered));
    // Nor can it be minted from.
    let ata = ctx.energy_ata(&owner.pubkey());
    let before_ata = ctx.snapshot(&[ata, ctx.energy_mint()]);
    assert_error(&ctx.mint_energy(&fake, &ata), code(E::MeterNotRegistered));
    ctx.assert_unchanged(&before);
    ctx.assert_unchanged(&before_ata);
}

#[test]
fn activate_meter_rejects_fake_config_owned_by_another_program() {
    let mut ctx = TestContext::new();
    let attacker = ctx.new_user();
    let (meter, res) = ctx.register_meter(&attacker, "ATK-FAKE-CONFIG", SOLAR, RATED_W);
    expect_ok(res);
    // The real config, with the attacker as admin, owned by another program.
    let who = attacker.pubkey();
    let fake = forge(
        &mut ctx,
        &reg::config_address(),
        joule_sdk::market::ID,
        |d| d[8..40].copy_from_slice(who.as_ref()),
    );
    let before = ctx.snapshot(&[meter, reg::config_address(), fake]);
    let mut ix = reg::ActivateMeter {
        admin: attacker.pubkey(),
        meter,
        expected_owner: attacker.pubkey(),
    }
    .instruction();
    ix.accounts[1].pubkey = fake;
    assert_error(
        &ctx.send("activate_meter", &[ix], &[&attacker]),
        fw(F::AccountOwnedByWrongProgram),
    );
    ctx.assert_unchanged(&before);
}

#[test]
fn mint_energy_rejects_config_passed_as_meter() {
    let (mut ctx, owner, meter) = credited_meter();
    let ata = ctx.energy_ata(&owner.pubkey());
    let before = ctx.snapshot(&[meter, ata, reg::config_address(), ctx.energy_mint()]);
    let mut ix = reg::MintEnergy {
        meter,
        owner_token: ata,
    }
    .instruction();
    ix.accounts[1].pubkey = reg::config_address();
    assert_error(
        &ctx.send("mint_energy", &[ix], &[]),
        fw(F::AccountDiscriminatorMismatch),
    );
    ctx.assert_unchanged(&before);
}

#[test]
fn activate_meter_rejects_meter_passed_as_config() {
    let mut ctx = TestContext::new();
    let owner = ctx.new_user();
    let (meter, res) = ctx.register_meter(&owner, "ATK-TYPE", SOLAR, RATED_W);
    expect_ok(res);
    let before = ctx.snapshot(&[meter, reg::config_address()]);
    // The owner signs as "admin" and passes its own meter as the config.
    let mut ix = reg::ActivateMeter {
        admin: owner.pubkey(),
        meter,
        expected_owner: owner.pubkey(),
    }
    .instruction();
    ix.accounts[1].pubkey = meter;
    assert_error(
        &ctx.send("activate_meter", &[ix], &[&owner]),
        fw(F::AccountDiscriminatorMismatch),
    );
    ctx.assert_unchanged(&before);
}

#[test]
fn submit_readings_rejects_impossible_increase_split_across_the_same_meter_twice() {
    let (mut ctx, _owner, meter) = credited_meter();
    ctx.advance(3_600);
    let before = ctx.snapshot(&[meter]);
    // 5 kW: at most 5,000 Wh per hour. The first half-hour honest, the
    // second reading claims 5,000 Wh one second later.
    let res = ctx.submit_readings(&[
        (meter, r(GENESIS_TS + 1_800, 16_500, 20_500)),
        (meter, r(GENESIS_TS + 1_801, 21_500, 20_500)),
    ]);
    assert_error(&res, code(E::ImpossibleIncrease));
    ctx.assert_unchanged(&before);
    // The honest split credits each half once.
    let ok = expect_ok(ctx.submit_readings(&[
        (meter, r(GENESIS_TS + 1_800, 16_500, 20_500)),
        (meter, r(GENESIS_TS + 3_600, 19_000, 20_500)),
    ]));
    let res = SubmitReadingsResult::decode(&ok.return_data).unwrap();
    assert_eq!((res.applied, res.skipped), (2, 0));
    assert_eq!(ctx.meter(&meter).exported_wh, 4_000 + 5_000);
}

#[test]
fn mint_energy_rejects_energy_mint_as_token_account() {
    let (mut ctx, owner, meter) = credited_meter();
    let ata = ctx.energy_ata(&owner.pubkey());
    let mint = ctx.energy_mint();
    let before = ctx.snapshot(&[meter, ata, mint]);
    assert_error(
        &ctx.mint_energy(&meter, &mint),
        fw(F::AccountNotInitialized),
    );
    ctx.assert_unchanged(&before);
}

#[test]
fn redeem_consumption_rejects_wrong_token_program() {
    let (mut ctx, owner, meter) = credited_meter();
    let ata = ctx.energy_ata(&owner.pubkey());
    expect_ok(ctx.mint_energy(&meter, &ata));
    let before = ctx.snapshot(&[meter, ata, ctx.energy_mint()]);
    let mut ix = reg::RedeemConsumption {
        owner: owner.pubkey(),
        meter,
        owner_token: ata,
        amount_wh: 500,
    }
    .instruction();
    ix.accounts[5].pubkey = reg::ID;
    assert_error(
        &ctx.send("redeem_consumption", &[ix], &[&owner]),
        fw(F::InvalidProgramId),
    );
    ctx.assert_unchanged(&before);
}

#[test]
fn redeem_consumption_rejects_substituted_energy_mint() {
    let (mut ctx, owner, meter) = credited_meter();
    // Worthless tokens of a look-alike mint the owner controls.
    let fake_mint = ctx.create_mint(&owner.pubkey(), 3);
    let fake_token = ctx.token_account(&owner.pubkey(), &fake_mint);
    ctx.mint_tokens(&fake_mint, &fake_token, &owner, 500);
    let before = ctx.snapshot(&[meter, fake_token, fake_mint, ctx.energy_mint()]);
    let mut ix = reg::RedeemConsumption {
        owner: owner.pubkey(),
        meter,
        owner_token: fake_token,
        amount_wh: 500,
    }
    .instruction();
    ix.accounts[3].pubkey = fake_mint;
    assert_error(
        &ctx.send("redeem_consumption", &[ix], &[&owner]),
        fw(F::ConstraintAddress),
    );
    // With the real mint named, the foreign token account is refused too.
    assert_error(
        &ctx.redeem(&owner, &meter, &fake_token, 500),
        fw(F::ConstraintTokenMint),
    );
    ctx.assert_unchanged(&before);
}

#[test]
fn mint_energy_rejects_pending_meter() {
    let mut ctx = TestContext::new();
    let owner = ctx.new_user();
    let (meter, res) = ctx.register_meter(&owner, "ATK-PENDING", SOLAR, RATED_W);
    expect_ok(res);
    let ata = ctx.energy_ata(&owner.pubkey());
    let before = ctx.snapshot(&[meter, ata, ctx.energy_mint()]);
    assert_error(&ctx.mint_energy(&meter, &ata), code(E::MeterNotActive));
    assert_error(
        &ctx.submit_readings(&[(meter, r(GENESIS_TS, 1, 1))]),
        code(E::MeterNotActive),
    );
    ctx.assert_unchanged(&before);
}

#[test]
fn redeem_consumption_rejects_suspended_meter() {
    let (mut ctx, owner, meter) = credited_meter();
    let ata = ctx.energy_ata(&owner.pubkey());
    expect_ok(ctx.mint_energy(&meter, &ata));
    expect_ok(ctx.suspend_meter(&meter));
    let before = ctx.snapshot(&[meter, ata, ctx.energy_mint()]);
    assert_error(
        &ctx.redeem(&owner, &meter, &ata, 500),
        code(E::MeterNotActive),
    );
    ctx.assert_unchanged(&before);
}

#[test]
fn accept_meter_transfer_rejects_stranger_without_proposal() {
    let (mut ctx, _owner, meter) = credited_meter();
    let stranger = ctx.new_user();
    let before = ctx.snapshot(&[meter]);
    let ix = reg::AcceptMeterTransfer {
        new_owner: stranger.pubkey(),
        meter,
    }
    .instruction();
    assert_error(
        &ctx.send("accept_meter_transfer", &[ix], &[&stranger]),
        code(E::NotPendingOwner),
    );
    ctx.assert_unchanged(&before);
}

#[test]
fn accept_meter_transfer_rejects_while_paused() {
    let (mut ctx, owner, meter) = credited_meter();
    let buyer = ctx.new_user();
    let ix = reg::ProposeMeterTransfer {
        owner: owner.pubkey(),
        meter,
        new_owner: buyer.pubkey(),
    }
    .instruction();
    expect_ok(ctx.send("propose_meter_transfer", &[ix], &[&owner]));
    expect_ok(ctx.set_pause(reg::PAUSE_REGISTRY));
    let before = ctx.snapshot(&[meter, reg::config_address()]);
    let ix = reg::AcceptMeterTransfer {
        new_owner: buyer.pubkey(),
        meter,
    }
    .instruction();
    assert_error(
        &ctx.send("accept_meter_transfer", &[ix], &[&buyer]),
        code(E::Paused),
    );
    ctx.assert_unchanged(&before);
}

#[test]
fn submit_readings_rejects_timestamps_at_i64_extremes() {
    let (mut ctx, _owner, meter) = credited_meter();
    let before = ctx.snapshot(&[meter]);
    let ok = expect_ok(ctx.submit_readings(&[(meter, r(i64::MIN, u64::MAX, u64::MAX))]));
    let res = SubmitReadingsResult::decode(&ok.return_data).unwrap();
    assert_eq!(
        (res.applied, res.skipped, res.skipped_mask),
        (0, 1, vec![1])
    );
    assert_error(
        &ctx.submit_readings(&[(meter, r(i64::MAX, u64::MAX, u64::MAX))]),
        code(E::ReadingInFuture),
    );
    // A stale extreme first, a future one second: the batch fails whole.
    assert_error(
        &ctx.submit_readings(&[(meter, r(i64::MIN, 0, 0)), (meter, r(i64::MAX, 0, 0))]),
        code(E::ReadingInFuture),
    );
    ctx.assert_unchanged(&before);
}

/// At 1 GW the bound is `delta_wh * 3600 <= 1e9 * elapsed`; below 2^33 s
/// it is checked in 64 bits, from 2^33 s in 128 bits. One Wh above the
/// bound fails on both sides of the boundary; exactly the bound passes.
#[test]
fn submit_readings_rejects_1gw_increase_above_bound_across_2_pow_33_seconds() {
    const GW: u64 = reg::MAX_RATED_POWER_W;
    for elapsed in [(1u64 << 33) - 1, 1u64 << 33] {
        let mut ctx = TestContext::new();
        let owner = ctx.new_user();
        let meter = ctx.active_meter(&owner, "ATK-GW", MeterKind::Hydro, GW);
        let t0 = GENESIS_TS + 1;
        expect_ok(ctx.submit_readings(&[(meter, r(t0, 0, 0))]));
        let t1 = t0 + elapsed as i64;
        ctx.set_time(t1);
        let max = ((GW as u128 * elapsed as u128) / 3_600) as u64;
        let before = ctx.snapshot(&[meter]);
        assert_error(
            &ctx.submit_readings(&[(meter, r(t1, max + 1, 0))]),
            code(E::ImpossibleIncrease),
        );
        assert_error(
            &ctx.submit_readings(&[(meter, r(t1, 0, max + 1))]),
            code(E::ImpossibleIncrease),
        );
        ctx.assert_unchanged(&before);
        expect_ok(ctx.submit_readings(&[(meter, r(t1, max, max))]));
        let m = ctx.meter(&meter);
        assert_eq!((m.exported_wh, m.imported_wh), (max, max), "{elapsed} s");
    }
}

#[test]
fn submit_readings_rejects_oracle_removed_earlier_in_the_same_transaction() {
    let (mut ctx, _owner, meter) = credited_meter();
    let admin = ctx.admin.insecure_clone();
    let oracle = ctx.oracle.insecure_clone();
    let before = ctx.snapshot(&[meter, reg::config_address()]);
    let res = ctx.send(
        "remove then submit",
        &[
            reg::SetOracles {
                admin: admin.pubkey(),
                add: &[],
                remove: &[oracle.pubkey()],
            }
            .instruction(),
            reg::SubmitReadings {
                oracle: oracle.pubkey(),
                readings: &[(meter, r(GENESIS_TS + 60, 14_050, 20_500))],
            }
            .instruction(),
        ],
        &[&admin, &oracle],
    );
    assert_error(&res, code(E::NotOracle));
    // The whole transaction reverted: the oracle is still in the set.
    ctx.assert_unchanged(&before);
    assert!(ctx.config().is_oracle(&oracle.pubkey()));
}

#[test]
fn set_oracles_rejects_default_oracle_address() {
    let mut ctx = TestContext::new();
    let admin = ctx.admin.insecure_clone();
    let before = ctx.snapshot(&[reg::config_address()]);
    let res = ctx.send(
        "set_oracles",
        &[reg::SetOracles {
            admin: admin.pubkey(),
            add: &[Pubkey::default()],
            remove: &[],
        }
        .instruction()],
        &[&admin],
    );
    assert_error(&res, code(E::InvalidOracle));
    ctx.assert_unchanged(&before);
    assert!(!ctx.config().is_oracle(&Pubkey::default()));
}

#[test]
fn activate_meter_rejects_owner_swapped_before_activation() {
    let mut ctx = TestContext::new();
    let verified = ctx.new_user();
    let accomplice = ctx.new_user();
    let (meter, res) = ctx.register_meter(&verified, "ATK-SWAP", SOLAR, RATED_W);
    expect_ok(res);
    // Verified off-chain as `verified`'s, then handed over before activation.
    let ix = reg::ProposeMeterTransfer {
        owner: verified.pubkey(),
        meter,
        new_owner: accomplice.pubkey(),
    }
    .instruction();
    expect_ok(ctx.send("propose_meter_transfer", &[ix], &[&verified]));
    let ix = reg::AcceptMeterTransfer {
        new_owner: accomplice.pubkey(),
        meter,
    }
    .instruction();
    expect_ok(ctx.send("accept_meter_transfer", &[ix], &[&accomplice]));
    let before = ctx.snapshot(&[meter]);
    assert_error(
        &ctx.activate_meter_expecting(&meter, &verified.pubkey()),
        code(E::UnexpectedMeterOwner),
    );
    ctx.assert_unchanged(&before);
}

#[test]
fn close_meter_rejects_meter_as_its_own_rent_destination() {
    let mut ctx = TestContext::new();
    let owner = ctx.new_user();
    let (meter, res) = ctx.register_meter(&owner, "ATK-SELF", SOLAR, RATED_W);
    expect_ok(res);
    expect_ok(ctx.reassign_meter(&meter, &meter));
    let before = ctx.snapshot(&[meter]);
    assert_error(&ctx.close_meter(&meter, &meter), fw(F::ConstraintAddress));
    ctx.assert_unchanged(&before);
}

#[test]
fn reassign_meter_rejects_config_passed_as_meter() {
    let mut ctx = TestContext::new();
    let attacker = ctx.new_user();
    let before = ctx.snapshot(&[reg::config_address()]);
    let admin = ctx.admin.insecure_clone();
    let mut ix = reg::ReassignMeter {
        admin: admin.pubkey(),
        meter: reg::config_address(),
        new_owner: attacker.pubkey(),
    }
    .instruction();
    // The config as the meter (writable): its admin field sits where a
    // meter's owner does.
    ix.accounts[2].pubkey = reg::config_address();
    assert_error(
        &ctx.send("reassign_meter", &[ix], &[&admin]),
        fw(F::AccountDiscriminatorMismatch),
    );
    ctx.assert_unchanged(&before);
}

/// A meter with credited energy not yet minted is suspended. Reassigning
/// it would hand that credit to the new owner (an admin confiscating it):
/// refused until it is minted to its owner; closing it is refused outright.
#[test]
fn reassign_meter_rejects_suspended_meter_with_unminted_energy() {
    let (mut ctx, owner, meter) = credited_meter();
    expect_ok(ctx.suspend_meter(&meter));
    let rightful = ctx.new_user();
    let before = ctx.snapshot(&[meter, ctx.energy_mint()]);
    assert_error(
        &ctx.reassign_meter(&meter, &rightful.pubkey()),
        code(E::UnmintedEnergy),
    );
    assert_error(
        &ctx.close_meter(&meter, &owner.pubkey()),
        code(E::MeterNotPending),
    );
    ctx.assert_unchanged(&before);
}
