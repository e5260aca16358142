//! Several tills, one store: real PostgreSQL clusters (tests/common/pg.rs) and `cashier` processes
//! as tills, each with its own SQLite ledger, against the sandbox gateway. Orders reach the store
//! exactly once whatever happens to the store or to a till mid-push.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use cashier::i18n::{Lang, Localized};
use cashier::store::{Store, StoreConfig, StoreError};
use common::pg::Postgres;

const CASHIER: &str = env!("CARGO_BIN_EXE_cashier");

/// A till: its config (qht on `sandbox_url`, the store at `store_url`) and its data dir.
struct Till {
    config: PathBuf,
    data: PathBuf,
}

impl Till {
    fn new(dir: &Path, id: &str, sandbox_url: &str, store_url: &str) -> Till {
        let config = dir.join(format!("{id}.toml"));
        std::fs::write(
            &config,
            format!(
                "[gateway]\nprovider = \"qht\"\nbase_url = \"{sandbox_url}\"\nmerchant_id = \"{}\"\n\
                 key = \"{}\"\n\n[till]\nid = \"{id}\"\n\n[store]\nurl = \"{store_url}\"\n",
                cashier::sandbox::QHT_MERCHANT_NO,
                cashier::sandbox::QHT_KEY
            ),
        )
        .expect("config");
        let mut permissions = std::fs::metadata(&config).expect("written").permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o600);
        std::fs::set_permissions(&config, permissions).expect("chmod 600");
        Till {
            config,
            data: dir.join(id),
        }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(CASHIER);
        command
            .arg("--config")
            .arg(&self.config)
            .arg("--data-dir")
            .arg(&self.data)
            .args(args)
            .stdin(Stdio::null());
        command
    }

    /// A bar-code sale the customer's wallet pays at once.
    fn sell(&self, amount: &str) -> std::process::Child {
        self.command(&[
            "pay",
            "--method",
            "wechat-barcode",
            "--amount",
            amount,
            "--auth-code",
            "130000000000000001",
            "--json",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("pay starts")
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("runs")
    }
}

fn json_lines(output: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect()
}

/// The last line of `history --json`: the totals.
fn totals(output: &Output) -> serde_json::Value {
    json_lines(output).pop().expect("a totals line")
}

async fn store_rows(postgres: &Postgres) -> Vec<(String, String, String)> {
    let (client, connection) = tokio_postgres::connect(&postgres.url(), tokio_postgres::NoTls)
        .await
        .expect("connects");
    tokio::spawn(connection);
    client
        .query(
            "SELECT order_no, till_id, status FROM orders ORDER BY order_no",
            &[],
        )
        .await
        .expect("query")
        .iter()
        .map(|row| (row.get(0), row.get(1), row.get(2)))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_tills_selling_at_once_all_reach_the_store() {
    let sandbox = common::sandbox().await;
    let postgres = Postgres::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let tills: Vec<Till> = ["K1", "K2", "K3", "K4"]
        .iter()
        .map(|id| Till::new(dir.path(), id, &sandbox.base_url(), &postgres.url()))
        .collect();
    // 4 tills × 5 payments, all 20 at once.
    let sales: Vec<_> = tills
        .iter()
        .flat_map(|till| (1..=5).map(move |n| till.sell(&format!("{n}.00"))))
        .collect();
    for sale in sales {
        let output = sale.wait_with_output().expect("ends");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(
            json_lines(&output).last().expect("result")["status"],
            "paid"
        );
    }
    let rows = store_rows(&postgres).await;
    assert_eq!(rows.len(), 20, "{rows:?}");
    assert!(rows.iter().all(|(_, _, status)| status == "paid"));

    let output = tills[0].run(&["history", "--all-tills", "--json"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines = json_lines(&output);
    let summary = lines.last().expect("totals");
    assert_eq!(summary["count"], 20);
    assert_eq!(summary["paid_count"], 20);
    assert_eq!(summary["paid"], "60.00", "4 × (1+2+3+4+5)");
    let by_till = summary["by_till"].as_array().expect("by_till");
    assert_eq!(by_till.len(), 4);
    assert!(
        by_till
            .iter()
            .all(|t| t["paid_count"] == 5 && t["paid"] == "15.00")
    );
    assert!(lines[..20].iter().all(|order| order["till"].is_string()));

    let one = totals(&tills[0].run(&["history", "--till", "K3", "--json"]));
    assert_eq!(one["count"], 5);
    let own = totals(&tills[1].run(&["history", "--json"]));
    assert_eq!(own["count"], 5, "a till's own history is its own ledger");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_till_sells_on_while_the_store_is_down_and_catches_up_once() {
    let sandbox = common::sandbox().await;
    let postgres = Postgres::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let till = Till::new(dir.path(), "K1", &sandbox.base_url(), &postgres.url());
    let first = till.sell("1.00").wait_with_output().expect("ends");
    assert!(first.status.success());
    assert_eq!(store_rows(&postgres).await.len(), 1);

    postgres.stop();
    for amount in ["2.00", "3.00", "4.00"] {
        let output = till.sell(amount).wait_with_output().expect("ends");
        assert!(
            output.status.success(),
            "the sale goes on without the store"
        );
        assert_eq!(
            json_lines(&output).last().expect("result")["status"],
            "paid"
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("门店数据库离线"), "{stderr}");
        assert!(stderr.contains("待同步"), "{stderr}");
    }
    let offline = till.run(&["sync", "--json"]);
    assert!(
        !offline.status.success(),
        "sync says the store is unreachable"
    );
    assert_eq!(json_lines(&offline)[0]["left"], 3);

    postgres.restart();
    let synced = till.run(&["sync", "--json"]);
    assert!(
        synced.status.success(),
        "{}",
        String::from_utf8_lossy(&synced.stderr)
    );
    assert_eq!(json_lines(&synced)[0]["pushed"], 3);
    let again = till.run(&["sync", "--json"]);
    assert_eq!(
        json_lines(&again)[0]["pushed"],
        0,
        "nothing is pushed twice"
    );
    let rows = store_rows(&postgres).await;
    assert_eq!(rows.len(), 4);
    assert!(rows.iter().all(|(_, _, status)| status == "paid"));
}

/// `cashier sync` killed (SIGKILL) at several points of pushing 5,000 orders: each time the next sync
/// finishes the job, and the store ends with every order once, in its latest state.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_till_killed_mid_push_loses_and_doubles_nothing() {
    use cashier::gateway::{PayMethod, Provider};
    use cashier::ledger::{Ledger, OrderDraft};
    use cashier::money::Money;

    let postgres = Postgres::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let till = Till::new(dir.path(), "K1", "http://127.0.0.1:9", &postgres.url());
    {
        let mut ledger = Ledger::open(&till.data.join("ledger.sqlite3")).expect("ledger");
        ledger.link_store().expect("linked");
        for n in 1..=5_000 {
            let draft = OrderDraft {
                provider: Provider::Qht,
                merchant_id: cashier::sandbox::QHT_MERCHANT_NO.into(),
                till_id: "K1".into(),
                method: PayMethod::AlipayQr,
                amount: Money::from_fen(n),
                description: "x".into(),
                auth_code_masked: None,
            };
            ledger
                .create_order(&draft, chrono::Utc::now())
                .expect("order");
        }
    }
    let mut pushed_by_then = Vec::new();
    for kill_after_ms in [130, 170, 210] {
        let mut sync = till
            .command(&["sync"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("sync starts");
        tokio::time::sleep(Duration::from_millis(kill_after_ms)).await;
        let _ = sync.kill();
        let _ = sync.wait();
        pushed_by_then.push(store_rows(&postgres).await.len());
    }
    // The kills landed before the end: the store had only part of the orders after the first.
    assert!(pushed_by_then[0] < 5_000, "{pushed_by_then:?}");
    eprintln!("orders in the store after each kill: {pushed_by_then:?}");
    let synced = till.run(&["sync", "--json"]);
    assert!(
        synced.status.success(),
        "{}",
        String::from_utf8_lossy(&synced.stderr)
    );
    assert_eq!(json_lines(&synced)[0]["left"], 0);
    let rows = store_rows(&postgres).await;
    assert_eq!(rows.len(), 5_000, "every order once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_that_cannot_be_used_says_why_without_the_password() {
    let postgres = Postgres::start();
    let connect = |url: String| async move {
        Store::connect(&StoreConfig {
            url: cashier::secret::Secret::new(url),
        })
        .await
        .map(|_| ())
    };
    let port = postgres.port;
    let cases = [
        (
            format!("postgres://cashier:wrong-password@127.0.0.1:{port}/shop"),
            StoreError::LoginRefused,
        ),
        (
            format!(
                "postgres://cashier:{}@127.0.0.1:{port}/nosuchdb",
                common::pg::PASSWORD
            ),
            StoreError::NoDatabase,
        ),
        (
            "postgres://cashier:pw@127.0.0.1:9/shop".to_owned(),
            StoreError::Unreachable,
        ),
        ("http://not-a-store".to_owned(), StoreError::Url),
    ];
    for (url, expected) in cases {
        let error = connect(url.clone()).await.expect_err(&url);
        assert_eq!(error, expected, "{url}");
        for lang in [Lang::Zh, Lang::En] {
            let text = error.message(lang);
            assert!(!text.contains("wrong-password") && !text.contains(common::pg::PASSWORD));
        }
    }
    connect(postgres.url())
        .await
        .expect("the right password connects");
}

/// The window says how the store stands: caught up, then offline with the sales waiting (the
/// sale itself goes through), then caught up again once the store is back.
#[test]
fn the_checkout_says_when_the_store_is_offline_and_when_it_caught_up() {
    let postgres = Postgres::start();
    let mut world = common::window::world_with_store(&postgres.url());
    world.wait_for("门店数据库：已同步");
    postgres.stop();
    world.type_amount("8.88");
    world.scan("130000000000000001");
    world.wait_for("支付成功");
    world.new_sale();
    world.wait_for("门店数据库离线，1 笔待同步");
    postgres.restart();
    world.wait_for("门店数据库：已同步");
    let rows = world.runtime.block_on(store_rows(&postgres));
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].2, "paid");
}
