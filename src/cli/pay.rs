//! `cashier pay`: takes a payment and waits as the window would.

use serde_json::json;
use tokio::sync::{mpsc, watch};

use super::said::{self, Said};
use super::{exit, exit_for, json, terminal_qr};
use crate::app::pole_display::PoleDisplay;
use crate::app::setup::Setup;
use crate::gateway::{PayDisplay, PayMethod};
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
    /// `--description`.
    pub description: String,
}

/// Runs the payment and returns the exit status.
pub async fn run(setup: &Setup, sale: Sale, as_json: bool, spool: &std::path::Path) -> u8 {
    let Sale {
        method,
        amount,
        auth_code,
        payer,
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
    let payer = match payer {
        Some((name, account)) => {
            match crate::gateway::changpay::Payer::checked(method, &name, &account) {
                Ok(payer) => Some(payer),
                Err(error) => return refuse(&error, as_json),
            }
        }
        None => None,
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
    };
    let (progress_tx, mut progress_rx) = mpsc::channel(16);
    let (cancel_tx, cancel_rx) = watch::channel(false);
    let store_push = super::store_cmd::PushOnShow::new(setup);
    let printer = tokio::spawn(async move {
        while let Some(progress) = progress_rx.recv().await {
            if matches!(progress, Progress::Show(_)) {
                // In the store before the customer pays, so its notification finds the order.
                store_push.push();
            }
            print_progress(&progress, as_json);
        }
    });
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
    let _ = printer.await;
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
            super::shift_cmd::auto_print(setup, order, spool).await;
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
        Progress::Show(PayDisplay::AwaitCustomer) => {}
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
