//! `sae bench`: the speed benchmark of the performance issue. Medians of repeated runs of
//! one cost+gradient and one SCG epoch for each model of the example (fused CPU kernels and
//! Burn tensor operations), the scaling table, and peak memory (RSS).

use std::time::Instant;

use burn::tensor::Tensor;
use clap::Args;
use sae_core::compute::to_f64;
use sae_core::fused::fused_objective;
use sae_core::layer::{Dense, LayerShape, flatten, seeded_rng, uniform_values};
use sae_core::objective::{NetworkObjective, Objective};
use sae_core::optim::{Optimizer, Scg};
use sae_core::{Compute, Loss, SparseCost, Transfer};

use crate::stages_cmd::DeviceArgs;

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Repetitions per measurement (the median is printed).
    #[arg(long, default_value_t = 10)]
    pub repeats: usize,
    /// Also print the scaling table (images 1k-60k × hidden 50-400).
    #[arg(long)]
    pub scaling: bool,
    #[command(flatten)]
    pub device: DeviceArgs,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// Median seconds of `f` over `repeats` runs after one warm-up run.
fn time(repeats: usize, mut f: impl FnMut()) -> f64 {
    f();
    median(
        (0..repeats.max(1))
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64()
            })
            .collect(),
    )
}

/// Peak resident memory of this process in MiB (Linux VmHWM), if known.
pub fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// One benchmark problem: a network, its data and starting point.
struct Problem {
    name: &'static str,
    shapes: Vec<LayerShape>,
    loss: Loss,
    x: Tensor<2>,
    t: Tensor<2>,
    w0: Tensor<1>,
}

impl Problem {
    fn new(
        compute: &Compute,
        name: &'static str,
        x: &Tensor<2>,
        t: Option<&Tensor<2>>,
        sizes: &[(usize, usize, Transfer)],
        loss: Loss,
    ) -> Self {
        let mut rng = seeded_rng(0, 0);
        let layers: Vec<Dense> = sizes
            .iter()
            .map(|&(i, o, tf)| Dense::random_small(i, o, tf, &mut rng))
            .collect();
        Self {
            name,
            shapes: layers.iter().map(Dense::shape).collect(),
            loss,
            x: x.clone(),
            t: t.cloned().unwrap_or_else(|| x.clone()),
            w0: compute.vector(&flatten(&layers)),
        }
    }

    fn objective(&self, compute: &Compute, fused: bool) -> anyhow::Result<Box<dyn Objective>> {
        Ok(if fused {
            fused_objective(compute, self.shapes.clone(), self.loss, &self.x, &self.t)?
        } else {
            Box::new(NetworkObjective::new(
                compute,
                self.shapes.clone(),
                self.loss,
                self.x.clone(),
                self.t.clone(),
            ))
        })
    }
}

/// Median seconds of one cost+gradient, including the wait for the gradient.
fn eval_seconds(objective: &mut dyn Objective, w0: &Tensor<1>, repeats: usize) -> f64 {
    time(repeats, || {
        let ev = objective.evaluate(w0).expect("evaluation");
        // A one-element read synchronises the device.
        let _ = to_f64(ev.gradient.narrow(0, 0, 1));
    })
}

/// Median seconds per SCG epoch over 10 epochs.
fn scg_epoch_seconds(objective: &mut dyn Objective, w0: &Tensor<1>, repeats: usize) -> f64 {
    let epochs = 10;
    let scg = Scg {
        goal: f64::NEG_INFINITY,
        min_grad: 0.0,
        ..Scg::with_epochs(epochs)
    };
    time(repeats, || {
        let _ = scg.minimize(objective, w0.clone(), &mut |_| {});
    }) / epochs as f64
}

/// N synthetic digit images (seed 0), the example's kind of data (about 18% non-zero pixels).
fn digits(compute: &Compute, n: usize) -> anyhow::Result<Tensor<2>> {
    let (train, _) = sae_data::generate(&sae_data::SyntheticOptions {
        train: n,
        test: 1,
        ..Default::default()
    })?;
    Ok(compute.matrix_f32(&train.features, n, train.num_features()))
}

