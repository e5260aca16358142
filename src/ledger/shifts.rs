//! Shifts (班次) and their closing report (交班报表, the Z-report).
//!
//! Every order belongs to the shift open when it was written; selling with none open opens a
//! default one (`默认`), so a shop that ignores shifts loses nothing. Closing a shift computes its
//! report once and keeps it as printed: a past shift is read and reprinted, never recomputed, so
//! a payment landing later shows in the shift it landed in, as a late payment.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::{Ledger, LedgerError, ms, time};
use crate::gateway::PayMethod;
use crate::money::Money;

/// The cashier name of a shift opened by a sale with none open.
pub const DEFAULT_CASHIER: &str = "默认";

/// One shift.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shift {
    /// Its number.
    pub id: i64,
    /// Who sold.
    pub cashier: String,
    /// The cash in the drawer at the start (备用金).
    pub float: Money,
    /// When it opened.
    pub opened_at: DateTime<Utc>,
    /// When it closed, if it has.
    pub closed_at: Option<DateTime<Utc>>,
    /// Opened by a sale, not by a person.
    pub implicit: bool,
}

/// Why a shift could not be opened, closed or read.
#[derive(Debug, thiserror::Error)]
pub enum ShiftError {
    /// A shift is open already.
    #[error("已有未交班的班次（第 {id} 班，收银员 {cashier}），请先交班")]
    AlreadyOpen {
        /// Its number.
        id: i64,
        /// Its cashier.
        cashier: String,
    },
    /// No shift is open (closing twice).
    #[error("没有未交班的班次")]
    NoneOpen,
    /// No shift has this number.
    #[error("没有第 {0} 班")]
    NoSuch(i64),
    /// The cashier's name is empty or too long.
    #[error("收银员姓名应为 1 到 32 个字")]
    CashierName,
    /// Cashiers sign in at this till, and no cashier has this name.
    #[error("没有名为 {0} 的收银员：请店主先添加（cashier owner add-cashier）")]
    UnknownCashier(String),
    /// The cashier's PIN is wrong (or missing).
    #[error("收银员密码错误")]
    WrongPin,
    /// A new cashier's PIN is not 4–6 digits.
    #[error("收银员密码应为 4 到 6 位数字")]
    CashierPinDigits,
    /// A new cashier's PIN was typed twice differently.
    #[error("两次输入的密码不一致")]
    PinMismatch,
    /// Five sign-ins in a row were refused: the next is not checked until the wait is over.
    #[error("登录失败次数过多，请 {0} 秒后再试")]
    TooManyTries(u64),
    /// The ledger failed.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

impl From<rusqlite::Error> for ShiftError {
    fn from(error: rusqlite::Error) -> Self {
        ShiftError::Ledger(error.into())
    }
}

impl crate::i18n::Localized for ShiftError {
    fn message(&self, lang: crate::i18n::Lang) -> String {
        match (lang, self) {
            (crate::i18n::Lang::Zh, _) => self.to_string(),
            (_, ShiftError::AlreadyOpen { id, cashier }) => {
                format!("Shift {id} ({cashier}) is still open: close it first")
            }
            (_, ShiftError::NoneOpen) => "No shift is open".to_owned(),
            (_, ShiftError::NoSuch(id)) => format!("There is no shift {id}"),
            (_, ShiftError::CashierName) => {
                "The cashier's name must be 1 to 32 characters".to_owned()
            }
            (_, ShiftError::UnknownCashier(name)) => format!(
                "No cashier is named {name}: the owner adds cashiers (cashier owner add-cashier)"
            ),
            (_, ShiftError::WrongPin) => "Wrong cashier PIN".to_owned(),
            (_, ShiftError::CashierPinDigits) => "A cashier's PIN is 4 to 6 digits".to_owned(),
            (_, ShiftError::PinMismatch) => "The two entries differ".to_owned(),
            (_, ShiftError::TooManyTries(secs)) => {
                format!("Too many refused sign-ins; try again in {secs} s")
            }
            (lang, ShiftError::Ledger(error)) => error.message(lang),
        }
    }
}

/// Paid orders of one method in a shift.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MethodLine {
    /// The method.
    pub method: PayMethod,
    /// How many.
    pub count: u64,
    /// What they paid.
    #[serde(with = "super::records::li")]
    pub amount: Money,
}

