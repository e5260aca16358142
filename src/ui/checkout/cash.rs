//! Cash: after the amount, the cashier types what the customer handed over (Enter alone: the
//! exact amount); the change shows as it is typed, Enter writes the sale paid, Esc goes back to
//! the amount. Nothing goes to a gateway. An Enter with nothing typed that follows the one that
//! opened this screen by less than the result screen's guard is ignored: a reflex double Enter
//! after typing the amount must not record cash that was never counted (issue 21: ¥9.00 cash,
//! 找零 ¥0.00, 40 ms apart).

use egui::{Align, Key, Layout, RichText, Ui};

use super::{Action, CheckoutState, InputError, Paying, Phase, centred_column, consume};
use crate::gateway::PayMethod;
use crate::i18n::{Lang, Localized, tr};
use crate::money::Money;
use crate::payment::cash::{CashError, check};
use crate::ui::theme;

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

    ui.add_space(theme::GAP);
    centred_column(ui, |ui| {
        ui.with_layout(Layout::top_down(Align::Center), |ui| {
            ui.label(
                RichText::new(format!("{} {amount}", tr(lang, "现金应收", "Cash due")))
                    .font(theme::font(theme::LARGE_TEXT)),
            );
            ui.add_space(theme::GAP);
            ui.label(RichText::new(tr(lang, "实收现金", "Handed over")).color(theme::MUTED));
            let shown = if typed.is_empty() {
                amount.yuan_text()
            } else {
                typed.clone()
            };
            ui.label(
                RichText::new(format!("¥{shown}"))
                    .font(theme::font(theme::HUGE_TEXT))
                    .strong(),
            );
            match &checked {
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
            ui.add_space(theme::GAP);
            ui.label(
                RichText::new(tr(
                    lang,
                    "Enter 收款（不输入即为刚好）· Esc 返回",
                    "Enter to take it (nothing typed: exact) · Esc to go back",
                ))
                .color(theme::MUTED),
            );
        });
    });
    submit?;
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
