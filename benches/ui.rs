//! What the cashier feels in the window, measured through the real app (kittest, no GPU):
//! Enter → QR on screen against the sandbox (20 runs); scan → 支付成功 (20 runs); Enter → the
//! create request reaching the
//! gateway while the start-up recovery of N open orders is stuck on a gateway that takes 8 s per
//! query (N = 0, 4, 50); and the CPU time of one history frame with 10,000 orders in the day.
//! Run with `cargo bench --bench ui`.
#![allow(missing_docs)] // A benchmark binary.

use std::time::{Duration, Instant, SystemTime};

use cashier::app::setup::{Paths, Resources, Setup};
use cashier::config::{Config, GatewayConfig};
use cashier::gateway::http::Timeouts;
use cashier::gateway::{PayMethod, Provider};
use cashier::ledger::SharedLedger;
use cashier::ledger::{Ledger, OrderDraft, day_of};
use cashier::money::Money;
use cashier::payment::policy::PollPolicy;
use cashier::payment::requery::RequeryPolicy;
use cashier::payment::runner::PaymentContext;
use cashier::sandbox::{Sandbox, SandboxConfig};
use cashier::ui::{CashierApp, theme};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let sandbox = runtime
        .block_on(Sandbox::start(SandboxConfig::default()))
        .expect("sandbox");
    for counter in [Counter::Screen, Counter::Whole] {
        enter_to_qr(&runtime, &sandbox, counter);
        scan_to_paid(&runtime, &sandbox, counter);
    }
    for open_orders in [0, 4, 50] {
        enter_to_create_during_recovery(&runtime, open_orders);
    }
    history_frame(&runtime, &sandbox);
}

/// What the till drives besides its own window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Counter {
    /// The cashier's screen alone (the defaults).
    Screen,
    /// The customer's screen on and every sale announced (issue 25: none of it may slow a sale).
    Whole,
}

impl Counter {
    fn config(self) -> Config {
        let mut config = Config::default();
        if self == Counter::Whole {
            config.customer_screen.on = true;
            config.voice.on = true;
            "好又多便利店".clone_into(&mut config.shop.name);
        }
        config
    }

    fn words(self) -> &'static str {
        match self {
            Counter::Screen => "the cashier's screen alone",
            Counter::Whole => "customer screen and voice on",
        }
    }
}

fn harness(
    runtime: &tokio::runtime::Runtime,
    sandbox: &Sandbox,
    ledger: SharedLedger,
) -> Harness<'static, CashierApp> {
    harness_with(runtime, sandbox, ledger, Config::default())
}

fn harness_with(
    runtime: &tokio::runtime::Runtime,
    sandbox: &Sandbox,
    ledger: SharedLedger,
    config: Config,
) -> Harness<'static, CashierApp> {
    let gateway = GatewayConfig::sandbox(Provider::Qht, &sandbox.base_url())
        .build("B1", Timeouts::default())
        .expect("gateway");
    let context = PaymentContext {
        gateway,
        ledger,
        till_id: "B1".into(),
        barcode_policy: PollPolicy::BARCODE,
        qr_policy: PollPolicy::QR,
        notices: cashier::payment::notices::Notices::default(),
    };
    let setup = Setup {
        config,
        context,
        requery: RequeryPolicy::default(),
        is_sandbox: true,
        resources: Resources::default(),
    };
    let paths = Paths {
        config: None,
        data_dir: std::env::temp_dir().join("cashier-bench-ui"),
        sandbox_port: 0,
        keyring: false,
    };
    let app = cashier::ui::start_app(runtime.handle(), setup, &paths);
    Harness::builder()
        .with_size(egui::vec2(1100.0, 720.0))
        .with_context_setup(theme::install)
        .build_ui_state(
            |ui, app: &mut CashierApp| {
                app.logic(&ui.ctx().clone());
                app.ui(ui);
            },
            app,
        )
}

/// A scanner's burst (the code and its Enter, right after the amount) → 支付成功 on screen, for
/// a code that pays at once: the live wait's first query decides it.
fn scan_to_paid(runtime: &tokio::runtime::Runtime, sandbox: &Sandbox, counter: Counter) {
    let dir = tempfile::tempdir().expect("tempdir");
    let ledger = SharedLedger::new(Ledger::open(&dir.path().join("l.sqlite3")).expect("ledger"));
    let mut harness = harness_with(runtime, sandbox, ledger, counter.config());
    harness.run_steps(3);
    let mut times = Vec::new();
    for _ in 0..20 {
        harness.event(egui::Event::Text("8.80".to_owned()));
        harness.run_steps(1);
        harness.event(egui::Event::Text("130000000000000001".to_owned()));
        harness.key_press(egui::Key::Enter);
        let scanned = Instant::now();
        step_until(&mut harness, "支付成功");
        times.push(scanned.elapsed());
        std::thread::sleep(Duration::from_millis(650));
        harness.key_press(egui::Key::Enter);
        harness.run_steps(2);
    }
    report(
        &format!(
            "scan → 支付成功 on screen (20 codes that pay at once; {})",
            counter.words()
        ),
        &mut times,
    );
}

