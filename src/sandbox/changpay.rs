//! The sandbox's changpay endpoints (`/api/v1/*.api`, `/api/fetch_order.api`).

use std::sync::Arc;
use std::time::SystemTime;

use axum::body::Bytes;
use axum::extract::ConnectInfo;
use axum::extract::{Path, State as Extract};
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::reply::{Reply, Scheme, Signing, respond};
use super::spec_fields::{self, FieldProblem, FieldSpec, Received};
use super::state::{Order, State, Status};
use crate::gateway::Provider;
use crate::sign::{changpay_sign, signs_match};

type Shared = Extract<Arc<State>>;

/// The sandbox's own copy of the spec's URI table (42 and 43 by their names, README decisions).
const URIS: &[(&str, u16)] = &[
    ("union.api", 1),
    ("union_qrcode.api", 2),
    ("quick.api", 3),
    ("quick_page.api", 4),
    ("quick_bank.api", 6),
    ("wx_qrcode.api", 10),
    ("wx_h5.api", 11),
    ("wx_app.api", 12),
    ("wx_public_sign.api", 13),
    ("wx_qrcode_plus.api", 14),
    ("ali_qrcode.api", 20),
    ("ali_h5.api", 22),
    ("ali_service.api", 23),
    ("qq_wap.api", 30),
    ("qq_qrcode.api", 31),
    ("jd_wap.api", 40),
    ("jd_qrcode.api", 41),
    ("wx_bank_transfer.api", 42),
    ("ali_bank_transfer.api", 43),
    ("card_bank_transfer.api", 44),
    ("wx_transfer.api", 60),
    ("ali_transfer.api", 61),
    ("kf_recharge.api", 62),
];

/// The SMS code the sandbox's quick pay accepts.
pub const QUICK_PAY_SMS_CODE: &str = "123456";

fn refuse(code: u16, msg: &str) -> Reply {
    Reply::plain(object(json!({ "code": code, "msg": msg })))
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn parse(body: &Bytes) -> Result<Received, Reply> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_bytes(body).map_err(|_| refuse(100, "参数格式错误"))?;
    if pairs.is_empty() {
        return Err(refuse(100, "缺少必要的参数"));
    }
    Ok(Received {
        text: pairs.into_iter().collect(),
        numbers: Vec::new(),
    })
}

/// Checks fields, merchant and sign; returns the merchant's key.
fn check(state: &State, received: &Received, specs: &[FieldSpec]) -> Result<String, Reply> {
    spec_fields::check(received, specs, false).map_err(|problem| match problem {
        FieldProblem::Missing(_) => refuse(100, "缺少必要的参数"),
        FieldProblem::Invalid(_) => refuse(110, "参数错误"),
    })?;
    let key = state
        .lock()
        .changpay_merchants
        .get(received.get("mch_id"))
        .cloned()
        .ok_or_else(|| refuse(102, "找不到对应的商户"))?;
    if !signs_match(&changpay_sign(&received.text, &key), received.get("sign")) {
        return Err(refuse(101, "检验参数错误"));
    }
    Ok(key)
}

async fn finish(state: &Arc<State>, result: Result<Reply, Reply>) -> Response {
    respond(state, result.unwrap_or_else(|refusal| refusal)).await
}

/// Any request method but POST: code 111.
pub async fn wrong_method(Extract(state): Shared) -> Response {
    respond(&state, refuse(111, "请求方法异常")).await
}

/// 创建订单 for the pay type named by the URI.
pub async fn create(
    Extract(state): Shared,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    Path(uri): Path<String>,
    body: Bytes,
) -> Response {
    let result = (|| {
        let Some(&(_, pay_type)) = URIS.iter().find(|(name, _)| *name == uri) else {
            return Err(refuse(113, "支付API不存在"));
        };
        let received = parse(&body)?;
        check(&state, &received, spec_fields::CHANGPAY_CREATE)?;
        let needs: &[&str] = match pay_type {
            42..=44 => &["user_portrait_id", "user_portrait_name"],
            23 => &["user_portrait_id"],
            3 => &[
                "bank_account",
                "bank_phone",
                "bank_user_name",
                "bank_id_card",
            ],
            _ => &[],
        };
        if needs.iter().any(|field| received.get(field).is_empty()) {
            return Err(refuse(100, "缺少必要的参数"));
        }
        let asked_li: i64 = received.get("amt").parse().unwrap_or(0);
        if asked_li <= 0 {
            return Err(refuse(110, "金额错误"));
        }
        let notify_url = trusted_notify_url(peer.ip(), received.get("notify_url"));
        let order = insert_order(&state, &received, pay_type, asked_li, notify_url)?;
        Ok(create_reply(&state, &order, pay_type))
    })();
    finish(&state, result).await
}

