//! The customer-pays page: opening a sandbox order's `code_url` pays it, as a customer's wallet
//! would.

use std::sync::Arc;

use axum::extract::{Path, State as Extract};
use axum::response::Html;

use super::state::{State, Status};
use crate::gateway::Provider;
use crate::money::Money;

/// Pays the order behind `token` and says so. Opening a paid saveable WeChat QR (14) again pays
/// again, as a repeated payment (补单) with its own order number.
pub async fn pay(Extract(state): Extract<Arc<State>>, Path(token): Path<String>) -> Html<String> {
    let now = chrono::Utc::now().timestamp();
    let outcome = {
        let mut inner = state.lock();
        let Some(key) = inner.tokens.get(&token).cloned() else {
            return page("订单不存在", "This order does not exist.");
        };
        let repeat_no = inner.next_gateway_order_no("RP");
        let Some(order) = inner.orders.get_mut(&key) else {
            return page("订单不存在", "This order does not exist.");
        };
        match order.status {
            Status::Pending => {
                order.status = Status::Paid(now);
                Some((order.clone(), None))
            }
            Status::Paid(_) if order.provider == Provider::Changpay && order.pay_code == "14" => {
                let original = order.clone();
                inner
                    .repeats
                    .push((original.order_no.clone(), repeat_no.clone()));
                Some((original, Some(repeat_no)))
            }
            Status::Paid(_) | Status::Failed(_) => None,
        }
    };
    match outcome {
        Some((order, repeat_no)) => {
            if order.provider == Provider::Changpay {
                super::notifier::notify_paid(&state, &order, repeat_no.as_deref());
            }
            let amount = Money::from_li(order.pay_li);
            page(
                &format!("支付成功 {amount}"),
                &format!("Paid {amount} for order {}", order.order_no),
            )
        }
        None => page("该订单已处理", "This order was already paid or declined."),
    }
}

fn page(zh: &str, en: &str) -> Html<String> {
    Html(format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\"><title>沙箱支付</title></head>\
         <body style=\"font-family:sans-serif;text-align:center;margin-top:20vh\">\
         <h1>{zh}</h1><p>{en}</p><p>沙箱网关 · Sandbox gateway: no real money moves.</p></body></html>"
    ))
}
