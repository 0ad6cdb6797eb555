//! The demo runs and tells the truth.

use joule_tests::demo;

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
    assert!(report.minted_wh > 0 && report.redeemed_wh > 0 && report.retired_wh > 0);
    assert!(text.contains("energy token supply"));
    assert!(report.invariants_hold && !text.contains("VIOLATED"));
    // The auction: 50 kWh match between 0.080 and 0.090; the tie-break picks the middle.
    assert_eq!((report.clearing_price, report.volume_wh), (85_000, 50_000));
}
