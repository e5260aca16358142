//! 交班: the shift screen. Open a shift (the cashier's name, the float in the drawer) before the
//! first sale; watch its report build up; count the drawer and close it (a second press confirms:
//! a closed shift is never edited); read and reprint past shifts' reports as they were closed.
//! By keyboard: the count, Enter (确认交班？), Enter again to close or Esc to go back. The second
//! Enter counts only once the question has been on screen a moment, so a hurried double Enter
//! on the count asks and does not close.
//!
//! The report on screen and the one printed come from one list of rows
//! ([`crate::receipt::slip::shift_rows`]), so the screen says what the paper says.

use chrono::FixedOffset;
use egui::{RichText, Ui};

mod close;

use super::backend::{Problem, ShiftView};
use super::theme;
use crate::i18n::{Lang, Localized, tr};
use crate::ledger::ShiftReport;
use crate::money::Money;
use crate::payment::cash::parse_cash;
use crate::receipt::slip::{ReportRow, shift_rows};
use close::close_ui;

/// The shift screen's state.
#[derive(Debug, Clone, Default)]
pub struct ShiftState {
    /// The shifts as last loaded.
    pub view: Option<ShiftView>,
    /// 收银员, typed.
    pub cashier: String,
    /// 备用金, typed.
    pub float: String,
    /// The cashier's PIN, typed (where cashiers sign in).
    pub pin: String,
    /// 实点现金, typed.
    pub counted: String,
    /// The count waiting for 确认交班.
    pub confirming: Option<Money>,
    /// When (egui's input time, seconds) the 确认交班 question appeared.
    confirm_shown_at: f64,
    /// Why the last open or close was refused (or the amount typed is wrong).
    pub problem: Option<Problem>,
    /// The form's first field (the name, or the count when a shift is open) takes the cursor
    /// when the screen next shows.
    pub focus_form: bool,
    /// The day's close (日结) last read, shown over the past shifts.
    pub day: Option<crate::ledger::DayReport>,
}

impl ShiftState {
    /// Takes the worker's answer: the new view, or why it was refused.
    pub fn on_view(&mut self, view: Result<ShiftView, Problem>) {
        match view {
            Ok(view) => {
                if view.open.is_none() && self.view.as_ref().is_some_and(|v| v.open.is_some()) {
                    // Just closed: the next shift starts from an empty form, cursor in the name.
                    self.counted.clear();
                    self.cashier.clear();
                    self.float.clear();
                    self.focus_form = true;
                }
                if view.open.is_some() && self.view.as_ref().is_some_and(|v| v.open.is_none()) {
                    // Just opened: the cursor waits in the count for the end of the shift.
                    self.focus_form = true;
                }
                // A refresh of the same open shift (after a sale, on opening the tab) keeps the
                // 确认交班 question: it went away under a cashier's Enter when one landed between.
                let open_id = |view: &ShiftView| view.open.as_ref().map(|report| report.shift);
                if self.view.as_ref().map(open_id) != Some(open_id(&view)) {
                    self.confirming = None;
                }
                self.problem = None;
                self.view = Some(view);
            }
            Err(problem) => {
                self.confirming = None;
                self.problem = Some(problem);
            }
        }
    }
}

impl ShiftState {
    /// Takes the day's close (日结) read, or why it could not be.
    pub fn on_day(&mut self, report: Result<Box<crate::ledger::DayReport>, Problem>) {
        match report {
            Ok(report) => {
                self.problem = None;
                self.day = Some(*report);
            }
            Err(problem) => self.problem = Some(problem),
        }
    }
}

/// What the shift screen asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub enum ShiftAction {
    /// Open a shift: the cashier, the float, and their PIN where cashiers sign in.
    Open(String, Money, Option<String>),
    /// Close the open shift with this count (and the closer's PIN where cashiers sign in).
    Close(Money, Option<String>),
    /// Read a past shift's report.
    Read(i64),
    /// Print a shift's report.
    Print(i64),
    /// Read today's close (日结).
    Day,
    /// Print a day's close.
    PrintDay(chrono::NaiveDate),
}

/// Draws the shift screen.
pub fn shift_ui(
    ui: &mut Ui,
    state: &mut ShiftState,
    offset: FixedOffset,
    lang: Lang,
) -> Option<ShiftAction> {
    let Some(view) = state.view.clone() else {
        ui.label(tr(lang, "正在读取班次…", "Loading shifts…"));
        return None;
    };
    let mut action = None;
    ui.columns(2, |columns| {
        egui::ScrollArea::vertical()
            .id_salt("current-shift")
            .show(&mut columns[0], |ui| {
                action = match &view.open {
                    Some(report) => open_shift_ui(ui, state, report, offset, lang),
                    None => no_shift_ui(ui, state, lang),
                };
            });
        egui::ScrollArea::vertical()
            .id_salt("past-shifts")
            .show(&mut columns[1], |ui| {
                if let Some(day) = day_close_ui(ui, state.day.as_ref(), offset, lang) {
                    action = Some(day);
                }
                if let Some(past) = past_shifts_ui(ui, &view, offset, lang) {
                    action = Some(past);
                }
            });
    });
    action
}

