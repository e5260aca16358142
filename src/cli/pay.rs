//! `cashier pay`: takes a payment and waits as the window would.

use serde_json::json;
use tokio::sync::{mpsc, watch};

use super::said::{self, Said};
use super::{exit, exit_for, json, terminal_qr};
use crate::app::card_page::CardPages;
use crate::app::pole_display::PoleDisplay;
use crate::app::setup::{Paths, Setup};
use crate::gateway::card_payer::{CardPayer, TypedCard};
use crate::gateway::qht::CardType;
use crate::gateway::{PayDisplay, PayMethod, RequestError};
use crate::i18n::Localized;
use crate::money::Money;
use crate::payment::runner::{PayError, PaymentRequest, Progress, run_payment};
use crate::receipt::pole_display::Shown;

/// A sale as asked on the command line.
#[derive(Debug)]
pub struct Sale {
    /// The method's slug.
    pub method: String,
    /// The amount as typed.
    pub amount: String,
    /// `--auth-code`.
    pub auth_code: Option<String>,
    /// `--payer-name` and `--payer-account`, for a bank transfer.
    pub payer: Option<(String, String)>,
    /// `--card-file`, for quick pay.
    pub card_file: Option<std::path::PathBuf>,
    /// `--description`.
    pub description: String,
}

/// Runs the payment and returns the exit status.
pub async fn run(setup: &Setup, sale: Sale, as_json: bool, paths: &Paths) -> u8 {
    let Sale {
        method,
        amount,
        auth_code,
        payer,
        card_file,
        description,
    } = sale;
    let Some(method) = PayMethod::from_slug(&method) else {
        let known: Vec<_> = setup
            .context
            .gateway
            .methods()
            .map(PayMethod::slug)
            .collect();
        let unknown = Said::UnknownMethod {
            method: &method,
            known: known.join(", "),
        };
        return said::fail(exit::BAD_INPUT, &unknown, as_json);
    };
    let amount = match Money::parse_charge(&amount, setup.context.gateway.max_amount()) {
        Ok(amount) => amount,
        Err(error) => return refuse(&error, as_json),
    };
    let checked_payer = payer
        .map(|(name, account)| crate::gateway::changpay::Payer::checked(method, &name, &account));
    let payer = match checked_payer.transpose() {
        Ok(payer) => payer,
        Err(error) => return refuse(&error, as_json),
    };
    let card = match card_of(method, card_file, as_json) {
        Ok(card) => card,
        Err(status) => return status,
    };
    if setup.is_sandbox && !as_json {
        said::warn(&Said::SandboxNoRealMoney(setup.context.gateway.provider()));
    }
    let _listener = crate::app::setup::spawn_notify_listener(
        &tokio::runtime::Handle::current(),
        &setup.config,
        &setup.context,
        None,
    );
    let _store_listener = super::store_cmd::listen_for_store_payments(setup);
    let display = PoleDisplay::start(setup.config.display.as_ref());
    display.show(Shown::Due(amount));
    let request = PaymentRequest {
        method,
        amount,
        description,
        auth_code,
        payer,
        card,
    };
    let pages = CardPages::new(&paths.data_dir, setup.context.gateway.base_url());
    let (progress_tx, progress_rx) = mpsc::channel(16);
    let (cancel_tx, cancel_rx) = watch::channel(false);
    let store_push = super::store_cmd::PushOnShow::new(setup);
    let printer = spawn_progress_printer(progress_rx, store_push, pages.clone(), as_json);
    let ctrl_c = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            let _ = cancel_tx.send(true);
        }
    });
    let result = run_payment(&setup.context, &request, &progress_tx, cancel_rx).await;
    display.show(crate::app::pole_display::after_payment(
        result.as_ref().ok(),
    ));
    drop(progress_tx);
    if let Ok(order_no) = printer.await {
        pages.remove(&order_no);
    }
    ctrl_c.abort();
    if result.is_ok() {
        super::store_cmd::push_after_sale(setup).await;
    }
    let offset = setup.config.history.offset();
    let status = match result {
        Ok(outcome) => {
            let order = &outcome.order;
            if as_json {
                out!("{}", json::order(order, offset));
            } else {
                out!("{}", result_line(order));
            }
            super::shift_cmd::auto_print(setup, order, &paths.spool_dir()).await;
            exit_for(order.status)
        }
        Err(PayError::Invalid(error)) => refuse(&error, as_json),
        Err(error @ (PayError::Ledger(_) | PayError::LedgerAfterWrite(_))) => {
            internal_error(&error, as_json)
        }
    };
    // Whatever the end, its last update reaches the display before the process goes.
    display.settle(DISPLAY_SETTLE).await;
    status
}

