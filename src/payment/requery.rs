//! Resolving orders after their live wait: a person's 重新查询, the start-up recovery, and the
//! background re-query with back-off. A payment that arrives after the cashier gave up is applied
//! and reported as late.
//!
//! [`Requerier`] sends at most one query per order at a time: a second ask for an order already
//! being queried (the background tick and a person's 重新查询 at once) waits for the first answer.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::future::{BoxFuture, FutureExt, Shared};
use futures_util::stream::{self, StreamExt};

use super::policy::requery_delay;
use super::state_machine::move_for_answer;
use crate::gateway::{Gateway, GatewayError, OrderState};
use crate::ledger::{Applied, LedgerError, OrderRecord, SharedLedger};
use crate::status::{OrderStatus, Source, StatusMove};

/// How many orders recovery and the background re-query ask about at once: enough that a few
/// slow answers do not hold up the rest, few enough not to flood a struggling gateway.
pub const PARALLEL_QUERIES: usize = 4;

/// What the history says when an order the gateway acknowledged is later denied by it.
pub const DENIED_AFTER_ACK: &str = "支付平台已受理此订单，现在却称没有此订单：请人工核对 (acknowledged, now denied: check by hand)";

/// What the history says of a QR order whose amount the customer paid by pay code instead: it
/// stays queried, and money that still arrives on it is a double payment to give back.
pub const REPLACED_BY_CODE: &str = "顾客改用付款码支付了此金额；此二维码订单若再收到付款即为重复支付，请退还顾客 (paid by pay code instead: a payment here is a double payment)";

/// Timings of re-querying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequeryPolicy {
    /// How long after creation an order is still re-queried automatically.
    pub window: Duration,
    /// An order the gateway does not know this long after creation never reached it (unless the
    /// gateway acknowledged it: then a person checks).
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
    pub error: Option<GatewayError>,
    /// What the gateway answered, when it did (verified).
    pub said: Option<OrderState>,
    /// When the query was answered (or given up on).
    pub at: DateTime<Utc>,
}

impl RequeryResult {
    /// Whether this query found the money: the order was open and now is paid (or paid a
    /// different amount).
    #[must_use]
    pub fn found_payment(&self) -> bool {
        !self.before.is_final()
            && matches!(
                self.order.status,
                OrderStatus::Paid | OrderStatus::AmountMismatch
            )
    }
}

/// The money in `results` that no notice tells of: orders now paid that were neither paid before
/// nor given up by the cashier (a payment after giving up is `late`, announced on its own). An
/// order an earlier run left pending, paid after the restart's own query, is one: the background
/// re-query used to apply it with no word (issue 21).
#[must_use]
pub fn unannounced_payments(results: &[RequeryResult]) -> Vec<OrderRecord> {
    let money =
        |status: OrderStatus| matches!(status, OrderStatus::Paid | OrderStatus::AmountMismatch);
    results
        .iter()
        .filter(|r| !r.late && money(r.order.status) && !money(r.before))
        .map(|r| r.order.clone())
        .collect()
}

/// A re-query's outcome, shareable between everyone waiting on it.
pub type Answer = Result<RequeryResult, Arc<LedgerError>>;

type InFlight = Shared<BoxFuture<'static, Answer>>;

/// Queries orders again, coalescing concurrent asks about the same order.
#[derive(Debug, Clone, Default)]
pub struct Requerier {
    in_flight: Arc<Mutex<HashMap<String, InFlight>>>,
}

impl Requerier {
    /// Queries `order` once and applies the answer; joins a query of it already under way.
    pub async fn requery(
        &self,
        gateway: &Gateway,
        ledger: &SharedLedger,
        order: OrderRecord,
        source: Source,
        policy: RequeryPolicy,
    ) -> Answer {
        let future = {
            let mut in_flight = self
                .in_flight
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some(running) = in_flight.get(&order.order_no) {
                running.clone()
            } else {
                let key = order.order_no.clone();
                let map = Arc::clone(&self.in_flight);
                let (gateway, ledger) = (gateway.clone(), ledger.clone());
                let running = async move {
                    let answer = requery(&gateway, &ledger, &order, source, &policy)
                        .await
                        .map_err(Arc::new);
                    map.lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .remove(&order.order_no);
                    answer
                }
                .boxed()
                .shared();
                in_flight.insert(key, running.clone());
                running
            }
        };
        future.await
    }

    /// Queries each of `orders` that belongs to `gateway`, [`PARALLEL_QUERIES`] at a time.
    pub async fn requery_many(
        &self,
        gateway: &Gateway,
        ledger: &SharedLedger,
        orders: Vec<OrderRecord>,
        source: Source,
        policy: RequeryPolicy,
    ) -> Vec<Answer> {
        stream::iter(
            orders
                .into_iter()
                .filter(|order| belongs_to(gateway, order)),
        )
        .map(|order| self.requery(gateway, ledger, order, source, policy))
        .buffer_unordered(PARALLEL_QUERIES)
        .collect()
        .await
    }

