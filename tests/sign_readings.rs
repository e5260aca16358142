//! Where a spec allows two honest readings of what a sign covers, the sandbox can speak each and
//! the client believes every one of them (README, "Decisions"): qht answers with an empty field
//! signed as left out or as `k=`; changpay flat answers signed over the envelope or the detail
//! fields alone. A sign under neither reading is still refused. Also the sandbox's other ways of
//! being read from outside: pay-page links at its public URL.

mod common;

use cashier::gateway::{GatewayError, OrderState, PayMethod, Provider, UnknownCause};
use cashier::sandbox::{EmptyFields, Fault, FlatCoverage, Readings};

/// A QR method `provider` offers.
fn qr_method(provider: Provider) -> PayMethod {
    match provider {
        Provider::Qht => PayMethod::AlipayQr,
        Provider::Changpay => PayMethod::WechatQr,
    }
}

/// Creates a QR order, pays it as the customer, and queries it.
async fn paid_order_query(
    sandbox: &cashier::sandbox::Sandbox,
    provider: Provider,
) -> Result<OrderState, GatewayError> {
    let gateway = common::gateway(sandbox, provider);
    let method = qr_method(provider);
    let order = common::new_order(method, 1_230);
    let url = common::create_qr(&gateway, &order).await;
    common::open(&url).await;
    gateway.query_order(&order.order_no).await
}

#[tokio::test]
async fn every_reading_of_a_qht_empty_field_is_believed() {
    for reading in [None, Some(EmptyFields::LeftOut), Some(EmptyFields::Signed)] {
        let sandbox = common::sandbox().await;
        sandbox.set_readings(Readings {
            qht_empty_msg: reading,
            ..Readings::default()
        });
        let answer = paid_order_query(&sandbox, Provider::Qht).await;
        assert!(
            matches!(answer, Ok(OrderState::Paid(_))),
            "{reading:?}: {answer:?}"
        );
    }
}

#[tokio::test]
async fn every_reading_of_a_changpay_flat_sign_is_believed() {
    for coverage in [FlatCoverage::Envelope, FlatCoverage::DetailsOnly] {
        let sandbox = common::sandbox().await;
        sandbox.set_readings(Readings {
            changpay_flat: coverage,
            ..Readings::default()
        });
        let answer = paid_order_query(&sandbox, Provider::Changpay).await;
        assert!(
            matches!(answer, Ok(OrderState::Paid(_))),
            "{coverage:?}: {answer:?}"
        );
    }
}

#[tokio::test]
async fn a_sign_under_neither_reading_is_refused_in_every_reading() {
    let readings = [
        Readings {
            qht_empty_msg: Some(EmptyFields::Signed),
            ..Readings::default()
        },
        Readings {
            qht_empty_msg: Some(EmptyFields::LeftOut),
            ..Readings::default()
        },
        Readings {
            changpay_flat: FlatCoverage::DetailsOnly,
            ..Readings::default()
        },
    ];
    for readings in readings {
        for provider in [Provider::Qht, Provider::Changpay] {
            let sandbox = common::sandbox().await;
            sandbox.set_readings(readings);
            let gateway = common::gateway(&sandbox, provider);
            let method = qr_method(provider);
            let order = common::new_order(method, 1_230);
            let url = common::create_qr(&gateway, &order).await;
            common::open(&url).await;
            sandbox.inject(Fault::BadSign, 1);
            let answer = gateway.query_order(&order.order_no).await;
            assert_eq!(
                answer,
                Err(GatewayError::Unknown(UnknownCause::BadSign)),
                "{readings:?} {provider:?}"
            );
        }
    }
}

#[tokio::test]
async fn a_wrong_key_verifies_under_no_reading() {
    for (provider, key) in [
        (Provider::Qht, "wrong-qht-key"),
        (Provider::Changpay, "wrong"),
    ] {
        let sandbox = common::sandbox().await;
        sandbox.set_readings(Readings {
            qht_empty_msg: Some(EmptyFields::Signed),
            changpay_flat: FlatCoverage::DetailsOnly,
        });
        // The client's key differs from the sandbox's: the sandbox refuses the request's sign,
        // and nothing it says can be taken as paid.
        let gateway = common::gateway_with_key(&sandbox, provider, key);
        let answer = gateway.query_order("T01NOSUCHORDER0001").await;
        assert!(
            !matches!(answer, Ok(OrderState::Paid(_))),
            "{provider:?}: {answer:?}"
        );
    }
}

/// `cashier sandbox --lan --public-url URL`: the QR a phone scans points at the public URL, while
/// this machine's clients still call the API on loopback.
#[tokio::test]
async fn pay_page_links_use_the_public_url() {
    let sandbox = cashier::sandbox::Sandbox::start(cashier::sandbox::SandboxConfig {
        public_url: Some("http://192.0.2.10:8088/".to_owned()),
        ..cashier::sandbox::SandboxConfig::default()
    })
    .await
    .expect("starts");
    assert!(sandbox.base_url().starts_with("http://127.0.0.1:"));
    for provider in [Provider::Qht, Provider::Changpay] {
        let gateway = common::gateway(&sandbox, provider);
        let method = qr_method(provider);
        let url = common::create_qr(&gateway, &common::new_order(method, 1_000)).await;
        assert!(
            url.starts_with("http://192.0.2.10:8088/sandbox/pay/"),
            "{provider:?}: {url}"
        );
    }
}
