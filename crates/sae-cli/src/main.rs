//! The `sae` command: one subcommand per stage of MATLAB's stacked-autoencoder example.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = sae_cli::Cli::parse();
    match sae_cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
