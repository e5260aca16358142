//! Order numbers: `{till}{yyyyMMddHHmmss in China time}{4-digit sequence}`, e.g.
//! `T0120261121213015` + `0003`.
//!
//! Unique (the ledger's UNIQUE column), at most 26 characters (the gateways allow 50; we promise
//! 32), sortable by time within a till, and carrying the till id. The sequence continues from the
//! largest number already committed with the same prefix, inside the same write transaction that
//! inserts the order, so a number is never reused: not after a crash (a number is only sent once
//! its row is committed), not after a restart in the same second, not if the clock steps back.

use chrono::{DateTime, Utc};

use crate::china_time::cst;

/// How many numbers one till can take in one second (4 digits).
const SEQUENCE_LIMIT: u32 = 10_000;

/// The prefix of every order number of `till_id` created in the second of `now`.
#[must_use]
pub fn prefix(till_id: &str, now: DateTime<Utc>) -> String {
    format!(
        "{till_id}{}",
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn numbers_carry_the_till_and_china_time_and_count_up() {
        let now = Utc
            .with_ymd_and_hms(2026, 11, 21, 13, 30, 15)
            .single()
            .expect("valid");
        let prefix = prefix("T01", now);
        assert_eq!(prefix, "T0120261121213015");
        assert_eq!(
            next(&prefix, None).as_deref(),
            Some("T01202611212130150001")
        );
        assert_eq!(
            next(&prefix, Some("T01202611212130150041")).as_deref(),
            Some("T01202611212130150042")
        );
        assert_eq!(next(&prefix, Some("T01202611212130159999")), None);
        assert!(next(&prefix, None).is_some_and(|n| n.len() <= 32));
    }
}
