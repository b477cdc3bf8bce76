//! The `sae` command line: argument parsing and dispatch. Only this crate knows about
//! paths, configs and terminals.

pub mod config;
pub mod data_cmd;
pub mod datasets;
pub mod models;
pub mod output;
pub mod progress;
pub mod report;
pub mod run_cmd;

use clap::{Parser, Subcommand};

/// Stacked sparse autoencoders: MATLAB's "Train Stacked Autoencoders for Image
/// Classification" workflow on Burn.
#[derive(Debug, Parser)]
#[command(name = "sae", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the whole example: autoencoders, softmax layer, stack, fine-tuning, figures, report.
    Run(run_cmd::RunArgs),
    /// Data sets: generate the synthetic digits.
    #[command(subcommand)]
    Data(data_cmd::DataCommand),
}

/// Runs one parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Run(args) => run_cmd::run(&args),
        Command::Data(cmd) => data_cmd::run(cmd),
    }
}
