//! The CLI's cluster commands on the embedded chain (the real SBF programs
//! in litesvm), run in process exactly as the binary runs them: the same
//! argument parsing, the same commands, the same flows and sender. The
//! validator test runs the same scenario with the real binary.

mod scenario;

use scenario::embedded::Embedded;
use scenario::{Cast, Runner};

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("joule-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn every_command_works_on_the_embedded_chain_and_mistakes_change_nothing() {
    let dir = temp_dir("scenario");
    let cast = Cast::new(&dir);
    let chain = Embedded::new(&cast);
    let measured = scenario::run(&chain, &cast);
    assert!(measured.units.iter().all(|(_, u)| *u > 0));
    scenario::mistakes(&chain, &cast);
    scenario::program_errors_and_dry_runs(&chain, &cast);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn admin_hand_over_oracles_and_pause() {
    let dir = temp_dir("admin");
    let cast = Cast::new(&dir);
    let chain = Embedded::new(&cast);
    let init = cast.init_file.to_str().expect("path");
    chain
        .joule(&cast.admin.file, &["init", init])
        .expect("init");
    let (admin, alice) = (&cast.admin, &cast.alice);

    // Oracles: add Alice, remove her again; removing a non-oracle is refused.
    let v = chain
        .joule(&admin.file, &["admin", "oracles", "--add", &alice.pk()])
        .expect("add");
    assert!(
        v["oracles"]
            .as_array()
            .expect("list")
            .iter()
            .any(|o| o == &alice.pk()),
        "{v}"
    );
    chain
        .joule(&admin.file, &["admin", "oracles", "--remove", &alice.pk()])
        .expect("remove");
    let err = chain
        .joule(&admin.file, &["admin", "oracles", "--remove", &alice.pk()])
        .expect_err("not an oracle");
    assert_eq!(err.code, 2);

    // Pause the registry: registering a meter fails with the program's error.
    chain
        .joule(&admin.file, &["admin", "pause", "--flags", "registry"])
        .expect("pause");
    let err = chain
        .joule(
            &alice.file,
            &[
                "meter",
                "register",
                "SN-P",
                "--utility",
                "D",
                "--kind",
                "solar",
                "--rated-power-w",
                "5000",
            ],
        )
        .expect_err("paused");
    assert_eq!(err.code, 1, "{}", err.message);
    assert!(err.message.contains("Paused"), "{}", err.message);
    chain
        .joule(&admin.file, &["admin", "pause", "--flags", "none"])
        .expect("resume");
    chain
        .joule(
            &alice.file,
            &[
                "meter",
                "register",
                "SN-P",
                "--utility",
                "D",
                "--kind",
                "solar",
                "--rated-power-w",
                "5000",
            ],
        )
        .expect("registers once resumed");

    // Hand the registry to Alice: only the proposed key may accept.
    chain
        .joule(&admin.file, &["admin", "propose", &alice.pk()])
        .expect("propose");
    let err = chain
        .joule(&cast.bob.file, &["admin", "accept"])
        .expect_err("not proposed");
    assert_eq!(err.code, 2);
    chain
        .joule(&alice.file, &["admin", "accept"])
        .expect("accept");
    let err = chain
        .joule(&admin.file, &["admin", "pause", "--flags", "all"])
        .expect_err("no longer admin");
    assert!(
        err.message.contains("is not the registry admin"),
        "{}",
        err.message
    );

    // The certificates authority hands over the same way.
    chain
        .joule(
            &admin.file,
            &[
                "admin",
                "propose",
                "--program",
                "certificates",
                &cast.bob.pk(),
            ],
        )
        .expect("propose");
    chain
        .joule(
            &cast.bob.file,
            &["admin", "accept", "--program", "certificates"],
        )
        .expect("accept");
    chain
        .joule(
            &cast.bob.file,
            &[
                "admin",
                "pause",
                "--program",
                "certificates",
                "--flags",
                "issue,retire",
            ],
        )
        .expect("certificates pause");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn meter_lifecycle_commands() {
    let dir = temp_dir("meters");
    let cast = Cast::new(&dir);
    let chain = Embedded::new(&cast);
    let init = cast.init_file.to_str().expect("path");
    chain
        .joule(&cast.admin.file, &["init", init])
        .expect("init");
    let (admin, alice, bob) = (&cast.admin, &cast.alice, &cast.bob);
    let reg = |who: &scenario::Who, serial: &str| {
        chain
            .joule(
                &who.file,
                &[
                    "meter",
                    "register",
                    serial,
                    "--utility",
                    "D",
                    "--kind",
                    "wind",
                    "--rated-power-w",
                    "5000",
                ],
            )
            .expect("register")
    };
    // A squatter's pending meter is closed by the admin and re-registered.
    let squat = reg(bob, "SN-M1");
    let meter = squat["meter"].as_str().expect("meter").to_string();
    let err = chain
        .joule(
            &admin.file,
            &["meter", "activate", "SN-M1", "--owner", &alice.pk()],
        )
        .expect_err("owner differs");
    assert!(
        err.message.contains("refusing to activate"),
        "{}",
        err.message
    );
    let closed = chain
        .joule(&admin.file, &["meter", "close", "SN-M1"])
        .expect("close");
    assert_eq!(closed["refunded_to"], bob.pk());
    reg(alice, "SN-M1");
    chain
        .joule(
            &admin.file,
            &["meter", "activate", &meter, "--owner", &alice.pk()],
        )
        .expect("activate by address");
    // Transfer to Bob: proposed by Alice, accepted by Bob only.
    chain
        .joule(&alice.file, &["meter", "transfer", "SN-M1", &bob.pk()])
        .expect("propose");
    let err = chain
        .joule(&cast.carol.file, &["meter", "accept", "SN-M1"])
        .expect_err("not proposed");
    assert_eq!(err.code, 2);
    let v = chain
        .joule(&bob.file, &["meter", "accept", "SN-M1"])
        .expect("accept");
    assert_eq!(v["owner"], bob.pk());
    // Suspend, reassign back to Alice, re-activate.
    chain
        .joule(&admin.file, &["meter", "suspend", "SN-M1"])
        .expect("suspend");
    let v = chain
        .joule(
            &admin.file,
            &["meter", "reassign", "SN-M1", "--new-owner", &alice.pk()],
        )
        .expect("reassign");
    assert_eq!(v["owner"], alice.pk());
    chain
        .joule(
            &admin.file,
            &["meter", "activate", "SN-M1", "--owner", &alice.pk()],
        )
        .expect("activate");
    let list = chain
        .joule(&admin.file, &["meter", "list", "--owner", &alice.pk()])
        .expect("list");
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    let text = chain
        .joule_text(&admin.file, &["meter", "list"])
        .expect("text list");
    assert!(text.starts_with("meter "), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_localnet_migration_initialises_once_then_changes_nothing() {
    let dir = temp_dir("migration");
    let cast = Cast::new(&dir);
    let chain = Embedded::new(&cast);
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations/localnet.toml");
    let file = file.to_str().expect("path");
    let first = chain
        .joule(&cast.admin.file, &["init", file])
        .expect("init");
    assert_eq!(first["changed"], true, "{first}");
    let statuses: Vec<&str> = first["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .filter_map(|s| s["status"].as_str())
        .collect();
    assert!(
        statuses.iter().all(|s| *s == "created" || *s == "added"),
        "{first}"
    );
    let text = chain
        .joule_text(&cast.admin.file, &["init", file])
        .expect("init again");
    assert!(
        text.ends_with("nothing to do: the cluster already matches the file"),
        "{text}"
    );
    // Someone else's wallet cannot change anything.
    let err = chain
        .joule(&cast.bob.file, &["init", file])
        .expect("a matching cluster needs no signature");
    assert_eq!(err["changed"], false);
    let devnet = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations/devnet.toml");
    joule_cli::cluster::init::read(&devnet).expect("the devnet template parses");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn market_create_and_certificate_revoke() {
    let dir = temp_dir("create-revoke");
    let cast = Cast::new(&dir);
    let chain = Embedded::new(&cast);
    let init = cast.init_file.to_str().expect("path");
    chain
        .joule(&cast.admin.file, &["init", init])
        .expect("init");
    let (admin, alice) = (&cast.admin, &cast.alice);

    // A second market, against a new quote mint, from flags.
    let mint = chain.create_mint(&admin.key, 2);
    let mint = mint.to_string();
    let args = |m: &str| {
        vec![
            "market",
            "create",
            "--quote-mint",
            m,
            "--epoch-length",
            "900",
            "--min-price",
            "0.05",
            "--tick-size",
            "0.01",
            "--ticks",
            "100",
            "--min-order-value",
            "0.10",
        ]
        .into_iter()
        .map(str::to_string)
        .collect::<Vec<_>>()
    };
    let a = args(&mint);
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    let err = chain
        .joule(&alice.file, &a)
        .expect_err("only the admin creates markets");
    assert!(
        err.message.contains("is not the registry admin"),
        "{}",
        err.message
    );
    let created = chain.joule(&admin.file, &a).expect("create");
    let market = created["market"].as_str().expect("market").to_string();
    let err = chain.joule(&admin.file, &a).expect_err("exists");
    assert!(err.message.contains("already exists"), "{}", err.message);
    let shown = chain
        .joule(&admin.file, &["market", "show", "--market", &market])
        .expect("show");
    assert_eq!(shown["min_price"], 5, "{shown}");
    assert_eq!(shown["tick_size"], 1, "{shown}");
    assert_eq!(shown["tick_count"], 100, "{shown}");
    let err = chain
        .joule(&admin.file, &["market", "show"])
        .expect_err("two markets now");
    assert!(err.message.contains("2 markets exist"), "{}", err.message);
    // A price finer than the mint's 2 decimals is refused.
    let bad = args(&mint)
        .into_iter()
        .map(|s| if s == "0.05" { "0.055".to_string() } else { s })
        .collect::<Vec<_>>();
    let bad: Vec<&str> = bad.iter().map(String::as_str).collect();
    let err = chain.joule(&admin.file, &bad).expect_err("too precise");
    assert!(
        err.message.contains("at most 2 decimals"),
        "{}",
        err.message
    );

    // A certificate issued, then revoked by the authority: its energy is
    // no longer active and it cannot be retired.
    chain
        .joule(
            &alice.file,
            &[
                "meter",
                "register",
                "SN-R",
                "--utility",
                "D",
                "--kind",
                "solar",
                "--rated-power-w",
                "1000000",
            ],
        )
        .expect("register");
    chain
        .joule(
            &admin.file,
            &["meter", "activate", "SN-R", "--owner", &alice.pk()],
        )
        .expect("activate");
    let t = chain.now() + 5;
    for (at, export) in [(t, "0"), (t + 60, "10")] {
        let at = at.to_string();
        chain
            .joule(
                &cast.oracle.file,
                &[
                    "reading", "submit", "SN-R", "--at", &at, "--export", export, "--import", "0",
                ],
            )
            .expect("reading");
    }
    let (from, to) = (t.to_string(), (t + 60).to_string());
    let issued = chain
        .joule(
            &admin.file,
            &["cert", "issue", "SN-R", "4", "--from", &from, "--to", &to],
        )
        .expect("issue");
    let cert = issued["certificate"]
        .as_str()
        .expect("certificate")
        .to_string();
    let err = chain
        .joule(&alice.file, &["cert", "revoke", &cert, "--reason", "x"])
        .expect_err("not the authority");
    assert!(
        err.message.contains("is not the certificates authority"),
        "{}",
        err.message
    );
    let revoked = chain
        .joule(
            &admin.file,
            &["cert", "revoke", &cert, "--reason", "meter tampering"],
        )
        .expect("revoke");
    assert_eq!(revoked["amount_wh"], 4_000);
    let shown = chain
        .joule(&alice.file, &["cert", "show", &cert])
        .expect("show");
    assert_eq!(shown["status"], "revoked");
    assert_eq!(shown["reason"], "meter tampering");
    let err = chain
        .joule(
            &alice.file,
            &["cert", "retire", &cert, "--name", "A", "--reason", "B"],
        )
        .expect_err("revoked");
    assert!(err.message.contains("is revoked"), "{}", err.message);
    let _ = std::fs::remove_dir_all(&dir);
}
