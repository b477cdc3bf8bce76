//! trainSoftmaxLayer: y = softmax(x·W + b), zero-initialised, crossentropy or mse
//! (matlab-reference.md §3).

use burn::tensor::Tensor;

use crate::compute::Compute;
use crate::error::{Result, ensure_option};
use crate::layer::Dense;
use crate::loss::Loss;
use crate::optim::{Optimizer, Progress, Scg};
use crate::record::TrainingRecord;
use crate::train::{ResumableScgOptimizer, ScgControl, train_layers};
use crate::transfer::Transfer;

/// trainSoftmaxLayer's options; `Default` gives MATLAB's defaults.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SoftmaxOptions {
    /// MaxEpochs (default 1000).
    pub max_epochs: usize,
    /// LossFunction: crossentropy (default) or mse.
    pub loss: Loss,
}

impl Default for SoftmaxOptions {
    fn default() -> Self {
        Self {
            max_epochs: 1000,
            loss: Loss::CrossEntropy,
        }
    }
}

impl SoftmaxOptions {
    pub fn check(&self) -> Result<()> {
        ensure_option(
            self.max_epochs > 0,
            "max_epochs",
            self.max_epochs,
            "a positive integer",
        )?;
        ensure_option(
            matches!(self.loss, Loss::CrossEntropy | Loss::Mse),
            "loss",
            self.loss.name(),
            "crossentropy or mse",
        )
    }
}

/// A trained softmax classifier layer.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SoftmaxLayer {
    pub options: SoftmaxOptions,
    pub layer: Dense,
}

impl SoftmaxLayer {
    /// Class probabilities (N×C).
    pub fn predict(&self, compute: &Compute, x: Tensor<2>) -> Tensor<2> {
        self.layer.forward(compute, x)
    }
}

/// trainSoftmaxLayer(x, t) with trainscg; `targets` is the N×C one-hot matrix.
pub fn train_softmax_layer(
    compute: &Compute,
    x: Tensor<2>,
    targets: Tensor<2>,
    options: &SoftmaxOptions,
    progress: Progress,
) -> Result<(SoftmaxLayer, TrainingRecord)> {
    train_softmax_layer_resumable(
        compute,
        x,
        targets,
        options,
        ScgControl::default(),
        progress,
    )
}

/// [`train_softmax_layer`] from a checkpoint and/or writing checkpoints.
pub fn train_softmax_layer_resumable(
    compute: &Compute,
    x: Tensor<2>,
    targets: Tensor<2>,
    options: &SoftmaxOptions,
    control: ScgControl,
    progress: Progress,
) -> Result<(SoftmaxLayer, TrainingRecord)> {
    let scg = Scg::with_epochs(options.max_epochs);
    let resumable = ResumableScgOptimizer::new(scg, control);
    train_softmax_layer_with(compute, x, targets, options, &resumable, progress)
}

/// Like [`train_softmax_layer`] with another optimiser.
pub fn train_softmax_layer_with(
    compute: &Compute,
    x: Tensor<2>,
    targets: Tensor<2>,
    options: &SoftmaxOptions,
    optimizer: &dyn Optimizer,
    progress: Progress,
) -> Result<(SoftmaxLayer, TrainingRecord)> {
    options.check()?;
    let layer = Dense::zeros(x.dims()[1], targets.dims()[1], Transfer::Softmax);
    let (mut trained, record) = train_layers(
        compute,
        &[layer],
        options.loss,
        x,
        targets,
        optimizer,
        progress,
    )?;
    Ok((
        SoftmaxLayer {
            options: options.clone(),
            layer: trained.remove(0),
        },
        record,
    ))
}
