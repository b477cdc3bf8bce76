//! End-to-end: the `sae` binary on a tiny config, its artefacts, and bad input.

use std::path::Path;
use std::process::Command;

use sae_core::model_file::ModelFile;
use sae_core::{Compute, ConfusionMatrix, Precision};

fn sae(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sae"))
        .args(args)
        .output()
        .expect("sae runs")
}

const TINY: &str = r#"
seed = 1
[data]
source = "synthetic"
seed = 3
train = 300
test = 200
[[autoencoder]]
hidden = 16
max_epochs = 40
l2_weight_regularization = 0.004
sparsity_regularization = 4
sparsity_proportion = 0.15
scale_data = false
[[autoencoder]]
hidden = 8
max_epochs = 10
scale_data = true
[softmax]
max_epochs = 100
[fine_tune]
max_epochs = 60
"#;

fn png_size(path: &Path) -> (u32, u32) {
    let img = image::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (img.width(), img.height())
}

#[test]
fn run_writes_every_artefact_and_a_consistent_report() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("tiny.toml");
    std::fs::write(&cfg, TINY).unwrap();
    let out = dir.path().join("run");
    let o = sae(&[
        "run",
        cfg.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    for f in ["config.toml", "network.svg", "report.md", "report.html"] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    assert_eq!(
        png_size(&out.join("weights-ae1.png")),
        (4 * (28 * 3 + 3) + 3, 4 * (28 * 3 + 3) + 3)
    );
    assert_eq!(png_size(&out.join("samples.png")).0, 5 * (112 + 8) + 8);
    for f in ["confusion-before.png", "confusion-after.png"] {
        assert_eq!(
            png_size(&out.join(f)),
            (90 + 64 * 11 + 20, 60 + 64 * 11 + 60)
        );
    }
    for stage in ["autoencoder1", "autoencoder2", "softmax", "fine-tune"] {
        png_size(&out.join(format!("performance-{stage}.png")));
        let rec: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(out.join(format!("records/{stage}.json"))).unwrap(),
        )
        .unwrap();
        assert!(rec["epochs"].as_array().unwrap().len() >= 2, "{stage}");
        let csv = std::fs::read_to_string(out.join(format!("records/{stage}.csv"))).unwrap();
        assert!(csv.starts_with("epoch,perf,"));
    }
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    for key in [
        "accuracy_before_fine_tune",
        "accuracy_after_fine_tune",
        "train_accuracy_after_fine_tune",
    ] {
        assert!(report[key].as_f64().is_some(), "{key}");
    }
    assert_eq!(report["backend"], "flex");
    assert_eq!(report["precision"], "f32");
    assert_eq!(report["stages"].as_array().unwrap().len(), 4);
    assert_eq!(report["stages"][0]["epochs"], 40);

    // The accuracy in the report equals the one recomputed from the saved stack.
    let st = ModelFile::load(&out.join("models/stack-after.safetensors")).unwrap();
    let stack = ModelFile::load(&out.join("models/stack-after.bpk"))
        .unwrap()
        .into_stack("stack-after")
        .unwrap();
    assert_eq!(st, ModelFile::Stack(stack.clone()));
    let (_, test) = sae_data::generate(&sae_data::SyntheticOptions {
        seed: 3,
        train: 300,
        test: 200,
        ..Default::default()
    })
    .unwrap();
    let compute = Compute::new(burn::tensor::Device::flex(), Precision::F32);
    let x = compute.matrix_f32(&test.features, test.len(), test.num_features());
    let predicted = stack.classify(&compute, x).unwrap();
    let acc = 100.0 * ConfusionMatrix::new(10, &test.labels, &predicted).accuracy();
    assert!((acc - report["accuracy_after_fine_tune"].as_f64().unwrap()).abs() < 1e-9);
    // Fine-tuning helps even on this tiny problem, and the stack beats chance clearly.
    let before = report["accuracy_before_fine_tune"].as_f64().unwrap();
    assert!(acc > before && acc > 40.0, "accuracy {before} -> {acc}");
}

