//! Progress of a training stage: a redrawn status line on a terminal, plain log lines
//! every few seconds otherwise, nothing with --quiet.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use sae_core::record::EpochRecord;

pub struct StageProgress {
    name: String,
    max_epochs: usize,
    quiet: bool,
    terminal: bool,
    start: Instant,
    last: Option<Instant>,
}

impl StageProgress {
    pub fn new(name: &str, max_epochs: usize, quiet: bool) -> Self {
        Self {
            name: name.to_string(),
            max_epochs,
            quiet,
            terminal: std::io::stderr().is_terminal(),
            start: Instant::now(),
            last: None,
        }
    }

    /// Reports one epoch.
    pub fn update(&mut self, e: &EpochRecord) {
        if self.quiet {
            return;
        }
        let now = Instant::now();
        let every = if self.terminal {
            Duration::from_millis(100)
        } else {
            Duration::from_secs(5)
        };
        let due = self.last.is_none_or(|t| now - t >= every) || e.epoch == self.max_epochs;
        if !due {
            return;
        }
        self.last = Some(now);
        let elapsed = self.start.elapsed().as_secs_f64();
        let eta = if e.epoch > 0 {
            elapsed / e.epoch as f64 * (self.max_epochs.saturating_sub(e.epoch)) as f64
        } else {
            f64::NAN
        };
        let frac = e.epoch as f64 / self.max_epochs.max(1) as f64;
        let mut err = std::io::stderr().lock();
        if self.terminal {
            let width = 24;
            let filled = ((frac * width as f64).round() as usize).min(width);
            let _ = write!(
                err,
                "\r{:<16} [{}{}] {:>4}/{} perf {:.4e} grad {:.2e} {:>6.1}s ETA {:>5.0}s ",
                self.name,
                "#".repeat(filled),
                "-".repeat(width - filled),
                e.epoch,
                self.max_epochs,
                e.perf,
                e.gradient_norm,
                elapsed,
                eta
            );
        } else {
            let _ = writeln!(
                err,
                "{}: epoch {}/{} perf {:.6e} gradient {:.3e} elapsed {:.1}s eta {:.0}s",
                self.name, e.epoch, self.max_epochs, e.perf, e.gradient_norm, elapsed, eta
            );
        }
    }

    /// Ends the stage's line.
    pub fn finish(&mut self, summary: &str) {
        if self.quiet {
            return;
        }
        if self.terminal {
            eprint!("\r\x1b[2K");
        }
        eprintln!("{}: {summary}", self.name);
    }
}
