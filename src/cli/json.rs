//! The JSON the CLI prints: amounts as yuan strings (`"12.34"`), times in the history's zone.

use chrono::FixedOffset;
use serde_json::{Value, json};

use crate::ledger::{EventRecord, OrderRecord};

/// An order as one JSON object.
#[must_use]
pub fn order(order: &OrderRecord, offset: FixedOffset) -> Value {
    json!({
        "order_no": order.order_no,
        "status": order.status.as_str(),
        "status_name": order.status.zh_name(),
        "amount": order.amount.yuan_text(),
        "paid_amount": order.paid.map(crate::money::Money::yuan_text),
        "method": order.method.slug(),
        "method_name": order.method.zh_name(),
        "provider": order.provider.id(),
        "till": order.till_id,
        "late": order.late,
        "repeat_of": order.repeat_of,
        "gateway_order_no": order.gateway_order_no,
        "shown": order.shown,
        "auth_code": order.auth_code_masked,
        "created_at": order.created_at.with_timezone(&offset).to_rfc3339(),
        "paid_at": order.paid_at.map(|t| t.with_timezone(&offset).to_rfc3339()),
        "error": order.last_error,
    })
}

/// A status move as one JSON object.
#[must_use]
pub fn event(event: &EventRecord, offset: FixedOffset) -> Value {
    json!({
        "event": "history",
        "at": event.at.with_timezone(&offset).to_rfc3339(),
        "from": event.from.map(crate::status::OrderStatus::as_str),
        "to": event.to.as_str(),
        "source": event.source,
        "gateway_status": event.gateway_status,
        "detail": event.detail,
    })
}
