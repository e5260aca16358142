//! The queries the history and unresolved screens need, fast on a ledger of millions of orders.
//!
//! A day is a range of `created_at_ms` — the day in China time unless another offset is given —
//! so every per-day query is a range scan of the `orders_by_time` index. An order counts on the
//! day it was created, even when it was paid later.

use chrono::{DateTime, Days, FixedOffset, NaiveDate, TimeZone, Utc};
use rusqlite::params;

use super::{Ledger, LedgerError, ORDER_COLUMNS, OrderRecord, order_from_row};
use crate::gateway::PayMethod;
use crate::money::Money;
use crate::status::OrderStatus;

/// Count and sum of one status on a day.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StatusTotal {
    /// The status.
    pub status: OrderStatus,
    /// How many orders.
    pub count: u64,
    /// The sum asked.
    #[serde(skip)]
    pub asked: Money,
}

/// Paid orders of one method on a day.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MethodTotal {
    /// The method.
    pub method: PayMethod,
    /// Paid orders.
    pub paid_count: u64,
    /// Their sum, as paid.
    #[serde(skip)]
    pub paid: Money,
}

/// A day's totals.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct DayTotals {
    /// All orders created that day.
    pub count: u64,
    /// Paid orders.
    pub paid_count: u64,
    /// What they paid.
    #[serde(skip)]
    pub paid: Money,
    /// Per status.
    pub by_status: Vec<StatusTotal>,
    /// Paid, per method.
    pub by_method: Vec<MethodTotal>,
}

impl DayTotals {
    /// Adds the orders of one status and method (a `GROUP BY status, method` row): how many,
    /// what they asked, what they paid. Shared by the till's ledger and the store's.
    pub fn add_group(
        &mut self,
        status: &str,
        method: &str,
        count: i64,
        asked: Money,
        paid: Money,
    ) -> Result<(), LedgerError> {
        let status: OrderStatus = status.parse().map_err(LedgerError::Corrupt)?;
        let method =
            PayMethod::from_slug(method).ok_or_else(|| LedgerError::Corrupt(method.to_owned()))?;
        let count = u64::try_from(count).unwrap_or(0);
        self.count += count;
        match self.by_status.iter_mut().find(|t| t.status == status) {
            Some(total) => {
                total.count += count;
                total.asked = total.asked.checked_add(asked).unwrap_or(total.asked);
            }
            None => self.by_status.push(StatusTotal {
                status,
                count,
                asked,
            }),
        }
        if status == OrderStatus::Paid {
            self.paid_count += count;
            self.paid = self.paid.checked_add(paid).unwrap_or(self.paid);
            self.by_method.push(MethodTotal {
                method,
                paid_count: count,
                paid,
            });
        }
        Ok(())
    }

    /// Puts statuses and methods in their display order.
    pub fn sort(&mut self) {
        self.by_status
            .sort_by_key(|t| OrderStatus::ALL.iter().position(|s| *s == t.status));
        self.by_method
            .sort_by_key(|t| PayMethod::all().position(|m| m == t.method));
    }
}

/// One day of the chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DailyTotal {
    /// The day.
    pub day: NaiveDate,
    /// Paid orders.
    pub paid_count: u64,
    /// Their sum.
    pub paid: Money,
}

impl DailyTotal {
    /// `days` days from `first_day`, each with its `(day number since 1970, paid count, paid
    /// li)` row from `found`, or zero: the chart shows the days nothing was sold too. Shared by
    /// the till's ledger and the store's.
    #[must_use]
    pub fn every_day(first_day: NaiveDate, days: u32, found: &[(i64, u64, i64)]) -> Vec<Self> {
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
        first_day
            .iter_days()
            .take(days as usize)
            .map(|day| {
                let index = (day - epoch).num_days();
                let (paid_count, paid_li) = found
                    .iter()
                    .find(|(d, _, _)| *d == index)
                    .map_or((0, 0), |(_, c, s)| (*c, *s));
                DailyTotal {
                    day,
                    paid_count,
                    paid: Money::from_li(paid_li),
                }
            })
            .collect()
    }
}

