//! Step 6: the softmax layer on the second autoencoder's features (400 epochs).

mod common;

use sae_core::model_file::ModelFile;
use sae_core::{SoftmaxOptions, train_softmax_layer};

fn main() {
    let ae1 = common::load("ae1", "02_first_autoencoder")
        .into_autoencoder("ae1")
        .expect("an autoencoder");
    let ae2 = common::load("ae2", "03_second_autoencoder")
        .into_autoencoder("ae2")
        .expect("an autoencoder");
    let (train, _) = common::digits();
    let compute = common::compute();
    let x = compute.matrix_f32(&train.features, train.len(), train.num_features());
    let t = compute.matrix_f32(&train.one_hot(), train.len(), train.num_classes());
    let feat2 = ae2.encode(&compute, ae1.encode(&compute, x));
    let opts = SoftmaxOptions {
        max_epochs: 400,
        ..Default::default()
    };
    let (soft, record) =
        train_softmax_layer(&compute, feat2, t, &opts, &mut common::progress("softmax"))
            .expect("training");
    println!(
        "{} after {} epochs, perf {:.5e}",
        record.stop_reason,
        record.epochs_run(),
        record.best_perf
    );
    common::save("softnet", ModelFile::Softmax(soft));
}
