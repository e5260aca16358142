//! A window for the UI tests: the real app (worker, ledger, sandbox gateway over loopback)
//! driven by `egui_kittest`, widgets found by their visible labels.

use std::time::{Duration, Instant};

use cashier::app::setup::{Paths, Resources, Setup};
use cashier::config::Config;
use cashier::gateway::Provider;
use cashier::ledger::{Ledger, SharedLedger};
use cashier::payment::policy::PollPolicy;
use cashier::payment::requery::RequeryPolicy;
use cashier::payment::runner::PaymentContext;
use cashier::sandbox::Sandbox;
use cashier::ui::{CashierApp, theme};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

/// Live waits short enough for tests.
pub const FAST: PollPolicy = PollPolicy {
    first_query: Duration::from_millis(20),
    interval: Duration::from_millis(20),
    wait: Duration::from_millis(800),
};

/// The app, its sandbox gateway and ledger, and the runtime they run on.
pub struct World {
    pub harness: Harness<'static, CashierApp>,
    pub sandbox: Sandbox,
    pub ledger: SharedLedger,
    pub runtime: tokio::runtime::Runtime,
    pub data_dir: tempfile::TempDir,
}

/// A window on a test sandbox and a fresh ledger.
pub fn world() -> World {
    world_with(super::TIMEOUTS, FAST, |_, _| {})
}

/// A window on a test sandbox and a fresh ledger, with the gateway's `timeouts` and the live
/// wait `policy`; `before_start` runs before the worker starts (to leave orders open from "an
/// earlier run", or slow the sandbox down).
pub fn world_with(
    timeouts: cashier::gateway::http::Timeouts,
    policy: PollPolicy,
    before_start: impl FnOnce(&Sandbox, &SharedLedger),
) -> World {
    build_world(timeouts, policy, Config::default(), before_start)
}

/// A window on a test sandbox with `config` in force (a printer, a shop name…).
pub fn world_with_config(config: Config) -> World {
    build_world(super::TIMEOUTS, FAST, config, |_, _| {})
}

/// A window on a test sandbox speaking `provider`'s protocol.
pub fn world_for(provider: Provider) -> World {
    build_world_for(
        provider,
        super::TIMEOUTS,
        FAST,
        Config::default(),
        |_, _| {},
    )
}

/// A window on a test sandbox speaking `provider`'s protocol, with `config` in force.
pub fn world_for_with_config(provider: Provider, config: Config) -> World {
    build_world_for(provider, super::TIMEOUTS, FAST, config, |_, _| {})
}

/// A window whose till pushes to the store ledger at `store_url`.
pub fn world_with_store(store_url: &str) -> World {
    let config = Config {
        store: Some(cashier::store::StoreConfig {
            url: cashier::secret::Secret::new(store_url),
        }),
        ..Config::default()
    };
    build_world(super::TIMEOUTS, FAST, config, |_, _| {})
}

fn build_world(
    timeouts: cashier::gateway::http::Timeouts,
    policy: PollPolicy,
    config: Config,
    before_start: impl FnOnce(&Sandbox, &SharedLedger),
) -> World {
    build_world_for(Provider::Qht, timeouts, policy, config, before_start)
}

fn build_world_for(
    provider: Provider,
    timeouts: cashier::gateway::http::Timeouts,
    policy: PollPolicy,
    config: Config,
    before_start: impl FnOnce(&Sandbox, &SharedLedger),
) -> World {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let sandbox = runtime.block_on(super::sandbox());
    let data_dir = tempfile::tempdir().expect("temp dir");
    let paths = Paths {
        config: Some(data_dir.path().join("config.toml")),
        data_dir: data_dir.path().to_owned(),
        sandbox_port: 0,
        keyring: false,
    };
    let ledger_file = paths.ledger_file(true);
    let ledger = SharedLedger::new(Ledger::open(&ledger_file).expect("ledger"));
    before_start(&sandbox, &ledger);
    let gateway = cashier::config::GatewayConfig::sandbox(provider, &sandbox.base_url())
        .build("T01", timeouts)
        .expect("gateway builds");
    let context = PaymentContext {
        gateway,
        ledger: ledger.clone(),
        till_id: "T01".into(),
        barcode_policy: policy,
        qr_policy: policy,
        notices: cashier::payment::notices::Notices::default(),
    };
    // A till with a store sells for a (test) merchant: sandbox sales never reach a store.
    let is_sandbox = config.store.is_none();
    let setup = Setup {
        config,
        context,
        requery: RequeryPolicy::default(),
        is_sandbox,
        resources: Resources::with_ledger(ledger_file, ledger.clone()),
    };
    let app = cashier::ui::start_app(runtime.handle(), setup, &paths);
    let harness = harness(app);
    World {
        harness,
        sandbox,
        ledger,
        runtime,
        data_dir,
    }
}

