//! Reading orders back: one order, its history, the open ones, the counts.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::records::{ORDER_COLUMNS, corrupt, ms, order_from_row, time};
use super::{EventRecord, Ledger, LedgerError, OrderRecord};

impl Ledger {
    /// One order.
    pub fn order(&self, order_no: &str) -> Result<Option<OrderRecord>, LedgerError> {
        let sql = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE order_no = ?1");
        Ok(self
            .conn
            .query_row(&sql, [order_no], order_from_row)
            .optional()?)
    }

    /// An order's status history, oldest first.
    pub fn events(&self, order_no: &str) -> Result<Vec<EventRecord>, LedgerError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT e.at_ms, e.from_status, e.to_status, e.source, e.gateway_status, e.detail
             FROM order_events e JOIN orders o ON o.id = e.order_id WHERE o.order_no = ?1 ORDER BY e.id",
        )?;
        let rows = statement.query_map([order_no], |row| {
            let from: Option<String> = row.get(1)?;
            let to: String = row.get(2)?;
            Ok(EventRecord {
                at: time(row.get(0)?),
                from: from.map(|s| s.parse()).transpose().map_err(corrupt)?,
                to: to.parse().map_err(corrupt)?,
                source: row.get(3)?,
                gateway_status: row.get(4)?,
                detail: row.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Orders not final yet (creating, pending, unresolved), oldest first.
    pub fn open_orders(&self) -> Result<Vec<OrderRecord>, LedgerError> {
        self.select_orders(
            "status IN ('creating', 'pending', 'unresolved', 'amount_mismatch') AND status != 'amount_mismatch'",
            params![],
        )
    }

    /// Open orders whose background re-query is due at `now`, and failed orders due a re-check.
    pub fn due_for_requery(&self, now: DateTime<Utc>) -> Result<Vec<OrderRecord>, LedgerError> {
        // A voided order is queried for a day more (a customer may still pay it), then left.
        self.select_orders(
            "status IN ('creating', 'pending', 'unresolved', 'failed')
             AND next_query_at_ms IS NOT NULL AND next_query_at_ms <= ?1
             AND (voided_at_ms IS NULL OR voided_at_ms > ?1 - ?2)",
            params![ms(now), super::VOID_QUERIED_FOR_MS],
        )
    }

    /// How many orders the ledger holds per status (the diagnostics zip).
    pub fn counts_by_status(&self) -> Result<Vec<(String, i64)>, LedgerError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT status, count(*) FROM orders GROUP BY status ORDER BY status",
        )?;
        let counts = statement
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<Result<_, _>>()?;
        Ok(counts)
    }

    /// How many shifts the ledger holds.
    pub fn shift_count(&self) -> Result<i64, LedgerError> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM shifts", [], |row| row.get(0))?)
    }

    /// What needs a person: open orders and amount mismatches, oldest first; not those voided
    /// (作废: the owner closed them).
    pub fn unresolved(&self) -> Result<Vec<OrderRecord>, LedgerError> {
        self.select_orders(
            "status IN ('creating', 'pending', 'unresolved', 'amount_mismatch')
             AND voided_at_ms IS NULL",
            params![],
        )
    }

    /// Payments that arrived after the cashier gave up, newest first.
    pub fn late_payments(&self, since: DateTime<Utc>) -> Result<Vec<OrderRecord>, LedgerError> {
        let sql = format!(
            "SELECT {ORDER_COLUMNS} FROM orders WHERE late = 1 AND updated_at_ms >= ?1 ORDER BY updated_at_ms DESC"
        );
        let mut statement = self.conn.prepare_cached(&sql)?;
        let rows = statement.query_map([ms(since)], order_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn select_orders(
        &self,
        condition: &str,
        params: &[&dyn rusqlite::ToSql],
    ) -> Result<Vec<OrderRecord>, LedgerError> {
        let sql =
            format!("SELECT {ORDER_COLUMNS} FROM orders WHERE {condition} ORDER BY created_at_ms");
        let mut statement = self.conn.prepare_cached(&sql)?;
        let rows = statement.query_map(params, order_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The connection, for the history queries.
    pub(super) fn conn(&self) -> &Connection {
        &self.conn
    }
}
