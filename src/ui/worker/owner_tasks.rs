//! The owner's tasks from 设置 (behind the owner PIN): the cashiers who sign in, added (the PIN
//! hashed here, never in a frame) and removed, and a day of the audit trail read back.

use std::sync::Arc;

use chrono::{NaiveDate, Utc};

use super::Outbox;
use crate::app::setup::Configured;
use crate::ui::backend::{Command, Problem, UiEvent};

/// Spawns the task for an owner command.
pub(super) fn dispatch(command: Command, configured: &Arc<Configured>, outbox: Outbox) {
    let configured = Arc::clone(configured);
    match command {
        Command::LoadCashiers => {
            tokio::spawn(async move { outbox.emit(cashiers(&configured).await).await });
        }
        Command::AddCashier(name, pin, again) => {
            tokio::spawn(async move {
                let event = match add(&configured, name, pin, again).await {
                    Ok(()) => cashiers(&configured).await,
                    Err(problem) => UiEvent::Cashiers(Err(problem)),
                };
                outbox.emit(event).await;
            });
        }
        Command::RemoveCashier(name) => {
            tokio::spawn(async move {
                let removed = configured
                    .ledger()
                    .run(move |ledger| ledger.remove_cashier(&name, Utc::now()))
                    .await;
                let event = match removed {
                    Ok(_) => cashiers(&configured).await,
                    Err(error) => UiEvent::Cashiers(Err(Problem::from(error))),
                };
                outbox.emit(event).await;
            });
        }
        Command::LoadAudit(day) => {
            tokio::spawn(async move { outbox.emit(audit_day(&configured, day).await).await });
        }
        _ => {}
    }
}

/// The cashiers who sign in now.
async fn cashiers(configured: &Configured) -> UiEvent {
    let names = configured.ledger().run(|ledger| ledger.cashiers()).await;
    UiEvent::Cashiers(names.map_err(Problem::from))
}

/// Adds `name` with `pin` (typed twice): checked and hashed off the runtime's threads.
async fn add(
    configured: &Configured,
    name: String,
    pin: String,
    again: String,
) -> Result<(), Problem> {
    let shift_problem = |error| Problem::Shift(Arc::new(error));
    let (name, hash) = tokio::task::spawn_blocking(move || {
        crate::app::cashier_sign_in::new_cashier(&name, &pin, &again)
    })
    .await
    .map_err(|error| Problem::Io(Arc::new(std::io::Error::other(error))))?
    .map_err(shift_problem)?;
    tracing::info!(cashier = %name, "a cashier was added in the window");
    configured
        .ledger()
        .run(move |ledger| ledger.add_cashier(&name, &hash, Utc::now()))
        .await
        .map_err(Problem::from)
}

/// `day`'s audit trail, in the history's time zone.
async fn audit_day(configured: &Configured, day: NaiveDate) -> UiEvent {
    let offset = configured.config.history.offset();
    let entries = configured
        .ledger()
        .run(move |ledger| ledger.audit_day(day, offset))
        .await;
    UiEvent::Audit(day, entries.map_err(Problem::from))
}
