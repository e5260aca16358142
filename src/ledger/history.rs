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
    /// Rows this version cannot read (a status or method it does not know, written by a newer
    /// version or by hand): left out of the figures and named, so the rest of the day still shows.
    pub unreadable: Vec<Unreadable>,
}

/// A row left out of a day because it cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Unreadable {
    /// The order, when known (the till's own ledger names each one).
    pub order_no: Option<String>,
    /// What could not be read: `status refunded`, `method x`.
    pub what: String,
}

impl crate::i18n::Localized for Unreadable {
    fn message(&self, lang: crate::i18n::Lang) -> String {
        let order = self.order_no.as_deref().unwrap_or("?");
        match lang {
            crate::i18n::Lang::Zh => {
                format!("订单 {order} 无法识别（{}），未计入当天统计", self.what)
            }
            crate::i18n::Lang::En => format!(
                "Order {order} cannot be read ({}); it is left out of the day",
                self.what
            ),
        }
    }
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
        let (Ok(status), Some(method)) =
            (status.parse::<OrderStatus>(), PayMethod::from_slug(method))
        else {
            self.unreadable.push(Unreadable {
                order_no: None,
                what: format!("status {status}, method {method} × {count}"),
            });
            return Ok(());
        };
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

    /// Adds another day's totals to these: the totals of a range of days (an export of a
    /// week or a month), one line per status and per method, in display order.
    pub fn absorb(&mut self, other: DayTotals) {
        self.count += other.count;
        self.paid_count += other.paid_count;
        self.paid = self.paid.checked_add(other.paid).unwrap_or(self.paid);
        for total in other.by_status {
            match self.by_status.iter_mut().find(|t| t.status == total.status) {
                Some(mine) => {
                    mine.count += total.count;
                    mine.asked = mine.asked.checked_add(total.asked).unwrap_or(mine.asked);
                }
                None => self.by_status.push(total),
            }
        }
        for total in other.by_method {
            match self.by_method.iter_mut().find(|t| t.method == total.method) {
                Some(mine) => {
                    mine.paid_count += total.paid_count;
                    mine.paid = mine.paid.checked_add(total.paid).unwrap_or(mine.paid);
                }
                None => self.by_method.push(total),
            }
        }
        self.unreadable.extend(other.unreadable);
        self.sort();
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
    /// `day`'s totals and all its orders, newest first: what the history screen, `cashier
    /// history` and an export show of a day (one place, so they never differ).
    pub fn whole_day(
        &self,
        day: NaiveDate,
        offset: FixedOffset,
    ) -> Result<(DayTotals, Vec<OrderRecord>), LedgerError> {
        /// Orders read at a time: a busy day holds thousands.
        const PAGE: u32 = 5_000;
        let totals = self.day_totals(day, offset)?;
        let mut orders = Vec::new();
        for page in 0.. {
            let batch = self.day_orders(day, offset, page, PAGE)?;
            if batch.is_empty() {
                break;
            }
            orders.extend(batch);
        }
        Ok((totals, orders))
    }

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
            if status.parse::<OrderStatus>().is_err() || PayMethod::from_slug(&method).is_none() {
                // Named order by order, so whoever reads the day can find them.
                let mut named = self.conn().prepare_cached(
                    "SELECT order_no FROM orders WHERE created_at_ms >= ?1 AND created_at_ms < ?2
                       AND status = ?3 AND method = ?4 ORDER BY created_at_ms LIMIT 50",
                )?;
                let numbers = named
                    .query_map(params![start, end, status, method], |row| row.get(0))?
                    .collect::<Result<Vec<String>, _>>()?;
                for order_no in numbers {
                    totals.unreadable.push(Unreadable {
                        order_no: Some(order_no),
                        what: format!("status {status}, method {method}"),
                    });
                }
                continue;
            }
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
        // A row this version cannot read is left out (`day_totals` names it), not the whole day.
        let mut orders = Vec::new();
        for row in rows {
            match row {
                Ok(order) => orders.push(order),
                Err(rusqlite::Error::FromSqlConversionFailure(_, _, why)) => {
                    tracing::warn!(%why, "an order of the day cannot be read");
                }
                Err(error) => return Err(error.into()),
            }
        }
        Ok(orders)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::OrderDraft;

    #[test]
    fn the_totals_of_days_add_up_per_status_and_method() {
        let day = |groups: &[(&str, &str, i64, i64)]| {
            let mut totals = DayTotals::default();
            for (status, method, count, fen) in groups {
                let money = Money::from_fen(*fen);
                totals
                    .add_group(status, method, *count, money, money)
                    .expect("a group");
            }
            totals.sort();
            totals
        };
        let mut week = day(&[("paid", "wechat-qr", 2, 300), ("failed", "cash", 1, 50)]);
        week.absorb(day(&[
            ("paid", "wechat-qr", 1, 100),
            ("paid", "cash", 3, 900),
        ]));
        assert_eq!((week.count, week.paid_count), (7, 6));
        assert_eq!(week.paid, Money::from_fen(1300));
        let methods: Vec<_> = week
            .by_method
            .iter()
            .map(|t| (t.method, t.paid_count, t.paid))
            .collect();
        assert_eq!(
            methods,
            [
                (PayMethod::WechatQr, 3, Money::from_fen(400)),
                (PayMethod::Cash, 3, Money::from_fen(900))
            ]
        );
        let paid = week
            .by_status
            .iter()
            .find(|t| t.status == OrderStatus::Paid)
            .expect("paid");
        assert_eq!((paid.count, paid.asked), (6, Money::from_fen(1300)));
    }

    /// Issue 20, item 8: one row with a status this version does not know leaves the rest of the
    /// day readable and is named (before, the whole day failed to load).
    #[test]
    fn a_row_with_an_unknown_status_is_named_and_the_rest_of_the_day_shows() {
        let mut ledger = Ledger::open_in_memory().expect("ledger");
        let now = Utc::now();
        let draft = OrderDraft {
            provider: crate::gateway::Provider::Qht,
            merchant_id: "M".into(),
            till_id: "K1".into(),
            method: PayMethod::WechatQr,
            amount: Money::from_fen(100),
            description: "x".into(),
            auth_code_masked: None,
        };
        let kept = ledger.create_order(&draft, now).expect("order").order_no;
        let odd = ledger.create_order(&draft, now).expect("order").order_no;
        ledger
            .conn()
            .execute(
                "UPDATE orders SET status = 'refunded' WHERE order_no = ?1",
                [&odd],
            )
            .expect("a newer version's status");
        let offset = crate::china_time::cst();
        let day = day_of(now, offset);
        let totals = ledger.day_totals(day, offset).expect("the day reads");
        assert_eq!(totals.count, 1);
        assert_eq!(totals.unreadable.len(), 1);
        assert_eq!(totals.unreadable[0].order_no.as_deref(), Some(odd.as_str()));
        let orders = ledger
            .day_orders(day, offset, 0, 100)
            .expect("the orders read");
        assert_eq!(orders.len(), 1);
        assert_eq!(orders[0].order_no, kept);
    }
}
