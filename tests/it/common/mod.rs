//! Shared set-up for the integration tests: a sandbox on a free loopback port and gateways
//! pointed at it, with short timeouts so fault tests run fast.

pub mod escpos_decode;
pub mod notify;
pub mod onboarding_form;
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
        card: None,
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

/// Writes a config file readable by its owner only (one holding a key must be, or the cashier
/// refuses it).
pub fn write_private(path: &std::path::Path, text: &str) {
    std::fs::write(path, text).expect("config written");
    let mut permissions = std::fs::metadata(path).expect("written").permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o600);
    std::fs::set_permissions(path, permissions).expect("chmod 600");
}

/// Runs `pay` (a `cashier pay … --json` command), and when it shows its QR runs `before_paying`
/// and then pays as the customer. Returns the final order line and how long after the customer
/// paid it came.
pub async fn qr_sale_paid_by_customer<F, Fut>(
    mut pay: std::process::Command,
    before_paying: F,
) -> (serde_json::Value, Duration)
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;

    let mut pay = pay
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("pay starts");
    let lines = BufReader::new(pay.stdout.take().expect("stdout")).lines();
    let (line_tx, mut line_rx) = tokio::sync::mpsc::channel(64);
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            let _ = line_tx.blocking_send(line);
        }
    });
    let mut before_paying = Some(before_paying);
    let mut paid_at = None;
    let mut result = None;
    while let Ok(Some(line)) = tokio::time::timeout(Duration::from_secs(90), line_rx.recv()).await {
        let value: serde_json::Value = serde_json::from_str(&line).expect("a JSON line");
        if value["event"] == "show" {
            if let Some(before) = before_paying.take() {
                before().await;
            }
            open(value["code_url"].as_str().expect("a code_url")).await;
            paid_at = Some(std::time::Instant::now());
        } else if value.get("event").is_none() {
            result = Some((value, std::time::Instant::now()));
            break;
        }
    }
    let _ = pay.kill();
    let _ = pay.wait();
    let paid_at = paid_at.expect("a QR was shown");
    let (order, ended) = result.expect("a result line");
    (order, ended - paid_at)
}

/// A session bus address nothing listens on: a till with no keyring, whatever desktop runs the
/// tests, so keys saved by the tests stay in their temp config files.
pub const NO_BUS: &str = "unix:path=/nonexistent/no-keyring-bus";

/// `cashier ARGS` on the till in `dir` (its `config.toml` and its `data` folder), with no keyring.
pub fn cashier_in(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    cashier_on_bus(dir, args, NO_BUS)
}

/// `cashier ARGS` on the till in `dir`, its keyring the Secret Service on the session bus `bus`.
pub fn cashier_on_bus(dir: &std::path::Path, args: &[&str], bus: &str) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_cashier"))
        .arg("--config")
        .arg(dir.join("config.toml"))
        .arg("--data-dir")
        .arg(dir.join("data"))
        .args(args)
        .env("DBUS_SESSION_BUS_ADDRESS", bus)
        .env_remove("CASHIER_KEYRING")
        .output()
        .expect("cashier runs")
}

/// Runs `command` with `input` on its standard input (a PIN, as an owner types it): its exit
/// status, stdout and stderr.
pub fn run_with_input(
    mut command: std::process::Command,
    input: &str,
) -> (Option<i32>, String, String) {
    use std::io::Write;
    let mut child = command
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("written");
    let output = child.wait_with_output().expect("ends");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}
