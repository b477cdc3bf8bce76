//! One subcommand per stage of the example, chained through files, so the workflow can be
//! followed step by step from a shell:
//!
//! ```sh
//! sae data generate --out d
//! sae train-autoencoder --images d/train-images-idx3-ubyte --hidden 100 --max-epochs 400 \
//!     --l2-weight-regularization 0.004 --sparsity-regularization 4 --sparsity-proportion 0.15 \
//!     --no-scale-data --out ae1.bpk
//! sae encode --model ae1.bpk --images d/train-images-idx3-ubyte --out feat1.safetensors
//! sae train-autoencoder --features feat1.safetensors --hidden 50 … --seed 1 --out ae2.bpk
//! sae encode --model ae2.bpk --features feat1.safetensors --out feat2.safetensors
//! sae train-softmax --features feat2.safetensors --labels d/train-labels-idx1-ubyte --out soft.bpk
//! sae stack ae1.bpk ae2.bpk soft.bpk --out stack.bpk
//! sae evaluate --model stack.bpk --images d/t10k-images-idx3-ubyte --labels d/t10k-labels-idx1-ubyte
//! sae fine-tune --model stack.bpk --images d/train-images-idx3-ubyte --labels d/train-labels-idx1-ubyte --out tuned.bpk
//! ```

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use burn::tensor::Tensor;
use clap::Args;
use sae_core::compute::to_f64;
use sae_core::{
    AutoencoderOptions, BackendKind, Compute, ConfusionMatrix, Loss, Precision, SoftmaxOptions,
    SparseCost, Transfer, fine_tune, stack, train_autoencoder, train_softmax_layer,
};
use sae_data::idx;

use crate::models::{self, ModelFile};
use crate::output;
use crate::progress::StageProgress;

/// Device and precision options shared by the stage commands.
#[derive(Debug, Args, Clone)]
pub struct DeviceArgs {
    /// Backend: flex, ndarray or wgpu.
    #[arg(long, default_value = "flex")]
    pub device: String,
    /// f32 or f64.
    #[arg(long, default_value = "f32")]
    pub precision: String,
    /// No progress output.
    #[arg(long)]
    pub quiet: bool,
}

impl DeviceArgs {
    pub fn compute(&self) -> anyhow::Result<Compute> {
        let backend = BackendKind::parse(&self.device)?;
        let precision: Precision = self.precision.parse()?;
        if precision == Precision::F64 && backend == BackendKind::Wgpu {
            bail!("--precision f64 is not supported on the wgpu device; use f32");
        }
        Ok(backend.compute(precision)?)
    }
}

/// Where a stage's inputs come from: IDX images or a features file from `sae encode`.
#[derive(Debug, Args, Clone)]
pub struct InputArgs {
    /// IDX image file (gzipped or not).
    #[arg(long, conflicts_with = "features")]
    pub images: Option<PathBuf>,
    /// Features file written by `sae encode` (safetensors, tensor "features", N×D).
    #[arg(long)]
    pub features: Option<PathBuf>,
}

impl InputArgs {
    /// The inputs as an N×D matrix on the device.
    pub fn load(&self, compute: &Compute) -> anyhow::Result<Tensor<2>> {
        match (&self.images, &self.features) {
            (Some(p), None) => {
                let img = idx::read_images(p)?;
                let set = sae_data::Dataset::from_u8(
                    &p.display().to_string(),
                    &img.pixels,
                    img.rows,
                    img.cols,
                    vec![0; img.count],
                    vec!["?".into()],
                )?;
                Ok(compute.matrix_f32(&set.features, set.len(), set.num_features()))
            }
            (None, Some(p)) => read_features(compute, p),
            _ => bail!("give the inputs as --images FILE or --features FILE"),
        }
    }
}