/// No shift open: the form that opens one.
fn no_shift_ui(ui: &mut Ui, state: &mut ShiftState, lang: Lang) -> Option<ShiftAction> {
    ui.heading(tr(lang, "开班", "Open a shift"));
    ui.label(
        RichText::new(tr(
            lang,
            "开班后，收款都记入本班；不开班直接收款会记入“默认”班次。",
            "Sales go into the open shift; selling with none open opens the “default” shift.",
        ))
        .color(theme::MUTED),
    );
    ui.add_space(theme::GAP);
    let mut submit = false;
    egui::Grid::new("open-shift")
        .num_columns(2)
        .spacing([theme::GAP, theme::GAP])
        .show(ui, |ui| {
            ui.label(tr(lang, "收银员", "Cashier"));
            let name = ui.add(
                egui::TextEdit::singleline(&mut state.cashier)
                    .hint_text(tr(lang, "姓名", "Name"))
                    .desired_width(theme::FIELD_WIDTH),
            );
            if std::mem::take(&mut state.focus_form) {
                name.request_focus();
            }
            ui.end_row();
            let cashiers = state
                .view
                .as_ref()
                .map(|view| view.cashiers.clone())
                .unwrap_or_default();
            if !cashiers.is_empty() {
                ui.label(tr(lang, "收银员密码", "Cashier PIN"));
                ui.add(
                    egui::TextEdit::singleline(&mut state.pin)
                        .password(true)
                        .char_limit(6)
                        .desired_width(theme::FIELD_WIDTH),
                );
                ui.end_row();
                ui.label("");
                ui.label(
                    RichText::new(format!(
                        "{}{}",
                        tr(lang, "本机收银员：", "Cashiers here: "),
                        cashiers.join("、")
                    ))
                    .color(theme::MUTED),
                );
                ui.end_row();
            }
            ui.label(tr(lang, "备用金", "Float"));
            let float = ui.add(
                egui::TextEdit::singleline(&mut state.float)
                    .hint_text("0.00")
                    .desired_width(theme::FIELD_WIDTH),
            );
            submit |= float.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            ui.end_row();
        });
    ui.add_space(theme::GAP);
    submit |= ui
        .button(
            RichText::new(tr(lang, "开班 (Enter)", "Open (Enter)"))
                .font(theme::font(theme::LARGE_TEXT)),
        )
        .clicked();
    problem_ui(ui, state.problem.as_ref(), lang);
    if !submit {
        return None;
    }
    let float = if state.float.trim().is_empty() {
        "0"
    } else {
        &state.float
    };
    match parse_cash(float) {
        Ok(float) => {
            let signs_in = state
                .view
                .as_ref()
                .is_some_and(|view| !view.cashiers.is_empty());
            let pin = std::mem::take(&mut state.pin);
            Some(ShiftAction::Open(
                state.cashier.trim().to_owned(),
                float,
                signs_in.then_some(pin),
            ))
        }
        Err(error) => {
            state.problem = Some(Problem::Amount(error));
            None
        }
    }
}

/// The open shift: its report so far, the count and 交班.
fn open_shift_ui(
    ui: &mut Ui,
    state: &mut ShiftState,
    report: &ShiftReport,
    offset: FixedOffset,
    lang: Lang,
) -> Option<ShiftAction> {
    ui.heading(format!(
        "{} · {}",
        tr(lang, "当前班次", "Current shift"),
        cashier_name(&report.cashier, lang)
    ));
    let blind = state.view.as_ref().is_some_and(|view| view.blind);
    if blind {
        ui.label(
            RichText::new(tr(
                lang,
                "盲交班：先点清钱箱里的现金并填写，交班后显示本班报表、应有现金和差额。",
                "Blind close: count the drawer and type it; the report, the expected cash and the difference show once the shift is closed.",
            ))
            .color(theme::MUTED),
        );
    } else {
        report_ui(ui, "open-report", report, offset, lang);
    }
    ui.add_space(theme::GAP);
    ui.separator();
    let mut action = close_ui(ui, state, report, lang);
    if !blind
        && ui
            .button(tr(lang, "打印本班报表", "Print report so far"))
            .clicked()
    {
        action = Some(ShiftAction::Print(report.shift));
    }
    problem_ui(ui, state.problem.as_ref(), lang);
    action
}

