//! 退款 in the history's detail panel: a paid sale's refunds so far, and the form for another —
//! how much (at most what is left), why, and how it went back (cash from the drawer, or already
//! refunded in the merchant's back office: the gateways have no refund call). 确认退款 asks for the
//! owner's PIN when one is set (`owner_gate.rs`).

use egui::{RichText, Ui};

use super::theme;
use crate::app::refunds::RefundRequest;
use crate::gateway::PayMethod;
use crate::i18n::{Lang, Localized, tr};
use crate::ledger::{OrderRecord, Refund, RefundWay};
use crate::money::Money;

/// The form's state: open for one order, what is typed, and why the last try was refused.
#[derive(Debug, Clone, Default)]
pub struct RefundForm {
    /// The order the form is open for (none: closed).
    pub order_no: Option<String>,
    /// The amount, as typed.
    pub amount: String,
    /// Why, as typed.
    pub reason: String,
    /// Cash back from the drawer (else: the back office).
    pub cash: bool,
    /// Why the form was not sent, or what the last refund came to, in the cashier's words.
    pub note: Option<Result<String, String>>,
}

/// What is left to refund of `order` after `refunds`.
#[must_use]
pub fn left_of(order: &OrderRecord, refunds: &[Refund]) -> Money {
    let refunded: i64 = refunds.iter().map(|refund| refund.amount.li()).sum();
    Money::from_li(order.paid.unwrap_or(order.amount).li() - refunded)
}

/// The refunds made so far (one line each).
pub fn refunds_ui(ui: &mut Ui, refunds: &[Refund], offset: chrono::FixedOffset, lang: Lang) {
    if refunds.is_empty() {
        return;
    }
    ui.strong(tr(lang, "退款记录", "Refunds"));
    for refund in refunds {
        ui.label(
            RichText::new(format!(
                "{}  -{}  {}  {}  ({})",
                refund.at.with_timezone(&offset).format("%m-%d %H:%M"),
                refund.amount,
                refund.way.message(lang),
                refund.reason,
                refund.who
            ))
            .color(theme::FAILED),
        );
    }
}

/// 退款 for the paid `order`: the button, then the form; the refund asked for, once the form
/// checks out.
pub fn refund_ui(
    ui: &mut Ui,
    form: &mut RefundForm,
    order: &OrderRecord,
    refunds: &[Refund],
    lang: Lang,
) -> Option<RefundRequest> {
    let left = left_of(order, refunds);
    if form.order_no.as_deref() != Some(order.order_no.as_str()) {
        if let Some(Ok(done)) = &form.note {
            ui.label(RichText::new(done).color(theme::PAID));
        }
        if left.li() > 0 && ui.button(tr(lang, "退款…", "Refund…")).clicked() {
            *form = RefundForm {
                order_no: Some(order.order_no.clone()),
                amount: left.yuan_text(),
                reason: String::new(),
                cash: order.method == PayMethod::Cash,
                note: None,
            };
        }
        return None;
    }
    let mut asked = None;
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.label(format!("{} {left}", tr(lang, "可退金额", "Left to refund")));
        egui::Grid::new("refund-form")
            .num_columns(2)
            .show(ui, |ui| {
                let label = ui.label(tr(lang, "退款金额", "Amount"));
                ui.add(
                    egui::TextEdit::singleline(&mut form.amount)
                        .desired_width(theme::SHORT_FIELD_WIDTH),
                )
                .labelled_by(label.id);
                ui.end_row();
                let label = ui.label(tr(lang, "原因", "Reason"));
                ui.add(
                    egui::TextEdit::singleline(&mut form.reason).desired_width(theme::FIELD_WIDTH),
                )
                .labelled_by(label.id);
                ui.end_row();
            });
        ui.radio_value(&mut form.cash, false, RefundWay::BackOffice.message(lang));
        ui.radio_value(&mut form.cash, true, RefundWay::Cash.message(lang));
        ui.horizontal(|ui| {
            if ui.button(tr(lang, "确认退款", "Refund")).clicked() {
                match checked(form, order, left) {
                    Ok(request) => asked = Some(request),
                    Err(why) => form.note = Some(Err(why.message(lang))),
                }
            }
            if ui.button(tr(lang, "取消", "Cancel")).clicked() {
                *form = RefundForm::default();
            }
        });
        if let Some(Err(why)) = &form.note {
            ui.label(RichText::new(why).color(theme::FAILED));
        }
    });
    asked
}

/// Why a typed refund does not do.
enum FormError {
    Amount(crate::money::AmountError),
    /// More than is left: said as the ledger would say it.
    TooMuch(crate::ledger::RefundError),
    NoReason,
}

impl Localized for FormError {
    fn message(&self, lang: Lang) -> String {
        match self {
            FormError::Amount(error) => error.message(lang),
            FormError::TooMuch(error) => error.message(lang),
            FormError::NoReason => tr(lang, "请填写退款原因", "Say why").to_owned(),
        }
    }
}

fn checked(
    form: &RefundForm,
    order: &OrderRecord,
    left: Money,
) -> Result<RefundRequest, FormError> {
    let amount = Money::parse_charge(&form.amount, left).map_err(|error| match error {
        crate::money::AmountError::OverLimit { .. } => {
            FormError::TooMuch(crate::ledger::RefundError::TooMuch { left })
        }
        other => FormError::Amount(other),
    })?;
    let reason = form.reason.trim();
    if reason.is_empty() {
        return Err(FormError::NoReason);
    }
    Ok(RefundRequest {
        order_no: order.order_no.clone(),
        amount,
        way: if form.cash {
            RefundWay::Cash
        } else {
            RefundWay::BackOffice
        },
        reason: reason.to_owned(),
    })
}
