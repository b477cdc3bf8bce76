//! trainAutoencoder: a sparse autoencoder with MATLAB's options, defaults and cost
//! (matlab-reference.md §2).

use burn::tensor::Tensor;

use crate::compute::Compute;
use crate::error::{Result, ensure_option};
use crate::layer::{Dense, seeded_rng};
use crate::loss::{Loss, SparseCost};
use crate::optim::{Optimizer, Progress, Scg};
use crate::record::TrainingRecord;
use crate::scaling::MinMax;
use crate::train::{ResumableScgOptimizer, ScgControl, train_layers};
use crate::transfer::Transfer;

/// trainAutoencoder's options; `Default` gives MATLAB's defaults.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AutoencoderOptions {
    /// hiddenSize (default 10).
    pub hidden_size: usize,
    /// EncoderTransferFunction: logsig (default) or satlin.
    pub encoder: Transfer,
    /// DecoderTransferFunction: logsig (default), satlin or purelin.
    pub decoder: Transfer,
    /// MaxEpochs (default 1000).
    pub max_epochs: usize,
    /// L2WeightRegularization, SparsityRegularization, SparsityProportion
    /// (defaults 0.001, 1, 0.05).
    pub cost: SparseCost,
    /// ScaleData (default true).
    pub scale_data: bool,
    /// Seed of the "randsmall" initialisation.
    pub seed: u64,
}

impl Default for AutoencoderOptions {
    fn default() -> Self {
        Self {
            hidden_size: 10,
            encoder: Transfer::Logsig,
            decoder: Transfer::Logsig,
            max_epochs: 1000,
            cost: SparseCost {
                l2_weight_regularization: 0.001,
                sparsity_regularization: 1.0,
                sparsity_proportion: 0.05,
            },
            scale_data: true,
            seed: 0,
        }
    }
}

impl AutoencoderOptions {
    /// Validates every option once, before training.
    pub fn check(&self) -> Result<()> {
        ensure_option(
            self.hidden_size > 0,
            "hidden_size",
            self.hidden_size,
            "a positive integer",
        )?;
        ensure_option(
            matches!(self.encoder, Transfer::Logsig | Transfer::Satlin),
            "encoder",
            self.encoder.name(),
            "logsig or satlin",
        )?;
        ensure_option(
            matches!(
                self.decoder,
                Transfer::Logsig | Transfer::Satlin | Transfer::Purelin
            ),
            "decoder",
            self.decoder.name(),
            "logsig, satlin or purelin",
        )?;
        ensure_option(
            self.max_epochs > 0,
            "max_epochs",
            self.max_epochs,
            "a positive integer",
        )?;
        self.cost.check()
    }
}

/// A trained autoencoder: h = f_enc(x·W1 + b1), x̂ = f_dec(h·W2 + b2), with the input
/// mapping of ScaleData when enabled.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Autoencoder {
    pub options: AutoencoderOptions,
    pub encoder: Dense,
    pub decoder: Dense,
    pub scaling: Option<MinMax>,
}

impl Autoencoder {
    /// Number of inputs (and of reconstructed outputs).
    pub fn input_size(&self) -> usize {
        self.encoder.inputs
    }

    pub fn hidden_size(&self) -> usize {
        self.encoder.outputs
    }

    /// encode: features h for inputs x (N×D → N×hidden).
    pub fn encode(&self, compute: &Compute, x: Tensor<2>) -> Tensor<2> {
        let x = match &self.scaling {
            Some(s) => s.apply(compute, x),
            None => x,
        };
        self.encoder.forward(compute, x)
    }

    /// decode: reconstructions from features (N×hidden → N×D), mapped back to the data
    /// range when ScaleData was used.
    pub fn decode(&self, compute: &Compute, h: Tensor<2>) -> Tensor<2> {
        let y = self.decoder.forward(compute, h);
        match &self.scaling {
            Some(s) => s.reverse(compute, y),
            None => y,
        }
    }

    /// predict: decode(encode(x)).
    pub fn reconstruct(&self, compute: &Compute, x: Tensor<2>) -> Tensor<2> {
        self.decode(compute, self.encode(compute, x))
    }

    /// The layers with freshly initialised "randsmall" weights and biases.
    pub fn initial_layers(options: &AutoencoderOptions, inputs: usize) -> [Dense; 2] {
        let mut rng = seeded_rng(options.seed, 0);
        let encoder = Dense::random_small(inputs, options.hidden_size, options.encoder, &mut rng);
        let decoder = Dense::random_small(options.hidden_size, inputs, options.decoder, &mut rng);
        [encoder, decoder]
    }
}

/// trainAutoencoder(x, hiddenSize, …) with MATLAB's trainscg for `max_epochs` epochs.
pub fn train_autoencoder(
    compute: &Compute,
    x: Tensor<2>,
    options: &AutoencoderOptions,
    progress: Progress,
) -> Result<(Autoencoder, TrainingRecord)> {
    train_autoencoder_resumable(compute, x, options, ScgControl::default(), progress)
}

/// [`train_autoencoder`] from a checkpoint and/or writing checkpoints.
pub fn train_autoencoder_resumable(
    compute: &Compute,
    x: Tensor<2>,
    options: &AutoencoderOptions,
    control: ScgControl,
    progress: Progress,
) -> Result<(Autoencoder, TrainingRecord)> {
    let scg = Scg::with_epochs(options.max_epochs);
    let resumable = ResumableScgOptimizer::new(scg, control);
    train_autoencoder_with(compute, x, options, &resumable, progress)
}

/// Like [`train_autoencoder`] with another optimiser.
pub fn train_autoencoder_with(
    compute: &Compute,
    x: Tensor<2>,
    options: &AutoencoderOptions,
    optimizer: &dyn Optimizer,
    progress: Progress,
) -> Result<(Autoencoder, TrainingRecord)> {
    options.check()?;
    let scaling = if options.scale_data {
        Some(MinMax::fit(&x, options.decoder.output_range())?)
    } else {
        None
    };
    let x = match &scaling {
        Some(s) => s.apply(compute, x),
        None => x,
    };
    let layers = Autoencoder::initial_layers(options, x.dims()[1]);
    let loss = Loss::MseSparse(options.cost);
    let (trained, record) =
        train_layers(compute, &layers, loss, x.clone(), x, optimizer, progress)?;
    let [encoder, decoder]: [Dense; 2] = trained.try_into().expect("two layers");
    Ok((
        Autoencoder {
            options: options.clone(),
            encoder,
            decoder,
            scaling,
        },
        record,
    ))
}
