//! `joule`: the Joule command line. Every action of the three programs on
//! a cluster (`joule --help`), plus offline helpers.

use clap::Parser;
use joule_cli::cluster::{self, CliError};
use joule_cli::commands::Output;
use joule_cli::{Cli, Command};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let res = match cli.command {
        Command::MeterId(a) => a.run(cli.output),
        Command::Addresses(a) => a.run(cli.output),
        Command::Pubkey(a) => a.run(cli.output),
        Command::Keygen(a) => a.run(cli.output),
        Command::Cluster(c) => return run_cluster(&c, &cli.globals, cli.output),
    };
    match res {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run_cluster(command: &cluster::Command, globals: &cluster::Globals, output: Output) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(cluster::run_on_cluster(command, globals)) {
        Ok(out) => {
            println!("{}", out.render(output));
            ExitCode::SUCCESS
        }
        Err(e) => {
            report(&e, output);
            ExitCode::from(e.exit_code())
        }
    }
}

fn report(e: &CliError, output: Output) {
    match output {
        Output::Text => eprintln!("error: {e}"),
        Output::Json => eprintln!("{}", e.to_json()),
    }
}
