//! Where and in which precision tensors live: a Burn [`Device`] plus a float dtype.
//! Every tensor the project creates goes through here, so f32 and f64 never mix.

use burn::tensor::TensorCreationOptions;
use burn::tensor::{DType, Device, Int, Tensor, TensorData};

use crate::error::{CoreError, Result};

/// Floating-point precision of training and inference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    #[default]
    F32,
    F64,
}

impl Precision {
    /// Machine epsilon of the precision (MATLAB's `eps` for f64).
    pub fn eps(self) -> f64 {
        match self {
            Precision::F32 => f64::from(f32::EPSILON),
            Precision::F64 => f64::EPSILON,
        }
    }

    pub fn dtype(self) -> DType {
        match self {
            Precision::F32 => DType::F32,
            Precision::F64 => DType::F64,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Precision::F32 => "f32",
            Precision::F64 => "f64",
        }
    }
}

impl std::str::FromStr for Precision {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "f32" => Ok(Precision::F32),
            "f64" => Ok(Precision::F64),
            _ => Err(CoreError::InvalidOption {
                name: "precision",
                value: s.to_string(),
                expected: "one of \"f32\", \"f64\"",
            }),
        }
    }
}

/// A device and a precision: the context every model operation runs in.
#[derive(Debug, Clone)]
pub struct Compute {
    pub device: Device,
    pub precision: Precision,
    /// Train with the fused host-memory kernels ([`crate::fused`]) instead of Burn tensor
    /// operations; only sensible when the device is a CPU backend whose tensors live in
    /// host memory (flex).
    pub fused_cpu: bool,
}

impl Compute {
    /// Burn tensor operations on `device`.
    pub fn new(device: Device, precision: Precision) -> Self {
        Self {
            device,
            precision,
            fused_cpu: false,
        }
    }

    /// The same context with the fused CPU kernels switched on or off.
    pub fn with_fused_cpu(mut self, fused: bool) -> Self {
        self.fused_cpu = fused;
        self
    }

    fn options(&self) -> TensorCreationOptions {
        TensorCreationOptions::new(self.device.clone()).with_dtype(self.precision.dtype())
    }

    /// A rows×cols matrix from row-major f64 values.
    pub fn matrix(&self, values: &[f64], rows: usize, cols: usize) -> Tensor<2> {
        assert_eq!(values.len(), rows * cols, "matrix data size");
        Tensor::from_data(self.data(values, vec![rows, cols]), self.options())
    }

    /// A rows×cols matrix from row-major f32 values (e.g. image pixels).
    pub fn matrix_f32(&self, values: &[f32], rows: usize, cols: usize) -> Tensor<2> {
        assert_eq!(values.len(), rows * cols, "matrix data size");
        let data = match self.precision {
            Precision::F32 => TensorData::new(values.to_vec(), vec![rows, cols]),
            Precision::F64 => TensorData::new(
                values.iter().map(|&v| f64::from(v)).collect::<Vec<f64>>(),
                vec![rows, cols],
            ),
        };
        Tensor::from_data(data, self.options())
    }

    /// A vector from f64 values.
    pub fn vector(&self, values: &[f64]) -> Tensor<1> {
        Tensor::from_data(self.data(values, vec![values.len()]), self.options())
    }

    /// Integer indices on the device (for row selection).
    pub fn indices(&self, idx: &[usize]) -> Tensor<1, Int> {
        let v: Vec<i64> = idx.iter().map(|&i| i as i64).collect();
        Tensor::from_data(TensorData::new(v, vec![idx.len()]), &self.device)
    }

    fn data(&self, values: &[f64], shape: Vec<usize>) -> TensorData {
        match self.precision {
            Precision::F32 => TensorData::new(
                values.iter().map(|&v| v as f32).collect::<Vec<f32>>(),
                shape,
            ),
            Precision::F64 => TensorData::new(values.to_vec(), shape),
        }
    }
}

/// Reads a tensor back as f64 values (exact for f32 and f64 tensors).
pub fn to_f64<const D: usize>(t: Tensor<D>) -> Result<Vec<f64>> {
    t.try_to_vec_as::<f64>()
        .map_err(|e| CoreError::Read(format!("{e:?}")))
}

/// Reads several scalars with one device synchronisation.
pub fn scalars(ts: Vec<Tensor<1>>) -> Result<Vec<f64>> {
    to_f64(Tensor::cat(ts, 0))
}
