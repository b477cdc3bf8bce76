//! Stacked sparse autoencoders on Burn, exactly as MATLAB's Deep Learning Toolbox trains
//! them: msesparse autoencoders, a softmax layer, `stack`, fine-tuning, and trainscg
//! (scaled conjugate gradient), plus L-BFGS and minibatch Adam.

pub mod autoencoder;
pub mod backend;
pub mod compute;
pub mod error;
pub mod fused;
pub mod layer;
pub mod loss;
pub mod metrics;
pub mod model_file;
pub mod objective;
pub mod optim;
pub mod record;
pub mod scaling;
pub mod softmax;
pub mod stack;
pub mod train;
pub mod transfer;

pub use autoencoder::{Autoencoder, AutoencoderOptions, train_autoencoder};
pub use backend::BackendKind;
pub use compute::{Compute, Precision};
pub use error::{CoreError, Result};
pub use layer::Dense;
pub use loss::{Loss, SparseCost};
pub use metrics::ConfusionMatrix;
pub use record::{StopReason, TrainingRecord};
pub use softmax::{SoftmaxLayer, SoftmaxOptions, train_softmax_layer};
pub use stack::{StackedNetwork, fine_tune, stack};
pub use transfer::Transfer;
