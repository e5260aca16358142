#![allow(missing_docs)] // A benchmark binary.
//! Store benchmark, on a throwaway PostgreSQL cluster from the system's binaries: a store ledger
//! of 1,000,000 orders over 20 tills and a year, and what the owner and the tills feel.
//! Run with `cargo bench --bench store` (needs Debian's `postgresql`, as the tests do).

#[path = "../tests/it/common/pg.rs"]
#[allow(dead_code)] // The tests' cluster helper; the benchmark needs only part of it.
mod pg;

use std::sync::Arc;
use std::time::{Duration, Instant};

use cashier::china_time::cst;
use cashier::gateway::{PayMethod, Provider};
use cashier::ledger::{Ledger, OrderDraft, SharedLedger};
use cashier::money::Money;
use cashier::secret::Secret;
use cashier::sign::{SignFields, changpay_sign};
use cashier::store::{Store, StoreConfig, StoreNotifications, listen_for_payments, push_pending};
use chrono::{NaiveDate, TimeZone, Utc};

const ORDERS: i64 = 1_000_000;
const TILLS: usize = 20;
const KEY: &str = "bench-changpay-key";

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let postgres = pg::Postgres::start();
    let config = StoreConfig {
        url: Secret::new(postgres.url()),
    };
    let store = Store::connect(&config).await.expect("store");
    let year_start = Utc
        .with_ymd_and_hms(2025, 1, 1, 0, 0, 0)
        .single()
        .expect("valid")
        .timestamp_millis();
    fill(&postgres.url(), year_start).await;
    let day = NaiveDate::from_ymd_opt(2025, 7, 1).expect("valid");
    let offset = cst();
    let totals = store.day_totals(day, offset, None).await.expect("totals");
    println!(
        "store: {ORDERS} orders, {TILLS} tills, over 2025; {day}: {} orders, {} paid, {}",
        totals.totals.count, totals.totals.paid_count, totals.totals.paid
    );
    let mut times = Vec::new();
    for _ in 0..200 {
        let started = Instant::now();
        store.day_totals(day, offset, None).await.expect("totals");
        times.push(started.elapsed());
    }
    print_quantiles("one day's store totals (per till, per method)", &mut times);
    let mut times = Vec::new();
    for _ in 0..50 {
        let started = Instant::now();
        store
            .daily_totals(day, 30, offset, None)
            .await
            .expect("chart");
        times.push(started.elapsed());
    }
    print_quantiles("30 days of daily totals (store)", &mut times);

    push_latency(&config).await;
    notification_to_till(&config, Arc::new(store)).await;
}

/// `ORDERS` orders over a year and `TILLS` tills, as the tills would have pushed them.
async fn fill(url: &str, year_start: i64) {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .expect("connects");
    tokio::spawn(connection);
    let started = Instant::now();
    client
        .execute(
            "INSERT INTO orders (order_no, till_id, provider, merchant_id, method, amount_li,
                 paid_li, status, description, created_at_ms, updated_at_ms, late, acknowledged)
             SELECT 'B' || n, 'K' || (n % $3::BIGINT), 'qht', 'M1',
                    (ARRAY['alipay-qr','wechat-qr','alipay-barcode','wechat-barcode'])[n % 4 + 1],
                    1000 + (n % 5000) * 10,
                    CASE WHEN n % 100 < 92 THEN 1000 + (n % 5000) * 10 END,
                    CASE WHEN n % 100 < 92 THEN 'paid' WHEN n % 100 < 97 THEN 'failed'
                         ELSE 'unresolved' END,
                    'bench', $1::BIGINT + n * (31536000000 / $2::BIGINT),
                    $1::BIGINT + n * (31536000000 / $2::BIGINT), false, true
             FROM generate_series(1, $2::BIGINT) AS n",
            &[&year_start, &ORDERS, &i64::try_from(TILLS).expect("small")],
        )
        .await
        .expect("filled");
    client
        .batch_execute("ANALYZE orders")
        .await
        .expect("analyze");
    println!("built in {:.1} s", started.elapsed().as_secs_f64());
}

