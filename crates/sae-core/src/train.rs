//! Training any chain of dense layers with any optimiser: flatten, minimise, unflatten.

use burn::tensor::Tensor;

use crate::compute::{Compute, to_f64};
use crate::error::{CoreError, Result};
use crate::layer::{Dense, LayerShape, flatten, unflatten};
use crate::loss::Loss;
use crate::objective::{NetworkObjective, Objective};
use crate::optim::scg::{Checkpoints, ScgState};
use crate::optim::{Optimizer, Progress, Scg};
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

/// How an SCG training run starts and saves progress: from scratch or a checkpoint, with or
/// without periodic checkpoints.
#[derive(Default)]
pub struct ScgControl<'a> {
    pub resume: Option<&'a ScgState>,
    pub checkpoints: Option<Checkpoints<'a>>,
}

/// An [`Optimizer`] view of SCG with its resume state and checkpoint hook (used once).
pub struct ResumableScgOptimizer<'a> {
    scg: Scg,
    control: std::cell::RefCell<Option<ScgControl<'a>>>,
}

impl<'a> ResumableScgOptimizer<'a> {
    pub fn new(scg: Scg, control: ScgControl<'a>) -> Self {
        Self {
            scg,
            control: std::cell::RefCell::new(Some(control)),
        }
    }
}

impl Optimizer for ResumableScgOptimizer<'_> {
    fn minimize(
        &self,
        objective: &mut dyn Objective,
        w0: Tensor<1>,
        progress: Progress,
    ) -> Result<crate::optim::Outcome> {
        let control = self.control.borrow_mut().take().unwrap_or_default();
        self.scg
            .minimize_resumable(objective, w0, control.resume, control.checkpoints, progress)
    }
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
