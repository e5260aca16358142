//! Re-queries: a person's 重新查询 of one order or of all, and the background tick's due ones.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::Worker;
use super::background::{BusyFlag, collect, send_unresolved};
use crate::status::Source;
use crate::ui::backend::UiEvent;

impl Worker {
    /// A person's 重新查询 of one order, or of every unresolved order: exactly one
    /// [`UiEvent::Requeried`] answers it.
    pub(super) fn spawn_requery(&self, order_no: Option<String>) {
        let configured = self.configured();
        let requerier = self.requerier.clone();
        let outbox = self.outbox.clone();
        tokio::spawn(async move {
            let context = &configured.context;
            let orders = context
                .ledger
                .run(move |ledger| match order_no {
                    Some(order_no) => ledger.order(&order_no).map(|o| o.into_iter().collect()),
                    None => ledger.unresolved(),
                })
                .await;
            let results = match orders {
                Ok(orders) => {
                    let answers = requerier
                        .requery_many(
                            &context.gateway,
                            &context.ledger,
                            orders,
                            Source::ManualRequery,
                            configured.requery,
                        )
                        .await;
                    collect(answers, &outbox).await
                }
                Err(error) => {
                    outbox.emit(UiEvent::Error(error.into())).await;
                    Vec::new()
                }
            };
            outbox.late(&results).await;
            outbox.emit(UiEvent::Requeried(results)).await;
            send_unresolved(&context.ledger, &outbox).await;
        });
    }

    /// The background re-query of orders that are due; skipped while the last one still runs.
    pub(super) fn spawn_requery_due(&self) {
        if self.background_busy.swap(true, Ordering::AcqRel) {
            return;
        }
        // Cleared when the task ends however it ends: a panic must not stop the re-query for good.
        let busy = BusyFlag(Arc::clone(&self.background_busy));
        let configured = self.configured();
        let requerier = self.requerier.clone();
        let outbox = self.outbox.clone();
        tokio::spawn(async move {
            let context = &configured.context;
            let answers = requerier
                .requery_due(&context.gateway, &context.ledger, configured.requery)
                .await;
            match answers {
                Ok(answers) => {
                    let results = collect(answers, &outbox).await;
                    outbox.background_found(&results).await;
                    if results.iter().any(|r| r.order.status != r.before) {
                        send_unresolved(&context.ledger, &outbox).await;
                    }
                }
                Err(error) => tracing::error!(%error, "background re-query failed"),
            }
            drop(busy);
        });
    }
}
