//! The real qht client against the sandbox over loopback: every endpoint of the spec.

use crate::common;

use std::time::Duration;

use cashier::gateway::card_payer::{CardPayer, TypedCard};
use cashier::gateway::qht::{CardType, MerchantImport, QhtOrderStatus, QuickPay, ScanCodePay};
use cashier::gateway::{GatewayError, OrderState, PayDisplay, PayMethod, Provider, RequestError};
use cashier::money::Money;
use cashier::sandbox::TEST_CODES;
use common::{gateway, gateway_with_key, new_order, open, sandbox};

#[tokio::test]
async fn a_qr_order_is_paid_when_the_customer_opens_its_code_url() {
    let sandbox = sandbox().await;
    let gateway = gateway(&sandbox, Provider::Qht);
    for method in [PayMethod::AlipayQr, PayMethod::WechatQr] {
        let order = new_order(method, 12_340);
        let created = gateway.create_qr_order(&order).await.expect("created");
        let PayDisplay::QrCode(code_url) = created.display else {
            panic!("a QR to show")
        };
        assert_eq!(
            gateway.query_order(&order.order_no).await,
            Ok(OrderState::Waiting)
        );
        assert!(open(&code_url).await.contains("支付成功 ¥12.34"));
        let Ok(OrderState::Paid(paid)) = gateway.query_order(&order.order_no).await else {
            panic!("paid")
        };
        assert!(paid.matches(Money::from_li(12_340)));
        assert!(paid.gateway_order_no.is_some());
    }
}

#[tokio::test]
async fn each_bar_code_test_code_behaves_as_documented() {
    let sandbox = sandbox().await;
    let gateway = gateway(&sandbox, Provider::Qht);
    for (wechat, alipay, _, _) in TEST_CODES {
        for code in [wechat, alipay] {
            let order = new_order(PayMethod::WechatBarcode, 880);
            let created = gateway
                .create_barcode_order(&order, code)
                .await
                .expect("accepted");
            assert_eq!(created.display, PayDisplay::AwaitCustomer);
            let first = gateway.query_order(&order.order_no).await.expect("answer");
            match code.as_bytes()[17] {
                b'1' => assert!(
                    matches!(first, OrderState::Paid(ref p) if p.matches(Money::from_li(880)))
                ),
                b'2' => {
                    assert_eq!(first, OrderState::Waiting, "still typing the password");
                    tokio::time::sleep(Duration::from_millis(80)).await;
                    assert!(matches!(
                        gateway.query_order(&order.order_no).await,
                        Ok(OrderState::Paid(_))
                    ));
                }
                b'3' => assert_eq!(
                    first,
                    OrderState::Failed {
                        reason: "余额不足".to_owned()
                    }
                ),
                _ => {
                    tokio::time::sleep(Duration::from_millis(80)).await;
                    assert_eq!(
                        gateway.query_order(&order.order_no).await,
                        Ok(OrderState::Waiting)
                    );
                }
            }
        }
    }
}

#[tokio::test]
async fn a_garbage_bar_code_is_refused_before_sending() {
    let sandbox = sandbox().await;
    let gateway = gateway(&sandbox, Provider::Qht);
    let order = new_order(PayMethod::WechatBarcode, 100);
    for code in ["hello", "161234567890123456", "1300000000000000", ""] {
        let error = gateway
            .create_barcode_order(&order, code)
            .await
            .expect_err("refused");
        assert_eq!(error, GatewayError::Invalid(RequestError::BadAuthCode));
        assert_eq!(
            error.to_string(),
            "付款码无效，请让顾客刷新付款码后重新扫描"
        );
    }
    assert_eq!(
        gateway.query_order(&order.order_no).await,
        Ok(OrderState::NotFound),
        "nothing was sent"
    );
}

#[tokio::test]
async fn a_wrong_key_is_a_definite_refusal_that_says_so() {
    let sandbox = sandbox().await;
    let gateway = gateway_with_key(&sandbox, Provider::Qht, "wrong-key");
    let error = gateway
        .create_qr_order(&new_order(PayMethod::AlipayQr, 100))
        .await
        .expect_err("refused");
    assert!(!error.is_unknown_outcome());
    assert!(matches!(&error, GatewayError::Rejected { code, .. } if code == "600002"));
    assert!(error.to_string().contains("签名错误"));
    assert!(
        !error.to_string().contains("wrong-key"),
        "the key never shows"
    );
}

#[tokio::test]
async fn a_repeated_order_number_is_refused() {
    let sandbox = sandbox().await;
    let gateway = gateway(&sandbox, Provider::Qht);
    let order = new_order(PayMethod::AlipayQr, 100);
    gateway.create_qr_order(&order).await.expect("first");
    let error = gateway.create_qr_order(&order).await.expect_err("second");
    assert!(matches!(&error, GatewayError::Rejected { code, .. } if code == "400002"));
}

