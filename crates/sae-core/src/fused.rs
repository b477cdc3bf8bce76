//! The fast CPU path: the same cost and gradient as
//! [`NetworkObjective`](crate::objective::NetworkObjective) (matlab-reference.md §2.1, §3),
//! computed in host memory with the `gemm` kernels Burn's flex backend uses (AVX-512 where the
//! CPU has it, chosen at run time; all cores) and one fused, vectorised pass per layer for the
//! elementwise work (bias, transfer function, error, derivative, column sums) instead of a
//! dozen separate tensor operations, each a full pass over memory.
//!
//! The tensor-op objective stays the reference: a test holds the two together to 1e-5
//! relative in f32 and 1e-10 in f64.

use std::ops::{Add, AddAssign, Mul, Neg, Sub};

use burn::tensor::Tensor;
use rayon::prelude::*;

use crate::compute::{Compute, Precision};
use crate::error::{CoreError, Result};
use crate::layer::LayerShape;
use crate::loss::Loss;
use crate::objective::{Evaluation, Objective};
use crate::transfer::Transfer;

/// f32 or f64 on the host.
pub trait Real:
    Copy
    + Send
    + Sync
    + 'static
    + PartialOrd
    + std::fmt::Debug
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + std::ops::Div<Output = Self>
    + Neg<Output = Self>
    + AddAssign
{
    const ZERO: Self;
    const ONE: Self;
    fn from_f64(v: f64) -> Self;
    fn to_f64(self) -> f64;
    /// e^x; the f32 version is a vectorisable polynomial (relative error < 3e-7).
    fn exp_fast(self) -> Self;
}

impl Real for f64 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
    fn from_f64(v: f64) -> Self {
        v
    }
    fn to_f64(self) -> f64 {
        self
    }
    #[inline(always)]
    fn exp_fast(self) -> Self {
        self.exp()
    }
}

impl Real for f32 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
    fn from_f64(v: f64) -> Self {
        v as f32
    }
    fn to_f64(self) -> f64 {
        f64::from(self)
    }
    #[inline(always)]
    fn exp_fast(self) -> Self {
        exp_f32(self)
    }
}

/// e^x for f32 with only adds, multiplies and bit operations, so loops over it vectorise even
/// on baseline x86-64: x = n·ln2 + r (|r| ≤ ln2/2, n by the 1.5·2^23 rounding trick), e^r by
/// a degree-6 polynomial, 2^n through the exponent bits.
#[inline(always)]
pub fn exp_f32(x: f32) -> f32 {
    const MAGIC: f32 = 12_582_912.0; // 1.5 · 2^23
    let x = x.clamp(-87.0, 88.0);
    let t = x * std::f32::consts::LOG2_E + MAGIC;
    let n = t - MAGIC;
    let r = x - n * 0.693_145_75 - n * 1.428_606_8e-6;
    let p = 1.0
        + r * (1.0
            + r * (0.5
                + r * (0.166_666_67 + r * (0.041_666_8 + r * (0.008_333_6 + r * 0.001_388_9)))));
    let k = (t.to_bits() as i32).wrapping_sub(0x4B40_0000);
    p * f32::from_bits(((k + 127) as u32) << 23)
}

#[inline(always)]
fn sigmoid<T: Real>(z: T) -> T {
    T::ONE / (T::ONE + (-z).exp_fast())
}

#[inline(always)]
fn apply<T: Real>(transfer: Transfer, z: T) -> T {
    match transfer {
        Transfer::Logsig => sigmoid(z),
        Transfer::Satlin => {
            if z < T::ZERO {
                T::ZERO
            } else if z > T::ONE {
                T::ONE
            } else {
                z
            }
        }
        Transfer::Purelin | Transfer::Softmax => z,
    }
}

/// f'(z) from z and a = f(z) for elementwise transfers (softmax is handled per row).
#[inline(always)]
fn derivative<T: Real>(transfer: Transfer, z: T, a: T) -> T {
    match transfer {
        Transfer::Logsig => a * (T::ONE - a),
        Transfer::Satlin => {
            if z >= T::ZERO && z <= T::ONE {
                T::ONE
            } else {
                T::ZERO
            }
        }
        Transfer::Purelin | Transfer::Softmax => T::ONE,
    }
}

/// Rows per parallel chunk of the elementwise passes. Partial sums of the chunks are
/// collected in order and added sequentially, so results do not depend on how rayon
/// schedules the chunks: the same inputs give bit-identical costs and gradients.
const CHUNK_ROWS: usize = 32;

