//! The `sae` command line: argument parsing and dispatch. Only this crate knows about
//! paths, configs and terminals.

pub mod bench_cmd;
pub mod config;
pub mod data_cmd;
pub mod datasets;
pub mod models;
pub mod output;
pub mod progress;
pub mod report;
pub mod run_cmd;
pub mod stages_cmd;

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
    /// trainAutoencoder: train one sparse autoencoder on images or features.
    TrainAutoencoder(stages_cmd::TrainAutoencoderArgs),
    /// encode: an autoencoder's hidden features for images or features.
    Encode(stages_cmd::EncodeArgs),
    /// trainSoftmaxLayer: train the softmax classifier on features.
    TrainSoftmax(stages_cmd::TrainSoftmaxArgs),
    /// stack: chain autoencoders and a softmax layer into one network.
    Stack(stages_cmd::StackArgs),
    /// train(stackednet, x, t): fine-tune a stacked network.
    FineTune(stages_cmd::FineTuneArgs),
    /// Accuracy, per-class recall/precision and the confusion matrix of a stacked network.
    Evaluate(stages_cmd::EvaluateArgs),
    /// Class and probabilities for image files.
    Predict(stages_cmd::PredictArgs),
    /// view: a model's layers as text and SVG.
    View(stages_cmd::ViewArgs),
    /// Speed benchmark: cost+gradient and SCG epochs of the example's models, peak memory.
    Bench(bench_cmd::BenchArgs),
}

/// Runs one parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Run(args) => run_cmd::run(&args),
        Command::Data(cmd) => data_cmd::run(cmd),
        Command::TrainAutoencoder(a) => stages_cmd::train_autoencoder_cmd(&a),
        Command::Encode(a) => stages_cmd::encode_cmd(&a),
        Command::TrainSoftmax(a) => stages_cmd::train_softmax_cmd(&a),
        Command::Stack(a) => stages_cmd::stack_cmd(&a),
        Command::FineTune(a) => stages_cmd::fine_tune_cmd(&a),
        Command::Evaluate(a) => stages_cmd::evaluate_cmd(&a),
        Command::Predict(a) => stages_cmd::predict_cmd(&a),
        Command::View(a) => stages_cmd::view_cmd(&a),
        Command::Bench(a) => bench_cmd::run(&a),
    }
}