/// `day`'s start and end, in UTC milliseconds, in the zone `offset`.
#[must_use]
pub fn day_range_ms(day: NaiveDate, offset: FixedOffset) -> (i64, i64) {
    let start = |d: NaiveDate| {
        offset
            .from_local_datetime(&d.and_time(chrono::NaiveTime::MIN))
            .single()
            .map_or(0, |t| t.with_timezone(&Utc).timestamp_millis())
    };
    let next = day.checked_add_days(Days::new(1)).unwrap_or(day);
    (start(day), start(next))
}

/// The day `time` falls on in `offset`.
#[must_use]
pub fn day_of(time: DateTime<Utc>, offset: FixedOffset) -> NaiveDate {
    time.with_timezone(&offset).date_naive()
}

impl Ledger {
    /// `day`'s totals: count and sum per status and paid per method.
    pub fn day_totals(
        &self,
        day: NaiveDate,
        offset: FixedOffset,
    ) -> Result<DayTotals, LedgerError> {
        let (start, end) = day_range_ms(day, offset);
        let mut statement = self.conn().prepare_cached(
            "SELECT status, method, count(*), sum(amount_li), sum(coalesce(paid_li, 0))
             FROM orders WHERE created_at_ms >= ?1 AND created_at_ms < ?2 GROUP BY status, method",
        )?;
        let mut totals = DayTotals::default();
        let mut rows = statement.query(params![start, end])?;
        while let Some(row) = rows.next()? {
            let status: String = row.get(0)?;
            let method: String = row.get(1)?;
            totals.add_group(
                &status,
                &method,
                row.get(2)?,
                Money::from_li(row.get(3)?),
                Money::from_li(row.get(4)?),
            )?;
        }
        totals.sort();
        Ok(totals)
    }

    /// A page of `day`'s orders, newest first.
    pub fn day_orders(
        &self,
        day: NaiveDate,
        offset: FixedOffset,
        page: u32,
        page_size: u32,
    ) -> Result<Vec<OrderRecord>, LedgerError> {
        let (start, end) = day_range_ms(day, offset);
        let sql = format!(
            "SELECT {ORDER_COLUMNS} FROM orders WHERE created_at_ms >= ?1 AND created_at_ms < ?2
             ORDER BY created_at_ms DESC, id DESC LIMIT ?3 OFFSET ?4"
        );
        let mut statement = self.conn().prepare_cached(&sql)?;
        let rows = statement.query_map(
            params![
                start,
                end,
                page_size,
                i64::from(page) * i64::from(page_size)
            ],
            order_from_row,
        )?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Paid totals of the `days` days ending with `last_day`, oldest first, days with none included.
    pub fn daily_totals(
        &self,
        last_day: NaiveDate,
        days: u32,
        offset: FixedOffset,
    ) -> Result<Vec<DailyTotal>, LedgerError> {
        let first_day = last_day
            .checked_sub_days(Days::new(u64::from(days.saturating_sub(1))))
            .unwrap_or(last_day);
        let (start, _) = day_range_ms(first_day, offset);
        let (_, end) = day_range_ms(last_day, offset);
        let offset_ms = i64::from(offset.local_minus_utc()) * 1000;
        // Day boundaries fall on whole hours (the offset is whole hours): the hourly summary
        // holds exactly the paid orders of each day.
        let mut statement = self.conn().prepare_cached(
            "SELECT (hour * 3600000 + ?3) / 86400000 AS day, sum(paid_count), sum(paid_li)
             FROM paid_by_hour WHERE hour >= ?1 / 3600000 AND hour < ?2 / 3600000 GROUP BY day",
        )?;
        let found: Vec<(i64, u64, i64)> = statement
            .query_map(params![start, end, offset_ms], |row| {
                Ok((
                    row.get(0)?,
                    u64::try_from(row.get::<_, i64>(1)?).unwrap_or(0),
                    row.get(2)?,
                ))
            })?
            .collect::<Result<_, _>>()?;
        Ok(DailyTotal::every_day(first_day, days, &found))
    }
}
