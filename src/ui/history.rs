//! The sales history: a day's totals, a 30-day chart, the day's orders (only visible rows are
//! drawn, so 10,000 stay smooth), an order's detail with its status history, and CSV export.

use chrono::FixedOffset;
use chrono::{Days, NaiveDate};
use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};
use egui_plot::{Bar, BarChart, Plot};

use super::backend::HistoryData;
use super::backend::{ExportFormat, Problem};
use super::theme;
use crate::i18n::Lang;
use crate::i18n::{Localized, tr};
use crate::ledger::{EventRecord, OrderRecord};
use crate::payment::requery::RequeryResult;

/// The history screen's state.
#[derive(Debug, Clone)]
pub struct HistoryState {
    /// The day shown.
    pub day: NaiveDate,
    /// What the worker loaded for it.
    pub data: Option<HistoryData>,
    /// The selected order and its history.
    pub detail: Option<(OrderRecord, Vec<EventRecord>)>,
    /// The last export's result, put in words when drawn.
    pub export_note: Option<Result<std::path::PathBuf, Problem>>,
    /// The zone times are shown in.
    pub offset: FixedOffset,
    /// The last 重新查询 from the detail panel, for the panel to say how it went.
    pub requery: Option<RequeryNote>,
}

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

/// What the history screen asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub enum HistoryAction {
    /// Load this day.
    Load(NaiveDate),
    /// Show this order's detail.
    Detail(String),
    /// Query this order again.
    Requery(String),
    /// Export the day as a file.
    Export(NaiveDate, ExportFormat),
}

/// Draws the history screen.
pub fn history_ui(
    ui: &mut Ui,
    state: &mut HistoryState,
    today: NaiveDate,
    lang: Lang,
) -> Option<HistoryAction> {
    let mut action = None;
    ui.horizontal(|ui| {
        if ui
            .button("◀")
            .on_hover_text(tr(lang, "前一天", "Previous day"))
            .clicked()
        {
            state.day = state
                .day
                .checked_sub_days(Days::new(1))
                .unwrap_or(state.day);
            action = Some(HistoryAction::Load(state.day));
        }
        ui.label(
            RichText::new(state.day.format("%Y-%m-%d").to_string())
                .font(theme::font(theme::LARGE_TEXT)),
        );
        if ui
            .add_enabled(state.day < today, egui::Button::new("▶"))
            .on_hover_text(tr(lang, "后一天", "Next day"))
            .clicked()
        {
            state.day = state
                .day
                .checked_add_days(Days::new(1))
                .unwrap_or(state.day);
            action = Some(HistoryAction::Load(state.day));
        }
        if ui.button(tr(lang, "今天", "Today")).clicked() {
            state.day = today;
            action = Some(HistoryAction::Load(today));
        }
        if ui.button(tr(lang, "导出 CSV", "Export CSV")).clicked() {
            action = Some(HistoryAction::Export(state.day, ExportFormat::Csv));
        }
        if ui.button(tr(lang, "导出 Excel", "Export Excel")).clicked() {
            action = Some(HistoryAction::Export(state.day, ExportFormat::Xlsx));
        }
        if let Some(note) = &state.export_note {
            let words = match note {
                Ok(path) => format!("{} {}", tr(lang, "已导出到", "Exported to"), path.display()),
                Err(error) => format!(
                    "{}：{}",
                    tr(lang, "导出失败", "Export failed"),
                    error.message(lang)
                ),
            };
            ui.label(RichText::new(words).color(theme::MUTED));
        }
    });
    // Borrowed, never cloned: a busy day holds 10,000 orders and this runs every frame.
    let state: &HistoryState = state;
    let Some(data) = state.data.as_ref().filter(|data| data.day == state.day) else {
        ui.spinner();
        return action;
    };
    totals_ui(ui, data, lang);
    chart_ui(ui, data, lang);
    ui.separator();
    egui::Panel::right("order-detail")
        .resizable(true)
        .default_size(320.0)
        .show(ui, |ui| {
            if let Some(next) = detail_ui(ui, state, lang) {
                action = Some(next);
            }
        });
    if let Some(selected) = orders_table_ui(ui, &data.orders, state, lang) {
        action = Some(HistoryAction::Detail(selected));
    }
    action
}

fn totals_ui(ui: &mut Ui, data: &HistoryData, lang: Lang) {
    let totals = &data.totals;
    ui.horizontal_wrapped(|ui| {
        ui.label(
            RichText::new(format!("{} {}", tr(lang, "实收", "Taken"), totals.paid))
                .font(theme::font(theme::LARGE_TEXT))
                .color(theme::PAID),
        );
        ui.label(format!(
            "{} {} / {} {}",
            tr(lang, "成功笔数", "Paid orders"),
            totals.paid_count,
            tr(lang, "全部", "all"),
            totals.count
        ));
        for method in &totals.by_method {
            ui.separator();
            ui.label(format!(
                "{} {} {} · {}",
                method.method.message(lang),
                method.paid_count,
                tr(lang, "笔", ""),
                method.paid
            ));
        }
    });
}

