//! The sandbox's qht endpoints (`/api/v1.0/…`), checked against the spec's tables.

use std::sync::Arc;
use std::time::SystemTime;

use axum::body::Bytes;
use axum::extract::State as Extract;
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::reply::{Reply, Scheme, Signing, respond};
use super::spec_fields::{self, FieldProblem, FieldSpec, Received};
use super::state::{Order, QhtMerchant, State, Status};
use super::test_codes::{behaviour_of, is_wallet_code};
use crate::gateway::Provider;
use crate::gateway::qht::ONBOARDING_KEY;
use crate::sign::qht_sign_verifies;

type Shared = Extract<Arc<State>>;

/// A refusal with one of the spec's codes: `{status, msg}`, unsigned.
fn refuse(code: &str, msg: &str) -> Reply {
    Reply::plain(object(json!({ "status": code, "msg": msg })))
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// The body as fields, or the refusal for an empty or non-JSON body.
fn parse(body: &Bytes) -> Result<Received, Reply> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(refuse("100001", "RequestContentIsNull"));
    }
    let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else {
        return Err(refuse("100002", "RequestContentIsIllegal"));
    };
    let mut received = Received::default();
    for (name, value) in map {
        let text = match value {
            Value::String(text) => text,
            Value::Number(number) => {
                received.numbers.push(name.clone());
                number.to_string()
            }
            Value::Null => continue,
            _ => return Err(refuse("100002", "RequestContentIsIllegal")),
        };
        received.text.insert(name, text);
    }
    Ok(received)
}

/// Checks the fields and the sign with `key`.
fn check(received: &Received, specs: &[FieldSpec], key: &str) -> Result<(), Reply> {
    spec_fields::check(received, specs, true).map_err(|problem| match problem {
        FieldProblem::Missing("sign") => refuse("600001", "SignIsNull"),
        FieldProblem::Missing("merchant_no") => refuse("300001", "MerchantNoIsNull"),
        FieldProblem::Missing("out_order_number") => refuse("400001", "OrderNoIsNull"),
        FieldProblem::Missing("request_id") => refuse("100003", "RequestIdIsNull"),
        FieldProblem::Missing("cellphone") => refuse("300003", "CellphoneIsNull"),
        FieldProblem::Missing("id_card") => refuse("300006", "IdCardIsNull"),
        FieldProblem::Missing("bank_code") => refuse("300008", "BankCodeIsNull"),
        FieldProblem::Missing(_) | FieldProblem::Invalid(_) => {
            refuse("100002", "RequestContentIsIllegal")
        }
    })?;
    // Either reading of empty fields (left out, or `k=`), as the client accepts in answers.
    if !qht_sign_verifies(&received.text, key, received.get("sign")) {
        return Err(refuse("600002", "SignError"));
    }
    if let Some(at) = received.text.get("request_at")
        && (at.len() != 14 || !at.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(refuse("100002", "RequestContentIsIllegal"));
    }
    Ok(())
}

/// The merchant's key, or a refusal.
fn merchant_key(state: &State, received: &Received) -> Result<String, Reply> {
    let merchant_no = received.get("merchant_no");
    if merchant_no.is_empty() {
        return Err(refuse("300001", "MerchantNoIsNull"));
    }
    state
        .lock()
        .qht_merchants
        .get(merchant_no)
        .map(|merchant| merchant.key.clone())
        .ok_or_else(|| refuse("300009", "MerchantNotExist"))
}

fn signed(body: Value, key: &str) -> Reply {
    Reply {
        body: object(body),
        nested: false,
        signing: Some(Signing {
            scheme: Scheme::Qht,
            key: key.to_owned(),
        }),
        amount_field: None,
    }
}

async fn finish(state: &Arc<State>, result: Result<Reply, Reply>) -> Response {
    respond(state, result.unwrap_or_else(|refusal| refusal)).await
}

