//! Choosing a compiled-in Burn backend at run time.

use burn::tensor::Device;

use crate::error::{CoreError, Result};

/// The backends this project can be built with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BackendKind {
    Flex,
    Ndarray,
    Wgpu,
}

impl BackendKind {
    pub fn name(self) -> &'static str {
        match self {
            BackendKind::Flex => "flex",
            BackendKind::Ndarray => "ndarray",
            BackendKind::Wgpu => "wgpu",
        }
    }

    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "flex" => Ok(BackendKind::Flex),
            "ndarray" => Ok(BackendKind::Ndarray),
            "wgpu" => Ok(BackendKind::Wgpu),
            _ => Err(CoreError::InvalidOption {
                name: "device",
                value: s.to_string(),
                expected: "one of \"flex\", \"ndarray\", \"wgpu\"",
            }),
        }
    }

    /// The compute context for this backend: flex trains with the fused CPU kernels
    /// (its tensors live in host memory), the others with Burn tensor operations.
    pub fn compute(self, precision: crate::compute::Precision) -> Result<crate::compute::Compute> {
        Ok(crate::compute::Compute::new(self.device()?, precision)
            .with_fused_cpu(self == BackendKind::Flex))
    }

    /// The device of this backend, or an error naming the cargo feature to enable.
    pub fn device(self) -> Result<Device> {
        match self {
            #[cfg(feature = "flex")]
            BackendKind::Flex => Ok(Device::flex()),
            #[cfg(not(feature = "flex"))]
            BackendKind::Flex => Err(self.not_compiled("flex")),
            #[cfg(feature = "ndarray")]
            #[allow(deprecated)]
            // burn-ndarray is deprecated upstream; this is its one use
            BackendKind::Ndarray => Ok(Device::ndarray()),
            #[cfg(not(feature = "ndarray"))]
            BackendKind::Ndarray => Err(self.not_compiled("ndarray")),
            #[cfg(feature = "wgpu")]
            BackendKind::Wgpu => Ok(Device::wgpu(burn::tensor::DeviceKind::DefaultDevice)),
            #[cfg(not(feature = "wgpu"))]
            BackendKind::Wgpu => Err(self.not_compiled("wgpu")),
        }
    }

    /// The error for a backend whose cargo feature was not enabled.
    #[cfg_attr(
        all(feature = "flex", feature = "ndarray", feature = "wgpu"),
        allow(dead_code)
    )]
    fn not_compiled(self, feature: &str) -> CoreError {
        CoreError::Backend {
            name: self.name().into(),
            reason: format!("this build does not include it; rebuild with `--features {feature}`"),
        }
    }
}
