//! `cashier sync` and the store side of `cashier history --all-tills`.

use chrono::{FixedOffset, NaiveDate};

use super::exit;
use super::said::{self, Said};
use crate::app::setup::Setup;
use crate::i18n::Localized;
use crate::ledger::OrderRecord;
use crate::store::{Store, StoreDay, StoreError, push_pending};

/// Connects to the configured store, or says why not (and which exit status that is).
async fn connect(setup: &Setup) -> Result<Store, ConnectFailure> {
    let Some(config) = &setup.config.store else {
        return Err(ConnectFailure::NoStore);
    };
    Store::connect(config).await.map_err(ConnectFailure::Store)
}

/// Why the store could not be reached.
enum ConnectFailure {
    /// No `[store]` in the config.
    NoStore,
    /// The store refused or did not answer.
    Store(StoreError),
}

impl ConnectFailure {
    /// Said the one way; the exit status.
    fn fail(&self, as_json: bool) -> u8 {
        match self {
            ConnectFailure::NoStore => said::fail(exit::BAD_INPUT, &Said::NoStore, as_json),
            ConnectFailure::Store(error @ StoreError::Url) => {
                said::fail(exit::BAD_INPUT, error, as_json)
            }
            ConnectFailure::Store(error) => said::fail(exit::ERROR, error, as_json),
        }
    }
}

/// How many of this till's orders wait for the store.
async fn waiting(setup: &Setup) -> u64 {
    setup
        .ledger()
        .run(|ledger| ledger.outbox_len())
        .await
        .unwrap_or(0)
}

/// Pushes every order waiting for the store; 0 when all is pushed.
pub async fn sync(setup: &Setup, as_json: bool) -> u8 {
    if setup.sales_store().is_none() {
        let why = if setup.is_sandbox {
            Said::SandboxNeverPushed
        } else {
            Said::NoStore
        };
        return said::fail(exit::BAD_INPUT, &why, as_json);
    }
    if let Err(error) = setup.ledger().run(crate::ledger::Ledger::link_store).await {
        return said::fail(exit::ERROR, &error, as_json);
    }
    let store = match connect(setup).await {
        Ok(store) => store,
        Err(failure) => {
            // With --json, the one line says how many wait; why is said on stderr.
            if as_json {
                let waiting = waiting(setup).await;
                out!(
                    "{}",
                    serde_json::json!({"status": "offline", "left": waiting})
                );
            }
            return failure.fail(false);
        }
    };
    match push_pending(setup.ledger(), &store, &setup.context.till_id).await {
        Ok(report) => {
            if as_json {
                let refused: Vec<_> = report
                    .refused
                    .iter()
                    .map(|r| serde_json::json!({"order": r.order_no, "why": r.why.message(crate::i18n::Lang::En)}))
                    .collect();
                out!(
                    "{}",
                    serde_json::json!({"status": "pushed", "pushed": report.pushed, "left": report.left,
                                       "refused": refused, "rival": report.rival,
                                       "audit_pushed": report.audit_pushed,
                                       "refunds_pushed": report.refunds_pushed})
                );
            } else {
                out!(
                    "已同步 {} 笔，待同步 {} 笔 (pushed {}, {} left)",
                    report.pushed,
                    report.left,
                    report.pushed,
                    report.left
                );
                for refusal in &report.refused {
                    out!(
                        "门店未接受 {}：{} (refused: {})",
                        refusal.order_no,
                        refusal.why.message(crate::i18n::Lang::Zh),
                        refusal.why.message(crate::i18n::Lang::En)
                    );
                }
            }
            if let Some(till) = &report.rival {
                said::warn(&Said::RivalTill(till));
            }
            if report.left == 0 {
                exit::PAID
            } else {
                exit::ERROR
            }
        }
        Err(error) => {
            if as_json {
                let status = match error {
                    StoreError::TillIdTaken(_) => "till_id_taken",
                    _ => "offline",
                };
                let waiting = waiting(setup).await;
                out!("{}", serde_json::json!({"status": status, "left": waiting}));
            }
            said::warn(&error);
            exit::ERROR
        }
    }
}

