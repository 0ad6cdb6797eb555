//! The commands that talk to a cluster: one per instruction of the three
//! programs, grouped as `joule <group> <action>`, all on the client layer
//! (flows and sender). [`run`] executes one parsed command against any
//! [`Chain`]: the binary passes an [`RpcChain`] built from the Solana CLI
//! config and the flags, the tests pass the embedded chain too.
//!
//! Every command checks its input and the accounts it names before it
//! signs anything (an [`CliError::Input`] otherwise), and with `--dry-run`
//! a write stops after its first transaction's simulation.

pub mod admin;
pub mod cert;
pub mod chart;
pub mod energy;
pub mod epoch;
pub mod init;
pub mod market;
pub mod meter;
pub mod order;
pub mod parse;
pub mod reading;
pub mod solana_config;
pub mod table;

use crate::commands::Output;
use joule_client::flows::FlowError;
use joule_client::{
    Chain, ChainError, Commitment, DryRun, Keypair, Landed, ProgramFailure, RpcChain, SendError,
    Sender, SenderConfig, Signer,
};
use joule_sdk::Pubkey;
use serde_json::{json, Value};
use std::path::PathBuf;

/// Options every cluster command shares (`joule --help` lists them).
#[derive(clap::Args, Clone, Debug, Default)]
pub struct Globals {
    /// The cluster: a URL or a moniker (localhost, devnet, testnet,
    /// mainnet-beta, or their first letters). Default: the Solana CLI
    /// config's `json_rpc_url`.
    #[arg(short = 'u', long, global = true, value_name = "URL_OR_MONIKER")]
    pub url: Option<String>,
    /// The keypair that signs and pays. Default: the Solana CLI config's
    /// `keypair_path`.
    #[arg(short = 'k', long, global = true, value_name = "KEYPAIR")]
    pub keypair: Option<PathBuf>,
    /// Commitment for reads and for a write to count as landed (processed,
    /// confirmed, finalized). Default: the Solana CLI config's.
    #[arg(long, global = true, value_name = "LEVEL")]
    pub commitment: Option<String>,
    /// A Solana CLI config file other than the default
    /// (~/.config/solana/cli/config.yml).
    #[arg(short = 'C', long = "config", global = true, value_name = "PATH")]
    pub config_file: Option<PathBuf>,
    /// Simulate the first transaction of a write and print its compute
    /// units and the accounts it would write; sign and send nothing.
    #[arg(long, global = true)]
    pub dry_run: bool,
}

/// A command's result: a JSON value for `--output json` and the same
/// facts for people.
#[derive(Clone, Debug, PartialEq)]
pub struct Out {
    pub json: Value,
    pub text: String,
}

impl Out {
    pub fn new(json: Value, text: impl Into<String>) -> Out {
        Out {
            json,
            text: text.into(),
        }
    }

    /// What `--output` prints.
    pub fn render(&self, output: Output) -> String {
        match output {
            Output::Text => self.text.trim_end().to_string(),
            Output::Json => self.json.to_string(),
        }
    }
}

/// Why a command failed; [`CliError::exit_code`] is the process's.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Refused before anything was signed: bad input, an account that does
    /// not exist, the wrong authority. Exit code 2.
    #[error("{0}")]
    Input(String),
    /// The cluster could not be reached or answered with an error. Exit
    /// code 3.
    #[error("cluster: {0}")]
    Cluster(String),
    /// A program refused the transaction (in simulation or on chain). Exit
    /// code 1.
    #[error("{0}")]
    Program(Box<ProgramFailure>),
    /// Anything else that stopped a write. Exit code 1.
    #[error("{0}")]
    Failed(String),
    /// `--dry-run` stopped a write after simulating it; [`run`] turns this
    /// into the command's (successful) result.
    #[error("dry run")]
    DryRun(Box<DryRun>),
}

