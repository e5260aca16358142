//! Reading changpay answers: the status code, flat or `data`-nested details, and the sign.

use serde_json::{Map, Value};

use super::Created;
use crate::gateway::Provider;
use crate::gateway::error::{GatewayError, UnknownCause};
use crate::gateway::wire::AnswerFields;
use crate::money::Money;
use crate::sign::{SIGN_FIELD, changpay_sign, signs_match};

/// The `code` of a successful answer.
const SUCCESS: &str = "1";

/// A checked answer: the status was success and the sign, where present or required, verified.
#[derive(Debug, Clone)]
pub(super) struct Answer {
    /// The order details: the `data` object when there is one, else the top level.
    details: AnswerFields,
    /// Whether the details came from a `data` object, where `code` is the transfer's 附言.
    nested: bool,
}

impl Answer {
    pub(super) fn check(
        object: &Map<String, Value>,
        key: &str,
        sign_required: bool,
    ) -> Result<Answer, GatewayError> {
        let top = AnswerFields::from_object(object);
        let status = top
            .required("code")
            .map_err(GatewayError::Unknown)?
            .to_owned();
        let (details, nested) = match object.get("data") {
            Some(Value::Object(data)) => (AnswerFields::from_object(data), true),
            _ => (top.clone(), false),
        };
        let verified = match signed_reading(&top, nested.then_some(&details)) {
            Some((received, readings)) => {
                let holds = readings
                    .iter()
                    .any(|fields| signs_match(&changpay_sign(fields, key), received));
                if !holds {
                    return Err(GatewayError::Unknown(UnknownCause::BadSign));
                }
                true
            }
            None if sign_required && status == SUCCESS => {
                return Err(GatewayError::Unknown(UnknownCause::BadSign));
            }
            None => false,
        };
        if status != SUCCESS {
            let refusal = GatewayError::from_code(
                Provider::Changpay,
                &status,
                top.text("msg").unwrap_or_default(),
            );
            return Err(if verified { refusal.signed() } else { refusal });
        }
        Ok(Answer { details, nested })
    }
}

/// The sign an answer carries and the field sets it may honestly cover, of which only those that
/// hold the order's details are kept (README, "Decisions", sign readings):
/// - a sign inside `data` covers `data`'s fields;
/// - a flat answer's sign covers its details, with or without the envelope's `code` and `msg`
///   (signed, then merged into the envelope);
/// - a sign beside a `data` object covers `data`'s fields merged with the envelope's, or `data`'s
///   alone. The reading in which it covers the envelope alone (`code`, `msg`) is not kept: such
///   a sign vouches for nothing about the order, and one captured from any earlier answer could be
///   replayed onto a `data` that says paid.
fn signed_reading<'a>(
    top: &'a AnswerFields,
    data: Option<&'a AnswerFields>,
) -> Option<(&'a str, Vec<crate::sign::SignFields>)> {
    let without_envelope = |fields: &crate::sign::SignFields| {
        let mut fields = fields.clone();
        fields.remove("code");
        fields.remove("msg");
        fields
    };
    match data {
        Some(data) => {
            if let Some(received) = data.text(SIGN_FIELD) {
                return Some((received, vec![data.sign_fields().clone()]));
            }
            let received = top.text(SIGN_FIELD)?;
            let mut merged = data.sign_fields().clone();
            for (name, value) in top.sign_fields() {
                merged.entry(name.clone()).or_insert_with(|| value.clone());
            }
            Some((received, vec![merged, data.sign_fields().clone()]))
        }
        None => {
            let received = top.text(SIGN_FIELD)?;
            Some((
                received,
                vec![
                    top.sign_fields().clone(),
                    without_envelope(top.sign_fields()),
                ],
            ))
        }
    }
}

/// The create-order details.
pub(super) fn created(answer: &Answer) -> Result<Created, UnknownCause> {
    let d = &answer.details;
    let text = |name: &str| d.text(name).map(str::to_owned);
    Ok(Created {
        code_url: text("code_url"),
        redirect_pay_url: text("redirect_pay_url"),
        code_img_url: text("code_img_url"),
        pay_info: text("pay_info"),
        pay_url: text("pay_url"),
        token_id: text("token_id"),
        merchant_amount: d.optional_int("op_amt")?.map(Money::from_li),
        transfer_amount: d.optional_int("amt")?.map(Money::from_li),
        bank_card: text("bank_card"),
        bank_name: text("bank_name"),
        real_name: text("real_name"),
        // Flat, `code` is the status; only nested can it be the 附言 (README, "Decisions").
        note_code: if answer.nested { text("code") } else { None },
        account: text("account"),
    })
}

/// `status` of a changpay order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangpayStatus {
    /// 1: not paid (yet). changpay has no failed state (README, "Decisions").
    Unpaid,
    /// 2: paid.
    Paid,
    /// Anything else: never taken as paid.
    Other(String),
}

/// A verified order from `fetch_order`, `quick_confirm` or a notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangpayOrder {
    /// `mch_id`.
    pub mch_id: Option<String>,
    /// `service`: the pay type.
    pub service: Option<String>,
    /// `mch_order`: ours, or the upstream order number of a repeated payment (补单).
    pub mch_order: String,
    /// `origin_order`: for a repeated payment, our original order number.
    pub origin_order: Option<String>,
    /// `amt`: what was actually paid.
    pub amount: Money,
    /// `mch_amt`: what the merchant asked.
    pub merchant_amount: Money,
    /// `status`.
    pub status: ChangpayStatus,
    /// `success_at`, Unix seconds, when paid.
    pub success_at: Option<i64>,
    /// `call`, echoed from the order (notifications only).
    pub call: Option<String>,
}

/// The order a checked answer describes, which must be `mch_order` of merchant `mch_id` (when
/// given): an answer naming another merchant is not about our order, whoever signed it.
pub(super) fn order(
    answer: &Answer,
    mch_order: &str,
    mch_id: Option<&str>,
) -> Result<ChangpayOrder, UnknownCause> {
    let order = order_fields(&answer.details, Some(mch_order))?;
    if let (Some(ours), Some(named)) = (mch_id, order.mch_id.as_deref())
        && ours != named
    {
        return Err(UnknownCause::OtherMerchant);
    }
    Ok(order)
}

/// Reads an order from verified fields; when `expected` is given, the answer must be about it
/// (directly, or as the original of a repeated payment).
pub(super) fn order_fields(
    fields: &AnswerFields,
    expected: Option<&str>,
) -> Result<ChangpayOrder, UnknownCause> {
    let mch_order = fields.required("mch_order")?.to_owned();
    let origin_order = fields.text("origin_order").map(str::to_owned);
    if let Some(expected) = expected
        && mch_order != expected
        && origin_order.as_deref() != Some(expected)
    {
        return Err(UnknownCause::OtherOrder);
    }
    let amount = Money::from_li(fields.required_int("amt")?);
    let merchant_amount = fields
        .optional_int("mch_amt")?
        .map_or(amount, Money::from_li);
    let status = match fields.required("status")? {
        "1" => ChangpayStatus::Unpaid,
        "2" => ChangpayStatus::Paid,
        other => ChangpayStatus::Other(other.to_owned()),
    };
    Ok(ChangpayOrder {
        mch_id: fields.text("mch_id").map(str::to_owned),
        service: fields.text("service").map(str::to_owned),
        mch_order,
        origin_order,
        amount,
        merchant_amount,
        status,
        success_at: fields.optional_int("success_at")?,
        call: fields.text("call").map(str::to_owned),
    })
}
