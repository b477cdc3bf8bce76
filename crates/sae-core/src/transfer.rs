//! Transfer functions (MATLAB's logsig, satlin, purelin, softmax) and their derivatives.

use burn::tensor::Tensor;
use burn::tensor::activation;

use crate::error::{CoreError, Result};

/// A layer's transfer function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Transfer {
    /// logsig(z) = 1/(1+e^−z)
    Logsig,
    /// satlin(z) = clamp(z, 0, 1)
    Satlin,
    /// purelin(z) = z
    Purelin,
    /// softmax over the outputs of each sample
    Softmax,
}

impl Transfer {
    pub fn name(self) -> &'static str {
        match self {
            Transfer::Logsig => "logsig",
            Transfer::Satlin => "satlin",
            Transfer::Purelin => "purelin",
            Transfer::Softmax => "softmax",
        }
    }

    /// Parses a MATLAB transfer-function name.
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "logsig" => Ok(Transfer::Logsig),
            "satlin" => Ok(Transfer::Satlin),
            "purelin" => Ok(Transfer::Purelin),
            "softmax" => Ok(Transfer::Softmax),
            _ => Err(CoreError::InvalidOption {
                name: "transfer function",
                value: name.to_string(),
                expected: "one of logsig, satlin, purelin, softmax",
            }),
        }
    }

    /// The output range, used by ScaleData and to decide whether sparsity applies.
    pub fn output_range(self) -> (f64, f64) {
        match self {
            Transfer::Logsig | Transfer::Satlin | Transfer::Softmax => (0.0, 1.0),
            Transfer::Purelin => (-1.0, 1.0),
        }
    }

    /// a = f(z), row-wise for softmax.
    pub fn apply(self, z: Tensor<2>) -> Tensor<2> {
        match self {
            Transfer::Logsig => activation::sigmoid(z),
            Transfer::Satlin => z.clamp(0.0, 1.0),
            Transfer::Purelin => z,
            Transfer::Softmax => activation::softmax(z, 1),
        }
    }

    /// dE/dz from dE/da for an elementwise transfer, given z and a = f(z).
    /// logsig: a(1−a); satlin: 1 on 0 ≤ z ≤ 1 (MATLAB's satlin derivative), else 0;
    /// purelin: 1; softmax: a ⊙ (g − Σ_c g⊙a) per row.
    pub fn backward(self, z: Tensor<2>, a: Tensor<2>, grad_a: Tensor<2>) -> Tensor<2> {
        match self {
            Transfer::Logsig => {
                let one_minus = a.clone().neg().add_scalar(1.0);
                grad_a * a * one_minus
            }
            Transfer::Satlin => {
                let outside = z.clone().lower_elem(0.0).bool_or(z.greater_elem(1.0));
                grad_a.mask_fill(outside, 0.0)
            }
            Transfer::Purelin => grad_a,
            Transfer::Softmax => {
                let dot = (grad_a.clone() * a.clone()).sum_dim(1);
                a * (grad_a - dot)
            }
        }
    }
}
