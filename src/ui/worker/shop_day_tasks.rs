//! The worker's tasks for the shop's day: shifts (open, close, read) and printing slips. Each runs
//! on its own task like every other worker job; the ledger is reached through the blocking pool
//! and the printer through the spool, so a printer that is off never holds up a sale.

use std::path::Path;
use std::sync::Arc;

use chrono::Utc;

use super::Worker;
use super::background::{audit, mark_replaced, who_at_the_till};
use super::history_tasks::{export, open_folder};
use super::settings_tasks::test_store;
use crate::app::setup::Configured;
use crate::ledger::AuditAction;
use crate::ledger::{Ledger, LedgerError, ShiftError};
use crate::money::Money;
use crate::receipt::printer::address_of;
use crate::receipt::{PrintQueue, escpos};
use crate::ui::backend::{Command, PrintJob, PrintNote, Problem, ShiftView, UiEvent};

/// How many past shifts the shift screen lists.
const RECENT_SHIFTS: u32 = 20;

/// What a shift command asks of the ledger.
#[derive(Debug, Clone)]
pub enum ShiftCall {
    /// Only read: the open shift, and `Some(id)`'s report.
    Load(Option<i64>),
    /// Open one for this cashier (with their PIN, where cashiers sign in) with this float.
    Open(String, Money, Option<String>),
    /// Close the open one with this cash counted (and the closer's PIN, where cashiers sign in:
    /// the shift's cashier's or the owner's).
    Close(Money, Option<String>),
}

/// Runs `call` and says how the shifts stand after it.
pub async fn shifts(configured: &Configured, call: ShiftCall) -> UiEvent {
    let owner_pin_hash = configured.config.owner_pin_hash().map(str::to_owned);
    let blind = configured.config.till.blind_close;
    let view = configured
        .ledger()
        .run(move |ledger| {
            let now = Utc::now();
            let past = match call {
                ShiftCall::Load(None) => None,
                ShiftCall::Load(Some(id)) => {
                    let report = ledger.shift_report(Some(id), now)?;
                    // 盲交班: the open shift's figures wait for its close.
                    (!blind || report.closed_at.is_some()).then_some(report)
                }
                ShiftCall::Open(cashier, float, pin) => {
                    crate::app::cashier_sign_in::check(ledger, &cashier, pin.as_deref(), now)?;
                    ledger.open_shift(&cashier, float, now)?;
                    None
                }
                ShiftCall::Close(counted, pin) => {
                    let hash = owner_pin_hash.as_deref();
                    let by = crate::app::cashier_sign_in::check_close(
                        ledger,
                        pin.as_deref(),
                        hash,
                        now,
                    )?;
                    Some(ledger.close_shift_by(counted, Some(&by), now)?)
                }
            };
            view(ledger, past, now, blind)
        })
        .await;
    UiEvent::Shifts(
        view.map(Box::new)
            .map_err(|error| Problem::Shift(Arc::new(error))),
    )
}

fn view(
    ledger: &Ledger,
    past: Option<crate::ledger::ShiftReport>,
    now: chrono::DateTime<Utc>,
    blind: bool,
) -> Result<ShiftView, ShiftError> {
    let open = match ledger.shift_report(None, now) {
        Ok(report) => Some(report),
        Err(ShiftError::NoneOpen) => None,
        Err(error) => return Err(error),
    };
    Ok(ShiftView {
        open,
        past,
        recent: ledger.recent_shifts(RECENT_SHIFTS)?,
        cashiers: ledger.cashiers()?,
        blind,
    })
}

/// 打印测试页 on `printer` (as typed, not yet saved), at once and past the spool: a test that
/// waited and printed later would say nothing.
async fn test_page(
    configured: &Configured,
    printer: &crate::receipt::PrinterConfig,
    shop: &str,
) -> Result<(), Problem> {
    let address = printer
        .address()
        .map_err(|bad| Problem::Print(bad.into()))?;
    let shop = if shop.is_empty() {
        &configured.config.shop.name
    } else {
        shop
    };
    let offset = configured.config.history.offset();
    let slip = crate::receipt::slip::test_slip(shop, Utc::now(), offset, printer.width);
    let limit = crate::receipt::printer::SEND_TIMEOUT;
    crate::receipt::printer::send_now(&address, &escpos::encode(&slip), limit)
        .await
        .map_err(Problem::Print)
}

