//! Experiment configs (TOML). Parsed strictly: unknown keys, wrong types and out-of-range
//! values are errors naming the key, before any work starts.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use sae_core::{
    AutoencoderOptions, BackendKind, Loss, Precision, SoftmaxOptions, SparseCost, Transfer,
};
use serde::{Deserialize, Serialize};

/// The MATLAB example's config, built in so `sae run` works without files.
pub const MATLAB_DIGITS: &str = include_str!("../../../configs/matlab-digits.toml");

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub seed: u64,
    pub data: DataConfig,
    #[serde(default)]
    pub backend: BackendConfig,
    pub autoencoder: Vec<AutoencoderConfig>,
    #[serde(default)]
    pub softmax: SoftmaxConfig,
    #[serde(default)]
    pub fine_tune: FineTuneConfig,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "source", rename_all = "lowercase", deny_unknown_fields)]
pub enum DataConfig {
    Synthetic {
        #[serde(default)]
        seed: u64,
        #[serde(default = "default_count")]
        train: usize,
        #[serde(default = "default_count")]
        test: usize,
    },
    Idx {
        train_images: PathBuf,
        train_labels: PathBuf,
        test_images: PathBuf,
        test_labels: PathBuf,
        limit_train: Option<usize>,
        limit_test: Option<usize>,
    },
    Folder {
        train: PathBuf,
        test: PathBuf,
        /// Resize every image to [height, width]; without it all images must share a size.
        size: Option<[usize; 2]>,
    },
}

