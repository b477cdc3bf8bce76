//! Shared by the stage examples: the data, the device, and the folder they pass models through.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use sae_core::model_file::{ModelFile, ModelFormat};
use sae_core::{Compute, Precision};
use sae_data::{Dataset, SyntheticOptions};

/// Where the examples write their models and figures.
pub fn out_dir() -> PathBuf {
    let d = Path::new("runs").join("examples");
    std::fs::create_dir_all(&d).expect("create runs/examples");
    d
}

/// The MATLAB example's data: 5000 training and 5000 test digits (seed 0).
pub fn digits() -> (Dataset, Dataset) {
    sae_data::generate(&SyntheticOptions::default()).expect("synthetic digits")
}

/// The default CPU device in f32.
pub fn compute() -> Compute {
    Compute::new(burn::tensor::Device::flex(), Precision::F32)
}

pub fn save(name: &str, model: ModelFile) {
    let path = out_dir().join(format!("{name}.bpk"));
    std::fs::write(
        &path,
        model.to_bytes(ModelFormat::Burnpack).expect("serialise"),
    )
    .expect("write model");
    println!("saved {}", path.display());
}

/// Loads a model an earlier example saved, or explains which example to run first.
pub fn load(name: &str, example: &str) -> ModelFile {
    let path = out_dir().join(format!("{name}.bpk"));
    ModelFile::load(&path).unwrap_or_else(|e| {
        eprintln!("{e}\nrun `cargo run --release --example {example}` first");
        std::process::exit(1)
    })
}

/// Prints each epoch now and then.
pub fn progress(name: &'static str) -> impl FnMut(&sae_core::record::EpochRecord) {
    move |e| {
        if e.epoch % 50 == 0 {
            println!("{name}: epoch {} perf {:.5e}", e.epoch, e.perf);
        }
    }
}
