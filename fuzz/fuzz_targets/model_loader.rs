//! The model-file loader (JSON, safetensors, burnpack) on arbitrary bytes: never panics;
//! what it accepts saves and loads back to the same model.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sae_core::model_file::{ModelFile, ModelFormat};

fuzz_target!(|data: &[u8]| {
    for format in ModelFormat::ALL {
        if let Ok(model) = ModelFile::from_bytes(data, format, "fuzz") {
            let bytes = model.to_bytes(format).expect("a loaded model saves");
            let back = ModelFile::from_bytes(&bytes, format, "fuzz").expect("a saved model loads");
            assert_eq!(format!("{back:?}"), format!("{model:?}"));
        }
    }
});
