//! What a checkout offers and shows beside the amount: the choices (methods, 付款码, cash) the
//! gateway and the owner allow, and the facts the screen draws from (limits, store, shift…).

use std::time::Duration;

use crate::gateway::{MethodKind, PayMethod, Provider};
use crate::i18n::{Lang, Localized, tr};
use crate::money::Money;

/// What the cashier picks: a method, or 付款码 (the code's prefix names the wallet).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// A QR, link or transfer method.
    Method(PayMethod),
    /// Bar-code pay, any wallet.
    Barcode,
}

impl Choice {
    /// The name `[till] methods` gives it.
    #[must_use]
    pub fn slug(self) -> &'static str {
        match self {
            Choice::Method(method) => method.slug(),
            Choice::Barcode => crate::config::PAY_CODE_SLUG,
        }
    }

    /// What its button says.
    #[must_use]
    pub fn label(self, lang: Lang) -> String {
        match self {
            Choice::Method(method) => method.message(lang),
            Choice::Barcode => tr(lang, "付款码", "Pay code").to_owned(),
        }
    }
}

/// What the checkout needs to know about the gateway.
#[derive(Debug, Clone)]
pub struct CheckoutInfo {
    /// The methods on offer, in key order.
    pub choices: Vec<Choice>,
    /// The single-order limit.
    pub max_amount: Money,
    /// How long a QR is shown.
    pub qr_wait: Duration,
    /// How long a bar-code payment is waited for.
    pub barcode_wait: Duration,
    /// Whether this is the sandbox (shows 模拟顾客付款).
    pub is_sandbox: bool,
    /// Whether the gateway has been answering, so the cashier knows before charging.
    pub health: crate::gateway::http::Health,
    /// How the store ledger stands, when the till has one.
    pub store: Option<crate::store::StoreStatus>,
    /// The zone times are shown in.
    pub offset: chrono::FixedOffset,
    /// The open shift's cashier; `None` when no shift is open.
    pub shift: Option<String>,
    /// Whether a printer is set (the result offers F9 打印小票).
    pub has_printer: bool,
    /// Whether a cash drawer is set (the checkout offers 开钱箱).
    pub has_drawer: bool,
    /// The order whose receipt last went to the printer.
    pub printed: Option<String>,
}

impl CheckoutInfo {
    /// The choices `provider` offers at a till: its QR, link and transfer methods (bank
    /// transfers ask for the payer on a form), and 付款码 when it has bar-code pay; only those
    /// named in `offered` (`[till] methods`) when the owner chose. Cash is always offered. A
    /// choice that names none of this gateway's methods (made for the other gateway) offers them
    /// all: a till left with cash alone would turn every wallet away.
    #[must_use]
    pub fn choices_for(provider: Provider, offered: Option<&[String]>) -> Vec<Choice> {
        let mut choices: Vec<Choice> = PayMethod::offered_by(provider)
            .filter(|m| m.kind() != MethodKind::Barcode)
            .map(Choice::Method)
            .collect();
        if PayMethod::offered_by(provider).any(|m| m.kind() == MethodKind::Barcode) {
            choices.insert(choices.len().min(2), Choice::Barcode);
        }
        if let Some(offered) = offered {
            let chosen: Vec<Choice> = choices
                .iter()
                .copied()
                .filter(|choice| offered.iter().any(|name| name == choice.slug()))
                .collect();
            if !chosen.is_empty() {
                choices = chosen;
            }
        }
        // Cash at every till: on F4 when the gateway's methods fill F1–F3.
        choices.insert(choices.len().min(3), Choice::Method(PayMethod::Cash));
        choices
    }
}
