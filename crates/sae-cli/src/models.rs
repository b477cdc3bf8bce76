//! Saving models into a run folder (atomically), in Burn's burnpack format and as
//! safetensors (readable by numpy and PyTorch).

use std::path::Path;

use anyhow::Context;
pub use sae_core::model_file::{ModelFile, ModelFormat};

use crate::output;

/// The formats every run writes.
pub const RUN_FORMATS: [ModelFormat; 2] = [ModelFormat::Burnpack, ModelFormat::Safetensors];

/// Writes `dir/<name>.bpk` and `dir/<name>.safetensors`.
pub fn save_all(dir: &Path, name: &str, model: &ModelFile) -> anyhow::Result<()> {
    for f in RUN_FORMATS {
        save(&dir.join(format!("{name}.{}", f.extension())), model)?;
    }
    Ok(())
}

/// Writes one model file atomically, in the format its extension names.
pub fn save(path: &Path, model: &ModelFile) -> anyhow::Result<()> {
    let format = ModelFormat::from_path(path)?;
    let bytes = model
        .to_bytes(format)
        .with_context(|| format!("serialising {}", path.display()))?;
    output::write_file(path, &bytes)
}

/// Reads a model file, with the path in errors.
pub fn load(path: &Path) -> anyhow::Result<ModelFile> {
    Ok(ModelFile::load(path)?)
}

/// Fails early (before training) when `path` has no known model extension or its folder
/// does not exist.
pub fn check_writable(path: &Path) -> anyhow::Result<()> {
    ModelFormat::from_path(path)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && !dir.is_dir()
    {
        anyhow::bail!(
            "{}: the output folder {} does not exist",
            path.display(),
            dir.display()
        );
    }
    Ok(())
}
