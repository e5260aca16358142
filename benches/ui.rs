//! What the cashier feels in the window, measured through the real app (kittest, no GPU):
//! Enter → QR on screen against the sandbox (20 runs), and the CPU time of one history frame
//! with 10,000 orders in the day. Run with `cargo bench --bench ui`.
#![allow(missing_docs)] // A benchmark binary.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cashier::config::{Config, GatewayConfig};
use cashier::gateway::http::Timeouts;
use cashier::gateway::{PayMethod, Provider};
use cashier::ledger::{Ledger, OrderDraft, day_of};
use cashier::money::Money;
use cashier::payment::policy::PollPolicy;
use cashier::payment::requery::RequeryPolicy;
use cashier::payment::runner::{PaymentContext, SharedLedger};
use cashier::sandbox::{Sandbox, SandboxConfig};
use cashier::ui::backend::{Backend, WorkerSettings};
use cashier::ui::{AppConfig, CashierApp, theme};
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
    enter_to_qr(&runtime, &sandbox);
    history_frame(&runtime, &sandbox);
}

fn harness(
    runtime: &tokio::runtime::Runtime,
    sandbox: &Sandbox,
    ledger: SharedLedger,
) -> Harness<'static, CashierApp> {
    let gateway = GatewayConfig::sandbox(Provider::Qht, &sandbox.base_url())
        .build("B1", Timeouts::default())
        .expect("gateway");
    let context = PaymentContext {
        gateway: gateway.clone(),
        ledger,
        till_id: "B1".into(),
        barcode_policy: PollPolicy::BARCODE,
        qr_policy: PollPolicy::QR,
    };
    let settings = WorkerSettings {
        requery: RequeryPolicy::default(),
        offset: cashier::china_time::cst(),
        export_dir: std::env::temp_dir(),
        notify_listen: None,
    };
    let backend = Backend::start(runtime.handle(), context, settings);
    let app = CashierApp::new(
        backend,
        AppConfig {
            config: Config::default(),
            config_path: None,
            is_sandbox: true,
            provider: Provider::Qht,
            max_amount: gateway.max_amount(),
        },
    );
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

fn step_until(harness: &mut Harness<'static, CashierApp>, label: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while harness.query_by_label_contains(label).is_none() {
        assert!(Instant::now() < deadline, "{label} never showed");
        harness.step();
    }
}

fn enter_to_qr(runtime: &tokio::runtime::Runtime, sandbox: &Sandbox) {
    let dir = tempfile::tempdir().expect("tempdir");
    let ledger: SharedLedger = Arc::new(Mutex::new(
        Ledger::open(&dir.path().join("l.sqlite3")).expect("ledger"),
    ));
    let mut harness = harness(runtime, sandbox, ledger);
    harness.run_steps(3);
    let mut times = Vec::new();
    for _ in 0..20 {
        harness
            .get_by_role(egui::accesskit::Role::TextInput)
            .type_text("12.34");
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
        "Enter → QR on screen (20 orders, durable ledger, sandbox over loopback)",
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
    let mut harness = harness(runtime, sandbox, Arc::new(Mutex::new(ledger)));
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
        "{what:<75} median {:>7.2} ms   p95 {:>7.2} ms",
        median.as_secs_f64() * 1e3,
        p95.as_secs_f64() * 1e3
    );
}
