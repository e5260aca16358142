//! The sales history: a day's totals, a 30-day chart, the day's orders (only visible rows are
//! drawn, so 10,000 stay smooth), an order's detail with its status history, and CSV export.

use chrono::FixedOffset;
use chrono::{Days, NaiveDate};
use egui::{RichText, Ui};

mod day_view;

use super::backend::{ExportFormat, Problem};
use super::backend::{HistoryData, HistoryScope};
use super::order_detail::{DetailAction, DetailView, RequeryNote, detail_ui};
use super::theme;
use crate::i18n::Lang;
use crate::i18n::{Localized, tr};
use crate::ledger::{EventRecord, OrderRecord};
use day_view::{chart_ui, orders_table_ui, totals_ui};

/// The history screen's state.
#[derive(Debug, Clone)]
pub struct HistoryState {
    /// The day shown.
    pub day: NaiveDate,
    /// What the worker loaded for it.
    pub data: Option<HistoryData>,
    /// The selected order and its history.
    pub detail: Option<(OrderRecord, Vec<EventRecord>)>,
    /// The selected order's refunds.
    pub refunds: Vec<crate::ledger::Refund>,
    /// 退款's form in the detail panel.
    pub refund_form: crate::ui::refund_form::RefundForm,
    /// The last export's result, put in words when drawn.
    pub export_note: Option<Result<std::path::PathBuf, Problem>>,
    /// The zone times are shown in.
    pub offset: FixedOffset,
    /// The last 重新查询 from the detail panel, for the panel to say how it went.
    pub requery: Option<RequeryNote>,
    /// Whose sales are shown.
    pub scope: HistoryScope,
    /// Whether a store is configured (then the scope can be chosen).
    pub has_store: bool,
    /// The tills the store has shown, for choosing one.
    pub tills: Vec<String>,
    /// Which days 导出 writes, around the day shown.
    pub export_span: ExportSpan,
    /// The date that was today when the screen last looked: a day shown because it was today
    /// moves on at midnight (a till left open overnight showed yesterday and exported its file).
    pub today_seen: NaiveDate,
}

impl HistoryState {
    /// Moves the day shown to `today` if it showed the day that was today until now; whether it
    /// moved (the new day is then to be loaded).
    pub fn follow_today(&mut self, today: NaiveDate) -> bool {
        let moved = today != self.today_seen && self.day == self.today_seen;
        if moved {
            self.day = today;
        }
        self.today_seen = today;
        moved
    }
}

/// Which days an export covers, chosen beside 导出: an accountant wants a week or a month in one
/// file, not a file a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExportSpan {
    /// The day shown.
    #[default]
    Day,
    /// The seven days ending with the day shown.
    Week,
    /// The month of the day shown, up to today.
    Month,
    /// The month before the day shown's.
    LastMonth,
}

impl ExportSpan {
    const ALL: [ExportSpan; 4] = [
        ExportSpan::Day,
        ExportSpan::Week,
        ExportSpan::Month,
        ExportSpan::LastMonth,
    ];

    fn words(self, lang: Lang) -> &'static str {
        match self {
            ExportSpan::Day => tr(lang, "当天", "The day"),
            ExportSpan::Week => tr(lang, "近 7 天", "7 days"),
            ExportSpan::Month => tr(lang, "当月", "The month"),
            ExportSpan::LastMonth => tr(lang, "上月", "The month before"),
        }
    }

    /// The first and last day it covers, for `day` shown when it is `today`.
    #[must_use]
    pub fn days(self, day: NaiveDate, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        use chrono::Datelike;
        let first_of = |date: NaiveDate| date.with_day(1).unwrap_or(date);
        match self {
            ExportSpan::Day => (day, day),
            ExportSpan::Week => (day.checked_sub_days(Days::new(6)).unwrap_or(day), day),
            ExportSpan::Month => {
                let first = first_of(day);
                let last = first
                    .checked_add_months(chrono::Months::new(1))
                    .and_then(|next| next.pred_opt())
                    .unwrap_or(day);
                (first, last.min(today.max(day)))
            }
            ExportSpan::LastMonth => {
                let first = first_of(day);
                let last = first.pred_opt().unwrap_or(first);
                (first_of(last), last)
            }
        }
    }
}

