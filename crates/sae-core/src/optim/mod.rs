//! Optimisers over a flat parameter vector. Each pairs with any [`Objective`].

pub mod adam;
pub mod lbfgs;
pub mod scg;

use burn::tensor::Tensor;

use crate::compute::scalars;
use crate::error::Result;
use crate::objective::Objective;
use crate::record::{EpochRecord, TrainingRecord};

pub use adam::Adam;
pub use lbfgs::Lbfgs;
pub use scg::Scg;

/// The parameters an optimiser returns (the best it saw) and its record.
pub struct Outcome {
    pub params: Tensor<1>,
    pub record: TrainingRecord,
}

/// Called after every epoch (progress display, checkpoints).
pub type Progress<'a> = &'a mut dyn FnMut(&EpochRecord);

/// A minimiser of an [`Objective`] starting from `w0`.
pub trait Optimizer {
    fn minimize(
        &self,
        objective: &mut dyn Objective,
        w0: Tensor<1>,
        progress: Progress,
    ) -> Result<Outcome>;
}

/// aᵀb for each pair, read with one device synchronisation.
pub(crate) fn dots(pairs: &[(&Tensor<1>, &Tensor<1>)]) -> Result<Vec<f64>> {
    scalars(
        pairs
            .iter()
            .map(|(a, b)| ((*a).clone() * (*b).clone()).sum())
            .collect(),
    )
}