/// Reads a features file (safetensors with one tensor "features", f32 or f64).
pub fn read_features(compute: &Compute, path: &Path) -> anyhow::Result<Tensor<2>> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let st = safetensors::SafeTensors::deserialize(&bytes)
        .map_err(|e| anyhow::anyhow!("{}: not a valid features file: {e}", path.display()))?;
    let t = st
        .tensor("features")
        .map_err(|_| anyhow::anyhow!("{}: no tensor named \"features\"", path.display()))?;
    let [n, d] = t.shape() else {
        bail!(
            "{}: features must be a 2-D tensor, found shape {:?}",
            path.display(),
            t.shape()
        );
    };
    let values: Vec<f64> = match t.dtype() {
        safetensors::Dtype::F32 => t
            .data()
            .chunks_exact(4)
            .map(|c| f64::from(f32::from_le_bytes([c[0], c[1], c[2], c[3]])))
            .collect(),
        safetensors::Dtype::F64 => t
            .data()
            .chunks_exact(8)
            .map(|c| f64::from_le_bytes(c.try_into().expect("8 bytes")))
            .collect(),
        other => bail!(
            "{}: features are {other:?}, expected F32 or F64",
            path.display()
        ),
    };
    if let Some(i) = values.iter().position(|v| !v.is_finite()) {
        bail!(
            "{}: feature value {} at sample {}, feature {} is not finite",
            path.display(),
            values[i],
            i / d,
            i % d
        );
    }
    Ok(compute.matrix(&values, *n, *d))
}

/// Writes a features file in the compute precision (exact).
pub fn write_features(compute: &Compute, features: Tensor<2>, path: &Path) -> anyhow::Result<()> {
    let [n, d] = features.dims();
    let values = to_f64(features)?;
    let (dtype, bytes): (safetensors::Dtype, Vec<u8>) = match compute.precision {
        Precision::F32 => (
            safetensors::Dtype::F32,
            values
                .iter()
                .flat_map(|&v| (v as f32).to_le_bytes())
                .collect(),
        ),
        Precision::F64 => (
            safetensors::Dtype::F64,
            values.iter().flat_map(|v| v.to_le_bytes()).collect(),
        ),
    };
    let view = safetensors::tensor::TensorView::new(dtype, vec![n, d], &bytes)?;
    let out = safetensors::serialize([("features", view)], None)?;
    output::write_file(path, &out)
}

fn one_hot(
    compute: &Compute,
    labels_path: &Path,
    n: usize,
) -> anyhow::Result<(Tensor<2>, Vec<usize>)> {
    let labels = idx::read_labels(labels_path)?;
    if labels.len() != n {
        bail!(
            "{}: {} labels for {} samples",
            labels_path.display(),
            labels.len(),
            n
        );
    }
    let labels: Vec<usize> = labels.iter().map(|&l| l as usize).collect();
    if let Some((i, l)) = labels.iter().enumerate().find(|&(_, &l)| l >= 10) {
        bail!(
            "{}: label {l} at index {i} is out of range (expected 0..10)",
            labels_path.display()
        );
    }
    let mut t = vec![0.0; n * 10];
    for (i, &l) in labels.iter().enumerate() {
        t[i * 10 + l] = 1.0;
    }
    Ok((compute.matrix(&t, n, 10), labels))
}

/// Trains one stage with progress, saves the model (on a numeric fault: the best one so
/// far) and fails naming the stage and epoch if training diverged.
fn run_stage<T>(
    name: &str,
    epochs: usize,
    quiet: bool,
    out: &Path,
    wrap: impl FnOnce(T) -> ModelFile,
    train: impl FnOnce(sae_core::optim::Progress) -> sae_core::Result<(T, sae_core::TrainingRecord)>,
) -> anyhow::Result<()> {
    let mut bar = StageProgress::new(name, epochs, quiet);
    let (model, rec) = train(&mut |e| bar.update(e))?;
    bar.finish(&format!(
        "{} after {} epochs, perf {:.6e}",
        rec.stop_reason,
        rec.epochs_run(),
        rec.best_perf
    ));
    models::save(out, &wrap(model))?;
    if let sae_core::StopReason::NonFinite { .. } = rec.stop_reason {
        bail!(
            "{name}: training stopped at epoch {}: {}; the best model so far was saved to {}",
            rec.epochs_run(),
            rec.stop_reason,
            out.display()
        );
    }
    Ok(())
}

