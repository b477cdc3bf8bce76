//! The same training on every compiled-in backend gives the same costs: a small autoencoder
//! and a small stack fine-tune, a few SCG epochs from the same seed, Burn tensor ops on each
//! backend compared with flex (relative 1e-5 on ndarray, 1e-4 on wgpu, which on a machine
//! without a GPU runs on Mesa's lavapipe).

#![cfg(any(feature = "ndarray", feature = "wgpu"))]

mod common;

use common::{inputs, one_hot};
use sae_core::layer::{Dense, LayerShape, flatten, seeded_rng};
use sae_core::objective::NetworkObjective;
use sae_core::optim::{Optimizer, Scg};
use sae_core::{BackendKind, Compute, Loss, Precision, SparseCost, Transfer};

/// Perf per epoch of 5 SCG epochs on an autoencoder and on a 3-layer stack.
fn costs(kind: BackendKind) -> Vec<f64> {
    let c = Compute::new(kind.device().unwrap(), Precision::F32);
    let (n, d) = (40, 16);
    let x = c.matrix(&inputs(n, d), n, d);
    let mut rng = seeded_rng(9, 0);
    let ae = [
        Dense::random_small(d, 6, Transfer::Logsig, &mut rng),
        Dense::random_small(6, d, Transfer::Logsig, &mut rng),
    ];
    let cost = SparseCost {
        l2_weight_regularization: 0.004,
        sparsity_regularization: 4.0,
        sparsity_proportion: 0.15,
    };
    let mut out = Vec::new();
    let shapes: Vec<LayerShape> = ae.iter().map(Dense::shape).collect();
    let mut obj = NetworkObjective::new(&c, shapes, Loss::MseSparse(cost), x.clone(), x.clone());
    let rec = Scg::with_epochs(5)
        .minimize(&mut obj, c.vector(&flatten(&ae)), &mut |_| {})
        .unwrap()
        .record;
    out.extend(rec.epochs.iter().map(|e| e.perf));
    let mut stack = vec![
        Dense::random_small(d, 6, Transfer::Logsig, &mut rng),
        Dense::random_small(6, 4, Transfer::Logsig, &mut rng),
        Dense::random_small(4, 3, Transfer::Softmax, &mut rng),
    ];
    stack
        .iter_mut()
        .for_each(|l| l.weight.iter_mut().for_each(|v| *v *= 100.0));
    let t = c.matrix(&one_hot(n, 3), n, 3);
    let shapes: Vec<LayerShape> = stack.iter().map(Dense::shape).collect();
    let mut obj = NetworkObjective::new(&c, shapes, Loss::CrossEntropy, x, t);
    let rec = Scg::with_epochs(5)
        .minimize(&mut obj, c.vector(&flatten(&stack)), &mut |_| {})
        .unwrap()
        .record;
    out.extend(rec.epochs.iter().map(|e| e.perf));
    out
}

fn agree(kind: BackendKind, tol: f64) {
    let reference = costs(BackendKind::Flex);
    let other = costs(kind);
    assert_eq!(reference.len(), other.len());
    for (i, (a, b)) in reference.iter().zip(&other).enumerate() {
        let rel = ((a - b) / a).abs();
        assert!(
            rel < tol,
            "{}: cost {i} {b} vs flex {a} (rel {rel:e})",
            kind.name()
        );
    }
}

#[cfg(feature = "ndarray")]
#[test]
fn ndarray_agrees_with_flex() {
    agree(BackendKind::Ndarray, 1e-5);
}

#[cfg(feature = "wgpu")]
#[test]
fn wgpu_agrees_with_flex() {
    agree(BackendKind::Wgpu, 1e-4);
}
