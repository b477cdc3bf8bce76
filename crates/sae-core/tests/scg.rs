//! SCG against an independent numpy implementation (fixtures/scg_reference.py) and on a
//! convex quadratic; L-BFGS and Adam on the same problems.

mod common;

use burn::tensor::Tensor;
use common::{flex, inputs};
use sae_core::compute::to_f64;
use sae_core::layer::{LayerShape, seeded_rng, uniform_values};
use sae_core::objective::{Evaluation, NetworkObjective, Objective};
use sae_core::optim::{Adam, Lbfgs, Optimizer, Scg};
use sae_core::{Compute, Loss, Precision, SparseCost, StopReason, Transfer};

/// E(w) = ½ wᵀAw − bᵀw with A = MᵀM + I (symmetric positive definite).
struct Quadratic {
    a: Tensor<2>,
    b: Tensor<1>,
    n: usize,
}

impl Quadratic {
    fn new(compute: &Compute, n: usize) -> (Self, Vec<f64>, Vec<f64>) {
        let mut rng = seeded_rng(3, 0);
        let m = uniform_values(&mut rng, n * n, 1.0);
        let mut a = vec![0.0; n * n];
        for i in 0..n {
            for j in 0..n {
                a[i * n + j] = (0..n).map(|k| m[k * n + i] * m[k * n + j]).sum::<f64>()
                    + if i == j { 1.0 } else { 0.0 };
            }
        }
        let b = uniform_values(&mut rng, n, 1.0);
        let q = Self {
            a: compute.matrix(&a, n, n),
            b: compute.vector(&b),
            n,
        };
        (q, a, b)
    }
}

impl Objective for Quadratic {
    fn dim(&self) -> usize {
        self.n
    }
    fn num_samples(&self) -> usize {
        1
    }
    fn evaluate(&mut self, w: &Tensor<1>) -> sae_core::Result<Evaluation> {
        let aw = self
            .a
            .clone()
            .matmul(w.clone().unsqueeze_dim(1))
            .reshape([self.n]);
        let value =
            to_f64((w.clone() * aw.clone().mul_scalar(0.5) - w.clone() * self.b.clone()).sum())?[0];
        Ok(Evaluation {
            value,
            gradient: aw - self.b.clone(),
        })
    }
    fn evaluate_rows(&mut self, w: &Tensor<1>, _rows: &[usize]) -> sae_core::Result<Evaluation> {
        self.evaluate(w)
    }
}

/// Solves A x = b by Gaussian elimination (A is SPD, no pivoting needed).
fn solve(mut a: Vec<f64>, mut b: Vec<f64>, n: usize) -> Vec<f64> {
    for k in 0..n {
        for i in k + 1..n {
            let f = a[i * n + k] / a[k * n + k];
            for j in k..n {
                a[i * n + j] -= f * a[k * n + j];
            }
            b[i] -= f * b[k];
        }
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        x[i] = (b[i] - (i + 1..n).map(|j| a[i * n + j] * x[j]).sum::<f64>()) / a[i * n + i];
    }
    x
}

fn quadratic_minimiser_reached(opt: &dyn Optimizer, max_iters: usize) {
    let c = flex(Precision::F64);
    let n = 12;
    let (mut q, a, b) = Quadratic::new(&c, n);
    let exact = solve(a, b, n);
    let out = opt
        .minimize(&mut q, c.vector(&vec![0.0; n]), &mut |_| {})
        .unwrap();
    let w = to_f64(out.params).unwrap();
    let err = w
        .iter()
        .zip(&exact)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max);
    assert!(
        err < 1e-8,
        "{}: distance to the minimiser {err:e}",
        out.record.algorithm
    );
    assert!(
        out.record.epochs_run() <= max_iters,
        "{} needed {} iterations",
        out.record.algorithm,
        out.record.epochs_run()
    );
}

#[test]
fn scg_solves_a_quadratic_in_about_n_iterations() {
    // The quadratic's minimum is negative: disable MATLAB's default goal of 0.
    let scg = Scg {
        epochs: 100,
        goal: f64::NEG_INFINITY,
        min_grad: 1e-11,
        ..Scg::default()
    };
    quadratic_minimiser_reached(&scg, 2 * 12);
}