/// Where the sandbox may notify: only the machine that asked, so a requester elsewhere on the LAN
/// (`cashier sandbox --lan`) cannot make the sandbox call a port on this machine. The notifier
/// then calls only loopback addresses.
fn trusted_notify_url(requester: std::net::IpAddr, asked: &str) -> Option<String> {
    requester.is_loopback().then(|| asked.to_owned())
}

fn insert_order(
    state: &State,
    received: &Received,
    pay_type: u16,
    asked_li: i64,
    notify_url: Option<String>,
) -> Result<Order, Reply> {
    let merchant = received.get("mch_id").to_owned();
    let order_no = received.get("mch_order").to_owned();
    let key = (Provider::Changpay, merchant.clone(), order_no.clone());
    let pay_token = uuid::Uuid::new_v4().simple().to_string();
    // A bank transfer asks for a slightly different amount, so the gateway can tell transfers
    // apart: the customer pays 0.01 to 0.09 less (README decisions: amt can differ from mch_amt).
    let pay_li = if matches!(pay_type, 42..=44) && asked_li > 1000 {
        asked_li - i64::from(pay_token.as_bytes()[0] % 9 + 1) * 10
    } else {
        asked_li
    };
    let mut inner = state.lock();
    if inner.orders.contains_key(&key) {
        return Err(refuse(110, "订单号重复"));
    }
    let order = Order {
        provider: Provider::Changpay,
        merchant,
        order_no,
        gateway_order_no: inner.next_gateway_order_no("CP"),
        pay_code: pay_type.to_string(),
        asked_li,
        pay_li,
        created: SystemTime::now(),
        behaviour: None,
        status: Status::Pending,
        notify_url,
        call: Some(received.get("call").to_owned()).filter(|call| !call.is_empty()),
        pay_token: pay_token.clone(),
        settlement: None,
    };
    inner.tokens.insert(pay_token, key.clone());
    inner.orders.insert(key, order.clone());
    Ok(order)
}

/// The create answer: nested in `data`, unsigned as the spec lists it, with what the pay type gives.
fn create_reply(state: &State, order: &Order, pay_type: u16) -> Reply {
    let pay_page = format!("{}/sandbox/pay/{}", state.base_url, order.pay_token);
    let mut data = object(json!({
        "mch_id": order.merchant, "channel_id": 1, "op_channel_id": 1, "pay_type": pay_type,
        "api_id": 1, "mch_order": order.order_no, "created_at": chrono::Utc::now().timestamp(),
    }));
    let mut put = |name: &str, value: Value| {
        data.insert(name.to_owned(), value);
    };
    match pay_type {
        2 | 10 | 14 | 20 | 31 | 41 => {
            let (code_url, code_img_url) = super::qr_picture::qr_fields(state, &pay_page);
            put("code_url", code_url.into());
            put("code_img_url", code_img_url.into());
        }
        1 | 4 | 6 | 11 | 22 | 23 | 30 => put("pay_info", pay_page.into()),
        40 => put("pay_url", pay_page.into()),
        12 => {
            put("services", "pay.weixin.app".into());
            put("token_id", order.pay_token.clone().into());
        }
        13 => put(
            "pay_info",
            json!({ "appId": "sandbox", "package": format!("prepay_id={}", order.pay_token) })
                .to_string()
                .into(),
        ),
        3 => put("token_id", order.pay_token.clone().into()),
        42..=44 => {
            put("op_amt", order.asked_li.to_string().into());
            put("amt", order.pay_li.to_string().into());
            put("bank_card", "6222020200112233445".into());
            put("bank_name", "中国工商银行".into());
            put("real_name", "沙箱收款人".into());
            put("code", order.pay_token[..6].to_uppercase().into());
            // Not in the spec's fields: lets a tester "make the transfer" from the app.
            put("pay_url", pay_page.into());
        }
        _ => {
            put("code", order.pay_token[..6].to_uppercase().into());
            put("account", "sandbox-collect@example.com".into());
            put("pay_url", pay_page.into());
        }
    }
    let mut reply = Reply::plain(object(json!({ "code": 1, "msg": "success" })));
    reply.body.insert("data".to_owned(), Value::Object(data));
    reply.nested = true;
    reply
}

