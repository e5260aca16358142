//! The changpay notification listener: the sandbox's real notifications land in the ledger;
//! repeats change nothing; forgeries and mismatches are refused.

use std::time::Duration;

use cashier::gateway::PayMethod;
use cashier::money::Money;
use cashier::payment::notify_listener::{handle, serve};
use cashier::sandbox::{CHANGPAY_KEY, CHANGPAY_MCH_ID};
use cashier::status::OrderStatus;

use crate::common;
use crate::common::notify::{body, ledger, listener, order, paid_fields};

#[test]
fn a_notification_is_applied_once_and_a_repeat_changes_nothing() {
    let ledger = ledger();
    let listener = listener(&ledger);
    let order_no = order(&ledger, 2_500);
    let notification = body(&paid_fields(&order_no, "2500"), CHANGPAY_KEY);
    assert_eq!(handle(&listener, &notification), "success");
    let paid = ledger
        .lock()
        .order(&order_no)
        .expect("read")
        .expect("exists");
    assert_eq!(paid.status, OrderStatus::Paid);
    assert_eq!(paid.paid_at.map(|t| t.timestamp()), Some(1_763_700_005));
    let events = ledger.lock().events(&order_no).expect("events").len();
    assert_eq!(
        handle(&listener, &notification),
        "success",
        "a repeat is acknowledged"
    );
    assert_eq!(
        ledger.lock().events(&order_no).expect("events").len(),
        events,
        "and changes nothing"
    );
}

#[test]
fn forged_unknown_and_mismatched_notifications_are_refused() {
    let ledger = ledger();
    let listener = listener(&ledger);
    let order_no = order(&ledger, 2_500);
    let forged = body(&paid_fields(&order_no, "2500"), "attacker-key");
    assert_eq!(handle(&listener, &forged), "fail");
    let mut tampered =
        String::from_utf8(body(&paid_fields(&order_no, "2500"), CHANGPAY_KEY)).expect("utf8");
    tampered = tampered.replace("amt=2500", "amt=9990");
    assert_eq!(handle(&listener, tampered.as_bytes()), "fail");
    assert_eq!(handle(&listener, b"<html>garbage</html>"), "fail");
    assert_eq!(
        handle(
            &listener,
            &body(&paid_fields("T01nosuch", "2500"), CHANGPAY_KEY)
        ),
        "fail"
    );
    let mut other = paid_fields(&order_no, "2500");
    other[0] = ("mch_id", "someone_else");
    assert_eq!(handle(&listener, &body(&other, CHANGPAY_KEY)), "fail");
    assert_eq!(
        ledger
            .lock()
            .order(&order_no)
            .expect("read")
            .expect("exists")
            .status,
        OrderStatus::Creating,
        "none of it counted"
    );

    let mismatch = body(&paid_fields(&order_no, "1500"), CHANGPAY_KEY);
    assert_eq!(handle(&listener, &mismatch), "fail");
    let order = ledger
        .lock()
        .order(&order_no)
        .expect("read")
        .expect("exists");
    assert_eq!(
        order.status,
        OrderStatus::AmountMismatch,
        "recorded and shown, never paid"
    );
    assert_eq!(order.paid, Some(Money::from_li(1_500)));
}

#[test]
fn a_repeated_payment_is_recorded_as_its_own_order() {
    let ledger = ledger();
    let listener = listener(&ledger);
    let original = order(&ledger, 1_000);
    let mut fields = paid_fields("UPSTREAM42", "1000");
    fields.push(("origin_order", &original));
    let repeat = body(&fields, CHANGPAY_KEY);
    assert_eq!(handle(&listener, &repeat), "success");
    assert_eq!(handle(&listener, &repeat), "success");
    let row = ledger
        .lock()
        .order("UPSTREAM42")
        .expect("read")
        .expect("recorded");
    assert_eq!(row.repeat_of.as_deref(), Some(original.as_str()));
    assert_eq!(
        ledger.lock().events("UPSTREAM42").expect("events").len(),
        1,
        "once"
    );
}

