//! Property tests of everything that reads input from outside: what a cashier types, what a
//! gateway answers, what a notification carries, what a config file says. Whatever the input,
//! nothing panics, and what is accepted is exactly right. A short run in CI; the long runs are
//! fuzzing (README).

use cashier::config::Config;
use cashier::gateway::changpay::parse_notification;
use cashier::gateway::http::classify_body;
use cashier::money::Money;
use cashier::sign::{SignFields, changpay_sign, qht_sign, qht_sign_verifies, signs_match};
use proptest::prelude::*;

const LIMIT: Money = Money::from_yuan(50_000);

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    /// Any text: an amount or a reason, never a panic; an accepted amount is positive, within
    /// the limit, and in whole fen.
    #[test]
    fn typed_text_is_an_exact_amount_or_a_reason(input in r"\PC{0,24}") {
        if let Ok(amount) = Money::parse_charge(&input, LIMIT) {
            prop_assert!(amount > Money::ZERO && amount <= LIMIT);
            prop_assert!(amount.fen().is_some());
        }
    }

    /// Every amount in fen, written as a cashier types it, reads back exactly.
    #[test]
    fn written_amounts_read_back_exactly(fen in 1i64..=5_000_000) {
        let text = format!("{}.{:02}", fen / 100, fen % 100);
        prop_assert_eq!(Money::parse_charge(&text, LIMIT), Ok(Money::from_fen(fen)));
        prop_assert_eq!(Money::from_fen(fen).yuan_text(), text);
    }

    /// Any bytes from a gateway: a JSON object or an unknown outcome, never a panic.
    #[test]
    fn any_answer_body_is_classified(body in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = classify_body(&body);
    }

    /// Any notification body: refused or verified, never a panic; one signed with another key is
    /// always refused.
    #[test]
    fn any_notification_is_verified_or_refused(
        fields in proptest::collection::btree_map("[a-z_]{1,8}", "[ -~]{0,12}", 0..8),
        key in "[a-z0-9]{8,16}",
        garbage in proptest::collection::vec(any::<u8>(), 0..128),
    ) {
        let _ = parse_notification(&garbage, &key);
        let mut pairs: Vec<(String, String)> = fields.clone().into_iter().collect();
        let other_key = format!("{key}x");
        pairs.push(("sign".to_owned(), changpay_sign(&fields, &other_key)));
        let body = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        prop_assert!(parse_notification(body.as_bytes(), &key).is_err());
    }

    /// A sign verifies under the key that made it, under either reading of empty fields, and
    /// never under another key.
    #[test]
    fn signs_need_the_key(
        fields in proptest::collection::btree_map("[a-z_]{1,8}", "[ -~]{0,12}", 0..8),
        key in "[a-z0-9]{8,16}",
    ) {
        let fields: SignFields = fields;
        let other_key = format!("{key}x");
        let sign = qht_sign(&fields, &key);
        prop_assert!(qht_sign_verifies(&fields, &key, &sign));
        prop_assert!(!qht_sign_verifies(&fields, &other_key, &sign));
        let sign = changpay_sign(&fields, &key);
        prop_assert!(!signs_match(&changpay_sign(&fields, &other_key), &sign));
    }

    /// Any config text: a config or a reason, never a panic.
    #[test]
    fn any_config_text_is_read_or_refused(text in r#"[\[\]a-z_="'0-9. \n:/]{0,200}"#) {
        if let Ok(config) = toml::from_str::<Config>(&text) {
            let _ = config.validate();
        }
    }
}

/// The fuzz targets' seeds (fuzz/corpus) reach the paths that believe an answer: each verifies
/// under the fuzz key and is about the order asked for.
#[test]
fn the_fuzz_seeds_are_believed_answers() {
    use cashier::gateway::changpay::{ChangpayStatus, read_order_answer as changpay_answer};
    use cashier::gateway::qht::{QhtOrderStatus, read_order_answer as qht_answer};
    const ORDER: &str = "T0120261122000000001";
    let seed = |path: &str| {
        std::fs::read(format!("{}/fuzz/corpus/{path}", env!("CARGO_MANIFEST_DIR"))).expect(path)
    };
    let qht = qht_answer(&seed("qht_answer/paid.json"), "fuzz-qht-key", ORDER).expect("qht");
    assert_eq!(qht.order_status, QhtOrderStatus::Success);
    assert_eq!(qht.total_fee, Money::from_fen(1_230));
    for name in [
        "nested.json",
        "flat_envelope.json",
        "flat_details_only.json",
    ] {
        let body = seed(&format!("changpay_answer/{name}"));
        let order = changpay_answer(&body, "fuzz-changpay-key", ORDER).expect(name);
        assert_eq!(order.status, ChangpayStatus::Paid, "{name}");
        assert!(
            changpay_answer(&body, "another-key", ORDER).is_err(),
            "{name}"
        );
    }
    let notice = parse_notification(&seed("notification/paid.form"), "fuzz-changpay-key");
    assert_eq!(notice.expect("notification").mch_order, ORDER);
}

/// A signed qht answer whose `total_fee` does not fit the till's money is unreadable, not a panic
/// or a wrapped amount (found while writing the `qht_answer` fuzz target).
#[test]
fn a_total_fee_too_big_for_money_is_unreadable() {
    use cashier::gateway::qht::read_order_answer;
    use cashier::gateway::{GatewayError, UnknownCause};
    let mut fields = SignFields::new();
    for (name, value) in [
        ("status", "000000"),
        ("out_order_number", "T01X"),
        ("total_fee", "9223372036854775807"),
        ("order_status", "Success"),
    ] {
        fields.insert(name.to_owned(), value.to_owned());
    }
    let sign = qht_sign(&fields, "k");
    fields.insert("sign".to_owned(), sign);
    let body = serde_json::to_vec(&fields).expect("json");
    assert_eq!(
        read_order_answer(&body, "k", "T01X"),
        Err(GatewayError::Unknown(UnknownCause::Unparsable))
    );
}
