//! `joule-keeper run` as its own process: the effective configuration
//! (file, environment, flags; secrets redacted; `--print-config`), a bad
//! `[sources]` section refused, and a daemon against an unreachable RPC
//! that starts, reports unhealthy on `/healthz` and exits cleanly on
//! SIGTERM.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_joule-keeper");

/// A command with no `JOULE_KEEPER_*` variable from the caller's
/// environment.
fn keeper() -> Command {
    let mut c = Command::new(BIN);
    for (k, _) in std::env::vars() {
        if k.starts_with("JOULE_KEEPER_") {
            c.env_remove(k);
        }
    }
    c
}

fn write_keypair(path: &Path) {
    // A Solana CLI keypair file: the 32-byte seed then the public key.
    let key = joule_client::Keypair::new_from_array([9; 32]);
    std::fs::write(
        path,
        serde_json::to_string(&key.to_bytes().to_vec()).expect("json"),
    )
    .expect("write keypair");
}

#[test]
fn print_config_applies_flags_over_environment_over_file_and_hides_secrets() {
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("keeper.toml");
    std::fs::write(
        &file,
        r#"
shard = "0/2"
[chain]
rpc_url = "https://rpc.example.com/?api-key=fil3s3cr3t"
oracle_keypair = "/etc/joule-keeper/oracle.json"
[readings]
interval_secs = 30
[sources]
meters = "/etc/joule-keeper/meters.toml"
timeout_ms = 1500
[[sources.gateway]]
url = "https://gw.example.com/readings?token=t0k3n"
name = "feeder-12"
[[sources.discom]]
url = "https://user:hunter2@mdm.example.com/export.csv"
"#,
    )
    .expect("write");
    let out = keeper()
        .args(["run", "--config"])
        .arg(&file)
        .args(["--shard", "1/3", "--print-config"])
        .env("JOULE_KEEPER_SHARD", "1/2")
        .env(
            "JOULE_KEEPER_RPC_URL",
            "https://env.example.com/?api-key=env5ecret",
        )
        .env("JOULE_KEEPER_LOG_FORMAT", "json")
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("shard = \"1/3\""),
        "flag over env: {stdout}"
    );
    assert!(
        stdout.contains("env.example.com"),
        "env over file: {stdout}"
    );
    assert!(stdout.contains("format = \"json\""), "env: {stdout}");
    assert!(stdout.contains("interval_secs = 30"), "file: {stdout}");
    assert!(stdout.contains("feeder-12") && stdout.contains("timeout_ms = 1500"));
    assert!(stdout.contains("/etc/joule-keeper/oracle.json"));
    for secret in ["fil3s3cr3t", "env5ecret", "t0k3n", "hunter2"] {
        assert!(!stdout.contains(secret), "{secret} in\n{stdout}");
        assert!(!stderr.contains(secret), "{secret} in\n{stderr}");
    }

    // A typo in [sources] is refused, --print-config or not.
    std::fs::write(&file, "[sources]\ngatways = []\n").expect("write");
    let out = keeper()
        .args(["run", "--print-config", "--config"])
        .arg(&file)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("gatways"));
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

/// GET `url`: the status code, or `None` if nothing answers.
fn http_status(url: &str) -> Option<u16> {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://")?;
    let (host, path) = rest.split_once('/')?;
    let mut s = std::net::TcpStream::connect(host).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    write!(
        s,
        "GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    out.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn the_daemon_starts_reports_an_unreachable_chain_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().expect("dir");
    let key = dir.path().join("oracle.json");
    write_keypair(&key);
    let discom = dir.path().join("discom");
    std::fs::create_dir(&discom).expect("mkdir");
    let port = free_port();
    let file = dir.path().join("keeper.toml");
    std::fs::write(
        &file,
        format!(
            r#"
shutdown_grace_secs = 10
[chain]
rpc_url = "http://127.0.0.1:{rpc}"
[readings]
interval_secs = 1
[health]
chain_unreachable_secs = 1
probe_interval_secs = 1
[sources]
[[sources.discom]]
dir = "{discom}"
"#,
            rpc = free_port(),
            discom = discom.display()
        ),
    )
    .expect("write");
    let mut child = keeper()
        .args(["run", "--config"])
        .arg(&file)
        .arg("--oracle-keypair")
        .arg(&key)
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let healthz = format!("http://127.0.0.1:{port}/healthz");
    let started = Instant::now();
    let mut seen = None;
    while started.elapsed() < Duration::from_secs(30) {
        seen = http_status(&healthz);
        if seen == Some(503) {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    if seen != Some(503) {
        let _ = child.kill();
        let out = child.wait_with_output().expect("output");
        panic!(
            "/healthz never turned unhealthy ({seen:?}):\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    let pid = child.id().to_string();
    let killed = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    assert!(killed.success());
    let stopping = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if stopping.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("the daemon did not stop on SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        use std::io::Read;
        let _ = e.read_to_string(&mut stderr);
    }
    assert!(status.success(), "{status}\n{stderr}");
    assert!(stderr.contains("the effective configuration"), "{stderr}");
    assert!(
        stderr.contains("SIGTERM") || stderr.contains("shutting down"),
        "{stderr}"
    );
}
