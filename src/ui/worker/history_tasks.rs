//! The worker's history tasks: a day's orders and totals (this till's ledger or the store's),
//! an order's detail, the exports of a span of days, and the export folder opened.

use std::sync::Arc;

use chrono::NaiveDate;

use super::super::backend::{ExportFormat, HistoryData, HistoryScope, Problem, UiEvent};
use super::CHART_DAYS;
use crate::app::export::Bom;
use crate::app::setup::Configured;
use crate::ledger::{LedgerError, SharedLedger};

pub(super) async fn detail(ledger: &SharedLedger, order_no: String) -> UiEvent {
    let found = ledger
        .run(move |ledger| {
            let order = ledger
                .order(&order_no)?
                .ok_or(LedgerError::NoSuchOrder(order_no.clone()))?;
            let events = ledger.events(&order_no)?;
            Ok::<_, LedgerError>((order, events, ledger.refunds_of(&order_no)?))
        })
        .await;
    match found {
        Ok((order, events, refunds)) => UiEvent::Detail(Box::new(order), events, refunds),
        Err(error) => UiEvent::Error(error.into()),
    }
}

pub(super) async fn history(
    configured: &Configured,
    day: NaiveDate,
) -> Result<HistoryData, LedgerError> {
    let offset = configured.config.history.offset();
    configured
        .ledger()
        .run(move |ledger| {
            let (totals, orders) = ledger.whole_day(day, offset)?;
            let chart = ledger.daily_totals(day, CHART_DAYS, offset)?;
            let refunds = ledger.refunds_on_day(day, offset)?;
            Ok(HistoryData {
                day,
                scope: HistoryScope::ThisTill,
                by_till: Vec::new(),
                totals,
                orders,
                chart,
                refunds,
            })
        })
        .await
}

/// `day` across the store (every till, or one), with the store's 30-day chart.
pub(super) async fn store_history(
    configured: &Configured,
    day: NaiveDate,
    scope: HistoryScope,
) -> Result<HistoryData, crate::store::StoreError> {
    let config = configured
        .config
        .store
        .as_ref()
        .ok_or(crate::store::StoreError::Unreachable)?;
    let offset = configured.config.history.offset();
    let store = crate::store::Store::connect(config).await?;
    let till = match &scope {
        HistoryScope::Till(till) => Some(till.as_str()),
        HistoryScope::ThisTill | HistoryScope::AllTills => None,
    };
    let store_day = store.day_totals(day, offset, till).await?;
    let orders = store.day_orders(day, offset, till).await?;
    let chart = store.daily_totals(day, CHART_DAYS, offset, till).await?;
    Ok(HistoryData {
        day,
        scope,
        by_till: store_day.by_till,
        totals: store_day.totals,
        orders,
        chart,
        refunds: Vec::new(),
    })
}

/// The most days one export covers (a month and then some): a wider range is cut to its last
/// days, so a slip of the choice never loads years of orders into memory.
pub(super) const EXPORT_MAX_DAYS: u64 = 62;

/// Writes the sales of the days `from..=to` into `export_dir` as `sales-DAY.csv` (one day) or
/// `sales-FROM_TO.csv` (`.xlsx` alike; this till), `…-all-tills.…` or `…-till-K2.…` (the store's,
/// as the history shows them), with the totals of the whole range.
pub(super) async fn export(
    configured: &Configured,
    (from, to): (NaiveDate, NaiveDate),
    scope: HistoryScope,
    format: ExportFormat,
    export_dir: std::path::PathBuf,
) -> Result<std::path::PathBuf, Problem> {
    let from = from.max(
        to.checked_sub_days(chrono::Days::new(EXPORT_MAX_DAYS - 1))
            .unwrap_or(from),
    );
    let suffix = match &scope {
        HistoryScope::ThisTill => String::new(),
        HistoryScope::AllTills => "-all-tills".to_owned(),
        HistoryScope::Till(till) => format!("-till-{}", file_safe(till)),
    };
    let span = if from == to {
        from.to_string()
    } else {
        format!("{from}_{to}")
    };
    let mut totals = crate::ledger::DayTotals::default();
    let mut orders = Vec::new();
    let mut refunds = Vec::new();
    for day in from.iter_days().take_while(|day| *day <= to) {
        let (day_totals, day_orders, day_refunds) = match &scope {
            HistoryScope::ThisTill => {
                let offset = configured.config.history.offset();
                configured
                    .ledger()
                    .run(move |ledger| {
                        let (totals, orders) = ledger.whole_day(day, offset)?;
                        Ok::<_, LedgerError>((totals, orders, ledger.refunds_on_day(day, offset)?))
                    })
                    .await?
            }
            scope => {
                let data = store_history(configured, day, scope.clone())
                    .await
                    .map_err(Problem::Store)?;
                (data.totals, data.orders, data.refunds)
            }
        };
        totals.absorb(day_totals);
        orders.extend(day_orders);
        refunds.extend(day_refunds);
    }
    let data = (orders, totals, refunds);
    let offset = configured.config.history.offset();
    let written = tokio::task::spawn_blocking(move || {
        crate::owner_only::dir(&export_dir)?;
        let (extension, bytes) = match format {
            ExportFormat::Csv => (
                "csv",
                crate::app::export::csv_document(&data.0, &data.1, &data.2, offset, Bom::Yes)
                    .into_bytes(),
            ),
            ExportFormat::Xlsx => (
                "xlsx",
                crate::app::export::xlsx_document(&data.0, &data.1, &data.2, offset)
                    .map_err(std::io::Error::other)?,
            ),
        };
        let path = export_dir.join(format!("sales-{span}{suffix}.{extension}"));
        std::fs::write(&path, bytes)?;
        Ok::<_, std::io::Error>(path)
    })
    .await
    .map_err(std::io::Error::other)
    .and_then(|written| written);
    written.map_err(|error| Problem::Io(Arc::new(error)))
}

/// Opens `dir` in the system's file manager (打开文件夹), without waiting for it; a failure is
/// logged (the note on screen still says where the file is).
pub(super) fn open_folder(dir: &std::path::Path) {
    let program = if cfg!(windows) {
        "explorer"
    } else if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let _ = std::fs::create_dir_all(dir);
    match std::process::Command::new(program)
        .arg(dir)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        // Reaped in the background, so no zombie is left behind.
        Ok(mut child) => {
            tokio::task::spawn_blocking(move || child.wait());
        }
        Err(error) => tracing::warn!(%error, program, "could not open the export folder"),
    }
}

/// `name` with anything but letters, digits, `-` and `_` replaced, for a file name.
pub(super) fn file_safe(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}
