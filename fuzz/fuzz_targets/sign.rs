//! Signing and verifying any fields: a sign verifies under its key, under either reading of empty
//! fields where the field set allows, and never under another key.
#![no_main]

use cashier::sign::{SignFields, changpay_sign, qht_sign, qht_sign_verifies, signs_match};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (Vec<(String, String)>, String)| {
    let (pairs, key) = input;
    if key.is_empty() {
        return;
    }
    let fields: SignFields = pairs.into_iter().collect();
    let other = format!("{key}x");
    let sign = qht_sign(&fields, &key);
    assert!(qht_sign_verifies(&fields, &key, &sign));
    assert!(!qht_sign_verifies(&fields, &other, &sign));
    let sign = changpay_sign(&fields, &key);
    assert!(signs_match(&changpay_sign(&fields, &key), &sign));
    assert!(!signs_match(&changpay_sign(&fields, &other), &sign));
});
