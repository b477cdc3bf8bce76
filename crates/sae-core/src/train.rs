//! Training any chain of dense layers with any optimiser: flatten, minimise, unflatten.

use burn::tensor::Tensor;

use crate::compute::{Compute, to_f64};
use crate::error::{CoreError, Result};
use crate::layer::{Dense, LayerShape, flatten, unflatten};
use crate::loss::Loss;
use crate::objective::{NetworkObjective, Objective};
use crate::optim::{Optimizer, Progress};
use crate::record::TrainingRecord;

/// Trains `layers` on inputs `x` against targets `t`; returns the optimiser's best
/// parameters and its record.
pub fn train_layers(
    compute: &Compute,
    layers: &[Dense],
    loss: Loss,
    x: Tensor<2>,
    t: Tensor<2>,
    optimizer: &dyn Optimizer,
    progress: Progress,
) -> Result<(Vec<Dense>, TrainingRecord)> {
    let shapes: Vec<LayerShape> = layers.iter().map(Dense::shape).collect();
    check_chain(&shapes, x.dims()[1], t.dims()[1])?;
    if x.dims()[0] != t.dims()[0] {
        return Err(CoreError::Shape(format!(
            "{} input samples but {} targets",
            x.dims()[0],
            t.dims()[0]
        )));
    }
    let mut objective: Box<dyn Objective> = if compute.fused_cpu {
        crate::fused::fused_objective(compute, shapes.clone(), loss, &x, &t)?
    } else {
        Box::new(NetworkObjective::new(compute, shapes.clone(), loss, x, t))
    };
    let w0 = compute.vector(&flatten(layers));
    let outcome = optimizer.minimize(objective.as_mut(), w0, progress)?;
    let flat = to_f64(outcome.params)?;
    Ok((unflatten(&shapes, &flat), outcome.record))
}

/// Checks that layer sizes chain from `inputs` to `outputs`.
pub fn check_chain(shapes: &[LayerShape], inputs: usize, outputs: usize) -> Result<()> {
    let mut size = inputs;
    for (i, s) in shapes.iter().enumerate() {
        if s.inputs != size {
            return Err(CoreError::Shape(format!(
                "layer {} expects {} inputs but receives {}",
                i + 1,
                s.inputs,
                size
            )));
        }
        size = s.outputs;
    }
    if size != outputs {
        return Err(CoreError::Shape(format!(
            "the network produces {size} outputs but the targets have {outputs}"
        )));
    }
    Ok(())
}
