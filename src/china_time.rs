//! China Standard Time (UTC+8, no daylight saving since 1991), whatever the machine's zone.
//!
//! qht's `request_at` is `yyyyMMddHHmmss` in CST (README, "Decisions"); days in the sales history
//! are China days. A fixed offset is exact for every date this program will see.

use chrono::{DateTime, FixedOffset, Utc};

/// Seconds east of UTC of China Standard Time.
const CST_OFFSET_SECS: i32 = 8 * 3600;

/// The China Standard Time zone.
#[must_use]
pub fn cst() -> FixedOffset {
    FixedOffset::east_opt(CST_OFFSET_SECS).expect("UTC+8 is within the ±24 h a FixedOffset holds")
}

/// `time` as qht's `request_at`: `20170720113159` for 2017-07-20 11:31:59 CST.
#[must_use]
pub fn qht_request_at(time: DateTime<Utc>) -> String {
    time.with_timezone(&cst())
        .format("%Y%m%d%H%M%S")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn request_at_is_china_time() {
        let utc = Utc.with_ymd_and_hms(2017, 7, 20, 3, 31, 59).single();
        assert_eq!(utc.map(qht_request_at).as_deref(), Some("20170720113159"));
        let late = Utc.with_ymd_and_hms(2017, 7, 20, 16, 0, 0).single();
        assert_eq!(late.map(qht_request_at).as_deref(), Some("20170721000000"));
    }
}
