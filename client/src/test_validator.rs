//! A real `solana-test-validator` process for end-to-end tests (feature
//! `test-validator`): on free ports, the three programs preloaded at their
//! ids from the deploy directory (the registry upgradeable by the given
//! admin), the given accounts funded at genesis; killed on drop.
//!
//! The validator binds RPC, websocket and faucet to 0.0.0.0 whatever
//! `--bind-address` says, so tests run it inside a private network
//! namespace (see scripts/test.sh) and only talk to 127.0.0.1.

use crate::chain::Chain;
use crate::embedded::default_deploy_dir;
use crate::{Commitment, RpcChain};
use joule_sdk::Pubkey;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

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
pub fn free_port() -> std::io::Result<u16> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
}

/// A running validator; killed (and waited for) on drop.
pub struct TestValidator {
    child: Child,
    /// Its RPC URL on 127.0.0.1.
    pub url: String,
    pub ledger: PathBuf,
}

impl Drop for TestValidator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl TestValidator {
    /// Starts a validator under `dir` with `funded` holding `lamports`
    /// each, and waits (blocking this thread; callable from inside a
    /// runtime) until it answers and its programs are usable.
    pub fn start(
        admin: &Pubkey,
        funded: &[Pubkey],
        lamports: u64,
        dir: &Path,
    ) -> Result<TestValidator, String> {
        let binary = validator_binary().ok_or(
            "solana-test-validator is not installed: scripts/localnet.sh installs it (agave-validator 3.1.12)",
        )?;
        let io = |what: &str| {
            let what = what.to_string();
            move |e: std::io::Error| format!("{what}: {e}")
        };
        let deploy = default_deploy_dir();
        let ledger = dir.join("ledger");
        let accounts = dir.join("accounts");
        std::fs::create_dir_all(&accounts).map_err(io("accounts dir"))?;
        let port = || free_port().map_err(io("a free port"));
        let rpc_port = port()?;
        let mut cmd = Command::new(binary);
        cmd.arg("--ledger")
            .arg(&ledger)
            .arg("--reset")
            .arg("--quiet")
            .args(["--bind-address", "127.0.0.1"])
            .args(["--rpc-port", &rpc_port.to_string()])
            .args(["--faucet-port", &port()?.to_string()])
            .args(["--gossip-port", &port()?.to_string()]);
        let base = port()?.clamp(20_000, 65_000);
        cmd.args([
            "--dynamic-port-range",
            &format!("{base}-{}", base.saturating_add(40)),
        ]);
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
            let account = serde_json::json!({
                "pubkey": key.to_string(),
                "account": {
                    "lamports": lamports,
                    "data": ["", "base64"],
                    "owner": "11111111111111111111111111111111",
                    "executable": false,
                    "rentEpoch": 0,
                    "space": 0
                }
            });
            std::fs::write(&file, account.to_string()).map_err(io("account file"))?;
            cmd.arg("--account").arg(key.to_string()).arg(&file);
        }
        let log_path = dir.join("validator.log");
        let log = std::fs::File::create(&log_path).map_err(io("validator log"))?;
        let child = cmd
            .stdout(Stdio::null())
            .stderr(Stdio::from(log))
            .spawn()
            .map_err(io("start solana-test-validator"))?;
        let url = format!("http://127.0.0.1:{rpc_port}");
        let mut v = TestValidator { child, url, ledger };
        v.wait_ready(&log_path)?;
        Ok(v)
    }

    /// Waits until the registry answers, then two more slots (programs
    /// deployed at genesis become usable after the first slot). The RPC
    /// calls run on a thread of their own, with its own runtime.
    fn wait_ready(&mut self, log: &Path) -> Result<(), String> {
        let url = self.url.clone();
        let probe = std::thread::spawn(move || -> Result<(), String> {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| format!("runtime: {e}"))?;
            let chain = RpcChain::new(url, Commitment::Confirmed);
            let start = Instant::now();
            while !runtime
                .block_on(chain.get_account(&joule_sdk::registry::ID))
                .is_ok_and(|a| a.is_some())
            {
                if start.elapsed() > Duration::from_secs(120) {
                    return Err("solana-test-validator did not answer within 120 s".into());
                }
                std::thread::sleep(Duration::from_millis(200));
            }
            let slot = runtime.block_on(chain.get_slot()).unwrap_or(0);
            let start = Instant::now();
            while !runtime
                .block_on(chain.get_slot())
                .is_ok_and(|s| s > slot.saturating_add(1))
                && start.elapsed() < Duration::from_secs(30)
            {
                std::thread::sleep(Duration::from_millis(200));
            }
            Ok(())
        });
        while !probe.is_finished() {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "solana-test-validator exited at start ({status}); see {}",
                    log.display()
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        probe
            .join()
            .map_err(|_| "the readiness probe panicked".to_string())?
    }

    /// A client of its RPC at `confirmed`.
    pub fn chain(&self) -> RpcChain {
        RpcChain::new(self.url.clone(), Commitment::Confirmed)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Kills the validator now (the drop does the same).
    pub fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
