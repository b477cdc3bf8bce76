//! The one in-memory data set type every stage consumes.

use crate::error::{DataError, Result};

/// Images as an N×(h·w) row-major f32 matrix with values in [0,1], labels as class indices.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// N rows of `height * width` features, row-major.
    pub features: Vec<f32>,
    /// Class index of each row, `< class_names.len()`.
    pub labels: Vec<usize>,
    pub height: usize,
    pub width: usize,
    /// Display name of each class (`"0"`..`"9"` for digits, folder names for image folders).
    pub class_names: Vec<String>,
}

impl Dataset {
    /// Builds a data set from 8-bit images (value / 255), checking every label and shape.
    pub fn from_u8(
        what: &str,
        pixels: &[u8],
        height: usize,
        width: usize,
        labels: Vec<usize>,
        class_names: Vec<String>,
    ) -> Result<Self> {
        let features = pixels.iter().map(|&p| f32::from(p) / 255.0).collect();
        Self::new(what, features, height, width, labels, class_names)
    }

    /// Builds a data set from f32 features, checking shapes, labels and finiteness.
    pub fn new(
        what: &str,
        features: Vec<f32>,
        height: usize,
        width: usize,
        labels: Vec<usize>,
        class_names: Vec<String>,
    ) -> Result<Self> {
        let path = std::path::PathBuf::from(what);
        let dim = height * width;
        if labels.is_empty() || dim == 0 {
            return Err(DataError::Empty { path });
        }
        if features.len() != labels.len() * dim {
            return Err(DataError::CountMismatch {
                path,
                labels: labels.len(),
                images: features.len() / dim,
            });
        }
        if let Some((index, &label)) = labels
            .iter()
            .enumerate()
            .find(|&(_, &l)| l >= class_names.len())
        {
            return Err(DataError::LabelOutOfRange {
                path,
                index,
                label,
                classes: class_names.len(),
            });
        }
        let set = Self {
            features,
            labels,
            height,
            width,
            class_names,
        };
        set.check_finite(what)?;
        Ok(set)
    }

    /// Number of samples N.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// True when the set holds no samples (never true for a constructed set).
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Features per sample, h·w.
    pub fn num_features(&self) -> usize {
        self.height * self.width
    }

    /// Number of classes C.
    pub fn num_classes(&self) -> usize {
        self.class_names.len()
    }

    /// Features of sample `i`.
    pub fn sample(&self, i: usize) -> &[f32] {
        let d = self.num_features();
        &self.features[i * d..(i + 1) * d]
    }

    /// Labels as an N×C one-hot matrix (row-major), MATLAB's target matrix transposed.
    pub fn one_hot(&self) -> Vec<f32> {
        let c = self.num_classes();
        let mut t = vec![0.0; self.len() * c];
        for (n, &l) in self.labels.iter().enumerate() {
            t[n * c + l] = 1.0;
        }
        t
    }

    /// Keeps the first `n` samples (all when `n >= len`).
    pub fn truncate(mut self, n: usize) -> Self {
        let n = n.min(self.len());
        self.labels.truncate(n);
        self.features.truncate(n * self.num_features());
        self
    }

    /// Number of samples of each class.
    pub fn class_counts(&self) -> Vec<usize> {
        let mut counts = vec![0; self.num_classes()];
        for &l in &self.labels {
            counts[l] += 1;
        }
        counts
    }

    /// Fails on the first NaN or infinite feature, naming sample and feature.
    pub fn check_finite(&self, what: &str) -> Result<()> {
        let d = self.num_features();
        match self.features.iter().position(|v| !v.is_finite()) {
            None => Ok(()),
            Some(i) => Err(DataError::NotFinite {
                what: what.to_string(),
                sample: i / d,
                feature: i % d,
                value: self.features[i],
            }),
        }
    }

    /// Pixel values as bytes (round(v·255), clamped), for writing IDX files.
    pub fn to_u8(&self) -> Vec<u8> {
        self.features
            .iter()
            .map(|&v| (v.clamp(0.0, 1.0) * 255.0).round() as u8)
            .collect()
    }
}

/// Class names "0".."n-1", as used for digits and IDX files.
pub fn numbered_classes(n: usize) -> Vec<String> {
    (0..n).map(|i| i.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_hot_and_counts() {
        let d = Dataset::new("t", vec![0.0; 6], 1, 2, vec![2, 0, 2], numbered_classes(3)).unwrap();
        assert_eq!(d.one_hot(), vec![0., 0., 1., 1., 0., 0., 0., 0., 1.]);
        assert_eq!(d.class_counts(), vec![1, 0, 2]);
        assert_eq!(d.clone().truncate(2).len(), 2);
    }

    #[test]
    fn rejects_nan_and_bad_labels() {
        let e = Dataset::new(
            "x",
            vec![0.0, f32::NAN],
            1,
            1,
            vec![0, 0],
            numbered_classes(2),
        );
        assert!(matches!(e, Err(DataError::NotFinite { sample: 1, .. })));
        let e = Dataset::new("x", vec![0.0, 0.0], 1, 1, vec![0, 5], numbered_classes(2));
        assert!(matches!(
            e,
            Err(DataError::LabelOutOfRange {
                label: 5,
                index: 1,
                ..
            })
        ));
    }
}
