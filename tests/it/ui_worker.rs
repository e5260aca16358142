//! The window's worker never holds up a sale (issue 7): a sale goes out while the start-up
//! recovery is stuck on a slow gateway; saved settings apply at once without mixing ledgers; a
//! restart during a sandbox payment resolves the order and announces what was paid meanwhile.

use crate::common;

use std::time::{Duration, SystemTime};

use cashier::app::setup::Paths;
use cashier::gateway::http::Timeouts;
use cashier::gateway::{PayMethod, Provider};
use cashier::ledger::{Ledger, OrderDraft, OrderRecord, SharedLedger};
use cashier::money::Money;
use cashier::payment::policy::PollPolicy;
use cashier::status::OrderStatus;
use common::window::{harness, set_field, type_keys, wait_for, world_with};
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;

/// An order of ¥3.00 for the sandbox's qht merchant, as an earlier run would have left it.
fn open_order(ledger: &SharedLedger, minutes_ago: i64) -> String {
    let draft = OrderDraft {
        provider: Provider::Qht,
        merchant_id: cashier::sandbox::QHT_MERCHANT_NO.into(),
        till_id: "T01".into(),
        method: PayMethod::AlipayQr,
        amount: Money::from_yuan(3),
        description: "left open".into(),
        auth_code_masked: None,
    };
    let at = chrono::Utc::now() - chrono::Duration::minutes(minutes_ago);
    ledger
        .lock()
        .create_order(&draft, at)
        .expect("written")
        .order_no
}

/// The newest order in `ledger`.
fn newest(ledger: &SharedLedger) -> OrderRecord {
    let today = cashier::ledger::day_of(chrono::Utc::now(), cashier::china_time::cst());
    ledger
        .lock()
        .day_orders(today, cashier::china_time::cst(), 0, 1)
        .expect("orders")
        .into_iter()
        .next()
        .expect("an order")
}

#[test]
fn a_sale_goes_out_while_recovery_is_stuck_on_a_slow_gateway() {
    let mut left_open = Vec::new();
    let timeouts = Timeouts {
        connect: Duration::from_secs(1),
        total: Duration::from_secs(15),
    };
    let mut world = world_with(timeouts, PollPolicy::QR, |sandbox, ledger| {
        // Every query takes 8 s; four orders from an earlier run wait to be recovered.
        sandbox.set_query_delay(Duration::from_secs(8));
        left_open = (0..4).map(|_| open_order(ledger, 20)).collect();
    });
    world.harness.run_steps(2);
    world.type_amount("2.00");
    let entered = SystemTime::now();
    world.press(egui::Key::Enter);
    world.wait_for("模拟顾客付款");
    let sale = newest(&world.ledger);
    assert!(!left_open.contains(&sale.order_no));
    let arrived = world
        .sandbox
        .order_arrived_at(&sale.order_no)
        .expect("the create reached the gateway");
    let waited = arrived.duration_since(entered).unwrap_or_default();
    assert!(
        waited < Duration::from_secs(1),
        "the create waited {waited:?} behind the recovery"
    );
    for order_no in &left_open {
        let order = world.ledger.lock().order(order_no).expect("read");
        assert_eq!(
            order.expect("kept").status,
            OrderStatus::Creating,
            "the recovery was still waiting on the gateway when the sale went out"
        );
    }
}

/// Saves the sandbox's changpay test merchant as a real merchant, with `till_id`, in Settings.
fn use_changpay_merchant(world: &mut common::window::World, till_id: &str) {
    world.harness.get_by_label("设置").click();
    world.harness.run_steps(2);
    world.harness.get_by_label("真实商户").click();
    world.harness.run_steps(2);
    world.harness.get_by_label("畅支付 (changpay)").click();
    world.harness.run_steps(2);
    let base_url = world.sandbox.base_url();
    set_field(world, Role::TextInput, 0, &base_url);
    set_field(world, Role::TextInput, 1, cashier::sandbox::CHANGPAY_MCH_ID);
    set_field(world, Role::TextInput, 2, till_id);
    set_field(
        world,
        Role::PasswordInput,
        0,
        cashier::sandbox::CHANGPAY_KEY,
    );
    world.harness.get_by_label("保存").click();
    world.wait_for("已保存并生效");
}

