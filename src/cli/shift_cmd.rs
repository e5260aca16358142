//! `cashier shift open|close|report` and `cashier receipt`: the shop's day from the command line,
//! through the same ledger calls, layouts and print queue as the window.

use chrono::Utc;
use serde_json::json;

use super::exit;
use super::said::{self, Said};
use crate::app::setup::Setup;
use crate::ledger::ShiftError;
use crate::payment::cash::parse_cash;
use crate::receipt::printer::address_of;
use crate::receipt::slip::Slip;
use crate::receipt::{PrintQueue, escpos};

/// What to print on, and where jobs wait.
pub struct PrintTarget {
    /// `--printer`, overriding `[printer] address`.
    pub address: Option<String>,
    /// The spool folder in the data dir.
    pub spool: std::path::PathBuf,
}

/// `shift open`.
pub async fn open(setup: &Setup, cashier: String, float: &str, as_json: bool) -> u8 {
    let float = match parse_cash(float) {
        Ok(float) => float,
        Err(error) => return said::fail(exit::BAD_INPUT, &error, as_json),
    };
    let pin = pin_if_cashiers_sign_in(setup).await;
    let opened = setup
        .ledger()
        .run(move |ledger| {
            let now = Utc::now();
            crate::app::cashier_sign_in::check(ledger, &cashier, pin.as_deref(), now)?;
            ledger.open_shift(&cashier, float, now)
        })
        .await;
    match opened {
        Ok(shift) => {
            let offset = setup.config.history.offset();
            if as_json {
                out!(
                    "{}",
                    json!({
                        "shift": shift.id,
                        "cashier": shift.cashier,
                        "float": shift.float.yuan_text(),
                        "opened_at": shift.opened_at.with_timezone(&offset).to_rfc3339(),
                    })
                );
            } else {
                out!(
                    "第 {} 班已开班：收银员 {}，备用金 {}",
                    shift.id,
                    shift.cashier,
                    shift.float
                );
            }
            exit::PAID
        }
        Err(error) => shift_failed(&error, as_json),
    }
}

/// Where cashiers sign in, the PIN: the first line of standard input (never an argument: it
/// would show in the process list and the shell's history).
async fn pin_if_cashiers_sign_in(setup: &Setup) -> Option<String> {
    let signs_in = setup
        .ledger()
        .run(|ledger| ledger.cashiers())
        .await
        .is_ok_and(|names| !names.is_empty());
    if signs_in {
        std::io::stdin().lines().next().and_then(Result::ok)
    } else {
        None
    }
}

/// `shift close`: the report, kept, printed with `--print`.
pub async fn close(setup: &Setup, counted: &str, as_json: bool, print: Option<PrintTarget>) -> u8 {
    let counted = match parse_cash(counted) {
        Ok(counted) => counted,
        Err(error) => return said::fail(exit::BAD_INPUT, &error, as_json),
    };
    // Where cashiers sign in, the closer's PIN (the shift's cashier's or the owner's) is the
    // first line of standard input, as for `shift open`.
    let pin = pin_if_cashiers_sign_in(setup).await;
    let owner_pin_hash = setup.config.owner_pin_hash().map(str::to_owned);
    let closed = setup
        .ledger()
        .run(move |ledger| {
            let now = Utc::now();
            let hash = owner_pin_hash.as_deref();
            let by = crate::app::cashier_sign_in::check_close(ledger, pin.as_deref(), hash, now)?;
            ledger.close_shift_by(counted, Some(&by), now)
        })
        .await;
    match closed {
        Ok(report) => show_report(setup, &report, as_json, print).await,
        Err(error) => shift_failed(&error, as_json),
    }
}

/// `shift report`: the open shift so far, or a past shift as it was closed.
pub async fn report(
    setup: &Setup,
    shift: Option<i64>,
    as_json: bool,
    print: Option<PrintTarget>,
) -> u8 {
    let read = setup
        .ledger()
        .run(move |ledger| ledger.shift_report(shift, Utc::now()))
        .await;
    match read {
        Ok(report) => show_report(setup, &report, as_json, print).await,
        Err(error) => shift_failed(&error, as_json),
    }
}

async fn show_report(
    setup: &Setup,
    report: &crate::ledger::ShiftReport,
    as_json: bool,
    print: Option<PrintTarget>,
) -> u8 {
    let offset = setup.config.history.offset();
    let json = as_json.then(|| super::json::shift_report(report, offset));
    give_report(setup, &setup.config.shift_slip(report), json, print).await
}

