//! Data for the stacked-autoencoder workflow: a deterministic synthetic digit set (MATLAB's
//! digitTrain/TestCellArrayData stand-in), IDX files (MNIST format) and folders of images.

pub mod dataset;
pub mod error;
pub mod folder;
pub mod fonts;
pub mod idx;
pub mod synthetic;

pub use dataset::{Dataset, numbered_classes};
pub use error::{DataError, Result};
pub use synthetic::{SyntheticOptions, generate};