/// A deterministic N×D dense matrix with values in [0.5,1) (hidden features).
fn data(compute: &Compute, n: usize, d: usize) -> Tensor<2> {
    let mut rng = seeded_rng(42, 3);
    let v: Vec<f64> = uniform_values(&mut rng, n * d, 0.5)
        .iter()
        .map(|x| x + 0.5)
        .collect();
    compute.matrix(&v, n, d)
}

const AE1: SparseCost = SparseCost {
    l2_weight_regularization: 0.004,
    sparsity_regularization: 4.0,
    sparsity_proportion: 0.15,
};

pub fn run(a: &BenchArgs) -> anyhow::Result<()> {
    let compute = a.device.compute()?;
    println!(
        "sae bench: device {}, precision {}, {} threads, median of {} runs",
        a.device.device,
        a.device.precision,
        available_threads(),
        a.repeats
    );
    let n = 5000;
    let x = digits(&compute, n)?;
    let h1 = data(&compute, n, 100);
    let mut tv = vec![0.0; n * 10];
    for i in 0..n {
        tv[i * 10 + i % 10] = 1.0;
    }
    let t = compute.matrix(&tv, n, 10);
    let ae2 = SparseCost {
        l2_weight_regularization: 0.002,
        sparsity_proportion: 0.1,
        ..AE1
    };
    let (lg, sm) = (Transfer::Logsig, Transfer::Softmax);
    let problems = [
        Problem::new(
            &compute,
            "autoencoder 1 (5000x784->100)",
            &x,
            None,
            &[(784, 100, lg), (100, 784, lg)],
            Loss::MseSparse(AE1),
        ),
        Problem::new(
            &compute,
            "autoencoder 2 (5000x100->50)",
            &h1,
            None,
            &[(100, 50, lg), (50, 100, lg)],
            Loss::MseSparse(ae2),
        ),
        Problem::new(
            &compute,
            "fine-tune stack (784-100-50-10)",
            &x,
            Some(&t),
            &[(784, 100, lg), (100, 50, lg), (50, 10, sm)],
            Loss::CrossEntropy,
        ),
    ];
    let kernels: &[(bool, &str)] = if compute.fused_cpu {
        &[(true, "fused CPU"), (false, "Burn tensor ops")]
    } else {
        &[(false, "Burn tensor ops")]
    };
    println!("\n| work | kernels | cost+gradient (ms) | one SCG epoch (ms) |\n|---|---|---|---|");
    for p in &problems {
        for &(fused, label) in kernels {
            let mut obj = p.objective(&compute, fused)?;
            let eval = eval_seconds(obj.as_mut(), &p.w0, a.repeats);
            let epoch = scg_epoch_seconds(obj.as_mut(), &p.w0, a.repeats.min(3));
            println!(
                "| {} | {label} | {:.1} | {:.1} |",
                p.name,
                eval * 1e3,
                epoch * 1e3
            );
        }
    }
    if a.scaling {
        println!(
            "\nautoencoder cost+gradient (ms, {}) by images and hidden size\n\n| images | 50 | 100 | 200 | 400 |\n|---|---|---|---|---|",
            kernels[0].1
        );
        for n in [1000, 5000, 20000, 60000] {
            let x = digits(&compute, n)?;
            let mut row = format!("| {n} |");
            for h in [50, 100, 200, 400] {
                let p = Problem::new(
                    &compute,
                    "",
                    &x,
                    None,
                    &[(784, h, lg), (h, 784, lg)],
                    Loss::MseSparse(AE1),
                );
                let mut obj = p.objective(&compute, kernels[0].0)?;
                row.push_str(&format!(
                    " {:.1} |",
                    eval_seconds(obj.as_mut(), &p.w0, a.repeats.min(5)) * 1e3
                ));
            }
            println!("{row}");
        }
    }
    if let Some(m) = peak_rss_mib() {
        println!("\npeak RSS: {m:.0} MiB");
    }
    Ok(())
}

fn available_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
