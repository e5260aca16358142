//! Building request fields within the spec's lengths, and reading answers as flat text fields.
//!
//! Both protocols sign the decimal text of every field, so a request is a list of named values
//! that is sent as JSON (qht) or as a form (changpay) and signed as text. Lengths are counted in
//! characters, not bytes (the specs' `String(n)` come from Java and PHP systems that count so).

use serde_json::{Map, Value};

use crate::gateway::error::{RequestError, UnknownCause};
use crate::sign::SignFields;

/// One field value as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldValue {
    /// A string.
    Text(String),
    /// An integer: a JSON number for qht, decimal text in a form.
    Int(i64),
}

impl FieldValue {
    fn as_text(&self) -> String {
        match self {
            FieldValue::Text(text) => text.clone(),
            FieldValue::Int(number) => number.to_string(),
        }
    }
}

/// The fields of a request, checked against the spec's lengths as they are added.
#[derive(Debug, Clone, Default)]
pub struct RequestFields {
    fields: Vec<(&'static str, FieldValue)>,
}

impl RequestFields {
    /// No fields yet.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// An identity field (an order number, a merchant id): required, and an error when too long,
    /// because a cut value would name something else.
    pub fn id(
        &mut self,
        name: &'static str,
        value: &str,
        max_chars: usize,
    ) -> Result<&mut Self, RequestError> {
        if value.is_empty() {
            return Err(RequestError::Missing { field: name });
        }
        if value.chars().count() > max_chars {
            return Err(RequestError::TooLong {
                field: name,
                max: max_chars,
            });
        }
        self.push(name, FieldValue::Text(value.to_owned()));
        Ok(self)
    }

    /// A descriptive field: cut to `max_chars` on a character boundary. An empty value is sent as
    /// `-`, because the field is required and an empty field is never sent (README, "Decisions").
    pub fn text_cut(&mut self, name: &'static str, value: &str, max_chars: usize) -> &mut Self {
        let cut = cut_chars(value.trim(), max_chars);
        let value = if cut.is_empty() { "-".to_owned() } else { cut };
        self.push(name, FieldValue::Text(value));
        self
    }

    /// An optional field: left out when empty, an error when too long.
    pub fn optional(
        &mut self,
        name: &'static str,
        value: Option<&str>,
        max_chars: usize,
    ) -> Result<&mut Self, RequestError> {
        match value {
            Some(value) if !value.is_empty() => self.id(name, value, max_chars),
            _ => Ok(self),
        }
    }

    /// An integer field of at most `max_digits` decimal digits.
    pub fn int(
        &mut self,
        name: &'static str,
        value: i64,
        max_digits: u32,
    ) -> Result<&mut Self, RequestError> {
        if value < 0 || value >= 10_i64.pow(max_digits) {
            return Err(RequestError::TooLong {
                field: name,
                max: max_digits as usize,
            });
        }
        self.push(name, FieldValue::Int(value));
        Ok(self)
    }

    fn push(&mut self, name: &'static str, value: FieldValue) {
        self.fields.retain(|(existing, _)| *existing != name);
        self.fields.push((name, value));
    }

    /// The fields as text, for signing.
    #[must_use]
    pub fn sign_fields(&self) -> SignFields {
        self.fields
            .iter()
            .map(|(name, value)| ((*name).to_owned(), value.as_text()))
            .collect()
    }

    /// The fields plus `sign` as a JSON object (qht).
    #[must_use]
    pub fn to_json(&self, sign: &str) -> Value {
        let mut map: Map<String, Value> = self
            .fields
            .iter()
            .map(|(name, value)| {
                let json = match value {
                    FieldValue::Text(text) => Value::String(text.clone()),
                    FieldValue::Int(number) => Value::from(*number),
                };
                ((*name).to_owned(), json)
            })
            .collect();
        map.insert(
            crate::sign::SIGN_FIELD.to_owned(),
            Value::String(sign.to_owned()),
        );
        Value::Object(map)
    }