/// 日结: today's close across its shifts, read on demand, and printed.
fn day_close_ui(
    ui: &mut Ui,
    day: Option<&crate::ledger::DayReport>,
    offset: FixedOffset,
    lang: Lang,
) -> Option<ShiftAction> {
    let mut action = None;
    ui.horizontal(|ui| {
        if ui
            .button(tr(lang, "今日日结", "Today's close"))
            .on_hover_text(tr(
                lang,
                "今天所有班次：按支付方式、按收银员、退款和现金",
                "All of today's shifts: per method, per cashier, refunds and cash",
            ))
            .clicked()
        {
            action = Some(ShiftAction::Day);
        }
        if let Some(report) = day
            && ui.button(tr(lang, "打印日结", "Print the close")).clicked()
        {
            action = Some(ShiftAction::PrintDay(report.day));
        }
    });
    if let Some(report) = day {
        ui.heading(format!(
            "{} {}",
            tr(lang, "日结报表", "Day's close"),
            report.day
        ));
        rows_ui(
            ui,
            "day-close",
            crate::receipt::day_slip::day_rows(report, offset),
            lang,
        );
        ui.separator();
    }
    action
}

/// The latest shifts, and the one being read.
fn past_shifts_ui(
    ui: &mut Ui,
    view: &ShiftView,
    offset: FixedOffset,
    lang: Lang,
) -> Option<ShiftAction> {
    let mut action = None;
    if let Some(past) = &view.past {
        ui.heading(if past.closed_at.is_some() {
            tr(lang, "交班报表", "Closing report")
        } else {
            tr(lang, "班次报表（未交班）", "Shift report (open)")
        });
        report_ui(ui, "past-report", past, offset, lang);
        if ui
            .button(tr(lang, "打印 / 重打", "Print / reprint"))
            .clicked()
        {
            action = Some(ShiftAction::Print(past.shift));
        }
        ui.separator();
    }
    ui.heading(tr(lang, "最近班次", "Recent shifts"));
    egui::Grid::new("recent-shifts")
        .num_columns(4)
        .striped(true)
        .spacing(theme::REPORT_SPACING)
        .show(ui, |ui| {
            for shift in &view.recent {
                ui.label(format!("#{}", shift.id));
                ui.label(cashier_name(&shift.cashier, lang));
                let opened = shift.opened_at.with_timezone(&offset).format("%m-%d %H:%M");
                let closed = shift.closed_at.map_or_else(
                    || tr(lang, "未交班", "open").to_owned(),
                    |closed| {
                        closed
                            .with_timezone(&offset)
                            .format("%m-%d %H:%M")
                            .to_string()
                    },
                );
                ui.label(format!("{opened} → {closed}"));
                if shift.closed_at.is_some() && ui.button(tr(lang, "查看", "Read")).clicked() {
                    action = Some(ShiftAction::Read(shift.id));
                }
                ui.end_row();
            }
        });
    action
}

/// A cashier's name as the window shows it: the shift opened by itself when a sale came with
/// none open is 默认, "default" in English.
#[must_use]
pub fn cashier_name(name: &str, lang: Lang) -> &str {
    if name == crate::ledger::DEFAULT_CASHIER {
        tr(lang, crate::ledger::DEFAULT_CASHIER, "default")
    } else {
        name
    }
}

/// A shift's report, in the cashier's language.
fn report_ui(ui: &mut Ui, id: &str, report: &ShiftReport, offset: FixedOffset, lang: Lang) {
    rows_ui(ui, id, shift_rows(report, offset), lang);
}

/// A report's rows (a shift's, the day's), in the cashier's language.
fn rows_ui(ui: &mut Ui, id: &str, rows: Vec<ReportRow>, lang: Lang) {
    egui::Grid::new(id)
        .num_columns(2)
        .spacing(theme::LIST_SPACING)
        .show(ui, |ui| {
            for row in rows {
                match row {
                    ReportRow::Pair {
                        zh,
                        en,
                        value,
                        value_en,
                    } => {
                        let value = match (lang, value_en) {
                            (Lang::En, Some(value_en)) => value_en,
                            _ => value,
                        };
                        ui.label(if lang == Lang::Zh { zh } else { en });
                        // The printer's full-width ￥ looks spaced out in the window's font.
                        ui.label(RichText::new(value.replace('￥', "¥")).strong());
                    }
                    ReportRow::Item(order_no) => {
                        ui.label(RichText::new(format!("  {order_no}")).color(theme::UNKNOWN));
                        ui.label("");
                    }
                    ReportRow::Rule => {
                        ui.separator();
                        ui.separator();
                    }
                }
                ui.end_row();
            }
        });
}

fn problem_ui(ui: &mut Ui, problem: Option<&Problem>, lang: Lang) {
    if let Some(problem) = problem {
        ui.label(RichText::new(problem.message(lang)).color(theme::FAILED));
    }
}