/// dst (m×n, row-major) = lhs · rhs with lhs m×k and rhs k×n; `lhs_t`: lhs is stored as its
/// k×m transpose (row-major); `rhs_t`: rhs is stored as its n×k transpose.
#[allow(clippy::too_many_arguments)]
fn matmul<T: Real>(
    dst: &mut [T],
    lhs: &[T],
    rhs: &[T],
    m: usize,
    n: usize,
    k: usize,
    lhs_t: bool,
    rhs_t: bool,
) {
    assert!(
        dst.len() == m * n && lhs.len() == m * k && rhs.len() == k * n,
        "matmul operand sizes"
    );
    let (lhs_cs, lhs_rs) = if lhs_t {
        (m as isize, 1)
    } else {
        (1, k as isize)
    };
    let (rhs_cs, rhs_rs) = if rhs_t {
        (k as isize, 1)
    } else {
        (1, n as isize)
    };
    let par = if m * n * k >= 1 << 18 {
        gemm::Parallelism::Rayon(rayon::current_num_threads())
    } else {
        gemm::Parallelism::None
    };
    // SAFETY: dst, lhs and rhs hold exactly m×n, m×k and k×n elements (asserted above) and the
    // strides address them row-major (or transposed row-major) within those bounds.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            dst.as_mut_ptr(),
            1,
            n as isize,
            false,
            lhs.as_ptr(),
            lhs_cs,
            lhs_rs,
            rhs.as_ptr(),
            rhs_cs,
            rhs_rs,
            T::ZERO,
            T::ONE,
            false,
            false,
            false,
            par,
        );
    }
}

fn add_vectors(mut a: Vec<f64>, b: Vec<f64>) -> Vec<f64> {
    a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
    a
}

/// Column sums of an m×n row-major matrix (f32 within a chunk of rows, f64 across chunks).
fn column_sums<T: Real>(a: &[T], n: usize) -> Vec<f64> {
    a.par_chunks(CHUNK_ROWS * n)
        .map(|chunk| {
            let mut s = vec![T::ZERO; n];
            for row in chunk.chunks_exact(n) {
                for (acc, &v) in s.iter_mut().zip(row) {
                    *acc += v;
                }
            }
            s.into_iter().map(Real::to_f64).collect::<Vec<f64>>()
        })
        .collect::<Vec<_>>()
        .into_iter()
        .fold(vec![0.0; n], add_vectors)
}

/// In place on each row: a = f(z + b) (one loop per transfer function, so each vectorises).
fn forward_pass<T: Real>(z: &mut [T], bias: &[T], transfer: Transfer) {
    fn rows<T: Real>(z: &mut [T], bias: &[T], f: impl Fn(T) -> T + Sync) {
        let n = bias.len();
        z.par_chunks_mut(CHUNK_ROWS * n).for_each(|chunk| {
            for row in chunk.chunks_exact_mut(n) {
                for (v, &b) in row.iter_mut().zip(bias) {
                    *v = f(*v + b);
                }
            }
        });
    }
    match transfer {
        Transfer::Logsig => rows(z, bias, sigmoid),
        Transfer::Satlin => rows(z, bias, |v| apply(Transfer::Satlin, v)),
        Transfer::Purelin | Transfer::Softmax => rows(z, bias, |v| v),
    }
}

/// The output layer's fused pass for squared-error losses with an elementwise transfer:
/// z ← δ = scale·(f(z+b) − t)·f'(z+b); returns (Σ(f(z+b) − t)², column sums of δ).
/// One loop per transfer function, so each compiles to straight-line vector code.
#[inline(always)]
fn squared_error_rows<T: Real>(
    z: &mut [T],
    t: &[T],
    bias: &[T],
    transfer: Transfer,
    scale: T,
) -> (f64, Vec<f64>) {
    match transfer {
        Transfer::Logsig => squared_error_loop(z, t, bias, scale, |zb| {
            let a = sigmoid(zb);
            (a, a * (T::ONE - a))
        }),
        Transfer::Satlin => squared_error_loop(z, t, bias, scale, |zb| {
            (
                apply(Transfer::Satlin, zb),
                derivative(Transfer::Satlin, zb, zb),
            )
        }),
        Transfer::Purelin | Transfer::Softmax => {
            squared_error_loop(z, t, bias, scale, |zb| (zb, T::ONE))
        }
    }
}

