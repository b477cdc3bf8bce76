//! Deterministic synthetic digits standing in for MATLAB's digitTrainCellArrayData /
//! digitTestCellArrayData: 28×28 grey images in [0,1], a light digit on black, rendered
//! from font outlines with anti-aliasing under one random affine transform each.
//!
//! The random stream is ChaCha8 (fixed across crate versions) and every random number is
//! derived from raw `next_u64` output, so the same seed gives byte-identical images on any
//! machine. Training and test sets use disjoint ChaCha streams of the same seed.

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};
use tiny_skia::{FillRule, Paint, Pixmap, Stroke, Transform};

use crate::dataset::{Dataset, numbered_classes};
use crate::error::{DataError, Result};
use crate::fonts::{DigitFace, load_faces};

/// Image side in pixels.
pub const SIDE: usize = 28;

/// Options of the generator; the defaults give MATLAB's 5000 + 5000 images.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntheticOptions {
    pub seed: u64,
    pub train: usize,
    pub test: usize,
    /// Largest rotation in degrees (uniform in ±max).
    pub max_rotation_deg: f64,
}

impl Default for SyntheticOptions {
    fn default() -> Self {
        Self {
            seed: 0,
            train: 5000,
            test: 5000,
            max_rotation_deg: 45.0,
        }
    }
}

impl SyntheticOptions {
    /// Checks the options once, before any work.
    pub fn check(&self) -> Result<()> {
        if self.train == 0 || self.test == 0 {
            return Err(DataError::BadOption(format!(
                "train and test must be at least 1 (got train = {}, test = {})",
                self.train, self.test
            )));
        }
        if !(0.0..=180.0).contains(&self.max_rotation_deg) {
            return Err(DataError::BadOption(format!(
                "max_rotation_deg must be in [0, 180], got {}",
                self.max_rotation_deg
            )));
        }
        Ok(())
    }
}

/// Which of the two disjoint random streams of a seed to draw from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    Train = 0,
    Test = 1,
}

/// Generates the training and the test set.
pub fn generate(opts: &SyntheticOptions) -> Result<(Dataset, Dataset)> {
    opts.check()?;
    let faces = load_faces()?;
    let generator = Generator {
        faces: &faces,
        max_rotation: opts.max_rotation_deg.to_radians(),
    };
    Ok((
        generator.split(opts.seed, Split::Train, opts.train)?,
        generator.split(opts.seed, Split::Test, opts.test)?,
    ))
}

/// Number of distinct font faces the generator draws from.
pub fn face_count() -> usize {
    crate::fonts::face_sources().len()
}

struct Generator<'a> {
    faces: &'a [DigitFace],
    max_rotation: f64,
}