/// A payment that landed in this shift for an order of an earlier one (the cashier had given up).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LatePayment {
    /// The order.
    pub order_no: String,
    /// Its method.
    pub method: PayMethod,
    /// What it paid.
    #[serde(with = "super::records::li")]
    pub amount: Money,
    /// The shift the order was sold in.
    pub sold_in_shift: Option<i64>,
}

/// The closing report (Z-report) of a shift, or the report so far of the open one.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ShiftReport {
    /// The shift's number.
    pub shift: i64,
    /// Who sold.
    pub cashier: String,
    /// Opened by a sale, not by a person.
    pub implicit: bool,
    /// When it opened.
    pub opened_at: DateTime<Utc>,
    /// When it closed; none while open.
    pub closed_at: Option<DateTime<Utc>>,
    /// The opening float.
    #[serde(with = "super::records::li")]
    pub float: Money,
    /// Orders written in the shift.
    pub order_count: u64,
    /// What the shift's paid orders paid.
    #[serde(with = "super::records::li")]
    pub paid: Money,
    /// How many were paid.
    pub paid_count: u64,
    /// Paid per method, in the till's method order.
    pub by_method: Vec<MethodLine>,
    /// Orders that failed.
    pub failed_count: u64,
    /// Orders not final yet (they may still be paid): their numbers.
    pub unresolved: Vec<String>,
    /// Late payments for earlier shifts' orders that landed in this shift.
    pub late_payments: Vec<LatePayment>,
    /// Their total.
    #[serde(with = "super::records::li")]
    pub late_paid: Money,
    /// Refunds made in this shift (of its sales or earlier ones).
    #[serde(default)]
    pub refunds: Vec<super::Refund>,
    /// Their total.
    #[serde(default, with = "super::records::li")]
    pub refunded: Money,
    /// Float plus cash sales less cash given back: what the drawer should hold.
    #[serde(with = "super::records::li")]
    pub cash_expected: Money,
    /// What the cashier counted at the close.
    #[serde(with = "li_opt")]
    pub cash_counted: Option<Money>,
    /// Counted minus expected (negative: short).
    #[serde(with = "li_opt")]
    pub difference: Option<Money>,
}

/// Optional money as li in the kept report.
mod li_opt {
    use crate::money::Money;

