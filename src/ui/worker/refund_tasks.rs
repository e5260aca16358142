//! The worker's refund tasks: a refund (退款) and a void (作废) as the app layer makes them, and
//! the day's close (日结) read for the shift screen.

use std::sync::Arc;

use chrono::Utc;

use super::background::who_at_the_till;
use crate::app::setup::Configured;
use crate::ui::backend::{Problem, UiEvent};

/// Spawns the task for a refund, a void or a day's close.
pub(super) fn dispatch(
    command: crate::ui::backend::Command,
    configured: Arc<Configured>,
    outbox: super::Outbox,
) {
    use crate::ui::backend::Command;
    match command {
        Command::Refund(request) => {
            tokio::spawn(refund(configured, request, outbox));
        }
        Command::Void(order_no, reason) => {
            tokio::spawn(void(configured, order_no, reason, outbox));
        }
        Command::LoadDay(day) => {
            tokio::spawn(day_close(configured, day, outbox));
        }
        _ => {}
    }
}

/// A refund from the history's panel, as whoever is at the till (the owner, behind the PIN).
pub(super) async fn refund(
    configured: Arc<Configured>,
    request: crate::app::refunds::RefundRequest,
    outbox: super::Outbox,
) {
    let who = who_at_the_till(&configured).await;
    let ledger = configured.ledger();
    let refunded = crate::app::refunds::refund(&configured.config, ledger, request, who)
        .await
        .map(Box::new)
        .map_err(|error| Problem::Refund(Arc::new(error)));
    outbox.emit(UiEvent::Refunded(refunded)).await;
}

/// A void from the unresolved list; the list is sent again after it.
pub(super) async fn void(
    configured: Arc<Configured>,
    order_no: String,
    reason: String,
    outbox: super::Outbox,
) {
    let who = who_at_the_till(&configured).await;
    let voided = order_no.clone();
    let done = crate::app::refunds::void(configured.ledger(), order_no, reason, who)
        .await
        .map(|()| voided)
        .map_err(|error| Problem::Refund(Arc::new(error)));
    outbox.emit(UiEvent::Voided(done)).await;
    super::send_unresolved(configured.ledger(), &outbox).await;
}

/// The day's close (日结) of `day`, for the shift screen.
pub(super) async fn day_close(
    configured: Arc<Configured>,
    day: chrono::NaiveDate,
    outbox: super::Outbox,
) {
    let offset = configured.config.history.offset();
    let report = configured
        .ledger()
        .run(move |ledger| ledger.day_report(day, offset, Utc::now()))
        .await
        .map(Box::new)
        .map_err(|error| Problem::Shift(Arc::new(error)));
    outbox.emit(UiEvent::DayReport(report)).await;
}
