//! Step 8: classify the test images with the stacked network; confusion matrix.

mod common;

use sae_core::ConfusionMatrix;

fn main() {
    let net = common::load("stackednet", "05_stack_and_view")
        .into_stack("stackednet")
        .expect("a stack");
    let (_, test) = common::digits();
    let compute = common::compute();
    let x = compute.matrix_f32(&test.features, test.len(), test.num_features());
    let predicted = net.classify(&compute, x).expect("prediction");
    let cm = ConfusionMatrix::new(10, &test.labels, &predicted);
    println!(
        "test accuracy before fine-tuning: {:.2}%",
        100.0 * cm.accuracy()
    );
    let fig = sae_plot::confusion_matrix(&cm.counts, &test.class_names, "Before fine-tuning");
    let path = common::out_dir().join("confusion-before.png");
    std::fs::write(&path, fig.to_png()).expect("write figure");
    println!("wrote {}", path.display());
}
