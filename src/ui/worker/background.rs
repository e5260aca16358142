//! What the worker runs without a person asking: the gateway's health and the store forwarded to
//! the window, the start-up recovery, and the small ledger tasks the re-queries share.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::Utc;
use tokio::sync::{Notify, mpsc, watch};

use super::{LATE_QUEUE, Outbox};
use crate::app::setup::Configured;
use crate::ledger::{OrderRecord, SharedLedger};
use crate::payment::requery::{Answer, Requerier, RequeryResult};
use crate::status::Source;
use crate::ui::backend::{Problem, UiEvent};

/// Tells the UI each change of the gateway's health, until the gateway is gone.
pub(super) async fn forward_health(configured: Arc<Configured>, outbox: Outbox) {
    let mut health = configured.context.gateway.health();
    drop(configured);
    loop {
        let now = *health.borrow_and_update();
        outbox.emit(UiEvent::GatewayHealth(now)).await;
        if health.changed().await.is_err() {
            return;
        }
    }
}

/// Keeps the store ledger of `configured` caught up and tells the UI how it stands (or that
/// there is no store); listens for payments the store's notification service recorded for this
/// till, so a waiting sale ends at once and one the cashier gave up on is announced.
pub(super) async fn store_sync(
    configured: Arc<Configured>,
    nudge: Arc<Notify>,
    requerier: Requerier,
    outbox: Outbox,
) {
    let Some(config) = configured.sales_store().cloned() else {
        return outbox.emit(UiEvent::Store(None)).await;
    };
    let context = &configured.context;
    let (status_tx, mut status) = watch::channel(crate::store::StoreStatus::Connecting);
    let forward = async {
        loop {
            let now = status.borrow_and_update().clone();
            outbox.emit(UiEvent::Store(Some(now))).await;
            if status.changed().await.is_err() {
                return;
            }
        }
    };
    let (paid_tx, mut paid_rx) = mpsc::channel::<String>(LATE_QUEUE);
    let on_paid = async {
        while let Some(order_no) = paid_rx.recv().await {
            context.notices.announce(&order_no);
            let ledger = context.ledger.clone();
            let order = ledger.run(move |ledger| ledger.order(&order_no)).await;
            let Ok(Some(order)) = order else { continue };
            if order.status.is_final() {
                continue;
            }
            // The verified answer comes from the gateway, as for every move of an order.
            let answer = requerier
                .requery(
                    &context.gateway,
                    &context.ledger,
                    order,
                    // A query the store's notice set off, not the notice itself.
                    Source::Background,
                    configured.requery,
                )
                .await;
            if let Ok(result) = answer {
                outbox.late(std::slice::from_ref(&result)).await;
            }
        }
    };
    // All in this task, so aborting it (a new configuration) stops them all.
    tokio::join!(
        crate::store::keep_pushing(
            config.clone(),
            context.till_id.clone(),
            context.ledger.clone(),
            nudge,
            status_tx,
        ),
        crate::store::listen_for_payments(config, context.till_id.clone(), paid_tx),
        forward,
        on_paid,
    );
}

/// At start-up, every order an earlier run left open is queried; what was paid meanwhile is
/// announced.
pub(super) async fn recover(
    configured: Arc<Configured>,
    requerier: Requerier,
    outbox: Outbox,
    started_at: chrono::DateTime<Utc>,
) {
    let context = &configured.context;
    let answers = requerier
        .recover_all(
            &context.gateway,
            &context.ledger,
            configured.requery,
            started_at,
        )
        .await;
    let results = match answers {
        Ok(answers) => collect(answers, &outbox).await,
        Err(error) => return outbox.emit(UiEvent::Error(error.into())).await,
    };
    let found: Vec<OrderRecord> = results
        .into_iter()
        .filter(RequeryResult::found_payment)
        .map(|result| result.order)
        .collect();
    if !found.is_empty() {
        outbox.emit(UiEvent::Recovered(found)).await;
    }
    send_unresolved(&context.ledger, &outbox).await;
}

