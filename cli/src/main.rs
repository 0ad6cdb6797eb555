//! `joule`: the Joule command line.
//!
//! Commands that talk to a cluster (meters, readings, orders, epochs,
//! certificates, config) arrive with the keeper; today the CLI runs the demo
//! on an embedded chain and the offline helpers that need no cluster.

mod commands;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "joule",
    version,
    about = "Joule: a peer-to-peer energy market on Solana"
)]
struct Cli {
    /// Output format.
    #[arg(long, value_enum, default_value_t = commands::Output::Text, global = true)]
    output: commands::Output,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the whole flow on an embedded chain (the real SBF programs in litesvm).
    Demo(commands::demo::DemoArgs),
    /// Print the meter id and Meter PDA of a utility serial.
    MeterId(commands::meter_id::MeterIdArgs),
    /// Print the program ids and fixed PDAs.
    Addresses(commands::addresses::AddressesArgs),
    /// Print the public key of a Solana CLI keypair file.
    Pubkey(commands::pubkey::PubkeyArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let res = match cli.command {
        Command::Demo(a) => a.run(cli.output),
        Command::MeterId(a) => a.run(cli.output),
        Command::Addresses(a) => a.run(cli.output),
        Command::Pubkey(a) => a.run(cli.output),
    };
    match res {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
