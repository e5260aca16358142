//! Any config file text: a valid config or a reason, never a panic; a refusal never quotes the
//! merchant key.
#![no_main]

use cashier::config::Config;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    match Config::from_text(text) {
        Ok(config) => {
            if let Some(gateway) = &config.gateway {
                let _ = gateway.max_order();
                let _ = gateway.build(&config.till.id, gateway.timeouts());
            }
        }
        Err(error) => {
            let shown = error.to_string();
            for line in text.lines() {
                if let Some(key) = line.trim().strip_prefix("key = \"") {
                    let key = key.trim_end_matches('"');
                    if key.len() >= 8 {
                        assert!(!shown.contains(key), "the key leaked into {shown:?}");
                    }
                }
            }
        }
    }
});
