//! Cash (现金): taken at the counter and written paid at once, with what the customer handed over
//! and the change. Cash never goes to a gateway. The window's F4 and `cashier pay --method cash`
//! both come here.

use chrono::Utc;

use super::runner::PaymentContext;
use crate::gateway::PayMethod;
use crate::i18n::{Lang, Localized};
use crate::ledger::{LedgerError, OrderDraft, OrderRecord};
use crate::money::{AmountError, Money};

/// The most cash one sale, a float or a count may be: ¥100,000.
pub const CASH_LIMIT: Money = Money::from_yuan(100_000);

/// Why a cash sale was refused or not written.
#[derive(Debug, thiserror::Error)]
pub enum CashError {
    /// The amount to charge.
    #[error("{0}")]
    Amount(AmountError),
    /// What the customer handed over.
    #[error("实收金额：{0}")]
    Tendered(AmountError),
    /// Less than the amount.
    #[error("实收 {tendered} 少于应收 {amount}")]
    TooLittle {
        /// What is charged.
        amount: Money,
        /// What was handed over.
        tendered: Money,
    },
    /// The ledger could not write it: nothing was sold.
    #[error("{0}")]
    Ledger(#[from] LedgerError),
}

impl Localized for CashError {
    fn message(&self, lang: Lang) -> String {
        match (lang, self) {
            (Lang::Zh, _) => self.to_string(),
            (_, CashError::Amount(error)) => error.message(lang),
            (_, CashError::Tendered(error)) => format!("Cash handed over: {}", error.message(lang)),
            (_, CashError::TooLittle { amount, tendered }) => {
                format!("{tendered} handed over is less than the {amount} due")
            }
            (_, CashError::Ledger(error)) => error.message(lang),
        }
    }
}

/// An amount of cash that may be zero (a float, a count): as [`Money::parse_charge`] otherwise.
pub fn parse_cash(text: &str) -> Result<Money, AmountError> {
    match Money::parse_charge(text, CASH_LIMIT) {
        Err(AmountError::Zero) => Ok(Money::ZERO),
        other => other,
    }
}

/// Checks a cash sale: the amount and what was handed over (the amount itself when not given).
pub fn check(amount: &str, tendered: Option<&str>) -> Result<(Money, Money), CashError> {
    // parse_charge takes at most two decimals: cash is counted in fen.
    let amount = Money::parse_charge(amount, CASH_LIMIT).map_err(CashError::Amount)?;
    let tendered = match tendered {
        Some(text) => Money::parse_charge(text, CASH_LIMIT).map_err(CashError::Tendered)?,
        None => amount,
    };
    if tendered < amount {
        return Err(CashError::TooLittle { amount, tendered });
    }
    Ok((amount, tendered))
}

/// Writes a checked cash sale, paid, in the open shift.
pub async fn take_cash(
    context: &PaymentContext,
    amount: Money,
    tendered: Money,
    description: String,
) -> Result<OrderRecord, CashError> {
    let draft = OrderDraft {
        provider: context.gateway.provider(),
        merchant_id: context.gateway.merchant_id().to_owned(),
        till_id: context.till_id.clone(),
        method: PayMethod::Cash,
        amount,
        description,
        auth_code_masked: None,
    };
    let order = context
        .ledger
        .run(move |ledger| ledger.record_cash_sale(&draft, tendered, Utc::now()))
        .await?;
    tracing::info!(order = %order.order_no, amount = %order.amount, %tendered, "cash sale");
    Ok(order)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn change_is_exact_and_too_little_is_refused() {
        assert_eq!(
            check("12.30", Some("20")).ok(),
            Some((Money::from_fen(1230), Money::from_yuan(20)))
        );
        assert!(matches!(
            check("12.30", Some("10")),
            Err(CashError::TooLittle { .. })
        ));
        assert_eq!(
            check("12.30", None).ok(),
            Some((Money::from_fen(1230), Money::from_fen(1230)))
        );
    }

    #[test]
    fn bad_tendered_amounts_say_why() {
        for (text, expected) in [
            ("abc", AmountError::NotANumber),
            ("20.001", AmountError::TooManyDecimals),
            ("100000.01", AmountError::OverLimit { limit: CASH_LIMIT }),
            ("-5", AmountError::Negative),
        ] {
            match check("1", Some(text)) {
                Err(CashError::Tendered(error)) => assert_eq!(error, expected, "{text}"),
                other => panic!("{text}: {other:?}"),
            }
        }
        assert_eq!(parse_cash("0"), Ok(Money::ZERO));
        assert_eq!(parse_cash("212.30"), Ok(Money::from_fen(21230)));
        assert_eq!(parse_cash("212.301"), Err(AmountError::TooManyDecimals));
    }
}
