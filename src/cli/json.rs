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

/// A shift's report as one JSON object; amounts as yuan strings (`"12.30"`).
#[must_use]
pub fn shift_report(report: &crate::ledger::ShiftReport, offset: FixedOffset) -> Value {
    use crate::money::Money;
    let by_method: Vec<Value> = report
        .by_method
        .iter()
        .map(|line| {
            json!({
                "method": line.method.slug(),
                "method_name": line.method.zh_name(),
                "count": line.count,
                "amount": line.amount.yuan_text(),
            })
        })
        .collect();
    let late: Vec<Value> = report
        .late_payments
        .iter()
        .map(|late| {
            json!({
                "order_no": late.order_no,
                "method": late.method.slug(),
                "amount": late.amount.yuan_text(),
                "sold_in_shift": late.sold_in_shift,
            })
        })
        .collect();
    json!({
        "shift": report.shift,
        "cashier": report.cashier,
        "opened_at": report.opened_at.with_timezone(&offset).to_rfc3339(),
        "closed_at": report.closed_at.map(|t| t.with_timezone(&offset).to_rfc3339()),
        "float": report.float.yuan_text(),
        "order_count": report.order_count,
        "paid": report.paid.yuan_text(),
        "paid_count": report.paid_count,
        "by_method": by_method,
        "failed": report.failed_count,
        "unresolved": report.unresolved,
        "late_payments": late,
        "late_paid": report.late_paid.yuan_text(),
        "refunds": report.refunds.iter().map(refund_json).collect::<Vec<Value>>(),
        "refunded": report.refunded.yuan_text(),
        "cash_expected": report.cash_expected.yuan_text(),
        "cash_counted": report.cash_counted.map(Money::yuan_text),
        "difference": report.difference.map(Money::yuan_text),
    })
}

/// One refund as the CLI's JSON gives it.
pub fn refund_json(refund: &crate::ledger::Refund) -> Value {
    json!({
        "order_no": refund.order_no,
        "amount": refund.amount.yuan_text(),
        "way": refund.way.slug(),
        "reason": refund.reason,
        "who": refund.who,
        "at": refund.at.to_rfc3339(),
        "shift": refund.shift_id,
    })
}

/// The day's close (日结) as one JSON object.
pub fn day_report(report: &crate::ledger::DayReport, offset: chrono::FixedOffset) -> Value {
    let by_method: Vec<Value> = report
        .by_method
        .iter()
        .map(|line| json!({"method": line.method.slug(), "count": line.count, "paid": line.amount.yuan_text()}))
        .collect();
    let by_cashier: Vec<Value> = report
        .by_cashier
        .iter()
        .map(|line| json!({"cashier": line.cashier, "paid_count": line.paid_count, "paid": line.paid.yuan_text()}))
        .collect();
    json!({
        "day": report.day.to_string(),
        "order_count": report.order_count,
        "paid_count": report.paid_count,
        "paid": report.paid.yuan_text(),
        "by_method": by_method,
        "by_cashier": by_cashier,
        "failed": report.failed_count,
        "unresolved": report.unresolved_count,
        "refunds": report.refunds.iter().map(refund_json).collect::<Vec<Value>>(),
        "refunded": report.refunded.yuan_text(),
        "net": report.net.yuan_text(),
        "cash_net": report.cash_net.yuan_text(),
        "shifts": report.shifts.iter().map(|shift| shift_report(shift, offset)).collect::<Vec<Value>>(),
    })
}
