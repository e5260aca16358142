//! Where a spec allows two honest readings of what a sign covers, the sandbox can speak each and
//! the client believes every one of them (README, "Decisions"): qht answers with an empty field
//! signed as left out or as `k=`; changpay flat answers signed over the envelope or the detail
//! fields alone. A sign under neither reading is still refused. Also the sandbox's other ways of
//! being read from outside: pay-page links at its public URL, and a QR given only as a picture
//! (`code_img_url`, hosted or inline), which the till reads back into the text it draws.

use crate::common;

use cashier::gateway::{GatewayError, OrderState, PayMethod, Provider, UnknownCause};
use std::time::{Duration, Instant};

use cashier::gateway::http::{Timeouts, Transport};
use cashier::gateway::qr_image;
use cashier::sandbox::{EmptyFields, Fault, FlatCoverage, QrGivenAs, Readings};

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
            ..Readings::default()
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

#[tokio::test]
async fn a_qr_given_only_as_a_picture_is_read_and_paid() {
    for given_as in [QrGivenAs::ImageOnly, QrGivenAs::InlineImageOnly] {
        for provider in [Provider::Qht, Provider::Changpay] {
            let sandbox = common::sandbox().await;
            sandbox.set_readings(Readings {
                qr_given_as: given_as,
                ..Readings::default()
            });
            let gateway = common::gateway(&sandbox, provider);
            let order = common::new_order(qr_method(provider), 1_230);
            // The text read back from the picture is the pay page itself: the customer's scan
            // of the till's redrawn QR reaches the same place as a scan of the gateway's picture.
            let url = common::create_qr(&gateway, &order).await;
            let pay_page = sandbox.pay_page_url(&order.order_no).expect("an order");
            assert_eq!(url, pay_page, "{given_as:?} {provider:?}");
            common::open(&url).await;
            let answer = gateway.query_order(&order.order_no).await;
            assert!(
                matches!(answer, Ok(OrderState::Paid(_))),
                "{given_as:?} {provider:?}: {answer:?}"
            );
        }
    }
}

/// A test server that answers every connection with `response` (or holds it open when `None`).
async fn serve_raw(response: Option<Vec<u8>>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let response = response.clone();
            tokio::spawn(async move {
                use tokio::io::{AsyncReadExt, AsyncWriteExt};
                let mut request = [0u8; 4096];
                let _ = socket.read(&mut request).await;
                match response {
                    Some(bytes) => {
                        let _ = socket.write_all(&bytes).await;
                    }
                    None => tokio::time::sleep(Duration::from_mins(1)).await,
                }
            });
        }
    });
    format!("http://{addr}/qr.png")
}

fn http_response(content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    response.extend_from_slice(body);
    response
}

#[tokio::test]
async fn a_qr_picture_that_cannot_be_read_is_an_unknown_result_not_a_hang() {
    let transport = Transport::new(Timeouts {
        connect: Duration::from_secs(2),
        total: Duration::from_secs(30),
    })
    .expect("client");
    let oversized = vec![0u8; qr_image::MAX_IMAGE_BYTES + 1];
    let cases = [
        (
            "an HTML page",
            serve_raw(Some(http_response("text/html", b"<html>404</html>"))).await,
        ),
        (
            "a picture with no QR",
            serve_raw(Some(http_response("image/png", &blank_png()))).await,
        ),
        (
            "a picture over the cap",
            serve_raw(Some(http_response("image/png", &oversized))).await,
        ),
        ("a server that never answers", serve_raw(None).await),
        ("not a web address", "file:///etc/passwd".to_owned()),
    ];
    // The limit is passed in: a server that never answers is given up on after it, not after
    // the till's five seconds (the same code path).
    let limit = Duration::from_millis(400);
    for (what, url) in cases {
        let started = Instant::now();
        let answer = qr_image::text_of_qr_image_within(&transport, &url, limit).await;
        assert_eq!(answer, Err(UnknownCause::QrImage), "{what}");
        assert!(
            started.elapsed() < limit + Duration::from_secs(1),
            "{what}: {:?}",
            started.elapsed()
        );
    }
}

fn blank_png() -> Vec<u8> {
    let blank = image::GrayImage::from_pixel(120, 120, image::Luma([255]));
    let mut png = Vec::new();
    blank
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("png");
    png
}