/// Enter → the create request at the gateway, while the start-up recovery queries
/// `open_orders` orders left open by an earlier run, each query taking 8 s to answer.
fn enter_to_create_during_recovery(runtime: &tokio::runtime::Runtime, open_orders: usize) {
    let sandbox = runtime
        .block_on(Sandbox::start(SandboxConfig::default()))
        .expect("sandbox");
    sandbox.set_query_delay(Duration::from_secs(8));
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ledger = Ledger::open(&dir.path().join("l.sqlite3")).expect("ledger");
    let draft = OrderDraft {
        provider: Provider::Qht,
        merchant_id: cashier::sandbox::QHT_MERCHANT_NO.into(),
        till_id: "B1".into(),
        method: PayMethod::AlipayQr,
        amount: Money::from_yuan(3),
        description: "left open".into(),
        auth_code_masked: None,
    };
    let earlier = chrono::Utc::now() - chrono::Duration::minutes(20);
    for _ in 0..open_orders {
        ledger.create_order(&draft, earlier).expect("insert");
    }
    let ledger = SharedLedger::new(ledger);
    let mut harness = harness(runtime, &sandbox, ledger.clone());
    harness.run_steps(2);
    let mut times = Vec::new();
    for _ in 0..7 {
        harness.event(egui::Event::Text("2.00".to_owned()));
        harness.run_steps(1);
        harness.key_press(egui::Key::F1);
        harness.run_steps(1);
        let entered = SystemTime::now();
        harness.key_press(egui::Key::Enter);
        step_until(&mut harness, "付款二维码");
        let newest = ledger
            .lock()
            .unresolved()
            .expect("list")
            .into_iter()
            .max_by_key(|order| order.created_at)
            .expect("the new order");
        let arrived = sandbox
            .order_arrived_at(&newest.order_no)
            .expect("the create reached the sandbox");
        times.push(arrived.duration_since(entered).unwrap_or_default());
        harness.key_press(egui::Key::Escape);
        step_until(&mut harness, "新的收款");
        std::thread::sleep(Duration::from_millis(650));
        harness.key_press(egui::Key::Enter);
        harness.run_steps(2);
    }
    report(
        &format!("Enter → create at the gateway, recovering {open_orders} orders (8 s queries)"),
        &mut times,
    );
}

fn step_until(harness: &mut Harness<'static, CashierApp>, label: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while harness.query_all_by_label_contains(label).next().is_none() {
        assert!(Instant::now() < deadline, "{label} never showed");
        harness.step();
    }
}

fn enter_to_qr(runtime: &tokio::runtime::Runtime, sandbox: &Sandbox, counter: Counter) {
    let dir = tempfile::tempdir().expect("tempdir");
    let ledger = SharedLedger::new(Ledger::open(&dir.path().join("l.sqlite3")).expect("ledger"));
    let mut harness = harness_with(runtime, sandbox, ledger, counter.config());
    harness.run_steps(3);
    let mut times = Vec::new();
    for _ in 0..20 {
        harness.event(egui::Event::Text("12.34".to_owned()));
        harness.run_steps(1);
        harness.key_press(egui::Key::F2);
        harness.run_steps(1);
        harness.key_press(egui::Key::Enter);
        let started = Instant::now();
        step_until(&mut harness, "付款二维码");
        times.push(started.elapsed());
        harness.key_press(egui::Key::Escape);
        step_until(&mut harness, "新的收款");
        std::thread::sleep(Duration::from_millis(650));
        harness.key_press(egui::Key::Enter);
        harness.run_steps(2);
    }
    report(
        &format!(
            "Enter → QR on screen (20 orders, durable ledger, sandbox over loopback; {})",
            counter.words()
        ),
        &mut times,
    );
}

fn history_frame(runtime: &tokio::runtime::Runtime, sandbox: &Sandbox) {
    let mut ledger = Ledger::open_in_memory().expect("ledger");
    let draft = OrderDraft {
        provider: Provider::Qht,
        merchant_id: "M".into(),
        till_id: "B1".into(),
        method: PayMethod::WechatQr,
        amount: Money::from_yuan(12),
        description: "x".into(),
        auth_code_masked: None,
    };
    let start = chrono::Utc::now() - chrono::Duration::hours(2);
    let today = day_of(start, cashier::china_time::cst());
    let mut count = 0;
    for i in 0..10_000 {
        let at = start + chrono::Duration::milliseconds(i * 500);
        if day_of(at, cashier::china_time::cst()) == today {
            ledger.create_order(&draft, at).expect("insert");
            count += 1;
        }
    }
    let mut harness = harness(runtime, sandbox, SharedLedger::new(ledger));
    harness.run_steps(2);
    harness.get_by_label("销售记录").click();
    step_until(&mut harness, "全部");
    let mut times: Vec<Duration> = (0..200)
        .map(|_| {
            let started = Instant::now();
            harness.step();
            started.elapsed()
        })
        .collect();
    report(
        &format!("history frame with {count} orders in the day (egui pass, no GPU)"),
        &mut times,
    );
}

fn report(what: &str, times: &mut [Duration]) {
    times.sort_unstable();
    let median = times[times.len() / 2];
    let p95 = times[(times.len() * 95 / 100).min(times.len() - 1)];
    println!(
        "{what:<80} median {:>7.2} ms   p95 {:>7.2} ms",
        median.as_secs_f64() * 1e3,
        p95.as_secs_f64() * 1e3
    );
}
