//! `cashier refund` and `cashier void`: what the window's 退款 and 作废 do, behind the owner's PIN
//! (the first line of standard input, never an argument) when one is set.

use super::exit;
use super::json::refund_json;
use super::said::{self, Said};
use crate::app::refunds::RefundRequest;
use crate::app::setup::Setup;
use crate::i18n::Localized;
use crate::ledger::{RefundError, RefundWay};
use crate::money::Money;
use crate::owner_pin::Verdict;

/// The largest refund typed: the ledger refuses more than the sale left anyway.
const LARGEST: Money = Money::from_yuan(1_000_000_000);

/// Who the trail names: the owner behind the PIN, or anyone at a till without one.
async fn owner_or_refusal(setup: &Setup, as_json: bool) -> Result<String, u8> {
    if setup.config.owner.is_none() {
        return Ok("未设店主密码 no owner PIN".to_owned());
    }
    let pin = std::io::stdin()
        .lines()
        .next()
        .and_then(Result::ok)
        .unwrap_or_default();
    match crate::app::owner_check::check(&setup.config, setup.ledger(), pin.trim().to_owned()).await
    {
        Ok(Verdict::Right) => Ok(crate::app::cashier_sign_in::OWNER.to_owned()),
        Ok(Verdict::Wrong { wait, .. } | Verdict::Wait(wait)) => Err(said::fail(
            exit::BAD_INPUT,
            &Said::WrongOwnerPin(wait.as_secs()),
            as_json,
        )),
        Err(error) => Err(said::fail(exit::ERROR, &error, as_json)),
    }
}

fn refused(error: &RefundError, as_json: bool) -> u8 {
    match error {
        RefundError::Ledger(_) => said::fail(exit::ERROR, error, as_json),
        _ => said::fail(exit::BAD_INPUT, error, as_json),
    }
}

/// `refund ORDER --amount … --reason … [--cash]`.
pub async fn refund(
    setup: &Setup,
    order_no: String,
    amount: &str,
    cash: bool,
    reason: String,
    as_json: bool,
) -> u8 {
    let amount = match Money::parse_charge(amount, LARGEST) {
        Ok(amount) => amount,
        Err(error) => return said::fail(exit::BAD_INPUT, &error, as_json),
    };
    let who = match owner_or_refusal(setup, as_json).await {
        Ok(who) => who,
        Err(status) => return status,
    };
    let request = RefundRequest {
        order_no,
        amount,
        way: if cash {
            RefundWay::Cash
        } else {
            RefundWay::BackOffice
        },
        reason,
    };
    match crate::app::refunds::refund(&setup.config, setup.ledger(), request, who).await {
        Ok(refunded) => {
            if let Some(problem) = &refunded.drawer_problem {
                said::warn(&Said::DrawerNotOpened(problem));
            }
            let refund = &refunded.refund;
            if as_json {
                out!("{}", refund_json(refund));
            } else {
                out!(
                    "已退款 {} {}（{}）",
                    refund.order_no,
                    refund.amount,
                    refund.way.message(crate::i18n::Lang::Zh)
                );
            }
            exit::PAID
        }
        Err(error) => refused(&error, as_json),
    }
}

/// `void ORDER --reason …`.
pub async fn void(setup: &Setup, order_no: String, reason: String, as_json: bool) -> u8 {
    let who = match owner_or_refusal(setup, as_json).await {
        Ok(who) => who,
        Err(status) => return status,
    };
    let voided = order_no.clone();
    match crate::app::refunds::void(setup.ledger(), order_no, reason, who).await {
        Ok(()) => {
            if as_json {
                out!(
                    "{}",
                    serde_json::json!({"order_no": voided, "status": "voided"})
                );
            } else {
                out!("已作废 {voided}（仍会查询一天，迟到的付款照样入账）");
            }
            exit::PAID
        }
        Err(error) => refused(&error, as_json),
    }
}
