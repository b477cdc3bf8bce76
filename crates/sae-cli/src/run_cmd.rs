//! `sae run`: every stage of MATLAB's example in order, writing a run folder with the
//! resolved config, models, training records, figures and a report.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use burn::tensor::Tensor;
use clap::Args;
use sae_core::optim::Progress;
use sae_core::{
    Autoencoder, Compute, ConfusionMatrix, StackedNetwork, TrainingRecord, fine_tune, stack,
    train_autoencoder, train_softmax_layer,
};
use sae_data::Dataset;
use serde::Serialize;

use crate::config::{Config, MATLAB_DIGITS, Resolved};
use crate::progress::StageProgress;
use crate::{data_cmd, datasets, models, output, report};

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Experiment config (TOML); without one, the MATLAB example on the synthetic digits.
    pub config: Option<PathBuf>,
    /// Run folder (default: runs/<config name>).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Backend: flex, ndarray or wgpu (overrides [backend] device).
    #[arg(long)]
    pub device: Option<String>,
    /// f32 or f64 (overrides [backend] precision).
    #[arg(long)]
    pub precision: Option<String>,
    /// No progress output.
    #[arg(long)]
    pub quiet: bool,
    /// Repeat the experiment K times with seeds seed..seed+K-1 (initialisations; the data
    /// stay the same) and report mean ± sd, min and max of the accuracies.
    #[arg(long, default_value_t = 1)]
    pub runs: usize,
}

/// What one stage did, for the report.
#[derive(Debug, Clone, Serialize)]
pub struct StageSummary {
    pub name: String,
    pub seconds: f64,
    pub epochs: usize,
    pub max_epochs: usize,
    pub stop_reason: String,
    pub final_perf: f64,
    pub evaluations: usize,
}

impl StageSummary {
    fn new(name: &str, r: &TrainingRecord) -> Self {
        Self {
            name: name.to_string(),
            seconds: r.seconds,
            epochs: r.epochs_run(),
            max_epochs: r.max_epochs,
            stop_reason: r.stop_reason.to_string(),
            final_perf: r.best_perf,
            evaluations: r.evaluations,
        }
    }
}

/// Loads the config a `run` names (or the built-in example) with command-line overrides.
pub fn resolve_config(args: &RunArgs) -> anyhow::Result<(Resolved, String)> {
    let (mut config, name) = match &args.config {
        Some(p) => (
            Config::load(p)?,
            p.file_stem()
                .map_or("run".into(), |s| s.to_string_lossy().into_owned()),
        ),
        None => (
            Config::parse(MATLAB_DIGITS, "built-in matlab-digits config")?,
            "matlab-digits".into(),
        ),
    };
    if let Some(d) = &args.device {
        config.backend.device = d.clone();
    }
    if let Some(p) = &args.precision {
        config.backend.precision = p.clone();
    }
    Ok((config.resolve()?, name))
}

pub fn run(args: &RunArgs) -> anyhow::Result<()> {
    let (resolved, name) = resolve_config(args)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("runs").join(&name));
    if args.runs == 0 {
        anyhow::bail!("--runs must be at least 1");
    }
    let compute = resolved.backend.compute(resolved.precision)?;
    let (train, test) = datasets::load(&resolved.config.data)?;
    if args.runs == 1 {
        return run_once(args, &compute, &resolved, &train, &test, &out).map(|_| ());
    }
    let mut results = Vec::new();
    for k in 0..args.runs {
        let mut config = resolved.config.clone();
        config.seed = resolved.config.seed + k as u64;
        let seed = config.seed;
        let r = config.resolve()?;
        if !args.quiet {
            eprintln!("== run {} of {} (seed {seed})", k + 1, args.runs);
        }
        let res = run_once(
            args,
            &compute,
            &r,
            &train,
            &test,
            &out.join(format!("seed-{seed}")),
        )?;
        results.push((seed, res));
    }
    report::write_repeats(&out, &results)
}

/// Runs every stage once into the run folder `out`.
fn run_once(
    args: &RunArgs,
    compute: &Compute,
    resolved: &Resolved,
    train: &Dataset,
    test: &Dataset,
    out: &Path,
) -> anyhow::Result<RunResult> {
    output::create_dir(out)?;
    output::create_dir(&out.join("models"))?;
    output::create_dir(&out.join("records"))?;
    let resolved_toml =
        toml::to_string_pretty(&resolved.config).context("serialising the resolved config")?;
    output::write_file(&out.join("config.toml"), resolved_toml.as_bytes())?;
    data_cmd::write_samples(train, &out.join("samples.png"))?;
    let result = run_stages(compute, resolved, train, test, out, args.quiet)?;
    report::write(out, resolved, train, test, &result)?;
    if !args.quiet {
        eprintln!(
            "test accuracy: {:.2}% before fine-tuning, {:.2}% after; {:.1} s in all; results in {}",
            result.accuracy_before * 100.0,
            result.accuracy_after * 100.0,
            result.total_seconds,
            out.display()
        );
    }
    Ok(result)
}