/// A report given as `json` when asked for (else as the slip's lines), and printed when asked.
async fn give_report(
    setup: &Setup,
    slip: &Slip,
    json: Option<serde_json::Value>,
    print: Option<PrintTarget>,
) -> u8 {
    match json {
        Some(json) => out!("{json}"),
        None => {
            for line in slip.plain_lines() {
                out!("{line}");
            }
        }
    }
    match print {
        Some(target) => print_slip(setup, slip, &target).await,
        None => exit::PAID,
    }
}

/// `shift day [--date D]`: the day's close, as text or JSON, printed with `--print`.
pub async fn day(
    setup: &Setup,
    date: Option<&str>,
    as_json: bool,
    print: Option<PrintTarget>,
) -> u8 {
    let offset = setup.config.history.offset();
    let day = match date {
        Some(text) => match chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(day) => day,
            Err(_) => return said::fail(exit::BAD_INPUT, &Said::BadDate(text), as_json),
        },
        None => crate::ledger::day_of(Utc::now(), offset),
    };
    let read = setup
        .ledger()
        .run(move |ledger| ledger.day_report(day, offset, Utc::now()))
        .await;
    let report = match read {
        Ok(report) => report,
        Err(error) => return shift_failed(&error, as_json),
    };
    let json = as_json.then(|| super::json::day_report(&report, offset));
    give_report(setup, &setup.config.day_slip(&report), json, print).await
}

/// `receipt ORDER_NO`: a sale's slip, printed (again).
pub async fn receipt(setup: &Setup, order_no: &str, target: &PrintTarget) -> u8 {
    let wanted = order_no.to_owned();
    let order = match setup
        .ledger()
        .run(move |ledger| ledger.order(&wanted))
        .await
    {
        Ok(Some(order)) => order,
        Ok(None) => return said::fail(exit::BAD_INPUT, &Said::NoSuchOrder(order_no), false),
        Err(error) => return said::fail(exit::ERROR, &error, false),
    };
    let slip = setup.config.sale_slip(&order);
    let printed = print_slip(setup, &slip, target).await;
    let (order_no, now) = (order.order_no.clone(), chrono::Utc::now());
    let kept = setup
        .ledger()
        .run(move |ledger| {
            ledger.audit(
                "命令行 command line",
                crate::ledger::AuditAction::Reprinted,
                &order_no,
                now,
            )
        })
        .await;
    if let Err(error) = kept {
        said::warn(&error);
    }
    printed
}

/// After a paid sale from the command line: the receipt, when `[printer] auto_print` asks for
/// it. The sale stands whatever the printer does; a slip that cannot go out waits, and stderr
/// says why.
pub async fn auto_print(
    setup: &Setup,
    order: &crate::ledger::OrderRecord,
    spool: &std::path::Path,
) {
    if !setup.config.prints_by_itself(order) {
        return;
    }
    let slip = setup.config.sale_slip(order);
    let address = match address_of(setup.config.printer.as_ref(), None) {
        Ok(address) => address,
        Err(error) => {
            said::warn(&error);
            return;
        }
    };
    // Kept first, durably; then at most a second of sending: a printer that hangs, or another
    // program holding the spool, never holds up the sale's exit (issue 20). What is not sent
    // waits in the spool for the next print.
    let queue = PrintQueue::new(spool);
    if let Err(error) = queue.enqueue(&escpos::encode(&slip)).await {
        said::warn(&error);
        return;
    }
    match tokio::time::timeout(AUTO_PRINT_WITHIN, queue.flush(&address)).await {
        Ok(Ok(_)) => {}
        Ok(Err(error)) => said::warn(&error),
        Err(_) => said::warn(&crate::receipt::PrintError::Timeout),
    }
}

/// How long printing after a sale may hold up `cashier pay`.
const AUTO_PRINT_WITHIN: std::time::Duration = std::time::Duration::from_secs(1);

/// Spools and sends `slip`: 0 when printed, 1 when it waits (why on stderr), 2 with no printer.
pub async fn print_slip(setup: &Setup, slip: &Slip, target: &PrintTarget) -> u8 {
    let address = match address_of(setup.config.printer.as_ref(), target.address.as_deref()) {
        Ok(address) => address,
        Err(error) => return said::fail(exit::BAD_INPUT, &error, false),
    };
    let queue = PrintQueue::new(&target.spool);
    match queue.print(&address, &escpos::encode(slip)).await {
        Ok(_) => exit::PAID,
        Err(error) => said::fail(exit::ERROR, &error, false),
    }
}

fn shift_failed(error: &ShiftError, as_json: bool) -> u8 {
    match error {
        ShiftError::Ledger(_) => said::fail(exit::ERROR, error, as_json),
        _ => said::fail(exit::BAD_INPUT, error, as_json),
    }
}