fn chart_ui(ui: &mut Ui, data: &HistoryData, lang: Lang) {
    let bars: Vec<Bar> = data
        .chart
        .iter()
        .enumerate()
        .map(|(index, day)| {
            // The chart's height is display only; the money shown in text stays exact.
            #[allow(clippy::cast_precision_loss)]
            let yuan = day.paid.li() as f64 / 1000.0;
            #[allow(clippy::cast_precision_loss)]
            let x = index as f64;
            Bar::new(x, yuan)
                .name(format!("{} {}", day.day.format("%m-%d"), day.paid))
                .fill(theme::CHART_BAR)
        })
        .collect();
    let labels: Vec<String> = data
        .chart
        .iter()
        .map(|day| day.day.format("%m-%d").to_string())
        .collect();
    Plot::new("daily-totals")
        .height(140.0)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .show_grid(false)
        .x_axis_formatter(move |mark, _range| {
            let index = mark.value.round();
            if (mark.value - index).abs() > f64::EPSILON || index < 0.0 {
                return String::new();
            }
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            labels.get(index as usize).cloned().unwrap_or_default()
        })
        .show(ui, |plot| {
            plot.bar_chart(BarChart::new(
                tr(lang, "近30天实收（元）", "Taken, last 30 days (yuan)"),
                bars,
            ));
        });
}

/// The day's orders; returns the order clicked.
fn orders_table_ui(
    ui: &mut Ui,
    orders: &[OrderRecord],
    state: &HistoryState,
    lang: Lang,
) -> Option<String> {
    let mut clicked = None;
    let selected = state
        .detail
        .as_ref()
        .map(|(order, _)| order.order_no.clone());
    // Labels that select text would take the click from the row: a click anywhere on a row,
    // its text included, selects it.
    ui.style_mut().interaction.selectable_labels = false;
    TableBuilder::new(ui)
        .striped(true)
        .sense(egui::Sense::click())
        .column(Column::exact(80.0))
        .column(Column::exact(230.0))
        .column(Column::exact(130.0))
        .column(Column::exact(100.0))
        .column(Column::remainder())
        .header(theme::ROW_HEIGHT, |mut header| {
            for title in [
                tr(lang, "时间", "Time"),
                tr(lang, "订单号", "Order"),
                tr(lang, "支付方式", "Method"),
                tr(lang, "金额", "Amount"),
                tr(lang, "状态", "Status"),
            ] {
                header.col(|ui| {
                    ui.strong(title);
                });
            }
        })
        .body(|body| {
            body.rows(theme::ROW_HEIGHT, orders.len(), |mut row| {
                let Some(order) = orders.get(row.index()) else {
                    return;
                };
                row.set_selected(selected.as_deref() == Some(order.order_no.as_str()));
                row.col(|ui| {
                    ui.label(
                        order
                            .created_at
                            .with_timezone(&state.offset)
                            .format("%H:%M:%S")
                            .to_string(),
                    );
                });
                row.col(|ui| {
                    ui.label(&order.order_no);
                });
                row.col(|ui| {
                    ui.label(order.method.message(lang));
                });
                row.col(|ui| {
                    ui.label(order.amount.to_string());
                });
                row.col(|ui| {
                    let late = if order.late {
                        tr(lang, " ！迟到付款", " !late")
                    } else if order.open_check_reason().is_some() {
                        tr(lang, " ！需核对", " !check")
                    } else {
                        ""
                    };
                    ui.label(
                        RichText::new(format!("{}{late}", order.status.message(lang)))
                            .color(theme::status_colour(order.status)),
                    );
                });
                if row.response().clicked() {
                    clicked = Some(order.order_no.clone());
                }
            });
        });
    clicked
}

/// The selected order: its record, its status history and 重新查询, scrolling when taller than
/// the window.
fn detail_ui(ui: &mut Ui, state: &HistoryState, lang: Lang) -> Option<HistoryAction> {
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| detail_contents_ui(ui, state, lang))
        .inner
}

fn detail_contents_ui(ui: &mut Ui, state: &HistoryState, lang: Lang) -> Option<HistoryAction> {
    let Some((order, events)) = &state.detail else {
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
    ui.heading(order.order_no.as_str());
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
    let note = state
        .requery
        .as_ref()
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
        action = Some(HistoryAction::Requery(order.order_no.clone()));
    }
    match note {
        Some(RequeryNote::Querying(_)) => {
            ui.label(RichText::new(tr(lang, "正在查询…", "Querying…")).color(theme::MUTED));
        }
        Some(RequeryNote::Done(result)) => {
            ui.label(
                RichText::new(format!(
                    "{}：{}",
                    tr(lang, "查询结果", "Result"),
                    super::unresolved::result_words(result, lang)
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
                tr(lang, "付款码", "Pay code"),
                order.auth_code_masked.clone().unwrap_or_default(),
            ),
            (
                tr(lang, "最后错误", "Last error"),
                order.last_error.clone().unwrap_or_default(),
            ),
        ];
        for (label, value) in rows {
            ui.label(label);
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
            ui.label(RichText::new(detail).color(theme::MUTED));
        }
    }
    action
}