/// The export span's choice.
fn span_ui(ui: &mut Ui, state: &mut HistoryState, lang: Lang) {
    egui::ComboBox::from_id_salt("export-span")
        .selected_text(state.export_span.words(lang))
        .show_ui(ui, |ui| {
            for span in ExportSpan::ALL {
                ui.selectable_value(&mut state.export_span, span, span.words(lang));
            }
        });
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
    /// Export the days from the first date to the second as a file.
    Export(NaiveDate, NaiveDate, ExportFormat),
    /// Open the folder the exports are written to.
    OpenExportFolder,
    /// Print this order's receipt again (重打小票).
    Print(String),
    /// Record this refund (退款).
    Refund(crate::app::refunds::RefundRequest),
}

/// Draws the history screen.
pub fn history_ui(
    ui: &mut Ui,
    state: &mut HistoryState,
    today: NaiveDate,
    lang: Lang,
) -> Option<HistoryAction> {
    // The refund form is the one thing the panel changes: held apart while the rest is read.
    let mut form = std::mem::take(&mut state.refund_form);
    let action = history_contents_ui(ui, state, &mut form, today, lang);
    state.refund_form = form;
    action
}

fn history_contents_ui(
    ui: &mut Ui,
    state: &mut HistoryState,
    form: &mut crate::ui::refund_form::RefundForm,
    today: NaiveDate,
    lang: Lang,
) -> Option<HistoryAction> {
    let mut action = state
        .follow_today(today)
        .then_some(HistoryAction::Load(today));
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
        span_ui(ui, state, lang);
        let (from, to) = state.export_span.days(state.day, today);
        if ui.button(tr(lang, "导出 CSV", "Export CSV")).clicked() {
            action = Some(HistoryAction::Export(from, to, ExportFormat::Csv));
        }
        if ui.button(tr(lang, "导出 Excel", "Export Excel")).clicked() {
            action = Some(HistoryAction::Export(from, to, ExportFormat::Xlsx));
        }
        if state.has_store && scope_ui(ui, state, lang) {
            action = Some(HistoryAction::Load(state.day));
        }
    });
    // On a line of its own, wrapped: a long path in the button row once widened the page for
    // the rest of the session and pushed the detail panel off an 800 px screen (issue 21).
    if let Some(note) = &state.export_note {
        ui.horizontal(|ui| {
            if note.is_ok() && ui.button(tr(lang, "打开文件夹", "Open folder")).clicked() {
                action = Some(HistoryAction::OpenExportFolder);
            }
            let words = match note {
                Ok(path) => format!("{} {}", tr(lang, "已导出到", "Exported to"), path.display()),
                Err(error) => format!(
                    "{}{}",
                    tr(lang, "导出失败：", "Export failed: "),
                    error.message(lang)
                ),
            };
            ui.add(egui::Label::new(RichText::new(words).color(theme::MUTED)).wrap());
        });
    }
    // Borrowed, never cloned: a busy day holds 10,000 orders and this runs every frame.
    let state: &HistoryState = state;
    let Some(data) = state
        .data
        .as_ref()
        .filter(|data| data.day == state.day && data.scope == state.scope)
    else {
        ui.label(RichText::new(tr(lang, "加载中…", "Loading…")).color(theme::MUTED));
        return action;
    };
    totals_ui(ui, data, lang);
    chart_ui(ui, data, lang);
    ui.separator();
    egui::Panel::right("order-detail")
        .resizable(true)
        .default_size(theme::DETAIL_PANEL_WIDTH.min(ui.available_width() * 0.35))
        .show(ui, |ui| {
            let view = DetailView {
                detail: state.detail.as_ref(),
                requery: state.requery.as_ref(),
                offset: state.offset,
                printable: state.scope == HistoryScope::ThisTill,
                refunds: &state.refunds,
            };
            if let Some(next) = detail_ui(ui, view, form, lang) {
                action = Some(match next {
                    DetailAction::Requery(order_no) => HistoryAction::Requery(order_no),
                    DetailAction::Print(order_no) => HistoryAction::Print(order_no),
                    DetailAction::Refund(request) => HistoryAction::Refund(request),
                });
            }
        });
    if let Some(selected) = orders_table_ui(ui, &data.orders, state, lang) {
        action = Some(HistoryAction::Detail(selected));
    }
    action
}

