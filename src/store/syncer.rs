//! Keeps a till's store ledger caught up: pushes every few seconds and at once after a sale,
//! reconnects after the store comes back, and says how it stands (online, or offline with how
//! many orders wait). Selling never waits for it.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, watch};

use super::{Store, StoreConfig, StoreError, push_pending};
use crate::ledger::{Ledger, SharedLedger};

/// How often the till pushes when nothing nudges it (orders a notification moved, say).
const PUSH_EVERY: Duration = Duration::from_secs(5);

/// How the store stands, as the till last found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreStatus {
    /// Not tried yet.
    Connecting,
    /// Every order pushed (or `waiting` that changed while being pushed or were refused).
    Online {
        /// Orders still to push.
        waiting: u64,
        /// Orders the store refused, which wait for a change (said with why in the log).
        refused: u64,
        /// Another till of the store tried to use this till's id (then it is named here).
        rival: Option<String>,
    },
    /// The store cannot be used; the till sells on.
    Offline {
        /// Why.
        error: StoreError,
        /// Orders waiting for it.
        waiting: u64,
    },
}

/// Pushes `ledger` (till `till_id`) to the store in `config` until dropped; `nudge` asks for a
/// push now.
pub async fn keep_pushing(
    config: StoreConfig,
    till_id: String,
    ledger: SharedLedger,
    nudge: Arc<Notify>,
    status: watch::Sender<StoreStatus>,
) {
    // Linked before the first connection, so a store never reached still gets every order.
    if let Err(error) = ledger.run(Ledger::link_store).await {
        tracing::error!(%error, "cannot link the ledger to the store");
    }
    let mut store: Option<Store> = None;
    loop {
        let result = match &store {
            Some(connected) => push_pending(&ledger, connected, &till_id).await,
            None => match Store::connect(&config).await {
                Ok(connected) => push_pending(&ledger, store.insert(connected), &till_id).await,
                Err(error) => Err(error),
            },
        };
        let next = match result {
            Ok(report) => StoreStatus::Online {
                waiting: report.left,
                refused: report.refused.len() as u64,
                rival: report.rival,
            },
            Err(error) => {
                // Connect again next time: the connection may be what broke (a till id taken
                // is asked again too: the owner may have freed it).
                store = None;
                let waiting = ledger.run(|l| l.outbox_len()).await.unwrap_or(0);
                StoreStatus::Offline { error, waiting }
            }
        };
        status.send_if_modified(|current| {
            let changed = *current != next;
            if changed {
                // Logged on change only: an offline store must not fill the log every 5 s.
                match &next {
                    StoreStatus::Offline { error, waiting } => {
                        tracing::warn!(%error, waiting, "store offline");
                    }
                    _ => tracing::info!(?next, "store status"),
                }
            }
            *current = next;
            changed
        });
        tokio::select! {
            () = tokio::time::sleep(PUSH_EVERY) => {}
            () = nudge.notified() => {}
        }
    }
}
