//! Parsing and verifying a changpay notification (回调通知) body.
//!
//! The spec says the notification is POSTed but not how it is encoded; we accept a form (as the
//! requests are sent) and a JSON object. The sign is required and checked before anything is read.

use serde_json::{Map, Value};

use super::ChangpayOrder;
use crate::gateway::error::UnknownCause;
use crate::gateway::wire::AnswerFields;
use crate::sign::{SIGN_FIELD, changpay_sign, signs_match};

/// Why a notification is not believed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotificationError {
    /// Not a form or JSON object, or a required field is missing or malformed.
    #[error("通知内容无法识别")]
    Unreadable,
    /// No sign, or one that does not verify with the merchant key.
    #[error("通知签名校验失败")]
    BadSign,
}

/// The verified order a notification body reports.
pub fn parse_notification(body: &[u8], key: &str) -> Result<ChangpayOrder, NotificationError> {
    let fields = fields(body).ok_or(NotificationError::Unreadable)?;
    let received = fields.text(SIGN_FIELD).ok_or(NotificationError::BadSign)?;
    if !signs_match(&changpay_sign(fields.sign_fields(), key), received) {
        return Err(NotificationError::BadSign);
    }
    super::order_from_fields(&fields, None).map_err(|_: UnknownCause| NotificationError::Unreadable)
}

fn fields(body: &[u8]) -> Option<AnswerFields> {
    let text = std::str::from_utf8(body).ok()?.trim();
    if text.starts_with('{') {
        let object: Map<String, Value> = serde_json::from_str(text).ok()?;
        return Some(AnswerFields::from_object(&object));
    }
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(text).ok()?;
    if pairs.is_empty() {
        return None;
    }
    let object = pairs
        .into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect();
    Some(AnswerFields::from_object(&object))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::changpay::ChangpayStatus;
    use crate::money::Money;
    use crate::sign::SignFields;

    const KEY: &str = "test-key";

    fn signed_form(pairs: &[(&str, &str)]) -> String {
        let fields: SignFields = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let sign = changpay_sign(&fields, KEY);
        let mut all: Vec<(&str, &str)> = pairs.to_vec();
        all.push(("sign", &sign));
        serde_urlencoded::to_string(all).expect("encodable")
    }

    const PAID: &[(&str, &str)] = &[
        ("mch_id", "m1"),
        ("service", "20"),
        ("mch_order", "T1-0001"),
        ("amt", "12340"),
        ("mch_amt", "12340"),
        ("sign_type", "md5"),
        ("amt_type", "cny"),
        ("status", "2"),
        ("created_at", "1512541824"),
        ("success_at", "1512541900"),
        ("origin_order", ""),
    ];

    #[test]
    fn a_signed_form_notification_is_read() {
        let order = parse_notification(signed_form(PAID).as_bytes(), KEY).expect("verified");
        assert_eq!(order.mch_order, "T1-0001");
        assert_eq!(order.amount, Money::from_li(12_340));
        assert_eq!(order.status, ChangpayStatus::Paid);
        assert_eq!(order.origin_order, None);
    }

    #[test]
    fn a_json_notification_is_read() {
        let fields: SignFields = PAID
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let mut json: Map<String, Value> = fields
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect();
        json.insert("sign".into(), Value::String(changpay_sign(&fields, KEY)));
        let body = serde_json::to_vec(&json).expect("json");
        assert!(parse_notification(&body, KEY).is_ok());
    }

    #[test]
    fn forgeries_and_garbage_are_refused() {
        let forged = signed_form(PAID).replace("amt=12340", "amt=99990");
        assert_eq!(
            parse_notification(forged.as_bytes(), KEY),
            Err(NotificationError::BadSign)
        );
        assert_eq!(
            parse_notification(signed_form(PAID).as_bytes(), "other-key"),
            Err(NotificationError::BadSign)
        );
        let unsigned = serde_urlencoded::to_string(PAID).expect("encodable");
        assert_eq!(
            parse_notification(unsigned.as_bytes(), KEY),
            Err(NotificationError::BadSign)
        );
        assert_eq!(
            parse_notification(b"", KEY),
            Err(NotificationError::Unreadable)
        );
        assert_eq!(
            parse_notification(b"<html>", KEY),
            Err(NotificationError::BadSign)
        );
        assert_eq!(
            parse_notification(&[0xff, 0xfe], KEY),
            Err(NotificationError::Unreadable)
        );
    }
}
