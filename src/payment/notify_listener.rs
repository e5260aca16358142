//! The changpay notification listener (off by default; its address is in config).
//!
//! It verifies the sign, checks the order number and amount against the ledger, makes the update
//! durable, and only then answers `success`. A repeat gets `success` and changes nothing; a
//! forged or mismatched one gets `fail` and is logged.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::routing::post;
use chrono::{DateTime, Utc};
use tokio::sync::mpsc;

use super::notices::Notices;
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
    /// Wakes the payments waiting on an order a notification moved.
    pub notices: Notices,
}

/// Where verified notifications are recorded: a till's own ledger ([`Listener`]) or the store's
/// (`store::StoreNotifications`). The HTTP side, with its limits, is the same for both.
pub trait NotificationSink: Clone + Send + Sync + 'static {
    /// The answer to one notification body: `success` once it is durably recorded.
    fn receive(&self, body: Bytes) -> impl std::future::Future<Output = &'static str> + Send;
}

impl NotificationSink for Listener {
    async fn receive(&self, body: Bytes) -> &'static str {
        // The ledger write is a short, durable SQLite commit; run it off the async workers.
        let listener = self.clone();
        tokio::task::spawn_blocking(move || handle(&listener, &body))
            .await
            .unwrap_or("fail")
    }
}

/// A notification body checked: `Err(answer)` when it is refused, `Ok(None)` when it reports
/// no payment (answered `success`, nothing to record), `Ok(Some(order))` for a verified payment.
pub fn verified_payment(
    body: &[u8],
    mch_id: &str,
    key: &Secret,
) -> Result<Option<ChangpayOrder>, &'static str> {
    let order = match parse_notification(body, key.expose()) {
        Ok(order) => order,
        Err(error) => {
            tracing::warn!(%error, "notification refused");
            return Err("fail");
        }
    };
    if order.mch_id.as_deref().is_some_and(|id| id != mch_id) {
        tracing::warn!(order = %order.mch_order, "notification for another merchant refused");
        return Err("fail");
    }
    if order.status != ChangpayStatus::Paid {
        return Ok(None);
    }
    Ok(Some(order))
}

/// What a verified paid notification says was paid.
#[must_use]
pub fn paid_info(order: &ChangpayOrder) -> PaidInfo {
    PaidInfo {
        amount: order.amount,
        paid_at: order
            .success_at
            .and_then(|secs| DateTime::from_timestamp(secs, 0)),
        gateway_order_no: None,
        repeat_of: None,
    }
}

/// The answer to one notification body.
pub fn handle(listener: &Listener, body: &[u8]) -> &'static str {
    let order = match verified_payment(body, &listener.mch_id, &listener.key) {
        Ok(Some(order)) => order,
        Ok(None) => return "success",
        Err(answer) => return answer,
    };
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
    let paid = paid_info(order);
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
    drop(ledger);
    if let Applied::Moved { late, .. } = applied {
        listener.notices.announce(&record.order_no);
        if late {
            report_late(listener, &record.order_no);
        }
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

/// Connections served at once. When all are taken, the oldest is shed for the new one: a real
/// notification takes milliseconds, so the oldest is almost surely a client that sends slowly on
/// purpose, and the gateway retries one that was cut. The table never grows past this, so a flood
/// cannot exhaust the process's file descriptors.
pub const MAX_CONNECTIONS: usize = 256;
/// Connections served at once from one address: one client cannot fill the table (300 slow
/// connections from one host refused 87 % of real notifications before).
pub const MAX_PER_SOURCE: usize = 16;
/// How long a client may take to send a request's headers.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(5);
/// How long one connection may live, body included: a notification is a few hundred bytes.
pub const CONNECTION_TIMEOUT: Duration = Duration::from_secs(15);
/// The largest body read.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// How long a client's connection may take: its headers, and the whole of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// Until the request's headers are in.
    pub header: Duration,
    /// Until the connection is closed, body and answer included.
    pub connection: Duration,
}

impl ConnectionLimits {
    /// What a listener facing the internet allows ([`HEADER_TIMEOUT`], [`CONNECTION_TIMEOUT`]).
    pub const INTERNET: ConnectionLimits = ConnectionLimits {
        header: HEADER_TIMEOUT,
        connection: CONNECTION_TIMEOUT,
    };
}

/// Serves notifications on `addr` until the task is dropped. Any path is accepted, so the
/// configured `notify_url` path does not have to match a route.
pub async fn serve(listener: impl NotificationSink, addr: SocketAddr) -> std::io::Result<()> {
    serve_on(listener, tokio::net::TcpListener::bind(addr).await?).await
}