/// Prints `job` as `configured` says (its printer, paper and shop name), spooling in `spool`.
pub async fn print(configured: &Configured, spool: &Path, job: PrintJob) -> UiEvent {
    let queue = PrintQueue::new(spool);
    let result = send(configured, &queue, &job).await;
    UiEvent::Printed(PrintNote {
        job,
        result,
        waiting: queue.waiting().await,
    })
}

/// Spools `job`'s slip and sends everything waiting; how many slips went out.
async fn send(
    configured: &Configured,
    queue: &PrintQueue,
    job: &PrintJob,
) -> Result<usize, Problem> {
    if *job == PrintJob::Count {
        return Ok(0);
    }
    let config = &configured.config;
    let address = address_of(config.printer.as_ref(), None).map_err(Problem::Print)?;
    let slip = match job.clone() {
        PrintJob::Sale(order_no) | PrintJob::Reprint(order_no) => {
            let wanted = order_no.clone();
            let order = configured
                .ledger()
                .run(move |ledger| ledger.order(&wanted))
                .await?
                .ok_or(Problem::from(LedgerError::NoSuchOrder(order_no.clone())))?;
            if matches!(job, PrintJob::Reprint(_)) {
                // Kept in the audit trail before this print: it counts itself.
                let times = configured
                    .ledger()
                    .run(move |ledger| ledger.reprints(&order_no))
                    .await?;
                config.reprint_slip(&order, times.max(1))
            } else {
                config.sale_slip(&order)
            }
        }
        PrintJob::Day(day) => {
            let offset = config.history.offset();
            let report = configured
                .ledger()
                .run(move |ledger| ledger.day_report(day, offset, Utc::now()))
                .await
                .map_err(|error| Problem::Shift(Arc::new(error)))?;
            config.day_slip(&report)
        }
        PrintJob::Shift(id) => {
            let report = configured
                .ledger()
                .run(move |ledger| ledger.shift_report(Some(id), Utc::now()))
                .await
                .map_err(|error| Problem::Shift(Arc::new(error)))?;
            config.shift_slip(&report)
        }
        PrintJob::Waiting | PrintJob::Count => {
            return queue.flush(&address).await.map_err(Problem::Print);
        }
    };
    queue
        .print(&address, &escpos::encode(&slip))
        .await
        .map_err(Problem::Print)
}

