//! The write-ahead ledger: every order in SQLite (WAL, durable commits), written before its
//! request leaves the machine, with an append-only history of every status move.
//!
//! Status moves are compare-and-set in SQL (`UPDATE … WHERE status IN (…)`) inside an immediate
//! transaction, so answers racing each other — a query and a notification, two processes on one
//! ledger — apply at most once, and paid is final.

mod audit;
mod cashiers;
mod day_close;
mod error;
mod history;
mod open;
pub mod order_no;
mod outbox;
mod reads;
mod records;
mod refunds;
mod schema;
mod shared;
mod shifts;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

pub use audit::{AuditAction, AuditRecord};
pub use day_close::{CashierLine, DayReport};
pub use error::LedgerError;
pub use history::{
    DailyTotal, DayTotals, MethodTotal, StatusTotal, Unreadable, day_of, day_range_ms,
};
pub use outbox::{OutboxEntry, OutboxPosition};
pub use records::{Applied, EventRecord, OrderDraft, OrderRecord};
use records::{ORDER_COLUMN_COUNT, ORDER_COLUMNS, corrupt, ms, order_from_row, time};
pub use refunds::{Refund, RefundError, RefundWay, VOID_QUERIED_FOR_MS};
pub use shared::SharedLedger;
pub use shifts::{DEFAULT_CASHIER, LatePayment, MethodLine, Shift, ShiftError, ShiftReport};

use crate::money::Money;
use crate::status::{OrderStatus, PaidAmount, Source, StatusMove};

/// The ledger: one SQLite connection.
#[derive(Debug)]
pub struct Ledger {
    conn: Connection,
    /// This ledger's install id (`order_no.rs`), read once at open.
    install_id: String,
}

/// Writes: an order made, a status moved, an error noted. Reads are in `reads.rs`, opening in
/// `open.rs`.
impl Ledger {
    /// Gives `draft` a fresh order number and writes it, durably, as `creating`, in the open
    /// shift (a default one is opened if there is none).
    pub fn create_order(
        &mut self,
        draft: &OrderDraft,
        now: DateTime<Utc>,
    ) -> Result<OrderRecord, LedgerError> {
        self.insert_order(draft, None, now)
    }

    /// Writes a cash sale, paid at once: `tendered` is what the customer handed over (at least
    /// the amount). It never goes to a gateway, so it is never queried.
    pub fn record_cash_sale(
        &mut self,
        draft: &OrderDraft,
        tendered: Money,
        now: DateTime<Utc>,
    ) -> Result<OrderRecord, LedgerError> {
        self.insert_order(draft, Some(tendered), now)
    }