#[tokio::test]
async fn amounts_outside_the_spec_never_leave_the_machine() {
    let sandbox = sandbox().await;
    let gateway = gateway(&sandbox, Provider::Qht);
    for li in [0, -10, 5, 100_000_000] {
        let error = gateway
            .create_qr_order(&new_order(PayMethod::AlipayQr, li))
            .await
            .expect_err("refused");
        assert!(
            matches!(error, GatewayError::Invalid(RequestError::Amount(_))),
            "{li}"
        );
    }
    let error = gateway
        .create_qr_order(&new_order(PayMethod::JdQr, 100))
        .await
        .expect_err("not offered");
    assert_eq!(error.to_string(), "当前支付平台不支持京东扫码");
}

#[tokio::test]
async fn a_long_description_is_cut_and_a_long_order_number_is_an_error() {
    let sandbox = sandbox().await;
    let gateway = gateway(&sandbox, Provider::Qht);
    let mut order = new_order(PayMethod::WechatQr, 100);
    order.description = "长".repeat(200);
    gateway
        .create_qr_order(&order)
        .await
        .expect("the sandbox accepts the cut description");
    order.order_no = "9".repeat(51);
    let error = gateway.create_qr_order(&order).await.expect_err("too long");
    assert_eq!(
        error,
        GatewayError::Invalid(RequestError::TooLong {
            field: "out_order_number",
            max: 50
        })
    );
}

#[tokio::test]
async fn onboarding_registers_and_finds_a_merchant_whose_key_then_works() {
    let sandbox = sandbox().await;
    let gateway = gateway(&sandbox, Provider::Qht);
    let qht = gateway.as_qht().expect("qht");
    let request = MerchantImport {
        cellphone: "13800138000".into(),
        id_card: "44142719900101123X".into(),
        merchant_name: "梅州小卖部".into(),
        bank_account: "6222021234567891234".into(),
        account_name: "张三".into(),
        bank_phone: "13800138000".into(),
        bank: "中国工商银行".into(),
        bank_code: "102100099996".into(),
        branch: "蕉岭支行".into(),
        notify: "http://127.0.0.1:8089/notify".into(),
        page_notify: "http://127.0.0.1:8089/page".into(),
        ..MerchantImport::default()
    }
    .with_region();
    assert!(
        !format!("{request:?}").contains("6222021234567891234"),
        "card number masked"
    );
    let registered = qht.merchant_import(&request).await.expect("registered");
    let found = qht
        .merchant_import_query("13800138000", "44142719900101123X")
        .await
        .expect("found");
    assert_eq!(found, registered);
    let again = qht
        .merchant_import(&request)
        .await
        .expect_err("phone taken");
    assert!(matches!(again, GatewayError::Rejected { ref code, .. } if code == "300004"));
    let missing = qht
        .merchant_import_query("13900000000", "44142719900101123X")
        .await
        .expect_err("none");
    assert!(matches!(missing, GatewayError::Rejected { ref code, .. } if code == "300009"));

    // The new merchant's own key signs its orders.
    let mut config = cashier::config::GatewayConfig::sandbox(Provider::Qht, &sandbox.base_url());
    config.merchant_id = registered.merchant_no.clone();
    config.key = registered.md5_key.clone();
    let own = config.build("T02", common::TIMEOUTS).expect("builds");
    own.create_qr_order(&new_order(PayMethod::AlipayQr, 100))
        .await
        .expect("signed with the new key");
}

#[tokio::test]
async fn quick_pay_returns_a_page_and_scan_code_pay_is_typed() {
    let sandbox = sandbox().await;
    let gateway = gateway(&sandbox, Provider::Qht);
    let qht = gateway.as_qht().expect("qht");
    let request = QuickPay {
        amount: Money::from_li(50_000),
        out_order_number: common::order_no("qp"),
        card: CardPayer::checked(
            TypedCard {
                name: "张三",
                card_number: "6222021234567891234",
                phone: "13800138000",
                id_card: "110101199003074514",
            },
            CardType::Debit,
        )
        .expect("a good card holder"),
        title: "快捷".into(),
        description: "快捷支付".into(),
    };
    assert!(
        !format!("{request:?}").contains("110101199003074514"),
        "ID masked"
    );
    let page = qht.quick_pay(&request).await.expect("page");
    assert!(page.contains("/sandbox/pay/"));
    let order = qht
        .order_query(&request.out_order_number)
        .await
        .expect("queried");
    assert_eq!(order.order_status, QhtOrderStatus::Unknown);
    assert_eq!(order.total_fee, Money::from_li(50_000));

    let scan = ScanCodePay {
        payment: "100",
        amount: Money::from_li(10),
        out_order_number: common::order_no("sc"),
        title: String::new(),
        description: String::new(),
    };
    assert!(
        qht.scan_code_pay(&scan)
            .await
            .expect("created")
            .code_url
            .is_some_and(|url| url.starts_with("http://127.0.0.1"))
    );
}

/// Fills the region fields the tests do not care about.
trait WithRegion {
    fn with_region(self) -> Self;
}

impl WithRegion for MerchantImport {
    fn with_region(mut self) -> Self {
        let region = cashier::gateway::qht::Region {
            province: "广东省".into(),
            city: "梅州市".into(),
            district: "蕉岭县".into(),
            province_code: "440000".into(),
            city_code: "441400".into(),
            district_code: "441427".into(),
        };
        self.region = region.clone();
        self.bank_region = region;
        self
    }
}
