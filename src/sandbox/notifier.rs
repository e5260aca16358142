//! changpay notifications: POSTed to `notify_url` once an order is paid, retried on the spec's
//! schedule until the receiver answers `success`.

use std::sync::Arc;
use std::time::Duration;

use super::state::{NotificationAttempt, Order, State, Status};
use crate::sign::{SignFields, changpay_sign};

/// The spec's schedule: the wait before each try, in seconds.
pub const SCHEDULE_SECS: [u64; 9] = [0, 5, 10, 15, 30, 180, 300, 600, 1800];

/// Starts notifying that `order` was paid. For a repeated payment (补单), `repeat_no` is the
/// repeat's own order number and the original goes in `origin_order`.
pub fn notify_paid(state: &Arc<State>, order: &Order, repeat_no: Option<&str>) {
    let Some(url) = order.notify_url.clone().filter(|url| is_loopback(url)) else {
        // The sandbox only ever talks to this machine: a notify_url elsewhere is not called.
        tracing::info!(order = %order.order_no, "notify_url is not on this machine; not notifying");
        return;
    };
    let Status::Paid(paid_at) = order.status else {
        return;
    };
    let Some(key) = state
        .lock()
        .changpay_merchants
        .get(&order.merchant)
        .cloned()
    else {
        return;
    };
    let mut fields: SignFields = [
        ("mch_id", order.merchant.clone()),
        ("service", order.pay_code.clone()),
        (
            "mch_order",
            repeat_no.map_or_else(|| order.order_no.clone(), str::to_owned),
        ),
        ("amt", order.pay_li.to_string()),
        ("mch_amt", order.asked_li.to_string()),
        ("sign_type", "md5".to_owned()),
        ("amt_type", "cny".to_owned()),
        ("status", "2".to_owned()),
        ("created_at", chrono::Utc::now().timestamp().to_string()),
        ("success_at", paid_at.to_string()),
        ("call", order.call.clone().unwrap_or_default()),
        (
            "origin_order",
            if repeat_no.is_some() {
                order.order_no.clone()
            } else {
                String::new()
            },
        ),
    ]
    .into_iter()
    .filter(|(_, value)| !value.is_empty())
    .map(|(name, value)| (name.to_owned(), value))
    .collect();
    let sign = changpay_sign(&fields, &key);
    fields.insert("sign".to_owned(), sign);
    let state = Arc::clone(state);
    let order_no = order.order_no.clone();
    tokio::spawn(async move { deliver(&state, &url, &fields, &order_no).await });
}

async fn deliver(state: &State, url: &str, fields: &SignFields, order_no: &str) {
    let Ok(client) = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
    else {
        return;
    };
    for (index, wait_secs) in SCHEDULE_SECS.iter().enumerate() {
        tokio::time::sleep(state.scaled(Duration::from_secs(*wait_secs))).await;
        let answer = client.post(url).form(fields).send().await;
        let acknowledged = match answer {
            Ok(response) => response
                .text()
                .await
                .is_ok_and(|body| body.trim() == "success"),
            Err(_) => false,
        };
        let attempt = u32::try_from(index + 1).unwrap_or(u32::MAX);
        state.lock().notifications.push(NotificationAttempt {
            order_no: order_no.to_owned(),
            attempt,
            acknowledged,
        });
        if acknowledged {
            return;
        }
    }
}

/// Whether `url` points at this machine.
fn is_loopback(url: &str) -> bool {
    let Ok(parsed) = reqwest::Url::parse(url) else {
        return false;
    };
    let Some(host) = parsed.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_machine_is_notified() {
        assert!(is_loopback("http://127.0.0.1:8080/notify"));
        assert!(is_loopback("http://localhost/notify"));
        assert!(is_loopback("http://[::1]:9/notify"));
        assert!(!is_loopback("http://192.168.1.10/notify"));
        assert!(!is_loopback("https://example.com/notify"));
        assert!(!is_loopback("not a url"));
    }
}
