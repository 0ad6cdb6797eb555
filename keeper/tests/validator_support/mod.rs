//! A real `solana-test-validator` process on free ports with the three
//! programs preloaded at their ids (the registry upgradeable by the
//! admin) and the given accounts funded at genesis; stopped on drop.
//! (The same harness as the CLI's validator test.)
//!
//! The validator binds RPC, websocket and faucet to 0.0.0.0 whatever
//! `--bind-address` says, so CI runs this inside a private network
//! namespace (see scripts/test.sh); the test only talks to 127.0.0.1.

use joule_client::{Chain, Commitment, RpcChain};
use joule_sdk::Pubkey;
use serde_json::json;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Lamports each funded account starts with.
pub const START_LAMPORTS: u64 = 1_000_000_000_000;

/// Where `solana-test-validator` is: on PATH, or in cargo's bin directory.
pub fn validator_binary() -> Option<PathBuf> {
    let name = "solana-test-validator";
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        dirs.push(PathBuf::from(home).join("bin"));
    }
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(PathBuf::from(home).join(".cargo/bin"));
    }
    dirs.into_iter().map(|d| d.join(name)).find(|p| p.is_file())
}

/// A port nobody listens on now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn deploy_dir() -> PathBuf {
    std::env::var_os("JOULE_DEPLOY_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/deploy"))
}

/// A running validator; killed (and waited for) on drop.
pub struct Validator {
    child: Child,
    pub url: String,
}

impl Drop for Validator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Validator {
    /// Starts a validator under `dir` and waits (blocking) until it
    /// answers and its programs are usable.
    pub fn start(admin: &Pubkey, funded: &[Pubkey], dir: &Path) -> Validator {
        let binary = validator_binary().expect(
            "solana-test-validator is not installed: scripts/localnet.sh installs it (agave-validator 3.1.12)",
        );
        let deploy = deploy_dir();
        let accounts = dir.join("accounts");
        std::fs::create_dir_all(&accounts).expect("accounts dir");
        let rpc_port = free_port();
        let mut cmd = Command::new(binary);
        cmd.arg("--ledger")
            .arg(dir.join("ledger"))
            .arg("--reset")
            .arg("--quiet")
            .args(["--bind-address", "127.0.0.1"])
            .args(["--rpc-port", &rpc_port.to_string()])
            .args(["--faucet-port", &free_port().to_string()])
            .args(["--gossip-port", &free_port().to_string()]);
        let base = free_port().max(20_000);
        cmd.args(["--dynamic-port-range", &format!("{}-{}", base, base + 40)]);
        cmd.arg("--upgradeable-program")
            .arg(joule_sdk::registry::ID.to_string())
            .arg(deploy.join("registry.so"))
            .arg(admin.to_string());
        for (id, so) in [
            (joule_sdk::market::ID, "market.so"),
            (joule_sdk::certificates::ID, "certificates.so"),
        ] {
            cmd.arg("--bpf-program")
                .arg(id.to_string())
                .arg(deploy.join(so));
        }
        for key in funded {
            let file = accounts.join(format!("{key}.json"));
            let account = json!({
                "pubkey": key.to_string(),
                "account": {
                    "lamports": START_LAMPORTS,
                    "data": ["", "base64"],
                    "owner": "11111111111111111111111111111111",
                    "executable": false,
                    "rentEpoch": 0,
                    "space": 0
                }
            });
            std::fs::write(&file, account.to_string()).expect("account file");
            cmd.arg("--account").arg(key.to_string()).arg(&file);
        }
        let log = std::fs::File::create(dir.join("validator.log")).expect("log");
        let child = cmd
            .stdout(Stdio::null())
            .stderr(Stdio::from(log))
            .spawn()
            .expect("start solana-test-validator");
        let url = format!("http://127.0.0.1:{rpc_port}");
        let mut v = Validator { child, url };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let chain = v.chain();
        let start = Instant::now();
        loop {
            if let Ok(Some(status)) = v.child.try_wait() {
                panic!(
                    "solana-test-validator exited at start ({status}); see {}",
                    dir.join("validator.log").display()
                );
            }
            if runtime
                .block_on(chain.get_account(&joule_sdk::registry::ID))
                .is_ok_and(|a| a.is_some())
            {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(120),
                "solana-test-validator did not answer within 120 s"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        // Programs deployed at genesis become usable after the first slot.
        let slot = runtime.block_on(chain.get_slot()).unwrap_or(0);
        let start = Instant::now();
        while !runtime
            .block_on(chain.get_slot())
            .is_ok_and(|s| s > slot + 1)
            && start.elapsed() < Duration::from_secs(30)
        {
            std::thread::sleep(Duration::from_millis(200));
        }
        v
    }

    /// A client of its RPC.
    pub fn chain(&self) -> RpcChain {
        RpcChain::new(self.url.clone(), Commitment::Confirmed)
    }
}
