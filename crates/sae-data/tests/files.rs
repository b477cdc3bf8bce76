//! IDX files and image folders on disk: byte-exact round trips and every bad-input case.

use std::path::Path;

use sae_data::folder::{FolderOptions, load_folder};
use sae_data::idx::{self, encode_images, encode_labels};
use sae_data::{DataError, Dataset, SyntheticOptions, generate};

fn small_set() -> Dataset {
    generate(&SyntheticOptions {
        seed: 4,
        train: 30,
        test: 10,
        ..Default::default()
    })
    .unwrap()
    .0
}

#[test]
fn idx_round_trip_is_byte_exact_plain_and_gzip() {
    let dir = tempfile::tempdir().unwrap();
    let set = small_set();
    for gzip in [false, true] {
        let (img, lab) = (
            dir.path().join(format!("i{gzip}")),
            dir.path().join(format!("l{gzip}")),
        );
        idx::save_dataset(&set, &img, &lab, gzip).unwrap();
        let raw = std::fs::read(&img).unwrap();
        assert_eq!(raw.starts_with(&[0x1f, 0x8b]), gzip);
        let back = idx::load_dataset(&img, &lab, 10).unwrap();
        assert_eq!(back, set, "gzip = {gzip}");
        // Writing the loaded set again gives the same bytes.
        let img2 = dir.path().join("again");
        let lab2 = dir.path().join("again-l");
        idx::save_dataset(&back, &img2, &lab2, false).unwrap();
        let plain = encode_images(&set.to_u8(), set.len(), 28, 28);
        assert_eq!(std::fs::read(&img2).unwrap(), plain);
    }
    // No temporary files are left behind.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        names.iter().all(|n| !n.to_string_lossy().ends_with(".tmp")),
        "{names:?}"
    );
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn bad_idx_files_name_the_file_and_problem() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let images = encode_images(&[7u8; 3 * 4], 3, 2, 2);
    let labels = encode_labels(&[1, 2, 3]);
    let good_i = write(d, "good-i", &images);
    let good_l = write(d, "good-l", &labels);
    assert!(idx::load_dataset(&good_i, &good_l, 10).is_ok());

    let mut bad = images.clone();
    bad[1] = 9;
    let p = write(d, "magic", &bad);
    let e = idx::read_images(&p).unwrap_err();
    assert!(matches!(e, DataError::BadHeader { .. }));
    assert!(
        e.to_string().contains("magic") && e.to_string().contains("magic number"),
        "{e}"
    );

    let p = write(d, "trunc", &images[..images.len() - 1]);
    let e = idx::read_images(&p).unwrap_err();
    assert!(
        e.to_string().contains("trunc") && e.to_string().contains("truncated"),
        "{e}"
    );

    let p = write(d, "short-header", &images[..9]);
    assert!(
        idx::read_images(&p)
            .unwrap_err()
            .to_string()
            .contains("truncated header")
    );

    let mut long = images.clone();
    long.push(0);
    let p = write(d, "trailing", &long);
    assert!(
        idx::read_images(&p)
            .unwrap_err()
            .to_string()
            .contains("trailing")
    );

    let p = write(d, "labels-2", &encode_labels(&[1, 2]));
    let e = idx::load_dataset(&good_i, &p, 10).unwrap_err();
    assert!(
        matches!(
            e,
            DataError::CountMismatch {
                labels: 2,
                images: 3,
                ..
            }
        ),
        "{e}"
    );

    let p = write(d, "labels-big", &encode_labels(&[1, 12, 3]));
    let e = idx::load_dataset(&good_i, &p, 10).unwrap_err();
    assert!(
        matches!(
            e,
            DataError::LabelOutOfRange {
                label: 12,
                index: 1,
                ..
            }
        ),
        "{e}"
    );

    let mut gz = Vec::new();
    {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(&mut gz, flate2::Compression::default());
        enc.write_all(&images).unwrap();
        enc.finish().unwrap();
    }
    let n = gz.len();
    gz[n / 2] ^= 0xff;
    gz.truncate(n - 6);
    let p = write(d, "corrupt.gz", &gz);
    let e = idx::read_images(&p).unwrap_err();
    assert!(e.to_string().contains("corrupt.gz"), "{e}");

    let e = idx::read_images(&d.join("missing")).unwrap_err();
    assert!(matches!(e, DataError::Read { .. }));
    // Labels given where images are expected.
    let e = idx::read_images(&good_l).unwrap_err();
    assert!(matches!(e, DataError::WrongKind { .. }), "{e}");
}

fn png(path: &Path, w: u32, h: u32, value: u8) {
    image::GrayImage::from_pixel(w, h, image::Luma([value]))
        .save(path)
        .unwrap();
}

#[test]
fn folder_loader_reads_classes_and_rejects_bad_folders() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("train");
    for (class, v) in [("cat", 255u8), ("dog", 0u8)] {
        std::fs::create_dir_all(root.join(class)).unwrap();
        for i in 0..3 {
            png(&root.join(class).join(format!("{i}.png")), 4, 3, v);
        }
    }
    let set = load_folder(&root, FolderOptions::default(), None).unwrap();
    assert_eq!(set.class_names, vec!["cat", "dog"]);
    assert_eq!((set.len(), set.height, set.width), (6, 3, 4));
    assert_eq!(set.class_counts(), vec![3, 3]);
    assert_eq!(set.sample(0)[0], 1.0);
    assert_eq!(set.sample(5)[0], 0.0);
    // Resizing to a configured size.
    let resized = load_folder(&root, FolderOptions { size: Some((8, 8)) }, None).unwrap();
    assert_eq!((resized.height, resized.width), (8, 8));

    // Mixed sizes without a configured size.
    png(&root.join("dog").join("big.png"), 5, 5, 9);
    let e = load_folder(&root, FolderOptions::default(), None).unwrap_err();
    assert!(
        matches!(e, DataError::SizeMismatch { .. }) && e.to_string().contains("big.png"),
        "{e}"
    );
    std::fs::remove_file(root.join("dog").join("big.png")).unwrap();

    // A file that is not an image.
    std::fs::write(root.join("cat").join("notes.txt"), "hello").unwrap();
    let e = load_folder(&root, FolderOptions::default(), None).unwrap_err();
    assert!(
        matches!(e, DataError::BadImage { .. }) && e.to_string().contains("notes.txt"),
        "{e}"
    );

    // Empty folder, and class folders without images.
    let empty = dir.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    assert!(
        load_folder(&empty, FolderOptions::default(), None)
            .unwrap_err()
            .to_string()
            .contains("no class subfolders")
    );
    std::fs::create_dir_all(empty.join("a")).unwrap();
    assert!(
        load_folder(&empty, FolderOptions::default(), None)
            .unwrap_err()
            .to_string()
            .contains("no image files")
    );
}
