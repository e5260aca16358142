//! Pushing the till's outbox to the store. Each batch is one PostgreSQL transaction of upserts;
//! an entry is cleared only after its batch commits, so a till killed in between pushes the same
//! state again, which changes nothing.
//!
//! What the store keeps is decided by each order's version (raised by every change in the till's
//! ledger), never by the tills' clocks, which can be hours apart. A row the store refuses (another
//! install's order number, an older version, or an order the store already holds paid) stays
//! queued and is reported with why: a push never says "pushed" for a row it dropped.
//!
//! A till id belongs to the first install that claims it (`tills`); another install using the
//! same id pushes nothing until the owner gives it its own id (it sells on, its orders wait), and
//! the holder is told that someone else tried (`till_claims_refused`). Once it has its own id, the
//! orders it made under the taken one reach the store under its new id: they are its sales (their
//! numbers carry its install id), and the other till's figures must not count them.

use std::collections::HashMap;
use std::sync::Arc;

use super::{Store, StoreError};
use crate::i18n::{Lang, Localized, tr};
use crate::ledger::{OutboxEntry, OutboxPosition, SharedLedger};

/// Orders per transaction.
const BATCH: u32 = 200;

/// What a push did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PushReport {
    /// Orders the store took.
    pub pushed: u64,
    /// Orders still waiting: changed again while being pushed, or refused.
    pub left: u64,
    /// Orders the store refused, with why; they stay queued.
    pub refused: Vec<Refusal>,
    /// Another install tried to use this till's id in the last day.
    pub rival: Option<String>,
    /// Audit entries the store took.
    pub audit_pushed: u64,
    /// Refunds the store took.
    pub refunds_pushed: u64,
}

/// An order the store would not take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// Our order number.
    pub order_no: String,
    /// Why.
    pub why: RefusedBecause,
}

/// Why the store refused an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefusedBecause {
    /// The store holds this order number from another till.
    OtherTill,
    /// The store holds the order paid (its notification service saw the payment); this till has
    /// not learnt it yet and will push again once it has.
    StorePaid,
    /// The store holds a later version of the order than this ledger (a ledger restored from a
    /// backup, say).
    StoreNewer,
}

impl Localized for RefusedBecause {
    fn message(&self, lang: Lang) -> String {
        match self {
            RefusedBecause::OtherTill => tr(
                lang,
                "门店里已有另一台收银机的同号订单",
                "the store holds another till's order with this number",
            )
            .to_owned(),
            RefusedBecause::StorePaid => tr(
                lang,
                "门店已记为已支付，本机确认后再同步",
                "the store holds it paid; pushed again once this till has it",
            )
            .to_owned(),
            RefusedBecause::StoreNewer => tr(
                lang,
                "门店中的记录比本机更新",
                "the store holds a newer state of it",
            )
            .to_owned(),
        }
    }
}

const UPSERT: &str =
    "INSERT INTO orders (order_no, till_id, provider, merchant_id, method, amount_li,
         paid_li, status, gateway_order_no, shown, auth_code_masked, description, created_at_ms,
         updated_at_ms, paid_at_ms, last_error, late, repeat_of, acknowledged, check_reason,
         install_id, version)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,
             $20, $21, $22)
     ON CONFLICT (order_no) DO UPDATE SET
         paid_li = EXCLUDED.paid_li, status = EXCLUDED.status,
         gateway_order_no = EXCLUDED.gateway_order_no, shown = EXCLUDED.shown,
         updated_at_ms = EXCLUDED.updated_at_ms, paid_at_ms = EXCLUDED.paid_at_ms,
         last_error = EXCLUDED.last_error, late = EXCLUDED.late,
         acknowledged = EXCLUDED.acknowledged, check_reason = EXCLUDED.check_reason,
         install_id = EXCLUDED.install_id, version = EXCLUDED.version,
         pushed_at = now()
     WHERE (orders.install_id IS NULL OR orders.install_id = EXCLUDED.install_id)
       AND (orders.status NOT IN ('paid', 'amount_mismatch')
            OR EXCLUDED.status IN ('paid', 'amount_mismatch'))
       AND EXCLUDED.version >= orders.version";

