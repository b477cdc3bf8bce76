//! Step 1-2 of the MATLAB example: load (here: generate) the training images and show some.

mod common;

fn main() {
    let (train, test) = common::digits();
    println!(
        "{} training and {} test images of {}x{}",
        train.len(),
        test.len(),
        train.height,
        train.width
    );
    let n = 20;
    let images: Vec<&[f32]> = (0..n).map(|i| train.sample(i)).collect();
    let captions: Vec<String> = (0..n).map(|i| train.labels[i].to_string()).collect();
    let fig = sae_plot::sample_grid(&images, train.height, train.width, &captions, 5);
    let path = common::out_dir().join("samples.png");
    std::fs::write(&path, fig.to_png()).expect("write figure");
    println!("wrote {}", path.display());
}
