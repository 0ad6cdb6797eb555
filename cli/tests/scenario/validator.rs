//! A real `solana-test-validator` process (the client's `TestValidator`:
//! the three programs preloaded, the registry upgradeable by the
//! scenario's admin, the scenario's people funded at genesis), and a runner
//! that drives the real `joule` binary against it.
//!
//! The validator binds RPC, websocket and faucet to 0.0.0.0 whatever
//! `--bind-address` says, so CI runs this test inside a private network
//! namespace (see scripts/test.sh); it only ever talks to 127.0.0.1.

use super::{Cast, Failure, Runner, START_LAMPORTS};
use joule_client::flows::tokens;
use joule_client::test_validator::TestValidator;
use joule_client::{Chain, Keypair, RpcChain, Sender, SenderConfig, Signer};
use joule_sdk::Pubkey;
use serde_json::Value;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// A running validator with a client of it; stopped on drop.
pub struct Validator {
    inner: TestValidator,
    pub url: String,
    runtime: tokio::runtime::Runtime,
    pub chain: RpcChain,
}

impl Validator {
    /// Starts a validator for `cast` under `dir` and waits until it
    /// answers.
    pub fn start(cast: &Cast, dir: &Path) -> Validator {
        let inner = TestValidator::start(
            &cast.admin.key.pubkey(),
            &cast.funded(),
            START_LAMPORTS,
            dir,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        Validator {
            url: inner.url.clone(),
            chain: inner.chain(),
            inner,
            runtime,
        }
    }

    /// Kills the validator now (the drop does the same).
    pub fn stop(self) {
        self.inner.stop();
    }

    pub fn pid(&self) -> u32 {
        self.inner.pid()
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
