//! `joule-keeper`: the operator's daemon and its tools.

#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

use clap::{Parser, Subcommand};
use joule_keeper::commands::CheckFeedArgs;
use std::process::ExitCode;

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
    /// Parse and validate feed files offline against a meter list; print
    /// every reading that would be submitted and every rejection with its
    /// reason.
    CheckFeed(CheckFeedArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::CheckFeed(args) => {
            let status = args.run(&mut std::io::stdout().lock(), &mut std::io::stderr().lock());
            ExitCode::from(status)
        }
    }
}