/// Links the till to the store (once), claims `till_id` for this install, and pushes every
/// waiting order. A till id another install holds is refused with [`StoreError::TillIdTaken`]
/// before anything is sent.
pub async fn push_pending(
    ledger: &SharedLedger,
    store: &Store,
    till_id: &str,
) -> Result<PushReport, StoreError> {
    ledger.run(crate::ledger::Ledger::link_store).await?;
    let install_id = ledger.run(|ledger| ledger.install_id().to_owned()).await;
    let mut claims = HashMap::new();
    if !store.claim_till(till_id, &install_id).await? {
        return Err(StoreError::TillIdTaken(till_id.to_owned()));
    }
    claims.insert(till_id.to_owned(), true);
    let mut report = PushReport::default();
    let mut position = OutboxPosition::default();
    loop {
        let batch = ledger
            .run(move |ledger| ledger.outbox_batch(position, BATCH))
            .await?;
        let Some(last) = batch.last() else { break };
        position = last.position();
        for entry in &batch {
            let till = &entry.order.till_id;
            if !claims.contains_key(till) {
                let ours = store.claim_till(till, &install_id).await?;
                claims.insert(till.clone(), ours);
            }
        }
        let (taken, refused) = store.upsert(&batch, &install_id, &claims, till_id).await?;
        report.pushed += taken.len() as u64;
        report.refused.extend(refused);
        let taken = Arc::new(taken);
        ledger
            .run(move |ledger| ledger.outbox_pushed(&taken))
            .await?;
    }
    report.audit_pushed = push_audit(ledger, store, &install_id, till_id).await?;
    report.refunds_pushed = push_refunds(ledger, store, &install_id, till_id).await?;
    for refusal in &report.refused {
        tracing::warn!(order = %refusal.order_no, why = %refusal.why.message(Lang::Zh), "store refused an order");
    }
    report.left = ledger.run(|ledger| ledger.outbox_len()).await?;
    report.rival = store
        .rival_claim(till_id, &install_id)
        .await?
        .then(|| till_id.to_owned());
    Ok(report)
}

/// Pushes the audit entries the store has not taken, under this till's id, a batch per
/// transaction; an entry it holds already (a push cut off after its commit) is taken as is.
async fn push_audit(
    ledger: &SharedLedger,
    store: &Store,
    install_id: &str,
    till_id: &str,
) -> Result<u64, StoreError> {
    if !has_table(store, "audit").await? {
        // A store an older version made, reached by this till's own role: the trail waits
        // until the owner's connection brings the schema up to date.
        return Ok(0);
    }
    let mut pushed = 0;
    loop {
        let batch = ledger.run(|ledger| ledger.audit_to_push(BATCH)).await?;
        let Some(&(last, _)) = batch.last() else {
            return Ok(pushed);
        };
        let mut client = store.client().await?;
        let tx = client.transaction().await?;
        let statement = tx
            .prepare(
                "INSERT INTO audit (install_id, local_id, till_id, at_ms, who, action, detail)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (install_id, local_id) DO NOTHING",
            )
            .await?;
        for (id, entry) in &batch {
            tx.execute(
                &statement,
                &[
                    &install_id,
                    id,
                    &till_id,
                    &entry.at.timestamp_millis(),
                    &entry.who,
                    &entry.action,
                    &entry.detail,
                ],
            )
            .await?;
        }
        tx.commit().await?;
        ledger.run(move |ledger| ledger.audit_pushed(last)).await?;
        pushed += batch.len() as u64;
    }
}

/// Whether the store has `table` (a store an older version made may not, yet).
async fn has_table(store: &Store, table: &str) -> Result<bool, StoreError> {
    Ok(store
        .client()
        .await?
        .query_one("SELECT to_regclass($1) IS NOT NULL", &[&table])
        .await?
        .get(0))
}

/// Pushes the refunds the store has not taken, as rows of their own under this till's id, a
/// batch per transaction; a refund it holds already (a push cut off after its commit) is taken
/// as is.
async fn push_refunds(
    ledger: &SharedLedger,
    store: &Store,
    install_id: &str,
    till_id: &str,
) -> Result<u64, StoreError> {
    if !has_table(store, "refunds").await? {
        // As the trail: they wait for the owner's connection to bring the schema up to date.
        return Ok(0);
    }
    let mut pushed = 0;
    loop {
        let batch = ledger.run(|ledger| ledger.refunds_to_push(BATCH)).await?;
        let Some(&(last, _)) = batch.last() else {
            return Ok(pushed);
        };
        let mut client = store.client().await?;
        let tx = client.transaction().await?;
        let statement = tx
            .prepare(
                "INSERT INTO refunds (install_id, local_id, till_id, order_no, amount_li, way,
                     reason, who, at_ms)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                 ON CONFLICT (install_id, local_id) DO NOTHING",
            )
            .await?;
        for (id, refund) in &batch {
            tx.execute(
                &statement,
                &[
                    &install_id,
                    id,
                    &till_id,
                    &refund.order_no,
                    &refund.amount.li(),
                    &refund.way.slug(),
                    &refund.reason,
                    &refund.who,
                    &refund.at.timestamp_millis(),
                ],
            )
            .await?;
        }
        tx.commit().await?;
        ledger
            .run(move |ledger| ledger.refunds_pushed(last))
            .await?;
        pushed += batch.len() as u64;
    }
}