#[derive(Debug, Args)]
pub struct TrainAutoencoderArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output model file (.bpk, .safetensors or .json).
    #[arg(long)]
    pub out: PathBuf,
    #[arg(long, default_value_t = 10)]
    pub hidden: usize,
    #[arg(long, default_value_t = 1000)]
    pub max_epochs: usize,
    #[arg(long, default_value_t = 0.001)]
    pub l2_weight_regularization: f64,
    #[arg(long, default_value_t = 1.0)]
    pub sparsity_regularization: f64,
    #[arg(long, default_value_t = 0.05)]
    pub sparsity_proportion: f64,
    /// Turn ScaleData off (MATLAB's default is on).
    #[arg(long)]
    pub no_scale_data: bool,
    #[arg(long, default_value = "logsig")]
    pub encoder: String,
    #[arg(long, default_value = "logsig")]
    pub decoder: String,
    /// Initialisation seed (`sae run` uses seed + index of the autoencoder).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    #[command(flatten)]
    pub device: DeviceArgs,
}

pub fn train_autoencoder_cmd(a: &TrainAutoencoderArgs) -> anyhow::Result<()> {
    let opts = AutoencoderOptions {
        hidden_size: a.hidden,
        encoder: Transfer::parse(&a.encoder)?,
        decoder: Transfer::parse(&a.decoder)?,
        max_epochs: a.max_epochs,
        cost: SparseCost {
            l2_weight_regularization: a.l2_weight_regularization,
            sparsity_regularization: a.sparsity_regularization,
            sparsity_proportion: a.sparsity_proportion,
        },
        scale_data: !a.no_scale_data,
        seed: a.seed,
    };
    opts.check()?;
    models::check_writable(&a.out)?;
    let compute = a.device.compute()?;
    let x = a.input.load(&compute)?;
    run_stage(
        "autoencoder",
        opts.max_epochs,
        a.device.quiet,
        &a.out,
        ModelFile::Autoencoder,
        |p| train_autoencoder(&compute, x, &opts, p),
    )
}

#[derive(Debug, Args)]
pub struct EncodeArgs {
    /// A trained autoencoder.
    #[arg(long)]
    pub model: PathBuf,
    #[command(flatten)]
    pub input: InputArgs,
    /// Output features file (.safetensors).
    #[arg(long)]
    pub out: PathBuf,
    #[command(flatten)]
    pub device: DeviceArgs,
}

pub fn encode_cmd(a: &EncodeArgs) -> anyhow::Result<()> {
    let ae = models::load(&a.model)?.into_autoencoder(&a.model.display().to_string())?;
    let compute = a.device.compute()?;
    let x = a.input.load(&compute)?;
    if x.dims()[1] != ae.input_size() {
        bail!(
            "{} expects {} inputs but the data has {} features",
            a.model.display(),
            ae.input_size(),
            x.dims()[1]
        );
    }
    write_features(&compute, ae.encode(&compute, x), &a.out)
}

#[derive(Debug, Args)]
pub struct TrainSoftmaxArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// IDX label file.
    #[arg(long)]
    pub labels: PathBuf,
    #[arg(long)]
    pub out: PathBuf,
    #[arg(long, default_value_t = 1000)]
    pub max_epochs: usize,
    /// crossentropy or mse.
    #[arg(long, default_value = "crossentropy")]
    pub loss: String,
    #[command(flatten)]
    pub device: DeviceArgs,
}

pub fn train_softmax_cmd(a: &TrainSoftmaxArgs) -> anyhow::Result<()> {
    let loss = match a.loss.as_str() {
        "crossentropy" => Loss::CrossEntropy,
        "mse" => Loss::Mse,
        other => bail!("--loss {other}: expected crossentropy or mse"),
    };
    let opts = SoftmaxOptions {
        max_epochs: a.max_epochs,
        loss,
    };
    opts.check()?;
    models::check_writable(&a.out)?;
    let compute = a.device.compute()?;
    let x = a.input.load(&compute)?;
    let (t, _) = one_hot(&compute, &a.labels, x.dims()[0])?;
    run_stage(
        "softmax",
        opts.max_epochs,
        a.device.quiet,
        &a.out,
        ModelFile::Softmax,
        |p| train_softmax_layer(&compute, x, t, &opts, p),
    )
}