/// `cashier pay --method cash`: paid at once, the change in the last line (`"change": "7.70"`).
pub async fn cash(
    setup: &Setup,
    amount: &str,
    tendered: Option<&str>,
    description: String,
    as_json: bool,
    spool: &std::path::Path,
) -> u8 {
    use crate::payment::cash::{CashError, check, take_cash};
    let (amount, tendered) = match check(amount, tendered) {
        Ok(checked) => checked,
        Err(error) => return refuse(&error, as_json),
    };
    let display = PoleDisplay::start(setup.config.display.as_ref());
    display.show(Shown::Due(amount));
    let status = match take_cash(&setup.context, amount, tendered, description).await {
        Ok(order) => {
            display.show(crate::app::pole_display::cash_shown(&order));
            super::store_cmd::push_after_sale(setup).await;
            let change = order.change().unwrap_or(Money::ZERO);
            if as_json {
                let mut line = json::order(&order, setup.config.history.offset());
                line["tendered"] = json!(tendered.yuan_text());
                line["change"] = json!(change.yuan_text());
                out!("{line}");
            } else {
                out!("{}", result_line(&order));
                out!("实收 {tendered}　找零 {change} (change)");
            }
            // After the result is said: a printer that hangs holds up the drawer, not the sale.
            let why = crate::app::drawer::Why::CashSale(order.order_no.clone());
            if let Err(error) =
                crate::app::drawer::open(&setup.config, setup.ledger(), None, why).await
            {
                said::warn(&Said::DrawerNotOpened(&error));
            }
            super::shift_cmd::auto_print(setup, &order, spool).await;
            exit::PAID
        }
        Err(error) => {
            display.show(Shown::Idle);
            match error {
                CashError::Ledger(_) => internal_error(&error, as_json),
                _ => refuse(&error, as_json),
            }
        }
    };
    // Whatever the end, its last update reaches the display before the process goes.
    display.settle(DISPLAY_SETTLE).await;
    status
}

/// Says each step of the payment as it comes (quick pay's page written and opened); returns the
/// order's number once the payment ends.
fn spawn_progress_printer(
    mut progress_rx: mpsc::Receiver<Progress>,
    store_push: super::store_cmd::PushOnShow,
    pages: CardPages,
    as_json: bool,
) -> tokio::task::JoinHandle<String> {
    tokio::spawn(async move {
        let mut order_no = String::new();
        while let Some(progress) = progress_rx.recv().await {
            match &progress {
                Progress::Recorded(recorded) => order_no.clone_from(recorded),
                // In the store before the customer pays, so its notification finds the order.
                Progress::Show(_) => store_push.push(),
                Progress::Live(_) => {}
            }
            match &progress {
                Progress::Show(PayDisplay::CardPage(html)) => {
                    show_card_page(&pages, &order_no, html, as_json);
                }
                progress => print_progress(progress, as_json),
            }
        }
        order_no
    })
}

/// Quick pay's card holder from `--card-file`, or the exit status of its refusal; `None` for
/// any other method.
fn card_of(
    method: PayMethod,
    card_file: Option<std::path::PathBuf>,
    as_json: bool,
) -> Result<Option<CardPayer>, u8> {
    let Some(card_type) = method.card_type() else {
        return Ok(None);
    };
    let Some(file) = card_file else {
        return Err(refuse(&RequestError::CardMissing, as_json));
    };
    match read_card(&file, card_type) {
        Ok(card) => Ok(Some(card)),
        Err(CardFileError::Unreadable(why)) => Err(said::fail(
            exit::BAD_INPUT,
            &Said::CardFileUnreadable(why),
            as_json,
        )),
        Err(CardFileError::Invalid(error)) => Err(refuse(&error, as_json)),
    }
}

/// Why a card file gave no card holder.
enum CardFileError {
    /// Not read, not TOML, or a field missing.
    Unreadable(String),
    /// Read, but a field is not valid.
    Invalid(RequestError),
}

/// The card file as written: every field a string.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CardFile {
    name: String,
    card_number: String,
    phone: String,
    id_card: String,
}

/// Quick pay's card holder from `file` (`-`: stdin), checked as the window's form checks it.
fn read_card(file: &std::path::Path, card_type: CardType) -> Result<CardPayer, CardFileError> {
    let text = if file.as_os_str() == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).map(|_| text)
    } else {
        crate::small_file::read_text(file)
    }
    .map_err(|error| CardFileError::Unreadable(error.to_string()))?;
    // toml's message would quote the line, numbers and all: only where it failed is said.
    let card: CardFile = toml::from_str(&text).map_err(|error| {
        let at = error
            .span()
            .map_or(1, |span| text[..span.start].lines().count().max(1));
        CardFileError::Unreadable(format!("line {at}"))
    })?;
    let typed = TypedCard {
        name: &card.name,
        card_number: &card.card_number,
        phone: &card.phone,
        id_card: &card.id_card,
    };
    CardPayer::checked(typed, card_type).map_err(CardFileError::Invalid)
}

