//! The whole payment flow — ledger, runner, real client — against the sandbox over loopback.

use crate::common;

use std::time::Duration;

use cashier::gateway::{PayDisplay, PayMethod, Provider};
use cashier::ledger::{Ledger, SharedLedger};
use cashier::money::Money;
use cashier::payment::policy::PollPolicy;
use cashier::payment::requery::{DENIED_AFTER_ACK, Requerier, RequeryPolicy, requery};
use cashier::payment::runner::{Outcome, PaymentContext, PaymentRequest, Progress, run_payment};
use cashier::sandbox::{Fault, Sandbox};
use cashier::status::{OrderStatus, Source, StatusMove};
use tokio::sync::{mpsc, watch};

const FAST: PollPolicy = PollPolicy {
    first_query: Duration::from_millis(20),
    interval: Duration::from_millis(20),
    wait: Duration::from_millis(600),
};

fn context(sandbox: &Sandbox, provider: Provider) -> PaymentContext {
    PaymentContext {
        gateway: common::gateway(sandbox, provider),
        ledger: SharedLedger::new(Ledger::open_in_memory().expect("ledger")),
        till_id: "T01".into(),
        barcode_policy: FAST,
        qr_policy: FAST,
        notices: cashier::payment::notices::Notices::default(),
    }
}

fn request(method: PayMethod, li: i64, auth_code: Option<&str>) -> PaymentRequest {
    PaymentRequest {
        method,
        amount: Money::from_li(li),
        description: "测试".into(),
        auth_code: auth_code.map(str::to_owned),
        payer: None,
        card: None,
    }
}

/// Runs a payment; `on_show` is called with what is shown (the customer's side).
async fn pay(
    context: &PaymentContext,
    request: PaymentRequest,
    on_show: impl Fn(PayDisplay) + Send + 'static,
) -> Outcome {
    let (progress_tx, mut progress_rx) = mpsc::channel(16);
    let (_cancel_tx, cancel_rx) = watch::channel(false);
    let watcher = tokio::spawn(async move {
        while let Some(progress) = progress_rx.recv().await {
            if let Progress::Show(display) = progress {
                on_show(display);
            }
        }
    });
    let outcome = run_payment(context, &request, &progress_tx, cancel_rx)
        .await
        .expect("ran");
    drop(progress_tx);
    watcher.await.expect("watcher");
    outcome
}

fn customer_pays(display: PayDisplay) {
    if let PayDisplay::QrCode(url) = display {
        tokio::spawn(async move { common::open(&url).await });
    }
}

#[tokio::test]
async fn a_qr_order_is_paid_when_the_customer_scans() {
    let sandbox = common::sandbox().await;
    for provider in [Provider::Qht, Provider::Changpay] {
        let context = context(&sandbox, provider);
        let outcome = pay(
            &context,
            request(PayMethod::AlipayQr, 12_340, None),
            customer_pays,
        )
        .await;
        assert_eq!(outcome.order.status, OrderStatus::Paid, "{provider}");
        assert_eq!(outcome.order.paid, Some(Money::from_li(12_340)));
        assert!(outcome.order.shown.is_some(), "what was shown is kept");
        let events = context
            .ledger
            .lock()
            .events(&outcome.order.order_no)
            .expect("events");
        let path: Vec<_> = events.iter().map(|e| e.to).collect();
        assert_eq!(
            path,
            [
                OrderStatus::Creating,
                OrderStatus::Pending,
                OrderStatus::Paid
            ]
        );
    }
}

#[tokio::test]
async fn each_bar_code_test_code_ends_as_documented() {
    let sandbox = common::sandbox().await;
    let context = context(&sandbox, Provider::Qht);
    let cases = [
        ("280000000000000001", OrderStatus::Paid),
        ("130000000000000002", OrderStatus::Paid),
        ("280000000000000003", OrderStatus::Failed),
        ("130000000000000004", OrderStatus::Unresolved),
    ];
    for (code, expected) in cases {
        let outcome = pay(
            &context,
            request(PayMethod::WechatBarcode, 880, Some(code)),
            |_| {},
        )
        .await;
        assert_eq!(outcome.order.status, expected, "{code}");
        assert_eq!(
            outcome.order.auth_code_masked.as_deref().map(str::len),
            Some(18),
            "masked, not dropped"
        );
        assert!(
            !outcome
                .order
                .auth_code_masked
                .as_deref()
                .unwrap_or_default()
                .contains(&code[4..14])
        );
    }
}