fn default_count() -> usize {
    5000
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackendConfig {
    #[serde(default = "default_device")]
    pub device: String,
    #[serde(default = "default_precision")]
    pub precision: String,
}

fn default_device() -> String {
    "flex".into()
}
fn default_precision() -> String {
    "f32".into()
}

impl Default for BackendConfig {
    fn default() -> Self {
        Self {
            device: default_device(),
            precision: default_precision(),
        }
    }
}

/// One `[[autoencoder]]` table; omitted keys take MATLAB's defaults.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutoencoderConfig {
    pub hidden: Option<usize>,
    pub max_epochs: Option<usize>,
    pub l2_weight_regularization: Option<f64>,
    pub sparsity_regularization: Option<f64>,
    pub sparsity_proportion: Option<f64>,
    pub scale_data: Option<bool>,
    pub encoder: Option<String>,
    pub decoder: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SoftmaxConfig {
    pub max_epochs: Option<usize>,
    pub loss: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FineTuneConfig {
    pub max_epochs: Option<usize>,
}

/// A config turned into validated library options.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub config: Config,
    pub backend: BackendKind,
    pub precision: Precision,
    pub autoencoders: Vec<AutoencoderOptions>,
    pub softmax: SoftmaxOptions,
    pub fine_tune_epochs: usize,
}

impl Config {
    /// Parses TOML text; `origin` names the file in errors.
    pub fn parse(text: &str, origin: &str) -> anyhow::Result<Self> {
        toml::from_str(text).map_err(|e| anyhow::anyhow!("{origin}: invalid config: {e}"))
    }

    /// Reads and parses a config file.
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read config {}", path.display()))?;
        Self::parse(&text, &path.display().to_string())
    }

    /// Validates every value and resolves defaults.
    pub fn resolve(self) -> anyhow::Result<Resolved> {
        let backend = BackendKind::parse(&self.backend.device).context("[backend] device")?;
        let precision: Precision = self
            .backend
            .precision
            .parse()
            .context("[backend] precision")?;
        if precision == Precision::F64 && backend == BackendKind::Wgpu {
            bail!("[backend] precision = \"f64\" is not supported on the wgpu device; use \"f32\"");
        }
        match &self.data {
            DataConfig::Synthetic { train, test, .. } => {
                if *train == 0 || *test == 0 {
                    bail!(
                        "[data] train and test must be at least 1 (got train = {train}, test = {test})"
                    );
                }
            }
            DataConfig::Idx {
                limit_train,
                limit_test,
                ..
            } => {
                if *limit_train == Some(0) || *limit_test == Some(0) {
                    bail!("[data] limit_train and limit_test must be at least 1 when given");
                }
            }
            DataConfig::Folder { size, .. } => {
                if let Some([h, w]) = size
                    && (*h == 0 || *w == 0)
                {
                    bail!("[data] size must be two positive integers [height, width]");
                }
            }
        }
        if self.autoencoder.is_empty() {
            bail!("at least one [[autoencoder]] table is required");
        }
        let mut autoencoders = Vec::new();
        for (i, a) in self.autoencoder.iter().enumerate() {
            let d = AutoencoderOptions::default();
            let transfer =
                |name: &Option<String>, default: Transfer, key: &str| -> anyhow::Result<Transfer> {
                    match name {
                        None => Ok(default),
                        Some(n) => Transfer::parse(n)
                            .with_context(|| format!("[[autoencoder]] #{} {key}", i + 1)),
                    }
                };
            let opts = AutoencoderOptions {
                hidden_size: a.hidden.unwrap_or(d.hidden_size),
                encoder: transfer(&a.encoder, d.encoder, "encoder")?,
                decoder: transfer(&a.decoder, d.decoder, "decoder")?,
                max_epochs: a.max_epochs.unwrap_or(d.max_epochs),
                cost: SparseCost {
                    l2_weight_regularization: a
                        .l2_weight_regularization
                        .unwrap_or(d.cost.l2_weight_regularization),
                    sparsity_regularization: a
                        .sparsity_regularization
                        .unwrap_or(d.cost.sparsity_regularization),
                    sparsity_proportion: a
                        .sparsity_proportion
                        .unwrap_or(d.cost.sparsity_proportion),
                },
                scale_data: a.scale_data.unwrap_or(d.scale_data),
                seed: self.seed.wrapping_add(i as u64),
            };
            opts.check()
                .with_context(|| format!("[[autoencoder]] #{}", i + 1))?;
            autoencoders.push(opts);
        }
        let loss = match self.softmax.loss.as_deref() {
            None | Some("crossentropy") => Loss::CrossEntropy,
            Some("mse") => Loss::Mse,
            Some(other) => {
                bail!("[softmax] loss = \"{other}\": expected \"crossentropy\" or \"mse\"")
            }
        };
        let softmax = SoftmaxOptions {
            max_epochs: self
                .softmax
                .max_epochs
                .unwrap_or(SoftmaxOptions::default().max_epochs),
            loss,
        };
        softmax.check().context("[softmax]")?;
        let fine_tune_epochs = self.fine_tune.max_epochs.unwrap_or(softmax.max_epochs);
        if fine_tune_epochs == 0 {
            bail!("[fine_tune] max_epochs = 0: expected a positive integer");
        }
        Ok(Resolved {
            config: self,
            backend,
            precision,
            autoencoders,
            softmax,
            fine_tune_epochs,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        match Config::parse(text, "t.toml").and_then(Config::resolve) {
            Ok(_) => panic!("accepted: {text}"),
            Err(e) => format!("{e:#}"),
        }
    }

    const BASE: &str = "[data]\nsource = \"synthetic\"\n[[autoencoder]]\nhidden = 4\n";

    #[test]
    fn builtin_config_resolves_to_the_example() {
        let r = Config::parse(MATLAB_DIGITS, "builtin")
            .unwrap()
            .resolve()
            .unwrap();
        assert_eq!(r.autoencoders.len(), 2);
        assert_eq!(r.autoencoders[0].hidden_size, 100);
        assert_eq!(r.autoencoders[0].max_epochs, 400);
        assert_eq!(r.autoencoders[1].cost.sparsity_proportion, 0.1);
        assert!(!r.autoencoders[1].scale_data);
        assert_eq!(r.softmax.max_epochs, 400);
        assert_eq!(r.fine_tune_epochs, 400);
    }

    #[test]
    fn defaults_are_matlabs() {
        let r = Config::parse(BASE, "t").unwrap().resolve().unwrap();
        let a = &r.autoencoders[0];
        assert_eq!((a.max_epochs, a.scale_data), (1000, true));
        assert_eq!(a.cost.sparsity_proportion, 0.05);
        assert_eq!(r.softmax.max_epochs, 1000);
    }

    #[test]
    fn bad_values_name_the_key() {
        assert!(err(&format!("{BASE}sparsity_proportion = 1.5\n")).contains("sparsity_proportion"));
        assert!(
            err(&format!("{BASE}l2_weight_regularization = -1\n"))
                .contains("l2_weight_regularization")
        );
        assert!(
            err("[data]\nsource = \"synthetic\"\n[[autoencoder]]\nhidden = 0\n")
                .contains("hidden_size")
        );
        assert!(err(&format!("{BASE}max_epochs = 0\n")).contains("max_epochs"));
        assert!(err(&format!("{BASE}colour = 1\n")).contains("colour"));
        assert!(err(&format!("{BASE}hidden2 = 1\n")).contains("hidden2"));
        assert!(err(&format!("{BASE}encoder = \"purelin\"\n")).contains("encoder"));
        assert!(err("[data]\nsource = \"synthetic\"\nfoo = 1\n[[autoencoder]]\n").contains("foo"));
        assert!(
            err("[data]\nsource = \"synthetic\"\n[[autoencoder]]\nhidden = \"ten\"\n")
                .contains("hidden")
        );
        assert!(err(&format!("{BASE}[backend]\ndevice = \"tpu\"\n")).contains("device"));
        assert!(err(&format!("{BASE}[softmax]\nloss = \"hinge\"\n")).contains("loss"));
    }
}