#[test]
fn lbfgs_solves_a_quadratic() {
    // ‖w − w*‖ ≤ ‖g‖ / λmin(A) ≤ ‖g‖, so a gradient of 1e-9 is within 1e-8 of the minimiser.
    let l = Lbfgs {
        epochs: 200,
        min_grad: 1e-9,
        ..Lbfgs::default()
    };
    quadratic_minimiser_reached(&l, 100);
}

#[derive(serde::Deserialize)]
struct Fixture {
    n: usize,
    d: usize,
    h: usize,
    lambda: f64,
    beta: f64,
    rho: f64,
    epochs: Vec<FixtureEpoch>,
}

#[derive(serde::Deserialize)]
struct FixtureEpoch {
    epoch: usize,
    perf: f64,
    lambda_k: f64,
    accepted: bool,
}

fn fixture_problem(c: &Compute, f: &Fixture) -> (NetworkObjective, Tensor<1>) {
    let x = c.matrix(&inputs(f.n, f.d), f.n, f.d);
    let shapes = vec![
        LayerShape {
            inputs: f.d,
            outputs: f.h,
            transfer: Transfer::Logsig,
        },
        LayerShape {
            inputs: f.h,
            outputs: f.d,
            transfer: Transfer::Logsig,
        },
    ];
    let cost = SparseCost {
        l2_weight_regularization: f.lambda,
        sparsity_regularization: f.beta,
        sparsity_proportion: f.rho,
    };
    let dim = 2 * f.d * f.h + f.h + f.d;
    let w0: Vec<f64> = (0..dim)
        .map(|j| 0.3 * (1.1 * j as f64 + 0.5).sin())
        .collect();
    (
        NetworkObjective::new(c, shapes, Loss::MseSparse(cost), x.clone(), x),
        c.vector(&w0),
    )
}

#[test]
fn scg_matches_the_independent_reference_to_1e10() {
    let f: Fixture = serde_json::from_str(include_str!("fixtures/scg_reference.json")).unwrap();
    let c = flex(Precision::F64);
    let (mut obj, w0) = fixture_problem(&c, &f);
    let epochs = f.epochs.len() - 1;
    let out = Scg::with_epochs(epochs)
        .minimize(&mut obj, w0, &mut |_| {})
        .unwrap();
    assert_eq!(out.record.stop_reason, StopReason::MaxEpochs);
    assert_eq!(out.record.epochs.len(), f.epochs.len());
    for (got, want) in out.record.epochs.iter().zip(&f.epochs) {
        assert_eq!(got.epoch, want.epoch);
        assert_eq!(got.accepted, want.accepted, "epoch {}", want.epoch);
        let rel = (got.perf - want.perf).abs() / want.perf.abs();
        assert!(
            rel < 1e-10,
            "epoch {}: perf {} vs reference {} (rel {rel:e})",
            want.epoch,
            got.perf,
            want.perf
        );
        let rel = (got.lambda - want.lambda_k).abs() / want.lambda_k.abs();
        assert!(
            rel < 1e-10,
            "epoch {}: lambda {} vs {}",
            want.epoch,
            got.lambda,
            want.lambda_k
        );
    }
}

