//! Any body posted to the notification listener: a verified order or a refusal, never a panic;
//! nothing verifies under a key other than the one that signed it.
#![no_main]

use cashier::gateway::changpay::parse_notification;
use libfuzzer_sys::fuzz_target;

const KEY: &str = "fuzz-changpay-key";

fuzz_target!(|body: &[u8]| {
    if parse_notification(body, KEY).is_ok() {
        assert!(parse_notification(body, "another-key").is_err());
    }
});
