//! The history screen's detail panel: the selected order's record, 重新查询 and what it found,
//! and the order's status history, scrolling when taller than the window.

use egui::{RichText, Ui};

use chrono::FixedOffset;

use super::theme;
use crate::i18n::{Lang, Localized, tr};
use crate::ledger::{EventRecord, OrderRecord};
use crate::payment::requery::RequeryResult;

/// A 重新查询 asked from the detail panel.
#[derive(Debug, Clone)]
pub enum RequeryNote {
    /// Sent for this order; no answer yet.
    Querying(String),
    /// Its result.
    Done(Box<RequeryResult>),
    /// The order belongs to another merchant configuration: it was not queried.
    NotQueried(String),
}

impl RequeryNote {
    fn order_no(&self) -> &str {
        match self {
            RequeryNote::Querying(order_no) | RequeryNote::NotQueried(order_no) => order_no,
            RequeryNote::Done(result) => &result.order.order_no,
        }
    }
}

/// What the panel shows: handed in by the screen that holds it (history), so this file names
/// no screen.
#[derive(Debug, Clone, Copy)]
pub(super) struct DetailView<'a> {
    /// The selected order and its status history, if one is selected.
    pub detail: Option<&'a (OrderRecord, Vec<EventRecord>)>,
    /// The last 重新查询 asked from the panel.
    pub requery: Option<&'a RequeryNote>,
    /// The zone times are shown in.
    pub offset: FixedOffset,
    /// Whether a paid order's slip can be printed from here (this till's own ledger: a store
    /// row may be another till's sale); refunds are made here under the same condition.
    pub printable: bool,
    /// The selected order's refunds.
    pub refunds: &'a [crate::ledger::Refund],
}

/// What the panel asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum DetailAction {
    /// Query this order again.
    Requery(String),
    /// Print this order's receipt again (重打小票).
    Print(String),
    /// Record this refund (退款).
    Refund(crate::app::refunds::RefundRequest),
}

/// The selected order: its record, its status history and 重新查询, scrolling when taller than
/// the window.
pub(super) fn detail_ui(
    ui: &mut Ui,
    state: DetailView<'_>,
    refund: &mut super::refund_form::RefundForm,
    lang: Lang,
) -> Option<DetailAction> {
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| detail_contents_ui(ui, state, refund, lang))
        .inner
}

fn detail_contents_ui(
    ui: &mut Ui,
    state: DetailView<'_>,
    refund: &mut super::refund_form::RefundForm,
    lang: Lang,
) -> Option<DetailAction> {
    let Some((order, events)) = state.detail else {
        ui.label(
            RichText::new(tr(
                lang,
                "点击订单查看详情",
                "Click an order for its details",
            ))
            .color(theme::MUTED),
        );
        return None;
    };
    // The panel keeps the width it was given: long texts wrap inside it instead of widening it.
    ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Wrap);
    ui.label(RichText::new(order.order_no.as_str()).strong());
    if let Some(reason) = order.open_check_reason() {
        ui.label(
            RichText::new(format!(
                "！{}：{reason}",
                tr(lang, "需人工核对", "Check by hand")
            ))
            .color(theme::FAILED),
        );
    }
    // The action first, where it is seen without scrolling; the record and history below.
    let mut action = requery_ui(ui, state, order, lang);
    if order.status == crate::status::OrderStatus::Paid
        && state.printable
        && ui.button(tr(lang, "重打小票", "Reprint receipt")).clicked()
    {
        action = Some(DetailAction::Print(order.order_no.clone()));
    }
    if order.status == crate::status::OrderStatus::Paid
        && state.printable
        && let Some(request) = super::refund_form::refund_ui(ui, refund, order, state.refunds, lang)
    {
        action = Some(DetailAction::Refund(request));
    }
    super::refund_form::refunds_ui(ui, state.refunds, state.offset, lang);
    ui.separator();
    egui::Grid::new("detail").num_columns(2).show(ui, |ui| {
        let paid = order
            .paid
            .map_or_else(|| "-".to_owned(), |paid| paid.to_string());
        let rows = [
            (tr(lang, "状态", "Status"), order.status.message(lang)),
            (tr(lang, "金额", "Amount"), order.amount.to_string()),
            (tr(lang, "实付", "Paid"), paid),
            (tr(lang, "支付方式", "Method"), order.method.message(lang)),
            (
                tr(lang, "平台单号", "Gateway no."),
                order.gateway_order_no.clone().unwrap_or_default(),
            ),
            (
                if order.method.needs_payer() {
                    tr(lang, "付款人", "Payer")
                } else if order.method.card_type().is_some() {
                    tr(lang, "持卡人", "Card holder")
                } else {
                    tr(lang, "付款码", "Pay code")
                },
                order.auth_code_masked.clone().unwrap_or_default(),
            ),
            (
                tr(lang, "最后错误", "Last error"),
                order
                    .last_error
                    .as_deref()
                    .map(|stored| crate::payment::stored_words::stored_words(stored, lang))
                    .unwrap_or_default(),
            ),
        ];
        for (label, value) in rows {
            ui.add(egui::Label::new(label).wrap_mode(egui::TextWrapMode::Extend));
            ui.label(value);
            ui.end_row();
        }
    });
    ui.separator();
    ui.strong(tr(lang, "状态记录", "Status history"));
    for event in events {
        ui.label(format!(
            "{}  {} → {}  [{}]",
            event.at.with_timezone(&state.offset).format("%H:%M:%S"),
            event
                .from
                .map_or_else(|| "-".to_owned(), |s| s.message(lang)),
            event.to.message(lang),
            event.source
        ));
        if let Some(detail) = &event.detail {
            let detail = crate::payment::stored_words::stored_words(detail, lang);
            ui.label(RichText::new(detail).color(theme::MUTED));
        }
    }
    action
}

/// 重新查询 for `order`, and how the last one went.
fn requery_ui(
    ui: &mut Ui,
    state: DetailView<'_>,
    order: &OrderRecord,
    lang: Lang,
) -> Option<DetailAction> {
    let note = state
        .requery
        .filter(|note| note.order_no() == order.order_no);
    let querying = matches!(note, Some(RequeryNote::Querying(_)));
    let mut action = None;
    if !order.status.is_final()
        && ui
            .add_enabled(
                !querying,
                egui::Button::new(tr(lang, "重新查询", "Query again")),
            )
            .clicked()
    {
        action = Some(DetailAction::Requery(order.order_no.clone()));
    }
    match note {
        Some(RequeryNote::Querying(_)) => {
            ui.label(RichText::new(tr(lang, "正在查询…", "Querying…")).color(theme::MUTED));
        }
        Some(RequeryNote::Done(result)) => {
            ui.label(
                RichText::new(format!(
                    "{}{}",
                    tr(lang, "查询结果：", "Result: "),
                    super::unresolved::result_words(result, state.offset, lang)
                ))
                .color(theme::status_colour(result.order.status)),
            );
        }
        Some(RequeryNote::NotQueried(_)) => {
            ui.label(
                RichText::new(tr(
                    lang,
                    "此订单属于其他商户设置，当前设置无法查询",
                    "This order belongs to another merchant setting: it cannot be queried now",
                ))
                .color(theme::UNKNOWN),
            );
        }
        None => {}
    }
    action
}
