//! Certificates program, run as real SBF in litesvm.

use joule_tests::{certificates::certificates_scenario, cu, TestContext};

#[test]
fn scenario_cu() {
    let mut ctx = TestContext::new();
    let s = certificates_scenario(&mut ctx);
    let _ = s;
    for l in ["certificates::initialize", "issue_certificate", "split_certificate", "transfer_certificate", "retire_certificate"] {
        println!("{l}: {:?}", cu::stat(l));
    }
}

#[test]
fn logs_dump() {
    use joule_tests::expect_ok;
    use solana_signer::Signer;
    let mut ctx = TestContext::new();
    let authority = ctx.init_certificates();
    let producer = ctx.new_user();
    let meter = ctx.meter_with_energy(&producer, "X-1", joule_sdk::registry::MeterKind::Solar, 12_000, 0);
    for _ in 0..6 {
        let end = ctx.meter(&meter).last_reading_ts;
        let (_c, res) = ctx.issue_certificate(&authority, &meter, 1_000, end - 3_600, end);
        let ok = expect_ok(res);
        println!("ISSUE cu={}\n{}", ok.cu, ok.logs.join("\n"));
    }
    let c = joule_sdk::certificates::certificate_address(1).0;
    let (_n, res) = ctx.split_certificate(&producer, &c, 400, 600, &producer.pubkey());
    let ok = expect_ok(res);
    println!("SPLIT cu={}\n{}", ok.cu, ok.logs.join("\n"));
}
