//! MATLAB's trainscg: Møller's scaled conjugate gradient, full batch, with its defaults and
//! stopping rules (matlab-reference.md §5).

use std::time::Instant;

use burn::tensor::Tensor;

use super::{Optimizer, Outcome, Progress, dots};
use crate::compute::to_f64;
use crate::error::{Result, ensure_option};
use crate::objective::Objective;
use crate::record::{EpochRecord, StopReason, TrainingRecord};

/// trainscg's training parameters.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Scg {
    /// Maximum number of epochs (default 1000).
    pub epochs: usize,
    /// Performance goal (default 0).
    pub goal: f64,
    /// Minimum gradient norm (default 1e-6).
    pub min_grad: f64,
    /// σ, the step for the second-order estimate (default 5e-5).
    pub sigma: f64,
    /// λ, the initial scale parameter (default 5e-7).
    pub lambda: f64,
    /// Time limit in seconds (default unlimited).
    pub time_limit: Option<f64>,
}

impl Default for Scg {
    fn default() -> Self {
        Self {
            epochs: 1000,
            goal: 0.0,
            min_grad: 1e-6,
            sigma: 5e-5,
            lambda: 5e-7,
            time_limit: None,
        }
    }
}

impl Scg {
    /// trainscg with `epochs` as the maximum number of epochs and MATLAB's other defaults.
    pub fn with_epochs(epochs: usize) -> Self {
        Self {
            epochs,
            ..Self::default()
        }
    }

    pub fn check(&self) -> Result<()> {
        ensure_option(
            self.epochs > 0,
            "max_epochs",
            self.epochs,
            "a positive integer",
        )?;
        ensure_option(!self.goal.is_nan(), "goal", self.goal, "a number")?;
        ensure_option(
            self.min_grad >= 0.0,
            "min_grad",
            self.min_grad,
            "a number ≥ 0",
        )?;
        ensure_option(self.sigma > 0.0, "sigma", self.sigma, "a number > 0")?;
        ensure_option(self.lambda > 0.0, "lambda", self.lambda, "a number > 0")
    }
}

/// Everything SCG needs to continue exactly where it stopped: a checkpoint. Vectors are
/// stored as f64 (exact for f32 and f64 training).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ScgState {
    /// Epochs completed.
    pub epoch: usize,
    pub w: Vec<f64>,
    /// r = −∇E(w).
    pub r: Vec<f64>,
    /// The search direction.
    pub p: Vec<f64>,
    pub perf: f64,
    pub success: bool,
    pub lambda_k: f64,
    pub lambda_bar: f64,
    pub delta: f64,
    pub best_w: Vec<f64>,
    pub best_perf: f64,
    pub records: Vec<EpochRecord>,
    pub evaluations: usize,
    pub seconds: f64,
}

/// Called with the state every `every` epochs.
pub struct Checkpoints<'a> {
    pub every: usize,
    pub save: &'a mut dyn FnMut(&ScgState) -> Result<()>,
}

impl Optimizer for Scg {
    fn minimize(
        &self,
        objective: &mut dyn Objective,
        w0: Tensor<1>,
        progress: Progress,
    ) -> Result<Outcome> {
        self.minimize_resumable(objective, w0, None, None, progress)
    }
}