impl Worker {
    /// The shop's day: shifts, printing, exports and the diagnostics zip.
    pub(super) fn dispatch_shop_day(&self, command: Command) {
        let (configured, outbox) = (self.configured(), self.outbox.clone());
        match command {
            Command::Export(from, to, scope, format) => {
                let export_dir = self.settings.export_dir.clone();
                tokio::spawn(async move {
                    let days = (from, to);
                    let result = export(&configured, days, scope, format, export_dir).await;
                    if let Ok(file) = &result {
                        let detail = format!("{from}..{to} {}", file.display());
                        let who = who_at_the_till(&configured).await;
                        audit(&configured, who, AuditAction::Exported, detail).await;
                    }
                    outbox.emit(UiEvent::Exported(result)).await;
                });
            }
            Command::OpenExportFolder => open_folder(&self.settings.export_dir),
            Command::TestPrint(printer, shop) => {
                tokio::spawn(async move {
                    let tested = test_page(&configured, &printer, &shop).await;
                    outbox.emit(UiEvent::PrinterTested(tested)).await;
                });
            }
            Command::TryVoice(voice, lang) => {
                tokio::spawn(try_voice(voice, lang, outbox));
            }
            Command::LoadPorts => {
                tokio::spawn(async move {
                    let ports = tokio::task::spawn_blocking(
                        crate::receipt::ports::machine_printer_addresses,
                    )
                    .await
                    .unwrap_or_default();
                    outbox.emit(UiEvent::Ports(ports)).await;
                });
            }
            Command::OpenDrawer => {
                tokio::spawn(async move {
                    let who = super::background::who_at_the_till(&configured).await;
                    let why = crate::app::drawer::Why::ByHand;
                    super::background::open_drawer(&configured, Some(who), why, &outbox).await;
                });
            }
            Command::LoadShifts(id) => self.spawn_shifts(ShiftCall::Load(id)),
            Command::OpenShift(cashier, float, pin) => {
                self.spawn_shifts(ShiftCall::Open(cashier, float, pin));
            }
            Command::CloseShift(counted, pin) => {
                self.spawn_shifts(ShiftCall::Close(counted, pin));
            }
            Command::SaveLanguage(lang) => {
                tokio::spawn(save_language(self.settings.paths.language_file(), lang));
            }
            Command::MarkReplaced(order_no) => {
                tokio::spawn(mark_replaced(
                    configured.context.ledger.clone(),
                    order_no,
                    outbox,
                ));
            }
            Command::TestStore(config, till_id) => {
                // The store takes only real sales, from the real ledger: its install id is the
                // one the till id is claimed for.
                let real_ledger = self.settings.paths.ledger_file(false);
                tokio::spawn(async move {
                    let result = test_store(&config, &till_id, real_ledger).await;
                    outbox.emit(UiEvent::StoreTested(result)).await;
                });
            }
            Command::Diagnostics => {
                let settings = Arc::clone(&self.settings);
                tokio::spawn(async move {
                    let written = crate::app::diagnostics::export(
                        &configured,
                        &settings.paths,
                        &settings.export_dir,
                    )
                    .await
                    .map_err(|error| Problem::Diagnostics(Arc::new(error)));
                    outbox.emit(UiEvent::Diagnostics(written)).await;
                });
            }
            Command::Print(job) => {
                let spool = self.settings.paths.spool_dir();
                tokio::spawn(async move {
                    if let PrintJob::Reprint(order_no) = &job {
                        let who = who_at_the_till(&configured).await;
                        let detail = order_no.clone();
                        audit(&configured, who, AuditAction::Reprinted, detail).await;
                    }
                    outbox.emit(print(&configured, &spool, job).await).await;
                });
            }
            // `dispatch` sends only the commands above here.
            _ => {}
        }
    }

    pub(super) fn spawn_shifts(&self, call: ShiftCall) {
        let (configured, outbox) = (self.configured(), self.outbox.clone());
        tokio::spawn(async move { outbox.emit(shifts(&configured, call).await).await });
    }
}

/// Keeps the cashier's choice of language for the next start.
async fn save_language(file: std::path::PathBuf, lang: crate::i18n::Lang) {
    let text = match lang {
        crate::i18n::Lang::Zh => "zh",
        crate::i18n::Lang::En => "en",
    };
    if let Err(error) = tokio::fs::write(&file, text).await {
        tracing::warn!(%error, "the language choice was not kept");
    }
}

/// 试听: a sample sale said through `voice` as set in 设置, and how it went in the cashier's words.
async fn try_voice(
    voice: crate::config::VoiceConfig,
    lang: crate::i18n::Lang,
    outbox: super::Outbox,
) {
    let sample = crate::speech::Announcement {
        method: crate::gateway::PayMethod::AlipayQr,
        amount: crate::money::Money::from_fen(1234),
        outcome: crate::speech::Outcome::Paid,
        lang,
    };
    let said =
        tokio::task::spawn_blocking(move || crate::app::announcer::say_now(&voice, &sample, None))
            .await;
    let tried = match said {
        Ok(Ok(())) => Ok(()),
        Ok(Err(error)) => Err(crate::i18n::Localized::message(&error, lang)),
        Err(error) => Err(error.to_string()),
    };
    outbox.emit(UiEvent::VoiceTried(tried)).await;
}
