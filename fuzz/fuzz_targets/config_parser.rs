//! The experiment-config parser and validator on arbitrary text: never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sae_cli::config::Config;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(config) = Config::parse(text, "fuzz.toml")
    {
        let _ = config.resolve();
    }
});