impl CliError {
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Program(_) | CliError::Failed(_) => 1,
            CliError::DryRun(_) => 0,
            CliError::Input(_) => 2,
            CliError::Cluster(_) => 3,
        }
    }

    /// The error as `--output json` prints it (on stderr).
    pub fn to_json(&self) -> Value {
        let kind = match self {
            CliError::Input(_) => "input",
            CliError::Cluster(_) => "cluster",
            CliError::Program(_) => "program",
            CliError::Failed(_) | CliError::DryRun(_) => "failed",
        };
        let mut v = json!({ "error": kind, "message": self.to_string() });
        if let CliError::Program(f) = self {
            v["program"] = json!(f.program_name.unwrap_or("unknown"));
            v["program_id"] = json!(f.program.to_string());
            v["instruction"] = json!(f.instruction_name);
            if let Some(code) = f.code() {
                v["code"] = json!(code);
            }
            if let Some(name) = f.error_name() {
                v["name"] = json!(name);
            }
        }
        v
    }
}

impl From<ChainError> for CliError {
    fn from(e: ChainError) -> Self {
        CliError::Cluster(e.to_string())
    }
}

impl From<FlowError> for CliError {
    fn from(e: FlowError) -> Self {
        match e {
            FlowError::Send(SendError::Program(f)) => CliError::Program(f),
            FlowError::Send(SendError::DryRun(d)) => CliError::DryRun(d),
            FlowError::Send(SendError::Chain(c)) | FlowError::Chain(c) => c.into(),
            FlowError::Missing { what, key } => {
                CliError::Input(format!("{what} {key} does not exist"))
            }
            FlowError::Invalid(m) => CliError::Input(m),
            other => CliError::Failed(other.to_string()),
        }
    }
}

pub type CliResult<T> = Result<T, CliError>;

/// Shorthand for a refusal before signing.
pub fn input<T>(message: impl Into<String>) -> CliResult<T> {
    Err(CliError::Input(message.into()))
}

/// What a command runs with: the chain, the sender, the signer's keypair
/// file and the flags.
pub struct Ctx<'a> {
    pub chain: &'a dyn Chain,
    pub sender: Sender,
    pub keypair_path: PathBuf,
    pub dry_run: bool,
}

impl Ctx<'_> {
    /// The signing keypair, read from its file.
    pub fn signer(&self) -> CliResult<Keypair> {
        parse::read_keypair(&self.keypair_path)
    }

    /// The signer's public key.
    pub fn signer_pubkey(&self) -> CliResult<Pubkey> {
        Ok(self.signer()?.pubkey())
    }

    /// Runs a write flow. A dry run's stop becomes the command's result.
    pub async fn write<T>(
        &self,
        flow: impl std::future::Future<Output = Result<T, FlowError>>,
        done: impl FnOnce(T) -> Out,
    ) -> CliResult<Out> {
        match flow.await {
            Ok(v) => Ok(done(v)),
            Err(e) => Err(e.into()),
        }
    }
}

/// A dry run's report.
pub fn dry_run_out(d: &DryRun) -> Out {
    let writable: Vec<String> = d.writable.iter().map(|k| k.to_string()).collect();
    let signers: Vec<String> = d.signers.iter().map(|k| k.to_string()).collect();
    let mut text = format!(
        "dry run: nothing was signed or sent\n  compute units  {} (limit {})\n  priority fee   {} micro-lamports per CU\n  signers        {}\n  writes\n",
        d.units_consumed,
        d.compute_unit_limit,
        d.compute_unit_price,
        signers.join(", ")
    );
    for w in &writable {
        text.push_str(&format!("    {w}\n"));
    }
    Out::new(
        json!({
            "dry_run": true,
            "compute_units": d.units_consumed,
            "compute_unit_limit": d.compute_unit_limit,
            "compute_unit_price": d.compute_unit_price,
            "signers": signers,
            "writable": writable,
        }),
        text,
    )
}

/// A landed transaction as JSON.
pub fn landed_json(l: &Landed) -> Value {
    json!({
        "signature": l.signature.to_string(),
        "slot": l.slot,
        "compute_units": l.simulated_units,
    })
}

/// The effective cluster settings: flags over the Solana CLI config over
/// the defaults.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    pub url: String,
    pub keypair: PathBuf,
    pub commitment: Commitment,
}