/// Uniform in [0,1) from the top 53 bits of one draw.
fn unit(rng: &mut ChaCha8Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

fn uniform(rng: &mut ChaCha8Rng, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * unit(rng)
}

fn below(rng: &mut ChaCha8Rng, n: usize) -> usize {
    (rng.next_u64() % n as u64) as usize
}

impl Generator<'_> {
    fn split(&self, seed: u64, split: Split, count: usize) -> Result<Dataset> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(split as u64);
        // Balanced classes: i mod 10, then a Fisher-Yates shuffle.
        let mut labels: Vec<usize> = (0..count).map(|i| i % 10).collect();
        for i in (1..count).rev() {
            labels.swap(i, below(&mut rng, i + 1));
        }
        let mut pixels = vec![0u8; count * SIDE * SIDE];
        let mut pixmap = Pixmap::new(SIDE as u32, SIDE as u32).expect("28x28 pixmap");
        for (n, &digit) in labels.iter().enumerate() {
            pixmap.fill(tiny_skia::Color::TRANSPARENT);
            self.draw(&mut rng, digit, &mut pixmap);
            for (dst, px) in pixels[n * SIDE * SIDE..(n + 1) * SIDE * SIDE]
                .iter_mut()
                .zip(pixmap.pixels())
            {
                *dst = px.alpha();
            }
        }
        let name = match split {
            Split::Train => "synthetic training set",
            Split::Test => "synthetic test set",
        };
        Dataset::from_u8(name, &pixels, SIDE, SIDE, labels, numbered_classes(10))
    }

    /// Draws one digit: fit the glyph box into about 20×20, then a random scale, aspect,
    /// shear, rotation and shift, kept inside the frame; sometimes a thicker stroke.
    fn draw(&self, rng: &mut ChaCha8Rng, digit: usize, pixmap: &mut Pixmap) {
        let face = &self.faces[below(rng, self.faces.len())];
        let glyph = &face.digits[digit];
        let height_px = uniform(rng, 15.5, 21.0);
        let aspect = uniform(rng, 0.85, 1.2);
        let shear = uniform(rng, -0.25, 0.25);
        let angle = uniform(rng, -self.max_rotation, self.max_rotation);
        let shift_x = uniform(rng, -2.0, 2.0);
        let shift_y = uniform(rng, -2.0, 2.0);
        let thicken = unit(rng) < 0.4;
        let stroke_px = uniform(rng, 0.3, 1.3);

        let b = glyph.bounds;
        let (bw, bh) = (
            f64::from(b.width()).max(1.0),
            f64::from(b.height()).max(1.0),
        );
        let (cx, cy) = (
            f64::from(b.left()) + bw / 2.0,
            f64::from(b.top()) + bh / 2.0,
        );
        // Font units → pixels, y flipped; wide glyphs (e.g. a mono '1' is narrow, a '0' wide)
        // are limited to 20 px width as in MNIST's 20×20 box.
        let mut scale = (height_px / bh).min(20.0 / (bw * aspect));
        let (sin, cos) = angle.sin_cos();
        // Linear part L = R(angle) · Shear(shear) · diag(aspect, -1), times `scale`.
        let lin = |s: f64| {
            let (a, d) = (s * aspect, -s);
            // Shear [[1, k], [0, 1]] · diag(a, d) = [[a, k d], [0, d]]
            let (m00, m01, m10, m11) = (a, shear * d, 0.0, d);
            (
                cos * m00 - sin * m10,
                cos * m01 - sin * m11,
                sin * m00 + cos * m10,
                sin * m01 + cos * m11,
            )
        };
        let corners = [
            (-bw / 2.0, -bh / 2.0),
            (bw / 2.0, -bh / 2.0),
            (-bw / 2.0, bh / 2.0),
            (bw / 2.0, bh / 2.0),
        ];
        let extent = |m: (f64, f64, f64, f64)| {
            let xs = corners.map(|(x, y)| m.0 * x + m.1 * y);
            let ys = corners.map(|(x, y)| m.2 * x + m.3 * y);
            let span = |v: [f64; 4]| {
                let lo = v.iter().cloned().fold(f64::INFINITY, f64::min);
                let hi = v.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                (lo, hi)
            };
            (span(xs), span(ys))
        };
        // The transformed box (plus the extra stroke) must fit in 24.5 px so nothing clips.
        let limit = 24.5 - stroke_px;
        let ((x0, x1), (y0, y1)) = extent(lin(scale));
        let largest = (x1 - x0).max(y1 - y0);
        if largest > limit {
            scale *= limit / largest;
        }
        let m = lin(scale);
        let ((x0, x1), (y0, y1)) = extent(m);
        let centre = SIDE as f64 / 2.0;
        let margin = 1.5 + stroke_px / 2.0;
        let tx = (centre + shift_x).clamp(margin - x0, SIDE as f64 - margin - x1);
        let ty = (centre + shift_y).clamp(margin - y0, SIDE as f64 - margin - y1);
        let transform = Transform::from_row(
            m.0 as f32,
            m.2 as f32,
            m.1 as f32,
            m.3 as f32,
            (tx - (m.0 * cx + m.1 * cy)) as f32,
            (ty - (m.2 * cx + m.3 * cy)) as f32,
        );
        let mut paint = Paint::default();
        paint.set_color_rgba8(255, 255, 255, 255);
        paint.anti_alias = true;
        pixmap.fill_path(&glyph.path, &paint, FillRule::Winding, transform, None);
        if thicken {
            let stroke = Stroke {
                width: (stroke_px / scale) as f32,
                ..Stroke::default()
            };
            pixmap.stroke_path(&glyph.path, &paint, &stroke, transform, None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small(seed: u64) -> (Dataset, Dataset) {
        generate(&SyntheticOptions {
            seed,
            train: 200,
            test: 100,
            ..Default::default()
        })
        .unwrap()
    }

    #[test]
    fn deterministic_and_seed_dependent() {
        let (a, at) = small(7);
        let (b, bt) = small(7);
        assert_eq!(a.to_u8(), b.to_u8());
        assert_eq!(at.to_u8(), bt.to_u8());
        assert_eq!(a.labels, b.labels);
        let (c, _) = small(8);
        assert_ne!(a.to_u8(), c.to_u8());
        // Training and test streams are disjoint: the first images differ.
        assert_ne!(a.sample(0), at.sample(0));
    }

    #[test]
    fn balanced_and_in_range() {
        let (a, t) = small(1);
        assert_eq!(a.class_counts(), vec![20; 10]);
        assert_eq!(t.class_counts(), vec![10; 10]);
        assert!(a.features.iter().all(|&v| (0.0..=1.0).contains(&v)));
        // Every image has ink, and a good share of it is fully on.
        for i in 0..a.len() {
            let s = a.sample(i);
            let ink: f32 = s.iter().sum();
            assert!(ink > 20.0, "image {i} nearly empty: {ink}");
            assert!(s.iter().any(|&v| v > 0.95), "image {i} has no solid stroke");
        }
    }

    #[test]
    fn not_clipped_and_centred() {
        let (a, _) = small(3);
        let mut border = 0.0f64;
        let mut total = 0.0f64;
        let (mut my, mut mx) = (0.0f64, 0.0f64);
        for i in 0..a.len() {
            let s = a.sample(i);
            for r in 0..SIDE {
                for c in 0..SIDE {
                    let v = f64::from(s[r * SIDE + c]);
                    total += v;
                    my += v * r as f64;
                    mx += v * c as f64;
                    if r == 0 || c == 0 || r == SIDE - 1 || c == SIDE - 1 {
                        border += v;
                    }
                }
            }
        }
        assert!(
            border / total < 1e-3,
            "ink on the frame: {}",
            border / total
        );
        let (cy, cx) = (my / total, mx / total);
        assert!(
            (cy - 13.5).abs() < 1.0 && (cx - 13.5).abs() < 1.0,
            "centre {cy},{cx}"
        );
    }

    #[test]
    fn enough_faces() {
        assert!(face_count() >= 15);
        assert_eq!(load_faces().unwrap().len(), face_count());
    }
}
