//! The end-to-end scenario every chain runs through the CLI: init,
//! meters, readings (legacy and v0 with a lookup table), minting, one
//! epoch traded by three people, settlement, redemption, and the
//! certificate lifecycle; then the common mistakes, each refused with its
//! exit code and message and nothing changed on chain.
//!
//! A [`Runner`] runs `joule` commands: in process on the embedded chain,
//! or the real binary against `solana-test-validator`. Keypairs come from
//! fixed seeds, so both chains hold the same addresses and their final
//! states can be compared field by field.

#![allow(dead_code)]

pub mod embedded;
pub mod validator;

use joule_client::{Keypair, Signer};
use joule_sdk::Pubkey;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What a failed command reports.
#[derive(Clone, Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

/// Runs `joule` commands on one chain.
pub trait Runner {
    /// Runs `joule --output json --keypair <signer> <args>`.
    fn joule(&self, signer: &Path, args: &[&str]) -> Result<Value, Failure>;
    /// The same, in text output.
    fn joule_text(&self, signer: &Path, args: &[&str]) -> Result<String, Failure>;
    /// The chain's unix time.
    fn now(&self) -> i64;
    /// Returns once the chain's clock has passed `ts`.
    fn wait_past(&self, ts: i64);
    /// Mints `amount` of the quote mint to `owner` (the admin is its mint
    /// authority).
    fn fund_quote(&self, admin: &Keypair, mint: &Pubkey, owner: &Pubkey, amount: u64);
    /// Compute units seen per command label, for the README table.
    fn label(&self) -> &'static str;
}

/// Lamports every participant starts with.
pub const START_LAMPORTS: u64 = 100_000_000_000;
/// Epoch length of the scenario's market (short: the validator waits it
/// out in real time).
pub const EPOCH_SECS: u32 = 12;

/// A participant: a fixed keypair and its file.
pub struct Who {
    pub name: &'static str,
    pub key: Keypair,
    pub file: PathBuf,
}

impl Who {
    pub fn pk(&self) -> String {
        self.key.pubkey().to_string()
    }
}

/// The scenario's people and files, written under `dir`.
pub struct Cast {
    pub dir: PathBuf,
    pub admin: Who,
    pub oracle: Who,
    pub alice: Who,
    pub bob: Who,
    pub carol: Who,
    pub quote_mint: Keypair,
    pub init_file: PathBuf,
}

fn keypair_file(dir: &Path, name: &str, key: &Keypair) -> PathBuf {
    let path = dir.join(format!("{name}.json"));
    let bytes = key.to_bytes().to_vec();
    std::fs::write(&path, serde_json::to_string(&bytes).expect("json")).expect("write keypair");
    path
}

impl Cast {
    pub fn new(dir: &Path) -> Cast {
        std::fs::create_dir_all(dir).expect("dir");
        let who = |name: &'static str, seed: u8| {
            let key = Keypair::new_from_array([seed; 32]);
            let file = keypair_file(dir, name, &key);
            Who { name, key, file }
        };
        let admin = who("admin", 1);
        let oracle = who("oracle", 2);
        let alice = who("alice", 3);
        let bob = who("bob", 4);
        let carol = who("carol", 5);
        let quote_mint = Keypair::new_from_array([9; 32]);
        keypair_file(dir, "quote-mint", &quote_mint);
        let init_file = dir.join("init.toml");
        std::fs::write(
            &init_file,
            format!(
                r#"# The scenario's deployment.
[registry]
oracles = ["{oracle}"]

[quote_mint]
keypair = "quote-mint.json"
decimals = 6

[[market]]
quote_mint = "{mint}"
epoch_length_secs = {EPOCH_SECS}
min_price = "0.010"
tick_size = "0.001"
tick_count = 1024
min_lot_kwh = "0.001"
fee_bps = 50
order_capacity = 64
min_order_value = "0.01"
order_deposit_lamports = 2000000
"#,
                oracle = oracle.key.pubkey(),
                mint = quote_mint.pubkey()
            ),
        )
        .expect("write init file");
        Cast {
            dir: dir.to_path_buf(),
            admin,
            oracle,
            alice,
            bob,
            carol,
            quote_mint,
            init_file,
        }
    }

    /// Everyone who needs SOL.
    pub fn funded(&self) -> Vec<Pubkey> {
        [
            &self.admin,
            &self.oracle,
            &self.alice,
            &self.bob,
            &self.carol,
        ]
        .iter()
        .map(|w| w.key.pubkey())
        .collect()
    }
}

