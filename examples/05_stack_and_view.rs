//! Step 7: stack the encoders and the softmax layer, and view the network.

mod common;

use sae_core::model_file::ModelFile;
use sae_core::stack;

fn main() {
    let ae1 = common::load("ae1", "02_first_autoencoder")
        .into_autoencoder("ae1")
        .expect("an autoencoder");
    let ae2 = common::load("ae2", "03_second_autoencoder")
        .into_autoencoder("ae2")
        .expect("an autoencoder");
    let soft = common::load("softnet", "04_softmax")
        .into_softmax("softnet")
        .expect("a softmax layer");
    let net = stack(&[&ae1, &ae2], &soft).expect("sizes chain");
    let mut inputs = net.input_size();
    for l in &net.layers {
        println!("{inputs:>4} -> {:>4}  {}", l.outputs, l.transfer.name());
        inputs = l.outputs;
    }
    let layers: Vec<sae_plot::DiagramLayer> = net
        .layers
        .iter()
        .map(|l| sae_plot::DiagramLayer {
            label: format!("{} layer", l.transfer.name()),
            size: l.outputs,
            transfer: l.transfer.name().into(),
        })
        .collect();
    let path = common::out_dir().join("network.svg");
    std::fs::write(
        &path,
        sae_plot::network_svg(net.input_size(), &layers, "stackednet"),
    )
    .expect("write figure");
    println!("wrote {}", path.display());
    common::save("stackednet", ModelFile::Stack(net));
}