#[inline(always)]
fn squared_error_loop<T: Real>(
    z: &mut [T],
    t: &[T],
    bias: &[T],
    scale: T,
    f: impl Fn(T) -> (T, T),
) -> (f64, Vec<f64>) {
    let n = bias.len();
    let mut sq = vec![T::ZERO; n];
    let mut cols = vec![T::ZERO; n];
    for (row, trow) in z.chunks_exact_mut(n).zip(t.chunks_exact(n)) {
        for ((((v, &tv), &b), s), c) in row
            .iter_mut()
            .zip(trow)
            .zip(bias)
            .zip(sq.iter_mut())
            .zip(cols.iter_mut())
        {
            let (a, da) = f(*v + b);
            let d = a - tv;
            *s += d * d;
            let delta = scale * d * da;
            *v = delta;
            *c += delta;
        }
    }
    (
        sq.iter().map(|v| v.to_f64()).sum(),
        cols.into_iter().map(Real::to_f64).collect(),
    )
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512vl,avx512dq,avx2,fma")]
unsafe fn squared_error_rows_avx512<T: Real>(
    z: &mut [T],
    t: &[T],
    bias: &[T],
    transfer: Transfer,
    scale: T,
) -> (f64, Vec<f64>) {
    squared_error_rows(z, t, bias, transfer, scale)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn squared_error_rows_avx2<T: Real>(
    z: &mut [T],
    t: &[T],
    bias: &[T],
    transfer: Transfer,
    scale: T,
) -> (f64, Vec<f64>) {
    squared_error_rows(z, t, bias, transfer, scale)
}

/// [`squared_error_rows`] compiled for the best instruction set this CPU has.
fn squared_error_dispatch<T: Real>(
    z: &mut [T],
    t: &[T],
    bias: &[T],
    transfer: Transfer,
    scale: T,
) -> (f64, Vec<f64>) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512vl")
            && std::arch::is_x86_feature_detected!("avx512dq")
            && std::arch::is_x86_feature_detected!("fma")
        {
            // SAFETY: the CPU supports every feature the function is compiled for.
            return unsafe { squared_error_rows_avx512(z, t, bias, transfer, scale) };
        }
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
        {
            // SAFETY: as above.
            return unsafe { squared_error_rows_avx2(z, t, bias, transfer, scale) };
        }
    }
    squared_error_rows(z, t, bias, transfer, scale)
}

/// One output's crossentropy term −t·ln(clamp(y, eps, 1−eps)) and its derivative
/// dE/dy = −t/(y·N·C) (zero where the clamp is active).
#[inline(always)]
fn crossentropy_term(y: f64, t: f64, nk: f64, eps: f64) -> (f64, f64) {
    let c = y.clamp(eps, 1.0 - eps);
    let g = if y < eps || y > 1.0 - eps {
        0.0
    } else {
        -t / c / nk
    };
    (-t * c.ln(), g)
}

/// Softmax output rows for crossentropy or mse: z ← δ = y ⊙ (g − Σ g⊙y) with g = dE/dy;
/// returns (Σ −t·ln(clamp(y)) or Σ (y−t)², column sums of δ).
fn softmax_rows<T: Real>(
    z: &mut [T],
    t: &[T],
    bias: &[T],
    loss: Loss,
    nk: f64,
    eps: f64,
) -> (f64, Vec<f64>) {
    let n = bias.len();
    let mut total = 0.0;
    let mut cols = vec![0.0; n];
    let mut y = vec![0.0f64; n];
    let mut g = vec![0.0f64; n];
    for (row, trow) in z.chunks_exact_mut(n).zip(t.chunks_exact(n)) {
        let max = row
            .iter()
            .zip(bias)
            .fold(f64::NEG_INFINITY, |m, (&v, &b)| m.max((v + b).to_f64()));
        let mut sum = 0.0;
        for k in 0..n {
            y[k] = ((row[k] + bias[k]).to_f64() - max).exp();
            sum += y[k];
        }
        for k in 0..n {
            // Round through T so the probabilities are those the tensor path computes.
            y[k] = T::from_f64(y[k] / sum).to_f64();
            let tk = trow[k].to_f64();
            match loss {
                Loss::CrossEntropy => {
                    let (loss_term, grad) = crossentropy_term(y[k], tk, nk, eps);
                    total += loss_term;
                    g[k] = grad;
                }
                _ => {
                    let d = y[k] - tk;
                    total += d * d;
                    g[k] = 2.0 * d / nk;
                }
            }
        }
        let dot: f64 = (0..n).map(|k| g[k] * y[k]).sum();
        for k in 0..n {
            let delta = y[k] * (g[k] - dot);
            row[k] = T::from_f64(delta);
            cols[k] += delta;
        }
    }
    (total, cols)
}

