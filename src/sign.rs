//! The two MD5 signing schemes (README, "Decisions"), and constant-time checking.
//!
//! Both sort every field but `sign` by byte order, join `k=v` with `&` in raw UTF-8 (no
//! URL-encoding) and take the lowercase hex MD5. They differ only in where the secret goes: qht
//! appends `&key=SECRET`, changpay adds `mch_key=SECRET` as a field in its sorted place.

use std::collections::BTreeMap;

use md5::{Digest, Md5};
use subtle::ConstantTimeEq;

/// Fields to sign, sorted by byte order (a `BTreeMap<String, _>` orders keys by their bytes).
pub type SignFields = BTreeMap<String, String>;

/// The name of the field that carries the sign in both protocols.
pub const SIGN_FIELD: &str = "sign";

/// The qht sign: `k=v&…&key=SECRET`. Empty values are skipped (we never send one; a response may
/// carry one, and the README's decisions say to skip it when verifying).
#[must_use]
pub fn qht_sign(fields: &SignFields, key: &str) -> String {
    qht_sign_text(&join_fields(fields.iter()), key)
}

/// The qht sign with empty values signed as `k=` (as a public qht SDK does).
#[must_use]
pub fn qht_sign_with_empty(fields: &SignFields, key: &str) -> String {
    let joined = fields
        .iter()
        .filter(|(name, _)| name.as_str() != SIGN_FIELD)
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join("&");
    qht_sign_text(&joined, key)
}

/// The MD5 of `joined&key=SECRET` (just `key=SECRET` when nothing is joined).
fn qht_sign_text(joined: &str, key: &str) -> String {
    let mut text = joined.to_owned();
    if !text.is_empty() {
        text.push('&');
    }
    text.push_str("key=");
    text.push_str(key);
    md5_hex(&text)
}

/// Whether `received` is a qht sign of `fields` under either honest reading of the spec's "all
/// fields": empty fields left out, or signed as `k=`.
///
/// Where a spec allows two readings of what a sign covers, an answer is believed if either holds.
/// Every reading needs the merchant key, so accepting both admits no forgery; picking one would
/// leave every paid order of a gateway that took the other unresolved (README, "Decisions").
#[must_use]
pub fn qht_sign_verifies(fields: &SignFields, key: &str, received: &str) -> bool {
    signs_match(&qht_sign(fields, key), received)
        || signs_match(&qht_sign_with_empty(fields, key), received)
}

/// The changpay sign: the fields plus `mch_key=SECRET` in its sorted place, empty values left out.
#[must_use]
pub fn changpay_sign(fields: &SignFields, key: &str) -> String {
    let mut with_key = fields.clone();
    with_key.insert("mch_key".to_owned(), key.to_owned());
    md5_hex(&join_fields(with_key.iter()))
}

/// Whether `received` equals `expected`, ignoring ASCII case, in time that does not depend on
/// where they first differ.
#[must_use]
pub fn signs_match(expected: &str, received: &str) -> bool {
    let expected = expected.to_ascii_lowercase();
    let received = received.to_ascii_lowercase();
    expected.as_bytes().ct_eq(received.as_bytes()).into()
}

fn join_fields<'a>(fields: impl Iterator<Item = (&'a String, &'a String)>) -> String {
    fields
        .filter(|(name, value)| name.as_str() != SIGN_FIELD && !value.is_empty())
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// The lowercase hex MD5 of `text`.
#[must_use]
pub fn md5_hex(text: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    Md5::digest(text.as_bytes())
        .iter()
        .flat_map(|byte| [HEX[usize::from(byte >> 4)], HEX[usize::from(byte & 0x0f)]])
        .map(char::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_qht_answer_verifies_under_either_reading_of_empty_fields_and_not_without_the_key() {
        let f = fields(&[("status", "000000"), ("msg", ""), ("total_fee", "100")]);
        let left_out = qht_sign(&f, "k1");
        let as_empty = qht_sign_with_empty(&f, "k1");
        assert_ne!(
            left_out, as_empty,
            "the readings differ when a field is empty"
        );
        assert!(qht_sign_verifies(&f, "k1", &left_out));
        assert!(qht_sign_verifies(&f, "k1", &as_empty));
        assert!(!qht_sign_verifies(&f, "k2", &left_out));
        assert!(!qht_sign_verifies(&f, "k2", &as_empty));
        assert!(!qht_sign_verifies(&f, "k1", &"0".repeat(32)));
    }

    fn fields(pairs: &[(&str, &str)]) -> SignFields {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn qht_vector_from_the_spec() {
        let f = fields(&[("aaa", "123"), ("ccc", "234"), ("bbb", "345")]);
        assert_eq!(
            qht_sign(&f, "qhtpay@qhtpay"),
            "894c22aabe3c333aca96d1e98076ca64"
        );
    }

    #[test]
    fn changpay_vector_from_the_spec() {
        let f = fields(&[
            ("mch_order", "20171206142839049"),
            ("amt", "1"),
            ("client_ip", "192.168.1.176"),
            ("remark", "产品备注"),
            ("notify_url", "https://app.zlsky.me/notify.php"),
            ("call", "{user:1}"),
            ("mch_id", "t9awtvk6dn"),
            ("sign_type", "md5"),
            ("created_at", "1512541824"),
        ]);
        assert_eq!(
            changpay_sign(&f, "25e72d96d0ffe0bb74373344d986df3c"),
            "5883eb7db6fc28286f440b291c4bc24a"
        );
    }

    #[test]
    fn the_sign_field_and_empty_values_are_not_signed() {
        let plain = fields(&[("aaa", "123"), ("bbb", "345"), ("ccc", "234")]);
        let noisy = fields(&[
            ("aaa", "123"),
            ("bbb", "345"),
            ("ccc", "234"),
            ("sign", "whatever"),
            ("zzz", ""),
        ]);
        assert_eq!(qht_sign(&plain, "k"), qht_sign(&noisy, "k"));
        assert_eq!(changpay_sign(&plain, "k"), changpay_sign(&noisy, "k"));
    }

    #[test]
    fn checking_ignores_case_and_rejects_any_difference() {
        let sign = "894c22aabe3c333aca96d1e98076ca64";
        assert!(signs_match(sign, "894C22AABE3C333ACA96D1E98076CA64"));
        assert!(!signs_match(sign, "894c22aabe3c333aca96d1e98076ca65"));
        assert!(!signs_match(sign, "894c22aabe3c333aca96d1e98076ca6"));
        assert!(!signs_match(sign, ""));
    }
}
