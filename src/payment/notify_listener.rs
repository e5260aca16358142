//! The changpay notification listener (off by default; its address is in config).
//!
//! It verifies the sign, checks the order number and amount against the ledger, makes the update
//! durable, and only then answers `success`. A repeat gets `success` and changes nothing; a
//! forged or mismatched one gets `fail` and is logged.

use std::net::SocketAddr;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::routing::post;
use chrono::{DateTime, Utc};
use tokio::sync::mpsc;

use super::state_machine::move_for_answer;
use crate::gateway::changpay::{ChangpayOrder, ChangpayStatus, parse_notification};
use crate::gateway::{OrderState, PaidInfo};
use crate::ledger::{Applied, SharedLedger};
use crate::secret::Secret;
use crate::status::{PaidAmount, Source};

/// What the listener needs.
#[derive(Debug, Clone)]
pub struct Listener {
    /// The ledger.
    pub ledger: SharedLedger,
    /// Our changpay merchant id.
    pub mch_id: String,
    /// Its key.
    pub key: Secret,
    /// Where late payments are reported.
    pub late_payments: Option<mpsc::Sender<String>>,
}

/// The answer to one notification body.
pub fn handle(listener: &Listener, body: &[u8]) -> &'static str {
    let order = match parse_notification(body, listener.key.expose()) {
        Ok(order) => order,
        Err(error) => {
            tracing::warn!(%error, "notification refused");
            return "fail";
        }
    };
    if order
        .mch_id
        .as_deref()
        .is_some_and(|id| id != listener.mch_id)
    {
        tracing::warn!(order = %order.mch_order, "notification for another merchant refused");
        return "fail";
    }
    if order.status != ChangpayStatus::Paid {
        return "success";
    }
    match apply(listener, &order) {
        Ok(answer) => answer,
        Err(error) => {
            // Not durable, so not acknowledged: the gateway will notify again.
            tracing::error!(%error, order = %order.mch_order, "notification not recorded");
            "fail"
        }
    }
}

fn apply(
    listener: &Listener,
    order: &ChangpayOrder,
) -> Result<&'static str, crate::ledger::LedgerError> {
    let now = Utc::now();
    let paid = PaidInfo {
        amount: order.amount,
        paid_at: order
            .success_at
            .and_then(|secs| DateTime::from_timestamp(secs, 0)),
        gateway_order_no: None,
        repeat_of: None,
    };
    let mut ledger = listener.ledger.lock();
    if let Some(original) = &order.origin_order {
        // A repeated payment (补单): its own paid order, linked to the original.
        if ledger.order(original)?.is_none() {
            tracing::warn!(%original, "repeat payment of an order not in the ledger refused");
            return Ok("fail");
        }
        let amount = PaidAmount {
            amount: paid.amount,
            paid_at: paid.paid_at,
        };
        if ledger.record_repeat_payment(
            original,
            &order.mch_order,
            &amount,
            Source::Notification,
            now,
        )? {
            report_late(listener, &order.mch_order);
        }
        return Ok("success");
    }
    let Some(record) = ledger.order(&order.mch_order)? else {
        tracing::warn!(order = %order.mch_order, "notification for an order not in the ledger refused");
        return Ok("fail");
    };
    let Some(transition) = move_for_answer(
        &OrderState::Paid(paid),
        record.amount,
        Source::Notification,
        false,
    ) else {
        return Ok("success");
    };
    let mismatch = transition.to != crate::status::OrderStatus::Paid;
    let applied = ledger.record(&record.order_no, &transition, now)?;
    if let Applied::Moved { late: true, .. } = applied {
        report_late(listener, &record.order_no);
    }
    if mismatch {
        tracing::warn!(order = %record.order_no, paid = %order.amount, asked = %record.amount, "notification amount does not match");
        return Ok("fail");
    }
    Ok("success")
}

fn report_late(listener: &Listener, order_no: &str) {
    if let Some(sender) = &listener.late_payments {
        let _ = sender.try_send(order_no.to_owned());
    }
}

/// Serves notifications on `addr` until the task is dropped. Any path is accepted, so the
/// configured `notify_url` path does not have to match a route.
pub async fn serve(listener: Listener, addr: SocketAddr) -> std::io::Result<()> {
    let app = Router::new().fallback(post(receive)).with_state(listener);
    let socket = tokio::net::TcpListener::bind(addr).await?;
    axum::serve(socket, app).await
}

async fn receive(State(listener): State<Listener>, body: Bytes) -> &'static str {
    // The ledger write is a short, durable SQLite commit; run it off the async workers.
    tokio::task::spawn_blocking(move || handle(&listener, &body))
        .await
        .unwrap_or("fail")
}
