//! Performance functions exactly as MATLAB computes them (matlab-reference.md §2.1, §3).

use crate::error::{Result, ensure_option};

/// msesparse's regularisation settings.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SparseCost {
    /// λ, L2WeightRegularization.
    pub l2_weight_regularization: f64,
    /// β, SparsityRegularization.
    pub sparsity_regularization: f64,
    /// ρ, SparsityProportion.
    pub sparsity_proportion: f64,
}

impl SparseCost {
    pub fn check(&self) -> Result<()> {
        let v = self.l2_weight_regularization;
        ensure_option(
            v.is_finite() && v >= 0.0,
            "l2_weight_regularization",
            v,
            "a finite number ≥ 0",
        )?;
        let v = self.sparsity_regularization;
        ensure_option(
            v.is_finite() && v >= 0.0,
            "sparsity_regularization",
            v,
            "a finite number ≥ 0",
        )?;
        let v = self.sparsity_proportion;
        ensure_option(
            (0.0..=1.0).contains(&v),
            "sparsity_proportion",
            v,
            "a number in [0, 1]",
        )
    }
}

/// The performance function a network is trained on.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase", tag = "kind")]
pub enum Loss {
    /// E = Σ(x−x̂)²/(N·K) + (λ/K)Σw² + (2β/K)·max(0, Σ_i KL(ρ‖ρ̂_i)) (sparsity only for
    /// encoders with output range [0,1]).
    MseSparse(SparseCost),
    /// E = Σ −t·log(clamp(y, eps, 1−eps)) / (N·C).
    CrossEntropy,
    /// E = Σ (t−y)² / (N·C).
    Mse,
}

impl Loss {
    pub fn name(&self) -> &'static str {
        match self {
            Loss::MseSparse(_) => "msesparse",
            Loss::CrossEntropy => "crossentropy",
            Loss::Mse => "mse",
        }
    }
}
