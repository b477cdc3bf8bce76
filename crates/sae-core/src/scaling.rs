//! ScaleData: MATLAB's mapminmax. Per feature, the training min..max maps linearly onto
//! the decoder's output range [ymin, ymax]; a constant feature maps to ymin.
//! y = (ymax − ymin)·(x − xmin)/(xmax − xmin) + ymin.

use burn::tensor::Tensor;

use crate::compute::{Compute, to_f64};
use crate::error::Result;

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MinMax {
    pub x_min: Vec<f64>,
    pub x_max: Vec<f64>,
    pub y_min: f64,
    pub y_max: f64,
}

impl MinMax {
    /// Fits the mapping to the columns of `x` (N×D).
    pub fn fit(x: &Tensor<2>, range: (f64, f64)) -> Result<Self> {
        let x_min = to_f64(x.clone().min_dim(0))?;
        let x_max = to_f64(x.clone().max_dim(0))?;
        Ok(Self {
            x_min,
            x_max,
            y_min: range.0,
            y_max: range.1,
        })
    }

    /// Per-feature gain (ymax−ymin)/(xmax−xmin), 0 for constant features.
    fn gain(&self) -> Vec<f64> {
        self.x_min
            .iter()
            .zip(&self.x_max)
            .map(|(lo, hi)| {
                if hi > lo {
                    (self.y_max - self.y_min) / (hi - lo)
                } else {
                    0.0
                }
            })
            .collect()
    }

    /// y = gain·(x − xmin) + ymin.
    pub fn apply(&self, compute: &Compute, x: Tensor<2>) -> Tensor<2> {
        let gain = compute.vector(&self.gain()).unsqueeze_dim(0);
        let lo = compute.vector(&self.x_min).unsqueeze_dim(0);
        (x - lo) * gain + self.y_min
    }

    /// x = (y − ymin)/gain + xmin (constant features return xmin).
    pub fn reverse(&self, compute: &Compute, y: Tensor<2>) -> Tensor<2> {
        let inv: Vec<f64> = self
            .gain()
            .iter()
            .map(|&g| if g > 0.0 { 1.0 / g } else { 0.0 })
            .collect();
        let inv = compute.vector(&inv).unsqueeze_dim(0);
        let lo = compute.vector(&self.x_min).unsqueeze_dim(0);
        (y - self.y_min) * inv + lo
    }
}