    /// The fields plus `sign` as form pairs (changpay).
    #[must_use]
    pub fn to_form(&self, sign: &str) -> Vec<(String, String)> {
        let mut pairs: Vec<(String, String)> = self
            .fields
            .iter()
            .map(|(name, value)| ((*name).to_owned(), value.as_text()))
            .collect();
        pairs.push((crate::sign::SIGN_FIELD.to_owned(), sign.to_owned()));
        pairs
    }
}

/// `value` cut to at most `max_chars` characters, never inside a character.
#[must_use]
pub fn cut_chars(value: &str, max_chars: usize) -> String {
    value.chars().take(max_chars).collect()
}

/// A JSON object's scalar fields as text: what a sign covers and what a parser reads. Nulls are
/// dropped and nested objects are left out (a nested `data` object is read as its own fields).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnswerFields {
    fields: SignFields,
}

impl AnswerFields {
    /// The scalar fields of `object`.
    #[must_use]
    pub fn from_object(object: &Map<String, Value>) -> Self {
        let fields = object
            .iter()
            .filter_map(|(name, value)| {
                let text = match value {
                    Value::String(text) => text.clone(),
                    Value::Number(number) => number.to_string(),
                    Value::Bool(flag) => flag.to_string(),
                    Value::Null | Value::Array(_) | Value::Object(_) => return None,
                };
                Some((name.clone(), text))
            })
            .collect();
        AnswerFields { fields }
    }

    /// All fields, for checking the sign.
    #[must_use]
    pub fn sign_fields(&self) -> &SignFields {
        &self.fields
    }

    /// A field's text, if present and not empty.
    #[must_use]
    pub fn text(&self, name: &str) -> Option<&str> {
        self.fields
            .get(name)
            .map(String::as_str)
            .filter(|text| !text.is_empty())
    }

    /// A field the answer cannot do without.
    pub fn required(&self, name: &str) -> Result<&str, UnknownCause> {
        self.text(name).ok_or(UnknownCause::Unparsable)
    }

    /// An integer field the answer cannot do without.
    pub fn required_int(&self, name: &str) -> Result<i64, UnknownCause> {
        self.required(name)?
            .trim()
            .parse()
            .map_err(|_| UnknownCause::Unparsable)
    }

    /// An optional integer field; present but not a number is an unreadable answer.
    pub fn optional_int(&self, name: &str) -> Result<Option<i64>, UnknownCause> {
        self.text(name)
            .map(|text| text.trim().parse().map_err(|_| UnknownCause::Unparsable))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_are_cut_on_character_boundaries() {
        let mut fields = RequestFields::new();
        fields
            .text_cut("order_desc", "一二三四五六", 4)
            .text_cut("order_title", "  ", 10);
        let signed = fields.sign_fields();
        assert_eq!(
            signed.get("order_desc").map(String::as_str),
            Some("一二三四")
        );
        assert_eq!(signed.get("order_title").map(String::as_str), Some("-"));
    }

    #[test]
    fn identity_fields_too_long_are_errors() {
        let mut fields = RequestFields::new();
        assert_eq!(
            fields
                .id("out_order_number", &"9".repeat(51), 50)
                .map(|_| ()),
            Err(RequestError::TooLong {
                field: "out_order_number",
                max: 50
            })
        );
        assert_eq!(
            fields.id("merchant_no", "", 29).map(|_| ()),
            Err(RequestError::Missing {
                field: "merchant_no"
            })
        );
        assert!(fields.int("total_fee", 10_000_000, 7).is_err());
        assert!(fields.int("total_fee", 9_999_999, 7).is_ok());
    }

    #[test]
    fn numbers_are_json_numbers_and_signed_as_text() {
        let mut fields = RequestFields::new();
        fields.int("total_fee", 1234, 7).ok();
        assert_eq!(fields.to_json("s")["total_fee"], Value::from(1234));
        assert_eq!(
            fields.sign_fields().get("total_fee").map(String::as_str),
            Some("1234")
        );
        assert_eq!(
            fields.to_form("s").first().map(|(_, v)| v.as_str()),
            Some("1234")
        );
    }

    #[test]
    fn answers_keep_scalars_as_text() {
        let json =
            serde_json::json!({"code": 1, "msg": null, "amt": "100", "ok": true, "data": {"x": 1}});
        let answer = AnswerFields::from_object(json.as_object().expect("object"));
        assert_eq!(answer.text("code"), Some("1"));
        assert_eq!(answer.text("msg"), None);
        assert_eq!(answer.text("data"), None);
        assert_eq!(answer.required_int("amt"), Ok(100));
        assert_eq!(answer.required("missing"), Err(UnknownCause::Unparsable));
    }
}
