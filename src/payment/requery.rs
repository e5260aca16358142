//! Resolving orders after their live wait: a person's 重新查询, the start-up recovery, and the
//! background re-query with back-off. A payment that arrives after the cashier gave up is applied
//! and reported as late.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::policy::requery_delay;
use super::runner::{SharedLedger, lock};
use super::state_machine::Transition;
use crate::gateway::{Gateway, OrderState};
use crate::ledger::{Applied, LedgerError, OrderRecord};
use crate::status::{OrderStatus, Source};

/// Timings of re-querying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequeryPolicy {
    /// How long after creation an order is still re-queried automatically.
    pub window: Duration,
    /// An order the gateway does not know this long after creation never reached it.
    pub not_found_grace: Duration,
    /// An order still `creating` or `pending` this long after creation has no live wait left
    /// (its process ended): it becomes unresolved.
    pub live_wait: Duration,
}

impl Default for RequeryPolicy {
    fn default() -> Self {
        RequeryPolicy {
            window: super::policy::REQUERY_WINDOW,
            not_found_grace: super::policy::NOT_FOUND_GRACE,
            live_wait: super::policy::PollPolicy::QR.wait,
        }
    }
}

/// What one re-query did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequeryResult {
    /// The order as the ledger holds it afterwards.
    pub order: OrderRecord,
    /// Its status before.
    pub before: OrderStatus,
    /// A payment that arrived after the cashier gave up.
    pub late: bool,
    /// Why the gateway gave no answer, if it did not.
    pub error: Option<String>,
}

/// Queries `order` once and applies the answer.
pub async fn requery(
    gateway: &Gateway,
    ledger: &SharedLedger,
    order: &OrderRecord,
    source: Source,
    policy: &RequeryPolicy,
) -> Result<RequeryResult, LedgerError> {
    let answer = gateway.query_order(&order.order_no).await;
    let now = Utc::now();
    let age = (now - order.created_at).to_std().unwrap_or_default();
    let mut ledger = lock(ledger);
    let mut late = false;
    let mut error = None;
    let transition = match &answer {
        Ok(state) => {
            Transition::from_answer(state, order.amount, source, age >= policy.not_found_grace)
        }
        Err(gateway_error) => {
            error = Some(gateway_error.to_string());
            None
        }
    };
    let transition = transition.or_else(|| {
        // No verdict. An order whose live wait is over stops being creating or pending.
        let stale = matches!(order.status, OrderStatus::Creating | OrderStatus::Pending)
            && age >= policy.live_wait;
        stale.then(|| {
            let mut move_ = Transition::to(OrderStatus::Unresolved, source);
            move_.gateway_status = match &answer {
                Ok(OrderState::NotFound) => Some("not found".to_owned()),
                Ok(_) => Some("waiting".to_owned()),
                Err(_) => None,
            };
            move_.error.clone_from(&error);
            move_
        })
    });
    if let Some(transition) = &transition
        && let Applied::Moved {
            late: moved_late, ..
        } = ledger.record(&order.order_no, transition, now)?
    {
        late = moved_late;
    }
    let after = ledger
        .order(&order.order_no)?
        .ok_or_else(|| LedgerError::NoSuchOrder(order.order_no.clone()))?;
    if !after.status.is_final() {
        let next = next_requery(&after, now, policy);
        ledger.schedule_requery(&after.order_no, next)?;
    }
    if late {
        tracing::warn!(order = %after.order_no, "late payment: paid after the cashier gave up");
    }
    Ok(RequeryResult {
        before: order.status,
        order: after,
        late,
        error,
    })
}

/// When to try `order` next, or `None` once its window is over.
fn next_requery(
    order: &OrderRecord,
    now: DateTime<Utc>,
    policy: &RequeryPolicy,
) -> Option<DateTime<Utc>> {
    let next = now + requery_delay(order.query_attempts + 1);
    let window_end = order.created_at + policy.window;
    (next <= window_end).then_some(next)
}

/// Whether `order` belongs to `gateway`'s merchant (a ledger may hold orders of an earlier
/// configuration, which this gateway cannot query).
#[must_use]
pub fn belongs_to(gateway: &Gateway, order: &OrderRecord) -> bool {
    order.provider == gateway.provider() && order.merchant_id == gateway.merchant_id()
}

/// Queries every order that is not final: at start-up, and by `cashier recover`.
pub async fn recover_all(
    gateway: &Gateway,
    ledger: &SharedLedger,
    policy: &RequeryPolicy,
) -> Result<Vec<RequeryResult>, LedgerError> {
    let open = lock(ledger).open_orders()?;
    let mut results = Vec::new();
    for order in open.iter().filter(|order| belongs_to(gateway, order)) {
        results.push(requery(gateway, ledger, order, Source::Recovery, policy).await?);
    }
    Ok(results)
}

/// Re-queries the orders that are due, once. The background task calls this every few seconds.
pub async fn requery_due(
    gateway: &Gateway,
    ledger: &SharedLedger,
    policy: &RequeryPolicy,
) -> Result<Vec<RequeryResult>, LedgerError> {
    let due = lock(ledger).due_for_requery(Utc::now())?;
    let mut results = Vec::new();
    for order in due.iter().filter(|order| belongs_to(gateway, order)) {
        results.push(requery(gateway, ledger, order, Source::Background, policy).await?);
    }
    Ok(results)
}
