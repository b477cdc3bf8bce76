//! Figures made of images: the sample grid (the example's first figure) and the weight
//! gallery (plotWeights).

use crate::canvas::{Align, Canvas, Rgb, WHITE, grey};

/// Up-scaling of each image pixel in the figures.
const ZOOM: u32 = 4;

/// A grid of `images` (each `h·w` values in [0,1]) with a caption above each, `cols` per row.
pub fn sample_grid(
    images: &[&[f32]],
    h: usize,
    w: usize,
    captions: &[String],
    cols: usize,
) -> Canvas {
    let cols = cols.max(1);
    let rows = images.len().div_ceil(cols);
    let (tw, th) = (w as u32 * ZOOM, h as u32 * ZOOM);
    let (pad, caption) = (8u32, 18u32);
    let mut c = Canvas::new(
        cols as u32 * (tw + pad) + pad,
        rows as u32 * (th + caption + pad) + pad,
        WHITE,
    );
    for (i, img) in images.iter().enumerate() {
        let (gx, gy) = ((i % cols) as u32, (i / cols) as u32);
        let x0 = pad + gx * (tw + pad);
        let y0 = pad + gy * (th + caption + pad);
        if let Some(text) = captions.get(i) {
            c.text(
                text,
                (x0 + tw / 2) as f32,
                (y0 + caption - 5) as f32,
                13.0,
                Rgb(0, 0, 0),
                Align::Centre,
            );
        }
        blit(&mut c, img, (h, w), (x0, y0 + caption), ZOOM, |v| v);
    }
    c
}

fn blit(
    c: &mut Canvas,
    img: &[f32],
    (h, w): (usize, usize),
    (x0, y0): (u32, u32),
    zoom: u32,
    map: impl Fn(f32) -> f32,
) {
    for r in 0..h {
        for col in 0..w {
            let colour = grey(map(img[r * w + col]));
            for dy in 0..zoom {
                for dx in 0..zoom {
                    c.set_pixel(
                        x0 + col as u32 * zoom + dx,
                        y0 + r as u32 * zoom + dy,
                        colour,
                    );
                }
            }
        }
    }
}

/// plotWeights: each of `units` rows of `weights` (length `h·w`) reshaped to an h×w tile,
/// tiles in a near-square grid with a 1-pixel gap (zoomed), the whole gallery min–max
/// normalised to [0,1].
pub fn weight_gallery(weights: &[f32], units: usize, h: usize, w: usize) -> Canvas {
    assert_eq!(
        weights.len(),
        units * h * w,
        "weights must be units × (h·w)"
    );
    let cols = (units as f64).sqrt().ceil().max(1.0) as usize;
    let rows = units.div_ceil(cols);
    let zoom = 3u32;
    let gap = zoom;
    let (lo, hi) = weights
        .iter()
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    let span = if hi > lo { hi - lo } else { 1.0 };
    let (tw, th) = (w as u32 * zoom, h as u32 * zoom);
    let mut c = Canvas::new(
        cols as u32 * (tw + gap) + gap,
        rows as u32 * (th + gap) + gap,
        Rgb(255, 255, 255),
    );
    for u in 0..units {
        let x0 = gap + (u % cols) as u32 * (tw + gap);
        let y0 = gap + (u / cols) as u32 * (th + gap);
        blit(
            &mut c,
            &weights[u * h * w..(u + 1) * h * w],
            (h, w),
            (x0, y0),
            zoom,
            |v| (v - lo) / span,
        );
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_size_and_pixels() {
        let a = vec![1.0f32; 4];
        let b = vec![0.0f32; 4];
        let c = sample_grid(
            &[&a, &b, &a],
            2,
            2,
            &["1".into(), "0".into(), "1".into()],
            2,
        );
        assert_eq!(c.width(), 2 * (8 + 8) + 8);
        assert_eq!(c.height(), 2 * (8 + 18 + 8) + 8);
        let img = c.to_rgb();
        // First tile is white ink, second black.
        assert_eq!(img.get_pixel(8 + 1, 8 + 18 + 1).0, [255, 255, 255]);
        assert_eq!(img.get_pixel(8 + 16 + 1, 8 + 18 + 1).0, [0, 0, 0]);
    }

    #[test]
    fn gallery_normalises_globally() {
        // Two 1×2 units: values -1..3 map to 0..255.
        let c = weight_gallery(&[-1.0, 3.0, 1.0, 1.0], 2, 1, 2);
        let img = c.to_rgb();
        assert_eq!(img.get_pixel(3, 3).0, [0, 0, 0]);
        assert_eq!(img.get_pixel(3 + 3, 3).0, [255, 255, 255]);
        assert_eq!(img.get_pixel(3 + 6 + 3, 3).0[0], 128);
    }
}
