//! Putting a new configuration in force: its gateway, ledger and listener, for the next sale.

use std::sync::Arc;

use chrono::Utc;

use super::Worker;
use super::background::{forward_health, recover, send_unresolved, store_sync};
use crate::app::setup::configure;
use crate::config::Config;
use crate::ui::backend::{GatewayView, Problem, UiEvent};

impl Worker {
    /// Puts `config` in force for the next sale: builds its gateway and ledger (starting the
    /// sandbox if it needs one), swaps the notification listener, then tells the UI.
    pub(super) fn spawn_apply(&self, config: Config) {
        let current = self.current.clone();
        let held = Arc::clone(&self.held);
        let settings = Arc::clone(&self.settings);
        let outbox = self.outbox.clone();
        let late_payments = self.late_payments.clone();
        let requerier = self.requerier.clone();
        let store_nudge = Arc::clone(&self.store_nudge);
        tokio::spawn(async move {
            let mut held = held.lock().await;
            let configured = match configure(config, &settings.paths, &mut held.resources).await {
                Ok(configured) => Arc::new(configured),
                Err(error) => {
                    let problem = Problem::Setup(Arc::new(error));
                    return outbox.emit(UiEvent::Applied(Err(problem))).await;
                }
            };
            if let Some(listener) = held.listener.take() {
                // Wait until the old listener has let go of its port before binding it again.
                listener.abort();
                let _ = listener.await;
            }
            held.listener = crate::app::setup::spawn_notify_listener(
                &tokio::runtime::Handle::current(),
                &configured.config,
                &configured.context,
                Some(late_payments),
            );
            if let Some(health) = held.health.take() {
                health.abort();
            }
            held.health = Some(tokio::spawn(forward_health(
                Arc::clone(&configured),
                outbox.clone(),
            )));
            if let Some(store) = held.store.take() {
                store.abort();
            }
            held.store = Some(tokio::spawn(store_sync(
                Arc::clone(&configured),
                Arc::clone(&store_nudge),
                requerier.clone(),
                outbox.clone(),
            )));
            // A ledger this run has not used yet may hold orders an earlier run left open.
            let ledger = configured.ledger();
            let first_use = !held.recovered.iter().any(|seen| seen.same_as(ledger));
            if first_use {
                held.recovered.push(ledger.clone());
            }
            drop(held);
            current.send_replace(Arc::clone(&configured));
            let view = GatewayView::of(&configured);
            outbox.emit(UiEvent::Applied(Ok(Box::new(view)))).await;
            if first_use {
                recover(configured, requerier, outbox, Utc::now()).await;
            } else {
                send_unresolved(configured.ledger(), &outbox).await;
            }
        });
    }
}
