//! `sae run`: every stage of MATLAB's example in order, writing a run folder with the
//! resolved config, models, training records, figures and a report.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use burn::tensor::Tensor;
use clap::Args;
use sae_core::autoencoder::train_autoencoder_resumable;
use sae_core::optim::Progress;
use sae_core::optim::scg::{Checkpoints, ScgState};
use sae_core::softmax::train_softmax_layer_resumable;
use sae_core::stack::fine_tune_resumable;
use sae_core::train::ScgControl;
use sae_core::{Autoencoder, Compute, ConfusionMatrix, StackedNetwork, TrainingRecord, stack};
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
    /// Continue an interrupted run in this run folder (its config.toml is used; CONFIG,
    /// --out and --runs are not allowed with it).
    #[arg(long, conflicts_with_all = ["config", "out", "runs"])]
    pub resume: Option<PathBuf>,
    /// Save the optimiser state every K SCG epochs (0: only at the end of each stage).
    #[arg(long, default_value_t = 20)]
    pub checkpoint_every: usize,
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
    if let Some(dir) = &args.resume {
        return resume(args, dir);
    }
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
        return run_once(args, &compute, &resolved, &train, &test, &out, false).map(|_| ());
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
            false,
        )?;
        results.push((seed, res));
    }
    report::write_repeats(&out, &results)
}

/// `sae run --resume DIR`: the run folder's resolved config, the stages already finished
/// (their models and records), and the optimiser checkpoint of the stage that was running.
fn resume(args: &RunArgs, dir: &Path) -> anyhow::Result<()> {
    let cfg_path = dir.join("config.toml");
    if !cfg_path.is_file() {
        anyhow::bail!("{}: not a run folder (no config.toml)", dir.display());
    }
    let mut config = Config::load(&cfg_path)?;
    if let Some(d) = &args.device {
        config.backend.device = d.clone();
    }
    if let Some(p) = &args.precision {
        config.backend.precision = p.clone();
    }
    let resolved = config.resolve()?;
    let compute = resolved.backend.compute(resolved.precision)?;
    let (train, test) = datasets::load(&resolved.config.data)?;
    run_once(args, &compute, &resolved, &train, &test, dir, true).map(|_| ())
}

/// Runs every stage once into the run folder `out` (continuing finished and checkpointed
/// stages when `resuming`).
fn run_once(
    args: &RunArgs,
    compute: &Compute,
    resolved: &Resolved,
    train: &Dataset,
    test: &Dataset,
    out: &Path,
    resuming: bool,
) -> anyhow::Result<RunResult> {
    for sub in ["", "models", "records", "checkpoints"] {
        output::create_dir(&out.join(sub))?;
    }
    if !resuming {
        let resolved_toml =
            toml::to_string_pretty(&resolved.config).context("serialising the resolved config")?;
        output::write_file(&out.join("config.toml"), resolved_toml.as_bytes())?;
    }
    data_cmd::write_samples(train, &out.join("samples.png"))?;
    let ctx = StageContext {
        out,
        quiet: args.quiet,
        checkpoint_every: args.checkpoint_every,
        resuming,
    };
    let result = run_stages(compute, resolved, train, test, &ctx)?;
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

/// Where a run's stages write, and whether they continue an interrupted run.
struct StageContext<'a> {
    out: &'a Path,
    quiet: bool,
    checkpoint_every: usize,
    resuming: bool,
}

impl StageContext<'_> {
    fn checkpoint_path(&self, name: &str) -> PathBuf {
        self.out.join("checkpoints").join(format!("{name}.json"))
    }

    fn record_path(&self, name: &str) -> PathBuf {
        self.out.join("records").join(format!("{name}.json"))
    }

    /// Trains one stage, or, when resuming, takes its saved model and record if it finished,
    /// or continues from its checkpoint. Saves the model, the record and checkpoints.
    fn stage<T>(
        &self,
        name: &str,
        max_epochs: usize,
        wrap: impl Fn(T) -> models::ModelFile,
        unwrap: impl Fn(models::ModelFile) -> sae_core::Result<T>,
        train: impl FnOnce(ScgControl, Progress) -> sae_core::Result<(T, TrainingRecord)>,
    ) -> anyhow::Result<(T, TrainingRecord)> {
        let model_path = self.out.join("models").join(format!("{name}.bpk"));
        if self.resuming && self.record_path(name).is_file() {
            let record: TrainingRecord = serde_json::from_slice(&std::fs::read(
                self.record_path(name),
            )?)
            .with_context(|| {
                format!(
                    "{}: invalid training record",
                    self.record_path(name).display()
                )
            })?;
            let model = unwrap(models::load(&model_path)?)?;
            if !self.quiet {
                eprintln!(
                    "{name}: finished earlier ({} epochs), loaded {}",
                    record.epochs_run(),
                    model_path.display()
                );
            }
            return Ok((model, record));
        }
        let state: Option<ScgState> = if self.resuming && self.checkpoint_path(name).is_file() {
            let p = self.checkpoint_path(name);
            let st: ScgState = serde_json::from_slice(&std::fs::read(&p)?)
                .with_context(|| format!("{}: invalid checkpoint", p.display()))?;
            if !self.quiet {
                eprintln!("{name}: resuming from epoch {} ({})", st.epoch, p.display());
            }
            Some(st)
        } else {
            None
        };
        let checkpoint_path = self.checkpoint_path(name);
        let mut save = |st: &ScgState| -> sae_core::Result<()> {
            let json = serde_json::to_vec(st).expect("checkpoints serialise");
            output::write_file(&checkpoint_path, &json)
                .map_err(|e| sae_core::CoreError::Checkpoint(format!("{e:#}")))
        };
        let control = ScgControl {
            resume: state.as_ref(),
            checkpoints: (self.checkpoint_every > 0).then_some(Checkpoints {
                every: self.checkpoint_every,
                save: &mut save,
            }),
        };
        let mut bar = StageProgress::new(name, max_epochs, self.quiet);
        let (model, record) =
            train(control, &mut |e| bar.update(e)).with_context(|| format!("stage {name}"))?;
        bar.finish(&format!(
            "{} after {} epochs, perf {:.6e}, {:.1} s",
            record.stop_reason,
            record.epochs_run(),
            record.best_perf,
            record.seconds
        ));
        let file = wrap(model);
        models::save_all(&self.out.join("models"), name, &file)?;
        finish_stage(self.out, name, &record)?;
        let _ = std::fs::remove_file(self.checkpoint_path(name));
        Ok((unwrap(file)?, record))
    }
}