#[tokio::test]
async fn the_sandbox_notification_reaches_the_ledger_over_http() {
    let sandbox = common::sandbox().await;
    let ledger = ledger();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("free port")
        .local_addr()
        .expect("addr")
        .port();
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    tokio::spawn(serve(listener(&ledger), addr));
    let gateway = common::changpay_notifying(&sandbox, format!("http://{addr}/changpay/notify"));
    let order_no = order(&ledger, 3_300);
    let new_order = cashier::gateway::NewOrder {
        order_no: order_no.clone(),
        method: PayMethod::WechatQr,
        amount: Money::from_li(3_300),
        description: "x".into(),
        payer: None,
        card: None,
    };
    let created = gateway.create_qr_order(&new_order).await.expect("created");
    common::open(created.display.url().expect("url")).await;
    for _ in 0..100 {
        if ledger
            .lock()
            .order(&order_no)
            .expect("read")
            .is_some_and(|o| o.status == OrderStatus::Paid)
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let order = ledger
        .lock()
        .order(&order_no)
        .expect("read")
        .expect("exists");
    assert_eq!(
        order.status,
        OrderStatus::Paid,
        "paid by the notification alone"
    );
    let events = ledger.lock().events(&order_no).expect("events");
    assert_eq!(
        events.last().map(|e| e.source.as_str()),
        Some("notification")
    );
    assert!(sandbox.notifications().iter().any(|n| n.acknowledged));
}

/// `cashier pay --json` of a WeChat QR sale of `amount` on a changpay till in `dir` that listens
/// for its own notifications (on a free port), querying every `interval_ms`.
fn listening_qr_sale(
    sandbox: &cashier::sandbox::Sandbox,
    dir: &std::path::Path,
    interval_ms: u64,
    amount: &str,
) -> std::process::Command {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("free port")
        .local_addr()
        .expect("addr")
        .port();
    let config = dir.join("config.toml");
    common::write_private(
        &config,
        &format!(
            "[gateway]\nprovider = \"changpay\"\nbase_url = \"{}\"\nmerchant_id = \"{CHANGPAY_MCH_ID}\"\n\
             key = \"{CHANGPAY_KEY}\"\nnotify_url = \"http://127.0.0.1:{port}/notify\"\n\n\
             [notify]\nlisten = \"127.0.0.1:{port}\"\n\n\
             [payment]\nqr_interval_ms = {interval_ms}\nqr_expiry_secs = 120\n",
            sandbox.base_url()
        ),
    );
    let mut pay = std::process::Command::new(env!("CARGO_BIN_EXE_cashier"));
    pay.arg("--config")
        .arg(&config)
        .arg("--data-dir")
        .arg(dir.join("data"))
        .args(["pay", "--method", "wechat-qr", "--amount", amount, "--json"]);
    pay
}

/// `cashier pay` showing a QR hears the notification at once: with queries only every 60 s, the
/// customer's payment ends the wait within seconds, by a verified query the notice set off.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cashier_pay_ends_its_wait_when_the_notification_arrives() {
    let sandbox = common::sandbox().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let pay = listening_qr_sale(&sandbox, dir.path(), 60_000, "3.30");
    // The listener starts with the payment, before the QR is shown.
    let (order, waited) = common::qr_sale_paid_by_customer(pay, || async {}).await;
    assert_eq!(order["status"], "paid", "{order}");
    assert!(
        waited < Duration::from_secs(5),
        "paid {waited:?} after the customer paid; the next poll was 60 s away"
    );
    // The sandbox notes the acknowledgement once it has read the answer, which under load can be
    // after `cashier pay` has printed its result.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while !sandbox.notifications().iter().any(|n| n.acknowledged)
        && std::time::Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        sandbox.notifications().iter().any(|n| n.acknowledged),
        "the listener acknowledged the notification"
    );
}

/// Issue 20, item 6: the till's listener has recorded a verified notification as paid, while the
/// gateway's query still says unpaid (it lags a minute here). `cashier pay` ends on its ledger's
/// word at once; before, it waited until the query caught up (24 s measured from outside).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_waiting_sale_ends_on_the_paid_its_listener_recorded_while_the_query_lags() {
    let sandbox = common::sandbox().await;
    sandbox.set_query_lag(Duration::from_mins(1));
    let dir = tempfile::tempdir().expect("tempdir");
    let pay = listening_qr_sale(&sandbox, dir.path(), 1_000, "4.40");
    let (order, waited) = common::qr_sale_paid_by_customer(pay, || async {}).await;
    assert_eq!(order["status"], "paid", "{order}");
    assert!(
        waited < Duration::from_secs(10),
        "paid {waited:?} after the customer paid; the gateway's query lagged 60 s"
    );
}
