//! What a cashier types: an exact amount within the limit, or a reason; an accepted amount
//! written back reads back the same.
#![no_main]

use cashier::money::Money;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    for limit in [Money::from_fen(9_999_999), Money::from_yuan(50_000)] {
        if let Ok(amount) = Money::parse_charge(text, limit) {
            assert!(amount > Money::ZERO && amount <= limit, "{text:?}");
            assert!(amount.fen().is_some(), "{text:?}");
            assert_eq!(Money::parse_charge(&amount.yuan_text(), limit), Ok(amount));
        }
    }
});
