//! How long and how often an order is queried: during the live wait and afterwards.
//!
//! Defaults follow the wallets' published rules for merchants: bar-code pay queries first after
//! 1 s (a code that pays at once shows 支付成功 right away: qht's `bar_code_pay` answer carries no
//! payment status, so the till must ask), then every 5 s, for 45 s; a scan-code QR is queried every 2.5 s while shown and expires
//! after 5 minutes. Afterwards an unresolved order is re-queried with back-off for 48 hours.

use std::time::Duration;

/// The live wait of one payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct PollPolicy {
    /// Wait before the first query.
    pub first_query: Duration,
    /// Wait between queries.
    pub interval: Duration,
    /// How long the live wait lasts before the order is unresolved.
    pub wait: Duration,
}

impl PollPolicy {
    /// Bar-code pay: 1 s, then every 5 s, for 45 s.
    pub const BARCODE: PollPolicy = PollPolicy {
        first_query: Duration::from_secs(1),
        interval: Duration::from_secs(5),
        wait: Duration::from_secs(45),
    };

    /// Scan-code pay: every 2.5 s while the QR is shown; the QR expires after 5 minutes.
    pub const QR: PollPolicy = PollPolicy {
        first_query: Duration::from_millis(2500),
        interval: Duration::from_millis(2500),
        wait: Duration::from_mins(5),
    };
}

/// The background re-query back-off after the live wait: 1, 2, 5, 10, 30 minutes, then hourly,
/// until 48 hours after the order was created.
pub const REQUERY_BACKOFF: [Duration; 5] = [
    Duration::from_mins(1),
    Duration::from_mins(2),
    Duration::from_mins(5),
    Duration::from_mins(10),
    Duration::from_mins(30),
];

/// How long after creation an unresolved order is still re-queried automatically.
pub const REQUERY_WINDOW: Duration = Duration::from_hours(48);

/// An order the gateway says it does not have, this long after it was written, never reached it:
/// it failed. Before that, "not found" may be the gateway lagging.
pub const NOT_FOUND_GRACE: Duration = Duration::from_mins(10);

/// A failed order is asked again this long after it failed, and once more an hour after that: a
/// "failed" or "not found" can be a lagging gateway or a forged answer, and money found then is a
/// late payment, never left silently failed.
pub const FAILED_RECHECK_FIRST: Duration = Duration::from_mins(5);
/// The second re-check of a failed order, after the first.
pub const FAILED_RECHECK_LAST: Duration = Duration::from_hours(1);

/// When to ask a failed order again after a re-check at `now` of an order that failed at
/// `failed_at`: after the first re-check (within half an hour of failing) an hour later; after
/// the second, never.
#[must_use]
pub fn failed_recheck_after(
    failed_at: chrono::DateTime<chrono::Utc>,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<chrono::DateTime<chrono::Utc>> {
    let since = (now - failed_at).to_std().unwrap_or_default();
    (since < Duration::from_mins(30)).then(|| now + FAILED_RECHECK_LAST)
}

/// The wait before re-query number `attempt` (0 for the first after the live wait).
#[must_use]
pub fn requery_delay(attempt: u32) -> Duration {
    REQUERY_BACKOFF
        .get(attempt as usize)
        .copied()
        .unwrap_or(Duration::from_hours(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_order_is_asked_twice_more_then_left() {
        let failed_at = chrono::Utc::now();
        let first = failed_at + chrono::Duration::minutes(5);
        let second = failed_recheck_after(failed_at, first).expect("asked again");
        assert_eq!(second, first + chrono::Duration::hours(1));
        assert_eq!(failed_recheck_after(failed_at, second), None);
    }

    #[test]
    fn backoff_ends_hourly() {
        let delays: Vec<u64> = (0..7).map(|n| requery_delay(n).as_secs() / 60).collect();
        assert_eq!(delays, [1, 2, 5, 10, 30, 60, 60]);
    }
}
