//! Errors of the model and training layer.

/// Everything that can go wrong in sae-core; each message names the option, layer or file.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error("invalid option {name} = {value}: {expected}")]
    InvalidOption {
        name: &'static str,
        value: String,
        expected: &'static str,
    },
    #[error("shape mismatch: {0}")]
    Shape(String),
    #[error("cannot stack: {0}")]
    Stack(String),
    #[error("{stage}: training diverged at epoch {epoch}: {what} is not finite")]
    NonFinite {
        stage: String,
        epoch: usize,
        what: String,
    },
    #[error("backend '{name}' is not available: {reason}")]
    Backend { name: String, reason: String },
    #[error("{path}: {problem}")]
    ModelFile { path: String, problem: String },
    #[error("cannot save a checkpoint: {0}")]
    Checkpoint(String),
    #[error("cannot read tensor data from the device: {0}")]
    Read(String),
}

/// Result alias for sae-core.
pub type Result<T> = std::result::Result<T, CoreError>;

/// Checks a condition on an option value, producing [`CoreError::InvalidOption`].
pub(crate) fn ensure_option(
    ok: bool,
    name: &'static str,
    value: impl std::fmt::Display,
    expected: &'static str,
) -> Result<()> {
    if ok {
        Ok(())
    } else {
        Err(CoreError::InvalidOption {
            name,
            value: value.to_string(),
            expected,
        })
    }
}
