//! qht quick pay (储蓄卡/信用卡快捷支付): after the amount the gateway needs the card holder —
//! name, card number, the mobile the bank holds, ID number. Each field is checked as it is
//! typed and said wrong once the cursor leaves it; a number is shown masked (`6222********7890`)
//! whenever the cursor is elsewhere, so a customer's card is not left readable on the till.
//! Enter charges once all four are right, Esc goes back to the amount. Once sent, only the
//! masked holder (`张** 6222********7890`) is shown or kept.

use egui::{Key, RichText, Ui};

use super::{
    Action, CheckoutState, Phase, centred_column, charge_button_ui, consume, form_heading_ui,
};
use crate::gateway::PayMethod;
use crate::gateway::card_payer::{CardField, CardPayer, TypedCard};
use crate::i18n::{Lang, Localized, tr};
use crate::money::Money;
use crate::secret::mask_number;
use crate::ui::theme;

/// What the card form holds while it is typed, one text per [`CardField`].
#[derive(Debug, Clone, Default)]
pub struct CardForm {
    texts: [String; 4],
    /// Whether the first field has been given the cursor.
    focused: bool,
}

impl CardForm {
    fn typed(&self) -> TypedCard<'_> {
        TypedCard {
            name: &self.texts[0],
            card_number: &self.texts[1],
            phone: &self.texts[2],
            id_card: &self.texts[3],
        }
    }
}

fn label(field: CardField, lang: Lang) -> &'static str {
    match field {
        CardField::Name => tr(lang, "持卡人姓名", "Card holder"),
        CardField::CardNumber => tr(lang, "银行卡号", "Card number"),
        CardField::Phone => tr(lang, "银行预留手机号", "Mobile (bank's)"),
        CardField::IdCard => tr(lang, "身份证号", "ID number"),
    }
}

pub(super) fn card_form_ui(
    ui: &mut Ui,
    state: &mut CheckoutState,
    amount: Money,
    method: PayMethod,
    lang: Lang,
) -> Option<Action> {
    if consume(ui, Key::Escape) {
        state.phase = Phase::Entering;
        state.card = CardForm::default();
        return None;
    }
    let card_type = method.card_type()?;
    let mut submit = false;
    let mut wrong = None;
    ui.add_space(theme::GAP);
    centred_column(ui, |ui| {
        let asks = tr(
            lang,
            "快捷支付需要持卡人的信息；收款后请顾客在支付页面完成验证",
            "Quick pay needs the card holder; the customer then finishes on the pay page",
        );
        form_heading_ui(ui, method, amount, asks, lang);
        egui::Grid::new("card")
            .num_columns(2)
            .spacing([theme::GAP, theme::GAP])
            .show(ui, |ui| {
                for (index, field) in CardField::ALL.into_iter().enumerate() {
                    ui.label(label(field, lang));
                    let response = field_ui(ui, &mut state.card.texts[index], field);
                    if index == 0 && !state.card.focused {
                        state.card.focused = true;
                        response.request_focus();
                    }
                    let text = &state.card.texts[index];
                    if !response.has_focus() && !text.trim().is_empty() && wrong.is_none() {
                        wrong = field.check(text).err();
                    }
                    submit |= response.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
                    ui.end_row();
                }
            });
        match &wrong {
            Some(error) => ui.label(RichText::new(error.message(lang)).color(theme::FAILED)),
            None => ui.label(""),
        };
        let checked = CardPayer::checked(state.card.typed(), card_type);
        submit |= charge_button_ui(ui, checked.is_ok(), lang);
    });
    if !submit {
        return None;
    }
    let card = CardPayer::checked(state.card.typed(), card_type).ok()?;
    // What was typed leaves the form: from here on only the masked holder exists on screen.
    state.card = CardForm::default();
    Some(state.pay_with_card(amount, method, card))
}

/// One field: the text itself while the cursor is in it, else a number masked. The masked copy
/// is drawn in the same place with the same id, so clicking or tabbing in edits the real text.
fn field_ui(ui: &mut Ui, text: &mut String, field: CardField) -> egui::Response {
    let id = ui.make_persistent_id(("card-field", field as u8));
    let focused = ui.memory(|memory| memory.has_focus(id));
    if field.is_number() && !focused && !text.is_empty() {
        let mut masked = mask_number(text.trim());
        ui.add(
            egui::TextEdit::singleline(&mut masked)
                .id(id)
                .desired_width(theme::PAYER_FIELD_WIDTH),
        )
    } else {
        ui.add(
            egui::TextEdit::singleline(text)
                .id(id)
                .desired_width(theme::PAYER_FIELD_WIDTH),
        )
    }
}