#[derive(Debug, Args)]
pub struct StackArgs {
    /// Autoencoders in order, then the softmax layer.
    #[arg(required = true, num_args = 2..)]
    pub models: Vec<PathBuf>,
    #[arg(long)]
    pub out: PathBuf,
    /// Fine-tuning epochs stored with the stack (default: the softmax layer's).
    #[arg(long)]
    pub max_epochs: Option<usize>,
}

pub fn stack_cmd(a: &StackArgs) -> anyhow::Result<()> {
    let (soft_path, ae_paths) = a.models.split_last().expect("at least two models");
    let mut encoders = Vec::new();
    for p in ae_paths {
        encoders.push(models::load(p)?.into_autoencoder(&p.display().to_string())?);
    }
    let soft = models::load(soft_path)?.into_softmax(&soft_path.display().to_string())?;
    let refs: Vec<_> = encoders.iter().collect();
    let mut net = stack(&refs, &soft)?;
    if let Some(e) = a.max_epochs {
        if e == 0 {
            bail!("--max-epochs must be positive");
        }
        net.max_epochs = e;
    }
    models::save(&a.out, &ModelFile::Stack(net))
}

#[derive(Debug, Args)]
pub struct FineTuneArgs {
    /// A stacked network from `sae stack`.
    #[arg(long)]
    pub model: PathBuf,
    #[command(flatten)]
    pub input: InputArgs,
    #[arg(long)]
    pub labels: PathBuf,
    #[arg(long)]
    pub out: PathBuf,
    #[command(flatten)]
    pub device: DeviceArgs,
}

pub fn fine_tune_cmd(a: &FineTuneArgs) -> anyhow::Result<()> {
    let net = models::load(&a.model)?.into_stack(&a.model.display().to_string())?;
    models::check_writable(&a.out)?;
    let compute = a.device.compute()?;
    let x = a.input.load(&compute)?;
    check_inputs(&a.model, net.input_size(), x.dims()[1])?;
    let (t, _) = one_hot(&compute, &a.labels, x.dims()[0])?;
    run_stage(
        "fine-tune",
        net.max_epochs,
        a.device.quiet,
        &a.out,
        ModelFile::Stack,
        |p| fine_tune(&compute, &net, x, t, p),
    )
}

fn check_inputs(model: &Path, expected: usize, found: usize) -> anyhow::Result<()> {
    if expected != found {
        bail!(
            "{} expects {expected} inputs but the data has {found} features",
            model.display()
        );
    }
    Ok(())
}

#[derive(Debug, Args)]
pub struct EvaluateArgs {
    #[arg(long)]
    pub model: PathBuf,
    #[command(flatten)]
    pub input: InputArgs,
    #[arg(long)]
    pub labels: PathBuf,
    /// Also draw the confusion matrix to this PNG.
    #[arg(long)]
    pub figure: Option<PathBuf>,
    #[command(flatten)]
    pub device: DeviceArgs,
}

pub fn evaluate_cmd(a: &EvaluateArgs) -> anyhow::Result<()> {
    let net = models::load(&a.model)?.into_stack(&a.model.display().to_string())?;
    let compute = a.device.compute()?;
    let x = a.input.load(&compute)?;
    check_inputs(&a.model, net.input_size(), x.dims()[1])?;
    let (_, labels) = one_hot(&compute, &a.labels, x.dims()[0])?;
    let predicted = net.classify(&compute, x)?;
    let cm = ConfusionMatrix::new(net.num_classes(), &labels, &predicted);
    println!(
        "accuracy {:.2}% ({} samples)",
        100.0 * cm.accuracy(),
        cm.total()
    );
    println!("class  recall  precision");
    for c in 0..cm.classes {
        println!(
            "{c:>5}  {:>5.1}%  {:>8.1}%",
            100.0 * cm.recall(c),
            100.0 * cm.precision(c)
        );
    }
    if let Some(f) = &a.figure {
        let names: Vec<String> = (0..cm.classes).map(|c| c.to_string()).collect();
        let fig = sae_plot::confusion_matrix(&cm.counts, &names, "Confusion matrix");
        output::write_file(f, &fig.to_png())?;
    }
    Ok(())
}

