//! A folder of users' images with one subfolder per class (`0/`, `1/`, … or any names,
//! sorted). Images are converted to grey; with a target size they are resized to it,
//! without one they must all have the size of the first image.

use std::path::{Path, PathBuf};

use image::imageops::FilterType;

use crate::dataset::Dataset;
use crate::error::{DataError, Result};

/// How to turn image files into a data set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FolderOptions {
    /// Resize every image to (height, width); `None` requires equal sizes.
    pub size: Option<(usize, usize)>,
}

/// Reads one image file as grey values in [0,1], resized when `size` is given.
pub fn read_grey_image(
    path: &Path,
    size: Option<(usize, usize)>,
) -> Result<(usize, usize, Vec<f32>)> {
    let bad = |problem: String| DataError::BadImage {
        path: path.to_path_buf(),
        problem,
    };
    let reader = image::ImageReader::open(path)
        .map_err(|source| DataError::Read {
            path: path.to_path_buf(),
            source,
        })?
        .with_guessed_format()
        .map_err(|e| bad(e.to_string()))?;
    let img = reader.decode().map_err(|e| bad(e.to_string()))?;
    let mut grey = img.to_luma8();
    if let Some((h, w)) = size
        && (grey.height() as usize != h || grey.width() as usize != w)
    {
        grey = image::imageops::resize(&grey, w as u32, h as u32, FilterType::Triangle);
    }
    let (h, w) = (grey.height() as usize, grey.width() as usize);
    Ok((
        h,
        w,
        grey.into_raw()
            .iter()
            .map(|&p| f32::from(p) / 255.0)
            .collect(),
    ))
}

fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>> {
    let read_err = |source| DataError::Read {
        path: dir.to_path_buf(),
        source,
    };
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(read_err)? {
        let entry = entry.map_err(read_err)?;
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        out.push(entry.path());
    }
    out.sort();
    Ok(out)
}

/// Loads `root/<class>/<image>`; class names are the subfolder names in sorted order.
/// `classes` fixes the class list (e.g. the training set's) so a test folder maps the same way.
pub fn load_folder(
    root: &Path,
    opts: FolderOptions,
    classes: Option<&[String]>,
) -> Result<Dataset> {
    let subdirs: Vec<PathBuf> = sorted_entries(root)?
        .into_iter()
        .filter(|p| p.is_dir())
        .collect();
    if subdirs.is_empty() {
        return Err(DataError::BadFolder {
            path: root.to_path_buf(),
            problem: "has no class subfolders (expected one subfolder per class, e.g. 0/ 1/ …)"
                .into(),
        });
    }
    let names: Vec<String> = subdirs
        .iter()
        .map(|p| {
            p.file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    let class_names: Vec<String> = match classes {
        Some(c) => c.to_vec(),
        None => names.clone(),
    };
    let mut features = Vec::new();
    let mut labels = Vec::new();
    let mut shape: Option<(usize, usize)> = opts.size;
    for (dir, name) in subdirs.iter().zip(&names) {
        let label =
            class_names
                .iter()
                .position(|c| c == name)
                .ok_or_else(|| DataError::BadFolder {
                    path: dir.clone(),
                    problem: format!(
                        "class '{name}' is not one of the training classes {class_names:?}"
                    ),
                })?;
        for file in sorted_entries(dir)?.into_iter().filter(|p| p.is_file()) {
            let (h, w, px) = read_grey_image(&file, opts.size)?;
            match shape {
                None => shape = Some((h, w)),
                Some((eh, ew)) if (eh, ew) != (h, w) => {
                    return Err(DataError::SizeMismatch {
                        path: file,
                        expected_h: eh,
                        expected_w: ew,
                        found_h: h,
                        found_w: w,
                    });
                }
                Some(_) => {}
            }
            features.extend_from_slice(&px);
            labels.push(label);
        }
    }
    let Some((h, w)) = shape.filter(|_| !labels.is_empty()) else {
        return Err(DataError::BadFolder {
            path: root.to_path_buf(),
            problem: "contains no image files".into(),
        });
    };
    Dataset::new(
        &root.display().to_string(),
        features,
        h,
        w,
        labels,
        class_names,
    )
}
