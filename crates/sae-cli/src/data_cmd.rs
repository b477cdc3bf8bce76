//! `sae data …`: the synthetic digit set as IDX files plus a sample figure.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use clap::{Args, Subcommand};
use sae_data::{Dataset, SyntheticOptions, idx};

use crate::output;

#[derive(Debug, Subcommand)]
pub enum DataCommand {
    /// Generate the synthetic digits (MATLAB's digitTrain/TestCellArrayData stand-in) as IDX
    /// files: train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte,
    /// t10k-labels-idx1-ubyte, and samples.png.
    Generate(GenerateArgs),
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Output folder (created if missing).
    #[arg(long)]
    pub out: PathBuf,
    /// Random seed; the same seed gives byte-identical files.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Number of training images (balanced over the ten digits).
    #[arg(long, default_value_t = 5000)]
    pub train: usize,
    /// Number of test images.
    #[arg(long, default_value_t = 5000)]
    pub test: usize,
    /// Write gzip-compressed files (with a .gz suffix).
    #[arg(long)]
    pub gzip: bool,
}

pub fn run(cmd: DataCommand) -> anyhow::Result<()> {
    match cmd {
        DataCommand::Generate(a) => generate(&a),
    }
}

/// The four IDX file names MNIST uses, in the order train images, train labels, test images,
/// test labels.
pub const IDX_NAMES: [&str; 4] = [
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
];

fn generate(a: &GenerateArgs) -> anyhow::Result<()> {
    let opts = SyntheticOptions {
        seed: a.seed,
        train: a.train,
        test: a.test,
        ..Default::default()
    };
    opts.check()?;
    output::create_dir(&a.out)?;
    let start = Instant::now();
    let (train, test) = sae_data::generate(&opts)?;
    let generated = start.elapsed();
    let suffix = if a.gzip { ".gz" } else { "" };
    let path = |i: usize| a.out.join(format!("{}{suffix}", IDX_NAMES[i]));
    idx::save_dataset(&train, &path(0), &path(1), a.gzip)?;
    idx::save_dataset(&test, &path(2), &path(3), a.gzip)?;
    write_samples(&train, &a.out.join("samples.png"))?;
    println!(
        "generated {} training and {} test images (seed {}, {} faces) in {:.2} s into {}",
        train.len(),
        test.len(),
        a.seed,
        sae_data::synthetic::face_count(),
        generated.as_secs_f64(),
        a.out.display()
    );
    Ok(())
}

/// The example's first figure: 20 training images with their labels.
pub fn write_samples(set: &Dataset, path: &Path) -> anyhow::Result<()> {
    let n = set.len().min(20);
    let images: Vec<&[f32]> = (0..n).map(|i| set.sample(i)).collect();
    let captions: Vec<String> = (0..n)
        .map(|i| set.class_names[set.labels[i]].clone())
        .collect();
    let canvas = sae_plot::sample_grid(&images, set.height, set.width, &captions, 5);
    output::write_file(path, &canvas.to_png()).context("writing the sample figure")
}