/// `day` across the store (every till, or `till`), after pushing this till's own orders.
pub async fn store_day(
    setup: &Setup,
    day: NaiveDate,
    offset: FixedOffset,
    till: Option<&str>,
    as_json: bool,
) -> Result<(StoreDay, Vec<OrderRecord>), u8> {
    let store = connect(setup)
        .await
        .map_err(|failure| failure.fail(as_json))?;
    // This till's latest sales first.
    if setup.sales_store().is_some()
        && let Err(error) = push_pending(setup.ledger(), &store, &setup.context.till_id).await
    {
        said::warn(&error);
    }
    let fail = |error: StoreError| said::fail(exit::ERROR, &error, as_json);
    let totals = store.day_totals(day, offset, till).await.map_err(fail)?;
    let orders = store.day_orders(day, offset, till).await.map_err(fail)?;
    Ok((totals, orders))
}

/// After a sale, pushes to the store if there is one; the sale is already safe in this till's
/// ledger, so a store that is down only delays it (said on stderr, with how many wait).
pub async fn push_after_sale(setup: &Setup) {
    let Some(config) = setup.sales_store() else {
        return;
    };
    // Linked before connecting, so a store that was never reachable still gets every order.
    if let Err(error) = setup.ledger().run(crate::ledger::Ledger::link_store).await {
        said::warn(&error);
        return;
    }
    let pushed = tokio::time::timeout(PUSH_AFTER_SALE_WITHIN, async {
        let store = Store::connect(config).await?;
        push_pending(setup.ledger(), &store, &setup.context.till_id).await
    })
    .await
    .unwrap_or(Err(StoreError::Unreachable));
    if let Err(error) = pushed {
        let waiting = waiting(setup).await;
        said::warn(&Said::WaitingToPush {
            why: &error,
            waiting,
        });
    }
}

/// How long a sale's push may hold up `cashier pay`'s exit.
const PUSH_AFTER_SALE_WITHIN: std::time::Duration = std::time::Duration::from_secs(5);

/// `cashier notify-server`: serves changpay notifications into the store until stopped.
pub async fn notify_server(
    paths: Result<crate::app::setup::Paths, crate::app::setup::SetupError>,
    listen: Option<std::net::SocketAddr>,
    give_up_after: std::time::Duration,
) -> u8 {
    let path = match paths.map(|paths| paths.config) {
        Ok(Some(path)) => path,
        Ok(None) => return said::fail(exit::BAD_INPUT, &Said::NeedsConfigFile, false),
        Err(error) => return said::fail(exit::BAD_INPUT, &Said::SetupFailed(&error), false),
    };
    let config = match crate::config::Config::load(&path) {
        Ok(config) => config,
        Err(error) => return said::fail(exit::BAD_INPUT, &error, false),
    };
    let changpay = config
        .gateway
        .as_ref()
        .filter(|gateway| gateway.provider == crate::gateway::Provider::Changpay);
    let (Some(store_config), Some(gateway)) = (&config.store, changpay) else {
        let needs = Said::NotifyServerNeedsStoreAndChangpay;
        return said::fail(exit::BAD_INPUT, &needs, false);
    };
    let Some(addr) = listen.or(config.notify.as_ref().map(|notify| notify.listen)) else {
        return said::fail(exit::BAD_INPUT, &Said::NotifyServerNeedsAddress, false);
    };
    let store = match Store::connect(store_config).await {
        Ok(store) => store,
        Err(error) => return said::fail(exit::ERROR, &error, false),
    };
    let store = std::sync::Arc::new(store);
    let sink = crate::store::StoreNotifications {
        store: std::sync::Arc::clone(&store),
        mch_id: gateway.merchant_id.clone(),
        key: gateway.key.clone(),
    };
    said::warn(&Said::NotifyServerStarted(addr));
    tokio::select! {
        served = crate::payment::notify_listener::serve(sink, addr) => match served {
            Ok(()) => exit::PAID,
            Err(error) => {
                let why = error.to_string();
                said::fail(exit::ERROR, &Said::CannotListen { addr, why }, false)
            }
        },
        error = store_gone(&store, give_up_after) => {
            let gone = Said::StoreGone { secs: give_up_after.as_secs(), why: &error };
            said::fail(exit::ERROR, &gone, false)
        }
    }
}

