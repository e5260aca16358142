//! Turning a handler's answer into an HTTP response: signing it, then applying a queued fault.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use super::faults::Fault;
use super::state::{EmptyFields, FlatCoverage, State};
use crate::sign::{SignFields, changpay_sign, qht_sign, qht_sign_with_empty};

/// Which scheme signs an answer.
#[derive(Debug, Clone, Copy)]
pub enum Scheme {
    /// `&key=` appended.
    Qht,
    /// `mch_key` sorted in.
    Changpay,
}

/// How an answer is signed.
#[derive(Debug, Clone)]
pub struct Signing {
    /// The scheme.
    pub scheme: Scheme,
    /// The key.
    pub key: String,
}

/// An answer before signing and faults.
#[derive(Debug, Clone)]
pub struct Reply {
    /// The JSON object.
    pub body: Map<String, Value>,
    /// Whether the details sit in `data` (changpay), which is then what the sign covers.
    pub nested: bool,
    /// How to sign it; `None` for the answers the spec lists without a sign.
    pub signing: Option<Signing>,
    /// The amount field a wrong-amount fault changes, and by how much (¥1 in its unit).
    pub amount_field: Option<(&'static str, i64)>,
}

impl Reply {
    /// An unsigned answer.
    #[must_use]
    pub fn plain(body: Map<String, Value>) -> Reply {
        Reply {
            body,
            nested: false,
            signing: None,
            amount_field: None,
        }
    }

    /// The object the sign covers.
    fn target(&mut self) -> &mut Map<String, Value> {
        if self.nested && matches!(self.body.get("data"), Some(Value::Object(_))) {
            match self.body.get_mut("data") {
                Some(Value::Object(data)) => data,
                _ => unreachable!("checked just above"),
            }
        } else {
            &mut self.body
        }
    }
}

/// A JSON object's scalar fields as text, as both specs sign them.
fn scalar_text(object: &Map<String, Value>) -> SignFields {
    object
        .iter()
        .filter_map(|(name, value)| match value {
            Value::String(text) => Some((name.clone(), text.clone())),
            Value::Number(number) => Some((name.clone(), number.to_string())),
            _ => None,
        })
        .collect()
}

/// Signs `reply`, applies the next queued fault, and makes the response.
pub async fn respond(state: &Arc<State>, mut reply: Reply) -> Response {
    let fault = state.next_fault();
    if fault == Some(Fault::WrongAmount)
        && let Some((field, step)) = reply.amount_field
    {
        let target = reply.target();
        if let Some(amount) = target.get(field).and_then(Value::as_i64) {
            target.insert(field.to_owned(), Value::from(amount + step));
        }
    }
    if let Some(signing) = reply.signing.clone() {
        let readings = state.readings();
        let nested = reply.nested;
        let target = reply.target();
        target.remove("sign");
        if matches!(signing.scheme, Scheme::Qht) && readings.qht_empty_msg.is_some() {
            target.insert("msg".to_owned(), Value::String(String::new()));
        }
        let mut fields = scalar_text(target);
        let sign = match signing.scheme {
            Scheme::Qht if readings.qht_empty_msg == Some(EmptyFields::Signed) => {
                qht_sign_with_empty(&fields, &signing.key)
            }
            Scheme::Qht => qht_sign(&fields, &signing.key),
            Scheme::Changpay => {
                if !nested && readings.changpay_flat == FlatCoverage::DetailsOnly {
                    fields.remove("code");
                    fields.remove("msg");
                }
                changpay_sign(&fields, &signing.key)
            }
        };
        target.insert("sign".to_owned(), Value::String(sign));
    }
    if fault == Some(Fault::BadSign) {
        reply
            .target()
            .insert("sign".to_owned(), Value::String("0".repeat(32)));
    }
    let changpay_shaped = matches!(
        reply.signing,
        Some(Signing {
            scheme: Scheme::Changpay,
            ..
        })
    ) || reply.body.contains_key("code");
    let json = Value::Object(reply.body).to_string();
    match fault {
        Some(Fault::Timeout) => {
            tokio::time::sleep(state.fault_delay).await;
            json_response(json)
        }
        Some(Fault::Drop) => {
            // Half an answer, then the stream fails and the server drops the connection.
            let half = json[..json.len() / 2].to_owned();
            let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
                Ok(Bytes::from(half)),
                Err(std::io::Error::other(
                    "connection dropped by fault injection",
                )),
            ];
            let body = Body::from_stream(futures_util::stream::iter(chunks));
            ([(header::CONTENT_TYPE, "application/json")], body).into_response()
        }
        Some(Fault::ServerError) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            [(header::CONTENT_TYPE, "text/html")],
            "<html><body><h1>500 Internal Server Error</h1></body></html>",
        )
            .into_response(),
        Some(Fault::Html) => (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            "<!DOCTYPE html><html><body>系统维护中，请稍后再试</body></html>",
        )
            .into_response(),
        Some(Fault::Empty) => ([(header::CONTENT_TYPE, "application/json")], "").into_response(),
        Some(Fault::UnsignedRefusal) => {
            let refusal = if changpay_shaped {
                r#"{"code":113,"msg":"系统API异常"}"#
            } else {
                r#"{"status":"400003","msg":"BeyondMaxQuota"}"#
            };
            json_response(refusal.to_owned())
        }
        Some(Fault::BadSign | Fault::WrongAmount) | None => json_response(json),
    }
}

fn json_response(json: String) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        json,
    )
        .into_response()
}