/// Issue 20, item 3: a changpay answer whose sign covers only the envelope (`code`, `msg`), with
/// the order unsigned in `data`, vouches for nothing about the order. A sign captured from any
/// earlier answer, replayed onto a `data` that says paid, was believed (paid, exit 0, 3 of 3).
#[test]
fn a_sign_that_covers_only_the_envelope_never_makes_an_order_paid() {
    use cashier::gateway::changpay::read_order_answer;
    use cashier::sign::{SignFields, changpay_sign};
    const KEY: &str = "replay-key";
    const ORDER: &str = "T0120261205092647ABCDEF0001";
    let envelope: SignFields = [("code", "1"), ("msg", "success")]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let replayed = changpay_sign(&envelope, KEY);
    let data = serde_json::json!({
        "mch_id": "sandbox_mch", "mch_order": ORDER, "amt": 5000, "mch_amt": 5000,
        "status": 2, "amt_type": "cny", "created_at": 1_764_900_000, "success_at": 1_764_900_001,
        "service": 10, "sign_type": "md5"
    });
    let forged = serde_json::json!({"code": 1, "msg": "success", "sign": replayed, "data": data})
        .to_string();
    assert_eq!(
        read_order_answer(forged.as_bytes(), KEY, ORDER).map(|order| order.status),
        Err(GatewayError::Unknown(UnknownCause::BadSign)),
        "an envelope-only sign is not believed"
    );
    // The honest readings that cover the order are still believed: the sign over data's fields
    // (with the envelope merged in, or alone) beside the data object.
    let data_fields: SignFields = data
        .as_object()
        .expect("object")
        .iter()
        .map(|(k, v)| (k.clone(), v.to_string().trim_matches('"').to_owned()))
        .collect();
    let mut merged = data_fields.clone();
    merged.extend(envelope.clone());
    for fields in [data_fields, merged] {
        let honest = serde_json::json!({
            "code": 1, "msg": "success", "sign": changpay_sign(&fields, KEY), "data": data
        })
        .to_string();
        let order = read_order_answer(honest.as_bytes(), KEY, ORDER).expect("believed");
        assert_eq!(
            order.status,
            cashier::gateway::changpay::ChangpayStatus::Paid
        );
    }
}

/// Issue 20, item 3: an answer naming another merchant is not our order, even signed with our
/// key (a gateway that shares keys, or a replay from another shop).
#[tokio::test]
async fn an_answer_naming_another_merchant_is_not_our_order() {
    use cashier::sign::{SignFields, changpay_sign};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let order_no = "T0120261205092647ABCDEF0002";
    let fields: SignFields = [
        ("mch_id", "another_shop"),
        ("mch_order", order_no),
        ("amt", "1230"),
        ("mch_amt", "1230"),
        ("status", "2"),
        ("amt_type", "cny"),
        ("sign_type", "md5"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    let mut data = serde_json::Map::new();
    for (k, v) in &fields {
        data.insert(k.clone(), serde_json::Value::String(v.clone()));
    }
    data.insert(
        "sign".into(),
        changpay_sign(&fields, cashier::sandbox::CHANGPAY_KEY).into(),
    );
    let body = serde_json::json!({"code": 1, "msg": "success", "data": data}).to_string();
    let app = axum::Router::new().fallback(move || {
        let body = body.clone();
        async move { body }
    });
    tokio::spawn(async move { axum::serve(listener, app).await });
    let settings = cashier::gateway::changpay::ChangpaySettings {
        base_url: base,
        mch_id: cashier::sandbox::CHANGPAY_MCH_ID.into(),
        key: cashier::secret::Secret::new(cashier::sandbox::CHANGPAY_KEY.to_owned()),
        notify_url: "http://127.0.0.1:9/notify".into(),
        client_ip: "127.0.0.1".into(),
    };
    let client = cashier::gateway::changpay::ChangpayClient::new(
        Transport::new(common::TIMEOUTS).expect("transport"),
        settings,
    );
    assert_eq!(
        client.fetch_order(order_no).await.map(|order| order.status),
        Err(GatewayError::Unknown(UnknownCause::OtherMerchant))
    );
}