#[tokio::test]
async fn bad_input_writes_nothing() {
    let sandbox = common::sandbox().await;
    let context = context(&sandbox, Provider::Qht);
    let (tx, _rx) = mpsc::channel(4);
    for bad in [
        request(PayMethod::WechatBarcode, 100, Some("not-a-code")),
        request(PayMethod::WechatBarcode, 100, None),
        request(PayMethod::AlipayQr, 0, None),
        request(PayMethod::AlipayQr, 100_000_000, None),
        request(PayMethod::JdQr, 100, None),
    ] {
        let (_c, cancel) = watch::channel(false);
        assert!(
            run_payment(&context, &bad, &tx, cancel).await.is_err(),
            "{bad:?}"
        );
    }
    assert!(context.ledger.lock().unresolved().expect("list").is_empty());
}

#[tokio::test]
async fn an_unknown_create_outcome_is_queried_to_paid() {
    let sandbox = common::sandbox().await;
    let context = context(&sandbox, Provider::Qht);
    for fault in Fault::ALL.into_iter().filter(|f| *f != Fault::WrongAmount) {
        sandbox.inject(fault, 1);
        let outcome = pay(
            &context,
            request(PayMethod::AlipayBarcode, 660, Some("280000000000000001")),
            |_| {},
        )
        .await;
        assert_eq!(outcome.order.status, OrderStatus::Paid, "{fault:?}");
        assert!(
            outcome.order.last_error.is_some(),
            "{fault:?}: the unknown outcome is noted"
        );
    }
}

/// Issue 20, item 4: the gateway charged the customer's code, and an unsigned refusal
/// (`{"status":"400003"}`) came back instead of its answer. Only a verified answer may fail an
/// order: this one is an unknown outcome, queried, and paid. Before, the sale failed for good
/// (exit 3) and the customer was asked to pay twice.
#[tokio::test]
async fn an_unsigned_refusal_after_the_charge_is_queried_to_paid() {
    let sandbox = common::sandbox().await;
    let context = context(&sandbox, Provider::Qht);
    sandbox.inject(Fault::UnsignedRefusal, 1);
    let outcome = pay(
        &context,
        request(PayMethod::AlipayBarcode, 770, Some("280000000000000001")),
        |_| {},
    )
    .await;
    assert_eq!(outcome.order.status, OrderStatus::Paid);
    let noted = outcome.order.last_error.unwrap_or_default();
    assert!(noted.contains("未签名"), "{noted}");
}

#[tokio::test]
async fn no_fault_ever_ends_in_a_false_paid() {
    let sandbox = common::sandbox().await;
    for provider in [Provider::Qht, Provider::Changpay] {
        let context = context(&sandbox, provider);
        // The customer pays, but every answer after the create has the fault: no verified
        // answer says paid, so the order must end unresolved (or, for a different amount, as a
        // mismatch), never as paid.
        for (fault, expected) in [
            (Fault::Drop, OrderStatus::Unresolved),
            (Fault::ServerError, OrderStatus::Unresolved),
            (Fault::Html, OrderStatus::Unresolved),
            (Fault::Empty, OrderStatus::Unresolved),
            (Fault::BadSign, OrderStatus::Unresolved),
            (Fault::WrongAmount, OrderStatus::AmountMismatch),
        ] {
            let order = pay_with_faults(&sandbox, &context, fault).await;
            assert_eq!(order.status, expected, "{provider} {fault:?}");
            if fault == Fault::WrongAmount {
                assert_eq!(
                    order.paid,
                    Some(Money::from_li(1_990)),
                    "the amount paid is kept and shown"
                );
            }
        }
    }
}

/// A payment the customer pays, whose every answer after the create has `fault`.
async fn pay_with_faults(
    sandbox: &Sandbox,
    context: &PaymentContext,
    fault: Fault,
) -> cashier::ledger::OrderRecord {
    let (progress_tx, mut progress_rx) = mpsc::channel(16);
    let (_cancel_tx, cancel_rx) = watch::channel(false);
    let req = request(PayMethod::WechatQr, 990, None);
    let context_clone = context.clone();
    let run =
        tokio::spawn(
            async move { run_payment(&context_clone, &req, &progress_tx, cancel_rx).await },
        );
    while let Some(progress) = progress_rx.recv().await {
        if let Progress::Show(PayDisplay::QrCode(url)) = progress {
            sandbox.inject(fault, 1_000);
            common::open(&url).await;
        }
    }
    let order = run.await.expect("joined").expect("ran").order;
    sandbox.clear_faults();
    order
}

