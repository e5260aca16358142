#![allow(missing_docs)] // A benchmark binary.
//! Ledger benchmark: a ledger of 1,000,000 orders over a year, and the medians of what the
//! screens and the till do with it. Run with `cargo bench --bench ledger`.
//!
//! The ledger file is built once under `target/bench/` and reused (delete it to rebuild).

use std::path::Path;
use std::time::{Duration, Instant};

use cashier::china_time::cst;
use cashier::gateway::{PayMethod, Provider};
use cashier::ledger::{Ledger, OrderDraft};
use cashier::money::Money;
use chrono::{NaiveDate, TimeZone, Utc};
use rusqlite::{Connection, params};

const ORDERS: i64 = 1_000_000;
const RUNS: usize = 200;

fn main() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench/ledger-1m.sqlite3");
    let year_start = Utc
        .with_ymd_and_hms(2025, 1, 1, 0, 0, 0)
        .single()
        .expect("valid");
    if !is_built(&path) {
        build(&path, year_start.timestamp_millis());
    }
    let mut ledger = Ledger::open(&path).expect("opens");
    let day = NaiveDate::from_ymd_opt(2025, 7, 1).expect("valid");
    let offset = cst();

    let totals = ledger.day_totals(day, offset).expect("totals");
    println!(
        "ledger: {ORDERS} orders over 2025; {day}: {} orders, {} paid, {}",
        totals.count, totals.paid_count, totals.paid
    );
    report("one day's totals", RUNS, || {
        ledger.day_totals(day, offset).expect("totals");
    });
    report("one day's first page of orders (50)", RUNS, || {
        ledger.day_orders(day, offset, 0, 50).expect("page");
    });
    let open = ledger.unresolved().expect("list").len();
    report(
        &format!("the unresolved list ({open} orders)"),
        RUNS,
        || {
            ledger.unresolved().expect("list");
        },
    );
    report("30 days of daily totals", 50, || {
        ledger.daily_totals(day, 30, offset).expect("chart");
    });
    let shift = busy_shift(&mut ledger, &path, day);
    report(
        &format!("a shift's report so far ({} orders)", totals.count),
        RUNS,
        || {
            ledger
                .shift_report(Some(shift), Utc::now())
                .expect("report");
        },
    );
    let draft = OrderDraft {
        provider: Provider::Qht,
        merchant_id: "M1".into(),
        till_id: "B9".into(),
        method: PayMethod::WechatQr,
        amount: Money::from_yuan(12),
        description: "bench".into(),
        auth_code_masked: None,
    };
    report("insert + durable commit of one order", RUNS, || {
        ledger.create_order(&draft, Utc::now()).expect("insert");
    });
}

/// The open shift holding every order of `day` (a busy day's shift), made on the first run.
fn busy_shift(ledger: &mut Ledger, path: &Path, day: NaiveDate) -> i64 {
    if let Some(open) = ledger.open_shift_now().expect("read") {
        return open.id;
    }
    let (from_ms, to_ms) = cashier::ledger::day_range_ms(day, cst());
    let opened = Utc.timestamp_millis_opt(from_ms).single().expect("valid");
    let shift = ledger
        .open_shift("张三", Money::from_yuan(200), opened)
        .expect("opens");
    let conn = Connection::open(path).expect("open");
    conn.execute(
        "UPDATE orders SET shift_id = ?1 WHERE created_at_ms >= ?2 AND created_at_ms < ?3",
        params![shift.id, from_ms, to_ms],
    )
    .expect("assign");
    shift.id
}

fn is_built(path: &Path) -> bool {
    let Ok(conn) = Connection::open(path) else {
        return false;
    };
    conn.query_row("SELECT count(*) FROM orders", [], |row| {
        row.get::<_, i64>(0)
    })
    .is_ok_and(|n| n >= ORDERS)
}

/// Writes `ORDERS` orders spread over a year: 92 % paid, 5 % failed, the rest unresolved or
/// open only in the last days (as re-querying resolves older ones).
fn build(path: &Path, start_ms: i64) {
    let _ = std::fs::remove_file(path);
    std::fs::create_dir_all(path.parent().expect("dir")).expect("dir");
    drop(Ledger::open(path).expect("schema"));
    let mut conn = Connection::open(path).expect("open");
    let started = Instant::now();
    let tx = conn.transaction().expect("tx");
    {
        let mut insert = tx
            .prepare(
                "INSERT INTO orders (order_no, provider, merchant_id, till_id, method, amount_li, paid_li, status,
                                     description, created_at_ms, updated_at_ms, paid_at_ms)
                 VALUES (?1, 'qht', 'M1', 'T01', ?2, ?3, ?4, ?5, '商品', ?6, ?6, ?7)",
            )
            .expect("prepare");
        let methods = ["alipay-qr", "wechat-qr", "alipay-barcode", "wechat-barcode"];
        let step_ms = 365 * 86_400_000 / ORDERS;
        for i in 0..ORDERS {
            let at = start_ms + i * step_ms;
            let amount = 1_000 + (i * 7_919 % 200_000) * 10;
            let (status, paid) = match i % 100 {
                0..=91 => ("paid", Some(amount)),
                92..=96 => ("failed", None),
                _ if i > ORDERS - 2_000 => ("unresolved", None),
                _ => ("paid", Some(amount)),
            };
            let paid_at = paid.map(|_| at + 5_000);
            insert
                .execute(params![
                    format!("T01{i:012}"),
                    methods[usize::try_from(i % 4).unwrap_or(0)],
                    amount,
                    paid,
                    status,
                    at,
                    paid_at
                ])
                .expect("insert");
        }
    }
    tx.commit().expect("commit");
    conn.execute_batch("ANALYZE").expect("analyze");
    println!(
        "built {ORDERS} orders in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

fn report(what: &str, runs: usize, mut run: impl FnMut()) {
    for _ in 0..5 {
        run();
    }
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            run();
            started.elapsed()
        })
        .collect();
    times.sort_unstable();
    let median = times[runs / 2];
    let p95 = times[runs * 95 / 100];
    println!(
        "{what:<45} median {:>8.3} ms   p95 {:>8.3} ms",
        ms(median),
        ms(p95)
    );
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
