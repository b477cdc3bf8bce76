//! Errors of the data layer: every variant names the file (or folder) and the problem.

use std::path::PathBuf;

/// Everything that can go wrong while generating, reading or writing data.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error("{path}: cannot read: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: cannot write: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: corrupt gzip stream: {source}")]
    Gzip {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: not an IDX file: {problem}")]
    BadHeader { path: PathBuf, problem: String },
    #[error("{path}: IDX data type byte is 0x{found:02x}, only 0x08 (unsigned byte) is supported")]
    UnsupportedType { path: PathBuf, found: u8 },
    #[error(
        "{path}: expected an IDX {expected} file ({expected_dims} dimensions), found {found_dims} dimensions"
    )]
    WrongKind {
        path: PathBuf,
        expected: &'static str,
        expected_dims: u8,
        found_dims: u8,
    },
    #[error("{path}: truncated: the header promises {expected} data bytes, the file has {found}")]
    Truncated {
        path: PathBuf,
        expected: u64,
        found: u64,
    },
    #[error(
        "{path}: trailing garbage: {extra} bytes after the {expected} data bytes the header promises"
    )]
    TrailingBytes {
        path: PathBuf,
        expected: u64,
        extra: u64,
    },
    #[error("{path}: contains no images")]
    Empty { path: PathBuf },
    #[error("{path}: label count {labels} does not match image count {images}")]
    CountMismatch {
        path: PathBuf,
        labels: usize,
        images: usize,
    },
    #[error("{path}: label {label} at index {index} is out of range (expected 0..{classes})")]
    LabelOutOfRange {
        path: PathBuf,
        index: usize,
        label: usize,
        classes: usize,
    },
    #[error("{path}: images are {found_h}x{found_w}, expected {expected_h}x{expected_w}")]
    SizeMismatch {
        path: PathBuf,
        expected_h: usize,
        expected_w: usize,
        found_h: usize,
        found_w: usize,
    },
    #[error("{path}: cannot decode image: {problem}")]
    BadImage { path: PathBuf, problem: String },
    #[error("{path}: {problem}")]
    BadFolder { path: PathBuf, problem: String },
    #[error("{what}: value {value} at sample {sample}, feature {feature} is not finite")]
    NotFinite {
        what: String,
        sample: usize,
        feature: usize,
        value: f32,
    },
    #[error("invalid generator option: {0}")]
    BadOption(String),
    #[error("font {name}: {problem}")]
    Font { name: String, problem: String },
}

/// Result alias for the data layer.
pub type Result<T> = std::result::Result<T, DataError>;
