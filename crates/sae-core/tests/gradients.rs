//! The hand-derived gradients against central finite differences in f64, for every
//! encoder/decoder combination, ScaleData, softmax losses and a fine-tuning stack.

mod common;

use burn::tensor::Tensor;
use common::{flex, inputs, one_hot};
use sae_core::compute::to_f64;
use sae_core::layer::{Dense, LayerShape, flatten, seeded_rng};
use sae_core::objective::{NetworkObjective, Objective};
use sae_core::scaling::MinMax;
use sae_core::{Compute, Loss, Precision, SparseCost, Transfer};

fn check_gradient(compute: &Compute, layers: &[Dense], loss: Loss, x: Tensor<2>, t: Tensor<2>) {
    let shapes: Vec<LayerShape> = layers.iter().map(Dense::shape).collect();
    let mut obj = NetworkObjective::new(compute, shapes, loss, x, t);
    let w0 = flatten(layers);
    let ev = obj.evaluate(&compute.vector(&w0)).unwrap();
    let analytic = to_f64(ev.gradient).unwrap();
    let h = 1e-6;
    let mut worst = 0.0f64;
    let norm = analytic.iter().map(|g| g * g).sum::<f64>().sqrt();
    for i in 0..w0.len() {
        let mut wp = w0.clone();
        wp[i] += h;
        let mut wm = w0.clone();
        wm[i] -= h;
        let ep = obj.evaluate(&compute.vector(&wp)).unwrap().value;
        let em = obj.evaluate(&compute.vector(&wm)).unwrap().value;
        let numeric = (ep - em) / (2.0 * h);
        worst = worst.max((numeric - analytic[i]).abs());
    }
    let rel = worst / norm;
    assert!(
        rel < 1e-6,
        "{loss:?}: relative gradient error {rel:e} (max abs {worst:e}, norm {norm:e})"
    );
}

fn autoencoder_layers(d: usize, h: usize, enc: Transfer, dec: Transfer) -> Vec<Dense> {
    let mut rng = seeded_rng(11, 0);
    // Larger than randsmall so that the nonlinearities are exercised.
    let mut e = Dense::random_small(d, h, enc, &mut rng);
    let mut o = Dense::random_small(h, d, dec, &mut rng);
    for v in e.weight.iter_mut().chain(o.weight.iter_mut()) {
        *v *= 60.0;
    }
    for v in e.bias.iter_mut().chain(o.bias.iter_mut()) {
        *v = *v * 40.0 + 0.3;
    }
    vec![e, o]
}

const COST: SparseCost = SparseCost {
    l2_weight_regularization: 0.004,
    sparsity_regularization: 4.0,
    sparsity_proportion: 0.15,
};

#[test]
fn msesparse_every_transfer_combination() {
    let c = flex(Precision::F64);
    let (n, d, h) = (9, 7, 4);
    let x = c.matrix(&inputs(n, d), n, d);
    for enc in [Transfer::Logsig, Transfer::Satlin] {
        for dec in [Transfer::Logsig, Transfer::Satlin, Transfer::Purelin] {
            let layers = autoencoder_layers(d, h, enc, dec);
            check_gradient(&c, &layers, Loss::MseSparse(COST), x.clone(), x.clone());
        }
    }
}

#[test]
fn msesparse_with_scaled_data() {
    let c = flex(Precision::F64);
    let (n, d, h) = (8, 6, 3);
    let raw = c
        .matrix(&inputs(n, d), n, d)
        .mul_scalar(3.0)
        .sub_scalar(0.5);
    for dec in [Transfer::Logsig, Transfer::Purelin] {
        let s = MinMax::fit(&raw, dec.output_range()).unwrap();
        let x = s.apply(&c, raw.clone());
        let layers = autoencoder_layers(d, h, Transfer::Logsig, dec);
        check_gradient(&c, &layers, Loss::MseSparse(COST), x.clone(), x);
    }
}

#[test]
fn softmax_losses_and_stack() {
    let c = flex(Precision::F64);
    let (n, d, k) = (10, 5, 3);
    let x = c.matrix(&inputs(n, d), n, d);
    let t = c.matrix(&one_hot(n, k), n, k);
    let mut rng = seeded_rng(5, 1);
    let mut soft = Dense::random_small(d, k, Transfer::Softmax, &mut rng);
    soft.weight.iter_mut().for_each(|v| *v *= 100.0);
    for loss in [Loss::CrossEntropy, Loss::Mse] {
        check_gradient(&c, std::slice::from_ref(&soft), loss, x.clone(), t.clone());
    }
    // A 5-4-3-3 stack: two logsig encoders and softmax, crossentropy (fine-tuning).
    let mut l1 = Dense::random_small(d, 4, Transfer::Logsig, &mut rng);
    let mut l2 = Dense::random_small(4, 3, Transfer::Logsig, &mut rng);
    let mut l3 = Dense::random_small(3, k, Transfer::Softmax, &mut rng);
    for l in [&mut l1, &mut l2, &mut l3] {
        l.weight.iter_mut().for_each(|v| *v *= 100.0);
    }
    check_gradient(&c, &[l1, l2, l3], Loss::CrossEntropy, x, t);
}

#[test]
fn cost_matches_the_formula_by_hand() {
    // One sample, 2 inputs, 1 hidden unit: evaluate msesparse by hand.
    let c = flex(Precision::F64);
    let x = [0.2, 0.9];
    let (w1, b1) = ([0.3, -0.4], 0.1);
    let (w2, b2) = ([0.5, -0.6], [0.05, 0.02]);
    let sig = |z: f64| 1.0 / (1.0 + (-z).exp());
    let a = sig(x[0] * w1[0] + x[1] * w1[1] + b1);
    let xh = [sig(a * w2[0] + b2[0]), sig(a * w2[1] + b2[1])];
    let (lambda, beta, rho) = (0.004, 4.0, 0.15);
    let k = 2.0;
    let mse = ((x[0] - xh[0]).powi(2) + (x[1] - xh[1]).powi(2)) / (1.0 * k);
    let l2 = lambda / k * (w1[0] * w1[0] + w1[1] * w1[1] + w2[0] * w2[0] + w2[1] * w2[1]);
    let kl = rho * (rho / a).ln() + (1.0 - rho) * ((1.0 - rho) / (1.0 - a)).ln();
    let expected = mse + l2 + 2.0 * beta / k * kl;
    let layers = vec![
        Dense {
            inputs: 2,
            outputs: 1,
            transfer: Transfer::Logsig,
            weight: w1.to_vec(),
            bias: vec![b1],
        },
        Dense {
            inputs: 1,
            outputs: 2,
            transfer: Transfer::Logsig,
            weight: w2.to_vec(),
            bias: b2.to_vec(),
        },
    ];
    let shapes = layers.iter().map(Dense::shape).collect();
    let xt = c.matrix(&x, 1, 2);
    let cost = SparseCost {
        l2_weight_regularization: lambda,
        sparsity_regularization: beta,
        sparsity_proportion: rho,
    };
    let mut obj = NetworkObjective::new(&c, shapes, Loss::MseSparse(cost), xt.clone(), xt);
    let got = obj.evaluate(&c.vector(&flatten(&layers))).unwrap().value;
    assert!((got - expected).abs() < 1e-14, "{got} vs {expected}");
}
