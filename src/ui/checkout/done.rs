//! The result: 支付成功 green, 支付失败 with the reason red, 结果未知 amber. Enter or Esc (after a
//! short guard, so a double Enter never skips it) starts the next sale; so does typing its amount.

use egui::{Align, Key, Layout, RichText, Ui};

use super::{Action, CheckoutInfo, CheckoutState, RESULT_GUARD, consume};
use crate::gateway::MethodKind;
use crate::i18n::{Lang, Localized, tr};
use crate::ledger::OrderRecord;
use crate::status::OrderStatus;
use crate::ui::theme;

pub(super) fn done_ui(
    ui: &mut Ui,
    state: &mut CheckoutState,
    order: &OrderRecord,
    since: Option<f64>,
    info: &CheckoutInfo,
    lang: Lang,
) -> Option<Action> {
    // A digit typed here starts the next sale: a fast cashier does not wait for Enter. The
    // frame's keys go to the new sale's amount entry as they came (with their time), so a
    // scanner's burst landing here is still read as one code, never its first digit as an amount
    // and the rest as a mangled code (issue 21: ¥1.00 charged to `30000000000000001`).
    let typed: String = ui.input(|input| {
        input
            .events
            .iter()
            .filter_map(|event| match event {
                egui::Event::Text(text) => Some(text.as_str()),
                _ => None,
            })
            .collect()
    });
    if typed
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || c == '.' || c.is_numeric())
    {
        state.start_sale("");
        return super::entering::entering_ui(ui, state, info, lang);
    }
    // The guard counts from the frame that first showed the result, in egui's input time (so
    // tests step frames instead of sleeping, and a slow frame cannot shorten it).
    let now = ui.input(|input| input.time);
    let since = since.unwrap_or_else(|| {
        if let super::Phase::Done(_, shown_at) = &mut state.phase {
            *shown_at = Some(now);
        }
        now
    });
    let left = RESULT_GUARD.as_secs_f64() - (now - since);
    let ready = left <= 0.0;
    let next = consume(ui, Key::Enter) | consume(ui, Key::Escape);
    let mut action = None;
    let printable = info.has_printer && order.status == OrderStatus::Paid;
    if consume(ui, Key::F9) && printable {
        action = Some(Action::Print(order.order_no.clone()));
    }
    if !ready {
        ui.ctx()
            .request_repaint_after(std::time::Duration::from_secs_f64(left.max(0.0)));
    }
    let (headline, detail) = result_text(order, lang);
    ui.add_space(theme::GAP * 2.0);
    ui.with_layout(Layout::top_down(Align::Center), |ui| {
        ui.label(
            RichText::new(headline)
                .font(theme::font(theme::HUGE_TEXT))
                .color(theme::status_colour(order.status))
                .strong(),
        );
        if let Some(detail) = detail {
            ui.label(RichText::new(detail).font(theme::font(theme::LARGE_TEXT)));
        }
        change_ui(ui, order, lang);
        ui.label(format!(
            "{} · {}",
            order.method.message(lang),
            order.order_no
        ));
        if let Some(by_scanner) = state
            .last_scan_by_scanner
            .filter(|_| order.method.kind() == MethodKind::Barcode)
        {
            ui.label(
                RichText::new(if by_scanner {
                    tr(lang, "扫码枪输入", "Scanned")
                } else {
                    tr(lang, "手动输入", "Typed by hand")
                })
                .color(theme::MUTED),
            );
        }
        if printable {
            if info.printed.as_deref() == Some(order.order_no.as_str()) {
                ui.label(
                    RichText::new(tr(lang, "小票已打印", "Receipt printed")).color(theme::MUTED),
                );
            }
            if ui
                .add(theme::touch_button(tr(
                    lang,
                    "打印小票 (F9)",
                    "Print receipt (F9)",
                )))
                .clicked()
            {
                action = Some(Action::Print(order.order_no.clone()));
            }
        }
        ui.add_space(theme::GAP);
        let clicked = ui
            .add(theme::touch_button(
                RichText::new(tr(lang, "新的收款 (Enter)", "New sale (Enter)"))
                    .font(theme::font(theme::LARGE_TEXT)),
            ))
            .clicked();
        if clicked || (next && ready) {
            state.start_sale("");
        }
    });
    action
}

/// A cash sale's 实收 and 找零, the change large: the cashier counts it out from this.
fn change_ui(ui: &mut Ui, order: &OrderRecord, lang: Lang) {
    if let (Some(tendered), Some(change)) = (order.tendered, order.change()) {
        ui.label(
            RichText::new(format!(
                "{} {tendered}",
                tr(lang, "实收现金", "Handed over")
            ))
            .font(theme::font(theme::LARGE_TEXT)),
        );
        ui.label(
            RichText::new(format!("{} {change}", tr(lang, "找零", "Change")))
                .font(theme::font(theme::HUGE_TEXT))
                .color(theme::PAID)
                .strong(),
        );
    }
}

fn result_text(order: &OrderRecord, lang: Lang) -> (String, Option<String>) {
    let paid = order.paid.unwrap_or(order.amount);
    match order.status {
        OrderStatus::Paid => (format!("{} {paid}", tr(lang, "支付成功", "Paid")), None),
        OrderStatus::Failed => (
            format!(
                "{} {}",
                tr(lang, "支付失败", "Payment failed"),
                order.amount
            ),
            Some(
                order
                    .last_error
                    .as_deref()
                    .map(|stored| crate::payment::stored_words::stored_words(stored, lang))
                    .unwrap_or_default(),
            ),
        ),
        OrderStatus::AmountMismatch => (
            format!(
                "{} {paid}",
                tr(lang, "金额不符：实付", "Amount differs: paid")
            ),
            Some(format!(
                "{} {}，{}",
                tr(lang, "订单金额", "asked"),
                order.amount,
                tr(lang, "请核对", "please check")
            )),
        ),
        OrderStatus::Creating | OrderStatus::Pending | OrderStatus::Unresolved => (
            format!(
                "{} {}",
                tr(lang, "结果未知", "Result unknown"),
                order.amount
            ),
            Some(
                tr(
                    lang,
                    "订单已保存，将在后台继续查询；可在“未完成订单”中重新查询",
                    "The order is kept and queried again in the background; see Unresolved",
                )
                .to_owned(),
            ),
        ),
    }
}
