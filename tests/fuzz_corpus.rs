//! Replays the committed fuzzing corpus (fuzz/corpus/<target>/) through the same checks the
//! cargo-fuzz targets make, on the stable toolchain: no input panics, and what is accepted
//! round-trips.

use std::path::Path;

use sae_cli::config::Config;
use sae_core::model_file::{ModelFile, ModelFormat};
use sae_data::idx::{encode_images, encode_labels, parse_bytes};

fn corpus(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "empty corpus {}", dir.display());
    files
        .into_iter()
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect()
}

#[test]
fn idx_reader_corpus() {
    let mut accepted = 0;
    for (name, data) in corpus("idx_reader") {
        let path = Path::new(&name);
        if let Ok((dims, pixels)) = parse_bytes(path, &data, 3) {
            accepted += 1;
            let again = encode_images(&pixels, dims[0], dims[1], dims[2]);
            assert_eq!(
                parse_bytes(path, &again, 3).unwrap(),
                (dims, pixels),
                "{name}"
            );
        }
        if let Ok((_, labels)) = parse_bytes(path, &data, 1) {
            accepted += 1;
            assert_eq!(
                parse_bytes(path, &encode_labels(&labels), 1).unwrap().1,
                labels,
                "{name}"
            );
        }
    }
    assert!(accepted >= 4, "the seed files must parse");
}

#[test]
fn config_parser_corpus() {
    for (name, data) in corpus("config_parser") {
        if let Ok(text) = std::str::from_utf8(&data)
            && let Ok(config) = Config::parse(text, &name)
        {
            let _ = config.resolve();
        }
    }
}

#[test]
fn model_loader_corpus() {
    let mut accepted = 0;
    for (name, data) in corpus("model_loader") {
        for format in ModelFormat::ALL {
            if let Ok(model) = ModelFile::from_bytes(&data, format, &name) {
                accepted += 1;
                let bytes = model.to_bytes(format).unwrap();
                let back = ModelFile::from_bytes(&bytes, format, &name).unwrap();
                assert_eq!(format!("{back:?}"), format!("{model:?}"), "{name}");
            }
        }
    }
    assert!(accepted >= 6, "the seed models must load");
}
