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
                let Some(key) = line.trim().strip_prefix("key = \"") else {
                    continue;
                };
                let key = key.trim_end_matches('"');
                if key.len() < 8 || !shown.contains(key) {
                    continue;
                }
                // The message may hold the same words for its own reasons; it leaks the key
                // only if a different key changes what it says.
                let other = "Z".repeat(key.len());
                let again = Config::from_text(&text.replace(key, &other))
                    .err()
                    .map(|e| e.to_string())
                    .unwrap_or_default();
                assert!(!again.contains(&other), "the key leaked into {shown:?}");
            }
        }
    }
});