/// Crossentropy with an elementwise output transfer: z ← δ = g·f'(z+b).
fn crossentropy_rows<T: Real>(
    z: &mut [T],
    t: &[T],
    bias: &[T],
    transfer: Transfer,
    nk: f64,
    eps: f64,
) -> (f64, Vec<f64>) {
    let n = bias.len();
    let mut total = 0.0;
    let mut cols = vec![0.0; n];
    for (row, trow) in z.chunks_exact_mut(n).zip(t.chunks_exact(n)) {
        for k in 0..n {
            let zb = row[k] + bias[k];
            let a = apply(transfer, zb);
            let y = a.to_f64();
            let tk = trow[k].to_f64();
            let (loss_term, g) = crossentropy_term(y, tk, nk, eps);
            total += loss_term;
            let delta = T::from_f64(g) * derivative(transfer, zb, a);
            row[k] = delta;
            cols[k] += delta.to_f64();
        }
    }
    (total, cols)
}

/// The output layer's pass in parallel chunks: returns (loss sum, column sums of δ).
fn output_pass<T: Real>(
    z: &mut [T],
    t: &[T],
    bias: &[T],
    transfer: Transfer,
    loss: Loss,
    nk: f64,
    eps: f64,
) -> (f64, Vec<f64>) {
    let n = bias.len();
    z.par_chunks_mut(CHUNK_ROWS * n)
        .zip(t.par_chunks(CHUNK_ROWS * n))
        .map(|(zc, tc)| match (transfer, loss) {
            (Transfer::Softmax, _) => softmax_rows(zc, tc, bias, loss, nk, eps),
            (_, Loss::CrossEntropy) => crossentropy_rows(zc, tc, bias, transfer, nk, eps),
            _ => squared_error_dispatch(zc, tc, bias, transfer, T::from_f64(2.0 / nk)),
        })
        .collect::<Vec<_>>()
        .into_iter()
        .fold((0.0, vec![0.0; n]), |(a, ca), (b, cb)| {
            (a + b, add_vectors(ca, cb))
        })
}

/// A hidden layer's backward pass: g ← δ = (g + extra)·f'(z+b), with a = f(z+b) given;
/// `extra` is the per-unit sparsity gradient (or none).
fn hidden_backward<T: Real>(
    g: &mut [T],
    a: &[T],
    z: Option<&[T]>,
    bias: &[T],
    transfer: Transfer,
    extra: Option<&[T]>,
) {
    let n = bias.len();
    g.par_chunks_mut(CHUNK_ROWS * n)
        .zip(a.par_chunks(CHUNK_ROWS * n))
        .enumerate()
        .for_each(|(ci, (gc, ac))| {
            for (r, (grow, arow)) in gc.chunks_exact_mut(n).zip(ac.chunks_exact(n)).enumerate() {
                let zrow = z.map(|z| &z[(ci * CHUNK_ROWS + r) * n..(ci * CHUNK_ROWS + r + 1) * n]);
                for k in 0..n {
                    let mut v = grow[k];
                    if let Some(e) = extra {
                        v += e[k];
                    }
                    let zb = zrow.map_or(T::ZERO, |zr| zr[k] + bias[k]);
                    grow[k] = v * derivative(transfer, zb, arow[k]);
                }
            }
        });
}

/// Host-memory objective for a chain of dense layers; same contract as
/// [`NetworkObjective`](crate::objective::NetworkObjective).
pub struct FusedObjective<T: Real> {
    shapes: Vec<LayerShape>,
    loss: Loss,
    x: Vec<T>,
    t: Vec<T>,
    n: usize,
    compute: Compute,
    /// Large buffers kept between evaluations (allocating and zeroing 16 MB each time costs
    /// page faults on every call).
    pool: std::cell::RefCell<Vec<Vec<T>>>,
}

/// Reads a tensor into host memory as `T`.
fn host<T: Real, const D: usize>(t: &Tensor<D>) -> Result<Vec<T>> {
    Ok(crate::compute::to_f64(t.clone())?
        .into_iter()
        .map(T::from_f64)
        .collect())
}