#[derive(Debug, Args)]
pub struct PredictArgs {
    /// A stacked network.
    pub model: PathBuf,
    /// Image files (converted to grey and resized to the network's input size when square).
    #[arg(required = true)]
    pub images: Vec<PathBuf>,
    #[command(flatten)]
    pub device: DeviceArgs,
}

pub fn predict_cmd(a: &PredictArgs) -> anyhow::Result<()> {
    let net = models::load(&a.model)?.into_stack(&a.model.display().to_string())?;
    let side = (net.input_size() as f64).sqrt().round() as usize;
    if side * side != net.input_size() {
        bail!(
            "{} takes {} inputs, which is not a square image",
            a.model.display(),
            net.input_size()
        );
    }
    let compute = a.device.compute()?;
    let mut rows = Vec::new();
    for p in &a.images {
        let (_, _, px) = sae_data::folder::read_grey_image(p, Some((side, side)))?;
        rows.extend(px);
    }
    let x = compute.matrix_f32(&rows, a.images.len(), net.input_size());
    let probs = to_f64(net.predict(&compute, x))?;
    let c = net.num_classes();
    for (i, p) in a.images.iter().enumerate() {
        let row = &probs[i * c..(i + 1) * c];
        let best = row
            .iter()
            .enumerate()
            .fold(0, |b, (j, &v)| if v > row[b] { j } else { b });
        let list: Vec<String> = row.iter().map(|v| format!("{v:.3}")).collect();
        println!(
            "{}: class {best} ({:.1}%)  [{}]",
            p.display(),
            100.0 * row[best],
            list.join(" ")
        );
    }
    Ok(())
}

#[derive(Debug, Args)]
pub struct ViewArgs {
    /// A stacked network, autoencoder or softmax layer.
    pub model: PathBuf,
    /// Write the diagram as SVG here.
    #[arg(long)]
    pub svg: Option<PathBuf>,
}

pub fn view_cmd(a: &ViewArgs) -> anyhow::Result<()> {
    let m = models::load(&a.model)?;
    let (inputs, layers, scaled): (usize, Vec<sae_core::Dense>, bool) = match &m {
        ModelFile::Autoencoder(ae) => (
            ae.input_size(),
            vec![ae.encoder.clone(), ae.decoder.clone()],
            ae.scaling.is_some(),
        ),
        ModelFile::Softmax(s) => (s.layer.inputs, vec![s.layer.clone()], false),
        ModelFile::Stack(s) => (s.input_size(), s.layers.clone(), s.scaling.is_some()),
    };
    println!("{} ({} kind)", a.model.display(), m.kind());
    println!(
        "  input            {inputs}{}",
        if scaled {
            "  (ScaleData: mapminmax)"
        } else {
            ""
        }
    );
    let mut params = 0;
    for (i, l) in layers.iter().enumerate() {
        let n = l.inputs * l.outputs + l.outputs;
        params += n;
        println!(
            "  layer {:<2} {:>5} -> {:<5} {:<8} {n} parameters",
            i + 1,
            l.inputs,
            l.outputs,
            l.transfer.name()
        );
    }
    println!("  total {params} parameters");
    if let Some(svg) = &a.svg {
        let diagram: Vec<sae_plot::DiagramLayer> = layers
            .iter()
            .enumerate()
            .map(|(i, l)| sae_plot::DiagramLayer {
                label: if l.transfer == Transfer::Softmax {
                    "Softmax layer".into()
                } else {
                    format!("Layer {}", i + 1)
                },
                size: l.outputs,
                transfer: l.transfer.name().into(),
            })
            .collect();
        output::write_file(
            svg,
            sae_plot::network_svg(inputs, &diagram, &format!("{} model", m.kind())).as_bytes(),
        )?;
    }
    Ok(())
}