impl Settings {
    pub fn resolve(g: &Globals) -> CliResult<Settings> {
        let file = solana_config::load(g.config_file.as_deref())?;
        let url = match &g.url {
            Some(u) => parse::cluster_url(u)?,
            None => file
                .json_rpc_url
                .clone()
                .unwrap_or_else(|| solana_config::DEFAULT_URL.to_string()),
        };
        let keypair = match &g.keypair {
            Some(k) => k.clone(),
            None => file
                .keypair_path
                .clone()
                .map(PathBuf::from)
                .unwrap_or_else(solana_config::default_keypair_path),
        };
        let commitment = match g.commitment.as_deref().or(file.commitment.as_deref()) {
            Some(c) => parse::commitment(c)?,
            None => Commitment::Confirmed,
        };
        Ok(Settings {
            url,
            keypair,
            commitment,
        })
    }
}

/// The sender every cluster command uses.
pub fn sender(commitment: Commitment, dry_run: bool) -> Sender {
    // A command has a person waiting: a few quick retries of a transient
    // error (about 1.5 s in all), not a daemon's patience.
    Sender::new(SenderConfig {
        commitment,
        dry_run,
        max_retries: 3,
        backoff_base: std::time::Duration::from_millis(200),
        ..SenderConfig::default()
    })
    .unwrap_or_default()
}

/// Runs `command` on the cluster `settings` names (a new [`RpcChain`]).
pub async fn run_on_cluster(command: &Command, g: &Globals) -> CliResult<Out> {
    let settings = Settings::resolve(g)?;
    let chain = RpcChain::new(settings.url.clone(), settings.commitment);
    let ctx = Ctx {
        chain: &chain,
        sender: sender(settings.commitment, g.dry_run),
        keypair_path: settings.keypair,
        dry_run: g.dry_run,
    };
    run(command, &ctx).await
}

/// The cluster commands.
#[derive(clap::Subcommand, Clone, Debug)]
pub enum Command {
    /// Initialise the registry, the certificates program and markets from
    /// one TOML file (idempotent: a second run changes nothing).
    Init(init::InitArgs),
    /// Meters: register, activate, suspend, transfer, accept, show, list.
    #[command(subcommand)]
    Meter(meter::MeterCommand),
    /// Oracle readings.
    #[command(subcommand)]
    Reading(reading::ReadingCommand),
    /// Energy tokens: mint what a meter exported, redeem against imports,
    /// balances.
    #[command(subcommand)]
    Energy(energy::EnergyCommand),
    /// Markets: create, show, list.
    #[command(subcommand)]
    Market(market::MarketCommand),
    /// Orders: buy, sell, cancel, list.
    #[command(subcommand)]
    Order(order::OrderCommand),
    /// Epochs (call auctions): open, show, clear, settle, close.
    #[command(subcommand)]
    Epoch(epoch::EpochCommand),
    /// Energy renewable certificates: issue, transfer, split, retire,
    /// revoke, show, list.
    #[command(subcommand)]
    Cert(cert::CertCommand),
    /// Program administration: propose and accept hand-overs, oracles,
    /// pause.
    #[command(subcommand)]
    Admin(admin::AdminCommand),
}

/// Runs one cluster command.
pub async fn run(command: &Command, ctx: &Ctx<'_>) -> CliResult<Out> {
    match run_command(command, ctx).await {
        Err(CliError::DryRun(d)) => Ok(dry_run_out(&d)),
        other => other,
    }
}

async fn run_command(command: &Command, ctx: &Ctx<'_>) -> CliResult<Out> {
    match command {
        Command::Init(a) => init::run(a, ctx).await,
        Command::Meter(c) => meter::run(c, ctx).await,
        Command::Reading(c) => reading::run(c, ctx).await,
        Command::Energy(c) => energy::run(c, ctx).await,
        Command::Market(c) => market::run(c, ctx).await,
        Command::Order(c) => order::run(c, ctx).await,
        Command::Epoch(c) => epoch::run(c, ctx).await,
        Command::Cert(c) => cert::run(c, ctx).await,
        Command::Admin(c) => admin::run(c, ctx).await,
    }
}
