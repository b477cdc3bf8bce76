//! The run folder's figures and reports: report.json (machine-readable), report.md and
//! report.html (figures embedded).

use std::path::Path;

use sae_core::StackedNetwork;
use sae_data::Dataset;
use serde::Serialize;

use crate::config::Resolved;
use crate::output;
use crate::run_cmd::{RunResult, StageSummary};

#[derive(Serialize)]
struct ReportJson<'a> {
    accuracy_before_fine_tune: f64,
    accuracy_after_fine_tune: f64,
    train_accuracy_after_fine_tune: f64,
    backend: &'a str,
    precision: &'a str,
    train_samples: usize,
    test_samples: usize,
    total_seconds: f64,
    stages: &'a [StageSummary],
    confusion_before: &'a sae_core::ConfusionMatrix,
    confusion_after: &'a sae_core::ConfusionMatrix,
}

/// The network diagram of a stack (view).
pub fn network_svg(net: &StackedNetwork, title: &str) -> String {
    let n = net.layers.len();
    let layers: Vec<sae_plot::DiagramLayer> = net
        .layers
        .iter()
        .enumerate()
        .map(|(i, l)| sae_plot::DiagramLayer {
            label: if i + 1 == n {
                "Softmax layer".into()
            } else {
                format!("Encoder {}", i + 1)
            },
            size: l.outputs,
            transfer: l.transfer.name().into(),
        })
        .collect();
    sae_plot::network_svg(net.input_size(), &layers, title)
}

/// Writes every figure and the three reports.
pub fn write(
    out: &Path,
    r: &Resolved,
    train: &Dataset,
    test: &Dataset,
    res: &RunResult,
) -> anyhow::Result<()> {
    let first = &r.autoencoders[0];
    if first.hidden_size > 0
        && train.num_features() == res.first_encoder_rows.len() / first.hidden_size
    {
        let rows: Vec<f32> = res.first_encoder_rows.iter().map(|&v| v as f32).collect();
        let gallery = sae_plot::weight_gallery(&rows, first.hidden_size, train.height, train.width);
        output::write_file(&out.join("weights-ae1.png"), &gallery.to_png())?;
    }
    for (name, cm, title) in [
        (
            "confusion-before.png",
            &res.confusion_before,
            "Test set, before fine-tuning",
        ),
        (
            "confusion-after.png",
            &res.confusion_after,
            "Test set, after fine-tuning",
        ),
    ] {
        let fig = sae_plot::confusion_matrix(&cm.counts, &test.class_names, title);
        output::write_file(&out.join(name), &fig.to_png())?;
    }
    for (name, record) in &res.records {
        let perf: Vec<f64> = record.epochs.iter().map(|e| e.perf).collect();
        let fig = sae_plot::performance_curve(
            &perf,
            &format!("{name}: {} ({})", record.algorithm, record.stop_reason),
        );
        output::write_file(&out.join(format!("performance-{name}.png")), &fig.to_png())?;
    }
    output::write_file(
        &out.join("network.svg"),
        network_svg(&res.stack_after, "Stacked network").as_bytes(),
    )?;

    let json = ReportJson {
        accuracy_before_fine_tune: 100.0 * res.accuracy_before,
        accuracy_after_fine_tune: 100.0 * res.accuracy_after,
        train_accuracy_after_fine_tune: 100.0 * res.train_accuracy_after,
        backend: r.backend.name(),
        precision: r.precision.name(),
        train_samples: train.len(),
        test_samples: test.len(),
        total_seconds: res.total_seconds,
        stages: &res.stages,
        confusion_before: &res.confusion_before,
        confusion_after: &res.confusion_after,
    };
    output::write_file(
        &out.join("report.json"),
        serde_json::to_string_pretty(&json)?.as_bytes(),
    )?;

    let mut md = String::new();
    md.push_str("# Stacked autoencoder run\n\n");
    md.push_str(&format!(
        "Backend {} ({}), {} training and {} test samples.\n\n",
        r.backend.name(),
        r.precision.name(),
        train.len(),
        test.len()
    ));
    md.push_str("| | test accuracy |\n|---|---|\n");
    md.push_str(&format!(
        "| before fine-tuning | {:.2}% |\n",
        100.0 * res.accuracy_before
    ));
    md.push_str(&format!(
        "| after fine-tuning | {:.2}% |\n",
        100.0 * res.accuracy_after
    ));
    md.push_str(&format!(
        "\nTraining accuracy after fine-tuning: {:.2}%.\n\n",
        100.0 * res.train_accuracy_after
    ));
    md.push_str("| stage | epochs | stop reason | final perf | seconds |\n|---|---|---|---|---|\n");
    for s in &res.stages {
        md.push_str(&format!(
            "| {} | {}/{} | {} | {:.4e} | {:.1} |\n",
            s.name, s.epochs, s.max_epochs, s.stop_reason, s.final_perf, s.seconds
        ));
    }
    md.push_str(&format!("\nTotal: {:.1} s.\n\n", res.total_seconds));
    let mut figures = vec![
        ("Training samples", "samples.png".to_string()),
        ("First autoencoder's weights", "weights-ae1.png".to_string()),
        ("Network", "network.svg".to_string()),
        (
            "Confusion before fine-tuning",
            "confusion-before.png".to_string(),
        ),
        (
            "Confusion after fine-tuning",
            "confusion-after.png".to_string(),
        ),
    ];
    for (name, _) in &res.records {
        figures.push(("Performance", format!("performance-{name}.png")));
    }
    let figures: Vec<_> = figures
        .into_iter()
        .filter(|(_, f)| out.join(f).exists())
        .collect();
    for (caption, file) in &figures {
        md.push_str(&format!("## {caption}\n\n![{caption}]({file})\n\n"));
    }
    output::write_file(&out.join("report.md"), md.as_bytes())?;

    let mut html = String::from(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Stacked autoencoder run</title>\
         <style>body{font-family:sans-serif;max-width:900px;margin:auto}table{border-collapse:collapse}\
         td,th{border:1px solid #ccc;padding:4px 8px}</style></head><body>\n",
    );
    html.push_str(&format!(
        "<h1>Stacked autoencoder run</h1><p>Backend {} ({}). Test accuracy {:.2}% before fine-tuning, \
         {:.2}% after; training accuracy after fine-tuning {:.2}%.</p>\n<table><tr><th>stage</th><th>epochs</th>\
         <th>stop reason</th><th>final perf</th><th>seconds</th></tr>\n",
        r.backend.name(),
        r.precision.name(),
        100.0 * res.accuracy_before,
        100.0 * res.accuracy_after,
        100.0 * res.train_accuracy_after
    ));
    for s in &res.stages {
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}/{}</td><td>{}</td><td>{:.4e}</td><td>{:.1}</td></tr>\n",
            s.name, s.epochs, s.max_epochs, s.stop_reason, s.final_perf, s.seconds
        ));
    }
    html.push_str("</table>\n");
    for (caption, file) in &figures {
        let bytes = std::fs::read(out.join(file))?;
        let (mime, data) = if file.ends_with(".svg") {
            ("image/svg+xml", bytes)
        } else {
            ("image/png", bytes)
        };
        html.push_str(&format!(
            "<h2>{caption}</h2><img alt=\"{caption}\" src=\"data:{mime};base64,{}\">\n",
            base64(&data)
        ));
    }
    html.push_str("</body></html>\n");
    output::write_file(&out.join("report.html"), html.as_bytes())
}