/// Everything `sae run` measured.
pub struct RunResult {
    pub stages: Vec<StageSummary>,
    pub records: Vec<(String, TrainingRecord)>,
    pub confusion_before: ConfusionMatrix,
    pub confusion_after: ConfusionMatrix,
    pub accuracy_before: f64,
    pub accuracy_after: f64,
    pub train_accuracy_after: f64,
    pub total_seconds: f64,
    pub first_encoder_rows: Vec<f64>,
    pub stack_after: StackedNetwork,
}

fn tensors(compute: &Compute, set: &Dataset) -> (Tensor<2>, Tensor<2>) {
    let x = compute.matrix_f32(&set.features, set.len(), set.num_features());
    let t = compute.matrix_f32(&set.one_hot(), set.len(), set.num_classes());
    (x, t)
}

fn stage<T>(
    name: &str,
    max_epochs: usize,
    quiet: bool,
    train: impl FnOnce(Progress) -> sae_core::Result<(T, TrainingRecord)>,
) -> anyhow::Result<(T, TrainingRecord)> {
    let mut bar = StageProgress::new(name, max_epochs, quiet);
    let (model, record) = train(&mut |e| bar.update(e)).with_context(|| format!("stage {name}"))?;
    bar.finish(&format!(
        "{} after {} epochs, perf {:.6e}, {:.1} s",
        record.stop_reason,
        record.epochs_run(),
        record.best_perf,
        record.seconds
    ));
    Ok((model, record))
}

fn run_stages(
    compute: &Compute,
    r: &Resolved,
    train: &Dataset,
    test: &Dataset,
    out: &Path,
    quiet: bool,
) -> anyhow::Result<RunResult> {
    let start = Instant::now();
    let (x, t) = tensors(compute, train);
    let (x_test, _) = tensors(compute, test);
    let mut stages = Vec::new();
    let mut records = Vec::new();
    let mut encoders: Vec<Autoencoder> = Vec::new();
    let mut features = x.clone();
    for (i, opts) in r.autoencoders.iter().enumerate() {
        let name = format!("autoencoder{}", i + 1);
        let (ae, record) = stage(&name, opts.max_epochs, quiet, |p| {
            train_autoencoder(compute, features.clone(), opts, p)
        })?;
        models::save_all(
            &out.join("models"),
            &name,
            &models::ModelFile::Autoencoder(ae.clone()),
        )?;
        finish_stage(out, &name, &record, &mut stages, &mut records)?;
        features = ae.encode(compute, features);
        encoders.push(ae);
    }
    let (softnet, record) = stage("softmax", r.softmax.max_epochs, quiet, |p| {
        train_softmax_layer(compute, features.clone(), t.clone(), &r.softmax, p)
    })?;
    models::save_all(
        &out.join("models"),
        "softmax",
        &models::ModelFile::Softmax(softnet.clone()),
    )?;
    finish_stage(out, "softmax", &record, &mut stages, &mut records)?;

    let refs: Vec<&Autoencoder> = encoders.iter().collect();
    let mut stacked = stack(&refs, &softnet)?;
    stacked.max_epochs = r.fine_tune_epochs;
    models::save_all(
        &out.join("models"),
        "stack-before",
        &models::ModelFile::Stack(stacked.clone()),
    )?;
    let predicted = stacked.classify(compute, x_test.clone())?;
    let confusion_before = ConfusionMatrix::new(test.num_classes(), &test.labels, &predicted);

    let (tuned, record) = stage("fine-tune", stacked.max_epochs, quiet, |p| {
        fine_tune(compute, &stacked, x.clone(), t.clone(), p)
    })?;
    models::save_all(
        &out.join("models"),
        "stack-after",
        &models::ModelFile::Stack(tuned.clone()),
    )?;
    finish_stage(out, "fine-tune", &record, &mut stages, &mut records)?;
    let predicted = tuned.classify(compute, x_test)?;
    let confusion_after = ConfusionMatrix::new(test.num_classes(), &test.labels, &predicted);
    let train_predicted = tuned.classify(compute, x)?;
    let train_confusion =
        ConfusionMatrix::new(train.num_classes(), &train.labels, &train_predicted);
    Ok(RunResult {
        stages,
        records,
        accuracy_before: confusion_before.accuracy(),
        accuracy_after: confusion_after.accuracy(),
        train_accuracy_after: train_confusion.accuracy(),
        confusion_before,
        confusion_after,
        total_seconds: start.elapsed().as_secs_f64(),
        first_encoder_rows: encoders[0].encoder.weight_rows(),
        stack_after: tuned,
    })
}

fn finish_stage(
    out: &Path,
    name: &str,
    record: &TrainingRecord,
    stages: &mut Vec<StageSummary>,
    records: &mut Vec<(String, TrainingRecord)>,
) -> anyhow::Result<()> {
    let dir = out.join("records");
    output::write_file(
        &dir.join(format!("{name}.json")),
        serde_json::to_string_pretty(record)?.as_bytes(),
    )?;
    output::write_file(&dir.join(format!("{name}.csv")), record.to_csv().as_bytes())?;
    if let sae_core::StopReason::NonFinite { .. } = record.stop_reason {
        anyhow::bail!(
            "stage {name}: training stopped at epoch {}: {}; the best model so far was kept",
            record.epochs_run(),
            record.stop_reason
        );
    }
    stages.push(StageSummary::new(name, record));
    records.push((name.to_string(), record.clone()));
    Ok(())
}