fn ok(r: Result<Value, Failure>, what: &str) -> Value {
    match r {
        Ok(v) => v,
        Err(f) => panic!("{what}: exit {} {}", f.code, f.message),
    }
}

/// What the scenario measured.
#[derive(Debug, Default)]
pub struct Measured {
    /// (command, compute units of its transaction) in order.
    pub units: Vec<(String, u64)>,
    pub readings: usize,
    pub readings_secs: f64,
    pub reading_transactions: usize,
    pub settled_orders: usize,
    pub settle_secs: f64,
}

fn units(m: &mut Measured, label: &str, v: &Value) {
    if let Some(u) = v["transaction"]["compute_units"].as_u64() {
        m.units.push((label.to_string(), u));
    }
}

/// Runs the whole scenario and returns what it measured. Panics (with the
/// command and its error) at the first unexpected result.
pub fn run(r: &dyn Runner, c: &Cast) -> Measured {
    let mut m = Measured::default();
    let j =
        |who: &Who, args: &[&str]| ok(r.joule(&who.file, args), &format!("{} {args:?}", who.name));
    let init = c.init_file.to_str().expect("utf-8 path");

    // Init, twice: the second run changes nothing.
    let first = j(&c.admin, &["init", init]);
    assert_eq!(first["changed"], json!(true), "{first}");
    let second = j(&c.admin, &["init", init]);
    assert_eq!(second["changed"], json!(false), "{second}");
    let market = j(&c.admin, &["market", "list"]);
    assert_eq!(market.as_array().map(Vec::len), Some(1));

    // Meters: registered by their owners, activated by the admin.
    let meters = [
        (&c.alice, "SN-ALICE-01", "solar", "1000000"),
        (&c.bob, "SN-BOB-02", "consumption-only", "200000"),
        (&c.carol, "SN-CAROL-03", "consumption-only", "200000"),
    ];
    for (who, serial, kind, watts) in meters {
        let v = j(
            who,
            &[
                "meter",
                "register",
                serial,
                "--utility",
                "DISCOM-1",
                "--kind",
                kind,
                "--rated-power-w",
                watts,
            ],
        );
        units(&mut m, "register_meter", &v);
        assert_eq!(v["status"], "pending");
        let v = j(
            &c.admin,
            &["meter", "activate", serial, "--owner", &who.pk()],
        );
        units(&mut m, "activate_meter", &v);
        assert_eq!(v["status"], "active");
    }

    // Readings: baselines in a legacy transaction from a CSV file, then
    // the next readings in v0 through a lookup table.
    let t0 = r.now() + 5;
    let csv = c.dir.join("readings-1.csv");
    std::fs::write(
        &csv,
        format!(
            "serial,timestamp,export_kwh,import_kwh\nSN-ALICE-01,{t0},1000.000,50.000\nSN-BOB-02,{t0},0,2000.000\nSN-CAROL-03,{t0},0,500.000\n"
        ),
    )
    .expect("csv");
    let started = Instant::now();
    let v = j(
        &c.oracle,
        &["reading", "submit", "--file", csv.to_str().expect("path")],
    );
    assert_eq!(v["applied"], json!(3), "{v}");
    m.reading_transactions += v["transactions"].as_array().map(Vec::len).unwrap_or(0);
    let t1 = t0 + 120;
    let csv2 = c.dir.join("readings-2.csv");
    std::fs::write(
        &csv2,
        format!(
            "serial,timestamp,export_kwh,import_kwh\nSN-ALICE-01,{t1},1025.000,50.500\nSN-BOB-02,{t1},0,2004.000\nSN-CAROL-03,{t1},0,501.500\n"
        ),
    )
    .expect("csv");
    let v = j(
        &c.oracle,
        &[
            "reading",
            "submit",
            "--file",
            csv2.to_str().expect("path"),
            "--v0",
        ],
    );
    assert_eq!(v["applied"], json!(3), "{v}");
    assert!(v["lookup_table"].is_string(), "{v}");
    m.reading_transactions += v["transactions"].as_array().map(Vec::len).unwrap_or(0);
    // The same file again: every reading is skipped as a duplicate.
    let again = j(
        &c.oracle,
        &["reading", "submit", "--file", csv2.to_str().expect("path")],
    );
    assert_eq!(again["skipped"], json!(3), "{again}");
    m.reading_transactions += again["transactions"].as_array().map(Vec::len).unwrap_or(0);
    m.readings = 9;
    m.readings_secs = started.elapsed().as_secs_f64();
    let alice_meter = j(&c.alice, &["meter", "show", "SN-ALICE-01"]);
    assert_eq!(alice_meter["exported_wh"], json!(25_000));
    assert_eq!(alice_meter["imported_wh"], json!(500));

    // Minting: Alice's 25 kWh.
    let v = j(&c.bob, &["energy", "mint", "SN-ALICE-01"]);
    units(&mut m, "mint_energy", &v);
    assert_eq!(v["minted_wh"], json!(25_000));

    // Quote tokens for the buyers.
    for who in [&c.bob, &c.carol] {
        r.fund_quote(
            &c.admin.key,
            &c.quote_mint.pubkey(),
            &who.key.pubkey(),
            10_000_000,
        );
    }

    // One epoch.
    let opened = j(&c.alice, &["epoch", "open"]);
    units(&mut m, "open_epoch", &opened);
    let end_ts = opened["end_ts"].as_i64().expect("end_ts");
    let v = j(&c.alice, &["order", "sell", "10", "0.080"]);
    units(&mut m, "place_order (sell)", &v);
    let v = j(&c.bob, &["order", "buy", "4", "0.090"]);
    units(&mut m, "place_order (buy)", &v);
    j(
        &c.carol,
        &["order", "buy", "8", "0.085", "--client-id", "1"],
    );
    let mistake = j(
        &c.carol,
        &["order", "buy", "1", "0.200", "--client-id", "7"],
    );
    let id = mistake["order_id"].as_u64().expect("order id").to_string();
    let v = j(&c.carol, &["order", "cancel", &id]);
    units(&mut m, "cancel_order", &v);
    let book = j(&c.carol, &["order", "list"]);
    assert_eq!(book.as_array().map(Vec::len), Some(3), "{book}");

    r.wait_past(end_ts);
    let cleared = j(&c.bob, &["epoch", "clear"]);
    units(&mut m, "clear_epoch", &cleared);
    assert_eq!(cleared["volume_wh"], json!(10_000), "{cleared}");
    let chart = r
        .joule_text(&c.bob.file, &["epoch", "show"])
        .unwrap_or_else(|f| panic!("epoch show: {}", f.message));
    assert!(chart.contains("<- clears here: 10.000 kWh"), "{chart}");
    let started = Instant::now();
    let settled = j(&c.bob, &["epoch", "settle"]);
    m.settle_secs = started.elapsed().as_secs_f64();
    m.settled_orders = settled["orders"].as_u64().unwrap_or(0) as usize;
    assert_eq!(settled["orders"], json!(3), "{settled}");
    assert_eq!(settled["settled"], json!(true), "{settled}");
    for tx in settled["transactions"].as_array().into_iter().flatten() {
        if let Some(u) = tx["compute_units"].as_u64() {
            m.units.push(("settle_orders (3 orders)".into(), u));
        }
    }
    let epoch = j(&c.bob, &["epoch", "show"]);
    assert_eq!(epoch["state"], "settled");
    let epoch_key = epoch["epoch"].as_str().expect("epoch").to_string();
    let v = j(&c.bob, &["epoch", "close", &epoch_key]);
    units(&mut m, "close_epoch", &v);

    // Redemption: Bob burns energy against what his meter imported.
    let v = j(&c.bob, &["energy", "redeem", "SN-BOB-02", "2.5"]);
    units(&mut m, "redeem_consumption", &v);
    assert_eq!(v["redeemed_wh"], json!(2_500));

    // Certificates: issue, split, transfer, retire.
    let from = (t0).to_string();
    let to = (t1).to_string();
    let v = j(
        &c.admin,
        &[
            "cert",
            "issue",
            "SN-ALICE-01",
            "20",
            "--from",
            &from,
            "--to",
            &to,
        ],
    );
    units(&mut m, "issue_certificate", &v);
    let cert = v["certificate"].as_str().expect("certificate").to_string();
    let v = j(
        &c.alice,
        &["cert", "split", &cert, "5", "--to", &c.carol.pk()],
    );
    units(&mut m, "split_certificate", &v);
    let part = v["part"].as_str().expect("part").to_string();
    let v = j(&c.carol, &["cert", "transfer", &part, &c.bob.pk()]);
    units(&mut m, "transfer_certificate", &v);
    let v = j(
        &c.alice,
        &[
            "cert",
            "retire",
            &cert,
            "--name",
            "Alice Farm",
            "--reason",
            "2026 renewable claim",
        ],
    );
    units(&mut m, "retire_certificate", &v);
    let certs = j(&c.alice, &["cert", "list"]);
    assert_eq!(certs.as_array().map(Vec::len), Some(2), "{certs}");
    m
}