/// Standard base64 (RFC 4648) for embedding figures.
fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                s.push(A[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                s.push('=');
            }
        }
    }
    s
}

/// Mean, sample standard deviation, min and max.
fn stats(v: &[f64]) -> (f64, f64, f64, f64) {
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = if v.len() > 1 {
        v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)
    } else {
        0.0
    };
    let min = v.iter().cloned().fold(f64::INFINITY, f64::min);
    let max = v.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    (mean, var.sqrt(), min, max)
}

/// `sae run --runs K`: summary.json and summary.md over the repeated runs, printed too.
pub fn write_repeats(out: &Path, results: &[(u64, RunResult)]) -> anyhow::Result<()> {
    let before: Vec<f64> = results
        .iter()
        .map(|(_, r)| 100.0 * r.accuracy_before)
        .collect();
    let after: Vec<f64> = results
        .iter()
        .map(|(_, r)| 100.0 * r.accuracy_after)
        .collect();
    let summary = |v: &[f64]| {
        let (mean, sd, min, max) = stats(v);
        serde_json::json!({ "mean": mean, "sd": sd, "min": min, "max": max, "values": v })
    };
    let seeds: Vec<u64> = results.iter().map(|(s, _)| *s).collect();
    let json = serde_json::json!({
        "runs": results.len(),
        "seeds": seeds,
        "accuracy_before_fine_tune": summary(&before),
        "accuracy_after_fine_tune": summary(&after),
    });
    output::write_file(
        &out.join("summary.json"),
        serde_json::to_string_pretty(&json)?.as_bytes(),
    )?;
    let mut md = format!(
        "# {} runs (seeds {:?})\n\n| test accuracy | mean ± sd | min | max |\n|---|---|---|---|\n",
        results.len(),
        seeds
    );
    for (name, v) in [
        ("before fine-tuning", &before),
        ("after fine-tuning", &after),
    ] {
        let (mean, sd, min, max) = stats(v);
        md.push_str(&format!(
            "| {name} | {mean:.2} ± {sd:.2} | {min:.2} | {max:.2} |\n"
        ));
    }
    output::write_file(&out.join("summary.md"), md.as_bytes())?;
    print!("{md}");
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_matches_rfc4648() {
        assert_eq!(super::base64(b"Man"), "TWFu");
        assert_eq!(super::base64(b"Ma"), "TWE=");
        assert_eq!(super::base64(b"M"), "TQ==");
        assert_eq!(super::base64(b"foobar"), "Zm9vYmFy");
    }
}
