//! Figures for the stacked-autoencoder workflow, drawn from plain arrays (no file paths):
//! sample grids, weight galleries (plotWeights), confusion matrices (plotconfusion),
//! training curves and network diagrams (view).

pub mod canvas;
pub mod charts;
pub mod images;

pub use canvas::Canvas;
pub use charts::{DiagramLayer, confusion_matrix, network_svg, performance_curve};
pub use images::{sample_grid, weight_gallery};
