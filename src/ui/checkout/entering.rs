//! Typing the amount: the amount as typed, the methods with their F-keys, the charge button.
//! Enter charges what is shown; a scanner's burst after the amount charges the scanned code.

use egui::{Key, RichText, Ui};

use super::{
    Action, CheckoutInfo, CheckoutState, Choice, FUNCTION_KEYS, InputError, Phase, centred_column,
    code, consume,
};
use crate::gateway::PayMethod;
use crate::gateway::barcode::normalise_code;
use crate::i18n::{Lang, Localized, tr};
use crate::money::Money;
use crate::ui::amount_entry::Submit;
use crate::ui::{keypad, theme};

pub(super) fn entering_ui(
    ui: &mut Ui,
    state: &mut CheckoutState,
    info: &CheckoutInfo,
    lang: Lang,
) -> Option<Action> {
    for (index, choice) in info.choices.iter().enumerate() {
        if FUNCTION_KEYS
            .get(index)
            .is_some_and(|key| consume(ui, *key))
        {
            state.choice = *choice;
            state.method_moved_by_key = true;
        }
    }
    // Up and down walk the methods, so those past F12 are reachable by keyboard too.
    if let Some(at) = info.choices.iter().position(|c| *c == state.choice) {
        let count = info.choices.len();
        if consume(ui, Key::ArrowDown) {
            state.choice = info.choices[(at + 1) % count];
            state.method_moved_by_key = true;
        }
        if consume(ui, Key::ArrowUp) {
            state.choice = info.choices[(at + count - 1) % count];
            state.method_moved_by_key = true;
        }
    }
    let (events, now) = ui.input(|input| (input.events.clone(), input.time));
    let before = state.entry.text.clone();
    let mut submit = state.entry.on_events(&events, now);
    if state.entry.text != before {
        state.amount_error = match Money::parse_charge(&state.entry.text, info.max_amount) {
            Err(error) if !state.entry.text.trim().is_empty() => Some(InputError::Amount(error)),
            _ => None,
        };
    }

    ui.add_space(theme::GAP);
    let mut line_action = None;
    centred_column(ui, |ui| {
        super::status_lines::health_ui(ui, info, lang);
        super::status_lines::store_ui(ui, info, lang);
        line_action = super::status_lines::shift_line_ui(ui, info, lang);
        ui.label(
            RichText::new(tr(lang, "收款金额", "Amount"))
                .font(theme::font(theme::BODY_TEXT))
                .color(theme::MUTED),
        );
        amount_ui(ui, &state.entry.text);
        match &state.amount_error {
            Some(error) => ui.label(RichText::new(error.message(lang)).color(theme::FAILED)),
            None => ui.label(""),
        };
        // No gap: the error line above is one when empty (and keeps the keypad from jumping).
        ui.horizontal_top(|ui| {
            let methods_width = ui.available_width() - keypad::width() - theme::GAP;
            ui.vertical(|ui| {
                ui.set_width(methods_width);
                methods_ui(ui, state, info, lang);
            });
            ui.add_space(theme::GAP - ui.spacing().item_spacing.x);
            if let Some(key) = keypad::keypad_ui(ui, lang) {
                state.entry.tap(key);
                state.amount_error = match Money::parse_charge(&state.entry.text, info.max_amount) {
                    Err(error) if !state.entry.text.trim().is_empty() => {
                        Some(InputError::Amount(error))
                    }
                    _ => None,
                };
            }
        });
        ui.add_space(theme::GAP);
        let button = egui::Button::new(
            RichText::new(tr(lang, "收款 (Enter)", "Charge (Enter)"))
                .font(theme::font(theme::LARGE_TEXT))
                .color(theme::ON_COLOUR),
        )
        .fill(theme::PAID)
        .min_size(egui::vec2(ui.available_width(), theme::BIG_BUTTON_HEIGHT));
        if ui.add(button).clicked() {
            submit = Some(Submit::Charge);
        }
        ui.label(RichText::new(hint(info, lang)).color(theme::MUTED));
    });
    if line_action.is_some() {
        return line_action;
    }
    submit.and_then(|submit| charge(state, info, submit, now))
}

