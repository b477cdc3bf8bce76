//! Model files in three formats, chosen by extension:
//! - `.json`: the whole model as JSON (f64 values in their shortest round-trip form);
//! - `.safetensors`: tensors `layers.{i}.weight` (inputs×outputs, Burn's layout; transpose
//!   for MATLAB's W), `layers.{i}.bias`, and `scaling.x_min`/`scaling.x_max` for ScaleData,
//!   all f64, readable by numpy/PyTorch; the architecture and options are JSON in the
//!   `sae.model` metadata entry;
//! - `.bpk`: Burn's burnpack format with the same tensors and metadata.
//!
//! Every file is tagged with its kind and a format version, and is validated on load, so
//! that a file of another kind or a damaged file is a clear error rather than a wrong model.
//! All three round-trip bit-exactly.

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
        let env = Self::parse_envelope(text, origin)?;
        env.model.validate().map_err(bad)?;
        Ok(env.model)
    }

    fn parse_envelope(text: &str, origin: &str) -> Result<Envelope> {
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
        Ok(env)
    }

    /// Reads a model file in the format its extension names.
    pub fn load(path: &Path) -> Result<Self> {
        let origin = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| CoreError::ModelFile {
            path: origin.clone(),
            problem: format!("cannot read: {e}"),
        })?;
        Self::from_bytes(&bytes, ModelFormat::from_path(path)?, &origin)
    }

    /// Serialises the model in `format`.
    pub fn to_bytes(&self, format: ModelFormat) -> Result<Vec<u8>> {
        match format {
            ModelFormat::Json => Ok(self.to_json().into_bytes()),
            ModelFormat::Safetensors => self.to_safetensors(),
            ModelFormat::Burnpack => self.to_burnpack(),
        }
    }

    /// Parses a model in `format`; `origin` names the source in errors.
    pub fn from_bytes(bytes: &[u8], format: ModelFormat, origin: &str) -> Result<Self> {
        match format {
            ModelFormat::Json => {
                let text = std::str::from_utf8(bytes).map_err(|_| CoreError::ModelFile {
                    path: origin.to_string(),
                    problem: "not a valid sae model file: not UTF-8 text".into(),
                })?;
                Self::from_json(text, origin)
            }
            ModelFormat::Safetensors => Self::from_safetensors(bytes, origin),
            ModelFormat::Burnpack => Self::from_burnpack(bytes, origin),
        }
    }

    /// The model without its numbers (architecture, options), for file metadata.
    fn skeleton(&self) -> ModelFile {
        let mut m = self.clone();
        let (layers, scaling) = m.parts_mut();
        for l in layers {
            l.weight.clear();
            l.bias.clear();
        }
        if let Some(s) = scaling {
            s.x_min.clear();
            s.x_max.clear();
        }
        m
    }

    /// The layers and the ScaleData mapping, mutably.
    fn parts_mut(
        &mut self,
    ) -> (
        Vec<&mut crate::layer::Dense>,
        Option<&mut crate::scaling::MinMax>,
    ) {
        match self {
            ModelFile::Autoencoder(a) => (vec![&mut a.encoder, &mut a.decoder], a.scaling.as_mut()),
            ModelFile::Softmax(s) => (vec![&mut s.layer], None),
            ModelFile::Stack(s) => (s.layers.iter_mut().collect(), s.scaling.as_mut()),
        }
    }

    /// (name, shape, values) of every tensor.
    fn tensors(&self) -> Vec<(String, Vec<usize>, Vec<f64>)> {
        let mut m = self.clone();
        let (layers, scaling) = m.parts_mut();
        let mut out = Vec::new();
        for (i, l) in layers.into_iter().enumerate() {
            out.push((
                format!("layers.{i}.weight"),
                vec![l.inputs, l.outputs],
                l.weight.clone(),
            ));
            out.push((format!("layers.{i}.bias"), vec![l.outputs], l.bias.clone()));
        }
        if let Some(s) = scaling {
            out.push(("scaling.x_min".into(), vec![s.x_min.len()], s.x_min.clone()));
            out.push(("scaling.x_max".into(), vec![s.x_max.len()], s.x_max.clone()));
        }
        out
    }

    /// Fills a skeleton's numbers from named f64 tensors, checking each shape.
    fn fill(
        mut self,
        origin: &str,
        mut get: impl FnMut(&str) -> std::result::Result<(Vec<usize>, Vec<f64>), String>,
    ) -> Result<Self> {
        let bad = |problem: String| CoreError::ModelFile {
            path: origin.to_string(),
            problem,
        };
        let (layers, scaling) = self.parts_mut();
        let inputs = layers.first().map(|l| l.inputs);
        for (i, l) in layers.into_iter().enumerate() {
            for (name, shape, dst) in [
                (
                    format!("layers.{i}.weight"),
                    vec![l.inputs, l.outputs],
                    &mut l.weight,
                ),
                (format!("layers.{i}.bias"), vec![l.outputs], &mut l.bias),
            ] {
                let (found, values) = get(&name).map_err(&bad)?;
                if found != shape {
                    return Err(bad(format!(
                        "tensor {name} has shape {found:?}, the architecture needs {shape:?}"
                    )));
                }
                *dst = values;
            }
        }
        if let Some(s) = scaling {
            let d = inputs.unwrap_or(0);
            for (name, dst) in [
                ("scaling.x_min", &mut s.x_min),
                ("scaling.x_max", &mut s.x_max),
            ] {
                let (found, values) = get(name).map_err(&bad)?;
                if found != [d] {
                    return Err(bad(format!(
                        "tensor {name} has shape {found:?}, expected [{d}]"
                    )));
                }
                *dst = values;
            }
        }
        self.validate().map_err(bad)?;
        Ok(self)
    }

    /// One metadata entry, `sae.model`, holding the skeleton in the JSON envelope (one entry,
    /// so that files are byte-identical whatever order a map iterates in).
    fn metadata(&self) -> Vec<(String, String)> {
        vec![("sae.model".into(), self.skeleton().to_json())]
    }

    fn from_metadata(meta: impl Fn(&str) -> Option<String>, origin: &str) -> Result<Self> {
        let text = meta("sae.model").ok_or_else(|| CoreError::ModelFile {
            path: origin.to_string(),
            problem: "not an sae model file (no sae.model metadata entry)".into(),
        })?;
        Ok(Self::parse_envelope(&text, origin)?.model)
    }

    fn to_safetensors(&self) -> Result<Vec<u8>> {
        let tensors: Vec<(String, Vec<usize>, Vec<u8>)> = self
            .tensors()
            .into_iter()
            .map(|(n, s, v)| (n, s, v.iter().flat_map(|x| x.to_le_bytes()).collect()))
            .collect();
        let views = tensors
            .iter()
            .map(|(n, s, b)| {
                safetensors::tensor::TensorView::new(safetensors::Dtype::F64, s.clone(), b)
                    .map(|v| (n.clone(), v))
            })
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| CoreError::ModelFile {
                path: "<memory>".into(),
                problem: e.to_string(),
            })?;
        let meta: std::collections::HashMap<String, String> = self.metadata().into_iter().collect();
        safetensors::serialize(views, Some(meta)).map_err(|e| CoreError::ModelFile {
            path: "<memory>".into(),
            problem: e.to_string(),
        })
    }

    fn from_safetensors(bytes: &[u8], origin: &str) -> Result<Self> {
        let bad = |problem: String| CoreError::ModelFile {
            path: origin.to_string(),
            problem,
        };
        let (_, header) = safetensors::SafeTensors::read_metadata(bytes)
            .map_err(|e| bad(format!("not a valid safetensors file: {e}")))?;
        let meta = header.metadata().clone().unwrap_or_default();
        let skeleton = Self::from_metadata(|k| meta.get(k).cloned(), origin)?;
        let st = safetensors::SafeTensors::deserialize(bytes)
            .map_err(|e| bad(format!("not a valid safetensors file: {e}")))?;
        skeleton.fill(origin, |name| {
            let t = st
                .tensor(name)
                .map_err(|_| format!("tensor {name} is missing"))?;
            if t.dtype() != safetensors::Dtype::F64 {
                return Err(format!("tensor {name} is {:?}, expected F64", t.dtype()));
            }
            Ok((t.shape().to_vec(), le_f64(t.data())))
        })
    }

    fn to_burnpack(&self) -> Result<Vec<u8>> {
        let tensors = self
            .tensors()
            .into_iter()
            .map(|(n, s, v)| {
                let bytes = burn::tensor::Bytes::from_bytes_vec(
                    v.iter().flat_map(|x| x.to_le_bytes()).collect(),
                );
                burn_pack::Tensor::new(n, burn::tensor::DType::F64, s, None, bytes)
            })
            .collect();
        let mut writer = burn_pack::Writer::new(tensors);
        for (k, v) in self.metadata() {
            writer = writer.with_metadata(&k, &v);
        }
        let bytes = writer.into_bytes().map_err(|e| CoreError::ModelFile {
            path: "<memory>".into(),
            problem: format!("{e:?}"),
        })?;
        Ok(bytes.to_vec())
    }

    fn from_burnpack(bytes: &[u8], origin: &str) -> Result<Self> {
        let bad = |problem: String| CoreError::ModelFile {
            path: origin.to_string(),
            problem,
        };
        let reader =
            burn_pack::Reader::from_bytes(burn::tensor::Bytes::from_bytes_vec(bytes.to_vec()))
                .map_err(|e| bad(format!("not a valid burnpack file: {e:?}")))?;
        let meta = reader.metadata().clone();
        let skeleton = Self::from_metadata(|k| meta.get(k).cloned(), origin)?;
        let mut tensors = std::collections::HashMap::new();
        for t in reader
            .into_tensors()
            .map_err(|e| bad(format!("corrupt burnpack data: {e:?}")))?
        {
            let (name, dtype, shape, _, data) = t
                .into_parts()
                .map_err(|e| bad(format!("corrupt burnpack data: {e:?}")))?;
            tensors.insert(name, (dtype, shape.to_vec(), data.to_vec()));
        }
        skeleton.fill(origin, |name| {
            let (dtype, shape, data) = tensors
                .remove(name)
                .ok_or_else(|| format!("tensor {name} is missing"))?;
            if dtype != burn::tensor::DType::F64 {
                return Err(format!("tensor {name} is {dtype:?}, expected F64"));
            }
            Ok((shape, le_f64(&data)))
        })
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

/// Little-endian f64 values (a trailing partial value is ignored; shapes are checked after).
fn le_f64(bytes: &[u8]) -> Vec<f64> {
    bytes
        .chunks_exact(8)
        .map(|c| f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
        .collect()
}

/// The on-disk formats of a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelFormat {
    Json,
    Safetensors,
    Burnpack,
}

impl ModelFormat {
    pub const ALL: [ModelFormat; 3] = [
        ModelFormat::Json,
        ModelFormat::Safetensors,
        ModelFormat::Burnpack,
    ];

    /// The file extension (without the dot).
    pub fn extension(self) -> &'static str {
        match self {
            ModelFormat::Json => "json",
            ModelFormat::Safetensors => "safetensors",
            ModelFormat::Burnpack => "bpk",
        }
    }

    /// The format a path's extension names.
    pub fn from_path(path: &Path) -> Result<Self> {
        match path.extension().and_then(|e| e.to_str()) {
            Some("json") => Ok(ModelFormat::Json),
            Some("safetensors") => Ok(ModelFormat::Safetensors),
            Some("bpk") => Ok(ModelFormat::Burnpack),
            _ => Err(CoreError::ModelFile {
                path: path.display().to_string(),
                problem: "unknown model file extension (expected .json, .safetensors or .bpk)"
                    .into(),
            }),
        }
    }
}

fn wrong_kind(origin: &str, expected: &str, found: &str) -> CoreError {
    CoreError::ModelFile {
        path: origin.to_string(),
        problem: format!("expected {expected} but the file holds a {found} model"),
    }
}
