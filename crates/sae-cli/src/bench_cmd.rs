//! `sae bench`: the speed benchmark of the performance issue. Medians of repeated runs of
//! one cost+gradient and one SCG epoch for each model of the example, the scaling table, and
//! peak memory (RSS).

use std::time::Instant;

use burn::tensor::Tensor;
use clap::Args;
use sae_core::compute::to_f64;
use sae_core::layer::{Dense, LayerShape, flatten, seeded_rng};
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

struct Problem {
    name: String,
    objective: NetworkObjective,
    w0: Tensor<1>,
}

fn layers(sizes: &[(usize, usize, Transfer)], seed: u64) -> Vec<Dense> {
    let mut rng = seeded_rng(seed, 0);
    sizes
        .iter()
        .map(|&(i, o, t)| Dense::random_small(i, o, t, &mut rng))
        .collect()
}

fn problem(
    compute: &Compute,
    name: &str,
    x: &Tensor<2>,
    t: Option<&Tensor<2>>,
    sizes: &[(usize, usize, Transfer)],
    loss: Loss,
) -> Problem {
    let ls = layers(sizes, 0);
    let shapes: Vec<LayerShape> = ls.iter().map(Dense::shape).collect();
    let target = t.cloned().unwrap_or_else(|| x.clone());
    Problem {
        name: name.into(),
        objective: NetworkObjective::new(compute, shapes, loss, x.clone(), target),
        w0: compute.vector(&flatten(&ls)),
    }
}

/// A deterministic data matrix with values in [0,1) (pixel-like).
fn data(compute: &Compute, n: usize, d: usize) -> Tensor<2> {
    let mut rng = seeded_rng(42, 3);
    let v: Vec<f64> = sae_core::layer::uniform_values(&mut rng, n * d, 0.5)
        .iter()
        .map(|x| x + 0.5)
        .collect();
    compute.matrix(&v, n, d)
}

fn eval_seconds(p: &mut Problem, repeats: usize) -> f64 {
    time(repeats, || {
        let ev = p.objective.evaluate(&p.w0).expect("evaluation");
        // Wait for the gradient too (a one-element read synchronises the device).
        let _ = to_f64(ev.gradient.narrow(0, 0, 1));
    })
}

const AE1: SparseCost = SparseCost {
    l2_weight_regularization: 0.004,
    sparsity_regularization: 4.0,
    sparsity_proportion: 0.15,
};

pub fn run(a: &BenchArgs) -> anyhow::Result<()> {
    let compute = a.device.compute()?;
    println!(
        "sae bench: device {}, precision {}, {} threads available, median of {} runs",
        a.device.device,
        a.device.precision,
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        a.repeats
    );
    let n = 5000;
    let x = data(&compute, n, 784);
    let h1 = data(&compute, n, 100);
    let mut tv = vec![0.0; n * 10];
    for i in 0..n {
        tv[i * 10 + i % 10] = 1.0;
    }
    let t = compute.matrix(&tv, n, 10);
    let ae2_cost = SparseCost {
        l2_weight_regularization: 0.002,
        sparsity_proportion: 0.1,
        ..AE1
    };
    let mut problems = vec![
        problem(
            &compute,
            "autoencoder 1 (5000x784->100)",
            &x,
            None,
            &[(784, 100, Transfer::Logsig), (100, 784, Transfer::Logsig)],
            Loss::MseSparse(AE1),
        ),
        problem(
            &compute,
            "autoencoder 2 (5000x100->50)",
            &h1,
            None,
            &[(100, 50, Transfer::Logsig), (50, 100, Transfer::Logsig)],
            Loss::MseSparse(ae2_cost),
        ),
        problem(
            &compute,
            "fine-tune stack (784-100-50-10)",
            &x,
            Some(&t),
            &[
                (784, 100, Transfer::Logsig),
                (100, 50, Transfer::Logsig),
                (50, 10, Transfer::Softmax),
            ],
            Loss::CrossEntropy,
        ),
    ];
    println!("\n| work | cost+gradient (ms) | one SCG epoch (ms) |\n|---|---|---|");
    for p in &mut problems {
        let eval = eval_seconds(p, a.repeats);
        let epochs = 10;
        let scg = time(a.repeats.min(3), || {
            let scg = Scg {
                goal: f64::NEG_INFINITY,
                min_grad: 0.0,
                ..Scg::with_epochs(epochs)
            };
            let _ = scg.minimize(&mut p.objective, p.w0.clone(), &mut |_| {});
        }) / epochs as f64;
        println!("| {} | {:.1} | {:.1} |", p.name, eval * 1e3, scg * 1e3);
    }
    if a.scaling {
        println!("\n| images \\ hidden | 50 | 100 | 200 | 400 |\n|---|---|---|---|---|");
        for n in [1000, 5000, 20000, 60000] {
            let x = data(&compute, n, 784);
            let mut row = format!("| {n} |");
            for h in [50, 100, 200, 400] {
                let mut p = problem(
                    &compute,
                    "",
                    &x,
                    None,
                    &[(784, h, Transfer::Logsig), (h, 784, Transfer::Logsig)],
                    Loss::MseSparse(AE1),
                );
                row.push_str(&format!(
                    " {:.1} ms |",
                    eval_seconds(&mut p, a.repeats.min(5)) * 1e3
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