/// The state that must match across chains: meters, certificates, and
/// every participant's balances, without the fields that depend on when
/// things happened (times, signatures, the random epoch address).
pub fn snapshot(r: &dyn Runner, c: &Cast) -> Value {
    let j = |args: &[&str]| ok(r.joule(&c.admin.file, args), &format!("{args:?}"));
    let strip = |mut v: Value, keys: &[&str]| {
        if let Some(items) = v.as_array_mut() {
            for item in items {
                if let Some(o) = item.as_object_mut() {
                    for k in keys {
                        o.remove(*k);
                    }
                }
            }
        }
        v
    };
    let meters = strip(
        j(&["meter", "list"]),
        &["registered_at", "activated_at", "last_reading_ts"],
    );
    let certs = strip(
        j(&["cert", "list"]),
        &["issued_at", "closed_at", "period_start", "period_end"],
    );
    let mut market = j(&["market", "show"]);
    for k in ["current_epoch", "current_epoch_end_ts"] {
        if let Some(o) = market.as_object_mut() {
            o.remove(k);
        }
    }
    let mut balances = serde_json::Map::new();
    for who in [&c.admin, &c.oracle, &c.alice, &c.bob, &c.carol] {
        let mut b = j(&["market", "balance", &who.pk()]);
        if let Some(o) = b.as_object_mut() {
            // SOL moves with fees, which differ by chain (priority fees).
            o.remove("lamports");
        }
        balances.insert(who.name.to_string(), b);
    }
    json!({ "meters": meters, "certificates": certs, "market": market, "balances": balances })
}

