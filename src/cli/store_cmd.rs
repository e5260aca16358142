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

/// Pushes every order waiting for the store; 0 when all is pushed.
pub async fn sync(setup: &Setup, as_json: bool) -> u8 {
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
                let waiting = setup
                    .ledger()
                    .run(|ledger| ledger.outbox_len())
                    .await
                    .unwrap_or(0);
                println!(
                    "{}",
                    serde_json::json!({"status": "offline", "left": waiting})
                );
            }
            return code;
        }
    };
    match push_pending(setup.ledger(), &store).await {
        Ok(report) => {
            if as_json {
                println!(
                    "{}",
                    serde_json::json!({"status": "pushed", "pushed": report.pushed, "left": report.left})
                );
            } else {
                println!(
                    "已同步 {} 笔，待同步 {} 笔 (pushed {}, {} left)",
                    report.pushed, report.left, report.pushed, report.left
                );
            }
            if report.left == 0 {
                exit::PAID
            } else {
                exit::ERROR
            }
        }
        Err(error) => {
            if as_json {
                println!("{}", serde_json::json!({"status": "offline"}));
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
    if let Err(error) = push_pending(setup.ledger(), &store).await {
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
    let Some(config) = &setup.config.store else {
        return;
    };
    // Linked before connecting, so a store that was never reachable still gets every order.
    if let Err(error) = setup.ledger().run(crate::ledger::Ledger::link_store).await {
        eprintln!("{error}");
        return;
    }
    let pushed = tokio::time::timeout(PUSH_AFTER_SALE_WITHIN, async {
        let store = Store::connect(config).await?;
        push_pending(setup.ledger(), &store).await
    })
    .await
    .unwrap_or(Err(StoreError::Unreachable));
    if let Err(error) = pushed {
        let waiting = setup
            .ledger()
            .run(|ledger| ledger.outbox_len())
            .await
            .unwrap_or(0);
        eprintln!(
            "{}，{waiting} 笔待同步 ({}; {waiting} to push)",
            error.message(crate::i18n::Lang::Zh),
            error.message(crate::i18n::Lang::En)
        );
    }
}

/// How long a sale's push may hold up `cashier pay`'s exit.
const PUSH_AFTER_SALE_WITHIN: std::time::Duration = std::time::Duration::from_secs(5);
