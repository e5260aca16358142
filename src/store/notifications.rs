//! One notification endpoint for the store: `cashier notify-server` verifies changpay's
//! notifications exactly as a till's own listener does (same limits, same checks) and writes the
//! payment into the store ledger; in the same transaction it signals the order's till through
//! PostgreSQL `NOTIFY`, and the till (listening with `LISTEN`) queries the order at once.
//!
//! Two services running at once (a restart overlapping) apply a payment once: the row is locked,
//! and only the move away from an open status signals.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use chrono::Utc;
use futures_util::StreamExt;
use tokio::sync::mpsc;

use super::{Store, StoreConfig, StoreError};
use crate::gateway::OrderState;
use crate::gateway::changpay::ChangpayOrder;
use crate::money::Money;
use crate::payment::notify_listener::{NotificationSink, paid_info, verified_payment};
use crate::payment::state_machine::move_for_answer;
use crate::secret::Secret;
use crate::status::{OrderStatus, Source};

/// The `NOTIFY` channel; the payload is `TILL ORDER_NO`.
pub const PAID_CHANNEL: &str = "cashier_paid";
/// How long a till waits before listening again after losing the store.
const RELISTEN_AFTER: Duration = Duration::from_secs(5);

/// The store's notification sink.
#[derive(Debug, Clone)]
pub struct StoreNotifications {
    /// The store ledger.
    pub store: Arc<Store>,
    /// Our changpay merchant id.
    pub mch_id: String,
    /// Its key.
    pub key: Secret,
}

impl NotificationSink for StoreNotifications {
    async fn receive(&self, body: Bytes) -> &'static str {
        let order = match verified_payment(&body, &self.mch_id, &self.key) {
            Ok(Some(order)) => order,
            Ok(None) => return "success",
            Err(answer) => return answer,
        };
        match self.store.apply_payment(&order).await {
            Ok(answer) => answer,
            Err(error) => {
                // Not durable, so not acknowledged: the gateway will notify again.
                tracing::error!(%error, order = %order.mch_order, "notification not recorded");
                "fail"
            }
        }
    }
}

impl Store {
    /// Records a verified payment notification; the answer to give the gateway.
    pub async fn apply_payment(&self, order: &ChangpayOrder) -> Result<&'static str, StoreError> {
        if order.origin_order.is_some() {
            // A repeated payment (补单) needs a new order row the till does not know yet; the
            // store service leaves it to the gateway's retries and the tills' own queries.
            tracing::warn!(order = %order.mch_order, "repeat payment not recorded by the store service");
            return Ok("fail");
        }
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let row = tx
            .query_opt(
                "SELECT till_id, amount_li FROM orders WHERE order_no = $1 FOR UPDATE",
                &[&order.mch_order],
            )
            .await?;
        let Some(row) = row else {
            // The till may not have pushed it yet: `fail` makes the gateway try again later.
            tracing::warn!(order = %order.mch_order, "notification for an order not in the store");
            return Ok("fail");
        };
        let till: String = row.get(0);
        let asked = Money::from_li(row.get(1));
        let paid = OrderState::Paid(paid_info(order));
        let Some(transition) = move_for_answer(&paid, asked, Source::Notification, false) else {
            return Ok("success");
        };
        let now_ms = Utc::now().timestamp_millis();
        let paid_at_ms = transition
            .paid
            .as_ref()
            .and_then(|p| p.paid_at)
            .map_or(now_ms, |t| t.timestamp_millis());
        let moved = tx
            .execute(
                "UPDATE orders SET status = $2, paid_li = $3, paid_at_ms = $4,
                        updated_at_ms = greatest(updated_at_ms, $5), pushed_at = now()
                 WHERE order_no = $1 AND status NOT IN ('paid', 'amount_mismatch')",
                &[
                    &order.mch_order,
                    &transition.to.as_str(),
                    &order.amount.li(),
                    &paid_at_ms,
                    &now_ms,
                ],
            )
            .await?;
        if moved == 1 {
            let payload = format!("{till} {}", order.mch_order);
            tx.execute("SELECT pg_notify($1, $2)", &[&PAID_CHANNEL, &payload])
                .await?;
        }
        tx.commit().await?;
        if transition.to == OrderStatus::Paid {
            Ok("success")
        } else {
            tracing::warn!(order = %order.mch_order, paid = %order.amount, %asked, "notification amount does not match");
            Ok("fail")
        }
    }
}

/// Listens for payments the store service recorded for `till_id`'s orders and sends each order
/// number to `paid`, until dropped; reconnects after losing the store.
pub async fn listen_for_payments(config: StoreConfig, till_id: String, paid: mpsc::Sender<String>) {
    loop {
        if let Err(error) = listen_once(&config, &till_id, &paid).await {
            tracing::debug!(%error, "not listening to the store");
        }
        tokio::time::sleep(RELISTEN_AFTER).await;
    }
}

async fn listen_once(
    config: &StoreConfig,
    till_id: &str,
    paid: &mpsc::Sender<String>,
) -> Result<(), StoreError> {
    let (client, mut connection) = config.open().await?;
    // The connection must be driven by hand to see notifications.
    let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
    let statement = format!("LISTEN {PAID_CHANNEL}");
    let mut listen = std::pin::pin!(client.batch_execute(&statement));
    loop {
        tokio::select! {
            result = &mut listen => {
                result?;
                break;
            }
            message = messages.next() => match message {
                Some(Ok(_)) => {}
                Some(Err(error)) => return Err(error.into()),
                None => return Err(StoreError::Unreachable),
            },
        }
    }
    while let Some(message) = messages.next().await {
        if let tokio_postgres::AsyncMessage::Notification(notice) = message?
            && let Some((till, order_no)) = notice.payload().split_once(' ')
            && till == till_id
        {
            let _ = paid.try_send(order_no.to_owned());
        }
    }
    // `client` lives to here (dropping it would close the connection): the stream ended.
    Err(StoreError::Unreachable)
}
