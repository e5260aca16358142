//! A changpay bank transfer (微信银行转账, 支付宝银行转账, 银行卡转账): after the amount the gateway
//! needs who pays — the payer's real name and account (a card number for 银行卡转账). The form
//! checks both as they are typed; Enter charges, Esc goes back to the amount. Once sent, only the
//! masked form (`张** 6222********1234`) is shown or kept.

use egui::{Key, RichText, Ui};

use super::{
    Action, CheckoutState, Phase, centred_column, charge_button_ui, consume, form_heading_ui,
};
use crate::gateway::PayMethod;
use crate::gateway::changpay::Payer;
use crate::i18n::{Lang, Localized, tr};
use crate::money::Money;
use crate::ui::theme;

/// What the payer form holds while it is typed.
#[derive(Debug, Clone, Default)]
pub struct PayerForm {
    /// 付款人姓名.
    pub name: String,
    /// 付款账号 or card number.
    pub account: String,
    /// Whether the name field has been given the cursor.
    focused: bool,
}

pub(super) fn payer_ui(
    ui: &mut Ui,
    state: &mut CheckoutState,
    amount: Money,
    method: PayMethod,
    lang: Lang,
) -> Option<Action> {
    if consume(ui, Key::Escape) {
        state.phase = Phase::Entering;
        state.payer = PayerForm::default();
        return None;
    }
    let mut submit = false;
    ui.add_space(theme::GAP);
    centred_column(ui, |ui| {
        let asks = tr(
            lang,
            "银行转账需要付款人的真实姓名和账号",
            "A bank transfer needs the payer's real name and account",
        );
        form_heading_ui(ui, method, amount, asks, lang);
        let account_label = if method == PayMethod::CardBankTransfer {
            tr(lang, "银行卡号", "Card number")
        } else {
            tr(lang, "付款账号", "Account")
        };
        egui::Grid::new("payer")
            .num_columns(2)
            .spacing([theme::GAP, theme::GAP])
            .show(ui, |ui| {
                ui.label(tr(lang, "付款人姓名", "Payer's name"));
                let name = ui.add(
                    egui::TextEdit::singleline(&mut state.payer.name)
                        .desired_width(theme::PAYER_FIELD_WIDTH),
                );
                if !state.payer.focused {
                    state.payer.focused = true;
                    name.request_focus();
                }
                ui.end_row();
                ui.label(account_label);
                let account = ui.add(
                    egui::TextEdit::singleline(&mut state.payer.account)
                        .desired_width(theme::PAYER_FIELD_WIDTH),
                );
                submit = account.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
                ui.end_row();
            });
        let checked = Payer::checked(method, &state.payer.name, &state.payer.account);
        let typed_both = !state.payer.name.trim().is_empty() && !state.payer.account.is_empty();
        match &checked {
            Err(error) if typed_both => {
                ui.label(RichText::new(error.message(lang)).color(theme::FAILED));
            }
            _ => {
                ui.label("");
            }
        }
        submit |= charge_button_ui(ui, checked.is_ok(), lang);
    });
    if !submit {
        return None;
    }
    match Payer::checked(method, &state.payer.name, &state.payer.account) {
        Ok(payer) => {
            // What was typed leaves the form: from here on only the masked payer exists on screen.
            state.payer = PayerForm::default();
            Some(state.pay_with_payer(amount, method, payer))
        }
        Err(_) => None,
    }
}
