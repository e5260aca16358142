//! Any changpay `fetch_order` answer body: an order or a reason, never a panic. An answer that
//! verifies under one key never verifies under another.
#![no_main]

use cashier::gateway::changpay::read_order_answer;
use libfuzzer_sys::fuzz_target;

const KEY: &str = "fuzz-changpay-key";
const ORDER: &str = "T0120261122000000001";

fuzz_target!(|body: &[u8]| {
    if read_order_answer(body, KEY, ORDER).is_ok() {
        assert!(read_order_answer(body, "another-key", ORDER).is_err());
    }
});
