//! What a gateway is asked and what it answers, whichever provider it is: the order to create,
//! how the customer pays it, and where it stands.

use chrono::{DateTime, Utc};

use super::PayMethod;
use super::card_payer::CardPayer;
use super::changpay::Payer;
use crate::money::Money;

/// An order to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrder {
    /// Our order number.
    pub order_no: String,
    /// How the customer pays.
    pub method: PayMethod,
    /// What the customer is charged.
    pub amount: Money,
    /// What is sold, for the gateway's description fields (cut to their lengths).
    pub description: String,
    /// For changpay's bank transfers: the payer.
    pub payer: Option<Payer>,
    /// For qht quick pay: the card holder.
    pub card: Option<CardPayer>,
}

/// Transfer instructions to show the customer, large.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TransferInstructions {
    /// The account to pay (WeChat, Alipay, service desk).
    pub account: Option<String>,
    /// The bank card number to transfer to.
    pub bank_card: Option<String>,
    /// Its bank.
    pub bank_name: Option<String>,
    /// Its holder.
    pub real_name: Option<String>,
    /// The exact amount to transfer, which may differ from the amount asked.
    pub amount: Money,
    /// The 附言 code the customer must write.
    pub note_code: Option<String>,
}

/// What the till shows the customer once an order exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayDisplay {
    /// A QR drawn from the gateway's `code_url`.
    QrCode(String),
    /// A payment page link (shown as a QR for the customer's phone).
    Link(String),
    /// Transfer instructions.
    Transfer(TransferInstructions),
    /// Quick pay: the gateway's pay page (HTML), opened in the system's browser for the
    /// customer to finish with their bank.
    CardPage(String),
    /// Bar-code pay: nothing to show; the customer confirms on their phone.
    AwaitCustomer,
}

impl PayDisplay {
    /// The URL shown, for the ledger's record of what was shown.
    #[must_use]
    pub fn url(&self) -> Option<&str> {
        match self {
            PayDisplay::QrCode(url) | PayDisplay::Link(url) => Some(url),
            PayDisplay::Transfer(_) | PayDisplay::CardPage(_) | PayDisplay::AwaitCustomer => None,
        }
    }
}

/// An order the gateway took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedOrder {
    /// What to show.
    pub display: PayDisplay,
    /// The gateway's order number, when the answer carries one.
    pub gateway_order_no: Option<String>,
}

/// What a verified, signed answer says was paid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaidInfo {
    /// The amount actually paid.
    pub amount: Money,
    /// When the gateway says it was paid, if it says.
    pub paid_at: Option<DateTime<Utc>>,
    /// The gateway's order number.
    pub gateway_order_no: Option<String>,
    /// For a repeated payment (changpay 补单): the payment's own order number at the gateway.
    pub repeat_of: Option<String>,
}

impl PaidInfo {
    /// Whether the paid amount is exactly `asked`. A different amount is recorded and shown,
    /// never silently taken as paid.
    #[must_use]
    pub fn matches(&self, asked: Money) -> bool {
        self.amount == asked
    }
}

/// An order's state at the gateway, from a verified answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderState {
    /// Paid.
    Paid(PaidInfo),
    /// Not paid yet (or the gateway does not know yet).
    Waiting,
    /// The payment failed for good.
    Failed {
        /// The gateway's reason.
        reason: String,
    },
    /// The gateway has no such order.
    NotFound,
}
