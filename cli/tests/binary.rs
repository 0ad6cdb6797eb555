//! The `joule` binary's own contract: exit codes, messages on stderr, and
//! `--output json` errors, for mistakes caught before any cluster is
//! asked (and an unreachable cluster).

use std::process::Command;

fn joule(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_joule"))
        .env("HOME", std::env::temp_dir().join("joule-binary-no-home"))
        .args(args)
        .output()
        .expect("run joule");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

fn keypair_file() -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("joule-binary-{}.json", std::process::id()));
    let bytes: Vec<u8> = joule_client::Keypair::new_from_array([7; 32])
        .to_bytes()
        .to_vec();
    std::fs::write(&path, serde_json::to_string(&bytes).expect("json")).expect("write");
    path
}

#[test]
fn an_unreachable_cluster_exits_3_with_its_reason() {
    let key = keypair_file();
    let key = key.to_str().expect("path");
    let (code, _, err) = joule(&[
        "--url",
        "http://127.0.0.1:1",
        "--keypair",
        key,
        "meter",
        "list",
    ]);
    assert_eq!(code, 3, "{err}");
    assert!(err.starts_with("error: cluster:"), "{err}");
    let (code, _, err) = joule(&[
        "--url",
        "http://127.0.0.1:1",
        "--keypair",
        key,
        "--output",
        "json",
        "energy",
        "balance",
    ]);
    assert_eq!(code, 3, "{err}");
    let v: serde_json::Value = serde_json::from_str(err.trim()).expect("a JSON error");
    assert_eq!(v["error"], "cluster");
}

#[test]
fn bad_input_exits_2_before_any_cluster_is_asked() {
    let key = keypair_file();
    let key = key.to_str().expect("path");
    // The cluster is unreachable: exit 2 (not 3) proves nothing was asked.
    let base = ["--url", "http://127.0.0.1:1", "--keypair", key];
    let cases: &[(&[&str], &str)] = &[
        (&["order", "buy", "1.0001", "0.09"], "more than 3 decimals"),
        (&["order", "sell", "-5", "0.09"], "unexpected argument"),
        (&["energy", "redeem", "SN-1", "abc"], "not a decimal number"),
        (&["cert", "transfer", "1", "nope"], "not a valid public key"),
        (
            &[
                "meter",
                "register",
                "SN-1",
                "--utility",
                "D",
                "--kind",
                "coal",
                "--rated-power-w",
                "5",
            ],
            "kind: 'coal'",
        ),
        (
            &[
                "meter",
                "register",
                "SN-1",
                "--utility",
                "D",
                "--kind",
                "solar",
                "--rated-power-w",
                "five",
            ],
            "not a whole number",
        ),
        (
            &[
                "meter",
                "register",
                "SN-1",
                "--utility",
                "A-UTILITY-CODE-LONGER-THAN-16",
                "--kind",
                "solar",
                "--rated-power-w",
                "5",
            ],
            "utility",
        ),
        (
            &[
                "reading", "submit", "SN-1", "--at", "noon", "--export", "1", "--import", "1",
            ],
            "RFC 3339",
        ),
        (
            &["admin", "pause", "--flags", "everything"],
            "pause flag 'everything'",
        ),
        (&["meter", "frobnicate"], "unrecognized subcommand"),
    ];
    for (args, fragment) in cases {
        let mut argv = base.to_vec();
        argv.extend_from_slice(args);
        let (code, _, err) = joule(&argv);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(
            err.contains(fragment),
            "{args:?}: '{err}' lacks '{fragment}'"
        );
    }
    // A bad moniker and a bad keypair file.
    let (code, _, err) = joule(&["--url", "moon", "--keypair", key, "meter", "list"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("neither an http(s) URL nor a moniker"),
        "{err}"
    );
    let bad = std::env::temp_dir().join(format!("joule-binary-bad-{}.json", std::process::id()));
    std::fs::write(&bad, "[1,2,3]").expect("write");
    let (code, _, err) = joule(&[
        "--url",
        "http://127.0.0.1:1",
        "--keypair",
        bad.to_str().expect("path"),
        "energy",
        "balance",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("a keypair file holds 64 bytes, found 3"),
        "{err}"
    );
}

#[test]
fn the_solana_cli_config_supplies_url_and_keypair() {
    let key = keypair_file();
    let dir = std::env::temp_dir().join(format!("joule-binary-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let config = dir.join("config.yml");
    std::fs::write(
        &config,
        format!("---\njson_rpc_url: \"http://127.0.0.1:1\"\nwebsocket_url: \"\"\nkeypair_path: {}\ncommitment: confirmed\n", key.display()),
    )
    .expect("config");
    let (code, _, err) = joule(&["--config", config.to_str().expect("path"), "meter", "list"]);
    assert_eq!(code, 3, "the config's unreachable URL was used: {err}");
    let (code, _, err) = joule(&[
        "--config",
        dir.join("missing.yml").to_str().expect("path"),
        "meter",
        "list",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("missing.yml"), "{err}");
}
