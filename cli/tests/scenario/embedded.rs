//! The in-process runner: `joule`'s own argument parsing and commands on
//! the embedded chain.

use super::{Cast, Failure, Runner};
use clap::Parser;
use joule_cli::cluster::{self, CliError, Ctx};
use joule_cli::{Cli, Command};
use joule_client::flows::tokens;
use joule_client::{EmbeddedChain, Keypair, Sender, SenderConfig, Signer};
use joule_sdk::Pubkey;
use serde_json::Value;
use std::path::Path;
use std::time::Duration;

pub struct Embedded {
    pub chain: EmbeddedChain,
    runtime: tokio::runtime::Runtime,
}

fn sender(dry_run: bool) -> Sender {
    Sender::new(SenderConfig {
        poll_interval: Duration::from_millis(2),
        resend_interval: Duration::from_millis(50),
        backoff_base: Duration::from_millis(5),
        dry_run,
        ..SenderConfig::default()
    })
    .expect("sender")
}

impl Embedded {
    pub fn new(cast: &Cast) -> Embedded {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("runtime");
        let chain = runtime.block_on(async {
            EmbeddedChain::builder()
                .upgrade_authority(cast.admin.key.pubkey())
                .slot_duration(Duration::from_millis(10))
                .build()
                .expect("embedded chain")
        });
        for k in cast.funded() {
            chain.airdrop(&k, super::START_LAMPORTS).expect("airdrop");
        }
        Embedded { chain, runtime }
    }

    fn run(&self, signer: &Path, args: &[&str]) -> Result<cluster::Out, Failure> {
        let mut argv = vec!["joule", "--keypair", signer.to_str().expect("utf-8")];
        argv.extend_from_slice(args);
        let cli = Cli::try_parse_from(&argv).map_err(|e| Failure {
            code: 2,
            message: e.to_string(),
        })?;
        let Command::Cluster(command) = &cli.command else {
            panic!("not a cluster command: {args:?}");
        };
        let ctx = Ctx {
            chain: &self.chain,
            sender: sender(cli.globals.dry_run),
            keypair_path: cli.globals.keypair.clone().expect("keypair"),
            dry_run: cli.globals.dry_run,
        };
        self.runtime
            .block_on(cluster::run(command, &ctx))
            .map_err(|e: CliError| Failure {
                code: e.exit_code(),
                message: e.to_string(),
            })
    }
}

impl Embedded {
    /// A new token mint with `authority` as its mint authority.
    pub fn create_mint(&self, authority: &Keypair, decimals: u8) -> Pubkey {
        let s = sender(false);
        self.runtime
            .block_on(tokens::create_mint(
                &self.chain,
                &s,
                authority,
                &authority.pubkey(),
                decimals,
            ))
            .expect("create mint")
    }
}

impl Runner for Embedded {
    fn joule(&self, signer: &Path, args: &[&str]) -> Result<Value, Failure> {
        self.run(signer, args).map(|o| o.json)
    }

    fn joule_text(&self, signer: &Path, args: &[&str]) -> Result<String, Failure> {
        self.run(signer, args).map(|o| o.text)
    }

    fn now(&self) -> i64 {
        self.runtime
            .block_on(joule_client::Chain::get_clock(&self.chain))
            .expect("clock")
            .unix_timestamp
    }

    fn wait_past(&self, ts: i64) {
        let now = self.now();
        if now <= ts {
            self.chain.advance_time(ts - now + 1);
        }
    }

    fn fund_quote(&self, admin: &Keypair, mint: &Pubkey, owner: &Pubkey, amount: u64) {
        let s = sender(false);
        self.runtime.block_on(async {
            let ata = tokens::ensure_associated_account(&self.chain, &s, admin, owner, mint)
                .await
                .expect("quote account");
            tokens::mint_to(&self.chain, &s, admin, mint, &ata, amount)
                .await
                .expect("mint quote");
        });
    }

    fn label(&self) -> &'static str {
        "embedded"
    }
}
