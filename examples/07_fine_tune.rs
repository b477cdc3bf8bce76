//! Step 9: fine-tune the whole stack on the training set, then test again.

mod common;

use sae_core::model_file::ModelFile;
use sae_core::{ConfusionMatrix, fine_tune};

fn main() {
    let net = common::load("stackednet", "05_stack_and_view")
        .into_stack("stackednet")
        .expect("a stack");
    let (train, test) = common::digits();
    let compute = common::compute();
    let x = compute.matrix_f32(&train.features, train.len(), train.num_features());
    let t = compute.matrix_f32(&train.one_hot(), train.len(), train.num_classes());
    let (tuned, record) =
        fine_tune(&compute, &net, x, t, &mut common::progress("fine-tune")).expect("training");
    println!(
        "{} after {} epochs",
        record.stop_reason,
        record.epochs_run()
    );
    let xt = compute.matrix_f32(&test.features, test.len(), test.num_features());
    let predicted = tuned.classify(&compute, xt).expect("prediction");
    let cm = ConfusionMatrix::new(10, &test.labels, &predicted);
    println!(
        "test accuracy after fine-tuning: {:.2}%",
        100.0 * cm.accuracy()
    );
    let fig = sae_plot::confusion_matrix(&cm.counts, &test.class_names, "After fine-tuning");
    let path = common::out_dir().join("confusion-after.png");
    std::fs::write(&path, fig.to_png()).expect("write figure");
    println!("wrote {}", path.display());
    common::save("stackednet-tuned", ModelFile::Stack(tuned));
}