#[tokio::test]
async fn a_payment_after_the_cashier_gives_up_lands_as_late() {
    let sandbox = common::sandbox().await;
    let context = context(&sandbox, Provider::Changpay);
    let (progress_tx, mut progress_rx) = mpsc::channel(16);
    let (cancel_tx, cancel_rx) = watch::channel(false);
    let req = request(PayMethod::AlipayQr, 4_200, None);
    let ctx = context.clone();
    let run = tokio::spawn(async move { run_payment(&ctx, &req, &progress_tx, cancel_rx).await });
    let mut code_url = None;
    while let Some(progress) = progress_rx.recv().await {
        if let Progress::Show(PayDisplay::QrCode(url)) = progress {
            code_url = Some(url);
            cancel_tx.send(true).expect("cancel");
        }
    }
    let outcome = run.await.expect("joined").expect("ran");
    assert_eq!(
        outcome.order.status,
        OrderStatus::Unresolved,
        "Esc stops waiting, the order stays"
    );
    common::open(&code_url.expect("shown")).await;
    let result = requery(
        &context.gateway,
        &context.ledger,
        &outcome.order,
        Source::ManualRequery,
        &RequeryPolicy::default(),
    )
    .await
    .expect("requeried");
    assert!(result.late);
    assert_eq!(result.order.status, OrderStatus::Paid);
    assert!(result.order.late);
    assert!(
        cashier::payment::requery::unannounced_payments(&[result]).is_empty(),
        "a late payment has its own notice, not a second one"
    );
}

/// Issue 21, item 6: the till dies while the QR shows; the restart's recovery asks while the
/// customer has not paid yet (the order is young: it stays pending); the customer pays; the
/// background re-query finds it. That payment is one to announce (before: applied with no word,
/// as it is not `late`).
#[tokio::test]
async fn a_payment_the_background_finds_on_an_order_left_pending_is_announced() {
    let sandbox = common::sandbox().await;
    let context = context(&sandbox, Provider::Qht);
    let (progress_tx, mut progress_rx) = mpsc::channel(16);
    let (_cancel_tx, cancel_rx) = watch::channel(false);
    let req = request(PayMethod::AlipayQr, 3_300, None);
    let ctx = context.clone();
    let run = tokio::spawn(async move { run_payment(&ctx, &req, &progress_tx, cancel_rx).await });
    let mut code_url = None;
    while let Some(progress) = progress_rx.recv().await {
        if let Progress::Show(PayDisplay::QrCode(url)) = progress {
            code_url = Some(url);
            break;
        }
    }
    // The process dies: the order stays pending in the ledger.
    run.abort();
    let _ = run.await;
    let policy = RequeryPolicy::default();
    let requerier = Requerier::default();
    let recovered = requerier
        .recover_all(
            &context.gateway,
            &context.ledger,
            policy,
            chrono::Utc::now(),
        )
        .await
        .expect("recovered");
    let recovered: Vec<_> = recovered.into_iter().map(|a| a.expect("ledger")).collect();
    assert_eq!(recovered.len(), 1);
    assert_eq!(
        recovered[0].order.status,
        OrderStatus::Pending,
        "young: still waiting"
    );
    assert!(cashier::payment::requery::unannounced_payments(&recovered).is_empty());

    common::open(&code_url.expect("shown")).await;
    let background = requerier
        .requery_many(
            &context.gateway,
            &context.ledger,
            vec![recovered[0].order.clone()],
            Source::Background,
            policy,
        )
        .await;
    let background: Vec<_> = background.into_iter().map(|a| a.expect("ledger")).collect();
    assert_eq!(background[0].order.status, OrderStatus::Paid);
    assert!(!background[0].late, "never given up: not a late payment");
    let announced = cashier::payment::requery::unannounced_payments(&background);
    assert_eq!(announced.len(), 1, "the payment found is announced");
    assert_eq!(announced[0].order_no, recovered[0].order.order_no);
}