    #[allow(clippy::ref_option)] // serde's `with` passes a reference to the field.
    pub fn serialize<S: serde::Serializer>(
        money: &Option<Money>,
        to: S,
    ) -> Result<S::Ok, S::Error> {
        match money {
            Some(money) => to.serialize_some(&money.li()),
            None => to.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(
        from: D,
    ) -> Result<Option<Money>, D::Error> {
        <Option<i64> as serde::Deserialize>::deserialize(from).map(|li| li.map(Money::from_li))
    }
}

const SHIFT_COLUMNS: &str = "id, cashier, float_li, opened_at_ms, closed_at_ms, implicit";

fn shift_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Shift> {
    Ok(Shift {
        id: row.get(0)?,
        cashier: row.get(1)?,
        float: Money::from_li(row.get(2)?),
        opened_at: time(row.get(3)?),
        closed_at: row.get::<_, Option<i64>>(4)?.map(time),
        implicit: row.get(5)?,
    })
}

pub(super) fn open_shift_in(conn: &Connection) -> rusqlite::Result<Option<Shift>> {
    conn.query_row(
        &format!("SELECT {SHIFT_COLUMNS} FROM shifts WHERE closed_at_ms IS NULL"),
        [],
        shift_from_row,
    )
    .optional()
}

/// `shift`'s report as of `end` (its close, or now), with `counted` cash if closing.
fn compute(
    conn: &Connection,
    shift: &Shift,
    end: DateTime<Utc>,
    counted: Option<Money>,
) -> rusqlite::Result<ShiftReport> {
    let mut by_method: Vec<MethodLine> = Vec::new();
    let (mut order_count, mut failed_count) = (0, 0);
    let mut unresolved = Vec::new();
    let mut statement = conn.prepare_cached(
        "SELECT method, status, count(*), coalesce(sum(paid_li), 0) FROM orders
         WHERE shift_id = ?1 GROUP BY method, status",
    )?;
    let mut rows = statement.query([shift.id])?;
    while let Some(row) = rows.next()? {
        let (method, status, count, paid): (String, String, i64, i64) =
            (row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?);
        let count = count.unsigned_abs();
        order_count += count;
        match status.as_str() {
            "paid" => {
                let method = PayMethod::from_slug(&method)
                    .ok_or_else(|| super::corrupt(format!("method {method}")))?;
                by_method.push(MethodLine {
                    method,
                    count,
                    amount: Money::from_li(paid),
                });
            }
            "failed" => failed_count += count,
            _ => {}
        }
    }
    by_method.sort_by_key(|line| PayMethod::all().position(|m| m == line.method));
    let mut open = conn.prepare_cached(
        "SELECT order_no FROM orders WHERE shift_id = ?1
           AND status IN ('creating', 'pending', 'unresolved', 'amount_mismatch') ORDER BY order_no",
    )?;
    for order_no in open.query_map([shift.id], |row| row.get(0))? {
        unresolved.push(order_no?);
    }
    let late_payments = late_payments(conn, shift, end)?;
    let paid = Money::from_li(by_method.iter().map(|line| line.amount.li()).sum());
    let cash_sales: i64 = by_method
        .iter()
        .filter(|line| line.method == PayMethod::Cash)
        .map(|line| line.amount.li())
        .sum();
    let refunds = super::refunds::refunds_in_shift(conn, shift.id)?;
    let cash_back: i64 = refunds
        .iter()
        .filter(|refund| refund.way == super::RefundWay::Cash)
        .map(|refund| refund.amount.li())
        .sum();
    let cash_expected = Money::from_li(shift.float.li() + cash_sales - cash_back);
    Ok(ShiftReport {
        shift: shift.id,
        cashier: shift.cashier.clone(),
        implicit: shift.implicit,
        opened_at: shift.opened_at,
        closed_at: shift.closed_at.or(counted.map(|_| end)),
        float: shift.float,
        order_count,
        paid,
        paid_count: by_method.iter().map(|line| line.count).sum(),
        by_method,
        failed_count,
        unresolved,
        late_paid: Money::from_li(late_payments.iter().map(|late| late.amount.li()).sum()),
        late_payments,
        refunded: Money::from_li(refunds.iter().map(|refund| refund.amount.li()).sum()),
        refunds,
        cash_expected,
        cash_counted: counted,
        difference: counted.map(|counted| Money::from_li(counted.li() - cash_expected.li())),
    })
}

/// Payments recorded between the shift's opening and `end` for orders of other shifts.
fn late_payments(
    conn: &Connection,
    shift: &Shift,
    end: DateTime<Utc>,
) -> rusqlite::Result<Vec<LatePayment>> {
    // Sorted here, not by SQL: an ORDER BY makes SQLite walk every order by its number instead
    // of the few late ones through `orders_late` (139 ms instead of 0.05 ms on a million orders).
    let mut statement = conn.prepare_cached(
        "SELECT o.order_no, o.method, o.paid_li, o.shift_id FROM orders o
         WHERE o.late = 1 AND o.status = 'paid' AND o.shift_id IS NOT ?1
           AND EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = o.id
                       AND e.to_status = 'paid' AND e.at_ms >= ?2 AND e.at_ms < ?3)",
    )?;
    let rows = statement.query_map(params![shift.id, ms(shift.opened_at), ms(end)], |row| {
        let method: String = row.get(1)?;
        Ok(LatePayment {
            order_no: row.get(0)?,
            method: PayMethod::from_slug(&method)
                .ok_or_else(|| super::corrupt(format!("method {method}")))?,
            amount: Money::from_li(row.get::<_, Option<i64>>(2)?.unwrap_or_default()),
            sold_in_shift: row.get(3)?,
        })
    })?;
    let mut late: Vec<LatePayment> = rows.collect::<rusqlite::Result<_>>()?;
    late.sort_by(|a, b| a.order_no.cmp(&b.order_no));
    Ok(late)
}

impl Ledger {
    /// Opens a shift for `cashier` with `float` in the drawer.
    pub fn open_shift(
        &mut self,
        cashier: &str,
        float: Money,
        now: DateTime<Utc>,
    ) -> Result<Shift, ShiftError> {
        let cashier = cashier.trim();
        if cashier.is_empty() || cashier.chars().count() > 32 {
            return Err(ShiftError::CashierName);
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        if let Some(open) = open_shift_in(&tx)? {
            return Err(ShiftError::AlreadyOpen {
                id: open.id,
                cashier: open.cashier,
            });
        }
        tx.execute(
            "INSERT INTO shifts (cashier, float_li, opened_at_ms) VALUES (?1, ?2, ?3)",
            params![cashier, float.li(), ms(now)],
        )?;
        let id = tx.last_insert_rowid();
        tx.execute(
            "INSERT INTO audit (at_ms, who, action, detail) VALUES (?1, ?2, ?3, ?4)",
            params![
                ms(now),
                cashier,
                super::AuditAction::ShiftOpened.slug(),
                format!("#{id} float {float}")
            ],
        )?;
        tx.commit()?;
        self.shift(id)?.ok_or(ShiftError::NoSuch(id))
    }

    /// The open shift, if any.
    pub fn open_shift_now(&self) -> Result<Option<Shift>, LedgerError> {
        Ok(open_shift_in(&self.conn)?)
    }

    /// Shift `id`.
    pub fn shift(&self, id: i64) -> Result<Option<Shift>, LedgerError> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {SHIFT_COLUMNS} FROM shifts WHERE id = ?1"),
                [id],
                shift_from_row,
            )
            .optional()?)
    }

    /// The latest `limit` shifts, newest first.
    pub fn recent_shifts(&self, limit: u32) -> Result<Vec<Shift>, LedgerError> {
        let mut statement = self.conn.prepare_cached(&format!(
            "SELECT {SHIFT_COLUMNS} FROM shifts ORDER BY id DESC LIMIT ?1"
        ))?;
        let shifts = statement
            .query_map([limit], shift_from_row)?
            .collect::<Result<_, _>>()?;
        Ok(shifts)
    }

    /// Closes the open shift with the cash `counted` in the drawer, and keeps its report.
    pub fn close_shift(
        &mut self,
        counted: Money,
        now: DateTime<Utc>,
    ) -> Result<ShiftReport, ShiftError> {
        self.close_shift_by(counted, None, now)
    }

    /// Closes the open shift as [`Self::close_shift`] does; the audit trail names `closed_by`
    /// (the owner closing a cashier's shift) when it is not the shift's own cashier.
    pub fn close_shift_by(
        &mut self,
        counted: Money,
        closed_by: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<ShiftReport, ShiftError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let shift = open_shift_in(&tx)?.ok_or(ShiftError::NoneOpen)?;
        // To the millisecond, as the ledger keeps times, so the kept report reads back equal.
        let now = time(ms(now));
        let report = compute(&tx, &shift, now, Some(counted))?;
        let kept = serde_json::to_string(&report)
            .map_err(|error| LedgerError::Corrupt(error.to_string()))?;
        tx.execute(
            "UPDATE shifts SET closed_at_ms = ?1, counted_li = ?2, report = ?3 WHERE id = ?4",
            params![ms(now), counted.li(), kept, shift.id],
        )?;
        tx.execute(
            "INSERT INTO audit (at_ms, who, action, detail) VALUES (?1, ?2, ?3, ?4)",
            params![
                ms(now),
                closed_by.unwrap_or(&shift.cashier),
                super::AuditAction::ShiftClosed.slug(),
                format!(
                    "#{}{} counted {counted} expected {} paid {} ({} sales)",
                    shift.id,
                    closed_by
                        .filter(|by| *by != shift.cashier)
                        .map(|_| format!(" of {}", shift.cashier))
                        .unwrap_or_default(),
                    report.cash_expected,
                    report.paid,
                    report.paid_count
                )
            ],
        )?;
        tx.commit()?;
        Ok(report)
    }

    /// Shift `id`'s report (the open shift's when `None`): a closed shift's as kept at its close,
    /// an open one's as of `now`.
    pub fn shift_report(
        &self,
        id: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<ShiftReport, ShiftError> {
        let shift = match id {
            Some(id) => self.shift(id)?.ok_or(ShiftError::NoSuch(id))?,
            None => open_shift_in(&self.conn)?.ok_or(ShiftError::NoneOpen)?,
        };
        if shift.closed_at.is_some() {
            let kept: String = self.conn.query_row(
                "SELECT report FROM shifts WHERE id = ?1",
                [shift.id],
                |row| row.get(0),
            )?;
            return serde_json::from_str(&kept)
                .map_err(|error| ShiftError::Ledger(LedgerError::Corrupt(error.to_string())));
        }
        Ok(compute(&self.conn, &shift, now, None)?)
    }
}
