//! Shared helpers for sae-core's tests: small deterministic problems on the flex device.

#![allow(dead_code)]

use sae_core::{Compute, Precision};

pub fn flex(precision: Precision) -> Compute {
    Compute::new(burn::tensor::Device::flex(), precision)
}

/// A deterministic N×D matrix with values in (0,1).
pub fn inputs(n: usize, d: usize) -> Vec<f64> {
    (0..n * d)
        .map(|i| 0.5 + 0.45 * ((i as f64) * 0.7 + 0.3).sin() * ((i as f64) * 0.13).cos())
        .collect()
}

/// Deterministic one-hot targets for `c` classes.
pub fn one_hot(n: usize, c: usize) -> Vec<f64> {
    let mut t = vec![0.0; n * c];
    for i in 0..n {
        t[i * c + (i * 7 + 3) % c] = 1.0;
    }
    t
}
