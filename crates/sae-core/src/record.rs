//! The training record (MATLAB's `tr`): one row per epoch and why training stopped.

/// Why an optimiser stopped.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// "Maximum epoch reached."
    MaxEpochs,
    /// "Performance goal met."
    PerformanceGoal,
    /// "Minimum gradient reached."
    MinimumGradient,
    /// "Maximum time elapsed."
    TimeLimit,
    /// The cost or a search quantity became NaN or infinite; the best parameters are kept.
    NonFinite { what: String },
}

impl std::fmt::Display for StopReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StopReason::MaxEpochs => write!(f, "Maximum epoch reached"),
            StopReason::PerformanceGoal => write!(f, "Performance goal met"),
            StopReason::MinimumGradient => write!(f, "Minimum gradient reached"),
            StopReason::TimeLimit => write!(f, "Maximum time elapsed"),
            StopReason::NonFinite { what } => write!(f, "{what} became NaN or infinite"),
        }
    }
}

/// One epoch of training.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct EpochRecord {
    pub epoch: usize,
    /// Performance (cost) at the end of the epoch.
    pub perf: f64,
    /// ‖∇E‖ at the end of the epoch.
    pub gradient_norm: f64,
    /// SCG's scale parameter λk (0 for other optimisers).
    pub lambda: f64,
    /// Whether the epoch's step was accepted.
    pub accepted: bool,
    /// Seconds since training started.
    pub seconds: f64,
}

/// Everything recorded about one training run.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TrainingRecord {
    pub algorithm: String,
    pub max_epochs: usize,
    pub epochs: Vec<EpochRecord>,
    pub stop_reason: StopReason,
    /// The best performance seen; its parameters are the ones returned.
    pub best_perf: f64,
    pub seconds: f64,
    /// Number of full cost+gradient evaluations.
    pub evaluations: usize,
}

impl TrainingRecord {
    /// Number of epochs run (the epoch-0 row is the starting point, not an epoch).
    pub fn epochs_run(&self) -> usize {
        self.epochs.last().map_or(0, |e| e.epoch)
    }

    /// The record as CSV: epoch,perf,gradient_norm,lambda,accepted,seconds.
    pub fn to_csv(&self) -> String {
        let mut s = String::from("epoch,perf,gradient_norm,lambda,accepted,seconds\n");
        for e in &self.epochs {
            s.push_str(&format!(
                "{},{:e},{:e},{:e},{},{:.6}\n",
                e.epoch, e.perf, e.gradient_norm, e.lambda, e.accepted as u8, e.seconds
            ));
        }
        s
    }
}
