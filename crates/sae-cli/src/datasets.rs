//! Loading the training and test sets a config names.

use anyhow::Context;
use sae_data::folder::{FolderOptions, load_folder};
use sae_data::{Dataset, SyntheticOptions, idx};

use crate::config::DataConfig;

/// The (training, test) sets of a `[data]` table.
pub fn load(data: &DataConfig) -> anyhow::Result<(Dataset, Dataset)> {
    match data {
        DataConfig::Synthetic { seed, train, test } => {
            let opts = SyntheticOptions {
                seed: *seed,
                train: *train,
                test: *test,
                ..Default::default()
            };
            Ok(sae_data::generate(&opts)?)
        }
        DataConfig::Idx {
            train_images,
            train_labels,
            test_images,
            test_labels,
            limit_train,
            limit_test,
        } => {
            let mut train =
                idx::load_dataset(train_images, train_labels, 10).context("[data] training set")?;
            let mut test =
                idx::load_dataset(test_images, test_labels, 10).context("[data] test set")?;
            if let Some(n) = limit_train {
                train = train.truncate(*n);
            }
            if let Some(n) = limit_test {
                test = test.truncate(*n);
            }
            check_same_size(&train, &test)?;
            Ok((train, test))
        }
        DataConfig::Folder { train, test, size } => {
            let opts = FolderOptions {
                size: size.map(|[h, w]| (h, w)),
            };
            let train_set = load_folder(train, opts, None).context("[data] training folder")?;
            let opts = FolderOptions {
                size: Some((train_set.height, train_set.width)),
            };
            let test_set = load_folder(test, opts, Some(&train_set.class_names))
                .context("[data] test folder")?;
            Ok((train_set, test_set))
        }
    }
}

fn check_same_size(train: &Dataset, test: &Dataset) -> anyhow::Result<()> {
    if (train.height, train.width) != (test.height, test.width) {
        anyhow::bail!(
            "[data] training images are {}x{} but test images are {}x{}",
            train.height,
            train.width,
            test.height,
            test.width
        );
    }
    Ok(())
}
