//! Every sandbox fault against both providers' real clients: each ends in the right outcome class
//! and none ever reads as a correct payment.

use crate::common;

use cashier::gateway::{Gateway, GatewayError, OrderState, PayMethod, Provider, UnknownCause};
use cashier::money::Money;
use cashier::sandbox::Fault;
use common::{gateway, new_order, open, sandbox};

const PROVIDERS: [(Provider, PayMethod); 2] = [
    (Provider::Qht, PayMethod::AlipayQr),
    (Provider::Changpay, PayMethod::WechatQr),
];

/// The cause each fault must produce when it hits an answer.
fn expected_cause(fault: Fault) -> UnknownCause {
    match fault {
        Fault::Timeout => UnknownCause::Timeout,
        Fault::Drop => UnknownCause::Network,
        Fault::ServerError => UnknownCause::ServerError(500),
        Fault::Html => UnknownCause::Html,
        Fault::Empty => UnknownCause::Empty,
        Fault::BadSign => UnknownCause::BadSign,
        Fault::WrongAmount => unreachable!("a wrong amount is a verified answer"),
        Fault::UnsignedRefusal => unreachable!("not a transport fault"),
    }
}

async fn paid_order(gateway: &Gateway, method: PayMethod) -> String {
    let order = new_order(method, 4_560);
    let url = common::create_qr(gateway, &order).await;
    open(&url).await;
    assert!(matches!(
        gateway.query_order(&order.order_no).await,
        Ok(OrderState::Paid(_))
    ));
    order.order_no
}

#[tokio::test]
async fn a_faulty_create_answer_is_an_unknown_outcome_and_the_order_exists() {
    let sandbox = sandbox().await;
    for (provider, method) in PROVIDERS {
        let gateway = gateway(&sandbox, provider);
        for fault in Fault::ALL.into_iter().filter(|f| *f != Fault::WrongAmount) {
            let order = new_order(method, 1_230);
            sandbox.inject(fault, 1);
            let error = gateway
                .create_qr_order(&order)
                .await
                .expect_err("faulty answer");
            assert_eq!(
                error,
                GatewayError::Unknown(expected_cause(fault)),
                "{provider} {fault:?}"
            );
            assert!(error.is_unknown_outcome(), "never reported as failed");
            // The gateway did take the order: querying finds it.
            assert_eq!(
                gateway.query_order(&order.order_no).await,
                Ok(OrderState::Waiting),
                "{provider} {fault:?}"
            );
        }
    }
}

#[tokio::test]
async fn a_faulty_query_answer_never_reads_as_paid() {
    let sandbox = sandbox().await;
    for (provider, method) in PROVIDERS {
        let gateway = gateway(&sandbox, provider);
        let order_no = paid_order(&gateway, method).await;
        for fault in Fault::ALL.into_iter().filter(|f| *f != Fault::WrongAmount) {
            sandbox.inject(fault, 1);
            let answer = gateway.query_order(&order_no).await;
            assert_eq!(
                answer,
                Err(GatewayError::Unknown(expected_cause(fault))),
                "{provider} {fault:?}"
            );
        }
        assert!(
            matches!(
                gateway.query_order(&order_no).await,
                Ok(OrderState::Paid(_))
            ),
            "recovers"
        );
    }
}

#[tokio::test]
async fn a_wrong_amount_is_reported_and_does_not_match_the_order() {
    let sandbox = sandbox().await;
    for (provider, method) in PROVIDERS {
        let gateway = gateway(&sandbox, provider);
        let order_no = paid_order(&gateway, method).await;
        sandbox.inject(Fault::WrongAmount, 1);
        let Ok(OrderState::Paid(paid)) = gateway.query_order(&order_no).await else {
            panic!("a signed answer")
        };
        assert_eq!(paid.amount, Money::from_li(5_560), "{provider}: ¥1 more");
        assert!(!paid.matches(Money::from_li(4_560)));
    }
}

#[tokio::test]
async fn a_faulty_bar_code_answer_is_an_unknown_outcome() {
    let sandbox = sandbox().await;
    let gateway = gateway(&sandbox, Provider::Qht);
    for fault in Fault::ALL.into_iter().filter(|f| *f != Fault::WrongAmount) {
        let order = new_order(PayMethod::WechatBarcode, 990);
        sandbox.inject(fault, 1);
        let error = gateway
            .create_barcode_order(&order, "130000000000000001")
            .await
            .expect_err("faulty");
        assert_eq!(
            error,
            GatewayError::Unknown(expected_cause(fault)),
            "{fault:?}"
        );
        assert!(
            matches!(
                gateway.query_order(&order.order_no).await,
                Ok(OrderState::Paid(_))
            ),
            "it was paid"
        );
    }
}

/// Nobody listening: the connection is refused before a byte of the request leaves, so the
/// gateway cannot have acted — a definite "not sent", never an unknown outcome. (A connection
/// that breaks after the request left is unknown: the drop fault above.)
#[tokio::test]
async fn a_refused_connection_is_a_definite_not_sent() {
    let sandbox = sandbox().await;
    let base_url = sandbox.base_url();
    drop(sandbox);
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let config = cashier::config::GatewayConfig::sandbox(Provider::Qht, &base_url);
    let gateway = config.build("T01", common::TIMEOUTS).expect("builds");
    let error = gateway
        .create_qr_order(&new_order(PayMethod::AlipayQr, 100))
        .await
        .expect_err("nobody there");
    assert_eq!(error, GatewayError::Unreachable);
    assert!(!error.is_unknown_outcome());
    assert_eq!(error.to_string(), "无法连接支付平台，请求未发出，未扣款");
}