/// The test harness around `app`, at the window's default size.
pub fn harness(app: CashierApp) -> Harness<'static, CashierApp> {
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

/// Types `text` one character a frame, as a person's keyboard does.
pub fn type_keys(harness: &mut Harness<'static, CashierApp>, text: &str) {
    for c in text.chars() {
        harness.event(egui::Event::Text(c.to_string()));
        harness.run_steps(1);
    }
    harness.run_steps(1);
}

/// Steps frames until a widget whose label contains `text` shows, or fails after 10 s.
pub fn wait_for(harness: &mut Harness<'static, CashierApp>, text: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        harness.step();
        if harness.query_by_label_contains(text).is_some() {
            return;
        }
        if Instant::now() >= deadline {
            // Fails with the whole tree of widgets, to show what the screen said instead.
            harness.get_by_label_contains(text);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

impl World {
    /// Steps frames until a widget whose label contains `text` shows, or fails after 10 s.
    pub fn wait_for(&mut self, text: &str) {
        wait_for(&mut self.harness, text);
    }

    /// A QR sale of `amount` the cashier gives up on (Esc) and the customer then pays: returns
    /// when the checkout says 结果未知 and the payment has reached the gateway.
    pub fn qr_paid_after_giving_up(&mut self, amount: &str) {
        self.type_amount(amount);
        self.press(egui::Key::Enter);
        self.wait_for("模拟顾客付款");
        self.press(egui::Key::Escape);
        self.wait_for("结果未知");
        let url = self.ledger.lock().unresolved().expect("list")[0]
            .shown
            .clone()
            .expect("shown");
        self.runtime.block_on(super::open(&url));
    }

    /// Opens 未完成订单 (its count is live) and presses 全部重新查询 until the late-payment
    /// notice shows.
    pub fn requery_all_until_notice(&mut self) {
        self.wait_for("未完成订单 (1)");
        self.harness.get_by_label("未完成订单 (1)").click();
        self.wait_for("全部重新查询");
        self.harness.get_by_label("全部重新查询").click();
        self.wait_for("知道了");
    }

    /// Types `amount` as a person does: the checkout reads keys wherever focus is.
    pub fn type_amount(&mut self, amount: &str) {
        type_keys(&mut self.harness, amount);
    }

    pub fn press(&mut self, key: egui::Key) {
        self.harness.key_press(key);
        self.harness.run_steps(2);
    }

    /// A scanner's burst: the whole code and Enter in one frame.
    pub fn scan(&mut self, code: &str) {
        self.harness.event(egui::Event::Text(code.to_owned()));
        self.harness.key_press(egui::Key::Enter);
        self.harness.run_steps(2);
    }

    /// 新的收款 clicked (a click needs no guard; Enter does, see [`World::past_the_result_guard`]).
    pub fn new_sale(&mut self) {
        self.harness.get_by_label("新的收款 (Enter)").click();
        self.harness.run_steps(2);
    }

    /// Steps past the result screen's guard: it counts egui's input time, which kittest moves on
    /// by a quarter second a frame, so no real time is slept.
    pub fn past_the_result_guard(&mut self) {
        self.harness.run_steps(3);
    }

    /// Waits for `order_no`'s row in history and clicks its order number. A narrow column shows
    /// only the number's end (`…5012F5BR440001`), so the row is found by its last fourteen characters.
    pub fn open_history_row(&mut self, order_no: &str) {
        // The sequence restarts every second: the end that tells two orders apart holds the
        // second the number was made in (mmss + install id + sequence).
        let end = &order_no[order_no.len().saturating_sub(14)..];
        self.wait_for(end);
        self.harness.get_by_label_contains(end).click();
    }

    /// Today's newest order in the ledger.
    pub fn latest_order(&self) -> cashier::ledger::OrderRecord {
        let today = cashier::ledger::day_of(chrono::Utc::now(), cashier::china_time::cst());
        self.ledger
            .lock()
            .day_orders(today, cashier::china_time::cst(), 0, 1)
            .expect("read")
            .pop()
            .expect("an order")
    }

    pub fn order_count(&self) -> usize {
        let ledger = self.ledger.lock();
        let today = cashier::ledger::day_of(chrono::Utc::now(), cashier::china_time::cst());
        ledger
            .day_orders(today, cashier::china_time::cst(), 0, 1000)
            .expect("orders")
            .len()
    }
}

/// Replaces the text of the `index`th field of `role`.
pub fn set_field(world: &mut World, role: Role, index: usize, text: &str) {
    world
        .harness
        .get_all_by_role(role)
        .nth(index)
        .expect("field")
        .focus();
    world.harness.run_steps(1);
    world
        .harness
        .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    world.harness.key_press(egui::Key::Backspace);
    world.harness.run_steps(1);
    world
        .harness
        .get_all_by_role(role)
        .nth(index)
        .expect("field")
        .type_text(text);
    world.harness.run_steps(1);
}