/// A bar-code order the gateway took but never resolves (test code …0004): unresolved after its
/// live wait.
async fn left_unresolved(context: &PaymentContext) -> Outcome {
    pay(
        context,
        request(PayMethod::AlipayBarcode, 100, Some("280000000000000004")),
        |_| {},
    )
    .await
}

#[tokio::test]
async fn recovery_resolves_orders_left_open_and_fails_those_never_sent() {
    let sandbox = common::sandbox().await;
    let context = context(&sandbox, Provider::Qht);
    // An order the gateway took and the customer paid, left "pending" by a process that died.
    let outcome = left_unresolved(&context).await;
    assert_eq!(outcome.order.status, OrderStatus::Unresolved);
    // An order written but never sent.
    let draft = cashier::ledger::OrderDraft {
        provider: Provider::Qht,
        merchant_id: context.gateway.merchant_id().to_owned(),
        till_id: "T01".into(),
        method: PayMethod::AlipayQr,
        amount: Money::from_li(100),
        description: "x".into(),
        auth_code_masked: None,
    };
    let never_sent = context
        .ledger
        .lock()
        .create_order(&draft, chrono::Utc::now())
        .expect("written")
        .order_no;
    let policy = RequeryPolicy {
        not_found_grace: Duration::ZERO,
        live_wait: Duration::ZERO,
        ..RequeryPolicy::default()
    };
    let results = Requerier::default()
        .recover_all(
            &context.gateway,
            &context.ledger,
            policy,
            chrono::Utc::now(),
        )
        .await
        .expect("recovered");
    assert_eq!(results.len(), 2);
    let ledger = context.ledger.lock();
    assert_eq!(
        ledger
            .order(&never_sent)
            .expect("read")
            .expect("exists")
            .status,
        OrderStatus::Failed
    );
    let still = ledger
        .order(&outcome.order.order_no)
        .expect("read")
        .expect("exists");
    assert_eq!(
        still.status,
        OrderStatus::Unresolved,
        "the gateway still does not know: keep asking"
    );
    assert_eq!(still.query_attempts, 1);
}

/// The gateway took the order (its create answered success), then says it has no such order:
/// the order stays open and is marked for a person, never failed; an order whose create never
/// got an answer is failed as never sent.
#[tokio::test]
async fn an_acknowledged_order_the_gateway_later_denies_is_kept_for_a_person() {
    let sandbox = common::sandbox().await;
    let context = context(&sandbox, Provider::Qht);
    let outcome = left_unresolved(&context).await;
    assert!(
        outcome.order.acknowledged,
        "the create was answered with success"
    );
    // Another sandbox has never heard of it: "not found", well past the grace period.
    let forgetful = common::sandbox().await;
    let denying = common::gateway(&forgetful, Provider::Qht);
    let policy = RequeryPolicy {
        not_found_grace: Duration::ZERO,
        live_wait: Duration::ZERO,
        ..RequeryPolicy::default()
    };
    let result = requery(
        &denying,
        &context.ledger,
        &outcome.order,
        Source::Recovery,
        &policy,
    )
    .await
    .expect("requeried");
    assert_eq!(result.order.status, OrderStatus::Unresolved, "not failed");
    assert_eq!(result.order.open_check_reason(), Some(DENIED_AFTER_ACK));
    let unresolved = context.ledger.lock().unresolved().expect("list");
    assert!(
        unresolved
            .iter()
            .any(|o| o.order_no == outcome.order.order_no),
        "it stays in the unresolved list"
    );
    let events = context
        .ledger
        .lock()
        .events(&outcome.order.order_no)
        .expect("events");
    assert!(
        events
            .iter()
            .any(|e| e.detail.as_deref() == Some(DENIED_AFTER_ACK)),
        "the history says why"
    );
    // A second denial adds nothing to the history.
    let again = requery(
        &denying,
        &context.ledger,
        &result.order,
        Source::Background,
        &policy,
    )
    .await
    .expect("requeried");
    assert_eq!(again.order.status, OrderStatus::Unresolved);
    let events_after = context
        .ledger
        .lock()
        .events(&outcome.order.order_no)
        .expect("events");
    assert_eq!(events_after.len(), events.len());
}

