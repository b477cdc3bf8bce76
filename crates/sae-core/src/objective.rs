//! The function optimisers minimise: E(w) and ∇E(w) over a flat parameter vector on the
//! device. [`NetworkObjective`] implements it for any chain of dense layers with any
//! [`Loss`], with a hand-derived backward pass (checked against finite differences and
//! Burn's autodiff in the tests).

use burn::tensor::Tensor;

use crate::compute::{Compute, scalars};
use crate::error::Result;
use crate::layer::LayerShape;
use crate::loss::Loss;
use crate::transfer::Transfer;

/// A value and gradient at one point.
pub struct Evaluation {
    pub value: f64,
    pub gradient: Tensor<1>,
}

/// Anything an optimiser can minimise.
pub trait Objective {
    /// Number of parameters.
    fn dim(&self) -> usize;
    /// Number of training samples (for minibatch optimisers).
    fn num_samples(&self) -> usize;
    /// E and ∇E at `w` on the whole training set.
    fn evaluate(&mut self, w: &Tensor<1>) -> Result<Evaluation>;
    /// E and ∇E at `w` on the samples `rows` only (normalised by their count).
    fn evaluate_rows(&mut self, w: &Tensor<1>, rows: &[usize]) -> Result<Evaluation>;
}

/// A chain of dense layers trained on inputs `x` (N×D) against targets `t` (N×K).
pub struct NetworkObjective {
    pub shapes: Vec<LayerShape>,
    pub loss: Loss,
    x: Tensor<2>,
    t: Tensor<2>,
    compute: Compute,
}

impl NetworkObjective {
    pub fn new(
        compute: &Compute,
        shapes: Vec<LayerShape>,
        loss: Loss,
        x: Tensor<2>,
        t: Tensor<2>,
    ) -> Self {
        Self {
            shapes,
            loss,
            x,
            t,
            compute: compute.clone(),
        }
    }

    /// Splits the flat vector into (W, b) per layer.
    fn split(&self, w: &Tensor<1>) -> Vec<(Tensor<2>, Tensor<1>)> {
        let mut at = 0;
        self.shapes
            .iter()
            .map(|s| {
                let nw = s.inputs * s.outputs;
                let wm = w.clone().narrow(0, at, nw).reshape([s.inputs, s.outputs]);
                let b = w.clone().narrow(0, at + nw, s.outputs);
                at += nw + s.outputs;
                (wm, b)
            })
            .collect()
    }

