//! The font faces digits are drawn from: DejaVu (via the `dejavu` crate) and handwriting-like
//! OFL / public-domain faces committed unmodified under `crates/sae-data/fonts/` with their
//! licence files.

use tiny_skia::{Path as SkPath, PathBuilder, Rect};

use crate::error::{DataError, Result};

/// A font face by name, as raw TrueType/OpenType bytes.
pub struct FaceSource {
    pub name: &'static str,
    pub bytes: &'static [u8],
}

macro_rules! bundled {
    ($name:literal, $file:literal) => {
        FaceSource {
            name: $name,
            bytes: include_bytes!(concat!("../fonts/", $file)),
        }
    };
}

/// Every face the generator draws from, in a fixed order (the order is part of the stream).
pub fn face_sources() -> Vec<FaceSource> {
    vec![
        FaceSource {
            name: "DejaVu Sans",
            bytes: dejavu::sans::regular(),
        },
        FaceSource {
            name: "DejaVu Sans Bold",
            bytes: dejavu::sans::bold(),
        },
        FaceSource {
            name: "DejaVu Sans Oblique",
            bytes: dejavu::sans::oblique(),
        },
        FaceSource {
            name: "DejaVu Sans ExtraLight",
            bytes: dejavu::sans::extra_light(),
        },
        FaceSource {
            name: "DejaVu Sans Condensed Bold",
            bytes: dejavu::sans_condensed::bold(),
        },
        FaceSource {
            name: "DejaVu Serif",
            bytes: dejavu::serif::regular(),
        },
        FaceSource {
            name: "DejaVu Serif Bold",
            bytes: dejavu::serif::bold(),
        },
        FaceSource {
            name: "DejaVu Serif Italic",
            bytes: dejavu::serif::italic(),
        },
        FaceSource {
            name: "DejaVu Sans Mono",
            bytes: dejavu::sans_mono::regular(),
        },
        FaceSource {
            name: "DejaVu Sans Mono Bold Oblique",
            bytes: dejavu::sans_mono::bold_oblique(),
        },
        bundled!("Because We Build", "BecauseWeBuild-Regular.otf"),
        bundled!("Because We Connect", "BecauseWeConnect-Regular.otf"),
        bundled!("Because We Create", "BecauseWeCreate-Regular.otf"),
        bundled!("Because We Learn", "BecauseWeLearn-Regular.otf"),
        bundled!("Because We Mentor", "BecauseWeMentor-Regular.otf"),
        bundled!("Because We Organize", "BecauseWeOrganize-Regular.otf"),
        bundled!("Comic Neue", "ComicNeue-Regular.otf"),
        bundled!("Comic Neue Bold", "ComicNeue-Bold.otf"),
        bundled!("Kristi", "Kristi.ttf"),
        bundled!("Humor Sans", "Humor-Sans.ttf"),
        bundled!("OCR-A", "OCRA.ttf"),
    ]
}

/// The outline of one digit in font units (y up), with its tight bounding box.
pub struct DigitGlyph {
    pub path: SkPath,
    pub bounds: Rect,
}

/// The outlines of the ten digits of one face.
pub struct DigitFace {
    pub name: &'static str,
    pub digits: Vec<DigitGlyph>,
}

struct Builder(PathBuilder);

impl ttf_parser::OutlineBuilder for Builder {
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

/// Parses a face and extracts the outlines of '0'..='9'.
pub fn load_face(src: &FaceSource) -> Result<DigitFace> {
    let err = |problem: String| DataError::Font {
        name: src.name.to_string(),
        problem,
    };
    let face = ttf_parser::Face::parse(src.bytes, 0).map_err(|e| err(e.to_string()))?;
    let mut digits = Vec::with_capacity(10);
    for ch in '0'..='9' {
        let id = face
            .glyph_index(ch)
            .ok_or_else(|| err(format!("has no glyph for '{ch}'")))?;
        let mut b = Builder(PathBuilder::new());
        face.outline_glyph(id, &mut b)
            .ok_or_else(|| err(format!("glyph '{ch}' has no outline")))?;
        let path =
            b.0.finish()
                .ok_or_else(|| err(format!("glyph '{ch}' is empty")))?;
        let bounds = path.bounds();
        digits.push(DigitGlyph { path, bounds });
    }
    Ok(DigitFace {
        name: src.name,
        digits,
    })
}

/// Loads every bundled face.
pub fn load_faces() -> Result<Vec<DigitFace>> {
    face_sources().iter().map(load_face).collect()
}
