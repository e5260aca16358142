//! The day on the history screen: its totals, the 30-day chart, and the orders table (only the
//! visible rows are drawn, so 10,000 stay smooth).

use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};
use egui_plot::{Bar, BarChart, Plot};

use super::HistoryState;
use crate::i18n::Lang;
use crate::i18n::{Localized, tr};
use crate::ledger::OrderRecord;
use crate::ui::backend::HistoryData;
use crate::ui::theme;

pub(super) fn totals_ui(ui: &mut Ui, data: &HistoryData, lang: Lang) {
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
            // One method's total moves to the next line whole, never broken inside a word.
            ui.add(
                egui::Label::new(format!(
                    "{} {}{} · {}",
                    method.method.message(lang),
                    method.paid_count,
                    tr(lang, " 笔", ""),
                    method.paid
                ))
                .wrap_mode(egui::TextWrapMode::Extend),
            );
        }
        if !data.refunds.is_empty() {
            let refunded: i64 = data.refunds.iter().map(|refund| refund.amount.li()).sum();
            ui.separator();
            ui.label(
                RichText::new(format!(
                    "{} {}{} · -{}",
                    tr(lang, "退款", "Refunds"),
                    data.refunds.len(),
                    tr(lang, " 笔", ""),
                    crate::money::Money::from_li(refunded)
                ))
                .color(theme::FAILED),
            );
        }
    });
    for row in &totals.unreadable {
        ui.label(RichText::new(row.message(lang)).color(theme::FAILED));
    }
    if data.by_till.is_empty() {
        return;
    }
    ui.horizontal_wrapped(|ui| {
        for till in &data.by_till {
            ui.add(
                egui::Label::new(format!(
                    "{} {}: {} / {}{} · {}",
                    tr(lang, "收银台", "Till"),
                    till.till_id,
                    till.paid_count,
                    till.count,
                    tr(lang, " 笔", ""),
                    till.paid
                ))
                .wrap_mode(egui::TextWrapMode::Extend),
            );
            ui.separator();
        }
    });
}

pub(super) fn chart_ui(ui: &mut Ui, data: &HistoryData, lang: Lang) {
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
    // The chart says what it shows, and its axis starts at ¥0: an empty month drew −10…10.
    ui.label(
        RichText::new(tr(lang, "近 30 天实收（元）", "Taken, last 30 days (yuan)"))
            .color(theme::MUTED),
    );
    let highest = bars.iter().map(|bar| bar.value).fold(0.0_f64, f64::max);
    Plot::new("daily-totals")
        .height(theme::CHART_HEIGHT)
        .include_y(0.0)
        .include_y(if highest > 0.0 { highest * 1.1 } else { 10.0 }) // not a size: yuan
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

/// `text` whole when it fits the cell, else its end after "…": order numbers of one day differ
/// at the end (the install and the sequence), so a narrow window shows `…K7QX2M0003`, not
/// `T0120261…`, which is the same on every row.
pub(super) fn tail_that_fits(ui: &Ui, text: &str) -> String {
    let width = ui.available_width();
    let font = egui::TextStyle::Body.resolve(ui.style());
    let fits = |candidate: &str| {
        ui.fonts_mut(|fonts| {
            fonts
                .layout_no_wrap(candidate.to_owned(), font.clone(), egui::Color32::WHITE)
                .size()
                .x
        }) <= width
    };
    if fits(text) {
        return text.to_owned();
    }
    let chars: Vec<char> = text.chars().collect();
    (1..chars.len())
        .map(|start| format!("…{}", chars[start..].iter().collect::<String>()))
        .find(|candidate| fits(candidate))
        .unwrap_or_else(|| text.to_owned())
}

/// The day's orders; returns the order clicked.
pub(super) fn orders_table_ui(
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
    // its text included, selects it. A cell too narrow for its text cuts it with "…", never
    // wraps it into a tall row or runs into the detail panel.
    ui.style_mut().interaction.selectable_labels = false;
    ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
    let spacing = ui.spacing().item_spacing.x * 5.0;
    let rest =
        (ui.available_width() - theme::TIME_COLUMN_WIDTH - theme::AMOUNT_COLUMN_WIDTH - spacing)
            .max(theme::TEXT_COLUMNS_MIN_WIDTH);
    TableBuilder::new(ui)
        .striped(true)
        .sense(egui::Sense::click())
        .column(Column::exact(theme::TIME_COLUMN_WIDTH))
        // An order number is 32 characters at most: it takes the larger share.
        .column(Column::exact(rest * 0.47).clip(true))
        .column(Column::exact(rest * 0.25).clip(true))
        .column(Column::exact(theme::AMOUNT_COLUMN_WIDTH).clip(true))
        .column(Column::remainder().clip(true))
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
                    let shown = tail_that_fits(ui, &order.order_no);
                    ui.label(shown).on_hover_text(&order.order_no);
                });
                row.col(|ui| {
                    ui.label(order.method.message(lang));
                });
                row.col(|ui| {
                    ui.label(order.amount.to_string());
                });
                row.col(|ui| {
                    let late = if order.late {
                        tr(lang, " ！迟到", " !late")
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
