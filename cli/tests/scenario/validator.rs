//! A real `solana-test-validator` process with the three programs
//! preloaded at their ids (the registry upgradeable by the scenario's
//! admin) and the scenario's people funded at genesis, and a runner that
//! drives the real `joule` binary against it.
//!
//! The validator binds RPC, websocket and faucet to 0.0.0.0 whatever
//! `--bind-address` says, so CI runs this test inside a private network
//! namespace (see scripts/test.sh); it only ever talks to 127.0.0.1.

use super::{Cast, Failure, Runner, START_LAMPORTS};
use joule_client::flows::tokens;
use joule_client::{Chain, Commitment, Keypair, RpcChain, Sender, SenderConfig, Signer};
use joule_sdk::Pubkey;
use serde_json::{json, Value};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

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
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A running validator; stopped (and waited for) on drop.
pub struct Validator {
    child: Child,
    pub url: String,
    pub ledger: PathBuf,
    runtime: tokio::runtime::Runtime,
    pub chain: RpcChain,
}

impl Drop for Validator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn deploy_dir() -> PathBuf {
    std::env::var_os("JOULE_DEPLOY_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/deploy"))
}

impl Validator {
    /// Starts a validator for `cast` under `dir` and waits until it
    /// answers.
    pub fn start(cast: &Cast, dir: &Path) -> Validator {
        let binary = validator_binary().expect(
            "solana-test-validator is not installed: scripts/localnet.sh installs it (agave-validator 3.1.12)",
        );
        let deploy = deploy_dir();
        let ledger = dir.join("ledger");
        let accounts = dir.join("accounts");
        std::fs::create_dir_all(&accounts).expect("accounts dir");
        let rpc_port = free_port();
        let mut cmd = Command::new(binary);
        cmd.arg("--ledger")
            .arg(&ledger)
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
            .arg(cast.admin.key.pubkey().to_string());
        for (id, so) in [
            (joule_sdk::market::ID, "market.so"),
            (joule_sdk::certificates::ID, "certificates.so"),
        ] {
            cmd.arg("--bpf-program")
                .arg(id.to_string())
                .arg(deploy.join(so));
        }
        for key in cast.funded() {
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
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let chain = RpcChain::new(url.clone(), Commitment::Confirmed);
        let mut v = Validator {
            child,
            url,
            ledger,
            runtime,
            chain,
        };
        let up = super::wait_for(Duration::from_secs(120), || {
            if let Ok(Some(status)) = v.child.try_wait() {
                panic!(
                    "solana-test-validator exited at start ({status}); see {}",
                    dir.join("validator.log").display()
                );
            }
            v.runtime
                .block_on(v.chain.get_account(&joule_sdk::registry::ID))
                .is_ok_and(|a| a.is_some())
        });
        assert!(up, "solana-test-validator did not answer within 120 s");
        // Programs deployed at genesis become usable after the first slot.
        let slot = v.runtime.block_on(v.chain.get_slot()).unwrap_or(0);
        super::wait_for(Duration::from_secs(30), || {
            v.runtime
                .block_on(v.chain.get_slot())
                .is_ok_and(|s| s > slot + 1)
        });
        let _ = &mut v;
        v
    }

    /// Kills the validator now (the drop does the same).
    pub fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

/// The real `joule` binary against a validator.
pub struct BinaryRunner<'a> {
    pub validator: &'a Validator,
}

impl BinaryRunner<'_> {
    fn exec(&self, signer: &Path, args: &[&str], output: &str) -> Result<String, Failure> {
        let out = Command::new(env!("CARGO_BIN_EXE_joule"))
            .args([
                "--url",
                &self.validator.url,
                "--output",
                output,
                "--keypair",
            ])
            .arg(signer)
            .args(args)
            .output()
            .expect("run joule");
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        if out.status.success() {
            return Ok(stdout);
        }
        let code = out
            .status
            .code()
            .and_then(|c| u8::try_from(c).ok())
            .unwrap_or(255);
        let message = serde_json::from_str::<Value>(stderr.trim())
            .ok()
            .and_then(|v| v["message"].as_str().map(str::to_string))
            .unwrap_or(stderr);
        Err(Failure { code, message })
    }
}

impl Runner for BinaryRunner<'_> {
    fn joule(&self, signer: &Path, args: &[&str]) -> Result<Value, Failure> {
        let text = self.exec(signer, args, "json")?;
        Ok(serde_json::from_str(text.trim())
            .unwrap_or_else(|e| panic!("joule {args:?} printed no JSON ({e}): {text}")))
    }

    fn joule_text(&self, signer: &Path, args: &[&str]) -> Result<String, Failure> {
        self.exec(signer, args, "text")
    }

    fn now(&self) -> i64 {
        let v = self.validator;
        v.runtime
            .block_on(v.chain.get_clock())
            .expect("clock")
            .unix_timestamp
    }

    fn wait_past(&self, ts: i64) {
        let passed = super::wait_for(Duration::from_secs(120), || self.now() > ts);
        assert!(passed, "the validator's clock did not pass {ts}");
    }

    fn fund_quote(&self, admin: &Keypair, mint: &Pubkey, owner: &Pubkey, amount: u64) {
        let v = self.validator;
        let sender = Sender::new(SenderConfig::default()).expect("sender");
        v.runtime.block_on(async {
            let ata = tokens::ensure_associated_account(&v.chain, &sender, admin, owner, mint)
                .await
                .expect("quote account");
            tokens::mint_to(&v.chain, &sender, admin, mint, &ata, amount)
                .await
                .expect("mint quote");
        });
    }

    fn label(&self) -> &'static str {
        "solana-test-validator"
    }
}