/// The choice of whose sales to show (with a store): this till, every till, or one. Returns
/// whether it changed.
fn scope_ui(ui: &mut Ui, state: &mut HistoryState, lang: Lang) -> bool {
    let name = |scope: &HistoryScope| match scope {
        HistoryScope::ThisTill => tr(lang, "本机", "This till").to_owned(),
        HistoryScope::AllTills => tr(lang, "全部收银台", "All tills").to_owned(),
        HistoryScope::Till(till) => format!("{} {till}", tr(lang, "收银台", "Till")),
    };
    let before = state.scope.clone();
    let mut choices = vec![HistoryScope::ThisTill, HistoryScope::AllTills];
    choices.extend(state.tills.iter().cloned().map(HistoryScope::Till));
    egui::ComboBox::from_id_salt("history-scope")
        .selected_text(name(&state.scope))
        .show_ui(ui, |ui| {
            for choice in choices {
                let label = name(&choice);
                ui.selectable_value(&mut state.scope, choice, label);
            }
        });
    state.scope != before
}

#[cfg(test)]
mod follow_today_tests {
    use super::*;

    fn state(day: NaiveDate) -> HistoryState {
        HistoryState {
            day,
            data: None,
            detail: None,
            refunds: Vec::new(),
            refund_form: crate::ui::refund_form::RefundForm::default(),
            export_note: None,
            export_span: ExportSpan::Day,
            offset: crate::china_time::cst(),
            requery: None,
            scope: HistoryScope::ThisTill,
            has_store: false,
            tills: Vec::new(),
            today_seen: day,
        }
    }

    #[test]
    fn an_export_spans_the_day_a_week_or_a_month() {
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("date");
        let today = date(2026, 12, 5);
        let shown = date(2026, 12, 3);
        assert_eq!(ExportSpan::Day.days(shown, today), (shown, shown));
        assert_eq!(
            ExportSpan::Week.days(shown, today),
            (date(2026, 11, 27), shown)
        );
        assert_eq!(
            ExportSpan::Month.days(shown, today),
            (date(2026, 12, 1), today)
        );
        assert_eq!(
            ExportSpan::Month.days(date(2026, 2, 10), today),
            (date(2026, 2, 1), date(2026, 2, 28))
        );
        assert_eq!(
            ExportSpan::LastMonth.days(date(2026, 1, 15), today),
            (date(2025, 12, 1), date(2025, 12, 31))
        );
    }

    /// Issue 21: a till left open past midnight showed yesterday (and exported its file); a day
    /// chosen by hand stays.
    #[test]
    fn the_day_shown_as_today_moves_on_at_midnight_and_a_chosen_one_stays() {
        let first = NaiveDate::from_ymd_opt(2026, 12, 5).expect("date");
        let next = NaiveDate::from_ymd_opt(2026, 12, 6).expect("date");
        let mut today = state(first);
        assert!(today.follow_today(next));
        assert_eq!(today.day, next);
        let mut chosen = state(first);
        chosen.day = NaiveDate::from_ymd_opt(2026, 12, 1).expect("date");
        assert!(!chosen.follow_today(next));
        assert_eq!(
            chosen.day,
            NaiveDate::from_ymd_opt(2026, 12, 1).expect("date")
        );
    }
}
