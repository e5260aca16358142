//! A payment under way: the QR (or transfer instructions), the amount and method, the wait in
//! words and its countdown. Nothing animates: the screen repaints on the worker's events and once
//! a second for the countdown, so a wait costs almost no CPU on a fanless till.

use egui::{RichText, Ui};

use super::{Action, CheckoutInfo, CheckoutState, Paying, Phase, consume, countdown_text};
use crate::gateway::PayDisplay;
use crate::i18n::{Lang, Localized, tr};
use crate::payment::state_machine::LiveStatus;
use crate::ui::qr::QrCache;
use crate::ui::theme;

pub(super) fn paying_ui(
    ui: &mut Ui,
    state: &mut CheckoutState,
    paying: &Paying,
    info: &CheckoutInfo,
    lang: Lang,
    qr: &mut QrCache,
) -> Option<Action> {
    let mut action = None;
    let qr_url = match &paying.display {
        Some(PayDisplay::QrCode(url) | PayDisplay::Link(url)) => Some(url.clone()),
        _ => None,
    };
    if qr_url.is_some() {
        action = code_offered(ui, state, paying, info);
    }
    consume(ui, egui::Key::Enter);
    let cancel = consume(ui, egui::Key::Escape);
    // The QR grows with the window (a customer scans from a distance), and the whole row is
    // centred.
    let side = (ui.available_height() - 2.0 * theme::GAP)
        .min(ui.available_width() - theme::PAYING_INFO_WIDTH - theme::GAP)
        .max(theme::QR_MIN_SIDE);
    let row_width = if qr_url.is_some() {
        side + theme::GAP + theme::PAYING_INFO_WIDTH
    } else {
        theme::PAYING_INFO_WIDTH
    };
    let margin = ((ui.available_width() - row_width) / 2.0).max(0.0);
    ui.horizontal_top(|ui| {
        ui.add_space(margin);
        if let Some(url) = &qr_url
            && let Some(texture) = qr.texture(ui.ctx(), url)
        {
            ui.add(
                egui::Image::new(texture)
                    .fit_to_exact_size(egui::vec2(side, side))
                    .alt_text(tr(lang, "付款二维码", "Payment QR")),
            );
        }
        ui.vertical(|ui| {
            ui.set_max_width(theme::PAYING_INFO_WIDTH);
            ui.label(RichText::new(paying.amount.to_string()).font(theme::font(theme::HUGE_TEXT)));
            ui.label(RichText::new(paying.choice.label(lang)).font(theme::font(theme::LARGE_TEXT)));
            match &paying.display {
                Some(PayDisplay::Transfer(transfer)) => transfer_ui(ui, transfer, lang),
                Some(PayDisplay::CardPage(html)) => {
                    action = card_page_ui(ui, paying, html, info, lang);
                }
                _ => {}
            }
            ui.add_space(theme::GAP);
            let colour = if paying.live == LiveStatus::Confirming {
                theme::UNKNOWN
            } else {
                ui.visuals().text_color()
            };
            ui.label(
                RichText::new(paying.live.message(lang))
                    .font(theme::font(theme::LARGE_TEXT))
                    .color(colour),
            );
            countdown_ui(ui, paying, qr_url.is_some(), lang);
            details_ui(ui, paying, lang);
            ui.add_space(theme::GAP);
            if ui
                .add(theme::touch_button(tr(
                    lang,
                    "停止等待 (Esc)",
                    "Stop waiting (Esc)",
                )))
                .clicked()
                || cancel
            {
                action = Some(Action::Cancel);
            }
            if info.is_sandbox
                && let Some(url) = &qr_url
                && simulate_button_ui(ui, lang)
            {
                action = Some(Action::SimulatePay(url.clone()));
            }
        });
    });
    if let Some(Action::Replace(code)) = &action
        && let Phase::Paying(paying) = &mut state.phase
    {
        paying.replaced_by = Some(code.clone());
        paying.cancel_sent = true;
    }
    if action == Some(Action::Cancel)
        && let Phase::Paying(paying) = &mut state.phase
    {
        // Esc pressed again while the first cancel is on its way changes nothing.
        if paying.cancel_sent {
            return None;
        }
        paying.cancel_sent = true;
    }
    action
}

/// The time left to pay, a second at a time.
fn countdown_ui(ui: &mut Ui, paying: &Paying, qr_shown: bool, lang: Lang) {
    if let Some(expires_at) = paying.expires_at {
        let words = if qr_shown {
            tr(lang, "二维码有效期", "QR expires in")
        } else {
            tr(lang, "等待时间剩余", "Time left")
        };
        ui.label(format!("{words} {}", countdown_text(ui, expires_at)));
    }
}

