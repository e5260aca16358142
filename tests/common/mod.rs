//! Shared set-up for the integration tests: a sandbox on a free loopback port and gateways
//! pointed at it, with short timeouts so fault tests run fast.
#![allow(dead_code)] // Each test binary uses its own part of this module.

pub mod pg;
pub mod window;

use std::time::Duration;

use cashier::config::GatewayConfig;
use cashier::gateway::http::Timeouts;
use cashier::gateway::{Gateway, NewOrder, PayMethod, Provider};
use cashier::money::Money;
use cashier::sandbox::{Sandbox, SandboxConfig};

/// How much faster than real time the sandbox runs: a 10 s password entry takes 50 ms.
pub const SPEEDUP: u32 = 200;

/// Timeouts short enough for the timeout fault (which holds its answer 2 s) to trip.
pub const TIMEOUTS: Timeouts = Timeouts {
    connect: Duration::from_secs(1),
    total: Duration::from_millis(700),
};

/// A sandbox on a free port.
pub async fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig {
        speedup: SPEEDUP,
        fault_delay: Duration::from_secs(2),
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox starts")
}

/// A gateway for `provider`'s test merchant on `sandbox`.
pub fn gateway(sandbox: &Sandbox, provider: Provider) -> Gateway {
    GatewayConfig::sandbox(provider, &sandbox.base_url())
        .build("T01", TIMEOUTS)
        .expect("gateway builds")
}

/// A gateway with a wrong key.
pub fn gateway_with_key(sandbox: &Sandbox, provider: Provider, key: &str) -> Gateway {
    let mut config = GatewayConfig::sandbox(provider, &sandbox.base_url());
    config.key = cashier::secret::Secret::new(key);
    config.build("T01", TIMEOUTS).expect("gateway builds")
}

/// A fresh order number for a test.
pub fn order_no(tag: &str) -> String {
    format!(
        "T01{tag}{}",
        &uuid::Uuid::new_v4().simple().to_string()[..12]
    )
}

/// An order of `amount_li` by `method`.
pub fn new_order(method: PayMethod, amount_li: i64) -> NewOrder {
    NewOrder {
        order_no: order_no(method.slug().split('-').next().unwrap_or("x")),
        method,
        amount: Money::from_li(amount_li),
        description: "测试商品 Test item".to_owned(),
        payer: None,
    }
}

/// Opens a pay page as a customer's phone would.
pub async fn open(url: &str) -> String {
    reqwest::get(url)
        .await
        .expect("pay page answers")
        .text()
        .await
        .expect("pay page body")
}

/// Creates a QR order and returns its `code_url`; anything else to show fails the test.
pub async fn create_qr(gateway: &Gateway, order: &NewOrder) -> String {
    match gateway
        .create_qr_order(order)
        .await
        .expect("created")
        .display
    {
        cashier::gateway::PayDisplay::QrCode(url) => url,
        other => panic!("a QR to show, got {other:?}"),
    }
}

/// A changpay gateway on `sandbox` whose notifications go to `notify_url`.
pub fn changpay_notifying(sandbox: &Sandbox, notify_url: String) -> Gateway {
    let mut config = GatewayConfig::sandbox(Provider::Changpay, &sandbox.base_url());
    config.notify_url = notify_url;
    config.build("T01", TIMEOUTS).expect("gateway builds")
}
