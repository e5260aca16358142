//! Pushing the till's outbox to the store. Each batch is one PostgreSQL transaction of upserts;
//! the outbox is cleared only after it commits, so a till killed in between pushes the same
//! state again, which changes nothing. The till's ledger is the truth about its own orders, but a
//! store order already paid (by the store's notification service) is never taken back.

use std::sync::Arc;

use super::{Store, StoreError};
use crate::ledger::{OutboxEntry, SharedLedger};

/// Orders per transaction.
const BATCH: u32 = 200;

/// What a push did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PushReport {
    /// Orders sent.
    pub pushed: u64,
    /// Orders still waiting (changed again while being pushed).
    pub left: u64,
}

const UPSERT: &str = "INSERT INTO orders (order_no, till_id, provider, merchant_id, method, amount_li,
         paid_li, status, gateway_order_no, shown, auth_code_masked, description, created_at_ms,
         updated_at_ms, paid_at_ms, last_error, late, repeat_of, acknowledged, check_reason)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
     ON CONFLICT (order_no) DO UPDATE SET
         paid_li = EXCLUDED.paid_li, status = EXCLUDED.status,
         gateway_order_no = EXCLUDED.gateway_order_no, shown = EXCLUDED.shown,
         updated_at_ms = EXCLUDED.updated_at_ms, paid_at_ms = EXCLUDED.paid_at_ms,
         last_error = EXCLUDED.last_error, late = EXCLUDED.late,
         acknowledged = EXCLUDED.acknowledged, check_reason = EXCLUDED.check_reason,
         pushed_at = now()
     WHERE (orders.status <> 'paid' OR EXCLUDED.status = 'paid')
       AND EXCLUDED.updated_at_ms >= orders.updated_at_ms";

/// Links the till to the store (once) and pushes every waiting order.
pub async fn push_pending(ledger: &SharedLedger, store: &Store) -> Result<PushReport, StoreError> {
    ledger.run(crate::ledger::Ledger::link_store).await?;
    let mut pushed = 0;
    // Bounded: an order that keeps changing is sent again next time, not forever now.
    for _ in 0..10_000 {
        let batch = ledger.run(|ledger| ledger.outbox_batch(BATCH)).await?;
        if batch.is_empty() {
            break;
        }
        let batch = Arc::new(batch);
        store.upsert(&batch).await?;
        pushed += batch.len() as u64;
        let sent = Arc::clone(&batch);
        ledger
            .run(move |ledger| ledger.outbox_pushed(&sent))
            .await?;
    }
    let left = ledger.run(|ledger| ledger.outbox_len()).await?;
    Ok(PushReport { pushed, left })
}

impl Store {
    /// Upserts `batch` in one transaction.
    async fn upsert(&self, batch: &[OutboxEntry]) -> Result<(), StoreError> {
        let mut client = self.client.lock().await;
        let tx = client.transaction().await?;
        let statement = tx.prepare(UPSERT).await?;
        for entry in batch {
            let o = &entry.order;
            let paid = o.paid.map(crate::money::Money::li);
            tx.execute(
                &statement,
                &[
                    &o.order_no,
                    &o.till_id,
                    &o.provider.id(),
                    &o.merchant_id,
                    &o.method.slug(),
                    &o.amount.li(),
                    &paid,
                    &o.status.as_str(),
                    &o.gateway_order_no,
                    &o.shown,
                    &o.auth_code_masked,
                    &o.description,
                    &o.created_at.timestamp_millis(),
                    &o.updated_at.timestamp_millis(),
                    &o.paid_at.map(|t| t.timestamp_millis()),
                    &o.last_error,
                    &o.late,
                    &o.repeat_of,
                    &o.acknowledged,
                    &o.check_reason,
                ],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