fn run_stages(
    compute: &Compute,
    r: &Resolved,
    train: &Dataset,
    test: &Dataset,
    ctx: &StageContext,
) -> anyhow::Result<RunResult> {
    let start = Instant::now();
    let (x, t) = tensors(compute, train);
    let (x_test, _) = tensors(compute, test);
    let mut records: Vec<(String, TrainingRecord)> = Vec::new();
    let mut encoders: Vec<Autoencoder> = Vec::new();
    let mut features = x.clone();
    for (i, opts) in r.autoencoders.iter().enumerate() {
        let name = format!("autoencoder{}", i + 1);
        let (ae, record) = ctx.stage(
            &name,
            opts.max_epochs,
            models::ModelFile::Autoencoder,
            |m| m.into_autoencoder(&name),
            |control, p| train_autoencoder_resumable(compute, features.clone(), opts, control, p),
        )?;
        records.push((name, record));
        features = ae.encode(compute, features);
        encoders.push(ae);
    }
    let (softnet, record) = ctx.stage(
        "softmax",
        r.softmax.max_epochs,
        models::ModelFile::Softmax,
        |m| m.into_softmax("softmax"),
        |control, p| {
            train_softmax_layer_resumable(
                compute,
                features.clone(),
                t.clone(),
                &r.softmax,
                control,
                p,
            )
        },
    )?;
    records.push(("softmax".into(), record));

    let refs: Vec<&Autoencoder> = encoders.iter().collect();
    let mut stacked = stack(&refs, &softnet)?;
    stacked.max_epochs = r.fine_tune_epochs;
    models::save_all(
        &ctx.out.join("models"),
        "stack-before",
        &models::ModelFile::Stack(stacked.clone()),
    )?;
    let predicted = stacked.classify(compute, x_test.clone())?;
    let confusion_before = ConfusionMatrix::new(test.num_classes(), &test.labels, &predicted);

    let (tuned, record) = ctx.stage(
        "fine-tune",
        stacked.max_epochs,
        models::ModelFile::Stack,
        |m| m.into_stack("fine-tune"),
        |control, p| fine_tune_resumable(compute, &stacked, x.clone(), t.clone(), control, p),
    )?;
    records.push(("fine-tune".into(), record));
    models::save_all(
        &ctx.out.join("models"),
        "stack-after",
        &models::ModelFile::Stack(tuned.clone()),
    )?;
    let predicted = tuned.classify(compute, x_test)?;
    let confusion_after = ConfusionMatrix::new(test.num_classes(), &test.labels, &predicted);
    let train_predicted = tuned.classify(compute, x)?;
    let train_confusion =
        ConfusionMatrix::new(train.num_classes(), &train.labels, &train_predicted);
    Ok(RunResult {
        stages: records
            .iter()
            .map(|(n, rec)| StageSummary::new(n, rec))
            .collect(),
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

/// Writes a stage's record (JSON and CSV); fails, naming the stage and epoch, if training
/// diverged (the best model so far has been saved by then).
fn finish_stage(out: &Path, name: &str, record: &TrainingRecord) -> anyhow::Result<()> {
    let dir = out.join("records");
    if let sae_core::StopReason::NonFinite { .. } = record.stop_reason {
        output::write_file(
            &dir.join(format!("{name}-diverged.json")),
            serde_json::to_string_pretty(record)?.as_bytes(),
        )?;
        anyhow::bail!(
            "stage {name}: training stopped at epoch {}: {}; the best model so far was saved in {}",
            record.epochs_run(),
            record.stop_reason,
            out.join("models").display()
        );
    }
    output::write_file(&dir.join(format!("{name}.csv")), record.to_csv().as_bytes())?;
    // The JSON record is written last: its presence marks the stage as finished.
    output::write_file(
        &dir.join(format!("{name}.json")),
        serde_json::to_string_pretty(record)?.as_bytes(),
    )
}