/// A person's 重新查询 racing the background tick and the recovery: one query goes out, every
/// asker gets its answer.
#[tokio::test]
async fn concurrent_requeries_of_one_order_send_one_query() {
    let sandbox = common::sandbox().await;
    let context = context(&sandbox, Provider::Qht);
    let outcome = left_unresolved(&context).await;
    assert_eq!(outcome.order.status, OrderStatus::Unresolved);
    sandbox.set_query_delay(Duration::from_millis(300));
    let requerier = Requerier::default();
    let asks = (0..5).map(|_| {
        requerier.requery(
            &context.gateway,
            &context.ledger,
            outcome.order.clone(),
            Source::ManualRequery,
            RequeryPolicy::default(),
        )
    });
    let answers = futures_util::future::join_all(asks).await;
    assert!(
        answers.iter().all(Result::is_ok),
        "everyone gets the answer"
    );
    let order = context
        .ledger
        .lock()
        .order(&outcome.order.order_no)
        .expect("read")
        .expect("kept");
    assert_eq!(order.query_attempts, 1, "one query for five asks");
    // Once that query is over, a new ask queries again.
    requerier
        .requery(
            &context.gateway,
            &context.ledger,
            order,
            Source::ManualRequery,
            RequeryPolicy::default(),
        )
        .await
        .expect("requeried");
    let order = context
        .ledger
        .lock()
        .order(&outcome.order.order_no)
        .expect("read")
        .expect("kept");
    assert_eq!(order.query_attempts, 2);
}

/// A gateway that refuses the connection never received the order: the sale fails at once as
/// "not sent" (nothing can have been charged), instead of waiting out the QR's five minutes.
#[tokio::test]
async fn a_refused_connection_fails_the_sale_at_once_as_never_sent() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let port = closed.local_addr().expect("addr").port();
    drop(closed);
    let gateway =
        cashier::config::GatewayConfig::sandbox(Provider::Qht, &format!("http://127.0.0.1:{port}"))
            .build("T01", common::TIMEOUTS)
            .expect("gateway builds");
    let mut health = gateway.health();
    let context = PaymentContext {
        gateway,
        ledger: SharedLedger::new(Ledger::open_in_memory().expect("ledger")),
        till_id: "T01".into(),
        barcode_policy: FAST,
        qr_policy: PollPolicy::QR,
        notices: cashier::payment::notices::Notices::default(),
    };
    let started = std::time::Instant::now();
    let outcome = pay(&context, request(PayMethod::AlipayQr, 1_000, None), |_| {}).await;
    assert!(started.elapsed() < Duration::from_secs(2), "no wait");
    assert_eq!(outcome.order.status, OrderStatus::Failed);
    assert_eq!(
        outcome.order.last_error.as_deref(),
        Some("无法连接支付平台，请求未发出，未扣款")
    );
    assert!(matches!(
        *health.borrow_and_update(),
        cashier::gateway::http::Health::Unreachable { .. }
    ));
}

/// Issue 20, item 4: an order failed on an answer is asked again a few minutes later; a payment
/// found then is a late payment (announced, in history), never left silently failed.
#[tokio::test]
async fn a_failed_order_is_asked_again_and_a_payment_found_then_is_late() {
    let sandbox = common::sandbox().await;
    let context = context(&sandbox, Provider::Qht);
    let outcome = pay(&context, request(PayMethod::AlipayQr, 880, None), |_| {}).await;
    assert_eq!(outcome.order.status, OrderStatus::Unresolved);
    let order_no = outcome.order.order_no.clone();
    // As a forged or lagging "failed" would leave it, with its re-check due now.
    let mut failed = StatusMove::to(OrderStatus::Failed, Source::Query);
    failed.next_query_at = Some(chrono::Utc::now() - chrono::Duration::seconds(1));
    context
        .ledger
        .lock()
        .record(&order_no, &failed, chrono::Utc::now())
        .expect("failed");
    // The customer's payment is there after all.
    common::open(&sandbox.pay_page_url(&order_no).expect("a pay page")).await;
    let answers = Requerier::default()
        .requery_due(&context.gateway, &context.ledger, RequeryPolicy::default())
        .await
        .expect("re-checked");
    let answer = answers
        .iter()
        .find(|answer| answer.as_ref().is_ok_and(|r| r.order.order_no == order_no))
        .expect("the failed order was due")
        .as_ref()
        .expect("answered");
    assert_eq!(answer.order.status, OrderStatus::Paid);
    assert!(answer.late, "announced as a late payment");
}
