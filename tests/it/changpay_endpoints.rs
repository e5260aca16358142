//! The real changpay client against the sandbox over loopback: create for every pay type with a
//! URI, `fetch_order`, `quick_confirm` and notifications.

use crate::common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::routing::post;
use cashier::gateway::changpay::{
    BankCard, ChangpayStatus, CreateOrder, PAY_TYPES, Payer, parse_notification,
};
use cashier::gateway::{GatewayError, OrderState, PayDisplay, PayMethod, Provider};
use cashier::money::Money;
use cashier::sandbox::{CHANGPAY_KEY, QUICK_PAY_SMS_CODE};
use common::{gateway, gateway_with_key, new_order, open, sandbox};

fn payer() -> Payer {
    Payer {
        id: "payer-001".into(),
        name: "李四".into(),
    }
}

fn card() -> BankCard {
    BankCard {
        account: "6222021234567891234".into(),
        phone: "13800138000".into(),
        user_name: "李四".into(),
        id_card: "44142719900101123X".into(),
        card_type: 10,
        bank_code: 1001,
    }
}

fn create(pay_type: u16, amount_li: i64) -> CreateOrder {
    CreateOrder {
        pay_type,
        mch_order: common::order_no("cp"),
        amount: Money::from_li(amount_li),
        remark: "产品备注".into(),
        call: Some("{user:1}".into()),
        payer: matches!(pay_type, 23 | 42..=44).then(payer),
        bank_card: (pay_type == 3).then(card),
        callback_url: None,
    }
}

#[tokio::test]
async fn every_pay_type_with_a_uri_creates_an_order_that_can_be_fetched() {
    let sandbox = sandbox().await;
    let gateway = gateway(&sandbox, Provider::Changpay);
    let client = gateway.as_changpay().expect("changpay");
    for pay_type in PAY_TYPES {
        let request = create(pay_type.code, 12_340);
        let created = client
            .create_order(&request)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", pay_type.zh));
        let shown = [
            &created.code_url,
            &created.pay_info,
            &created.pay_url,
            &created.token_id,
            &created.note_code,
        ];
        assert!(
            shown.iter().any(|field| field.is_some()),
            "{} gave nothing to show",
            pay_type.zh
        );
        let order = client
            .fetch_order(&request.mch_order)
            .await
            .expect("fetched");
        assert_eq!(order.status, ChangpayStatus::Unpaid);
        assert_eq!(order.merchant_amount, Money::from_li(12_340));
    }
}

#[tokio::test]
async fn a_qr_order_is_paid_and_fetch_order_says_so() {
    let sandbox = sandbox().await;
    let gateway = gateway(&sandbox, Provider::Changpay);
    for method in gateway
        .methods()
        .filter(|m| m.kind() == cashier::gateway::MethodKind::ScanQr)
    {
        let order = new_order(method, 10);
        let created = gateway.create_qr_order(&order).await.expect("created");
        let PayDisplay::QrCode(code_url) = created.display else {
            panic!("{method:?} shows a QR")
        };
        assert_eq!(
            gateway.query_order(&order.order_no).await,
            Ok(OrderState::Waiting)
        );
        open(&code_url).await;
        let Ok(OrderState::Paid(paid)) = gateway.query_order(&order.order_no).await else {
            panic!("paid")
        };
        assert!(paid.matches(Money::from_li(10)), "{method:?}");
        assert!(paid.paid_at.is_some());
    }
}

#[tokio::test]
async fn a_bank_transfer_shows_instructions_and_its_different_amount_is_reported() {
    let sandbox = sandbox().await;
    let gateway = gateway(&sandbox, Provider::Changpay);
    let mut order = new_order(PayMethod::WechatBankTransfer, 100_000);
    order.payer = Some(payer());
    let created = gateway.create_qr_order(&order).await.expect("created");
    let PayDisplay::Transfer(transfer) = created.display else {
        panic!("transfer instructions")
    };
    assert!(
        transfer.note_code.is_some()
            && transfer.bank_card.is_some()
            && transfer.real_name.is_some()
    );
    assert_ne!(
        transfer.amount, order.amount,
        "the sandbox asks for a distinguishing amount"
    );
    open(&sandbox.pay_page_url(&order.order_no).expect("pay page")).await;
    let Ok(OrderState::Paid(paid)) = gateway.query_order(&order.order_no).await else {
        panic!("paid")
    };
    assert_eq!(paid.amount, transfer.amount);
    assert!(
        !paid.matches(order.amount),
        "a different amount is never silently paid"
    );
}

#[tokio::test]
async fn a_bank_transfer_without_the_payer_is_refused_by_the_gateway() {
    let sandbox = sandbox().await;
    let gateway = gateway(&sandbox, Provider::Changpay);
    let error = gateway
        .create_qr_order(&new_order(PayMethod::CardBankTransfer, 1000))
        .await
        .expect_err("refused");
    assert!(
        matches!(&error, GatewayError::Rejected { code, .. } if code == "100"),
        "{error:?}"
    );
}

