//! Step 3: the first sparse autoencoder (hidden 100, 400 epochs) and its weights (plotWeights).

mod common;

use sae_core::model_file::ModelFile;
use sae_core::{AutoencoderOptions, SparseCost, train_autoencoder};

fn main() {
    let (train, _) = common::digits();
    let compute = common::compute();
    let x = compute.matrix_f32(&train.features, train.len(), train.num_features());
    let opts = AutoencoderOptions {
        hidden_size: 100,
        max_epochs: 400,
        cost: SparseCost {
            l2_weight_regularization: 0.004,
            sparsity_regularization: 4.0,
            sparsity_proportion: 0.15,
        },
        scale_data: false,
        seed: 0,
        ..Default::default()
    };
    let (ae1, record) =
        train_autoencoder(&compute, x, &opts, &mut common::progress("autoencoder 1"))
            .expect("training");
    println!(
        "{} after {} epochs, perf {:.5e}",
        record.stop_reason,
        record.epochs_run(),
        record.best_perf
    );
    let rows: Vec<f32> = ae1
        .encoder
        .weight_rows()
        .iter()
        .map(|&v| v as f32)
        .collect();
    let fig = sae_plot::weight_gallery(&rows, 100, train.height, train.width);
    let path = common::out_dir().join("weights-ae1.png");
    std::fs::write(&path, fig.to_png()).expect("write figure");
    println!("wrote {}", path.display());
    common::save("ae1", ModelFile::Autoencoder(ae1));
}