    /// Queries every order that is not final and was created before `before`: at start-up
    /// (orders left by an earlier run, not the sale being taken now) and by `cashier recover`.
    pub async fn recover_all(
        &self,
        gateway: &Gateway,
        ledger: &SharedLedger,
        policy: RequeryPolicy,
        before: DateTime<Utc>,
    ) -> Result<Vec<Answer>, LedgerError> {
        let open = ledger.run(|ledger| ledger.open_orders()).await?;
        let open = open.into_iter().filter(|o| o.created_at < before).collect();
        Ok(self
            .requery_many(gateway, ledger, open, Source::Recovery, policy)
            .await)
    }

    /// Re-queries the orders that are due now, once. The background tick calls this.
    pub async fn requery_due(
        &self,
        gateway: &Gateway,
        ledger: &SharedLedger,
        policy: RequeryPolicy,
    ) -> Result<Vec<Answer>, LedgerError> {
        let due = ledger
            .run(|ledger| ledger.due_for_requery(Utc::now()))
            .await?;
        Ok(self
            .requery_many(gateway, ledger, due, Source::Background, policy)
            .await)
    }
}

/// Queries `order` once and applies the answer. Prefer [`Requerier::requery`], which never sends
/// two queries of one order at once.
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
    let past_grace = age >= policy.not_found_grace;
    // Only an order whose create never got a definite answer can have failed by never arriving.
    let not_found_is_final = past_grace && !order.acknowledged;
    let denied_after_ack =
        past_grace && order.acknowledged && matches!(answer, Ok(OrderState::NotFound));
    let error = answer.as_ref().err().cloned();
    let said = answer.as_ref().ok().cloned();
    let verdict = match &answer {
        Ok(state) => {
            move_for_answer(state, order.amount, source, not_found_is_final).map(|mut move_| {
                if move_.to == OrderStatus::Failed {
                    move_.next_query_at = Some(now + super::policy::FAILED_RECHECK_FIRST);
                }
                move_
            })
        }
        Err(_) => None,
    };
    let transition = verdict.or_else(|| {
        // No verdict. An order whose live wait is over stops being creating or pending.
        let stale = matches!(order.status, OrderStatus::Creating | OrderStatus::Pending)
            && age >= policy.live_wait;
        stale.then(|| {
            let mut move_ = StatusMove::to(OrderStatus::Unresolved, source);
            move_.gateway_status = match &answer {
                Ok(OrderState::NotFound) => Some("not found".to_owned()),
                Ok(_) => Some("waiting".to_owned()),
                Err(_) => None,
            };
            move_.error = error.as_ref().map(ToString::to_string);
            move_
        })
    });
    let order_no = order.order_no.clone();
    let created_at = order.created_at;
    let window = policy.window;
    let was_failed = order.status == OrderStatus::Failed;
    let (after, late) = ledger
        .run(move |ledger| {
            let mut late = false;
            if let Some(transition) = &transition
                && let Applied::Moved {
                    late: moved_late, ..
                } = ledger.record(&order_no, transition, now)?
            {
                late = moved_late;
            }
            if denied_after_ack {
                ledger.flag_for_check(&order_no, DENIED_AFTER_ACK, source, now)?;
            }
            let after = ledger
                .order(&order_no)?
                .ok_or_else(|| LedgerError::NoSuchOrder(order_no.clone()))?;
            if !after.status.is_final() {
                let next = next_requery(after.query_attempts, created_at, now, window);
                ledger.schedule_requery(&after.order_no, next)?;
            } else if after.status == OrderStatus::Failed && was_failed {
                // A re-check of a failed order that found nothing new.
                let next = super::policy::failed_recheck_after(after.updated_at, now);
                ledger.schedule_requery(&after.order_no, next)?;
            }
            Ok::<_, LedgerError>((after, late))
        })
        .await?;
    if late {
        tracing::warn!(order = %after.order_no, "late payment: paid after the cashier gave up");
    }
    if denied_after_ack {
        tracing::warn!(order = %after.order_no, "an acknowledged order is now unknown to the gateway");
    }
    Ok(RequeryResult {
        before: order.status,
        order: after,
        late,
        error,
        said,
        at: now,
    })
}

/// When to try an order next, or `None` once its window is over.
fn next_requery(
    attempts: u32,
    created_at: DateTime<Utc>,
    now: DateTime<Utc>,
    window: Duration,
) -> Option<DateTime<Utc>> {
    let next = now + requery_delay(attempts + 1);
    (next <= created_at + window).then_some(next)
}

/// Whether `order` belongs to `gateway`'s merchant (a ledger may hold orders of an earlier
/// configuration, which this gateway cannot query).
#[must_use]
pub fn belongs_to(gateway: &Gateway, order: &OrderRecord) -> bool {
    order.provider == gateway.provider() && order.merchant_id == gateway.merchant_id()
}
