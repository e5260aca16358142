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
    fn backoff_ends_hourly() {
        let delays: Vec<u64> = (0..7).map(|n| requery_delay(n).as_secs() / 60).collect();
        assert_eq!(delays, [1, 2, 5, 10, 30, 60, 60]);
    }
}