/// The common mistakes: each refused with its exit code and a message
/// naming the problem, and nothing changed on chain.
pub fn mistakes(r: &dyn Runner, c: &Cast) {
    let before = snapshot(r, c);
    let alice = c.alice.pk();
    let t = (r.now() + 1).to_string();
    let certs = ok(r.joule(&c.admin.file, &["cert", "list"]), "cert list");
    let retired = certs
        .as_array()
        .and_then(|a| a.iter().find(|c| c["status"] == "retired"))
        .and_then(|c| c["address"].as_str())
        .expect("a retired certificate")
        .to_string();
    let cases: Vec<(&Who, Vec<&str>, u8, &str)> = vec![
        (
            &c.alice,
            vec![
                "meter",
                "register",
                "SN-X",
                "--utility",
                "D",
                "--kind",
                "nuclear",
                "--rated-power-w",
                "5",
            ],
            2,
            "kind: 'nuclear' is not one of",
        ),
        (
            &c.alice,
            vec![
                "meter",
                "register",
                "SN-ALICE-01",
                "--utility",
                "D",
                "--kind",
                "solar",
                "--rated-power-w",
                "5",
            ],
            2,
            "already registered",
        ),
        (
            &c.admin,
            vec!["meter", "activate", "SN-NOBODY", "--owner", &alice],
            2,
            "no meter with serial 'SN-NOBODY'",
        ),
        (
            &c.bob,
            vec!["meter", "suspend", "SN-ALICE-01"],
            2,
            "is not the registry admin",
        ),
        (
            &c.bob,
            vec!["meter", "transfer", "SN-ALICE-01", &alice],
            2,
            "is not the meter's owner",
        ),
        (
            &c.alice,
            vec!["meter", "show", "not/a/serial/or/key!!!"],
            2,
            "no meter with serial",
        ),
        (
            &c.bob,
            vec!["energy", "redeem", "SN-BOB-02", "1.2345"],
            2,
            "more than 3 decimals",
        ),
        (
            &c.bob,
            vec!["energy", "redeem", "SN-BOB-02", "lots"],
            2,
            "not a decimal number",
        ),
        (
            &c.bob,
            vec!["energy", "redeem", "SN-BOB-02", "1000"],
            2,
            "left to redeem",
        ),
        (
            &c.alice,
            vec!["energy", "mint", "SN-ALICE-01"],
            2,
            "nothing to mint",
        ),
        (
            &c.bob,
            vec![
                "reading",
                "submit",
                "SN-BOB-02",
                "--at",
                &t,
                "--export",
                "0",
                "--import",
                "2005",
            ],
            2,
            "not in the registry's oracle set",
        ),
        (
            &c.oracle,
            vec![
                "reading",
                "submit",
                "SN-BOB-02",
                "--at",
                "yesterday",
                "--export",
                "0",
                "--import",
                "2005",
            ],
            2,
            "neither unix seconds nor an RFC 3339",
        ),
        (
            &c.alice,
            vec!["epoch", "clear"],
            2,
            "(closed, or never opened)",
        ),
        (
            &c.carol,
            vec!["cert", "transfer", "1", "not-a-key"],
            2,
            "is not a valid public key",
        ),
        (
            &c.alice,
            vec!["cert", "retire", &retired, "--name", "x", "--reason", "y"],
            2,
            "is retired",
        ),
        (
            &c.alice,
            vec!["cert", "show", "1"],
            2,
            "no certificate can have id 1",
        ),
        (
            &c.bob,
            vec![
                "cert",
                "issue",
                "SN-ALICE-01",
                "1",
                "--from",
                "1",
                "--to",
                "2",
            ],
            2,
            "is not the certificates authority",
        ),
        (
            &c.bob,
            vec!["admin", "pause", "--flags", "all"],
            2,
            "is not the registry admin",
        ),
        (
            &c.admin,
            vec!["admin", "pause", "--flags", "everything"],
            2,
            "pause flag 'everything'",
        ),
        (
            &c.bob,
            vec![
                "market",
                "show",
                "--market",
                "11111111111111111111111111111111",
            ],
            2,
            "is not a market account",
        ),
    ];
    for (who, args, code, fragment) in cases {
        match r.joule(&who.file, &args) {
            Ok(v) => panic!("{} {args:?} succeeded: {v}", who.name),
            Err(f) => {
                assert_eq!(f.code, code, "{} {args:?}: {}", who.name, f.message);
                assert!(
                    f.message.contains(fragment),
                    "{} {args:?}: '{}' lacks '{fragment}'",
                    who.name,
                    f.message
                );
            }
        }
    }
    assert_eq!(
        snapshot(r, c),
        before,
        "a refused command changed the chain"
    );
}

