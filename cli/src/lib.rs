//! The `joule` command line's library: what its commands run, so tests can
//! run it too (on the embedded chain, in process).

pub mod cluster;
pub mod commands;

use clap::{Parser, Subcommand};

/// `joule`'s arguments.
#[derive(Parser, Clone, Debug)]
#[command(
    name = "joule",
    version,
    about = "Joule: a peer-to-peer energy market on Solana",
    after_help = "Exit codes: 0 success, 1 a transaction or program failed, 2 refused before signing (bad input, missing account, wrong authority), 3 the cluster could not be reached."
)]
pub struct Cli {
    /// Output format: aligned text for people, or one JSON document (see
    /// the README for its fields).
    #[arg(long, value_enum, default_value_t = commands::Output::Text, global = true)]
    pub output: commands::Output,
    #[command(flatten)]
    pub globals: cluster::Globals,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Clone, Debug)]
pub enum Command {
    /// Print the meter id and Meter PDA of a utility serial.
    MeterId(commands::meter_id::MeterIdArgs),
    /// Print the program ids and fixed PDAs.
    Addresses(commands::addresses::AddressesArgs),
    /// Print the public key of a Solana CLI keypair file.
    Pubkey(commands::pubkey::PubkeyArgs),
    /// Write a new keypair to a Solana CLI keypair file.
    Keygen(commands::keygen::KeygenArgs),
    #[command(flatten)]
    Cluster(cluster::Command),
}