impl<T: Real> FusedObjective<T> {
    pub fn new(
        compute: &Compute,
        shapes: Vec<LayerShape>,
        loss: Loss,
        x: &Tensor<2>,
        t: &Tensor<2>,
    ) -> Result<Self> {
        let [n, _] = x.dims();
        let x = host(x)?;
        Ok(Self {
            shapes,
            loss,
            x,
            t: host(t)?,
            n,
            compute: compute.clone(),
            pool: std::cell::RefCell::new(Vec::new()),
        })
    }

    /// A buffer of `len` elements from the pool (contents unspecified: every user overwrites
    /// it completely).
    fn buffer(&self, len: usize) -> Vec<T> {
        let mut pool = self.pool.borrow_mut();
        // Best fit, so that small requests never take the large buffers.
        let fit = pool
            .iter()
            .enumerate()
            .filter(|(_, b)| b.capacity() >= len)
            .min_by_key(|(_, b)| b.capacity())
            .map(|(i, _)| i);
        let mut v = match fit {
            Some(i) => pool.swap_remove(i),
            None => Vec::with_capacity(len),
        };
        v.resize(len, T::ZERO);
        v
    }

    fn recycle(&self, v: Vec<T>) {
        self.pool.borrow_mut().push(v);
    }

    /// E and the flat gradient at `w` for `n` rows of inputs `x` and targets `t`.
    /// E and the flat gradient at `w` for `n` rows of inputs `x` and targets `t`.
    pub fn value_and_gradient(&self, w: &[T], x: &[T], t: &[T], n: usize) -> (f64, Vec<T>) {
        let eps = self.compute.precision.eps();
        let layers = self.shapes.len();
        let mut offsets = Vec::with_capacity(layers);
        let mut at = 0;
        for s in &self.shapes {
            offsets.push(at);
            at += s.num_params();
        }
        let weights = |l: usize| {
            let s = &self.shapes[l];
            &w[offsets[l]..offsets[l] + s.inputs * s.outputs]
        };
        let biases = |l: usize| {
            let s = &self.shapes[l];
            let o = offsets[l] + s.inputs * s.outputs;
            &w[o..o + s.outputs]
        };

        // Forward: hidden activations (and pre-activations where satlin needs them).
        let mut acts: Vec<Vec<T>> = Vec::with_capacity(layers);
        let mut pre: Vec<Option<Vec<T>>> = Vec::with_capacity(layers);
        for l in 0..layers - 1 {
            let s = &self.shapes[l];
            let input: &[T] = if l == 0 { x } else { &acts[l - 1] };
            let mut z = self.buffer(n * s.outputs);
            matmul(
                &mut z,
                input,
                weights(l),
                n,
                s.outputs,
                s.inputs,
                false,
                false,
            );
            pre.push((s.transfer == Transfer::Satlin).then(|| z.clone()));
            forward_pass(&mut z, biases(l), s.transfer);
            acts.push(z);
        }
        let last = &self.shapes[layers - 1];
        let k = last.outputs;
        let nk = (n * k) as f64;
        let mut delta = self.buffer(n * k);
        {
            let input: &[T] = if layers == 1 { x } else { &acts[layers - 2] };
            matmul(
                &mut delta,
                input,
                weights(layers - 1),
                n,
                k,
                last.inputs,
                false,
                false,
            );
        }
        let (loss_sum, mut db) = output_pass(
            &mut delta,
            t,
            biases(layers - 1),
            last.transfer,
            self.loss,
            nk,
            eps,
        );
        let mut value = loss_sum / nk;

        // msesparse's regularisers.
        let mut l2 = 0.0;
        let mut sparsity: Option<Vec<T>> = None;
        if let Loss::MseSparse(c) = self.loss {
            let kf = k as f64;
            l2 = c.l2_weight_regularization / kf;
            let sumsq: f64 = (0..layers)
                .map(|l| {
                    weights(l)
                        .iter()
                        .map(|v| v.to_f64() * v.to_f64())
                        .sum::<f64>()
                })
                .sum();
            value += l2 * sumsq;
            let (lo, hi) = self.shapes[0].transfer.output_range();
            if lo == 0.0 && hi == 1.0 && c.sparsity_regularization > 0.0 && layers > 1 {
                let beta = 2.0 * c.sparsity_regularization / kf;
                let rho = c.sparsity_proportion.clamp(eps, 1.0 - eps);
                let sums = column_sums(&acts[0], self.shapes[0].outputs);
                let mut kl = 0.0;
                let mut grad = Vec::with_capacity(sums.len());
                for s in sums {
                    // ρ̂ as the tensor path computes it: a mean in the working precision.
                    let raw = T::from_f64(s / n as f64).to_f64();
                    let r = raw.clamp(eps, 1.0 - eps);
                    kl += rho * (rho / r).ln() + (1.0 - rho) * ((1.0 - rho) / (1.0 - r)).ln();
                    let inside = (eps..=1.0 - eps).contains(&raw);
                    let d = if inside {
                        (-rho / r + (1.0 - rho) / (1.0 - r)) * beta / n as f64
                    } else {
                        0.0
                    };
                    grad.push(T::from_f64(d));
                }
                value += beta * kl.max(0.0);
                sparsity = Some(grad);
            }
        }

        // Backward.
        let mut gradient = vec![T::ZERO; w.len()];
        for l in (0..layers).rev() {
            let s = &self.shapes[l];
            let input: &[T] = if l == 0 { x } else { &acts[l - 1] };
            let (wo, bo) = (offsets[l], offsets[l] + s.inputs * s.outputs);
            matmul(
                &mut gradient[wo..bo],
                input,
                &delta,
                s.inputs,
                s.outputs,
                n,
                true,
                false,
            );
            if l2 > 0.0 {
                let two_l2 = T::from_f64(2.0 * l2);
                for (g, &wv) in gradient[wo..bo].iter_mut().zip(weights(l)) {
                    *g += two_l2 * wv;
                }
            }
            for (g, v) in gradient[bo..bo + s.outputs].iter_mut().zip(&db) {
                *g = T::from_f64(*v);
            }
            if l > 0 {
                let prev = &self.shapes[l - 1];
                let mut g = self.buffer(n * prev.outputs);
                matmul(
                    &mut g,
                    &delta,
                    weights(l),
                    n,
                    prev.outputs,
                    s.outputs,
                    false,
                    true,
                );
                let extra = if l == 1 { sparsity.as_deref() } else { None };
                hidden_backward(
                    &mut g,
                    &acts[l - 1],
                    pre[l - 1].as_deref(),
                    biases(l - 1),
                    prev.transfer,
                    extra,
                );
                db = column_sums(&g, prev.outputs);
                self.recycle(std::mem::replace(&mut delta, g));
            }
        }
        for v in acts.into_iter().chain(pre.into_iter().flatten()) {
            self.recycle(v);
        }
        self.recycle(delta);
        (value, gradient)
    }

