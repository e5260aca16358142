//! Any qht `order_query` answer body: an order or a reason, never a panic. Without the key's
//! sign nothing is believed: an answer that verifies under one key never verifies under another.
#![no_main]

use cashier::gateway::qht::read_order_answer;
use libfuzzer_sys::fuzz_target;

const KEY: &str = "fuzz-qht-key";
const ORDER: &str = "T0120261122000000001";

fuzz_target!(|body: &[u8]| {
    if read_order_answer(body, KEY, ORDER).is_ok() {
        assert!(read_order_answer(body, "another-key", ORDER).is_err());
    }
});