#[test]
fn scg_stopping_rules() {
    let f: Fixture = serde_json::from_str(include_str!("fixtures/scg_reference.json")).unwrap();
    let c = flex(Precision::F64);
    // Goal: stops as soon as perf ≤ goal, returning that epoch's parameters.
    let (mut obj, w0) = fixture_problem(&c, &f);
    let goal = f.epochs[3].perf * (1.0 + 1e-9);
    let out = Scg {
        goal,
        ..Scg::with_epochs(50)
    }
    .minimize(&mut obj, w0, &mut |_| {})
    .unwrap();
    assert_eq!(out.record.stop_reason, StopReason::PerformanceGoal);
    assert_eq!(out.record.epochs_run(), 3);
    // Minimum gradient: a huge threshold stops before the first epoch.
    let (mut obj, w0) = fixture_problem(&c, &f);
    let out = Scg {
        min_grad: 1e9,
        ..Scg::with_epochs(50)
    }
    .minimize(&mut obj, w0, &mut |_| {})
    .unwrap();
    assert_eq!(out.record.stop_reason, StopReason::MinimumGradient);
    assert_eq!(out.record.epochs_run(), 0);
    // Time limit of zero seconds.
    let (mut obj, w0) = fixture_problem(&c, &f);
    let out = Scg {
        time_limit: Some(0.0),
        ..Scg::with_epochs(50)
    }
    .minimize(&mut obj, w0, &mut |_| {})
    .unwrap();
    assert_eq!(out.record.stop_reason, StopReason::TimeLimit);
    // Returned parameters are the best seen: re-evaluating them gives best_perf.
    let (mut obj, w0) = fixture_problem(&c, &f);
    let out = Scg::with_epochs(8)
        .minimize(&mut obj, w0, &mut |_| {})
        .unwrap();
    let again = obj.evaluate(&out.params).unwrap().value;
    assert!((again - out.record.best_perf).abs() < 1e-14);
    let min = out
        .record
        .epochs
        .iter()
        .map(|e| e.perf)
        .fold(f64::INFINITY, f64::min);
    assert_eq!(out.record.best_perf, min);
}

#[test]
fn lbfgs_and_adam_reduce_the_autoencoder_cost() {
    let f: Fixture = serde_json::from_str(include_str!("fixtures/scg_reference.json")).unwrap();
    let c = flex(Precision::F64);
    let start = f.epochs[0].perf;
    let scg_after_12 = f.epochs.last().unwrap().perf;
    let (mut obj, w0) = fixture_problem(&c, &f);
    let out = Lbfgs {
        epochs: 30,
        ..Lbfgs::default()
    }
    .minimize(&mut obj, w0, &mut |_| {})
    .unwrap();
    assert!(
        out.record.best_perf < scg_after_12,
        "L-BFGS reached {}",
        out.record.best_perf
    );
    let (mut obj, w0) = fixture_problem(&c, &f);
    let adam = Adam {
        epochs: 300,
        batch_size: 4,
        learning_rate: 0.01,
        ..Adam::default()
    };
    let out = adam.minimize(&mut obj, w0, &mut |_| {}).unwrap();
    let end = obj.evaluate(&out.params).unwrap().value;
    assert!(end < 0.1 * start, "Adam: {start} -> {end}");
    assert_eq!(out.record.evaluations, 1 + 300 * 3);
}

#[test]
fn scg_resumes_bit_exactly_from_a_checkpoint() {
    use sae_core::optim::scg::{Checkpoints, ScgState};
    let f: Fixture = serde_json::from_str(include_str!("fixtures/scg_reference.json")).unwrap();
    for precision in [Precision::F64, Precision::F32] {
        let c = flex(precision);
        let (mut obj, w0) = fixture_problem(&c, &f);
        let scg = Scg::with_epochs(12);
        let straight = scg.minimize(&mut obj, w0.clone(), &mut |_| {}).unwrap();

        let (mut obj, w0) = fixture_problem(&c, &f);
        let mut saved: Vec<ScgState> = Vec::new();
        let mut save = |s: &ScgState| {
            // Through JSON, as the CLI stores it.
            saved.push(serde_json::from_str(&serde_json::to_string(s).unwrap()).unwrap());
            Ok(())
        };
        let cps = Checkpoints {
            every: 5,
            save: &mut save,
        };
        scg.minimize_resumable(&mut obj, w0.clone(), None, Some(cps), &mut |_| {})
            .unwrap();
        assert_eq!(
            saved.iter().map(|s| s.epoch).collect::<Vec<_>>(),
            vec![5, 10]
        );
        let (mut obj, w0) = fixture_problem(&c, &f);
        let resumed = scg
            .minimize_resumable(&mut obj, w0, Some(&saved[0]), None, &mut |_| {})
            .unwrap();
        let perf = |o: &sae_core::optim::Outcome| {
            o.record.epochs.iter().map(|e| e.perf).collect::<Vec<_>>()
        };
        assert_eq!(perf(&resumed), perf(&straight), "{precision:?}");
        assert_eq!(
            to_f64(resumed.params).unwrap(),
            to_f64(straight.params).unwrap()
        );
        assert_eq!(resumed.record.evaluations, straight.record.evaluations);
    }
}