#[tokio::test]
async fn quick_pay_is_confirmed_with_the_sms_code() {
    let sandbox = sandbox().await;
    let gateway = gateway(&sandbox, Provider::Changpay);
    let client = gateway.as_changpay().expect("changpay");
    let request = create(3, 5_000);
    assert!(
        !format!("{request:?}").contains("6222021234567891234"),
        "card masked"
    );
    client.create_order(&request).await.expect("created");
    let wrong = client
        .quick_confirm(&request.mch_order, "000000")
        .await
        .expect_err("wrong code");
    assert!(matches!(&wrong, GatewayError::Rejected { code, .. } if code == "110"));
    let order = client
        .quick_confirm(&request.mch_order, QUICK_PAY_SMS_CODE)
        .await
        .expect("confirmed");
    assert_eq!(order.status, ChangpayStatus::Paid);
    assert_eq!(order.amount, Money::from_li(5_000));
}

#[tokio::test]
async fn refusals_carry_the_spec_codes() {
    let sandbox = sandbox().await;
    let wrong_key = gateway_with_key(&sandbox, Provider::Changpay, "nope");
    let error = wrong_key
        .create_qr_order(&new_order(PayMethod::AlipayQr, 100))
        .await
        .expect_err("bad sign");
    assert!(matches!(&error, GatewayError::Rejected { code, .. } if code == "101"));
    assert!(error.to_string().contains("请检查商户号和密钥"));
    let gateway = gateway(&sandbox, Provider::Changpay);
    assert_eq!(
        gateway.query_order("T01nosuchorder").await,
        Ok(OrderState::NotFound)
    );
    // A GET is refused with 111, in the protocol's JSON.
    let body = reqwest::get(format!("{}/api/fetch_order.api", sandbox.base_url()))
        .await
        .expect("answers");
    assert!(body.text().await.expect("text").contains("111"));
}

/// A notification receiver that fails `failures` times, then answers `success`.
async fn receiver(failures: usize) -> (String, Arc<Mutex<Vec<Bytes>>>) {
    let received = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&received);
    let app = Router::new().route(
        "/notify",
        post(move |body: Bytes| {
            let log = Arc::clone(&log);
            async move {
                let mut log = log.lock().expect("lock");
                log.push(body);
                if log.len() > failures {
                    "success"
                } else {
                    "fail"
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/notify", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, received)
}

#[tokio::test]
async fn a_paid_order_is_notified_until_the_receiver_says_success() {
    let sandbox = sandbox().await;
    let (url, received) = receiver(2).await;
    let gateway = common::changpay_notifying(&sandbox, url);
    let order = new_order(PayMethod::AlipayQr, 2_500);
    let code_url = common::create_qr(&gateway, &order).await;
    open(&code_url).await;
    // 0 + 5 + 10 s at 200× is 75 ms; allow for a slow machine.
    for _ in 0..100 {
        if sandbox.notifications().iter().any(|n| n.acknowledged) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let attempts = sandbox.notifications();
    assert_eq!(attempts.len(), 3, "{attempts:?}");
    assert!(attempts[2].acknowledged && !attempts[1].acknowledged);
    let bodies = received.lock().expect("lock").clone();
    for body in &bodies {
        let notified = parse_notification(body, CHANGPAY_KEY).expect("signed by the sandbox");
        assert_eq!(notified.mch_order, order.order_no);
        assert_eq!(notified.amount, Money::from_li(2_500));
        assert_eq!(notified.status, ChangpayStatus::Paid);
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(sandbox.notifications().len(), 3, "no more after success");
}

#[tokio::test]
async fn paying_a_saveable_qr_again_is_notified_as_a_repeat_of_the_original() {
    let sandbox = sandbox().await;
    let (url, received) = receiver(0).await;
    let gateway = common::changpay_notifying(&sandbox, url);
    let order = new_order(PayMethod::WechatQrSaveable, 1_000);
    let code_url = common::create_qr(&gateway, &order).await;
    open(&code_url).await;
    open(&code_url).await;
    for _ in 0..100 {
        if received.lock().expect("lock").len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let bodies = received.lock().expect("lock").clone();
    let orders: Vec<_> = bodies
        .iter()
        .map(|b| parse_notification(b, CHANGPAY_KEY).expect("signed"))
        .collect();
    let repeat = orders
        .iter()
        .find(|o| o.origin_order.is_some())
        .expect("a repeat");
    assert_eq!(
        repeat.origin_order.as_deref(),
        Some(order.order_no.as_str())
    );
    assert_ne!(repeat.mch_order, order.order_no);
}