/// The results of `answers`; each ledger failure is reported.
pub(super) async fn collect(answers: Vec<Answer>, outbox: &Outbox) -> Vec<RequeryResult> {
    let mut results = Vec::new();
    for answer in answers {
        match answer {
            Ok(result) => results.push(result),
            Err(error) => outbox.emit(UiEvent::Error(error.into())).await,
        }
    }
    results
}

/// Clears its flag when dropped.
pub(super) struct BusyFlag(pub(super) Arc<AtomicBool>);

impl Drop for BusyFlag {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

pub(super) async fn send_unresolved(ledger: &SharedLedger, outbox: &Outbox) {
    let event = match ledger.run(|ledger| ledger.unresolved()).await {
        Ok(orders) => UiEvent::Unresolved(orders),
        Err(error) => UiEvent::Error(error.into()),
    };
    outbox.emit(event).await;
}

/// Marks a QR order whose amount the customer paid by pay code instead: it stays queried, and a
/// payment on it later is announced as a double payment.
pub(super) async fn mark_replaced(
    ledger: crate::ledger::SharedLedger,
    order_no: String,
    outbox: Outbox,
) {
    let marked = ledger
        .run(move |ledger| {
            ledger.flag_for_check(
                &order_no,
                crate::payment::requery::REPLACED_BY_CODE,
                crate::status::Source::Cancel,
                Utc::now(),
            )
        })
        .await;
    if let Err(error) = marked {
        outbox
            .emit(UiEvent::Error(Problem::Ledger(Arc::new(error))))
            .await;
    }
}

/// Keeps `action` in the audit trail of `configured`'s ledger; a failure is logged, never in the
/// way of what was done.
pub(super) async fn audit(
    configured: &Configured,
    who: impl Into<String>,
    action: crate::ledger::AuditAction,
    detail: String,
) {
    let who = who.into();
    let kept = configured
        .ledger()
        .run(move |ledger| ledger.audit(&who, action, &detail, Utc::now()))
        .await;
    if let Err(error) = kept {
        tracing::warn!(%error, "an audit entry could not be kept");
    }
}

/// Who the audit trail names for what the owner PIN guards: the owner when a PIN is set (it was
/// typed), else anyone at the till.
pub(super) fn owner_or_anyone(configured: &Configured) -> &'static str {
    if configured.config.owner.is_some() {
        OWNER
    } else {
        ANYONE
    }
}

/// Who did what the owner PIN guards, for the trail: the owner when a PIN is set (it was typed),
/// else the open shift's cashier (whoever stands at the till), else anyone.
pub(super) async fn who_at_the_till(configured: &Configured) -> String {
    if configured.config.owner.is_some() {
        return OWNER.to_owned();
    }
    let shift = configured
        .ledger()
        .run(|ledger| ledger.open_shift_now())
        .await;
    match shift {
        Ok(Some(shift)) if !shift.implicit => format!("{} ({ANYONE})", shift.cashier),
        _ => ANYONE.to_owned(),
    }
}

/// The owner, who typed the owner PIN.
pub(super) const OWNER: &str = crate::app::cashier_sign_in::OWNER;
/// Someone at a till with no owner PIN.
pub(super) const ANYONE: &str = "未设店主密码 no owner PIN";

/// Opens the cash drawer (a cash sale's or 开钱箱); a drawer that does not open is said, the sale
/// stands.
pub(super) async fn open_drawer(
    configured: &Configured,
    who: Option<String>,
    why: crate::app::drawer::Why,
    outbox: &Outbox,
) {
    let ledger = configured.ledger();
    if let Err(error) = crate::app::drawer::open(&configured.config, ledger, who, why).await {
        tracing::warn!(error = %error, "the drawer did not open");
        outbox.emit(UiEvent::Error(Problem::Drawer(error))).await;
    }
}
