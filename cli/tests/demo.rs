//! The demo runs on the embedded chain through the flows, and tells the
//! truth.

use joule_cli::demo;

#[test]
fn demo_runs() {
    let mut out = Vec::new();
    let report = demo::run(&mut out).expect("demo");
    let text = String::from_utf8(out).expect("utf-8");
    println!("{text}");
    // 4 meters: one baseline + 24 hourly readings each; the resent batch is
    // skipped whole, and so is the reading backdated before activation.
    assert_eq!(report.readings_applied, 4 * 25);
    assert_eq!(report.readings_skipped, 4 + 1);
    // The baseline and 12 hours (52 readings of 4 meters) in legacy
    // transactions, the other 12 hours (48) in v0 ones.
    assert_eq!(report.readings_per_legacy_tx, vec![33, 19]);
    assert_eq!(report.readings_per_v0_tx, vec![38, 10]);
    assert!(report.minted_wh > 0 && report.redeemed_wh > 0 && report.retired_wh > 0);
    assert_eq!(report.minted_wh, 29_200 + 17_520 + 90_300);
    assert_eq!(report.redeemed_wh, 20_000 + 9_600);
    assert_eq!(report.retired_wh, 90_300 / 4);
    assert!(text.contains("energy token supply"));
    assert!(report.invariants_hold && !text.contains("VIOLATED"));
    // The auction: 50 kWh match between 0.080 and 0.090; the tie-break picks the middle.
    assert_eq!((report.clearing_price, report.volume_wh), (85_000, 50_000));
}
