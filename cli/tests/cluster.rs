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