/// The connections being served: by age (the oldest is shed first) and per source address.
#[derive(Debug, Default)]
struct Connections {
    next_id: u64,
    by_age: std::collections::BTreeMap<u64, (std::net::IpAddr, tokio::sync::oneshot::Sender<()>)>,
    per_source: std::collections::HashMap<std::net::IpAddr, usize>,
}

impl Connections {
    /// Makes room for a connection from `source` and registers it: its id and the signal that
    /// sheds it, or `None` when `source` already has its share.
    fn admit(
        &mut self,
        source: std::net::IpAddr,
    ) -> Option<(u64, tokio::sync::oneshot::Receiver<()>)> {
        if self.per_source.get(&source).copied().unwrap_or(0) >= MAX_PER_SOURCE {
            return None;
        }
        while self.by_age.len() >= MAX_CONNECTIONS {
            let Some((_, (oldest_source, shed))) = self.by_age.pop_first() else {
                break;
            };
            self.forget(oldest_source);
            let _ = shed.send(());
        }
        let id = self.next_id;
        self.next_id += 1;
        let (shed, shed_rx) = tokio::sync::oneshot::channel();
        self.by_age.insert(id, (source, shed));
        *self.per_source.entry(source).or_insert(0) += 1;
        Some((id, shed_rx))
    }

    /// A connection ended (unless it was shed, which already forgot it).
    fn end(&mut self, id: u64) {
        if let Some((source, _)) = self.by_age.remove(&id) {
            self.forget(source);
        }
    }

    fn forget(&mut self, source: std::net::IpAddr) {
        if let Some(count) = self.per_source.get_mut(&source) {
            *count -= 1;
            if *count == 0 {
                self.per_source.remove(&source);
            }
        }
    }
}

/// Serves notifications on `socket`, which faces the internet, within
/// [`ConnectionLimits::INTERNET`].
pub async fn serve_on<S: NotificationSink>(
    listener: S,
    socket: tokio::net::TcpListener,
) -> std::io::Result<()> {
    serve_within(listener, socket, ConnectionLimits::INTERNET).await
}

/// Serves notifications on `socket`: headers must come within `limits.header`, a connection
/// lives at most `limits.connection`, at most [`MAX_CONNECTIONS`] are served at once (the oldest
/// shed for a new one) and at most [`MAX_PER_SOURCE`] from one address, bodies are capped, and
/// refusals are logged at a rate that cannot fill a disk. Tests pass short limits instead of
/// waiting out the real ones.
pub async fn serve_within<S: NotificationSink>(
    listener: S,
    socket: tokio::net::TcpListener,
    limits: ConnectionLimits,
) -> std::io::Result<()> {
    let app = Router::new()
        .fallback(post(receive::<S>))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(listener);
    let connections = Arc::new(std::sync::Mutex::new(Connections::default()));
    let refusals = RateLimitedLog::default();
    loop {
        let (stream, peer) = match socket.accept().await {
            Ok(accepted) => accepted,
            Err(error) => {
                // Out of descriptors or a reset before accept: wait a moment, keep serving.
                refusals.warn(&format!("accept failed: {error}"));
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let admitted = connections
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .admit(peer.ip());
        let Some((id, shed)) = admitted else {
            refusals.warn("one address holds its share of connections; closing a new one");
            drop(stream);
            continue;
        };
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        let connections = Arc::clone(&connections);
        tokio::spawn(async move {
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(limits.header)
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
            tokio::select! {
                _ = tokio::time::timeout(limits.connection, connection) => {}
                _ = shed => {}
            }
            connections
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .end(id);
        });
    }
}

/// A warning logged at most once every ten seconds, with how many were held back.
#[derive(Debug, Default)]
struct RateLimitedLog {
    last_ms: AtomicU64,
    held_back: AtomicU64,
}

impl RateLimitedLog {
    fn warn(&self, what: &str) {
        let now_ms = u64::try_from(Utc::now().timestamp_millis()).unwrap_or(0);
        let last = self.last_ms.load(Ordering::Relaxed);
        if now_ms.saturating_sub(last) < 10_000
            || self
                .last_ms
                .compare_exchange(last, now_ms, Ordering::Relaxed, Ordering::Relaxed)
                .is_err()
        {
            self.held_back.fetch_add(1, Ordering::Relaxed);
            return;
        }
        let held_back = self.held_back.swap(0, Ordering::Relaxed);
        tracing::warn!(held_back, "notification listener: {what}");
    }
}

async fn receive<S: NotificationSink>(State(sink): State<S>, body: Bytes) -> &'static str {
    sink.receive(body).await
}