/// 个人进件.
pub async fn import(Extract(state): Shared, body: Bytes) -> Response {
    let result = (|| {
        let received = parse(&body)?;
        check(&received, spec_fields::QHT_IMPORT, ONBOARDING_KEY)?;
        let mut inner = state.lock();
        let cellphone = received.get("cellphone");
        if inner
            .qht_merchants
            .values()
            .any(|m| m.cellphone == cellphone)
        {
            return Err(refuse("300004", "CellphoneExist"));
        }
        let merchant_no = inner.next_gateway_order_no("QHTM");
        let key = uuid::Uuid::new_v4().simple().to_string()[..15].to_owned();
        inner.qht_merchants.insert(
            merchant_no.clone(),
            QhtMerchant {
                key: key.clone(),
                cellphone: cellphone.to_owned(),
                id_card: received.get("id_card").to_owned(),
            },
        );
        Ok(signed(
            json!({"status": "000000", "msg": "Success", "merchant_no": merchant_no, "md5_key": key, "sign_type": "MD5"}),
            ONBOARDING_KEY,
        ))
    })();
    finish(&state, result).await
}

/// 个人进件查询.
pub async fn import_query(Extract(state): Shared, body: Bytes) -> Response {
    let result = (|| {
        let received = parse(&body)?;
        check(&received, spec_fields::QHT_IMPORT_QUERY, ONBOARDING_KEY)?;
        let inner = state.lock();
        let found = inner.qht_merchants.iter().find(|(_, m)| {
            m.cellphone == received.get("cellphone") && m.id_card == received.get("id_card")
        });
        let Some((merchant_no, merchant)) = found else {
            return Err(refuse("300009", "MerchantNotExist"));
        };
        Ok(signed(
            json!({"status": "000000", "msg": "Success", "merchant_no": merchant_no, "md5_key": merchant.key, "sign_type": "MD5"}),
            ONBOARDING_KEY,
        ))
    })();
    finish(&state, result).await
}

/// Creates the order for scan-code, bar-code and quick pay.
fn create(
    state: &State,
    received: &Received,
    allowed: &[&str],
    behaviour: Option<super::test_codes::Behaviour>,
) -> Result<Order, Reply> {
    let payment = received.get("payment");
    if !allowed.contains(&payment) {
        return Err(refuse("100002", "RequestContentIsIllegal"));
    }
    let fen: i64 = received.get("total_fee").parse().unwrap_or(0);
    if fen <= 0 {
        return Err(refuse("100002", "RequestContentIsIllegal"));
    }
    let merchant = received.get("merchant_no").to_owned();
    let order_no = received.get("out_order_number").to_owned();
    let key = (Provider::Qht, merchant.clone(), order_no.clone());
    let mut inner = state.lock();
    if inner.orders.contains_key(&key) {
        return Err(refuse("400002", "OrderNOIsExist"));
    }
    let pay_token = uuid::Uuid::new_v4().simple().to_string();
    let order = Order {
        provider: Provider::Qht,
        merchant,
        order_no,
        gateway_order_no: inner.next_gateway_order_no("QHT"),
        pay_code: payment.to_owned(),
        asked_li: fen * 10,
        pay_li: fen * 10,
        created: SystemTime::now(),
        behaviour,
        status: Status::Pending,
        notify_url: None,
        call: None,
        pay_token: pay_token.clone(),
        settlement: Some(received.get("settlement").to_owned()).filter(|s| !s.is_empty()),
    };
    inner.tokens.insert(pay_token, key.clone());
    inner.orders.insert(key, order.clone());
    Ok(order)
}

/// 扫码支付.
pub async fn scan_code_pay(Extract(state): Shared, body: Bytes) -> Response {
    let result = (|| {
        let received = parse(&body)?;
        let key = merchant_key(&state, &received)?;
        check(&received, spec_fields::QHT_SCAN_CODE_PAY, &key)?;
        let order = create(&state, &received, &["100", "200"], None)?;
        let url = format!("{}/sandbox/pay/{}", state.base_url, order.pay_token);
        let (code_url, code_img_url) = super::qr_picture::qr_fields(&state, &url);
        // The spec lists no sign for this answer.
        Ok(Reply::plain(object(json!({
            "status": "000000", "msg": "Success", "code_url": code_url, "code_img_url": code_img_url
        }))))
    })();
    finish(&state, result).await
}

