//! What the owner reads from the store: one day across every till, in the same shapes as a
//! till's own history (`DayTotals`, `OrderRecord`), plus the day per till.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

use super::{Store, StoreError};
use crate::gateway::{PayMethod, Provider};
use crate::ledger::{DailyTotal, DayTotals, OrderRecord, day_range_ms};
use crate::money::Money;

/// One till's part of a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TillTotal {
    /// The till.
    pub till_id: String,
    /// Its orders that day.
    pub count: u64,
    /// Paid ones.
    pub paid_count: u64,
    /// What they paid.
    pub paid: Money,
}

/// A day across the store.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoreDay {
    /// Every till together, per status and method.
    pub totals: DayTotals,
    /// Per till, by till id.
    pub by_till: Vec<TillTotal>,
}

impl Store {
    /// `day`'s totals over every till (or one, with `till`).
    pub async fn day_totals(
        &self,
        day: NaiveDate,
        offset: FixedOffset,
        till: Option<&str>,
    ) -> Result<StoreDay, StoreError> {
        let (start, end) = day_range_ms(day, offset);
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT till_id, status, method, count(*), sum(amount_li)::BIGINT,
                        sum(coalesce(paid_li, 0))::BIGINT
                 FROM orders
                 WHERE created_at_ms >= $1 AND created_at_ms < $2
                   AND ($3::TEXT IS NULL OR till_id = $3)
                 GROUP BY till_id, status, method ORDER BY till_id",
                &[&start, &end, &till],
            )
            .await?;
        let mut day_totals = StoreDay::default();
        for row in rows {
            let till_id: String = row.get(0);
            let status: String = row.get(1);
            let method: String = row.get(2);
            let count: i64 = row.get(3);
            let asked = Money::from_li(row.get(4));
            let paid = Money::from_li(row.get(5));
            day_totals
                .totals
                .add_group(&status, &method, count, asked, paid)?;
            if day_totals
                .by_till
                .last()
                .is_none_or(|t| t.till_id != till_id)
            {
                day_totals.by_till.push(TillTotal {
                    till_id,
                    count: 0,
                    paid_count: 0,
                    paid: Money::ZERO,
                });
            }
            if let Some(total) = day_totals.by_till.last_mut() {
                let count = u64::try_from(count).unwrap_or(0);
                total.count += count;
                if status == "paid" {
                    total.paid_count += count;
                    total.paid = total.paid.checked_add(paid).unwrap_or(total.paid);
                }
            }
        }
        day_totals.totals.sort();
        Ok(day_totals)
    }

    /// Paid totals of the `days` days ending with `last_day`, over every till (or one).
    pub async fn daily_totals(
        &self,
        last_day: NaiveDate,
        days: u32,
        offset: FixedOffset,
        till: Option<&str>,
    ) -> Result<Vec<DailyTotal>, StoreError> {
        let first_day = last_day
            .checked_sub_days(chrono::Days::new(u64::from(days.saturating_sub(1))))
            .unwrap_or(last_day);
        let (start, _) = day_range_ms(first_day, offset);
        let (_, end) = day_range_ms(last_day, offset);
        let offset_ms = i64::from(offset.local_minus_utc()) * 1000;
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT (hour * 3600000 + $3) / 86400000 AS day, sum(paid_count)::BIGINT,
                        sum(paid_li)::BIGINT
                 FROM paid_by_hour
                 WHERE hour >= $1::BIGINT / 3600000 AND hour < $2::BIGINT / 3600000
                   AND ($4::TEXT IS NULL OR till_id = $4)
                 GROUP BY day",
                &[&start, &end, &offset_ms, &till],
            )
            .await?;
        let found: Vec<(i64, u64, i64)> = rows
            .iter()
            .map(|row| {
                (
                    row.get(0),
                    u64::try_from(row.get::<_, i64>(1)).unwrap_or(0),
                    row.get::<_, Option<i64>>(2).unwrap_or(0),
                )
            })
            .collect();
        Ok(DailyTotal::every_day(first_day, days, &found))
    }

    /// `day`'s orders over every till (or one), newest first.
    pub async fn day_orders(
        &self,
        day: NaiveDate,
        offset: FixedOffset,
        till: Option<&str>,
    ) -> Result<Vec<OrderRecord>, StoreError> {
        let (start, end) = day_range_ms(day, offset);
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT order_no, provider, merchant_id, till_id, method, amount_li, paid_li,
                        status, gateway_order_no, shown, auth_code_masked, description,
                        created_at_ms, updated_at_ms, paid_at_ms, last_error, late, repeat_of,
                        acknowledged, check_reason
                 FROM orders
                 WHERE created_at_ms >= $1 AND created_at_ms < $2
                   AND ($3::TEXT IS NULL OR till_id = $3)
                 ORDER BY created_at_ms DESC, order_no DESC",
                &[&start, &end, &till],
            )
            .await?;
        rows.iter().map(order_from_row).collect()
    }
}

fn order_from_row(row: &tokio_postgres::Row) -> Result<OrderRecord, StoreError> {
    let corrupt = |what: String| StoreError::Server(format!("无法识别的数据 {what}"));
    let provider: String = row.get(1);
    let method: String = row.get(4);
    let status: String = row.get(7);
    let time = |ms: i64| DateTime::<Utc>::from_timestamp_millis(ms).unwrap_or_default();
    Ok(OrderRecord {
        order_no: row.get(0),
        provider: match provider.as_str() {
            "qht" => Provider::Qht,
            "changpay" => Provider::Changpay,
            other => return Err(corrupt(format!("provider {other}"))),
        },
        merchant_id: row.get(2),
        till_id: row.get(3),
        method: PayMethod::from_slug(&method).ok_or_else(|| corrupt(method.clone()))?,
        amount: Money::from_li(row.get(5)),
        paid: row.get::<_, Option<i64>>(6).map(Money::from_li),
        status: status.parse().map_err(corrupt)?,
        gateway_order_no: row.get(8),
        shown: row.get(9),
        auth_code_masked: row.get(10),
        description: row.get(11),
        created_at: time(row.get(12)),
        updated_at: time(row.get(13)),
        paid_at: row.get::<_, Option<i64>>(14).map(time),
        last_error: row.get(15),
        late: row.get(16),
        repeat_of: row.get(17),
        query_attempts: 0,
        acknowledged: row.get(18),
        check_reason: row.get(19),
        // Shifts and tendered cash are the till's own (its closing report), not the store's.
        shift_id: None,
        tendered: None,
    })
}
