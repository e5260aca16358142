//! `cashier sync` and the store side of `cashier history --all-tills`.

use chrono::{FixedOffset, NaiveDate};

use super::exit;
use crate::i18n::Localized;
use crate::ledger::OrderRecord;
use crate::setup::Setup;
use crate::store::{Store, StoreDay, StoreError, push_pending};

/// Connects to the configured store, or says why not (and which exit status that is).
async fn connect(setup: &Setup) -> Result<Store, u8> {
    let Some(config) = &setup.config.store else {
        eprintln!(
            "未配置门店数据库：请在配置文件中加入 [store] url = \"postgres://…\" (no [store] configured)"
        );
        return Err(exit::BAD_INPUT);
    };
    Store::connect(config).await.map_err(|error| {
        eprintln!("{}", error.bilingual());
        match error {
            StoreError::Url => exit::BAD_INPUT,
            _ => exit::ERROR,
        }
    })
}

/// What the holder of a till id is told when another till of the store tried to use it.
#[must_use]
pub fn rival_words(till: &str) -> String {
    format!(
        "注意：门店里另一台收银机也设置为收银台编号 {till}，它的订单暂不同步，请给它另选编号 \
         (another till of this store is also set up as {till}; its orders wait until it has its own id)"
    )
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
    if setup.is_sandbox {
        eprintln!(
            "沙箱模式的模拟订单不同步到门店数据库 (sandbox orders are never pushed to the store)"
        );
        return exit::BAD_INPUT;
    }
    if setup.config.store.is_some()
        && let Err(error) = setup.ledger().run(crate::ledger::Ledger::link_store).await
    {
        eprintln!("{error}");
        return exit::ERROR;
    }
    let store = match connect(setup).await {
        Ok(store) => store,
        Err(code) => {
            if as_json {
                let waiting = waiting(setup).await;
                out!(
                    "{}",
                    serde_json::json!({"status": "offline", "left": waiting})
                );
            }
            return code;
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
                                       "refused": refused, "rival": report.rival})
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
                eprintln!("{}", rival_words(till));
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
            eprintln!("{}", error.bilingual());
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
) -> Result<(StoreDay, Vec<OrderRecord>), u8> {
    let store = connect(setup).await?;
    // This till's latest sales first (sandbox sales never reach the store).
    if !setup.is_sandbox
        && let Err(error) = push_pending(setup.ledger(), &store, &setup.context.till_id).await
    {
        eprintln!("{}", error.bilingual());
    }
    let fail = |error: StoreError| {
        eprintln!("{}", error.bilingual());
        exit::ERROR
    };
    let totals = store.day_totals(day, offset, till).await.map_err(fail)?;
    let orders = store.day_orders(day, offset, till).await.map_err(fail)?;
    Ok((totals, orders))
}

/// After a sale, pushes to the store if there is one; the sale is already safe in this till's
/// ledger, so a store that is down only delays it (said on stderr, with how many wait).
pub async fn push_after_sale(setup: &Setup) {
    let Some(config) = setup.config.store.as_ref().filter(|_| !setup.is_sandbox) else {
        return;
    };
    // Linked before connecting, so a store that was never reachable still gets every order.
    if let Err(error) = setup.ledger().run(crate::ledger::Ledger::link_store).await {
        eprintln!("{error}");
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
        eprintln!(
            "{}，{waiting} 笔待同步 ({}; {waiting} to push)",
            error.message(crate::i18n::Lang::Zh),
            error.message(crate::i18n::Lang::En)
        );
    }
}

/// How long a sale's push may hold up `cashier pay`'s exit.
const PUSH_AFTER_SALE_WITHIN: std::time::Duration = std::time::Duration::from_secs(5);

/// `cashier notify-server`: serves changpay notifications into the store until stopped.
pub async fn notify_server(
    paths: Result<crate::setup::Paths, crate::setup::SetupError>,
    listen: Option<std::net::SocketAddr>,
    give_up_after: std::time::Duration,
) -> u8 {
    let config = match paths
        .map_err(|error| error.to_string())
        .and_then(|paths| {
            paths
                .config
                .ok_or_else(|| "需要配置文件 (a config file is needed): --config FILE".to_owned())
        })
        .and_then(|path| crate::config::Config::load(&path).map_err(|e| e.bilingual()))
    {
        Ok(config) => config,
        Err(reason) => {
            eprintln!("{reason}");
            return exit::BAD_INPUT;
        }
    };
    let changpay = config
        .gateway
        .as_ref()
        .filter(|gateway| gateway.provider == crate::gateway::Provider::Changpay);
    let (Some(store_config), Some(gateway)) = (&config.store, changpay) else {
        eprintln!(
            "notify-server 需要 [store] 和畅支付的 [gateway] (needs [store] and a changpay [gateway])"
        );
        return exit::BAD_INPUT;
    };
    let Some(addr) = listen.or(config.notify.as_ref().map(|notify| notify.listen)) else {
        eprintln!(
            "需要监听地址：--listen 或 [notify] listen (where to listen: --listen or [notify] listen)"
        );
        return exit::BAD_INPUT;
    };
    let store = match Store::connect(store_config).await {
        Ok(store) => store,
        Err(error) => {
            eprintln!("{}", error.bilingual());
            return exit::ERROR;
        }
    };
    let store = std::sync::Arc::new(store);
    let sink = crate::store::StoreNotifications {
        store: std::sync::Arc::clone(&store),
        mch_id: gateway.merchant_id.clone(),
        key: gateway.key.clone(),
    };
    eprintln!("门店通知服务已启动 (store notification service) on {addr}");
    tokio::select! {
        served = crate::payment::notify_listener::serve(sink, addr) => match served {
            Ok(()) => exit::PAID,
            Err(error) => {
                eprintln!("无法监听 {addr} (cannot listen): {error}");
                exit::ERROR
            }
        },
        error = store_gone(&store, give_up_after) => {
            eprintln!(
                "门店数据库已 {} 秒无法连接，通知服务退出，由服务管理器重启：{} \
                 (the store has been unreachable for {} s; exiting for the service manager to restart)",
                give_up_after.as_secs(),
                error.message(crate::i18n::Lang::Zh),
                give_up_after.as_secs()
            );
            exit::ERROR
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
    let config = setup.config.store.clone().filter(|_| !setup.is_sandbox)?;
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
            store: setup
                .config
                .store
                .clone()
                .filter(|_| !setup.is_sandbox)
                .map(|config| {
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
