//! Model files: bit-exact round trips in every format for every model type, and clear
//! errors for truncated, corrupt or wrong-kind files.

mod common;

use common::{flex, inputs, one_hot};
use sae_core::model_file::{ModelFile, ModelFormat};
use sae_core::{
    AutoencoderOptions, Precision, SoftmaxOptions, stack, train_autoencoder, train_softmax_layer,
};

fn models() -> Vec<ModelFile> {
    let c = flex(Precision::F32);
    let (n, d) = (20, 6);
    let x = c.matrix(&inputs(n, d), n, d);
    let opts = AutoencoderOptions {
        hidden_size: 4,
        max_epochs: 3,
        ..Default::default()
    };
    let (ae1, _) = train_autoencoder(&c, x.clone(), &opts, &mut |_| {}).unwrap();
    let opts2 = AutoencoderOptions {
        hidden_size: 3,
        max_epochs: 3,
        scale_data: false,
        ..Default::default()
    };
    let h = ae1.encode(&c, x);
    let (ae2, _) = train_autoencoder(&c, h.clone(), &opts2, &mut |_| {}).unwrap();
    let t = c.matrix(&one_hot(n, 3), n, 3);
    let (soft, _) = train_softmax_layer(
        &c,
        ae2.encode(&c, h),
        t,
        &SoftmaxOptions {
            max_epochs: 3,
            ..Default::default()
        },
        &mut |_| {},
    )
    .unwrap();
    let net = stack(&[&ae1, &ae2], &soft).unwrap();
    assert!(ae1.scaling.is_some());
    vec![
        ModelFile::Autoencoder(ae1),
        ModelFile::Softmax(soft),
        ModelFile::Stack(net),
    ]
}

fn bits(m: &ModelFile) -> String {
    // Debug formatting of f64 is exact (shortest round trip), so equal strings mean equal bits.
    format!("{m:?}")
}

#[test]
fn every_model_round_trips_bit_exactly_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    for m in models() {
        for f in ModelFormat::ALL {
            let path = dir.path().join(format!("{}.{}", m.kind(), f.extension()));
            std::fs::write(&path, m.to_bytes(f).unwrap()).unwrap();
            let back = ModelFile::load(&path).unwrap();
            assert_eq!(bits(&back), bits(&m), "{} in {f:?}", m.kind());
            assert_eq!(back, m);
            // Saving again gives identical bytes.
            assert_eq!(back.to_bytes(f).unwrap(), m.to_bytes(f).unwrap());
        }
    }
}

#[test]
fn safetensors_layout_is_readable_without_sae() {
    let m = &models()[0];
    let bytes = m.to_bytes(ModelFormat::Safetensors).unwrap();
    let st = safetensors::SafeTensors::deserialize(&bytes).unwrap();
    let w = st.tensor("layers.0.weight").unwrap();
    assert_eq!(w.shape(), &[6, 4]);
    assert_eq!(w.dtype(), safetensors::Dtype::F64);
    let ModelFile::Autoencoder(ae) = m else {
        unreachable!()
    };
    let first = f64::from_le_bytes(w.data()[..8].try_into().unwrap());
    assert_eq!(first, ae.encoder.weight[0]);
    assert!(st.tensor("scaling.x_min").is_ok());
}

#[test]
fn bad_files_are_clear_errors() {
    let ms = models();
    for f in ModelFormat::ALL {
        let good = ms[2].to_bytes(f).unwrap();
        for cut in [0, 7, good.len() / 2, good.len() - 1] {
            let e = ModelFile::from_bytes(&good[..cut], f, "m")
                .unwrap_err()
                .to_string();
            assert!(e.starts_with("m: "), "{f:?} cut {cut}: {e}");
        }
        let mut flipped = good.clone();
        let mid = flipped.len() / 3;
        for b in &mut flipped[mid..mid + 16] {
            *b ^= 0x5a;
        }
        // Corruption is either detected or (if it hit only weight bytes) yields finite
        // weights of the right shapes; it never panics.
        let _ = ModelFile::from_bytes(&flipped, f, "m");
        // Loading a stack as an autoencoder names both kinds.
        let e = ModelFile::from_bytes(&good, f, "m")
            .unwrap()
            .into_autoencoder("m")
            .unwrap_err()
            .to_string();
        assert!(e.contains("autoencoder") && e.contains("stack"), "{e}");
    }
    let e = ModelFile::load(std::path::Path::new("model.txt"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("cannot read") || e.contains("extension"), "{e}");
    let e = ModelFormat::from_path(std::path::Path::new("model.onnx"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("extension"));
    // A stack whose layer sizes do not chain is refused.
    let ModelFile::Stack(mut net) = ms[2].clone() else {
        unreachable!()
    };
    net.layers.remove(1);
    let bytes = ModelFile::Stack(net).to_bytes(ModelFormat::Json).unwrap();
    let e = ModelFile::from_bytes(&bytes, ModelFormat::Json, "m")
        .unwrap_err()
        .to_string();
    assert!(e.contains("expects"), "{e}");
}