    fn insert_order(
        &mut self,
        draft: &OrderDraft,
        cash_tendered: Option<Money>,
        now: DateTime<Utc>,
    ) -> Result<OrderRecord, LedgerError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let prefix = order_no::prefix(&draft.till_id, &self.install_id, now);
        let last: Option<String> = tx
            .query_row(
                "SELECT max(order_no) FROM orders WHERE order_no >= ?1 AND order_no < ?1 || '~'",
                [&prefix],
                |row| row.get(0),
            )
            .optional()?
            .flatten();
        let order_no =
            order_no::next(&prefix, last.as_deref()).ok_or(LedgerError::OrderNumbersExhausted)?;
        let shift = shift_for_sale(&tx, now)?;
        let (status, source, paid) = match cash_tendered {
            Some(_) => (OrderStatus::Paid, Source::Cash, Some(draft.amount.li())),
            None => (OrderStatus::Creating, Source::Create, None),
        };
        tx.execute(
            "INSERT INTO orders (order_no, provider, merchant_id, till_id, method, amount_li, status,
                                 auth_code_masked, description, created_at_ms, updated_at_ms,
                                 shift_id, tendered_li, paid_li, paid_at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11, ?12, ?13,
                     CASE WHEN ?13 IS NULL THEN NULL ELSE ?10 END)",
            params![
                order_no,
                draft.provider.id(),
                draft.merchant_id,
                draft.till_id,
                draft.method.slug(),
                draft.amount.li(),
                status.as_str(),
                draft.auth_code_masked,
                draft.description,
                ms(now),
                shift,
                cash_tendered.map(Money::li),
                paid,
            ],
        )?;
        let id = tx.last_insert_rowid();
        tx.execute(
            "INSERT INTO order_events (order_id, at_ms, from_status, to_status, source, detail)
             VALUES (?1, ?2, NULL, ?3, ?4, ?5)",
            params![
                id,
                ms(now),
                status.as_str(),
                source.as_str(),
                cash_tendered.map(|tendered| format!("收现金 {tendered}"))
            ],
        )?;
        tx.commit()?;
        self.order(&order_no)?
            .ok_or(LedgerError::NoSuchOrder(order_no))
    }

    /// Applies `transition` to `order_no` if the order is in a status it may move from.
    ///
    /// A move to pending also records that the gateway acknowledged the order.
    pub fn record(
        &mut self,
        order_no: &str,
        transition: &StatusMove,
        now: DateTime<Utc>,
    ) -> Result<Applied, LedgerError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (id, current): (i64, String) = tx
            .query_row(
                "SELECT id, status FROM orders WHERE order_no = ?1",
                [order_no],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?
            .ok_or_else(|| LedgerError::NoSuchOrder(order_no.to_owned()))?;
        let from: OrderStatus = current.parse().map_err(LedgerError::Corrupt)?;
        let allowed = transition.to.allowed_from();
        if !allowed.contains(&from) {
            return Ok(Applied::Unchanged { current: from });
        }
        let paid_money = matches!(
            transition.to,
            OrderStatus::Paid | OrderStatus::AmountMismatch
        );
        let late = paid_money && matches!(from, OrderStatus::Unresolved | OrderStatus::Failed);
        let paid: Option<&PaidAmount> = transition.paid.as_ref();
        let paid_at = paid.map(|p| ms(p.paid_at.unwrap_or(now)));
        let next_query = transition.next_query_at.map(ms);
        let acknowledged = transition.to == OrderStatus::Pending;
        let allowed_sql = allowed
            .iter()
            .map(|s| format!("'{}'", s.as_str()))
            .collect::<Vec<_>>()
            .join(", ");
        let changed = tx.execute(
            &format!(
                "UPDATE orders SET status = ?1, updated_at_ms = ?2,
                    paid_li = coalesce(?3, paid_li), paid_at_ms = coalesce(?4, paid_at_ms),
                    gateway_order_no = coalesce(?5, gateway_order_no), shown = coalesce(?6, shown),
                    last_error = coalesce(?7, last_error), late = late OR ?8, next_query_at_ms = ?9,
                    acknowledged = acknowledged OR ?11
                 WHERE id = ?10 AND status IN ({allowed_sql})"
            ),
            params![
                transition.to.as_str(),
                ms(now),
                paid.map(|p| p.amount.li()),
                paid_at,
                transition.gateway_order_no,
                transition.shown,
                transition.error,
                late,
                next_query,
                id,
                acknowledged
            ],
        )?;
        if changed == 0 {
            return Ok(Applied::Unchanged { current: from });
        }
        let detail = transition
            .error
            .clone()
            .or_else(|| paid.map(|p| format!("实付 {}", p.amount)));
        tx.execute(
            "INSERT INTO order_events (order_id, at_ms, from_status, to_status, source, gateway_status, detail)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![id, ms(now), from.as_str(), transition.to.as_str(), transition.source.as_str(), transition.gateway_status, detail],
        )?;
        tx.commit()?;
        Ok(Applied::Moved { from, late })
    }

    /// Notes an error on an order without moving it (a create with an unknown outcome).
    pub fn note_error(
        &mut self,
        order_no: &str,
        error: &str,
        now: DateTime<Utc>,
    ) -> Result<(), LedgerError> {
        self.conn.execute(
            "UPDATE orders SET last_error = ?1, updated_at_ms = ?2 WHERE order_no = ?3",
            params![error, ms(now), order_no],
        )?;
        Ok(())
    }

    /// Marks an open order for a person to check, with the reason, in its history too. The order
    /// stays open and keeps being queried; marking it again changes nothing.
    pub fn flag_for_check(
        &mut self,
        order_no: &str,
        reason: &str,
        source: Source,
        now: DateTime<Utc>,
    ) -> Result<bool, LedgerError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let Some((id, status)): Option<(i64, String)> = tx
            .query_row(
                "SELECT id, status FROM orders WHERE order_no = ?1 AND check_reason IS NULL",
                [order_no],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?
        else {
            return Ok(false);
        };
        tx.execute(
            "UPDATE orders SET check_reason = ?1, updated_at_ms = ?2 WHERE id = ?3",
            params![reason, ms(now), id],
        )?;
        tx.execute(
            "INSERT INTO order_events (order_id, at_ms, from_status, to_status, source, detail)
             VALUES (?1, ?2, ?3, ?3, ?4, ?5)",
            params![id, ms(now), status, source.as_str(), reason],
        )?;
        tx.commit()?;
        Ok(true)
    }

    /// Records a background re-query that did not resolve the order, and when to try next
    /// (`None`: stop re-querying automatically).
    pub fn schedule_requery(
        &mut self,
        order_no: &str,
        next: Option<DateTime<Utc>>,
    ) -> Result<(), LedgerError> {
        self.conn.execute(
            "UPDATE orders SET query_attempts = query_attempts + 1, next_query_at_ms = ?1 WHERE order_no = ?2",
            params![next.map(ms), order_no],
        )?;
        Ok(())
    }

    /// Records a repeated payment (changpay 补单) of `original` as its own paid order, linked to
    /// it. Returns whether it was new (a repeated notification of it changes nothing).
    pub fn record_repeat_payment(
        &mut self,
        original: &str,
        repeat_no: &str,
        paid: &PaidAmount,
        source: Source,
        now: DateTime<Utc>,
    ) -> Result<bool, LedgerError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let inserted = tx.execute(
            "INSERT OR IGNORE INTO orders (order_no, provider, merchant_id, till_id, method, amount_li, paid_li,
                 status, description, created_at_ms, updated_at_ms, paid_at_ms, late, repeat_of)
             SELECT ?1, provider, merchant_id, till_id, method, ?2, ?2, 'paid', '重复支付（补单）', ?3, ?3, ?4, 1, order_no
             FROM orders WHERE order_no = ?5",
            params![repeat_no, paid.amount.li(), ms(now), ms(paid.paid_at.unwrap_or(now)), original],
        )?;
        if inserted == 1 {
            let id = tx.last_insert_rowid();
            tx.execute(
                "INSERT INTO order_events (order_id, at_ms, from_status, to_status, source, detail)
                 VALUES (?1, ?2, NULL, 'paid', ?3, ?4)",
                params![
                    id,
                    ms(now),
                    source.as_str(),
                    format!("订单 {original} 的重复支付")
                ],
            )?;
        }
        tx.commit()?;
        Ok(inserted == 1)
    }
}

/// The shift a sale written now belongs to: the open one, or a default one opened for it.
fn shift_for_sale(tx: &rusqlite::Transaction<'_>, now: DateTime<Utc>) -> rusqlite::Result<i64> {
    if let Some(shift) = shifts::open_shift_in(tx)? {
        return Ok(shift.id);
    }
    tx.execute(
        "INSERT INTO shifts (cashier, float_li, opened_at_ms, implicit) VALUES (?1, 0, ?2, 1)",
        params![shifts::DEFAULT_CASHIER, ms(now)],
    )?;
    Ok(tx.last_insert_rowid())
}
