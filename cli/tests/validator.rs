//! The scenario against a real `solana-test-validator` started by the
//! test, with the real `joule` binary: it must end in the same state as
//! the same scenario on the embedded chain, refuse the same mistakes, and
//! measure the same compute units for every instruction that makes no
//! token CPI (the validator runs classic SPL Token, which costs more per
//! CPI than litesvm's p-token).
//!
//! Runs when `JOULE_VALIDATOR_TESTS=1` (scripts/test.sh sets it, inside a
//! private network namespace); then a missing validator fails the test
//! with the command that installs it.

mod scenario;

use scenario::embedded::Embedded;
use scenario::validator::{BinaryRunner, Validator};
use scenario::Cast;
use std::collections::BTreeMap;

/// Instructions whose transactions make token CPIs (their compute units
/// differ between p-token and classic SPL Token).
const TOKEN_CPI: &[&str] = &[
    "mint_energy",
    "place_order (sell)",
    "place_order (buy)",
    "cancel_order",
    "settle_orders (3 orders)",
    "redeem_consumption",
    "open_epoch",
];

fn enabled() -> bool {
    if std::env::var_os("JOULE_VALIDATOR_TESTS").is_some() {
        return true;
    }
    eprintln!("skipped: set JOULE_VALIDATOR_TESTS=1 to run against solana-test-validator (scripts/test.sh does)");
    false
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("joule-validator-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn max_units(units: &[(String, u64)]) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for (label, u) in units {
        let e = out.entry(label.clone()).or_insert(0);
        *e = (*e).max(*u);
    }
    out
}

#[test]
fn the_scenario_on_solana_test_validator_ends_as_on_the_embedded_chain() {
    if !enabled() {
        return;
    }
    let dir = temp_dir("scenario");
    let embedded_cast = Cast::new(&dir.join("embedded"));
    let embedded = Embedded::new(&embedded_cast);
    let on_embedded = scenario::run(&embedded, &embedded_cast);
    let embedded_state = scenario::snapshot(&embedded, &embedded_cast);

    let cast = Cast::new(&dir.join("validator"));
    let validator = Validator::start(&cast, &dir.join("validator"));
    let runner = BinaryRunner {
        validator: &validator,
    };
    let on_validator = scenario::run(&runner, &cast);
    let validator_state = scenario::snapshot(&runner, &cast);
    assert_eq!(
        validator_state, embedded_state,
        "the two chains ended in different states"
    );

    scenario::mistakes(&runner, &cast);
    scenario::program_errors_and_dry_runs(&runner, &cast);

    // Compute units: equal wherever no token CPI is made.
    let (e, v) = (
        max_units(&on_embedded.units),
        max_units(&on_validator.units),
    );
    println!(
        "compute units per transaction (the instruction plus two compute-budget instructions)"
    );
    println!(
        "{:<26} {:>10} {:>22}",
        "instruction", "embedded", "solana-test-validator"
    );
    for (label, units) in &e {
        let other = v.get(label).copied().unwrap_or(0);
        println!("{label:<26} {units:>10} {other:>22}");
        if !TOKEN_CPI.contains(&label.as_str()) {
            assert_eq!(
                *units, other,
                "{label}: the chains measured different compute units"
            );
        } else {
            assert!(
                other >= *units,
                "{label}: classic SPL Token should cost at least p-token's units"
            );
        }
    }
    println!(
        "validator: {} readings in {} transactions, {:.2} s ({:.1} readings/s through the CLI, one process per command)",
        on_validator.readings,
        on_validator.reading_transactions,
        on_validator.readings_secs,
        on_validator.readings as f64 / on_validator.readings_secs.max(1e-9)
    );
    println!(
        "validator: {} orders settled in {:.2} s ({:.1} orders/s)",
        on_validator.settled_orders,
        on_validator.settle_secs,
        on_validator.settled_orders as f64 / on_validator.settle_secs.max(1e-9)
    );

    let pid = validator.pid();
    validator.stop();
    assert!(
        !std::path::Path::new(&format!("/proc/{pid}")).exists()
            || std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .is_ok_and(|s| s.contains(") Z")),
        "the validator is still running"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
