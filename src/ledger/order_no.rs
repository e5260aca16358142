//! Order numbers: `{till}{yyyyMMddHHmmss in China time}{install}{4-digit sequence}`, e.g.
//! `T01` + `20261121213015` + `7KQ2MX` + `0003`.
//!
//! The install id is six characters drawn at random when the ledger file is created (its
//! `till_identity` row), so two tills given the same till id (every till set up with the welcome
//! screen's `T01`) still never make the same number: the gateways see one merchant, and an answer
//! about one till's order must never settle another's. Two numbers can only be equal if till id,
//! second, install id and sequence are all equal: the till id is the only part of varying length,
//! so equal strings of equal length mean equal parts, and two installs of one merchant share an id
//! with a chance of about 1 in 10⁹ per pair (30 random bits).
//!
//! At most 8 + 14 + 6 + 4 = 32 characters (both specs allow 50: qht `out_order_number` String(50),
//! changpay `mch_order` string(50)), sortable by time within a till id, and carrying the till id.
//! The sequence continues from the largest number already committed with the same prefix, inside
//! the write transaction that inserts the order, so a number is never reused: not after a crash (a
//! number is only sent once its row is committed), not after a restart in the same second, not if
//! the clock steps back.

use chrono::{DateTime, Utc};

use crate::china_time::cst;

/// How many numbers one till can take in one second (4 digits).
const SEQUENCE_LIMIT: u32 = 10_000;

/// The characters of an install id (Crockford's base 32: no I, L, O or U to misread).
pub const INSTALL_ID_ALPHABET: &str = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// How long an install id is.
pub const INSTALL_ID_LEN: usize = 6;

/// The prefix of every order number of `till_id` on install `install_id` created in the second
/// of `now`.
#[must_use]
pub fn prefix(till_id: &str, install_id: &str, now: DateTime<Utc>) -> String {
    format!(
        "{till_id}{}{install_id}",
        now.with_timezone(&cst()).format("%Y%m%d%H%M%S")
    )
}

/// The number after `last` (the largest committed number with `prefix`), or the first.
/// `None` when the second's 10,000 numbers are used up.
#[must_use]
pub fn next(prefix: &str, last: Option<&str>) -> Option<String> {
    let sequence = match last.and_then(|last| last.strip_prefix(prefix)) {
        Some(digits) => digits.parse::<u32>().ok()? + 1,
        None => 1,
    };
    (sequence < SEQUENCE_LIMIT).then(|| format!("{prefix}{sequence:04}"))
}

/// Whether `text` can be an install id.
#[must_use]
pub fn is_install_id(text: &str) -> bool {
    text.len() == INSTALL_ID_LEN && text.chars().all(|c| INSTALL_ID_ALPHABET.contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn numbers_carry_the_till_china_time_and_install_and_count_up() {
        let now = Utc
            .with_ymd_and_hms(2026, 11, 21, 13, 30, 15)
            .single()
            .expect("valid");
        let prefix = prefix("T01", "7KQ2MX", now);
        assert_eq!(prefix, "T01202611212130157KQ2MX");
        assert_eq!(
            next(&prefix, None).as_deref(),
            Some("T01202611212130157KQ2MX0001")
        );
        assert_eq!(
            next(&prefix, Some("T01202611212130157KQ2MX0041")).as_deref(),
            Some("T01202611212130157KQ2MX0042")
        );
        assert_eq!(next(&prefix, Some("T01202611212130157KQ2MX9999")), None);
        let longest = next(&self::prefix("ABCDEFGH", "ZZZZZZ", now), Some("x")).expect("first");
        assert_eq!(longest.len(), 32, "the promised bound");
    }

    #[test]
    fn two_installs_with_one_till_id_never_share_a_number() {
        let now = Utc::now();
        let a = next(&prefix("T01", "AAAAAA", now), None);
        let b = next(&prefix("T01", "AAAAAB", now), None);
        assert_ne!(a, b);
    }

    #[test]
    fn install_ids_are_six_base32_characters() {
        assert!(is_install_id("7KQ2MX"));
        assert!(!is_install_id("7KQ2M"));
        assert!(!is_install_id("7KQ2MI"), "no I");
    }
}
