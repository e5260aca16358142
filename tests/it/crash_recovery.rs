//! SIGKILL `cashier pay` at several points of a payment against a sandbox in another process,
//! then restart: `cashier recover` must resolve every order correctly and lose none.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use cashier::config::GatewayConfig;
use cashier::gateway::http::Timeouts;
use cashier::gateway::{OrderState, Provider};

const CASHIER: &str = env!("CARGO_BIN_EXE_cashier");

/// Kills the sandbox process when the test ends, however it ends.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `cashier sandbox` on a free port, 10× faster (the password code pays after 1 s).
fn start_sandbox() -> (Killed, String) {
    let mut child = Command::new(CASHIER)
        .args(["sandbox", "--port", "0", "--speedup", "10"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("sandbox starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().expect("a line").expect("text");
    // Keep reading, so the sandbox never writes into a closed pipe.
    std::thread::spawn(move || lines.for_each(drop));
    let url = first.rsplit(' ').next().expect("url").to_owned();
    (Killed(child), url)
}

fn write_config(dir: &Path, base_url: &str) -> std::path::PathBuf {
    let path = dir.join("config.toml");
    let text = format!(
        "[gateway]\nprovider = \"qht\"\nbase_url = \"{base_url}\"\nmerchant_id = \"{}\"\nkey = \"{}\"\n\
         connect_timeout_secs = 1\ntotal_timeout_secs = 2\n\n\
         [payment]\nbarcode_first_query_ms = 100\nbarcode_interval_ms = 100\nbarcode_wait_ms = 400\n\
         qr_expiry_secs = 1\nnot_found_grace_secs = 0\n\n[till]\nid = \"K1\"\n",
        cashier::sandbox::QHT_MERCHANT_NO,
        cashier::sandbox::QHT_KEY
    );
    std::fs::write(&path, text).expect("config written");
    // It holds a key: readable by its owner only, or the cashier refuses it.
    let mut permissions = std::fs::metadata(&path).expect("written").permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o600);
    std::fs::set_permissions(&path, permissions).expect("chmod 600");
    path
}

fn cashier(config: &Path, data: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(CASHIER);
    command
        .arg("--config")
        .arg(config)
        .arg("--data-dir")
        .arg(data)
        .args(args);
    command
}

fn json_lines(output: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(output)
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect()
}

/// Starts a bar-code payment whose customer takes 1 s to enter the password, and SIGKILLs it
/// after `after`.
async fn pay_and_kill(config: &Path, data: &Path, after: Duration) {
    let mut pay = cashier(
        config,
        data,
        &[
            "pay",
            "--method",
            "wechat-barcode",
            "--amount",
            "2.34",
            "--auth-code",
            "130000000000000002",
            "--json",
        ],
    )
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .expect("pay starts");
    tokio::time::sleep(after).await;
    pay.kill().expect("SIGKILL");
    pay.wait().expect("reaped");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_killed_payment_is_resolved_on_restart() {
    let (_sandbox, base_url) = start_sandbox();
    let dir = tempfile::tempdir().expect("tempdir");
    let config = write_config(dir.path(), &base_url);
    let data = dir.path().join("data");

    // One payment left to finish, as a control.
    let control = cashier(
        &config,
        &data,
        &[
            "pay",
            "--method",
            "wechat-barcode",
            "--amount",
            "1.00",
            "--auth-code",
            "280000000000000001",
            "--json",
        ],
    )
    .output()
    .expect("runs");
    assert_eq!(
        control.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&control.stderr)
    );

    // Kill others at points through the payment: before and after the ledger write, while the
    // create is out, while the customer types the password, while querying.
    for kill_after_ms in [0, 15, 30, 60, 120, 250, 500, 900] {
        pay_and_kill(&config, &data, Duration::from_millis(kill_after_ms)).await;
    }

    // Let the password entries finish at the sandbox, then restart.
    tokio::time::sleep(Duration::from_millis(1_300)).await;
    let recover = cashier(&config, &data, &["recover", "--json"])
        .output()
        .expect("runs");
    assert_eq!(
        recover.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&recover.stderr)
    );

    let history = cashier(&config, &data, &["history", "--json"])
        .output()
        .expect("runs");
    let orders: Vec<_> = json_lines(&history.stdout)
        .into_iter()
        .filter(|line| line.get("order_no").is_some())
        .collect();
    assert!(
        orders.len() >= 5,
        "most kills came after the order was written: {orders:?}"
    );

    // Ask the sandbox itself what became of each order.
    let gateway = GatewayConfig::sandbox(Provider::Qht, &base_url)
        .build(
            "K1",
            Timeouts {
                connect: Duration::from_secs(1),
                total: Duration::from_secs(2),
            },
        )
        .expect("builds");
    let mut paid = 0;
    for order in &orders {
        let order_no = order["order_no"].as_str().expect("order_no");
        let status = order["status"].as_str().expect("status");
        match gateway
            .query_order(order_no)
            .await
            .expect("the sandbox answers")
        {
            OrderState::Paid(_) => {
                assert_eq!(status, "paid", "{order}");
                paid += 1;
            }
            OrderState::NotFound => {
                assert_eq!(status, "failed", "never reached the gateway: {order}");
            }
            other => panic!("the sandbox still says {other:?} for {order}"),
        }
    }
    assert!(
        paid >= 3,
        "several kills came after the create reached the gateway"
    );
}
