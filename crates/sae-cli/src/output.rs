//! Writing output files: always to a temporary name in the same folder, then renamed, so an
//! interrupted or failed run never leaves a half-written file behind.

use std::path::Path;

use anyhow::Context;

/// Writes `bytes` to `path` atomically.
pub fn write_file(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    sae_data::idx::write_atomic(path, bytes, false)
        .with_context(|| format!("writing {}", path.display()))
}

/// Creates `dir` (and parents), with an error naming it.
pub fn create_dir(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create output folder {}", dir.display()))
}
