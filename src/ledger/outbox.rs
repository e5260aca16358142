//! The till's side of the store ledger: which orders changed since the store took them. Triggers
//! fill `store_outbox` once the till is linked to a store; a push sends the orders' current state
//! and clears an entry only if the order did not change again meanwhile. A push that dies before
//! clearing sends the same state again next time, which the store applies as a no-op.

use rusqlite::params;

use super::{Ledger, LedgerError, ORDER_COLUMNS, OrderRecord, order_from_row};

/// An order to push, and which change of it this is.
#[derive(Debug, Clone)]
pub struct OutboxEntry {
    /// The order's current state.
    pub order: OrderRecord,
    /// Raised by every change of the order in this ledger: the store keeps the higher one, so
    /// the order of a till's changes, not its clock, decides which copy is newer.
    pub version: i64,
    order_id: i64,
    changes: i64,
}

/// Where a walk through the outbox has got to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxPosition(i64);

impl OutboxEntry {
    /// The position just after this entry.
    #[must_use]
    pub fn position(&self) -> OutboxPosition {
        OutboxPosition(self.order_id)
    }
}

impl Ledger {
    /// Links this till to a store: from now on every change is queued, and every order already
    /// in the ledger is queued once, so the store gets the till's whole history.
    pub fn link_store(&mut self) -> Result<(), LedgerError> {
        let tx = self.conn.transaction()?;
        let enabled: bool =
            tx.query_row("SELECT enabled FROM store_link WHERE id = 1", [], |row| {
                row.get(0)
            })?;
        if !enabled {
            tx.execute("UPDATE store_link SET enabled = 1 WHERE id = 1", [])?;
            tx.execute(
                "INSERT OR IGNORE INTO store_outbox (order_id, changes) SELECT id, 1 FROM orders",
                [],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// How many orders wait to be pushed.
    pub fn outbox_len(&self) -> Result<u64, LedgerError> {
        let count: i64 = self
            .conn
            .query_row("SELECT count(*) FROM store_outbox", [], |row| row.get(0))?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    /// Up to `limit` orders to push after `after` (the position of the last entry of the batch
    /// before, 0 at first), in the order they were first queued. Entries the store refused stay
    /// queued, so a push walks the queue once instead of asking for its head again.
    pub fn outbox_batch(
        &self,
        after: OutboxPosition,
        limit: u32,
    ) -> Result<Vec<OutboxEntry>, LedgerError> {
        let columns = ORDER_COLUMNS
            .split(", ")
            .map(|column| format!("o.{}", column.trim()))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT {columns}, b.order_id, b.changes, o.version FROM store_outbox b
             JOIN orders o ON o.id = b.order_id WHERE b.order_id > ?2 ORDER BY b.order_id LIMIT ?1"
        );
        let mut statement = self.conn.prepare_cached(&sql)?;
        let rows = statement.query_map(params![limit, after.0], |row| {
            Ok(OutboxEntry {
                order: order_from_row(row)?,
                order_id: row.get(super::ORDER_COLUMN_COUNT)?,
                changes: row.get(super::ORDER_COLUMN_COUNT + 1)?,
                version: row.get(super::ORDER_COLUMN_COUNT + 2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Clears the entries the store took (and only those: a refused one stays queued), unless their order changed again since they were read.
    pub fn outbox_pushed(&mut self, entries: &[OutboxEntry]) -> Result<(), LedgerError> {
        let tx = self.conn.transaction()?;
        {
            let mut clear =
                tx.prepare_cached("DELETE FROM store_outbox WHERE order_id = ?1 AND changes = ?2")?;
            for entry in entries {
                clear.execute(params![entry.order_id, entry.changes])?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::{PayMethod, Provider};
    use crate::ledger::OrderDraft;
    use crate::money::Money;
    use chrono::Utc;

    fn draft() -> OrderDraft {
        OrderDraft {
            provider: Provider::Qht,
            merchant_id: "M1".into(),
            till_id: "K1".into(),
            method: PayMethod::AlipayQr,
            amount: Money::from_fen(1_230),
            description: "x".into(),
            auth_code_masked: None,
        }
    }

    #[test]
    fn a_lone_till_queues_nothing_and_a_linked_one_queues_every_change_once() {
        let mut ledger = Ledger::open_in_memory().expect("ledger");
        let first = ledger.create_order(&draft(), Utc::now()).expect("order");
        assert_eq!(ledger.outbox_len().expect("len"), 0);
        ledger.link_store().expect("linked");
        assert_eq!(ledger.outbox_len().expect("len"), 1, "history is queued");
        ledger.create_order(&draft(), Utc::now()).expect("order");
        let batch = ledger
            .outbox_batch(OutboxPosition::default(), 10)
            .expect("batch");
        assert_eq!(batch.len(), 2);
        assert_eq!(batch[0].order.order_no, first.order_no);
        ledger.outbox_pushed(&batch).expect("cleared");
        assert_eq!(ledger.outbox_len().expect("len"), 0);
    }

    #[test]
    fn a_change_during_a_push_stays_queued() {
        let mut ledger = Ledger::open_in_memory().expect("ledger");
        ledger.link_store().expect("linked");
        let order = ledger.create_order(&draft(), Utc::now()).expect("order");
        let batch = ledger
            .outbox_batch(OutboxPosition::default(), 10)
            .expect("batch");
        ledger
            .note_error(&order.order_no, "网络异常", Utc::now())
            .expect("changed");
        ledger.outbox_pushed(&batch).expect("cleared");
        assert_eq!(
            ledger.outbox_len().expect("len"),
            1,
            "the newer state is still to be pushed"
        );
        let again = ledger
            .outbox_batch(OutboxPosition::default(), 10)
            .expect("batch");
        assert!(
            again[0].version > batch[0].version,
            "each change raises the version"
        );
    }

    #[test]
    fn a_walk_goes_past_entries_left_queued() {
        let mut ledger = Ledger::open_in_memory().expect("ledger");
        ledger.link_store().expect("linked");
        ledger.create_order(&draft(), Utc::now()).expect("order");
        ledger.create_order(&draft(), Utc::now()).expect("order");
        let first = ledger
            .outbox_batch(OutboxPosition::default(), 1)
            .expect("batch");
        let next = ledger.outbox_batch(first[0].position(), 1).expect("batch");
        assert_ne!(first[0].order.order_no, next[0].order.order_no);
        assert!(
            ledger
                .outbox_batch(next[0].position(), 1)
                .expect("end")
                .is_empty()
        );
    }
}
