//! The fused CPU objective against the tensor-op reference: values and gradients agree to
//! 1e-10 relative in f64 and 1e-5 in f32, for every transfer pair, both softmax losses,
//! a fine-tuning stack, and row subsets.

mod common;

use common::{flex, inputs, one_hot};
use sae_core::compute::to_f64;
use sae_core::fused::fused_objective;
use sae_core::layer::{Dense, LayerShape, flatten, seeded_rng};
use sae_core::objective::{NetworkObjective, Objective};
use sae_core::{Loss, Precision, SparseCost, Transfer};

const COST: SparseCost = SparseCost {
    l2_weight_regularization: 0.004,
    sparsity_regularization: 4.0,
    sparsity_proportion: 0.15,
};

fn rel_err(a: &[f64], b: &[f64]) -> f64 {
    let diff = a
        .iter()
        .zip(b)
        .map(|(x, y)| (x - y).powi(2))
        .sum::<f64>()
        .sqrt();
    let norm = b.iter().map(|y| y * y).sum::<f64>().sqrt();
    diff / norm
}

fn check(
    precision: Precision,
    tol: f64,
    layers: &[Dense],
    loss: Loss,
    n: usize,
    t_cols: Option<usize>,
) {
    let c = flex(precision);
    let d = layers[0].inputs;
    let x = c.matrix(&inputs(n, d), n, d);
    let t = match t_cols {
        Some(k) => c.matrix(&one_hot(n, k), n, k),
        None => x.clone(),
    };
    let shapes: Vec<LayerShape> = layers.iter().map(Dense::shape).collect();
    let w = c.vector(&flatten(layers));
    let mut reference = NetworkObjective::new(&c, shapes.clone(), loss, x.clone(), t.clone());
    let mut fused = fused_objective(&c, shapes, loss, &x, &t).unwrap();
    for rows in [None, Some(vec![3usize, 0, 5, 5, 1])] {
        let (r, f) = match &rows {
            None => (reference.evaluate(&w).unwrap(), fused.evaluate(&w).unwrap()),
            Some(rs) => (
                reference.evaluate_rows(&w, rs).unwrap(),
                fused.evaluate_rows(&w, rs).unwrap(),
            ),
        };
        let ev = ((r.value - f.value) / r.value).abs();
        let eg = rel_err(&to_f64(f.gradient).unwrap(), &to_f64(r.gradient).unwrap());
        assert!(
            ev < tol && eg < tol,
            "{precision:?} {loss:?} rows {rows:?}: value {ev:e}, gradient {eg:e}"
        );
    }
}

fn layers(sizes: &[(usize, usize, Transfer)], scale: f64) -> Vec<Dense> {
    let mut rng = seeded_rng(21, 0);
    sizes
        .iter()
        .map(|&(i, o, t)| {
            let mut l = Dense::random_small(i, o, t, &mut rng);
            l.weight.iter_mut().for_each(|v| *v *= scale);
            l.bias.iter_mut().for_each(|v| *v *= scale);
            l
        })
        .collect()
}

#[test]
fn autoencoders_agree_in_f64_and_f32() {
    for enc in [Transfer::Logsig, Transfer::Satlin] {
        for dec in [Transfer::Logsig, Transfer::Satlin, Transfer::Purelin] {
            let ls = layers(&[(37, 9, enc), (9, 37, dec)], 50.0);
            check(Precision::F64, 1e-10, &ls, Loss::MseSparse(COST), 70, None);
            check(Precision::F32, 1e-5, &ls, Loss::MseSparse(COST), 70, None);
        }
    }
    // Realistic scale: randsmall weights, 100 rows (several parallel chunks).
    let ls = layers(
        &[(64, 16, Transfer::Logsig), (16, 64, Transfer::Logsig)],
        1.0,
    );
    check(Precision::F32, 1e-5, &ls, Loss::MseSparse(COST), 100, None);
}

#[test]
fn softmax_and_stacks_agree() {
    for loss in [Loss::CrossEntropy, Loss::Mse] {
        let ls = layers(&[(20, 4, Transfer::Softmax)], 100.0);
        check(Precision::F64, 1e-10, &ls, loss, 50, Some(4));
        check(Precision::F32, 1e-5, &ls, loss, 50, Some(4));
    }
    let stack = layers(
        &[
            (30, 12, Transfer::Logsig),
            (12, 6, Transfer::Logsig),
            (6, 4, Transfer::Softmax),
        ],
        100.0,
    );
    check(
        Precision::F64,
        1e-10,
        &stack,
        Loss::CrossEntropy,
        90,
        Some(4),
    );
    check(
        Precision::F32,
        1e-5,
        &stack,
        Loss::CrossEntropy,
        90,
        Some(4),
    );
    let satlin = layers(
        &[(30, 12, Transfer::Satlin), (12, 4, Transfer::Softmax)],
        60.0,
    );
    check(
        Precision::F64,
        1e-10,
        &satlin,
        Loss::CrossEntropy,
        40,
        Some(4),
    );
}

#[test]
fn fast_exp_is_accurate() {
    let mut worst = 0.0f64;
    let mut x = -80.0f32;
    while x < 80.0 {
        let e = f64::from(sae_core::fused::exp_f32(x));
        let r = f64::from(x).exp();
        worst = worst.max(((e - r) / r).abs());
        x += 0.0137;
    }
    assert!(worst < 3e-7, "worst relative error {worst:e}");
}