/// The flat, signed order answer of `fetch_order` and `quick_confirm`.
fn order_reply(order: &Order, key: &str) -> Reply {
    let (status, success_at) = match order.status {
        Status::Paid(at) => (2, at.to_string()),
        Status::Pending | Status::Failed(_) => (1, String::new()),
    };
    let mut body = object(json!({
        "code": 1, "msg": "success", "sign_type": "md5", "mch_id": order.merchant, "service": order.pay_code.parse::<i64>().unwrap_or(0),
        "mch_order": order.order_no, "amt": order.pay_li, "mch_amt": order.asked_li, "amt_type": "cny",
        "status": status, "created_at": chrono::Utc::now().timestamp(),
    }));
    if !success_at.is_empty() {
        body.insert(
            "success_at".to_owned(),
            Value::from(success_at.parse::<i64>().unwrap_or(0)),
        );
    }
    Reply {
        body,
        nested: false,
        signing: Some(Signing {
            scheme: Scheme::Changpay,
            key: key.to_owned(),
        }),
        amount_field: Some(("amt", 1000)),
    }
}

/// 订单查询.
pub async fn fetch_order(Extract(state): Shared, body: Bytes) -> Response {
    let delay = state.query_delay();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let result = (|| {
        let received = parse(&body)?;
        let key = check(&state, &received, spec_fields::CHANGPAY_FETCH_ORDER)?;
        let order_key = (
            Provider::Changpay,
            received.get("mch_id").to_owned(),
            received.get("mch_order").to_owned(),
        );
        let inner = state.lock();
        let order = inner
            .orders
            .get(&order_key)
            .ok_or_else(|| refuse(103, "订单号不存在"))?;
        Ok(order_reply(&state.as_queried(order), &key))
    })();
    finish(&state, result).await
}

/// 快捷支付确认下单: the SMS code [`QUICK_PAY_SMS_CODE`] pays a quick-pay order.
pub async fn quick_confirm(Extract(state): Shared, body: Bytes) -> Response {
    let result = (|| {
        let received = parse(&body)?;
        let key = check(&state, &received, spec_fields::CHANGPAY_QUICK_CONFIRM)?;
        let order_key = (
            Provider::Changpay,
            received.get("mch_id").to_owned(),
            received.get("mch_order").to_owned(),
        );
        let paid = {
            let mut inner = state.lock();
            let order = inner
                .orders
                .get_mut(&order_key)
                .ok_or_else(|| refuse(103, "订单号不存在"))?;
            if order.pay_code != "3" || received.get("code") != QUICK_PAY_SMS_CODE {
                return Err(refuse(110, "验证码错误"));
            }
            if order.status == Status::Pending {
                order.status = Status::Paid(chrono::Utc::now().timestamp());
            }
            order.clone()
        };
        Ok((order_reply(&paid, &key), paid))
    })();
    match result {
        Ok((reply, paid)) => {
            super::notifier::notify_paid(&state, &paid, None);
            respond(&state, reply).await
        }
        Err(refusal) => respond(&state, refusal).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_requester_on_this_machine_is_notified() {
        let url = "http://127.0.0.1:22/anything";
        assert_eq!(
            trusted_notify_url([127, 0, 0, 1].into(), url).as_deref(),
            Some(url)
        );
        assert_eq!(trusted_notify_url([192, 168, 1, 7].into(), url), None);
        assert_eq!(
            trusted_notify_url(std::net::Ipv6Addr::LOCALHOST.into(), url).as_deref(),
            Some(url)
        );
    }
}
