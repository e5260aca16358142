//! The notices that take the keyboard over any screen: a payment that came after the wait ended
//! (or a double payment to give back), and orders the start-up recovery or the background found
//! paid. The frame (`frame.rs`) decides when one shows; this draws it.

use egui::{RichText, Ui};

use super::theme;
use crate::i18n::{Lang, Localized, tr};
use crate::ledger::OrderRecord;
use crate::money::Money;

/// A payment after the wait ended: late, or — on a QR order whose amount was paid by pay code
/// instead — a double payment to give back.
pub(super) fn late_notice_ui(ui: &mut Ui, order: &OrderRecord, lang: Lang) {
    let double = order.check_reason.as_deref() == Some(crate::payment::requery::REPLACED_BY_CODE);
    let (headline, colour, before, after) = if double {
        (
            tr(lang, "！重复支付", "! Double payment"),
            theme::FAILED,
            tr(lang, "已改用付款码收款的二维码订单", "QR order"),
            tr(
                lang,
                "又收到付款，请退还顾客",
                "was paid by pay code instead and has now been paid too; give it back:",
            ),
        )
    } else {
        (
            tr(lang, "！迟到的付款", "! Late payment"),
            theme::UNKNOWN,
            tr(lang, "订单", "Order"),
            tr(
                lang,
                "在收银员放弃等待后已支付",
                "was paid after the cashier gave up:",
            ),
        )
    };
    ui.label(
        RichText::new(headline)
            .font(theme::font(theme::LARGE_TEXT))
            .color(colour),
    );
    ui.label(format!(
        "{before} {} {after} {}",
        order.order_no,
        order.paid.unwrap_or(order.amount)
    ));
    ui.label(order.method.message(lang));
}

/// Orders found paid, with `words` after their count: the total, then each order.
pub(super) fn found_notice_ui(ui: &mut Ui, orders: &[OrderRecord], words: &str, lang: Lang) {
    let total = orders
        .iter()
        .map(|order| order.paid.unwrap_or(order.amount))
        .try_fold(Money::ZERO, Money::checked_add)
        .unwrap_or(Money::ZERO);
    let headline = format!("{} {words} {total}", orders.len());
    ui.label(
        RichText::new(headline)
            .font(theme::font(theme::LARGE_TEXT))
            .color(theme::PAID),
    );
    for order in orders {
        ui.label(format!(
            "{}  {}  {}",
            order.order_no,
            order.method.message(lang),
            order.paid.unwrap_or(order.amount)
        ));
    }
}
