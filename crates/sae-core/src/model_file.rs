//! Model files. Every model type is saved as JSON (exact: f64 values are written in their
//! shortest round-trip form) tagged with its kind and a format version, so that loading a
//! file of another kind or a damaged file is a clear error rather than a wrong model.

use std::path::Path;

use crate::autoencoder::Autoencoder;
use crate::error::{CoreError, Result};
use crate::softmax::SoftmaxLayer;
use crate::stack::StackedNetwork;

/// Version of the JSON model layout.
pub const FORMAT_VERSION: u32 = 1;

/// Any saved model.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ModelFile {
    Autoencoder(Autoencoder),
    Softmax(SoftmaxLayer),
    Stack(StackedNetwork),
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Envelope {
    format: String,
    version: u32,
    model: ModelFile,
}

impl ModelFile {
    pub fn kind(&self) -> &'static str {
        match self {
            ModelFile::Autoencoder(_) => "autoencoder",
            ModelFile::Softmax(_) => "softmax",
            ModelFile::Stack(_) => "stack",
        }
    }

    /// Serialises the model.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&Envelope {
            format: "sae-model".into(),
            version: FORMAT_VERSION,
            model: self.clone(),
        })
        .expect("models serialise")
    }

    /// Parses and validates a model; `origin` names the source in errors.
    pub fn from_json(text: &str, origin: &str) -> Result<Self> {
        let bad = |problem: String| CoreError::ModelFile {
            path: origin.to_string(),
            problem,
        };
        let env: Envelope = serde_json::from_str(text)
            .map_err(|e| bad(format!("not a valid sae model file: {e}")))?;
        if env.format != "sae-model" || env.version != FORMAT_VERSION {
            return Err(bad(format!(
                "unsupported model format {} version {} (expected sae-model version {FORMAT_VERSION})",
                env.format, env.version
            )));
        }
        env.model.validate().map_err(bad)?;
        Ok(env.model)
    }

    /// Reads a model file.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| CoreError::ModelFile {
            path: path.display().to_string(),
            problem: format!("cannot read: {e}"),
        })?;
        Self::from_json(&text, &path.display().to_string())
    }

    /// Checks that every layer's parameter counts match its declared sizes and chain.
    fn validate(&self) -> std::result::Result<(), String> {
        let layers: Vec<&crate::layer::Dense> = match self {
            ModelFile::Autoencoder(a) => vec![&a.encoder, &a.decoder],
            ModelFile::Softmax(s) => vec![&s.layer],
            ModelFile::Stack(s) => s.layers.iter().collect(),
        };
        for (i, l) in layers.iter().enumerate() {
            if l.weight.len() != l.inputs * l.outputs || l.bias.len() != l.outputs {
                return Err(format!(
                    "layer {} declares {}x{} but holds {} weights and {} biases",
                    i + 1,
                    l.inputs,
                    l.outputs,
                    l.weight.len(),
                    l.bias.len()
                ));
            }
            if l.weight.iter().chain(&l.bias).any(|v| !v.is_finite()) {
                return Err(format!("layer {} holds NaN or infinite values", i + 1));
            }
            if i > 0 && layers[i - 1].outputs != l.inputs {
                return Err(format!(
                    "layer {} has {} outputs but layer {} expects {} inputs",
                    i,
                    layers[i - 1].outputs,
                    i + 1,
                    l.inputs
                ));
            }
        }
        Ok(())
    }

    pub fn into_autoencoder(self, origin: &str) -> Result<Autoencoder> {
        match self {
            ModelFile::Autoencoder(a) => Ok(a),
            other => Err(wrong_kind(origin, "an autoencoder", other.kind())),
        }
    }

    pub fn into_softmax(self, origin: &str) -> Result<SoftmaxLayer> {
        match self {
            ModelFile::Softmax(s) => Ok(s),
            other => Err(wrong_kind(origin, "a softmax layer", other.kind())),
        }
    }

    pub fn into_stack(self, origin: &str) -> Result<StackedNetwork> {
        match self {
            ModelFile::Stack(s) => Ok(s),
            other => Err(wrong_kind(origin, "a stacked network", other.kind())),
        }
    }
}

fn wrong_kind(origin: &str, expected: &str, found: &str) -> CoreError {
    CoreError::ModelFile {
        path: origin.to_string(),
        problem: format!("expected {expected} but the file holds a {found} model"),
    }
}