    fn evaluation(&self, w: &Tensor<1>, x: &[T], t: &[T], n: usize) -> Result<Evaluation> {
        let wh: Vec<T> = host(w)?;
        let (value, g) = self.value_and_gradient(&wh, x, t, n);
        let g64: Vec<f64> = g.into_iter().map(Real::to_f64).collect();
        Ok(Evaluation {
            value,
            gradient: self.compute.vector(&g64),
        })
    }
}

impl<T: Real> Objective for FusedObjective<T> {
    fn dim(&self) -> usize {
        self.shapes.iter().map(LayerShape::num_params).sum()
    }

    fn num_samples(&self) -> usize {
        self.n
    }

    fn evaluate(&mut self, w: &Tensor<1>) -> Result<Evaluation> {
        self.evaluation(w, &self.x, &self.t, self.n)
    }

    fn evaluate_rows(&mut self, w: &Tensor<1>, rows: &[usize]) -> Result<Evaluation> {
        let d = self.x.len() / self.n;
        let k = self.t.len() / self.n;
        let mut x = Vec::with_capacity(rows.len() * d);
        let mut t = Vec::with_capacity(rows.len() * k);
        for &r in rows {
            x.extend_from_slice(&self.x[r * d..(r + 1) * d]);
            t.extend_from_slice(&self.t[r * k..(r + 1) * k]);
        }
        self.evaluation(w, &x, &t, rows.len())
    }
}

/// The fused objective in the compute's precision.
pub fn fused_objective(
    compute: &Compute,
    shapes: Vec<LayerShape>,
    loss: Loss,
    x: &Tensor<2>,
    t: &Tensor<2>,
) -> Result<Box<dyn Objective>> {
    if shapes.is_empty() {
        return Err(CoreError::Shape(
            "a network needs at least one layer".into(),
        ));
    }
    Ok(match compute.precision {
        Precision::F32 => Box::new(FusedObjective::<f32>::new(compute, shapes, loss, x, t)?),
        Precision::F64 => Box::new(FusedObjective::<f64>::new(compute, shapes, loss, x, t)?),
    })
}