#[test]
fn saved_settings_apply_at_once_and_ledgers_never_mix() {
    // A QR's five-minute wait, asked often: the sale is still waiting when the settings change,
    // and its payment is seen at once rather than at the next 2.5 s poll.
    let waits_long = PollPolicy {
        first_query: Duration::from_millis(50),
        interval: Duration::from_millis(50),
        ..PollPolicy::QR
    };
    let mut world = world_with(common::TIMEOUTS, waits_long, |_, _| {});
    world.harness.run_steps(2);
    // A QR sale on the sandbox, still waiting when the settings change.
    world.type_amount("4.00");
    world.press(egui::Key::Enter);
    world.wait_for("模拟顾客付款");
    let first = newest(&world.ledger);

    use_changpay_merchant(&mut world, "T02");
    assert!(
        world.harness.query_by_label("沙箱 SANDBOX").is_none(),
        "the sandbox badge follows the settings"
    );

    // The sale under way finishes on the settings it started with.
    let pay_page = world
        .sandbox
        .pay_page_url(&first.order_no)
        .expect("a pay page");
    world.runtime.block_on(common::open(&pay_page));
    world.harness.get_by_label("收银").click();
    world.wait_for("支付成功 ¥4.00");
    let first = world
        .ledger
        .lock()
        .order(&first.order_no)
        .expect("read")
        .expect("kept");
    assert_eq!(
        (first.provider, first.status),
        (Provider::Qht, OrderStatus::Paid)
    );

    // The next sale uses the new merchant and till, in the real ledger.
    world.new_sale();
    world.type_amount("5.00");
    world.press(egui::Key::Enter);
    let paths = Paths {
        config: None,
        data_dir: world.data_dir.path().to_owned(),
        sandbox_port: 0,
        keyring: false,
    };
    let real = SharedLedger::new(Ledger::open(&paths.ledger_file(false)).expect("real ledger"));
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while real.lock().unresolved().expect("list").is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "no sale in the real ledger"
        );
        world.harness.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    let second = newest(&real);
    assert_eq!(second.provider, Provider::Changpay);
    assert_eq!(second.merchant_id, cashier::sandbox::CHANGPAY_MCH_ID);
    assert_eq!(second.till_id, "T02");
    assert!(second.order_no.starts_with("T02"));
    assert_eq!(
        world.order_count(),
        1,
        "the sandbox ledger has only its own sale"
    );
    world.press(egui::Key::Escape);

    // And back to the sandbox: its badge and its own ledger return.
    world.harness.get_by_label("设置").click();
    world.harness.run_steps(2);
    world
        .harness
        .get_by_label("沙箱（模拟收款，不涉及真钱）")
        .click();
    world.harness.run_steps(2);
    world.harness.get_by_label("保存").click();
    world.wait_for("已保存并生效");
    world.wait_for("沙箱 SANDBOX");
    world.harness.get_by_label("收银").click();
    world.harness.run_steps(2);
    // A new configuration starts the checkout afresh.
    world.type_amount("6.00");
    world.press(egui::Key::Enter);
    world.wait_for("模拟顾客付款");
    world.harness.get_by_label("模拟顾客付款").click();
    world.wait_for("支付成功 ¥6.00");
    assert_eq!(
        world.order_count(),
        2,
        "sandbox sales in the sandbox ledger"
    );
    assert_eq!(newest(&world.ledger).provider, Provider::Qht);
    let today = cashier::ledger::day_of(chrono::Utc::now(), cashier::china_time::cst());
    let real_orders = real
        .lock()
        .day_orders(today, cashier::china_time::cst(), 0, 100)
        .expect("orders");
    assert_eq!(real_orders.len(), 1, "no sandbox sale in the real ledger");
}

#[test]
fn a_restart_during_a_sandbox_payment_resolves_the_order_and_announces_it() {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let paths = Paths {
        config: None,
        data_dir: data_dir.path().to_owned(),
        sandbox_port: 0,
        keyring: false,
    };
    let new_runtime = || {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime")
    };

    // A QR sale on the in-process sandbox; the till closes while the customer has not paid.
    let runtime = new_runtime();
    let setup = runtime
        .block_on(cashier::app::setup::start(&paths))
        .expect("starts");
    assert!(setup.is_sandbox);
    let ledger = setup.ledger().clone();
    let mut till = harness(cashier::ui::start_app(runtime.handle(), setup, &paths));
    till.run_steps(2);
    type_keys(&mut till, "2.00");
    till.key_press(egui::Key::Enter);
    wait_for(&mut till, "模拟顾客付款");
    let order_no = newest(&ledger).order_no;
    drop(till);
    drop(ledger);
    drop(runtime);

    // Restarted, the sandbox still knows the order; the customer pays before the till is up.
    let runtime = new_runtime();
    let setup = runtime
        .block_on(cashier::app::setup::start(&paths))
        .expect("restarts");
    let pay_page = setup
        .resources
        .sandbox
        .as_ref()
        .expect("an in-process sandbox")
        .pay_page_url(&order_no)
        .expect("the restarted sandbox remembers the order");
    runtime.block_on(common::open(&pay_page));
    let ledger = setup.ledger().clone();
    let mut till = harness(cashier::ui::start_app(runtime.handle(), setup, &paths));
    wait_for(&mut till, "1 笔订单在收银台关闭期间已支付 ¥2.00");
    let order = ledger.lock().order(&order_no).expect("read").expect("kept");
    assert_eq!(order.status, OrderStatus::Paid);
    till.get_by_label("知道了").click();
    till.run_steps(2);
    assert!(till.query_by_label_contains("关闭期间已支付").is_none());
}