/// How often notify-server checks its store between notifications.
const STORE_CHECK_EVERY: std::time::Duration = std::time::Duration::from_secs(2);

/// Resolves once `store` has failed every check (each connecting again) for `give_up_after`:
/// a server that stays up while its database is gone answers `fail` for ever and is never
/// restarted (issue 20: 201 of 201 genuine notifications refused after a PostgreSQL restart).
async fn store_gone(store: &Store, give_up_after: std::time::Duration) -> StoreError {
    let mut failing_since: Option<std::time::Instant> = None;
    loop {
        match tokio::time::timeout(STORE_CHECK_EVERY, store.check()).await {
            Ok(Ok(())) => {
                if failing_since.take().is_some() {
                    tracing::info!("store reachable again");
                }
            }
            result => {
                let error = match result {
                    Ok(Err(error)) => error,
                    _ => StoreError::Unreachable,
                };
                let since = *failing_since.get_or_insert_with(std::time::Instant::now);
                tracing::warn!(%error, "store unreachable");
                if since.elapsed() >= give_up_after {
                    return error;
                }
            }
        }
        tokio::time::sleep(STORE_CHECK_EVERY).await;
    }
}

/// With a store, listens for payments its notification service records for this till and wakes
/// the waiting sale (which then queries the gateway); stops when dropped.
pub fn listen_for_store_payments(setup: &Setup) -> Option<AbortOnDrop> {
    let config = setup.sales_store()?.clone();
    let notices = setup.context.notices.clone();
    let till_id = setup.context.till_id.clone();
    Some(AbortOnDrop(tokio::spawn(async move {
        let (paid_tx, mut paid_rx) = tokio::sync::mpsc::channel::<String>(16);
        let wake = async {
            while let Some(order_no) = paid_rx.recv().await {
                notices.announce(&order_no);
            }
        };
        tokio::join!(
            crate::store::listen_for_payments(config, till_id, paid_tx),
            wake
        );
    })))
}

/// A task aborted when its handle is dropped.
#[derive(Debug)]
pub struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Pushes the order to the store once it exists at the gateway (best effort, in the background).
#[derive(Debug, Clone)]
pub struct PushOnShow {
    store: Option<(
        crate::store::StoreConfig,
        crate::ledger::SharedLedger,
        String,
    )>,
}

impl PushOnShow {
    /// For `setup`'s store, if any.
    #[must_use]
    pub fn new(setup: &Setup) -> PushOnShow {
        PushOnShow {
            store: setup.sales_store().cloned().map(|config| {
                (
                    config,
                    setup.ledger().clone(),
                    setup.context.till_id.clone(),
                )
            }),
        }
    }

    /// Starts a push; a store that is down is reported after the sale.
    pub fn push(&self) {
        let Some((config, ledger, till_id)) = self.store.clone() else {
            return;
        };
        tokio::spawn(async move {
            let pushed = tokio::time::timeout(PUSH_AFTER_SALE_WITHIN, async {
                ledger.run(crate::ledger::Ledger::link_store).await?;
                let store = Store::connect(&config).await?;
                push_pending(&ledger, &store, &till_id).await
            })
            .await;
            if let Ok(Err(error)) = pushed {
                tracing::debug!(%error, "order not pushed before the customer pays");
            }
        });
    }
}

/// `cashier store add-till`: the till's own role, and the URL it connects with (printed once;
/// the admin URL is used for this and kept nowhere).
pub async fn add_till(till: &str, admin_url: String, as_json: bool) -> u8 {
    let admin = crate::store::StoreConfig {
        url: crate::secret::Secret::new(admin_url),
    };
    match crate::store::add_till(&admin, till).await {
        Ok(role) => {
            if as_json {
                out!(
                    "{}",
                    serde_json::json!({"till": role.till_id, "role": role.role, "url": role.url.expose()})
                );
            } else {
                said::warn(&Said::TillRoleMade(&role.till_id));
                out!("{}", role.url.expose());
            }
            exit::PAID
        }
        Err(error @ StoreError::Url) => said::fail(exit::BAD_INPUT, &error, as_json),
        Err(error) => said::fail(exit::ERROR, &error, as_json),
    }
}
