//! A dense layer's parameters, kept on the host in f64 (exact for f32 and f64 training) and
//! uploaded to the device for each computation. Layout follows Burn's `nn::Linear`:
//! `weight` is inputs×outputs row-major and `y = f(x·W + b)` on row-major batches.
//! (MATLAB's W is outputs×inputs: transpose when exchanging weights.)

use burn::tensor::Tensor;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};

use crate::compute::Compute;
use crate::transfer::Transfer;

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Dense {
    pub inputs: usize,
    pub outputs: usize,
    pub transfer: Transfer,
    /// inputs×outputs, row-major.
    pub weight: Vec<f64>,
    /// outputs.
    pub bias: Vec<f64>,
}

/// The shape of a layer without its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LayerShape {
    pub inputs: usize,
    pub outputs: usize,
    pub transfer: Transfer,
}

impl LayerShape {
    /// Number of parameters: inputs·outputs weights plus outputs biases.
    pub fn num_params(&self) -> usize {
        self.inputs * self.outputs + self.outputs
    }
}

/// Uniform on [−scale, scale] from raw ChaCha8 output (MATLAB's "randsmall" with scale 0.01).
pub fn uniform_values(rng: &mut ChaCha8Rng, n: usize, scale: f64) -> Vec<f64> {
    (0..n)
        .map(|_| {
            let u = (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
            (2.0 * u - 1.0) * scale
        })
        .collect()
}

/// A ChaCha8 generator for a seed and stream (one stream per layer being initialised).
pub fn seeded_rng(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

impl Dense {
    /// All-zero parameters (trainSoftmaxLayer's initialisation).
    pub fn zeros(inputs: usize, outputs: usize, transfer: Transfer) -> Self {
        Self {
            inputs,
            outputs,
            transfer,
            weight: vec![0.0; inputs * outputs],
            bias: vec![0.0; outputs],
        }
    }

    /// Weights and biases uniform on [−0.01, 0.01] (trainAutoencoder's "randsmall").
    pub fn random_small(
        inputs: usize,
        outputs: usize,
        transfer: Transfer,
        rng: &mut ChaCha8Rng,
    ) -> Self {
        Self {
            inputs,
            outputs,
            transfer,
            weight: uniform_values(rng, inputs * outputs, 0.01),
            bias: uniform_values(rng, outputs, 0.01),
        }
    }

    pub fn shape(&self) -> LayerShape {
        LayerShape {
            inputs: self.inputs,
            outputs: self.outputs,
            transfer: self.transfer,
        }
    }

    /// y = f(x·W + b) for a batch x of shape N×inputs.
    pub fn forward(&self, compute: &Compute, x: Tensor<2>) -> Tensor<2> {
        let w = compute.matrix(&self.weight, self.inputs, self.outputs);
        let b = compute.vector(&self.bias);
        self.transfer.apply(x.matmul(w) + b.unsqueeze_dim(0))
    }

    /// The weights as MATLAB stores them: outputs×inputs, row-major (one row per unit).
    pub fn weight_rows(&self) -> Vec<f64> {
        let mut out = vec![0.0; self.weight.len()];
        for i in 0..self.inputs {
            for o in 0..self.outputs {
                out[o * self.inputs + i] = self.weight[i * self.outputs + o];
            }
        }
        out
    }
}

/// Concatenates the layers' parameters: for each layer its weight (row-major) then its bias.
pub fn flatten(layers: &[Dense]) -> Vec<f64> {
    let mut v = Vec::with_capacity(layers.iter().map(|l| l.shape().num_params()).sum());
    for l in layers {
        v.extend_from_slice(&l.weight);
        v.extend_from_slice(&l.bias);
    }
    v
}

/// Inverse of [`flatten`].
pub fn unflatten(shapes: &[LayerShape], flat: &[f64]) -> Vec<Dense> {
    let total: usize = shapes.iter().map(LayerShape::num_params).sum();
    assert_eq!(flat.len(), total, "flat parameter vector length");
    let mut at = 0;
    shapes
        .iter()
        .map(|s| {
            let nw = s.inputs * s.outputs;
            let weight = flat[at..at + nw].to_vec();
            let bias = flat[at + nw..at + nw + s.outputs].to_vec();
            at += nw + s.outputs;
            Dense {
                inputs: s.inputs,
                outputs: s.outputs,
                transfer: s.transfer,
                weight,
                bias,
            }
        })
        .collect()
}