#[test]
fn data_generate_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    for d in [&a, &b] {
        let o = sae(&[
            "data",
            "generate",
            "--out",
            d.to_str().unwrap(),
            "--train",
            "50",
            "--test",
            "20",
            "--seed",
            "9",
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    for f in [
        "train-images-idx3-ubyte",
        "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte",
        "t10k-labels-idx1-ubyte",
    ] {
        let x = std::fs::read(a.join(f)).unwrap();
        assert_eq!(x, std::fs::read(b.join(f)).unwrap(), "{f}");
    }
    assert_eq!(
        std::fs::read(a.join("train-images-idx3-ubyte"))
            .unwrap()
            .len(),
        16 + 50 * 784
    );
    png_size(&a.join("samples.png"));
}

#[test]
fn bad_config_fails_cleanly_without_output() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (TINY.replace("sparsity_proportion = 0.15", "sparsity_proportion = 1.5"), "sparsity_proportion"),
        (TINY.replace("hidden = 16", "hidden = 0"), "hidden_size"),
        (TINY.replace("[softmax]", "[softmax]\ncolour = 3"), "colour"),
        (TINY.replace("max_epochs = 40", "max_epochs = \"many\""), "max_epochs"),
        (TINY.replace("source = \"synthetic\"", "source = \"idx\"\ntrain_images = \"/nonexistent/x\"\ntrain_labels = \"/nonexistent/y\"\ntest_images = \"/nonexistent/z\"\ntest_labels = \"/nonexistent/w\"").replace("seed = 3\ntrain = 300\ntest = 200\n", ""), "/nonexistent/x"),
    ];
    for (i, (text, needle)) in cases.iter().enumerate() {
        let cfg = dir.path().join(format!("c{i}.toml"));
        std::fs::write(&cfg, text).unwrap();
        let out = dir.path().join(format!("out{i}"));
        let o = sae(&[
            "run",
            cfg.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "case {i} accepted");
        assert!(err.contains(needle), "case {i}: {err}");
        assert!(!err.contains("panicked"), "case {i}: {err}");
        assert!(!out.exists(), "case {i} left output behind");
    }
    // A backend that is not compiled in is named with the feature that enables it.
    if !cfg!(feature = "wgpu") {
        let o = sae(&[
            "run",
            "--device",
            "wgpu",
            "--quiet",
            "--out",
            dir.path().join("w").to_str().unwrap(),
        ]);
        assert!(!o.status.success());
        assert!(String::from_utf8_lossy(&o.stderr).contains("--features wgpu"));
    }
    // f64 on wgpu is refused before any work.
    let o = sae(&[
        "run",
        "--device",
        "wgpu",
        "--precision",
        "f64",
        "--quiet",
        "--out",
        dir.path().join("w64").to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("not supported on the wgpu device"));
}

fn ok(args: &[&str]) -> String {
    let o = sae(args);
    assert!(
        o.status.success(),
        "sae {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn stage_commands_chained_through_files_match_sae_run() {
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    std::fs::write(p("tiny.toml"), TINY).unwrap();
    ok(&["run", &p("tiny.toml"), "--out", &p("run"), "--quiet"]);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(p("run/report.json")).unwrap()).unwrap();

    ok(&[
        "data",
        "generate",
        "--out",
        &p("d"),
        "--seed",
        "3",
        "--train",
        "300",
        "--test",
        "200",
    ]);
    let (tri, trl, tei, tel) = (
        p("d/train-images-idx3-ubyte"),
        p("d/train-labels-idx1-ubyte"),
        p("d/t10k-images-idx3-ubyte"),
        p("d/t10k-labels-idx1-ubyte"),
    );
    ok(&[
        "train-autoencoder",
        "--images",
        &tri,
        "--hidden",
        "16",
        "--max-epochs",
        "40",
        "--l2-weight-regularization",
        "0.004",
        "--sparsity-regularization",
        "4",
        "--sparsity-proportion",
        "0.15",
        "--no-scale-data",
        "--seed",
        "1",
        "--out",
        &p("ae1.bpk"),
        "--quiet",
    ]);
    ok(&[
        "encode",
        "--model",
        &p("ae1.bpk"),
        "--images",
        &tri,
        "--out",
        &p("f1.safetensors"),
    ]);
    ok(&[
        "train-autoencoder",
        "--features",
        &p("f1.safetensors"),
        "--hidden",
        "8",
        "--max-epochs",
        "10",
        "--seed",
        "2",
        "--out",
        &p("ae2.safetensors"),
        "--quiet",
    ]);
    ok(&[
        "encode",
        "--model",
        &p("ae2.safetensors"),
        "--features",
        &p("f1.safetensors"),
        "--out",
        &p("f2.safetensors"),
    ]);
    ok(&[
        "train-softmax",
        "--features",
        &p("f2.safetensors"),
        "--labels",
        &trl,
        "--max-epochs",
        "100",
        "--out",
        &p("soft.json"),
        "--quiet",
    ]);
    ok(&[
        "stack",
        &p("ae1.bpk"),
        &p("ae2.safetensors"),
        &p("soft.json"),
        "--max-epochs",
        "60",
        "--out",
        &p("stack.bpk"),
    ]);
    let before = ok(&[
        "evaluate",
        "--model",
        &p("stack.bpk"),
        "--images",
        &tei,
        "--labels",
        &tel,
    ]);
    ok(&[
        "fine-tune",
        "--model",
        &p("stack.bpk"),
        "--images",
        &tri,
        "--labels",
        &trl,
        "--out",
        &p("tuned.bpk"),
        "--quiet",
    ]);
    let after = ok(&[
        "evaluate",
        "--model",
        &p("tuned.bpk"),
        "--images",
        &tei,
        "--labels",
        &tel,
        "--figure",
        &p("cm.png"),
    ]);
    let want = |key: &str| format!("accuracy {:.2}%", report[key].as_f64().unwrap());
    assert!(
        before.starts_with(&want("accuracy_before_fine_tune")),
        "{before}"
    );
    assert!(
        after.starts_with(&want("accuracy_after_fine_tune")),
        "{after}"
    );
    png_size(Path::new(&p("cm.png")));

    // The stage-by-stage stack is the one `sae run` saved.
    let a = ModelFile::load(Path::new(&p("tuned.bpk"))).unwrap();
    let b = ModelFile::load(Path::new(&p("run/models/stack-after.bpk"))).unwrap();
    assert_eq!(a, b);

    let view = ok(&["view", &p("tuned.bpk"), "--svg", &p("net.svg")]);
    assert!(
        view.contains("784 -> 16") && view.contains("softmax"),
        "{view}"
    );
    assert!(
        std::fs::read_to_string(p("net.svg"))
            .unwrap()
            .contains("Softmax layer")
    );

    // predict on two of the test images written as PNG files.
    let (_, test) = sae_data::generate(&sae_data::SyntheticOptions {
        seed: 3,
        train: 300,
        test: 200,
        ..Default::default()
    })
    .unwrap();
    for i in 0..2 {
        let px: Vec<u8> = test
            .sample(i)
            .iter()
            .map(|v| (v * 255.0).round() as u8)
            .collect();
        image::GrayImage::from_raw(28, 28, px)
            .unwrap()
            .save(p(&format!("img{i}.png")))
            .unwrap();
    }
    let out = ok(&["predict", &p("tuned.bpk"), &p("img0.png"), &p("img1.png")]);
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(out.contains("img0.png: class "), "{out}");
}

#[test]
fn repeated_runs_report_mean_sd_min_max() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("tiny.toml");
    std::fs::write(&cfg, TINY.replace("max_epochs = 40", "max_epochs = 10")).unwrap();
    let out = dir.path().join("rep");
    let o = sae(&[
        "run",
        cfg.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
        "--runs",
        "3",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["seeds"], serde_json::json!([1, 2, 3]));
    let mut values = Vec::new();
    for seed in 1..=3 {
        let r: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(out.join(format!("seed-{seed}/report.json"))).unwrap(),
        )
        .unwrap();
        values.push(r["accuracy_after_fine_tune"].as_f64().unwrap());
    }
    let s = &summary["accuracy_after_fine_tune"];
    let mean = values.iter().sum::<f64>() / 3.0;
    let sd = (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / 2.0).sqrt();
    assert!((s["mean"].as_f64().unwrap() - mean).abs() < 1e-9);
    assert!((s["sd"].as_f64().unwrap() - sd).abs() < 1e-9);
    assert_eq!(
        s["min"].as_f64().unwrap(),
        values.iter().cloned().fold(f64::INFINITY, f64::min)
    );
    assert_eq!(
        s["max"].as_f64().unwrap(),
        values.iter().cloned().fold(f64::NEG_INFINITY, f64::max)
    );
    // Different seeds give different initialisations.
    let a = std::fs::read(out.join("seed-1/models/autoencoder1.bpk")).unwrap();
    let b = std::fs::read(out.join("seed-2/models/autoencoder1.bpk")).unwrap();
    assert_ne!(a, b);
    assert!(String::from_utf8_lossy(&o.stdout).contains("± "));
}

/// `sae run --device D --precision P` on the tiny config against the same on flex; returns
/// (before, after) test accuracies of flex and of D.
#[cfg(any(feature = "ndarray", feature = "wgpu"))]
fn accuracies_on(device: &str, precision: &str) -> [(f64, f64); 2] {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("tiny.toml");
    std::fs::write(&cfg, TINY).unwrap();
    let mut acc = Vec::new();
    for d in ["flex", device] {
        let out = dir.path().join(d);
        let o = sae(&[
            "run",
            cfg.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--quiet",
            "--device",
            d,
            "--precision",
            precision,
        ]);
        assert!(
            o.status.success(),
            "{d}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let r: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap())
                .unwrap();
        assert_eq!(r["backend"], d);
        acc.push((
            r["accuracy_before_fine_tune"].as_f64().unwrap(),
            r["accuracy_after_fine_tune"].as_f64().unwrap(),
        ));
    }
    [acc[0], acc[1]]
}

/// In f64 the pretraining SCG paths on ndarray follow flex's (the same accuracy before
/// fine-tuning); the long fine-tuning of this tiny problem amplifies ndarray's ~1e-8
/// differences into a few test samples (measured: flex 15.5 → 37.0, ndarray 15.5 → 39.0).
#[cfg(feature = "ndarray")]
#[test]
fn run_on_ndarray_matches_flex() {
    let [flex, nd] = accuracies_on("ndarray", "f64");
    assert!(
        (flex.0 - nd.0).abs() <= 0.5 && (flex.1 - nd.1).abs() <= 3.0,
        "flex {flex:?} vs ndarray {nd:?}"
    );
}

/// wgpu has only f32, where SCG paths on different kernels part after the first epochs
/// (its second-order probe sits at f32 rounding level), so on this tiny, under-trained
/// problem the accuracies after fine-tuning agree only within a few points.
#[cfg(feature = "wgpu")]
#[test]
fn run_on_wgpu_matches_flex() {
    let [flex, gpu] = accuracies_on("wgpu", "f32");
    assert!(
        (flex.1 - gpu.1).abs() <= 6.0 && gpu.1 > 30.0,
        "flex {flex:?} vs wgpu {gpu:?}"
    );
}
