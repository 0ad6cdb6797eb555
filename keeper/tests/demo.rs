//! The demo (`joule-keeper demo`, what `scripts/demo.sh` runs): the keeper
//! over a real gateway and real DISCOM files on the embedded chain, every
//! invariant holding; each invariant check failing when the state it
//! checks is wrong; the binary's exit codes and JSON.

use joule_keeper::demo::report::{check, Snapshot};
use joule_keeper::demo::{run, DemoOptions};
use std::process::Command;

fn failing(s: &Snapshot) -> Vec<&'static str> {
    check(s)
        .into_iter()
        .filter(|c| !c.ok)
        .map(|c| c.name)
        .collect()
}

#[test]
fn the_keepers_story_runs_and_every_invariant_holds_and_each_check_can_fail() {
    let mut text = Vec::new();
    let report = run(&DemoOptions::default(), &mut text).expect("the demo runs");
    let text = String::from_utf8(text).expect("utf-8");
    assert!(report.invariants_hold(), "{text}");
    assert_eq!(report.checks.len(), 12);

    // Four epochs, each cleared by the keeper, fully settled, certified,
    // partly retired and redeemed.
    assert_eq!(report.epochs.len(), 4);
    for row in &report.epochs {
        let cleared = row.cleared.expect("cleared");
        assert!(cleared.volume_wh > 0, "{row:?}");
        assert_eq!(row.settled_wh, cleared.volume_wh);
        assert!(row.certified_wh > 0 && row.retired_wh > 0 && row.redeemed_wh > 0);
        assert!(row.retired_wh < row.certified_wh);
    }
    // Epoch 0 has no wind yet (its DISCOM file comes at the end of the hour).
    assert_eq!(report.epochs[0].orders, 11);
    let k = &report.keeper;
    assert_eq!(
        (k.epochs_cleared, k.epochs_settled, k.epochs_closed),
        (4, 4, 4)
    );
    assert_eq!(k.epochs_opened, 5);
    assert_eq!(report.snapshot.readings_applied, 12 * 17 - 1);
    assert_eq!(k.readings_rejected.get("negative_value"), Some(&4));
    assert!(k.readings_rejected.get("register_decreased") >= Some(&1));
    assert!(k.lookup_tables >= 1);
    // The units come from the transactions the chain included.
    for (program, instruction, by) in [
        ("registry", "submit_readings x8 (v0)", "keeper"),
        ("registry", "mint_energy", "keeper"),
        ("market", "clear_epoch", "keeper"),
        ("market", "close_epoch", "keeper"),
        ("market", "place_order", "user"),
        ("registry", "redeem_consumption", "user"),
        ("certificates", "issue_certificate", "authority"),
        ("certificates", "split_certificate", "user"),
    ] {
        assert!(
            report.units.iter().any(|r| r.program == program
                && r.instruction == instruction
                && r.by == by
                && r.min > 0),
            "{instruction}: {:?}",
            report.units
        );
    }
    assert!(report
        .units
        .iter()
        .any(|r| r.instruction.starts_with("settle_orders x")));
    for line in [
        "epoch 0 cleared by the keeper at",
        "refused (register_decreased)",
        "Per epoch",
        "Compute units of every Joule instruction",
        "Every invariant holds.",
    ] {
        assert!(text.contains(line), "{line}\n{text}");
    }

    // Each check fails when what it checks is wrong.
    let base = report.snapshot.clone();
    assert!(failing(&base).is_empty());
    type Tamper = fn(&mut Snapshot);
    let cases: [(&str, Tamper); 12] = [
        ("every valid reading recorded exactly once", |s| {
            s.readings_applied += 1
        }),
        (
            "every meter's energy on chain equals its feed's, to the Wh",
            |s| s.meters[0].imported_wh += 1,
        ),
        (
            "minted and certified <= exported, redeemed <= imported",
            |s| s.meters[5].redeemed_wh = s.meters[5].imported_wh + 1,
        ),
        (
            "the keeper minted every opted-in export, and nothing else",
            |s| s.meters[11].minted_wh = 1,
        ),
        ("token supply = minted - redeemed", |s| s.supply_wh += 1),
        (
            "every energy token held by someone (holders + vaults = supply)",
            |s| s.energy_held_wh -= 1,
        ),
        (
            "no quote unit created or lost (holders + vault = funded)",
            |s| s.quote_held -= 1,
        ),
        (
            "every epoch cleared, settled and closed; vaults empty",
            |s| s.live_epochs.insert(0, 2),
        ),
        (
            "each clearing = the reference clearing of the orders placed",
            |s| {
                if let Some(r) = s.clearings[1].reference.as_mut() {
                    r.0 += 1_000
                }
            },
        ),
        ("settled = cleared volume, buys and sells", |s| {
            s.clearings[2].settled_sell_wh -= 1
        }),
        (
            "certificates: active + retired = certified on each meter = issued",
            |s| s.meters[4].certificates_retired_wh += 1,
        ),
        ("the feeds' junk refused, each with its reason", |s| {
            s.rejections.remove("unknown_serial");
        }),
    ];
    for (name, tamper) in cases {
        let mut s = base.clone();
        tamper(&mut s);
        assert!(failing(&s).contains(&name), "{name}: {:?}", failing(&s));
    }
}

fn keeper() -> Command {
    Command::new(env!("CARGO_BIN_EXE_joule-keeper"))
}

#[test]
fn the_binary_exits_zero_prints_json_and_refuses_a_bad_epoch_count() {
    let out = keeper()
        .args(["demo", "--epochs", "1", "--output", "json"])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["epochs"].as_array().map(Vec::len), Some(1));
    let checks = json["checks"].as_array().expect("checks");
    assert_eq!(checks.len(), 12);
    assert!(checks.iter().all(|c| c["ok"] == true), "{checks:?}");

    let out = keeper()
        .args(["demo", "--epochs", "13"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--epochs must be 1 to 12"));
}