/// The order's number, the payer, and a pay code taking the QR's place.
fn details_ui(ui: &mut Ui, paying: &Paying, lang: Lang) {
    if let Some(order_no) = &paying.order_no {
        ui.label(
            RichText::new(format!("{} {order_no}", tr(lang, "订单号", "Order")))
                .color(theme::MUTED),
        );
    }
    if paying.replaced_by.is_some() {
        ui.label(
            RichText::new(tr(
                lang,
                "顾客改用付款码，正在切换…",
                "The customer offers a pay code; switching…",
            ))
            .color(theme::UNKNOWN),
        );
    }
    if let Some(payer) = &paying.payer {
        ui.label(
            RichText::new(format!("{} {payer}", tr(lang, "付款人", "Payer"))).color(theme::MUTED),
        );
    }
}

/// A customer who offers a pay code instead of scanning the QR: the scanner's burst charges the
/// same amount by bar-code pay (issue 21; before, the scan was ignored and the cashier had to Esc
/// and type it all again). Only where the gateway has bar-code pay, and once.
fn code_offered(
    ui: &Ui,
    state: &mut CheckoutState,
    paying: &Paying,
    info: &CheckoutInfo,
) -> Option<Action> {
    use crate::ui::amount_entry::Submit;
    if !info.choices.contains(&super::Choice::Barcode)
        || paying.replaced_by.is_some()
        || paying.cancel_sent
    {
        return None;
    }
    let (events, now) = ui.input(|input| (input.events.clone(), input.time));
    match state.code_during_wait.on_events(&events, now)? {
        Submit::ChargeWithCode(raw) => {
            state.code_during_wait.clear();
            let code = crate::gateway::barcode::normalise_code(&raw);
            crate::gateway::barcode::detect_wallet(&code)
                .is_ok()
                .then_some(Action::Replace(code))
        }
        Submit::Charge => {
            state.code_during_wait.clear();
            None
        }
    }
}

/// Quick pay: the page is in the browser; it can be opened again, and on the sandbox paid.
fn card_page_ui(
    ui: &mut Ui,
    paying: &Paying,
    html: &str,
    info: &CheckoutInfo,
    lang: Lang,
) -> Option<Action> {
    ui.label(
        RichText::new(tr(
            lang,
            "支付页面已在浏览器打开，请顾客完成银行卡验证",
            "The pay page is open in the browser: the customer finishes with their bank",
        ))
        .font(theme::font(theme::LARGE_TEXT))
        .color(theme::UNKNOWN),
    );
    let order_no = paying.order_no.as_ref()?;
    if ui
        .add(theme::touch_button(tr(
            lang,
            "重新打开支付页面",
            "Open the pay page again",
        )))
        .clicked()
    {
        return Some(Action::ReopenCardPage(order_no.clone(), html.to_owned()));
    }
    if info.is_sandbox
        && let Some(link) = crate::app::card_page::first_link(html)
        && simulate_button_ui(ui, lang)
    {
        return Some(Action::SimulatePay(link));
    }
    None
}

/// The sandbox's 模拟顾客付款: whether it was clicked.
fn simulate_button_ui(ui: &mut Ui, lang: Lang) -> bool {
    ui.add(theme::touch_button(tr(
        lang,
        "模拟顾客付款",
        "Simulate customer payment",
    )))
    .clicked()
}

fn transfer_ui(ui: &mut Ui, transfer: &crate::gateway::TransferInstructions, lang: Lang) {
    ui.label(
        RichText::new(format!(
            "{} {}",
            tr(lang, "请转账", "Transfer exactly"),
            transfer.amount
        ))
        .font(theme::font(theme::LARGE_TEXT))
        .color(theme::UNKNOWN),
    );
    egui::Grid::new("transfer").num_columns(2).show(ui, |ui| {
        for (label, value) in [
            (tr(lang, "收款账号", "Account"), &transfer.account),
            (tr(lang, "银行卡号", "Card"), &transfer.bank_card),
            (tr(lang, "开户银行", "Bank"), &transfer.bank_name),
            (tr(lang, "户名", "Name"), &transfer.real_name),
            (
                tr(lang, "附言（必填）", "Note (required)"),
                &transfer.note_code,
            ),
        ] {
            if let Some(value) = value {
                ui.label(label);
                ui.label(RichText::new(value).font(theme::font(theme::LARGE_TEXT)));
                ui.end_row();
            }
        }
    });
}
