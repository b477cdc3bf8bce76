//! Steps 4-5: encode the images with the first autoencoder, train the second (hidden 50).

mod common;

use sae_core::model_file::ModelFile;
use sae_core::{AutoencoderOptions, SparseCost, train_autoencoder};

fn main() {
    let ae1 = common::load("ae1", "02_first_autoencoder")
        .into_autoencoder("ae1")
        .expect("an autoencoder");
    let (train, _) = common::digits();
    let compute = common::compute();
    let x = compute.matrix_f32(&train.features, train.len(), train.num_features());
    let feat1 = ae1.encode(&compute, x);
    let opts = AutoencoderOptions {
        hidden_size: 50,
        max_epochs: 100,
        cost: SparseCost {
            l2_weight_regularization: 0.002,
            sparsity_regularization: 4.0,
            sparsity_proportion: 0.1,
        },
        scale_data: false,
        seed: 1,
        ..Default::default()
    };
    let (ae2, record) = train_autoencoder(
        &compute,
        feat1,
        &opts,
        &mut common::progress("autoencoder 2"),
    )
    .expect("training");
    println!(
        "{} after {} epochs, perf {:.5e}",
        record.stop_reason,
        record.epochs_run(),
        record.best_perf
    );
    common::save("ae2", ModelFile::Autoencoder(ae2));
}