impl Store {
    /// Claims `till_id` for `install_id` unless another install holds it: whether it is ours.
    /// A refused claim is noted, so the holder can be told.
    async fn claim_till(&self, till_id: &str, install_id: &str) -> Result<bool, StoreError> {
        let client = self.client().await?;
        client
            .execute(
                "INSERT INTO tills (till_id, install_id) VALUES ($1, $2)
                 ON CONFLICT (till_id) DO NOTHING",
                &[&till_id, &install_id],
            )
            .await?;
        let holder: String = client
            .query_one(
                "SELECT install_id FROM tills WHERE till_id = $1",
                &[&till_id],
            )
            .await?
            .get(0);
        if holder == install_id {
            return Ok(true);
        }
        client
            .execute(
                "INSERT INTO till_claims_refused (till_id, install_id) VALUES ($1, $2)
                 ON CONFLICT (till_id, install_id) DO UPDATE SET last_at = now()",
                &[&till_id, &install_id],
            )
            .await?;
        Ok(false)
    }

    /// The install that holds `till_id` in this store, if any does.
    pub async fn till_holder(&self, till_id: &str) -> Result<Option<String>, StoreError> {
        let client = self.client().await?;
        Ok(client
            .query_opt(
                "SELECT install_id FROM tills WHERE till_id = $1",
                &[&till_id],
            )
            .await?
            .map(|row| row.get(0)))
    }

    /// Whether another install was refused `till_id` in the last day.
    async fn rival_claim(&self, till_id: &str, install_id: &str) -> Result<bool, StoreError> {
        let client = self.client().await?;
        let count: i64 = client
            .query_one(
                "SELECT count(*) FROM till_claims_refused
                 WHERE till_id = $1 AND install_id <> $2 AND last_at > now() - interval '1 day'",
                &[&till_id, &install_id],
            )
            .await?
            .get(0);
        Ok(count > 0)
    }

    /// Upserts `batch` in one transaction: the entries the store took, and those it refused. An
    /// order made under a till id another install holds goes in under `till_id`, this till's own.
    async fn upsert(
        &self,
        batch: &[OutboxEntry],
        install_id: &str,
        claims: &HashMap<String, bool>,
        till_id: &str,
    ) -> Result<(Vec<OutboxEntry>, Vec<Refusal>), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let statement = tx.prepare(UPSERT).await?;
        let mut taken = Vec::with_capacity(batch.len());
        let mut refused = Vec::new();
        for entry in batch {
            let o = &entry.order;
            let till = if claims.get(&o.till_id) == Some(&true) {
                o.till_id.as_str()
            } else {
                till_id
            };
            let paid = o.paid.map(crate::money::Money::li);
            let changed = tx
                .execute(
                    &statement,
                    &[
                        &o.order_no,
                        &till,
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
                        &install_id,
                        &entry.version,
                    ],
                )
                .await?;
            if changed == 1 {
                taken.push(entry.clone());
                continue;
            }
            let row = tx
                .query_one(
                    "SELECT install_id, status FROM orders WHERE order_no = $1",
                    &[&o.order_no],
                )
                .await?;
            let holder: Option<String> = row.get(0);
            let status: String = row.get(1);
            let why = if holder.as_deref().is_some_and(|holder| holder != install_id) {
                RefusedBecause::OtherTill
            } else if matches!(status.as_str(), "paid" | "amount_mismatch") {
                RefusedBecause::StorePaid
            } else {
                RefusedBecause::StoreNewer
            };
            refused.push(Refusal {
                order_no: o.order_no.clone(),
                why,
            });
        }
        tx.commit().await?;
        Ok((taken, refused))
    }
}