/// 条码支付: the scanned code decides what happens (see `test_codes`).
pub async fn bar_code_pay(Extract(state): Shared, body: Bytes) -> Response {
    let result = (|| {
        let received = parse(&body)?;
        let key = merchant_key(&state, &received)?;
        check(&received, spec_fields::QHT_BAR_CODE_PAY, &key)?;
        let auth_code = received.get("auth_code");
        if !is_wallet_code(auth_code) {
            return Err(refuse("100002", "RequestContentIsIllegal"));
        }
        let order = create(
            &state,
            &received,
            &["101", "201"],
            Some(behaviour_of(auth_code)),
        )?;
        Ok(signed(
            json!({
                "status": "000000", "msg": "Success", "sign_type": "MD5",
                "merchant_no": order.merchant, "payment": order.pay_code,
                "out_order_number": order.order_no, "order_number": order.gateway_order_no,
                "settlement": received.get("settlement"),
            }),
            &key,
        ))
    })();
    finish(&state, result).await
}

/// 快捷支付: answers with a page that leads to the sandbox's pay page.
pub async fn quick_pay(Extract(state): Shared, body: Bytes) -> Response {
    let result = (|| {
        let received = parse(&body)?;
        let key = merchant_key(&state, &received)?;
        check(&received, spec_fields::QHT_QUICK_PAY, &key)?;
        // The card type and the settle make the payment code, which quick pay does not send.
        let payment = match (received.get("card_type"), received.get("settle")) {
            ("debit", "T1") => "301",
            ("debit", "D0") => "302",
            ("credit", "T1") => "303",
            ("credit", "D0") => "304",
            _ => return Err(refuse("100002", "RequestContentIsIllegal")),
        };
        let mut with_payment = received.clone();
        with_payment
            .text
            .insert("payment".to_owned(), payment.to_owned());
        with_payment
            .text
            .insert("settlement".to_owned(), received.get("settle").to_owned());
        let order = create(&state, &with_payment, &[payment], None)?;
        let amount = crate::money::Money::from_li(order.asked_li);
        let card = crate::secret::mask_number(received.get("payer_account"));
        // The bank's page as a customer sees it: the amount, the card masked, one link that
        // completes the payment (the sandbox asks no SMS code).
        let content = format!(
            "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
             <title>快捷支付</title></head><body style=\"font-family:sans-serif;text-align:center\">\
             <h1>快捷支付 {amount}</h1><p>银行卡 {card}</p>\
             <p><a href=\"{}/sandbox/pay/{}\">确认支付</a></p>\
             <p>沙箱网关 · Sandbox gateway: no real money moves.</p></body></html>",
            state.base_url, order.pay_token
        );
        Ok(signed(
            json!({"status": "000000", "content": content}),
            &key,
        ))
    })();
    finish(&state, result).await
}

/// 订单查询.
pub async fn order_query(Extract(state): Shared, body: Bytes) -> Response {
    let delay = state.query_delay();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let result = (|| {
        let received = parse(&body)?;
        let key = merchant_key(&state, &received)?;
        check(&received, spec_fields::QHT_ORDER_QUERY, &key)?;
        let order_key = (
            Provider::Qht,
            received.get("merchant_no").to_owned(),
            received.get("out_order_number").to_owned(),
        );
        let mut inner = state.lock();
        let Some(order) = inner.orders.get_mut(&order_key) else {
            return Err(refuse("400005", "OrderNotExist"));
        };
        order.advance(
            SystemTime::now(),
            state.speedup,
            chrono::Utc::now().timestamp(),
        );
        let (order_status, msg) = match &order.status {
            Status::Pending => ("Unknow", "OrderSuccess"),
            Status::Paid(_) => ("Success", "OrderSuccess"),
            Status::Failed(reason) => ("Fail", reason.as_str()),
        };
        let mut reply = signed(
            json!({
                "status": "000000", "msg": msg, "sign_type": "MD5",
                "merchant_no": order.merchant, "payment": order.pay_code,
                "total_fee": order.pay_li / 10, "out_order_number": order.order_no,
                "order_number": order.gateway_order_no,
                "settlement": order.settlement.as_deref().unwrap_or("T1"), "order_status": order_status,
            }),
            &key,
        );
        reply.amount_field = Some(("total_fee", 100));
        Ok(reply)
    })();
    finish(&state, result).await
}
