//! IDX files (the MNIST format): big-endian header `0 0 type ndims`, one u32 per dimension,
//! then row-major data. Only unsigned-byte data (type 0x08) is supported. Gzip is detected
//! from the content (magic bytes 1f 8b), not the file name.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;
use flate2::write::GzEncoder;

use crate::dataset::{Dataset, numbered_classes};
use crate::error::{DataError, Result};

/// Largest payload accepted (16 GiB), so that a forged header cannot ask for absurd memory.
const MAX_PAYLOAD: u64 = 1 << 34;

/// Raw 8-bit images read from an IDX file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdxImages {
    pub count: usize,
    pub rows: usize,
    pub cols: usize,
    pub pixels: Vec<u8>,
}

/// Parses an IDX byte stream whose first bytes are already known to be IDX (not gzip).
/// `expected_dims` is 3 for images and 1 for labels.
fn parse(path: &Path, reader: &mut dyn Read, expected_dims: u8) -> Result<(Vec<usize>, Vec<u8>)> {
    let gz_err = |e: std::io::Error| {
        if e.kind() == std::io::ErrorKind::InvalidInput
            || e.kind() == std::io::ErrorKind::InvalidData
        {
            DataError::Gzip {
                path: path.to_path_buf(),
                source: e,
            }
        } else {
            DataError::Read {
                path: path.to_path_buf(),
                source: e,
            }
        }
    };
    let mut magic = [0u8; 4];
    let got = read_full(reader, &mut magic).map_err(gz_err)?;
    if got < 4 {
        return Err(DataError::BadHeader {
            path: path.to_path_buf(),
            problem: format!("truncated header ({got} of 4 magic bytes)"),
        });
    }
    if magic[0] != 0 || magic[1] != 0 {
        return Err(DataError::BadHeader {
            path: path.to_path_buf(),
            problem: format!(
                "wrong magic number 0x{:02x}{:02x}{:02x}{:02x} (the first two bytes must be zero)",
                magic[0], magic[1], magic[2], magic[3]
            ),
        });
    }
    if magic[2] != 0x08 {
        return Err(DataError::UnsupportedType {
            path: path.to_path_buf(),
            found: magic[2],
        });
    }
    let ndims = magic[3];
    if ndims != expected_dims {
        return Err(DataError::WrongKind {
            path: path.to_path_buf(),
            expected: if expected_dims == 3 { "image" } else { "label" },
            expected_dims,
            found_dims: ndims,
        });
    }
    let mut dim_bytes = vec![0u8; 4 * ndims as usize];
    let got = read_full(reader, &mut dim_bytes).map_err(gz_err)?;
    if got < dim_bytes.len() {
        return Err(DataError::BadHeader {
            path: path.to_path_buf(),
            problem: format!(
                "truncated header ({} of {} dimension bytes)",
                got,
                dim_bytes.len()
            ),
        });
    }
    let dims: Vec<usize> = dim_bytes
        .chunks_exact(4)
        .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]) as usize)
        .collect();
    let expected = dims
        .iter()
        .try_fold(1u64, |acc, &d| acc.checked_mul(d as u64))
        .filter(|&n| n <= MAX_PAYLOAD)
        .ok_or_else(|| DataError::BadHeader {
            path: path.to_path_buf(),
            problem: format!("dimensions {dims:?} are too large"),
        })?;
    let mut data = Vec::new();
    reader
        .take(expected + 1)
        .read_to_end(&mut data)
        .map_err(gz_err)?;
    let found = data.len() as u64;
    if found < expected {
        return Err(DataError::Truncated {
            path: path.to_path_buf(),
            expected,
            found,
        });
    }
    if found > expected {
        let extra = 1 + std::io::copy(reader, &mut std::io::sink()).map_err(gz_err)?;
        return Err(DataError::TrailingBytes {
            path: path.to_path_buf(),
            expected,
            extra,
        });
    }
    if dims[0] == 0 {
        return Err(DataError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok((dims, data))
}

/// Reads until `buf` is full or the stream ends; returns the number of bytes read.
fn read_full(reader: &mut dyn Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// Parses IDX bytes held in memory (plain or gzip).
pub fn parse_bytes(path: &Path, bytes: &[u8], expected_dims: u8) -> Result<(Vec<usize>, Vec<u8>)> {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut dec = MultiGzDecoder::new(bytes);
        parse(path, &mut dec, expected_dims)
    } else {
        let mut r = bytes;
        parse(path, &mut r, expected_dims)
    }
}

fn open_and_parse(path: &Path, expected_dims: u8) -> Result<(Vec<usize>, Vec<u8>)> {
    let read_err = |source| DataError::Read {
        path: path.to_path_buf(),
        source,
    };
    let mut file = BufReader::new(File::open(path).map_err(read_err)?);
    let mut head = [0u8; 2];
    let got = read_full(&mut file, &mut head).map_err(read_err)?;
    let mut chained = (&head[..got]).chain(file);
    if got == 2 && head == [0x1f, 0x8b] {
        let mut dec = MultiGzDecoder::new(chained);
        parse(path, &mut dec, expected_dims)
    } else {
        parse(path, &mut chained, expected_dims)
    }
}

/// Reads an IDX image file (`N×rows×cols` unsigned bytes), gzipped or not.
pub fn read_images(path: &Path) -> Result<IdxImages> {
    let (dims, pixels) = open_and_parse(path, 3)?;
    Ok(IdxImages {
        count: dims[0],
        rows: dims[1],
        cols: dims[2],
        pixels,
    })
}

/// Reads an IDX label file (`N` unsigned bytes), gzipped or not.
pub fn read_labels(path: &Path) -> Result<Vec<u8>> {
    Ok(open_and_parse(path, 1)?.1)
}

/// Serialises images to IDX bytes (magic 0x00000803).
pub fn encode_images(pixels: &[u8], count: usize, rows: usize, cols: usize) -> Vec<u8> {
    assert_eq!(pixels.len(), count * rows * cols, "pixel buffer size");
    let mut out = Vec::with_capacity(16 + pixels.len());
    out.extend_from_slice(&[0, 0, 0x08, 3]);
    for d in [count, rows, cols] {
        out.extend_from_slice(&(d as u32).to_be_bytes());
    }
    out.extend_from_slice(pixels);
    out
}

/// Serialises labels to IDX bytes (magic 0x00000801).
pub fn encode_labels(labels: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(8 + labels.len());
    out.extend_from_slice(&[0, 0, 0x08, 1]);
    out.extend_from_slice(&(labels.len() as u32).to_be_bytes());
    out.extend_from_slice(labels);
    out
}

/// Writes `bytes` to `path` atomically (temporary file in the same folder, then rename),
/// gzip-compressed when `gzip` is true.
pub fn write_atomic(path: &Path, bytes: &[u8], gzip: bool) -> Result<()> {
    let write_err = |source| DataError::Write {
        path: path.to_path_buf(),
        source,
    };
    let tmp = temp_path(path);
    let result = (|| -> std::io::Result<()> {
        let file = BufWriter::new(File::create(&tmp)?);
        if gzip {
            let mut enc = GzEncoder::new(file, flate2::Compression::default());
            enc.write_all(bytes)?;
            enc.finish()?
                .into_inner()
                .map_err(|e| e.into_error())?
                .sync_all()?;
        } else {
            let mut file = file;
            file.write_all(bytes)?;
            file.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        }
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(write_err)
}

/// The temporary name a file is written under before being renamed into place.
pub fn temp_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{}.tmp", std::process::id()));
    path.with_file_name(name)
}

/// Loads an image file and a label file into a [`Dataset`] with `classes` classes
/// (labels must be `< classes`).
pub fn load_dataset(images: &Path, labels: &Path, classes: usize) -> Result<Dataset> {
    let img = read_images(images)?;
    let lab = read_labels(labels)?;
    if lab.len() != img.count {
        return Err(DataError::CountMismatch {
            path: labels.to_path_buf(),
            labels: lab.len(),
            images: img.count,
        });
    }
    let labels_usize: Vec<usize> = lab.iter().map(|&l| l as usize).collect();
    Dataset::from_u8(
        &labels.display().to_string(),
        &img.pixels,
        img.rows,
        img.cols,
        labels_usize,
        numbered_classes(classes),
    )
}

/// Writes a data set as an IDX image file and an IDX label file.
pub fn save_dataset(set: &Dataset, images: &Path, labels: &Path, gzip: bool) -> Result<()> {
    let labels_u8: Vec<u8> = set.labels.iter().map(|&l| l as u8).collect();
    write_atomic(
        images,
        &encode_images(&set.to_u8(), set.len(), set.height, set.width),
        gzip,
    )?;
    write_atomic(labels, &encode_labels(&labels_u8), gzip)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> PathBuf {
        PathBuf::from("mem")
    }

    #[test]
    fn round_trip_in_memory() {
        let px: Vec<u8> = (0..2 * 3 * 4).map(|i| i as u8).collect();
        let bytes = encode_images(&px, 2, 3, 4);
        assert_eq!(&bytes[..4], &[0, 0, 8, 3]);
        assert_eq!(bytes.len(), 16 + 24);
        let (dims, data) = parse_bytes(&p(), &bytes, 3).unwrap();
        assert_eq!(dims, vec![2, 3, 4]);
        assert_eq!(data, px);
    }

    #[test]
    fn header_errors() {
        let good = encode_labels(&[1, 2, 3]);
        let mut wrong_magic = good.clone();
        wrong_magic[0] = 7;
        assert!(matches!(
            parse_bytes(&p(), &wrong_magic, 1),
            Err(DataError::BadHeader { .. })
        ));
        let mut wrong_type = good.clone();
        wrong_type[2] = 0x0d;
        assert!(matches!(
            parse_bytes(&p(), &wrong_type, 1),
            Err(DataError::UnsupportedType { found: 0x0d, .. })
        ));
        assert!(matches!(
            parse_bytes(&p(), &good[..6], 1),
            Err(DataError::BadHeader { .. })
        ));
        assert!(matches!(
            parse_bytes(&p(), &good[..10], 1),
            Err(DataError::Truncated {
                expected: 3,
                found: 2,
                ..
            })
        ));
        let mut trailing = good.clone();
        trailing.extend_from_slice(&[9, 9]);
        assert!(matches!(
            parse_bytes(&p(), &trailing, 1),
            Err(DataError::TrailingBytes { extra: 2, .. })
        ));
        assert!(matches!(
            parse_bytes(&p(), &good, 3),
            Err(DataError::WrongKind { .. })
        ));
        assert!(matches!(
            parse_bytes(&p(), &encode_labels(&[]), 1),
            Err(DataError::Empty { .. })
        ));
        let huge = [
            0, 0, 8, 3, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
        ];
        assert!(matches!(
            parse_bytes(&p(), &huge, 3),
            Err(DataError::BadHeader { .. })
        ));
    }
}
