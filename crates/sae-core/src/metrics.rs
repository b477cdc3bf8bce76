//! Accuracy and the confusion matrix (rows = true class, columns = predicted class).

/// Counts of (true, predicted) pairs.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ConfusionMatrix {
    pub classes: usize,
    /// classes×classes, row-major: counts[true * classes + predicted].
    pub counts: Vec<usize>,
}

impl ConfusionMatrix {
    /// Tallies predictions against true labels.
    pub fn new(classes: usize, truth: &[usize], predicted: &[usize]) -> Self {
        assert_eq!(truth.len(), predicted.len(), "one prediction per label");
        let mut counts = vec![0; classes * classes];
        for (&t, &p) in truth.iter().zip(predicted) {
            counts[t * classes + p] += 1;
        }
        Self { classes, counts }
    }

    pub fn get(&self, truth: usize, predicted: usize) -> usize {
        self.counts[truth * self.classes + predicted]
    }

    pub fn total(&self) -> usize {
        self.counts.iter().sum()
    }

    /// Share of correct predictions (the diagonal), in [0,1].
    pub fn accuracy(&self) -> f64 {
        let correct: usize = (0..self.classes).map(|c| self.get(c, c)).sum();
        correct as f64 / self.total().max(1) as f64
    }

    /// Recall of class c: correct / samples of class c (NaN when there are none).
    pub fn recall(&self, c: usize) -> f64 {
        let row: usize = (0..self.classes).map(|p| self.get(c, p)).sum();
        self.get(c, c) as f64 / row as f64
    }

    /// Precision of class c: correct / predictions of class c (NaN when there are none).
    pub fn precision(&self, c: usize) -> f64 {
        let col: usize = (0..self.classes).map(|t| self.get(t, c)).sum();
        self.get(c, c) as f64 / col as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_rates() {
        let m = ConfusionMatrix::new(3, &[0, 0, 1, 2, 2, 2], &[0, 1, 1, 2, 2, 0]);
        assert_eq!(m.get(0, 1), 1);
        assert!((m.accuracy() - 4.0 / 6.0).abs() < 1e-12);
        assert!((m.recall(2) - 2.0 / 3.0).abs() < 1e-12);
        assert!((m.precision(0) - 0.5).abs() < 1e-12);
        assert!((m.precision(1) - 0.5).abs() < 1e-12);
    }
}