/// A new epoch, a program error (an order below the market's minimum
/// value, which the CLI leaves to the program), and a dry run: nothing
/// moves but the epoch that was opened.
pub fn program_errors_and_dry_runs(r: &dyn Runner, c: &Cast) {
    ok(r.joule(&c.alice.file, &["epoch", "open"]), "epoch open");
    let before = snapshot(r, c);
    let err = r
        .joule(&c.bob.file, &["order", "buy", "0.001", "0.010"])
        .expect_err("an order below the minimum value");
    assert_eq!(err.code, 1, "{}", err.message);
    assert!(
        err.message.contains("BelowMinimumValue (6038): The order's value at its limit price is below the market's minimum order value."),
        "{}",
        err.message
    );
    let dry = ok(
        r.joule(&c.bob.file, &["--dry-run", "order", "buy", "1", "0.090"]),
        "dry run",
    );
    assert_eq!(dry["dry_run"], json!(true), "{dry}");
    assert!(dry["compute_units"].as_u64().unwrap_or(0) > 1_000, "{dry}");
    assert!(
        dry["writable"].as_array().is_some_and(|w| !w.is_empty()),
        "{dry}"
    );
    assert_eq!(
        snapshot(r, c),
        before,
        "a failed or dry-run command changed the chain"
    );
}

/// Polls `f` until it returns true or `timeout` passes.
pub fn wait_for(timeout: Duration, mut f: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < timeout {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    false
}
