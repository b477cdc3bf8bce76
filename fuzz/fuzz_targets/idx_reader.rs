//! The IDX reader on arbitrary bytes (plain or gzip): never panics; what it accepts
//! re-encodes to the same payload.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sae_data::idx::{encode_images, encode_labels, parse_bytes};
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let path = Path::new("fuzz");
    if let Ok((dims, pixels)) = parse_bytes(path, data, 3) {
        let again = encode_images(&pixels, dims[0], dims[1], dims[2]);
        assert_eq!(parse_bytes(path, &again, 3).unwrap(), (dims, pixels));
    }
    if let Ok((dims, labels)) = parse_bytes(path, data, 1) {
        assert_eq!(dims, vec![labels.len()]);
        assert_eq!(parse_bytes(path, &encode_labels(&labels), 1).unwrap().1, labels);
    }
});