    /// E and the flat gradient for inputs `x` and targets `t`.
    pub fn value_and_gradient(
        &self,
        w: &Tensor<1>,
        x: Tensor<2>,
        t: Tensor<2>,
    ) -> Result<Evaluation> {
        let [n, _] = x.dims();
        let params = self.split(w);
        let eps = self.compute.precision.eps();

        // Forward pass, keeping pre-activations z and activations a.
        let mut acts = vec![x];
        let mut zs = Vec::with_capacity(params.len());
        for ((wm, b), s) in params.iter().zip(&self.shapes) {
            let z =
                acts.last().expect("input").clone().matmul(wm.clone()) + b.clone().unsqueeze_dim(0);
            acts.push(s.transfer.apply(z.clone()));
            zs.push(z);
        }
        let out = acts.last().expect("output").clone();
        let [_, k] = out.dims();
        let nk = (n * k) as f64;

        // Loss value terms (read together at the end) and dE/d(output).
        let mut terms: Vec<Tensor<1>> = Vec::with_capacity(3);
        let grad_out = match self.loss {
            Loss::MseSparse(_) | Loss::Mse => {
                let diff = out - t;
                terms.push(diff.clone().square().sum().div_scalar(nk));
                diff.mul_scalar(2.0 / nk)
            }
            Loss::CrossEntropy => {
                let clamped = out.clone().clamp(eps, 1.0 - eps);
                terms.push(
                    (t.clone() * clamped.clone().log())
                        .sum()
                        .neg()
                        .div_scalar(nk),
                );
                let outside = out
                    .clone()
                    .lower_elem(eps)
                    .bool_or(out.greater_elem(1.0 - eps));
                (t / clamped).neg().div_scalar(nk).mask_fill(outside, 0.0)
            }
        };

        // msesparse's regularisers: (λ/K)Σw² and (2β/K)ΣKL(ρ‖ρ̂) on the first layer's output.
        let mut sparsity_grad = None;
        let mut l2 = 0.0;
        let mut beta = 0.0;
        if let Loss::MseSparse(c) = self.loss {
            let kf = k as f64;
            l2 = c.l2_weight_regularization / kf;
            let sq: Vec<Tensor<1>> = params
                .iter()
                .map(|(wm, _)| wm.clone().square().sum())
                .collect();
            terms.push(Tensor::cat(sq, 0).sum().mul_scalar(l2));
            let (lo, hi) = self.shapes[0].transfer.output_range();
            if lo == 0.0 && hi == 1.0 && c.sparsity_regularization > 0.0 && self.shapes.len() > 1 {
                beta = 2.0 * c.sparsity_regularization / kf;
                let rho = c.sparsity_proportion.clamp(eps, 1.0 - eps);
                let rho_hat = acts[1].clone().mean_dim(0); // 1×H
                let clamped = rho_hat.clone().clamp(eps, 1.0 - eps);
                let one_minus = clamped.clone().neg().add_scalar(1.0);
                let kl = clamped
                    .clone()
                    .recip()
                    .mul_scalar(rho)
                    .log()
                    .mul_scalar(rho)
                    + one_minus
                        .clone()
                        .recip()
                        .mul_scalar(1.0 - rho)
                        .log()
                        .mul_scalar(1.0 - rho);
                terms.push(kl.sum());
                let outside = rho_hat
                    .clone()
                    .lower_elem(eps)
                    .bool_or(rho_hat.greater_elem(1.0 - eps));
                let d_rho_hat = (clamped.recip().mul_scalar(-rho)
                    + one_minus.recip().mul_scalar(1.0 - rho))
                .mul_scalar(beta / n as f64)
                .mask_fill(outside, 0.0);
                sparsity_grad = Some(d_rho_hat);
            }
        }

        // Backward pass.
        let mut grads: Vec<Tensor<1>> = Vec::with_capacity(2 * params.len());
        let mut grad_a = grad_out;
        for l in (0..params.len()).rev() {
            let (wm, _) = &params[l];
            let transfer = self.shapes[l].transfer;
            let dz = transfer.backward(zs[l].clone(), acts[l + 1].clone(), grad_a);
            let mut dw = acts[l].clone().transpose().matmul(dz.clone());
            if l2 > 0.0 {
                dw = dw + wm.clone().mul_scalar(2.0 * l2);
            }
            let db = dz.clone().sum_dim(0).reshape([-1]);
            grads.push(db);
            grads.push(dw.reshape([-1]));
            if l == 0 {
                break;
            }
            grad_a = dz.matmul(wm.clone().transpose());
            if l == 1
                && let Some(s) = sparsity_grad.take()
            {
                grad_a = grad_a + s;
            }
        }
        grads.reverse();
        let gradient = Tensor::cat(grads, 0);

        let values = scalars(terms)?;
        let mut value = values[0];
        if let Loss::MseSparse(_) = self.loss {
            value += values[1];
            if values.len() > 2 {
                value += beta * values[2].max(0.0);
            }
        }
        Ok(Evaluation { value, gradient })
    }

    /// The network's output for the parameters `w`.
    pub fn forward(&self, w: &Tensor<1>, x: Tensor<2>) -> Tensor<2> {
        let mut a = x;
        for ((wm, b), s) in self.split(w).into_iter().zip(&self.shapes) {
            a = s.transfer.apply(a.matmul(wm) + b.unsqueeze_dim(0));
        }
        a
    }

    pub fn compute(&self) -> &Compute {
        &self.compute
    }

    /// The final transfer function (softmax for classifiers).
    pub fn output_transfer(&self) -> Transfer {
        self.shapes.last().expect("at least one layer").transfer
    }
}

impl Objective for NetworkObjective {
    fn dim(&self) -> usize {
        self.shapes.iter().map(LayerShape::num_params).sum()
    }

    fn num_samples(&self) -> usize {
        self.x.dims()[0]
    }

    fn evaluate(&mut self, w: &Tensor<1>) -> Result<Evaluation> {
        self.value_and_gradient(w, self.x.clone(), self.t.clone())
    }

    fn evaluate_rows(&mut self, w: &Tensor<1>, rows: &[usize]) -> Result<Evaluation> {
        let idx = self.compute.indices(rows);
        let x = self.x.clone().select(0, idx.clone());
        let t = self.t.clone().select(0, idx);
        self.value_and_gradient(w, x, t)
    }
}
