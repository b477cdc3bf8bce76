//! Interrupted runs resume: `sae run` is killed (SIGKILL) in the middle of the first
//! autoencoder and in the middle of fine-tuning, `sae run --resume DIR` continues, and the
//! final stack and test accuracy equal those of an uninterrupted run with the same seed.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CONFIG: &str = r#"
seed = 5
[data]
source = "synthetic"
seed = 2
train = 1000
test = 300
[[autoencoder]]
hidden = 32
max_epochs = 200
l2_weight_regularization = 0.004
sparsity_regularization = 4
sparsity_proportion = 0.15
scale_data = false
[[autoencoder]]
hidden = 16
max_epochs = 40
scale_data = false
[softmax]
max_epochs = 100
[fine_tune]
max_epochs = 200
"#;

fn sae() -> Command {
    Command::new(env!("CARGO_BIN_EXE_sae"))
}

fn run_to_end(args: &[&str]) {
    let o = sae().args(args).output().unwrap();
    assert!(
        o.status.success(),
        "sae {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn accuracy(dir: &Path) -> f64 {
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap();
    r["accuracy_after_fine_tune"].as_f64().unwrap()
}

/// Starts a run and kills it with SIGKILL as soon as `stage` has written a checkpoint.
fn kill_during(cfg: &Path, out: &Path, stage: &str) {
    let mut child = sae()
        .args([
            "run",
            cfg.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--quiet",
            "--checkpoint-every",
            "5",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let checkpoint = out.join("checkpoints").join(format!("{stage}.json"));
    let start = Instant::now();
    while !checkpoint.exists() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before {stage} wrote a checkpoint"
        );
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "no checkpoint of {stage}"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(
        !out.join("records").join(format!("{stage}.json")).exists(),
        "{stage} had already finished: the kill came too late to test resuming"
    );
}

#[test]
fn killed_runs_resume_to_the_same_result() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = tmp.path().join("resume.toml");
    std::fs::write(&cfg, CONFIG).unwrap();
    let whole = tmp.path().join("whole");
    run_to_end(&[
        "run",
        cfg.to_str().unwrap(),
        "--out",
        whole.to_str().unwrap(),
        "--quiet",
    ]);
    let want_model = std::fs::read(whole.join("models/stack-after.bpk")).unwrap();

    for stage in ["autoencoder1", "fine-tune"] {
        let out = tmp.path().join(format!("killed-{stage}"));
        kill_during(&cfg, &out, stage);
        run_to_end(&["run", "--resume", out.to_str().unwrap(), "--quiet"]);
        assert_eq!(
            accuracy(&out),
            accuracy(&whole),
            "after a kill during {stage}"
        );
        let got = std::fs::read(out.join("models/stack-after.bpk")).unwrap();
        assert!(
            got == want_model,
            "after a kill during {stage}: the final stack differs"
        );
        let rec: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(out.join(format!("records/{stage}.json"))).unwrap(),
        )
        .unwrap();
        let whole_rec: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(whole.join(format!("records/{stage}.json"))).unwrap(),
        )
        .unwrap();
        assert_eq!(
            rec["epochs"].as_array().unwrap().len(),
            whole_rec["epochs"].as_array().unwrap().len()
        );
        assert_eq!(rec["best_perf"], whole_rec["best_perf"]);
    }
}

#[test]
fn resume_needs_a_run_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let o = sae()
        .args(["run", "--resume", tmp.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a run folder"));
}
