//! Minibatch Adam (Kingma & Ba 2015), for data sets too large for full-batch training.
//! An epoch is one pass over the shuffled training set.

use std::time::Instant;

use burn::tensor::Tensor;
use rand_chacha::rand_core::RngCore;

use super::{Optimizer, Outcome, Progress, dots};
use crate::error::{Result, ensure_option};
use crate::layer::seeded_rng;
use crate::objective::Objective;
use crate::record::{EpochRecord, StopReason, TrainingRecord};

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Adam {
    pub epochs: usize,
    pub batch_size: usize,
    pub learning_rate: f64,
    pub beta1: f64,
    pub beta2: f64,
    pub epsilon: f64,
    /// Seed of the batch shuffling.
    pub seed: u64,
    pub time_limit: Option<f64>,
}

impl Default for Adam {
    fn default() -> Self {
        Self {
            epochs: 100,
            batch_size: 256,
            learning_rate: 1e-3,
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-8,
            seed: 0,
            time_limit: None,
        }
    }
}

impl Adam {
    pub fn check(&self) -> Result<()> {
        ensure_option(
            self.epochs > 0,
            "max_epochs",
            self.epochs,
            "a positive integer",
        )?;
        ensure_option(
            self.batch_size > 0,
            "batch_size",
            self.batch_size,
            "a positive integer",
        )?;
        ensure_option(
            self.learning_rate > 0.0,
            "learning_rate",
            self.learning_rate,
            "a number > 0",
        )?;
        ensure_option(
            (0.0..1.0).contains(&self.beta1),
            "beta1",
            self.beta1,
            "a number in [0, 1)",
        )?;
        ensure_option(
            (0.0..1.0).contains(&self.beta2),
            "beta2",
            self.beta2,
            "a number in [0, 1)",
        )
    }
}

impl Optimizer for Adam {
    fn minimize(
        &self,
        objective: &mut dyn Objective,
        w0: Tensor<1>,
        progress: Progress,
    ) -> Result<Outcome> {
        self.check()?;
        let start = Instant::now();
        let n = objective.num_samples();
        let mut rng = seeded_rng(self.seed, 7);
        let first = objective.evaluate(&w0)?;
        let mut evaluations = 1;
        let mut w = w0;
        let mut m = w.zeros_like();
        let mut v = w.zeros_like();
        let mut step = 0i32;
        let mut epochs = vec![EpochRecord {
            epoch: 0,
            perf: first.value,
            gradient_norm: dots(&[(&first.gradient, &first.gradient)])?[0].sqrt(),
            lambda: 0.0,
            accepted: true,
            seconds: 0.0,
        }];
        progress(&epochs[0]);
        let mut order: Vec<usize> = (0..n).collect();
        let stop_reason = 'train: {
            for epoch in 0.. {
                if epoch == self.epochs {
                    break 'train StopReason::MaxEpochs;
                }
                if self
                    .time_limit
                    .is_some_and(|t| start.elapsed().as_secs_f64() > t)
                {
                    break 'train StopReason::TimeLimit;
                }
                for i in (1..n).rev() {
                    order.swap(i, (rng.next_u64() % (i as u64 + 1)) as usize);
                }
                let mut sum = 0.0;
                let mut grad_norm = 0.0;
                for batch in order.chunks(self.batch_size) {
                    let ev = objective.evaluate_rows(&w, batch)?;
                    evaluations += 1;
                    if !ev.value.is_finite() {
                        break 'train StopReason::NonFinite {
                            what: "the performance".into(),
                        };
                    }
                    sum += ev.value * batch.len() as f64;
                    step += 1;
                    let g = ev.gradient;
                    m = m.mul_scalar(self.beta1) + g.clone().mul_scalar(1.0 - self.beta1);
                    v = v.mul_scalar(self.beta2) + g.clone().square().mul_scalar(1.0 - self.beta2);
                    let m_hat = m.clone().div_scalar(1.0 - self.beta1.powi(step));
                    let v_hat = v.clone().div_scalar(1.0 - self.beta2.powi(step));
                    w = w
                        - (m_hat / v_hat.sqrt().add_scalar(self.epsilon))
                            .mul_scalar(self.learning_rate);
                    grad_norm = dots(&[(&g, &g)])?[0].sqrt();
                }
                let perf = sum / n as f64;
                let rec = EpochRecord {
                    epoch: epoch + 1,
                    perf,
                    gradient_norm: grad_norm,
                    lambda: 0.0,
                    accepted: true,
                    seconds: start.elapsed().as_secs_f64(),
                };
                progress(&rec);
                epochs.push(rec);
            }
            unreachable!("the epoch loop only ends by break")
        };
        // The last epoch's parameters: the mean minibatch loss is only an estimate of E.
        Ok(Outcome {
            params: w,
            record: TrainingRecord {
                algorithm: "adam".into(),
                max_epochs: self.epochs,
                best_perf: epochs.last().map_or(f64::NAN, |e| e.perf),
                epochs,
                stop_reason,
                seconds: start.elapsed().as_secs_f64(),
                evaluations,
            },
        })
    }
}