/// 20 tills each commit 50 orders and push at once: how long from each order's commit until it
/// is in the store.
async fn push_latency(config: &StoreConfig) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut tills = Vec::new();
    for till in 0..TILLS {
        let ledger = Ledger::open(&dir.path().join(format!("till{till}.sqlite3"))).expect("ledger");
        let ledger = SharedLedger::new(ledger);
        ledger.lock().link_store().expect("linked");
        tills.push((format!("P{till}"), ledger));
    }
    let started = Instant::now();
    let pushes: Vec<_> = tills
        .into_iter()
        .map(|(till_id, ledger)| {
            let config = config.clone();
            tokio::spawn(async move {
                let store = Store::connect(&config).await.expect("store");
                let mut committed = Vec::new();
                for n in 0..50 {
                    let draft = OrderDraft {
                        provider: Provider::Qht,
                        merchant_id: "M1".into(),
                        till_id: till_id.clone(),
                        method: PayMethod::AlipayQr,
                        amount: Money::from_fen(100 + n),
                        description: "bench".into(),
                        auth_code_masked: None,
                    };
                    let draft_for_ledger = draft.clone();
                    ledger
                        .run(move |ledger| ledger.create_order(&draft_for_ledger, Utc::now()))
                        .await
                        .expect("order");
                    committed.push(Instant::now());
                }
                push_pending(&ledger, &store, "K1").await.expect("pushed");
                let visible = Instant::now();
                committed
                    .into_iter()
                    .map(|at| visible - at)
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for push in pushes {
        latencies.extend(push.await.expect("till"));
    }
    println!(
        "{TILLS} tills × 50 orders committed and pushed at once: {:.0} ms in all",
        started.elapsed().as_secs_f64() * 1000.0
    );
    print_quantiles("till commit → visible in the store", &mut latencies);
}

/// A notification posted to the store's service → the order's till hears of it (LISTEN).
async fn notification_to_till(config: &StoreConfig, store: Arc<Store>) {
    let socket = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let addr = socket.local_addr().expect("addr");
    let sink = StoreNotifications {
        store,
        mch_id: "bench_mch".into(),
        key: Secret::new(KEY),
    };
    tokio::spawn(cashier::payment::notify_listener::serve_on(sink, socket));
    let (paid_tx, mut paid_rx) = tokio::sync::mpsc::channel(16);
    tokio::spawn(listen_for_payments(config.clone(), "N1".into(), paid_tx));
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (client, connection) = tokio_postgres::connect(config.url.expose(), tokio_postgres::NoTls)
        .await
        .expect("connects");
    tokio::spawn(connection);
    let http = reqwest::Client::new();
    let mut latencies = Vec::new();
    for n in 0..100 {
        let order_no = format!("N1-{n:04}");
        let now = Utc::now().timestamp_millis();
        client
            .execute(
                "INSERT INTO orders (order_no, till_id, provider, merchant_id, method, amount_li,
                     status, description, created_at_ms, updated_at_ms, late, acknowledged)
                 VALUES ($1, 'N1', 'changpay', 'bench_mch', 'wechat-qr', 5000, 'pending', 'b',
                         $2, $2, false, true)",
                &[&order_no, &now],
            )
            .await
            .expect("order");
        let mut fields = SignFields::new();
        for (name, value) in [
            ("mch_id", "bench_mch"),
            ("mch_order", order_no.as_str()),
            ("amt", "5000"),
            ("mch_amt", "5000"),
            ("status", "2"),
            ("success_at", "1763800000"),
        ] {
            fields.insert(name.to_owned(), value.to_owned());
        }
        let sign = changpay_sign(&fields, KEY);
        let mut pairs: Vec<(String, String)> = fields.into_iter().collect();
        pairs.push(("sign".to_owned(), sign));
        let started = Instant::now();
        let answer = http
            .post(format!("http://{addr}/notify"))
            .form(&pairs)
            .send()
            .await
            .expect("posted")
            .text()
            .await
            .expect("answer");
        assert_eq!(answer, "success");
        let heard = tokio::time::timeout(Duration::from_secs(5), paid_rx.recv())
            .await
            .expect("heard in time")
            .expect("an order");
        assert_eq!(heard, order_no);
        latencies.push(started.elapsed());
    }
    print_quantiles(
        "notification → its till hears (LISTEN/NOTIFY)",
        &mut latencies,
    );
}

fn print_quantiles(what: &str, times: &mut [Duration]) {
    times.sort_unstable();
    // The `percent`th percentile, nearest rank.
    let at = |percent: usize| {
        let index = (times.len() * percent).div_ceil(100).saturating_sub(1);
        times[index].as_secs_f64() * 1000.0
    };
    println!(
        "{what}: median {:.2} ms, p95 {:.2} ms, p99 {:.2} ms (n = {})",
        at(50),
        at(95),
        at(99),
        times.len()
    );
}
