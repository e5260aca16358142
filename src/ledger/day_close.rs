//! The day's close (日结): one report for a calendar day across its shifts — the sales per method
//! and per cashier, the refunds made that day, the cash the day took in net, and each shift of the
//! day with its count (from its kept report when closed). Computed on demand, never kept: a
//! payment that lands later for the day's order shows when the day is read again.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use rusqlite::params;

use super::shifts::{MethodLine, ShiftError, ShiftReport};
use super::{Ledger, Refund, RefundWay};
use crate::gateway::PayMethod;
use crate::money::Money;

/// One cashier's sales that day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CashierLine {
    /// The cashier (默认 for sales with no one signed in).
    pub cashier: String,
    /// Paid sales.
    pub paid_count: u64,
    /// What they took.
    pub paid: Money,
}

/// The day's close.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayReport {
    /// The calendar day.
    pub day: NaiveDate,
    /// Orders written that day.
    pub order_count: u64,
    /// Paid orders.
    pub paid_count: u64,
    /// What they took.
    pub paid: Money,
    /// Paid per method, in the till's method order.
    pub by_method: Vec<MethodLine>,
    /// Paid per cashier (the cashier of the shift each sale was made in), by name.
    pub by_cashier: Vec<CashierLine>,
    /// Failed orders.
    pub failed_count: u64,
    /// Orders still open (they may yet be paid).
    pub unresolved_count: u64,
    /// The refunds made that day.
    pub refunds: Vec<Refund>,
    /// Their total.
    pub refunded: Money,
    /// What the day took less what it gave back.
    pub net: Money,
    /// Cash sales less cash given back: what the drawers gained that day.
    pub cash_net: Money,
    /// The shifts that were open at some time that day, oldest first.
    pub shifts: Vec<ShiftReport>,
}

impl Ledger {
    /// The close of `day` in `offset`'s calendar, as of `now` (an open shift's figures so far).
    ///
    /// # Errors
    /// When the ledger cannot be read.
    pub fn day_report(
        &self,
        day: NaiveDate,
        offset: FixedOffset,
        now: DateTime<Utc>,
    ) -> Result<DayReport, ShiftError> {
        let (from, to) = super::day_range_ms(day, offset);
        let mut statement = self.conn.prepare_cached(
            "SELECT coalesce(s.cashier, ?3), o.method, o.status, count(*), coalesce(sum(o.paid_li), 0)
             FROM orders o LEFT JOIN shifts s ON s.id = o.shift_id
             WHERE o.created_at_ms >= ?1 AND o.created_at_ms < ?2
             GROUP BY 1, 2, 3",
        )?;
        let mut rows = statement.query(params![from, to, super::DEFAULT_CASHIER])?;
        let mut report = DayReport {
            day,
            order_count: 0,
            paid_count: 0,
            paid: Money::ZERO,
            by_method: Vec::new(),
            by_cashier: Vec::new(),
            failed_count: 0,
            unresolved_count: 0,
            refunds: Vec::new(),
            refunded: Money::ZERO,
            net: Money::ZERO,
            cash_net: Money::ZERO,
            shifts: Vec::new(),
        };
        while let Some(row) = rows.next()? {
            let (cashier, method, status, count, paid): (String, String, String, i64, i64) = (
                row.get(0)?,
                row.get(1)?,
                row.get(2)?,
                row.get(3)?,
                row.get(4)?,
            );
            let count = count.unsigned_abs();
            report.order_count += count;
            match status.as_str() {
                "paid" => {
                    let method = PayMethod::from_slug(&method)
                        .ok_or_else(|| super::LedgerError::Corrupt(format!("method {method}")))?;
                    add_paid(&mut report, &cashier, method, count, Money::from_li(paid));
                }
                "failed" => report.failed_count += count,
                _ => report.unresolved_count += count,
            }
        }
        report
            .by_method
            .sort_by_key(|line| PayMethod::all().position(|m| m == line.method));
        report.by_cashier.sort_by(|a, b| a.cashier.cmp(&b.cashier));
        report.refunds = self.refunds_on_day(day, offset)?;
        report.refunded = Money::from_li(report.refunds.iter().map(|r| r.amount.li()).sum());
        report.net = Money::from_li(report.paid.li() - report.refunded.li());
        let cash_sales: i64 = report
            .by_method
            .iter()
            .filter(|line| line.method == PayMethod::Cash)
            .map(|line| line.amount.li())
            .sum();
        let cash_back: i64 = report
            .refunds
            .iter()
            .filter(|refund| refund.way == RefundWay::Cash)
            .map(|refund| refund.amount.li())
            .sum();
        report.cash_net = Money::from_li(cash_sales - cash_back);
        let mut shifts = self.conn.prepare_cached(
            "SELECT id FROM shifts
             WHERE opened_at_ms < ?2 AND (closed_at_ms IS NULL OR closed_at_ms >= ?1)
             ORDER BY id",
        )?;
        let ids: Vec<i64> = shifts
            .query_map(params![from, to], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for id in ids {
            report.shifts.push(self.shift_report(Some(id), now)?);
        }
        Ok(report)
    }
}

fn add_paid(report: &mut DayReport, cashier: &str, method: PayMethod, count: u64, paid: Money) {
    report.paid_count += count;
    report.paid = Money::from_li(report.paid.li() + paid.li());
    match report
        .by_method
        .iter_mut()
        .find(|line| line.method == method)
    {
        Some(line) => {
            line.count += count;
            line.amount = Money::from_li(line.amount.li() + paid.li());
        }
        None => report.by_method.push(MethodLine {
            method,
            count,
            amount: paid,
        }),
    }
    match report
        .by_cashier
        .iter_mut()
        .find(|line| line.cashier == cashier)
    {
        Some(line) => {
            line.paid_count += count;
            line.paid = Money::from_li(line.paid.li() + paid.li());
        }
        None => report.by_cashier.push(CashierLine {
            cashier: cashier.to_owned(),
            paid_count: count,
            paid,
        }),
    }
}