/// The methods on offer, two to a row, each with its F-key; with more than fit beside the
/// keypad, the list scrolls (and follows the arrow keys), so 收款 stays on screen at 800×600.
fn methods_ui(ui: &mut Ui, state: &mut CheckoutState, info: &CheckoutInfo, lang: Lang) {
    ui.label(RichText::new(tr(lang, "支付方式", "Pay method")).color(theme::MUTED));
    let spacing = ui.spacing().item_spacing;
    let button_width = (ui.available_width() - spacing.x) / 2.0;
    egui::ScrollArea::vertical()
        .id_salt("methods")
        .max_height(keypad::height() - theme::BODY_TEXT - spacing.y)
        .auto_shrink([false, true])
        .show(ui, |ui| {
            for (row, pair) in info.choices.chunks(2).enumerate() {
                ui.horizontal(|ui| {
                    for (column, choice) in pair.iter().enumerate() {
                        let key = FUNCTION_KEYS
                            .get(row * 2 + column)
                            .map_or(String::new(), |key| format!("{} ", key.name()));
                        let selected = state.choice == *choice;
                        // Framed whether chosen or not: on a touch screen a button must look
                        // like one.
                        let button = egui::Button::new(format!("{key}{}", choice.label(lang)))
                            .selected(selected)
                            .frame(true)
                            .min_size(egui::vec2(button_width, theme::BIG_BUTTON_HEIGHT));
                        let response = ui.add(button);
                        if response.clicked() {
                            state.choice = *choice;
                        }
                        if selected && state.method_moved_by_key {
                            response.scroll_to_me(None);
                            state.method_moved_by_key = false;
                        }
                    }
                });
            }
        });
}

/// The line that says how a sale goes, for the methods this till offers.
fn hint(info: &CheckoutInfo, lang: Lang) -> &'static str {
    if info.choices.contains(&Choice::Barcode) {
        tr(
            lang,
            "输入金额 → F 键或 ↑↓ 选择支付方式 → Enter 收款；付款码：输入金额后直接扫码",
            "Amount → a method (F keys or ↑↓) → Enter; pay codes: scan right after the amount",
        )
    } else {
        tr(
            lang,
            "输入金额 → F 键或 ↑↓ 选择支付方式 → Enter 收款",
            "Amount → a method (F keys or ↑↓) → Enter",
        )
    }
}

/// What Enter (or a scanner's burst and its Enter) does with the amount shown.
fn charge(
    state: &mut CheckoutState,
    info: &CheckoutInfo,
    submit: Submit,
    now: f64,
) -> Option<Action> {
    let amount = Money::parse_charge(&state.entry.text, info.max_amount);
    match (submit, amount) {
        (Submit::ChargeWithCode(_), Err(_)) => {
            state.amount_error = Some(InputError::NeedAmount);
            None
        }
        (Submit::ChargeWithCode(raw), Ok(amount)) => {
            let code = normalise_code(&raw);
            state.last_scan_by_scanner = Some(true);
            match crate::gateway::barcode::detect_wallet(&code) {
                Ok(_) => Some(state.pay(amount, Choice::Barcode, Some(code))),
                Err(error) => {
                    // Not a wallet's code: say so on the code screen, with the amount kept.
                    state.phase = Phase::AwaitingCode { amount };
                    state.scan = code::ScanBuffer::refused(code::ScanError::Invalid(error));
                    None
                }
            }
        }
        (Submit::Charge, Ok(amount)) if state.choice == Choice::Barcode => {
            state.phase = Phase::AwaitingCode { amount };
            state.scan = code::ScanBuffer::default();
            Some(Action::ShowDue(amount))
        }
        (Submit::Charge, Ok(amount)) if state.choice == Choice::Method(PayMethod::Cash) => {
            state.tendered = crate::ui::amount_entry::AmountEntry::default();
            state.amount_error = None;
            state.phase = Phase::Tendering {
                amount,
                opened_at: now,
            };
            Some(Action::ShowDue(amount))
        }
        (Submit::Charge, Ok(amount)) => match state.choice {
            Choice::Method(method) if method.needs_payer() => {
                state.amount_error = None;
                state.phase = Phase::Payer { amount, method };
                None
            }
            Choice::Method(method) if method.card_type().is_some() => {
                state.amount_error = None;
                state.phase = Phase::Card { amount, method };
                None
            }
            choice => Some(state.pay(amount, choice, None)),
        },
        // Enter with nothing typed does nothing: it is most often the second of a double Enter
        // that started this sale on the result screen, and the empty amount box says what to do
        // (a red 请输入金额 was left on the fresh checkout, issue 21).
        (Submit::Charge, Err(_)) if state.entry.text.trim().is_empty() => None,
        (Submit::Charge, Err(error)) => {
            state.amount_error = Some(InputError::Amount(error));
            None
        }
    }
}

/// The amount as typed, large, in a box that reads as the place the keys go; a hint when empty.
fn amount_ui(ui: &mut Ui, text: &str) {
    ui.horizontal(|ui| {
        ui.label(RichText::new("¥").font(theme::font(theme::HUGE_TEXT)));
        egui::Frame::new()
            .fill(ui.visuals().extreme_bg_color)
            .stroke(ui.visuals().selection.stroke)
            .corner_radius(theme::CORNER_RADIUS)
            .inner_margin(egui::Margin::symmetric(10, 4))
            .show(ui, |ui| {
                ui.set_width(ui.available_width());
                let shown = if text.is_empty() {
                    RichText::new("0.00").color(theme::MUTED)
                } else {
                    RichText::new(text)
                };
                ui.label(shown.font(theme::font(theme::HUGE_TEXT)));
            });
    });
}
