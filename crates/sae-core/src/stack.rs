//! stack(ae1, ae2, …, softnet) and fine-tuning of the whole stack (matlab-reference.md §4).

use burn::tensor::{Int, Tensor};

use crate::autoencoder::Autoencoder;
use crate::compute::Compute;
use crate::error::{CoreError, Result};
use crate::layer::Dense;
use crate::loss::Loss;
use crate::optim::{Optimizer, Progress, Scg};
use crate::record::TrainingRecord;
use crate::scaling::MinMax;
use crate::softmax::SoftmaxLayer;
use crate::train::{ResumableScgOptimizer, ScgControl, train_layers};

/// The stacked network: encoders then the softmax layer. `scaling` is the first
/// autoencoder's ScaleData mapping (MATLAB's input processing); later encoders' mappings
/// are folded into their weights when stacking.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StackedNetwork {
    pub layers: Vec<Dense>,
    pub scaling: Option<MinMax>,
    /// Training settings inherited from the last network (the softmax layer).
    pub loss: Loss,
    pub max_epochs: usize,
}

/// Folds y = gain⊙(x − xmin) + ymin into the layer: x·(diag(gain)·W) + (b + (ymin − gain⊙xmin)·W).
fn fold_scaling(layer: &Dense, s: &MinMax) -> Dense {
    let mut out = layer.clone();
    for i in 0..layer.inputs {
        let gain = if s.x_max[i] > s.x_min[i] {
            (s.y_max - s.y_min) / (s.x_max[i] - s.x_min[i])
        } else {
            0.0
        };
        let offset = s.y_min - gain * s.x_min[i];
        for o in 0..layer.outputs {
            let w = layer.weight[i * layer.outputs + o];
            out.weight[i * layer.outputs + o] = gain * w;
            out.bias[o] += offset * w;
        }
    }
    out
}

/// stack(encoders…, softmax): chains the trained encoders (copied, not re-initialised) and
/// the softmax layer; refuses sizes that do not chain.
pub fn stack(encoders: &[&Autoencoder], softmax: &SoftmaxLayer) -> Result<StackedNetwork> {
    let Some(first) = encoders.first() else {
        return Err(CoreError::Stack(
            "at least one autoencoder is needed".into(),
        ));
    };
    let mut layers = Vec::with_capacity(encoders.len() + 1);
    for (i, ae) in encoders.iter().enumerate() {
        if let Some(prev) = layers.last().map(|l: &Dense| l.outputs)
            && prev != ae.input_size()
        {
            return Err(CoreError::Stack(format!(
                "autoencoder {} has {} hidden units but autoencoder {} expects {} inputs",
                i,
                prev,
                i + 1,
                ae.input_size()
            )));
        }
        let layer = match (&ae.scaling, i) {
            (Some(s), i) if i > 0 => fold_scaling(&ae.encoder, s),
            _ => ae.encoder.clone(),
        };
        layers.push(layer);
    }
    let last = layers.last().expect("one encoder").outputs;
    if softmax.layer.inputs != last {
        return Err(CoreError::Stack(format!(
            "the last autoencoder has {} hidden units but the softmax layer expects {} inputs",
            last, softmax.layer.inputs
        )));
    }
    layers.push(softmax.layer.clone());
    Ok(StackedNetwork {
        layers,
        scaling: first.scaling.clone(),
        loss: softmax.options.loss,
        max_epochs: softmax.options.max_epochs,
    })
}

impl StackedNetwork {
    pub fn input_size(&self) -> usize {
        self.layers[0].inputs
    }

    pub fn num_classes(&self) -> usize {
        self.layers.last().expect("softmax layer").outputs
    }

    fn scaled(&self, compute: &Compute, x: Tensor<2>) -> Tensor<2> {
        match &self.scaling {
            Some(s) => s.apply(compute, x),
            None => x,
        }
    }

    /// Class probabilities (N×C).
    pub fn predict(&self, compute: &Compute, x: Tensor<2>) -> Tensor<2> {
        let mut a = self.scaled(compute, x);
        for l in &self.layers {
            a = l.forward(compute, a);
        }
        a
    }

    /// Predicted class indices (argmax of the softmax output).
    pub fn classify(&self, compute: &Compute, x: Tensor<2>) -> Result<Vec<usize>> {
        argmax_rows(self.predict(compute, x))
    }
}

/// Row-wise argmax read back to the host.
pub fn argmax_rows(probabilities: Tensor<2>) -> Result<Vec<usize>> {
    let idx: Tensor<2, Int> = probabilities.argmax(1);
    let v = idx
        .try_to_vec_as::<i64>()
        .map_err(|e| CoreError::Read(format!("{e:?}")))?;
    Ok(v.into_iter().map(|i| i as usize).collect())
}

/// train(stackednet, x, t): SCG on all parameters of the stack with the settings inherited
/// from the softmax layer (its loss, no regularisation, its max epochs).
pub fn fine_tune(
    compute: &Compute,
    net: &StackedNetwork,
    x: Tensor<2>,
    targets: Tensor<2>,
    progress: Progress,
) -> Result<(StackedNetwork, TrainingRecord)> {
    fine_tune_resumable(compute, net, x, targets, ScgControl::default(), progress)
}

/// [`fine_tune`] from a checkpoint and/or writing checkpoints.
pub fn fine_tune_resumable(
    compute: &Compute,
    net: &StackedNetwork,
    x: Tensor<2>,
    targets: Tensor<2>,
    control: ScgControl,
    progress: Progress,
) -> Result<(StackedNetwork, TrainingRecord)> {
    let scg = Scg::with_epochs(net.max_epochs);
    let resumable = ResumableScgOptimizer::new(scg, control);
    fine_tune_with(compute, net, x, targets, &resumable, progress)
}

/// Like [`fine_tune`] with another optimiser.
pub fn fine_tune_with(
    compute: &Compute,
    net: &StackedNetwork,
    x: Tensor<2>,
    targets: Tensor<2>,
    optimizer: &dyn Optimizer,
    progress: Progress,
) -> Result<(StackedNetwork, TrainingRecord)> {
    let x = net.scaled(compute, x);
    let (layers, record) = train_layers(
        compute,
        &net.layers,
        net.loss,
        x,
        targets,
        optimizer,
        progress,
    )?;
    Ok((
        StackedNetwork {
            layers,
            ..net.clone()
        },
        record,
    ))
}
