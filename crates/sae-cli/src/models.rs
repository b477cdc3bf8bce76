//! Saving models into a run folder (atomically).

use std::path::Path;

pub use sae_core::model_file::ModelFile;

use crate::output;

/// Writes a model file atomically.
pub fn save(path: &Path, model: &ModelFile) -> anyhow::Result<()> {
    output::write_file(path, model.to_json().as_bytes())
}
