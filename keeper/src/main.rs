//! `joule-keeper`: the operator's daemon and its tools.

#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

use clap::{Parser, Subcommand};
use joule_client::{Chain, RpcChain};
use joule_keeper::commands::CheckFeedArgs;
use joule_keeper::daemon::{self, KeeperConfig, RunArgs, Shutdown, Telemetry};
use joule_keeper::sources::{SourcesConfig, SourcesFeed};
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser, Debug)]
#[command(
    name = "joule-keeper",
    version,
    about = "Joule's keeper: meter and utility feeds, oracle readings, the market's cranks"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the daemon: readings from the configured sources, epochs,
    /// settlement, minting; /metrics and /healthz; SIGINT or SIGTERM stops
    /// it gracefully.
    Run(Box<RunArgs>),
    /// Parse and validate feed files offline against a meter list; print
    /// every reading that would be submitted and every rejection with its
    /// reason.
    CheckFeed(CheckFeedArgs),
    /// The keeper's story on an embedded chain running the real programs:
    /// a dozen meters behind a local gateway and DISCOM files, several
    /// one-hour epochs in accelerated time; exits 1 if an invariant fails.
    Demo(DemoArgs),
}

#[derive(clap::Args, Debug)]
struct DemoArgs {
    /// One-hour epochs to trade (1 to 12).
    #[arg(long, default_value_t = 4)]
    epochs: u32,
    /// How often each keeper duty runs, milliseconds of wall time.
    #[arg(long, default_value_t = 100)]
    duty_interval_ms: u64,
    /// `text` (the story) or `json` (the report, for scripts).
    #[arg(long, value_enum, default_value_t = DemoOutput::Text)]
    output: DemoOutput,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum DemoOutput {
    Text,
    Json,
}

/// Exit status of a configuration that cannot be used.
const EXIT_CONFIG: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Run(args) => run(&args),
        Command::CheckFeed(args) => {
            let status = args.run(&mut std::io::stdout().lock(), &mut std::io::stderr().lock());
            ExitCode::from(status)
        }
        Command::Demo(args) => demo(&args),
    }
}

fn demo(args: &DemoArgs) -> ExitCode {
    let options = joule_keeper::demo::DemoOptions {
        epochs: args.epochs,
        duty_interval: std::time::Duration::from_millis(args.duty_interval_ms.max(1)),
    };
    let mut sink = std::io::sink();
    let mut stdout = std::io::stdout();
    let out: &mut dyn std::io::Write = match args.output {
        DemoOutput::Text => &mut stdout,
        DemoOutput::Json => &mut sink,
    };
    match joule_keeper::demo::run(&options, out) {
        Ok(report) => {
            if args.output == DemoOutput::Json {
                match serde_json::to_string_pretty(&report) {
                    Ok(json) => println!("{json}"),
                    Err(e) => {
                        eprintln!("joule-keeper demo: {e}");
                        return ExitCode::FAILURE;
                    }
                }
            }
            if report.invariants_hold() {
                ExitCode::SUCCESS
            } else {
                eprintln!("joule-keeper demo: an invariant failed");
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("joule-keeper demo: {e}");
            ExitCode::from(EXIT_CONFIG)
        }
    }
}

fn run(args: &RunArgs) -> ExitCode {
    let config = match KeeperConfig::load(args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("joule-keeper: {e}");
            return ExitCode::from(EXIT_CONFIG);
        }
    };
    let sources = match SourcesConfig::from_table(&config.sources) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("joule-keeper: {e}");
            return ExitCode::from(EXIT_CONFIG);
        }
    };
    if args.print_config {
        print!("{}", config.redacted());
        return ExitCode::SUCCESS;
    }
    eprintln!(
        "# joule-keeper: the effective configuration\n{}",
        config.redacted()
    );
    if let Err(e) = daemon::logging::init(config.log.format, &config.log.level) {
        eprintln!("joule-keeper: log: {e}");
        return ExitCode::from(EXIT_CONFIG);
    }
    let resolved = match config.resolve() {
        Ok(d) => d,
        Err(e) => {
            tracing::error!(error = %e, "configuration");
            return ExitCode::from(EXIT_CONFIG);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(error = %e, "cannot start the runtime");
            return ExitCode::FAILURE;
        }
    };
    // The daemon's future is not Send: it runs on this thread; the HTTP
    // fetches, file scans and signal handling run on the runtime's workers.
    runtime.block_on(async move {
        let telemetry = Telemetry::new(resolved.health);
        let chain: Arc<dyn Chain> = Arc::new(RpcChain::new(
            config.chain.rpc_url.clone(),
            config.chain.commitment.into(),
        ));
        let feed =
            match SourcesFeed::new(&sources, resolved.shard, chain.clone(), telemetry.clone()) {
                Ok(f) => f,
                Err(e) => {
                    tracing::error!(error = %e, "sources");
                    return ExitCode::from(EXIT_CONFIG);
                }
            };
        tracing::info!(
            meters = feed.meters(),
            gateways = sources.gateway.len(),
            discom = sources.discom.len(),
            "sources ready"
        );
        let shutdown = Shutdown::new();
        if let Err(e) = shutdown.trigger_on_signals() {
            tracing::error!(error = %e, "cannot install the signal handlers");
            return ExitCode::FAILURE;
        }
        match daemon::run(resolved, chain, feed, telemetry, shutdown).await {
            Ok(summary) if summary.drained => ExitCode::SUCCESS,
            Ok(_) => ExitCode::FAILURE,
            Err(e) => {
                tracing::error!(error = %e, "the daemon stopped");
                ExitCode::FAILURE
            }
        }
    })
}
