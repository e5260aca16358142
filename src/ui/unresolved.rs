//! Unresolved orders: the list, 重新查询 per order and for all, with progress and results; late
//! payments marked.

use std::collections::HashMap;

use chrono::FixedOffset;
use egui::{RichText, Ui};

use super::theme;
use crate::i18n::{Lang, Localized, tr};
use crate::ledger::OrderRecord;
use crate::payment::requery::RequeryResult;

/// The unresolved screen's state.
#[derive(Debug, Clone, Default)]
pub struct UnresolvedState {
    /// The list, oldest first.
    pub orders: Vec<OrderRecord>,
    /// Re-queries under way.
    pub in_flight: usize,
    /// The last re-query result per order, put in words when drawn.
    pub results: HashMap<String, RequeryResult>,
    /// Late payments seen since start, for marking.
    pub late: Vec<OrderRecord>,
    /// 作废's form: the order it is open for, and the reason typed.
    pub void_form: Option<(String, String)>,
    /// What the last void came to, in the cashier's words (done, or why not).
    pub void_note: Option<Result<String, String>>,
}

impl UnresolvedState {
    /// A void was kept (the list reloads by itself), or refused.
    pub fn on_voided(&mut self, voided: Result<String, crate::ui::backend::Problem>, lang: Lang) {
        self.void_note = Some(match voided {
            Ok(order_no) => {
                self.void_form = None;
                Ok(format!(
                    "{} {order_no}{}",
                    tr(lang, "已作废", "Voided"),
                    tr(
                        lang,
                        "（仍查询一天，迟到的付款照样入账并提醒）",
                        " (queried for a day more; a late payment is still recorded and announced)"
                    )
                ))
            }
            Err(problem) => Err(problem.message(lang)),
        });
    }
}

/// What the unresolved screen asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub enum UnresolvedAction {
    /// Query one order again.
    Requery(String),
    /// Query all again.
    RequeryAll,
    /// Void this order (作废), for this reason.
    Void(String, String),
}

/// Draws the unresolved screen.
pub fn unresolved_ui(
    ui: &mut Ui,
    state: &mut UnresolvedState,
    offset: FixedOffset,
    lang: Lang,
) -> Option<UnresolvedAction> {
    // The void form is the one thing the list changes: held apart while the rest is read.
    let mut form = state.void_form.take();
    let action = unresolved_contents_ui(ui, state, &mut form, offset, lang);
    state.void_form = form;
    action
}

fn unresolved_contents_ui(
    ui: &mut Ui,
    state: &UnresolvedState,
    form: &mut Option<(String, String)>,
    offset: FixedOffset,
    lang: Lang,
) -> Option<UnresolvedAction> {
    let mut action = None;
    ui.horizontal(|ui| {
        ui.heading(format!(
            "{} ({})",
            tr(lang, "未完成订单", "Unresolved orders"),
            state.orders.len()
        ));
        if ui
            .add_enabled(
                !state.orders.is_empty(),
                egui::Button::new(tr(lang, "全部重新查询", "Query all again")),
            )
            .clicked()
        {
            action = Some(UnresolvedAction::RequeryAll);
        }
        if state.in_flight > 0 {
            ui.label(RichText::new(tr(lang, "正在查询…", "Querying…")).color(theme::MUTED));
        }
    });
    if let Some(note) = &state.void_note {
        let (words, colour) = match note {
            Ok(done) => (done, theme::PAID),
            Err(why) => (why, theme::FAILED),
        };
        ui.add(egui::Label::new(RichText::new(words).color(colour)).wrap());
    }
    if state.orders.is_empty() {
        ui.label(
            RichText::new(tr(lang, "没有未完成的订单", "No unresolved orders")).color(theme::PAID),
        );
    }
    egui::ScrollArea::vertical().show(ui, |ui| {
        for order in &state.orders {
            if let Some(next) = order_ui(ui, state, form, order, offset, lang) {
                action = Some(next);
            }
            ui.separator();
        }
        if !state.late.is_empty() {
            ui.separator();
            ui.strong(tr(
                lang,
                "迟到的付款（收银员放弃等待后到账）",
                "Late payments (arrived after the cashier gave up)",
            ));
            for order in &state.late {
                ui.label(
                    RichText::new(format!(
                        "！{}  {}  {}",
                        order.order_no,
                        order.method.message(lang),
                        order.paid.unwrap_or(order.amount)
                    ))
                    .color(theme::UNKNOWN),
                );
            }
        }
    });
    action
}

