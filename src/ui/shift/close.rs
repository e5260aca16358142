//! Closing a shift: the count typed, the difference shown as it is typed, and the confirming
//! second press (Enter or the button) that closes it, only once the question has been seen.

use egui::{RichText, Ui};

use super::{ShiftAction, ShiftState};
use crate::i18n::{Lang, Localized, tr};
use crate::ledger::ShiftReport;
use crate::money::Money;
use crate::payment::cash::parse_cash;
use crate::receipt::slip::signed_yuan;
use crate::ui::theme;

/// Under the count: the difference as it is typed, why the count cannot be read, or what to do.
pub(super) fn count_note_ui(
    ui: &mut Ui,
    counted: Option<&Result<Money, crate::money::AmountError>>,
    report: Option<&ShiftReport>,
    lang: Lang,
) {
    match (counted, report) {
        // 盲交班: nothing to compare with until the shift is closed.
        (Some(Ok(counted)), None) => {
            ui.label(
                RichText::new(format!(
                    "{} {counted}",
                    tr(lang, "实点现金", "Cash counted")
                ))
                .font(theme::font(theme::LARGE_TEXT)),
            );
        }
        (Some(Ok(counted)), Some(report)) => {
            let difference = Money::from_li(counted.li() - report.cash_expected.li());
            ui.label(
                RichText::new(format!(
                    "{} {} · {} {}",
                    tr(lang, "应有现金", "Expected"),
                    report.cash_expected,
                    tr(lang, "差额", "Difference"),
                    signed_yuan(difference).replace('￥', "¥")
                ))
                .font(theme::font(theme::LARGE_TEXT))
                .color(if difference == Money::ZERO {
                    theme::PAID
                } else {
                    theme::UNKNOWN
                }),
            );
        }
        (Some(Err(error)), _) => {
            ui.label(RichText::new(error.message(lang)).color(theme::FAILED));
        }
        (None, _) => {
            ui.label(
                RichText::new(tr(
                    lang,
                    "数一数钱箱里的现金，填在上面",
                    "Count the drawer and type it above",
                ))
                .color(theme::MUTED),
            );
        }
    }
}

/// The closer's PIN (the shift's cashier's or the owner's), where cashiers sign in. Enter on the
/// count goes on to it while it is empty; whether an Enter now asks the question.
fn closer_pin_ui(ui: &mut Ui, state: &mut ShiftState, count_entered: bool, lang: Lang) -> bool {
    ui.horizontal(|ui| {
        let label = ui.label(tr(lang, "收银员或店主密码", "Cashier or owner PIN"));
        let field = ui
            .add(
                egui::TextEdit::singleline(&mut state.pin)
                    .password(true)
                    .char_limit(*crate::owner_pin::PIN_DIGITS.end())
                    .desired_width(theme::COUNT_FIELD_WIDTH),
            )
            .labelled_by(label.id);
        if count_entered && state.pin.is_empty() {
            field.request_focus();
            false
        } else {
            count_entered || (field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)))
        }
    })
    .inner
}

/// How long the 确认交班 question shows before Enter answers it: longer than a double press,
/// shorter than reading the question.
const CONFIRM_AFTER_SECS: f64 = 0.6; // not a size: seconds

/// 实点现金, the difference as it is typed, 交班 and its confirmation.
pub(super) fn close_ui(
    ui: &mut Ui,
    state: &mut ShiftState,
    report: &ShiftReport,
    lang: Lang,
) -> Option<ShiftAction> {
    let mut action = None;
    let mut entered = false;
    // Where cashiers sign in, the shift is closed by its cashier (their PIN) or by the owner
    // (the owner PIN): no one else closes it.
    let signs_in = state
        .view
        .as_ref()
        .is_some_and(|view| !view.cashiers.is_empty());
    ui.horizontal(|ui| {
        ui.label(tr(lang, "实点现金", "Cash counted"));
        let field = ui.add(
            egui::TextEdit::singleline(&mut state.counted)
                .hint_text("0.00")
                .desired_width(theme::COUNT_FIELD_WIDTH),
        );
        if field.changed() {
            state.confirming = None;
        }
        entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if std::mem::take(&mut state.focus_form) {
            field.request_focus();
        }
    });
    if signs_in {
        entered = closer_pin_ui(ui, state, entered, lang);
    }
    let counted = (!state.counted.trim().is_empty()).then(|| parse_cash(&state.counted));
    let blind = state.view.as_ref().is_some_and(|view| view.blind);
    count_note_ui(ui, counted.as_ref(), (!blind).then_some(report), lang);
    ui.add_space(theme::GAP);
    let (now, enter, escape) = ui.input(|i| {
        (
            i.time,
            i.key_pressed(egui::Key::Enter),
            i.key_pressed(egui::Key::Escape),
        )
    });
    match (state.confirming, &counted) {
        (Some(confirmed), _) => {
            ui.label(
                RichText::new(format!(
                    "{} {confirmed}",
                    tr(
                        lang,
                        "确认交班？交班后本班报表不能再改。实点现金",
                        "Close the shift? Its report cannot change after. Counted"
                    )
                ))
                .color(theme::UNKNOWN),
            );
            let settled = now - state.confirm_shown_at >= CONFIRM_AFTER_SECS;
            ui.horizontal(|ui| {
                let confirm = ui
                    .button(
                        RichText::new(tr(lang, "确认交班 (Enter)", "Close shift (Enter)")).strong(),
                    )
                    .clicked();
                if confirm || (enter && settled && !entered) {
                    let pin = signs_in.then(|| std::mem::take(&mut state.pin));
                    action = Some(ShiftAction::Close(confirmed, pin));
                }
                if ui.button(tr(lang, "取消 (Esc)", "Cancel (Esc)")).clicked() || escape {
                    state.confirming = None;
                    state.focus_form = true;
                }
            });
        }
        (None, Some(Ok(counted))) => {
            let close = ui
                .button(
                    RichText::new(tr(lang, "交班 · 结束本班 (Enter)", "Close shift… (Enter)"))
                        .font(theme::font(theme::LARGE_TEXT)),
                )
                .clicked();
            if close || entered {
                state.confirming = Some(*counted);
                state.confirm_shown_at = now;
            }
        }
        (None, _) => {
            ui.add_enabled(
                false,
                egui::Button::new(
                    RichText::new(tr(lang, "交班 · 结束本班 (Enter)", "Close shift… (Enter)"))
                        .font(theme::font(theme::LARGE_TEXT)),
                ),
            );
        }
    }
    action
}
