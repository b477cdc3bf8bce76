//! The bad-input table: the `sae` binary on many kinds of broken input. For each: a non-zero
//! exit, a message naming the file or key and the problem, no panic or backtrace, and no
//! output left behind.

use std::path::{Path, PathBuf};
use std::process::Command;

use sae_data::idx::{encode_images, encode_labels};

fn sae(args: &[String]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sae"))
        .args(args)
        .output()
        .expect("sae runs")
}

struct Case {
    name: &'static str,
    args: Vec<String>,
    /// Every one of these must appear in the error message.
    expect: Vec<String>,
    /// Must not exist afterwards.
    output: PathBuf,
}

fn s(p: &Path) -> String {
    p.to_str().unwrap().to_string()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn idx_config(
    dir: &Path,
    name: &str,
    train_images: &Path,
    train_labels: &Path,
    test_images: &Path,
    test_labels: &Path,
) -> PathBuf {
    let text = format!(
        "[data]\nsource = \"idx\"\ntrain_images = {:?}\ntrain_labels = {:?}\ntest_images = {:?}\ntest_labels = {:?}\n\
         [[autoencoder]]\nhidden = 4\nmax_epochs = 2\n[softmax]\nmax_epochs = 2\n",
        s(train_images),
        s(train_labels),
        s(test_images),
        s(test_labels)
    );
    write(dir, name, text.as_bytes())
}

fn features_file(dir: &Path, name: &str, values: &[f32], n: usize, d: usize) -> PathBuf {
    let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    let view =
        safetensors::tensor::TensorView::new(safetensors::Dtype::F32, vec![n, d], &bytes).unwrap();
    write(
        dir,
        name,
        &safetensors::serialize([("features", view)], None).unwrap(),
    )
}

fn png(path: &Path, w: u32, h: u32) {
    image::GrayImage::from_pixel(w, h, image::Luma([200]))
        .save(path)
        .unwrap();
}

#[test]
fn every_bad_input_fails_cleanly() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let run_out = d.join("run-out");

    // Good tiny IDX files (20 images of 4x4) and variants.
    let n = 20;
    let px: Vec<u8> = (0..n * 16).map(|i| (i * 37 % 256) as u8).collect();
    let labels: Vec<u8> = (0..n).map(|i| (i % 10) as u8).collect();
    let img = encode_images(&px, n, 4, 4);
    let lab = encode_labels(&labels);
    let gi = write(d, "good-images", &img);
    let gl = write(d, "good-labels", &lab);
    let mut variants: Vec<(&str, Vec<u8>, &str)> = Vec::new();
    let mut m = img.clone();
    m[0] = 1;
    variants.push(("wrong magic", m, "magic number"));
    let mut m = img.clone();
    m[2] = 0x0b;
    variants.push(("wrong type byte", m, "type byte"));
    variants.push(("truncated header", img[..10].to_vec(), "truncated header"));
    variants.push(("truncated data", img[..img.len() - 5].to_vec(), "truncated"));
    let mut m = img.clone();
    m.extend_from_slice(b"junk");
    variants.push(("trailing garbage", m, "trailing garbage"));
    variants.push((
        "zero images",
        encode_images(&[], 0, 4, 4),
        "contains no images",
    ));
    let mut gz = Vec::new();
    {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(&mut gz, flate2::Compression::default());
        e.write_all(&img).unwrap();
        e.finish().unwrap();
    }
    let k = gz.len();
    gz[k / 2] ^= 0xff;
    gz[k / 2 + 1] ^= 0xff;
    gz.truncate(k - 4);
    variants.push(("corrupt gzip", gz, "bad-corrupt gzip"));

    let mut cases: Vec<Case> = Vec::new();
    for (name, bytes, msg) in variants {
        let file = format!("bad-{}", name.replace(' ', "-"));
        let p = write(d, &file, &bytes);
        let cfg = idx_config(d, &format!("{file}.toml"), &p, &gl, &gi, &gl);
        let mut expect = vec![s(&p)];
        if !msg.starts_with("bad-") {
            expect.push(msg.to_string());
        }
        cases.push(Case {
            name,
            args: vec![
                "run".into(),
                s(&cfg),
                "--out".into(),
                s(&run_out),
                "--quiet".into(),
            ],
            expect,
            output: run_out.clone(),
        });
    }
    let idx_case = |name: &'static str, cfg: PathBuf, expect: Vec<String>| Case {
        name,
        args: vec![
            "run".into(),
            s(&cfg),
            "--out".into(),
            s(&run_out),
            "--quiet".into(),
        ],
        expect,
        output: run_out.clone(),
    };
    let small = write(
        d,
        "small-images",
        &encode_images(&vec![1u8; n * 9], n, 3, 3),
    );
    cases.push(idx_case(
        "dims differ between sets",
        idx_config(d, "dims.toml", &gi, &gl, &small, &gl),
        vec!["4x4".into(), "3x3".into()],
    ));
    let big = write(d, "labels-big", &encode_labels(&[3, 12].repeat(n / 2)));
    cases.push(idx_case(
        "label out of range",
        idx_config(d, "range.toml", &gi, &big, &gi, &gl),
        vec![s(&big), "out of range".into()],
    ));
    let short = write(d, "labels-short", &encode_labels(&labels[..7]));
    cases.push(idx_case(
        "label count",
        idx_config(d, "count.toml", &gi, &short, &gi, &gl),
        vec![s(&short), "label count 7".into()],
    ));

    // Image folders.
    let folder_case = |name: &'static str, root: &Path, expect: Vec<String>| {
        let cfg = write(
            d,
            &format!("{}.toml", name.replace(' ', "-")),
            format!("[data]\nsource = \"folder\"\ntrain = {:?}\ntest = {:?}\n[[autoencoder]]\nhidden = 2\nmax_epochs = 1\n", s(root), s(root)).as_bytes(),
        );
        idx_case(name, cfg, expect)
    };
    let empty = d.join("empty-folder");
    std::fs::create_dir_all(&empty).unwrap();
    cases.push(folder_case(
        "empty folder",
        &empty,
        vec![s(&empty), "no class subfolders".into()],
    ));
    let junk = d.join("junk-folder");
    std::fs::create_dir_all(junk.join("0")).unwrap();
    png(&junk.join("0/a.png"), 4, 4);
    std::fs::write(junk.join("0/b.png"), b"not a png at all").unwrap();
    cases.push(folder_case(
        "unreadable image",
        &junk,
        vec!["b.png".into(), "cannot decode image".into()],
    ));
    let mixed = d.join("mixed-folder");
    std::fs::create_dir_all(mixed.join("1")).unwrap();
    png(&mixed.join("1/a.png"), 4, 4);
    png(&mixed.join("1/b.png"), 5, 4);
    cases.push(folder_case(
        "mixed sizes",
        &mixed,
        vec!["b.png".into(), "expected 4x4".into()],
    ));

    // Configs.
    let base = "[data]\nsource = \"synthetic\"\ntrain = 20\ntest = 20\n[[autoencoder]]\nhidden = 4\nmax_epochs = 2\n";
    for (name, extra, key) in [
        ("unknown key", "shape = 3\n", "shape"),
        (
            "wrong type",
            "l2_weight_regularization = \"a lot\"\n",
            "l2_weight_regularization",
        ),
        (
            "sparsity proportion 1.5",
            "sparsity_proportion = 1.5\n",
            "sparsity_proportion",
        ),
        (
            "negative L2",
            "l2_weight_regularization = -0.1\n",
            "l2_weight_regularization",
        ),
        ("max epochs 0", "max_epochs = 0\n", "max_epochs"),
    ] {
        let text = base.replace("max_epochs = 2\n", "")
            + extra
            + if name == "max epochs 0" {
                ""
            } else {
                "max_epochs = 2\n"
            };
        let cfg = write(
            d,
            &format!("{}.toml", name.replace(' ', "-")),
            text.as_bytes(),
        );
        cases.push(idx_case(name, cfg, vec![key.into()]));
    }
    let cfg = write(
        d,
        "hidden0.toml",
        base.replace("hidden = 4", "hidden = 0").as_bytes(),
    );
    cases.push(idx_case(
        "hidden size 0",
        cfg,
        vec!["hidden_size".into(), "positive".into()],
    ));
    let missing = d.join("no-such-file");
    cases.push(idx_case(
        "missing data file",
        idx_config(d, "missing.toml", &missing, &gl, &gi, &gl),
        vec![s(&missing)],
    ));
    cases.push(idx_case(
        "missing config",
        d.join("absent.toml"),
        vec!["absent.toml".into()],
    ));

    // Models: train a tiny autoencoder and softmax layer to break.
    let feats = features_file(
        d,
        "feats.safetensors",
        &(0..n * 6).map(|i| (i % 7) as f32 / 7.0).collect::<Vec<_>>(),
        n,
        6,
    );
    let ae = d.join("ae.bpk");
    let ok = sae(&[
        "train-autoencoder",
        "--features",
        &s(&feats),
        "--hidden",
        "3",
        "--max-epochs",
        "2",
        "--out",
        &s(&ae),
        "--quiet",
    ]
    .map(String::from));
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let soft = d.join("soft.bpk");
    let ok = sae(&[
        "train-softmax",
        "--features",
        &s(&feats),
        "--labels",
        &s(&gl),
        "--max-epochs",
        "2",
        "--out",
        &s(&soft),
        "--quiet",
    ]
    .map(String::from));
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let good = std::fs::read(&ae).unwrap();
    let trunc = write(d, "trunc.bpk", &good[..good.len() / 2]);
    let garbage = write(d, "garbage.bpk", b"\x00\x01garbage garbage garbage");
    let encode_out = d.join("encoded.safetensors");
    for (name, model, msg) in [
        ("truncated model", &trunc, "trunc.bpk"),
        ("corrupt model", &garbage, "garbage.bpk"),
    ] {
        cases.push(Case {
            name,
            args: [
                "encode",
                "--model",
                &s(model),
                "--features",
                &s(&feats),
                "--out",
                &s(&encode_out),
            ]
            .map(String::from)
            .to_vec(),
            expect: vec![msg.into()],
            output: encode_out.clone(),
        });
    }
    let tuned = d.join("tuned.bpk");
    cases.push(Case {
        name: "model of another kind",
        args: [
            "fine-tune",
            "--model",
            &s(&ae),
            "--features",
            &s(&feats),
            "--labels",
            &s(&gl),
            "--out",
            &s(&tuned),
        ]
        .map(String::from)
        .to_vec(),
        expect: vec![s(&ae), "expected a stacked network".into()],
        output: tuned.clone(),
    });
    let stacked = d.join("stack.bpk");
    cases.push(Case {
        name: "stack sizes do not chain",
        args: ["stack", &s(&ae), &s(&ae), &s(&soft), "--out", &s(&stacked)]
            .map(String::from)
            .to_vec(),
        expect: vec!["cannot stack".into(), "3 hidden units".into()],
        output: stacked.clone(),
    });
    // NaN and Inf in data.
    for (name, v) in [("NaN in data", f32::NAN), ("Inf in data", f32::INFINITY)] {
        let mut vals = vec![0.5f32; n * 6];
        vals[13] = v;
        let f = features_file(
            d,
            &format!("{}.safetensors", name.replace(' ', "-")),
            &vals,
            n,
            6,
        );
        let out = d.join(format!("{}.bpk", name.replace(' ', "-")));
        cases.push(Case {
            name,
            args: ["train-autoencoder", "--features", &s(&f), "--out", &s(&out)]
                .map(String::from)
                .to_vec(),
            expect: vec!["not finite".into(), "sample 2".into()],
            output: out,
        });
    }
    // Output locations that cannot be written.
    let blocker = write(d, "a-file", b"x");
    cases.push(Case {
        name: "output folder under a file",
        args: vec![
            "run".into(),
            s(&write(d, "ok.toml", base.as_bytes())),
            "--out".into(),
            s(&blocker.join("run")),
            "--quiet".into(),
        ],
        expect: vec!["cannot create output folder".into(), "a-file".into()],
        output: blocker.join("run"),
    });
    let nowhere = d.join("no-dir").join("ae.bpk");
    cases.push(Case {
        name: "model output folder missing",
        args: [
            "train-autoencoder",
            "--features",
            &s(&feats),
            "--out",
            &s(&nowhere),
        ]
        .map(String::from)
        .to_vec(),
        expect: vec!["does not exist".into()],
        output: nowhere.clone(),
    });
    let onnx = d.join("ae.onnx");
    cases.push(Case {
        name: "unknown model extension",
        args: [
            "train-autoencoder",
            "--features",
            &s(&feats),
            "--out",
            &s(&onnx),
        ]
        .map(String::from)
        .to_vec(),
        expect: vec!["extension".into()],
        output: onnx.clone(),
    });

    assert!(cases.len() >= 25, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for c in &cases {
        let o = sae(&c.args);
        let err = String::from_utf8_lossy(&o.stderr);
        let mut problems = Vec::new();
        if o.status.success() {
            problems.push("exit status 0".to_string());
        }
        for e in &c.expect {
            if !err.contains(e.as_str()) {
                problems.push(format!("message lacks {e:?}"));
            }
        }
        if err.contains("panicked") || err.contains("RUST_BACKTRACE") {
            problems.push("panicked".into());
        }
        if c.output.exists() {
            problems.push(format!("left {} behind", c.output.display()));
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{}: {} | stderr: {}",
                c.name,
                problems.join(", "),
                err.trim()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn diverging_training_stops_naming_stage_and_epoch_and_keeps_the_best_model() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    // Values near f32's limit: the squared error overflows to infinity at once.
    let vals: Vec<f32> = (0..40 * 5)
        .map(|i| if i % 3 == 0 { 3e38 } else { -3e38 })
        .collect();
    let f = features_file(d, "huge.safetensors", &vals, 40, 5);
    let out = d.join("ae.bpk");
    let o = sae(&[
        "train-autoencoder",
        "--features",
        &s(&f),
        "--hidden",
        "2",
        "--decoder",
        "purelin",
        "--no-scale-data",
        "--max-epochs",
        "5",
        "--out",
        &s(&out),
        "--quiet",
    ]
    .map(String::from));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(
        err.contains("autoencoder: training stopped at epoch 0") && err.contains("NaN or infinite"),
        "{err}"
    );
    assert!(err.contains(&s(&out)), "{err}");
    // The best model so far (the initial one) was kept and loads.
    assert!(
        sae_core::model_file::ModelFile::load(&out)
            .unwrap()
            .into_autoencoder("ae")
            .is_ok()
    );
}
