//! Cash: after the amount, the cashier types what the customer handed over (Enter alone: the
//! exact amount); the change shows as it is typed, Enter writes the sale paid, Esc goes back to
//! the amount. Nothing goes to a gateway. An Enter with nothing typed that follows the one that
//! opened this screen by less than the result screen's guard is ignored: a reflex double Enter
//! after typing the amount must not record cash that was never counted (issue 21: ¥9.00 cash,
//! 找零 ¥0.00, 40 ms apart).

use egui::{Key, RichText, Ui};

use super::{Action, CheckoutState, InputError, Paying, Phase, centred_column, consume};
use crate::gateway::PayMethod;
use crate::i18n::{Lang, Localized, tr};
use crate::money::Money;
use crate::payment::cash::{CashError, check};
use crate::ui::amount_entry::AmountEntry;
use crate::ui::{keypad, theme};

pub(super) fn tendering_ui(
    ui: &mut Ui,
    state: &mut CheckoutState,
    amount: Money,
    opened_at: f64,
    lang: Lang,
) -> Option<Action> {
    if consume(ui, Key::Escape) {
        state.phase = Phase::Entering;
        return None;
    }
    let (mut events, now) = ui.input(|input| (input.events.clone(), input.time));
    // Only an Enter with nothing typed since the screen opened is a reflex: one after the
    // cashier typed what was handed over is meant, however quick.
    if state.tendered.text.is_empty() && now - opened_at < super::RESULT_GUARD.as_secs_f64() {
        events.retain(|event| {
            !matches!(
                event,
                egui::Event::Key {
                    key: Key::Enter,
                    ..
                }
            )
        });
    }
    let submit = state.tendered.on_events(&events, now);
    let typed = state.tendered.text.trim().to_owned();
    let checked = check(
        &amount.yuan_text(),
        (!typed.is_empty()).then_some(typed.as_str()),
    );

    let mut submit = submit.is_some();
    let mut back = false;
    ui.add_space(theme::GAP);
    centred_column(ui, |ui| {
        ui.horizontal_top(|ui| {
            let words_width = ui.available_width() - keypad::width() - theme::GAP;
            ui.vertical(|ui| {
                ui.set_width(words_width);
                tender_words_ui(ui, amount, &typed, &checked, lang);
            });
            ui.add_space(theme::GAP - ui.spacing().item_spacing.x);
            if let Some(key) = keypad::keypad_ui(ui, lang) {
                state.tendered.tap(key);
            }
        });
        ui.add_space(theme::GAP);
        quick_notes_ui(ui, state, amount, lang);
        ui.add_space(theme::GAP);
        ui.horizontal(|ui| {
            let take = egui::Button::new(
                RichText::new(tr(lang, "收款 (Enter)", "Take it (Enter)"))
                    .font(theme::font(theme::LARGE_TEXT))
                    .color(theme::ON_COLOUR),
            )
            .fill(theme::PAID)
            .min_size(egui::vec2(
                ui.available_width() - keypad::width() - theme::GAP,
                theme::BIG_BUTTON_HEIGHT,
            ));
            submit |= ui.add(take).clicked();
            ui.add_space(theme::GAP - ui.spacing().item_spacing.x);
            back = ui
                .add(
                    egui::Button::new(RichText::new(tr(lang, "返回 (Esc)", "Back (Esc)")))
                        .min_size(egui::vec2(keypad::width(), theme::BIG_BUTTON_HEIGHT)),
                )
                .clicked();
        });
        ui.label(
            RichText::new(tr(
                lang,
                "Enter 收款（不输入即为刚好）· Esc 返回",
                "Enter to take it (nothing typed: exact) · Esc to go back",
            ))
            .color(theme::MUTED),
        );
    });
    if back {
        state.phase = Phase::Entering;
        return None;
    }
    if !submit {
        return None;
    }
    // A tap on the keypad changed what was handed over after it was read: read it again.
    let typed = state.tendered.text.trim().to_owned();
    let checked = check(
        &amount.yuan_text(),
        (!typed.is_empty()).then_some(typed.as_str()),
    );
    match checked {
        Ok((amount, tendered)) => {
            state.phase = Phase::Paying(Box::new(Paying::new(
                amount,
                super::Choice::Method(PayMethod::Cash),
            )));
            Some(Action::Cash(amount, tendered))
        }
        Err(CashError::Amount(error)) => {
            state.phase = Phase::Entering;
            state.amount_error = Some(InputError::Amount(error));
            None
        }
        // The reason stays on screen under the field.
        Err(_) => None,
    }
}