impl Scg {
    /// SCG that can start from a checkpoint (`resume`, whose vectors replace `w0`) and writes
    /// checkpoints. A resumed run continues bit for bit as the uninterrupted one would.
    pub fn minimize_resumable(
        &self,
        objective: &mut dyn Objective,
        w0: Tensor<1>,
        resume: Option<&ScgState>,
        mut checkpoints: Option<Checkpoints>,
        progress: Progress,
    ) -> Result<Outcome> {
        self.check()?;
        let start = Instant::now();
        let n = objective.dim();
        let device_vec = |v: &[f64]| -> Tensor<1> {
            let t = w0.zeros_like();
            let data = burn::tensor::TensorData::new(v.to_vec(), vec![v.len()]);
            Tensor::<1>::from_data(data, (&t.device(), t.dtype()))
        };
        let (mut w, mut e, mut r, mut p, mut success, mut lambda_k, mut lambda_bar, mut delta);
        let (mut best, mut epochs, mut evaluations, first_epoch, time_offset);
        match resume {
            Some(st) => {
                if st.w.len() != n || st.r.len() != n || st.p.len() != n || st.best_w.len() != n {
                    return Err(crate::error::CoreError::Shape(format!(
                        "the checkpoint holds {} parameters, the model has {n}",
                        st.w.len()
                    )));
                }
                w = device_vec(&st.w);
                r = device_vec(&st.r);
                p = device_vec(&st.p);
                e = st.perf;
                success = st.success;
                lambda_k = st.lambda_k;
                lambda_bar = st.lambda_bar;
                delta = st.delta;
                best = (device_vec(&st.best_w), st.best_perf);
                epochs = st.records.clone();
                evaluations = st.evaluations;
                first_epoch = st.epoch;
                time_offset = st.seconds;
            }
            None => {
                let first = objective.evaluate(&w0)?;
                evaluations = 1;
                w = w0;
                e = first.value;
                r = first.gradient.neg();
                p = r.clone();
                success = true;
                lambda_k = self.lambda;
                lambda_bar = 0.0;
                delta = 0.0;
                best = (w.clone(), e);
                epochs = Vec::new();
                first_epoch = 0;
                time_offset = 0.0;
            }
        }
        let [rr, pp] = dots(&[(&r, &r), (&p, &p)])?[..] else {
            unreachable!()
        };
        let mut r_norm_sq = rr;
        let mut p_norm_sq = pp;
        if epochs.is_empty() {
            epochs.push(EpochRecord {
                epoch: 0,
                perf: e,
                gradient_norm: r_norm_sq.sqrt(),
                lambda: lambda_k,
                accepted: true,
                seconds: 0.0,
            });
            progress(&epochs[0]);
        }
        let elapsed = || time_offset + start.elapsed().as_secs_f64();

        let stop_reason = 'train: {
            if !e.is_finite() || !r_norm_sq.is_finite() {
                break 'train StopReason::NonFinite {
                    what: "the initial performance or gradient".into(),
                };
            }
            for epoch in first_epoch.. {
                if e <= self.goal {
                    break 'train StopReason::PerformanceGoal;
                }
                if epoch == self.epochs {
                    break 'train StopReason::MaxEpochs;
                }
                if self.time_limit.is_some_and(|t| elapsed() > t) {
                    break 'train StopReason::TimeLimit;
                }
                if r_norm_sq.sqrt() <= self.min_grad {
                    break 'train StopReason::MinimumGradient;
                }
                if success {
                    // Second-order information along p: s = (∇E(w + σk p) − ∇E(w)) / σk.
                    let sigma_k = self.sigma / p_norm_sq.sqrt();
                    let probe = objective.evaluate(&(w.clone() + p.clone().mul_scalar(sigma_k)))?;
                    evaluations += 1;
                    let s = (probe.gradient + r.clone()).div_scalar(sigma_k);
                    delta = dots(&[(&p, &s)])?[0];
                }
                // Scale δ, and make the Hessian estimate positive definite if needed.
                delta += (lambda_k - lambda_bar) * p_norm_sq;
                if delta <= 0.0 {
                    lambda_bar = 2.0 * (lambda_k - delta / p_norm_sq);
                    delta = -delta + lambda_k * p_norm_sq;
                    lambda_k = lambda_bar;
                }
                let mu = dots(&[(&p, &r)])?[0];
                let alpha = mu / delta;
                if !(delta.is_finite() && mu.is_finite() && alpha.is_finite()) {
                    break 'train StopReason::NonFinite {
                        what: "the search direction".into(),
                    };
                }
                let w_new = w.clone() + p.clone().mul_scalar(alpha);
                let trial = objective.evaluate(&w_new)?;
                evaluations += 1;
                if !trial.value.is_finite() {
                    break 'train StopReason::NonFinite {
                        what: "the performance".into(),
                    };
                }
                let comparison = 2.0 * delta * (e - trial.value) / (mu * mu);
                let accepted = comparison >= 0.0;
                if accepted {
                    let r_old = std::mem::replace(&mut r, trial.gradient.neg());
                    w = w_new;
                    e = trial.value;
                    lambda_bar = 0.0;
                    success = true;
                    let [rr, r_rold] = dots(&[(&r, &r), (&r, &r_old)])?[..] else {
                        unreachable!()
                    };
                    r_norm_sq = rr;
                    if (epoch + 1) % n == 0 {
                        p = r.clone();
                    } else {
                        let beta = (r_norm_sq - r_rold) / mu;
                        p = r.clone() + p.mul_scalar(beta);
                    }
                    p_norm_sq = dots(&[(&p, &p)])?[0];
                    if comparison >= 0.75 {
                        lambda_k /= 4.0;
                    }
                } else {
                    lambda_bar = lambda_k;
                    success = false;
                }
                if comparison < 0.25 && p_norm_sq != 0.0 {
                    lambda_k += delta * (1.0 - comparison) / p_norm_sq;
                }
                if e < best.1 {
                    best = (w.clone(), e);
                }
                let rec = EpochRecord {
                    epoch: epoch + 1,
                    perf: e,
                    gradient_norm: r_norm_sq.sqrt(),
                    lambda: lambda_k,
                    accepted,
                    seconds: elapsed(),
                };
                progress(&rec);
                epochs.push(rec);
                if !r_norm_sq.is_finite() {
                    break 'train StopReason::NonFinite {
                        what: "the gradient".into(),
                    };
                }
                if let Some(c) = checkpoints.as_mut()
                    && c.every > 0
                    && (epoch + 1) % c.every == 0
                {
                    let state = ScgState {
                        epoch: epoch + 1,
                        w: to_f64(w.clone())?,
                        r: to_f64(r.clone())?,
                        p: to_f64(p.clone())?,
                        perf: e,
                        success,
                        lambda_k,
                        lambda_bar,
                        delta,
                        best_w: to_f64(best.0.clone())?,
                        best_perf: best.1,
                        records: epochs.clone(),
                        evaluations,
                        seconds: elapsed(),
                    };
                    (c.save)(&state)?;
                }
            }
            unreachable!("the epoch loop only ends by break")
        };
        Ok(Outcome {
            params: best.0,
            record: TrainingRecord {
                algorithm: "trainscg".into(),
                max_epochs: self.epochs,
                epochs,
                stop_reason,
                best_perf: best.1,
                seconds: elapsed(),
                evaluations,
            },
        })
    }
}
