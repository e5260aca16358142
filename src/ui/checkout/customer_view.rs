//! What the customer's screen (客显副屏) shows for where the checkout is: a pure function of the
//! checkout's state, so the second window follows the cashier's within the same frame and the
//! mapping is tested without a window.

use super::{CheckoutState, Phase};
use crate::gateway::PayDisplay;
use crate::money::Money;
use crate::status::OrderStatus;

/// One screenful for the customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CustomerView {
    /// Nothing under way: the shop's name and a welcome.
    Welcome,
    /// The amount as the cashier types it, character for character.
    Typing(String),
    /// The amount due, the customer to pay by cash or pay code (asked, not yet shown a QR).
    Due(Money),
    /// Cash: the amount due and what the customer handed over, as typed.
    Cash {
        /// The amount due.
        due: Money,
        /// What the cashier typed as handed over (may be empty).
        tendered: String,
    },
    /// Bar-code pay: 请出示付款码 with the amount.
    ShowCode(Money),
    /// Scan-code pay: the QR, the wallet and the amount.
    Qr {
        /// What the QR holds (the gateway's `code_url` or pay page).
        url: String,
        /// The method, in the cashier's words (支付宝扫码…).
        method: String,
        /// The amount.
        amount: Money,
    },
    /// A payment under way with nothing to scan (bar-code pay sent, a bank transfer): wait.
    Waiting {
        /// The amount.
        amount: Money,
        /// The method, in the cashier's words.
        method: String,
    },
    /// 支付成功, with the change for a cash sale.
    Paid {
        /// The amount paid.
        amount: Money,
        /// Change handed back (cash only).
        change: Option<Money>,
    },
    /// The payment did not go through (failed, or its result still unknown).
    NotPaid {
        /// The amount asked.
        amount: Money,
        /// Still being confirmed (unresolved), not failed.
        confirming: bool,
    },
}

impl CheckoutState {
    /// What the customer's screen shows now; method names in `lang`.
    #[must_use]
    pub fn customer_view(&self, lang: crate::i18n::Lang) -> CustomerView {
        match &self.phase {
            Phase::Entering if self.entry.text.is_empty() => CustomerView::Welcome,
            Phase::Entering => CustomerView::Typing(self.entry.text.clone()),
            Phase::Tendering { amount, .. } => CustomerView::Cash {
                due: *amount,
                tendered: self.tendered.text.clone(),
            },
            Phase::Payer { amount, .. } | Phase::Card { amount, .. } => CustomerView::Due(*amount),
            Phase::AwaitingCode { amount } => CustomerView::ShowCode(*amount),
            Phase::Paying(paying) => match &paying.display {
                Some(PayDisplay::QrCode(url) | PayDisplay::Link(url)) => CustomerView::Qr {
                    url: url.clone(),
                    method: paying.choice.label(lang),
                    amount: paying.amount,
                },
                _ => CustomerView::Waiting {
                    amount: paying.amount,
                    method: paying.choice.label(lang),
                },
            },
            Phase::Done(order, _) => match order.status {
                OrderStatus::Paid => CustomerView::Paid {
                    amount: order.amount,
                    change: order.change().filter(|change| change.li() > 0),
                },
                OrderStatus::Failed | OrderStatus::AmountMismatch => CustomerView::NotPaid {
                    amount: order.amount,
                    confirming: false,
                },
                OrderStatus::Creating | OrderStatus::Pending | OrderStatus::Unresolved => {
                    CustomerView::NotPaid {
                        amount: order.amount,
                        confirming: true,
                    }
                }
            },
        }
    }
}