/// What is due, what was handed over (the amount due until something is typed), the change.
fn tender_words_ui(
    ui: &mut Ui,
    amount: Money,
    typed: &str,
    checked: &Result<(Money, Money), CashError>,
    lang: Lang,
) {
    ui.label(
        RichText::new(format!("{} {amount}", tr(lang, "现金应收", "Cash due")))
            .font(theme::font(theme::LARGE_TEXT)),
    );
    ui.add_space(theme::GAP);
    ui.label(RichText::new(tr(lang, "实收现金", "Handed over")).color(theme::MUTED));
    let shown = if typed.is_empty() {
        amount.yuan_text()
    } else {
        typed.to_owned()
    };
    ui.label(
        RichText::new(format!("¥{shown}"))
            .font(theme::font(theme::HUGE_TEXT))
            .strong(),
    );
    match checked {
        Ok((amount, tendered)) => ui.label(
            RichText::new(format!(
                "{} {}",
                tr(lang, "找零", "Change"),
                Money::from_li(tendered.li() - amount.li())
            ))
            .font(theme::font(theme::LARGE_TEXT))
            .color(theme::PAID),
        ),
        Err(error) => ui.label(RichText::new(error.message(lang)).color(theme::FAILED)),
    };
}

/// A button for each likely note: a tap puts it in as handed over (收款 then takes it).
fn quick_notes_ui(ui: &mut Ui, state: &mut CheckoutState, amount: Money, lang: Lang) {
    ui.horizontal_wrapped(|ui| {
        for note in quick_notes(amount) {
            let words = if note == amount {
                format!("{} {note}", tr(lang, "刚好", "Exact"))
            } else {
                note.to_string()
            };
            let button =
                egui::Button::new(RichText::new(words).font(theme::font(theme::BODY_TEXT)))
                    .min_size(egui::vec2(theme::KEY_SIDE * 1.5, theme::TOUCH_HEIGHT));
            if ui.add(button).clicked() {
                state.tendered = AmountEntry::with_text(&note.yuan_text());
                ui.ctx().request_repaint();
            }
        }
    });
}

/// The notes a customer most likely hands over for `amount`, one tap each: the exact amount, then
/// (smallest first, five at most) the amount rounded up to a 1, 5, 10, 20, 50 and 100 yuan note,
/// ¥50 and ¥100, and the next hundred.
#[must_use]
fn quick_notes(amount: Money) -> Vec<Money> {
    const YUAN: i64 = Money::from_yuan(1).li();
    let li = amount.li();
    let mut above: Vec<Money> = [1, 5, 10, 20, 50, 100]
        .into_iter()
        .map(|step_yuan| {
            let step = step_yuan * YUAN;
            (li + step - 1) / step * step
        })
        .chain([50 * YUAN, 100 * YUAN, (li / (100 * YUAN) + 1) * 100 * YUAN])
        .filter(|&note| note > li)
        .map(Money::from_li)
        .collect();
    above.sort_unstable();
    above.dedup();
    above.truncate(5);
    let mut notes = vec![amount];
    notes.extend(above);
    notes
}

#[cfg(test)]
mod tests {
    use super::quick_notes;
    use crate::money::Money;

    fn yuan_texts(amount: &str) -> Vec<String> {
        let amount = Money::parse_charge(amount, Money::from_yuan(100_000)).expect("an amount");
        quick_notes(amount)
            .into_iter()
            .map(Money::yuan_text)
            .collect()
    }

    #[test]
    fn quick_notes_are_the_exact_amount_then_the_next_round_sums() {
        assert_eq!(
            yuan_texts("37.50"),
            ["37.50", "38.00", "40.00", "50.00", "100.00"]
        );
        assert_eq!(
            yuan_texts("12"),
            ["12.00", "15.00", "20.00", "50.00", "100.00"]
        );
        assert_eq!(yuan_texts("100"), ["100.00", "200.00"]);
        assert_eq!(
            yuan_texts("0.01"),
            ["0.01", "1.00", "5.00", "10.00", "20.00", "50.00"]
        );
        assert_eq!(
            yuan_texts("238.8"),
            ["238.80", "239.00", "240.00", "250.00", "300.00"]
        );
    }
}
