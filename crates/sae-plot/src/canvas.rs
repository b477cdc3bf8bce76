//! A small RGB drawing surface with anti-aliased text (DejaVu Sans), used by every figure.

use std::sync::OnceLock;

use tiny_skia::{FillRule, Paint, PathBuilder, Pixmap, Rect, Transform};

/// An RGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

pub const WHITE: Rgb = Rgb(255, 255, 255);
pub const BLACK: Rgb = Rgb(0, 0, 0);

/// Horizontal text anchoring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Centre,
    Right,
}

/// An opaque canvas; pixel (0,0) is the top-left corner.
pub struct Canvas {
    pixmap: Pixmap,
}

fn font() -> &'static ttf_parser::Face<'static> {
    static FACE: OnceLock<ttf_parser::Face<'static>> = OnceLock::new();
    FACE.get_or_init(|| {
        ttf_parser::Face::parse(dejavu::sans::regular(), 0).expect("DejaVu Sans parses")
    })
}

struct Outline(PathBuilder);

impl ttf_parser::OutlineBuilder for Outline {
    fn move_to(&mut self, x: f32, y: f32) {
        self.0.move_to(x, y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.0.line_to(x, y);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        self.0.quad_to(x1, y1, x, y);
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.0.cubic_to(x1, y1, x2, y2, x, y);
    }
    fn close(&mut self) {
        self.0.close();
    }
}

fn paint(c: Rgb) -> Paint<'static> {
    let mut p = Paint::default();
    p.set_color_rgba8(c.0, c.1, c.2, 255);
    p.anti_alias = true;
    p
}

impl Canvas {
    /// A `width`×`height` canvas filled with `background`.
    pub fn new(width: u32, height: u32, background: Rgb) -> Self {
        let mut pixmap = Pixmap::new(width.max(1), height.max(1)).expect("canvas size");
        pixmap.fill(tiny_skia::Color::from_rgba8(
            background.0,
            background.1,
            background.2,
            255,
        ));
        Self { pixmap }
    }

    pub fn width(&self) -> u32 {
        self.pixmap.width()
    }

    pub fn height(&self) -> u32 {
        self.pixmap.height()
    }

    /// Fills an axis-aligned rectangle.
    pub fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32, colour: Rgb) {
        if let Some(r) = Rect::from_xywh(x, y, w, h) {
            self.pixmap
                .fill_rect(r, &paint(colour), Transform::identity(), None);
        }
    }

    /// Draws a polyline of `width` pixels.
    pub fn polyline(&mut self, points: &[(f32, f32)], width: f32, colour: Rgb) {
        let mut pb = PathBuilder::new();
        for (i, &(x, y)) in points.iter().enumerate() {
            if i == 0 {
                pb.move_to(x, y);
            } else {
                pb.line_to(x, y);
            }
        }
        if let Some(path) = pb.finish() {
            let stroke = tiny_skia::Stroke {
                width,
                ..Default::default()
            };
            self.pixmap
                .stroke_path(&path, &paint(colour), &stroke, Transform::identity(), None);
        }
    }

    /// Sets one pixel (no blending).
    pub fn set_pixel(&mut self, x: u32, y: u32, colour: Rgb) {
        let w = self.pixmap.width();
        if x < w && y < self.pixmap.height() {
            let i = 4 * (y * w + x) as usize;
            let d = self.pixmap.data_mut();
            d[i..i + 4].copy_from_slice(&[colour.0, colour.1, colour.2, 255]);
        }
    }

    /// Width in pixels of `text` at `size` pixels.
    pub fn text_width(text: &str, size: f32) -> f32 {
        let f = font();
        let scale = size / f32::from(f.units_per_em());
        text.chars()
            .map(|ch| {
                f.glyph_index(ch)
                    .and_then(|g| f.glyph_hor_advance(g))
                    .map_or(0.0, |a| f32::from(a) * scale)
            })
            .sum()
    }

    /// Draws `text` with its baseline at `y`, anchored at `x` by `align`.
    pub fn text(&mut self, text: &str, x: f32, y: f32, size: f32, colour: Rgb, align: Align) {
        let f = font();
        let scale = size / f32::from(f.units_per_em());
        let width = Self::text_width(text, size);
        let mut pen = match align {
            Align::Left => x,
            Align::Centre => x - width / 2.0,
            Align::Right => x - width,
        };
        let p = paint(colour);
        for ch in text.chars() {
            let Some(g) = f.glyph_index(ch) else { continue };
            let mut o = Outline(PathBuilder::new());
            if f.outline_glyph(g, &mut o).is_some()
                && let Some(path) = o.0.finish()
            {
                let t = Transform::from_row(scale, 0.0, 0.0, -scale, pen, y);
                self.pixmap.fill_path(&path, &p, FillRule::Winding, t, None);
            }
            pen += f.glyph_hor_advance(g).map_or(0.0, |a| f32::from(a) * scale);
        }
    }

    /// The pixels as an RGB image.
    pub fn to_rgb(&self) -> image::RgbImage {
        let (w, h) = (self.pixmap.width(), self.pixmap.height());
        let rgb: Vec<u8> = self
            .pixmap
            .data()
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect();
        image::RgbImage::from_raw(w, h, rgb).expect("buffer size")
    }

    /// PNG bytes of the canvas.
    pub fn to_png(&self) -> Vec<u8> {
        let mut out = std::io::Cursor::new(Vec::new());
        self.to_rgb()
            .write_to(&mut out, image::ImageFormat::Png)
            .expect("PNG encoding to memory cannot fail");
        out.into_inner()
    }
}

/// Grey level of a value in [0,1].
pub fn grey(v: f32) -> Rgb {
    let g = (v.clamp(0.0, 1.0) * 255.0).round() as u8;
    Rgb(g, g, g)
}