/// Writes and opens quick pay's page and says where it is.
fn show_card_page(pages: &CardPages, order_no: &str, html: &str, as_json: bool) {
    let file = pages.show(order_no, html);
    let file_text = match &file {
        Ok(path) => path.display().to_string(),
        Err(error) => format!("({error})"),
    };
    if as_json {
        out!(
            "{}",
            json!({"event": "show", "kind": "card_page", "file": file.as_ref().ok()})
        );
    } else {
        out!(
            "请顾客在浏览器页面完成银行卡支付 · The customer finishes on the pay page: {file_text}"
        );
    }
}

/// How long a sale's last update may hold up the command's exit (it would be lost with the
/// process): two updates at the display's own limit.
const DISPLAY_SETTLE: std::time::Duration = std::time::Duration::from_secs(2);

/// A failure inside (the ledger), said the one way ([`said::fail`]).
fn internal_error(error: &dyn Localized, as_json: bool) -> u8 {
    said::fail(exit::ERROR, error, as_json)
}

/// A refusal of bad input, said the one way ([`said::fail`]).
fn refuse(error: &dyn Localized, as_json: bool) -> u8 {
    said::fail(exit::BAD_INPUT, error, as_json)
}

fn print_progress(progress: &Progress, as_json: bool) {
    if as_json {
        let line = match progress {
            Progress::Recorded(order_no) => json!({"event": "recorded", "order_no": order_no}),
            Progress::Show(display) => show_json(display),
            Progress::Live(live) => {
                json!({"event": "status", "text": live.message(crate::i18n::Lang::Zh)})
            }
        };
        out!("{line}");
        return;
    }
    match progress {
        Progress::Recorded(order_no) => out!("订单号 Order: {order_no}"),
        Progress::Live(live) => out!("{}", live.message(crate::i18n::Lang::Zh)),
        Progress::Show(PayDisplay::QrCode(url) | PayDisplay::Link(url)) => {
            out!("请顾客扫码 · Customer scans: {url}");
            if let Some(qr) = terminal_qr::render(url) {
                out!("{qr}");
            }
        }
        Progress::Show(PayDisplay::Transfer(transfer)) => {
            out!("请顾客转账 · Transfer exactly {}", transfer.amount);
            for (label, value) in [
                ("收款账号 Account", &transfer.account),
                ("银行卡号 Card", &transfer.bank_card),
                ("银行 Bank", &transfer.bank_name),
                ("户名 Name", &transfer.real_name),
                ("附言 Note", &transfer.note_code),
            ] {
                if let Some(value) = value {
                    out!("  {label}: {value}");
                }
            }
        }
        // Written and opened by `show_card_page`.
        Progress::Show(PayDisplay::AwaitCustomer | PayDisplay::CardPage(_)) => {}
    }
}

fn show_json(display: &PayDisplay) -> serde_json::Value {
    match display {
        PayDisplay::QrCode(url) => json!({"event": "show", "kind": "qr", "code_url": url}),
        PayDisplay::Link(url) => json!({"event": "show", "kind": "link", "url": url}),
        PayDisplay::Transfer(t) => json!({
            "event": "show", "kind": "transfer", "amount": t.amount.yuan_text(), "account": t.account,
            "bank_card": t.bank_card, "bank_name": t.bank_name, "real_name": t.real_name, "note_code": t.note_code,
        }),
        PayDisplay::AwaitCustomer => json!({"event": "show", "kind": "await_customer"}),
        PayDisplay::CardPage(_) => json!({"event": "show", "kind": "card_page"}),
    }
}

fn result_line(order: &crate::ledger::OrderRecord) -> String {
    use crate::status::OrderStatus;
    match order.status {
        OrderStatus::Paid => format!(
            "支付成功 Paid {}  ({})",
            order.paid.unwrap_or(order.amount),
            order.order_no
        ),
        OrderStatus::Failed => format!(
            "支付失败 Failed: {}  ({})",
            order.last_error.as_deref().unwrap_or("-"),
            order.order_no
        ),
        OrderStatus::AmountMismatch => format!(
            "金额不符 Paid {} for an order of {}: 请核对  ({})",
            order.paid.unwrap_or_default(),
            order.amount,
            order.order_no
        ),
        OrderStatus::Creating | OrderStatus::Pending | OrderStatus::Unresolved => format!(
            "结果未知 Unknown: 订单已保存，将继续查询 (kept; run `cashier recover` or `cashier query {0}`)  ({0})",
            order.order_no
        ),
    }
}