/// One order: its line, then (wrapping at the window's edge, never cut) what the last re-query
/// found and why a person must check it.
fn order_ui(
    ui: &mut Ui,
    state: &UnresolvedState,
    form: &mut Option<(String, String)>,
    order: &OrderRecord,
    offset: FixedOffset,
    lang: Lang,
) -> Option<UnresolvedAction> {
    let mut action = None;
    ui.horizontal_wrapped(|ui| {
        ui.label(
            order
                .created_at
                .with_timezone(&offset)
                .format("%m-%d %H:%M:%S")
                .to_string(),
        );
        ui.label(&order.order_no);
        ui.label(order.method.message(lang));
        ui.label(order.amount.to_string());
        ui.label(
            RichText::new(order.status.message(lang)).color(theme::status_colour(order.status)),
        );
        if !order.status.is_final() && ui.button(tr(lang, "重新查询", "Query again")).clicked()
        {
            action = Some(UnresolvedAction::Requery(order.order_no.clone()));
        }
        let voidable =
            order.status != crate::status::OrderStatus::AmountMismatch && !order.status.is_final();
        let open_here = form.as_ref().is_some_and(|(no, _)| *no == order.order_no);
        if voidable && !open_here && ui.button(tr(lang, "作废…", "Void…")).clicked() {
            *form = Some((order.order_no.clone(), String::new()));
        }
    });
    let mut cancelled = false;
    if let Some((order_no, reason)) = form.as_mut().filter(|(no, _)| *no == order.order_no) {
        ui.horizontal_wrapped(|ui| {
            let label = ui.label(tr(lang, "作废原因", "Why void it"));
            ui.add(egui::TextEdit::singleline(reason).desired_width(theme::FIELD_WIDTH))
                .labelled_by(label.id);
            let why = reason.trim().to_owned();
            if ui
                .add_enabled(
                    !why.is_empty(),
                    egui::Button::new(tr(lang, "确认作废", "Void it")),
                )
                .clicked()
            {
                action = Some(UnresolvedAction::Void(order_no.clone(), why));
            }
            if ui.button(tr(lang, "取消", "Cancel")).clicked() {
                cancelled = true;
            }
        });
    }
    if cancelled {
        *form = None;
    }
    if let Some(result) = state.results.get(&order.order_no) {
        ui.add(
            egui::Label::new(RichText::new(result_words(result, offset, lang)).color(theme::MUTED))
                .wrap(),
        );
    }
    if let Some(reason) = order.open_check_reason() {
        ui.add(
            egui::Label::new(
                RichText::new(format!(
                    "！{}：{reason}",
                    tr(lang, "需人工核对", "Check by hand")
                ))
                .color(theme::FAILED),
            )
            .wrap(),
        );
    }
    action
}

/// A re-query's result in words: when it was asked, then the gateway's trouble, or what the
/// gateway said and the status move it made (an order that stays open says why: 结果未知 →
/// 结果未知 alone told a cashier nothing, issue 21).
#[must_use]
pub fn result_words(result: &RequeryResult, offset: chrono::FixedOffset, lang: Lang) -> String {
    use crate::gateway::OrderState;
    let at = result.at.with_timezone(&offset).format("%H:%M:%S");
    let said = match &result.said {
        None => result
            .error
            .as_ref()
            .map(|error| error.message(lang))
            .unwrap_or_default(),
        Some(OrderState::Waiting) => tr(
            lang,
            "支付平台答复：尚未支付",
            "The gateway says: not paid yet",
        )
        .to_owned(),
        Some(OrderState::NotFound) => tr(
            lang,
            "支付平台答复：没有此订单",
            "The gateway says: no such order",
        )
        .to_owned(),
        Some(OrderState::Failed { reason }) => format!(
            "{}{}",
            tr(
                lang,
                "支付平台答复：支付失败，",
                "The gateway says: failed, "
            ),
            crate::payment::stored_words::stored_words(reason, lang)
        ),
        Some(OrderState::Paid(paid)) => format!(
            "{} {}",
            tr(lang, "支付平台答复：已支付", "The gateway says: paid"),
            paid.amount
        ),
    };
    format!(
        "{at} {said} ({} → {})",
        result.before.message(lang),
        result.order.status.message(lang)
    )
}
