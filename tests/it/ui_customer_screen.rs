//! The customer's screen (客显副屏) follows the checkout: the shop's name when idle, the amount as
//! typed, the cash due and the change, the QR with its wallet, 请出示付款码 for bar-code pay. Under
//! kittest the second window is drawn inside the first (no second native window), so its words are
//! found by label like the rest; the real-window suite sees it as its own window.

use crate::common;

use cashier::config::{Config, CustomerScreenConfig};
use common::window::world_with_config;
use egui_kittest::kittest::Queryable;

fn config(on: bool) -> Config {
    let mut config = Config {
        customer_screen: CustomerScreenConfig { on, monitor: None },
        ..Config::default()
    };
    "好又多便利店".clone_into(&mut config.shop.name);
    config
}

#[test]
fn the_customer_screen_follows_a_cash_sale_from_welcome_to_change() {
    let mut world = world_with_config(config(true));
    world.harness.run_steps(2);
    world.wait_for("好又多便利店");
    assert!(world.harness.query_by_label("欢迎光临").is_some());
    world.type_amount("12.3");
    world.wait_for("¥12.3");
    world.type_amount("4");
    // Each key shows at once, as typed.
    assert!(world.harness.query_by_label("¥12.34").is_some());
    world.press(egui::Key::F4);
    world.press(egui::Key::Enter);
    world.wait_for("应付");
    assert!(world.harness.query_by_label("欢迎光临").is_none());
    world.past_the_result_guard();
    world.type_amount("20");
    world.wait_for("已收 ¥20");
    world.press(egui::Key::Enter);
    world.wait_for("谢谢惠顾");
    assert_eq!(
        world.harness.query_all_by_label("找零 ¥7.66").count(),
        2,
        "the change, as the ledger recorded it, on the cashier's screen and the customer's"
    );
}

#[test]
fn the_customer_screen_shows_the_qr_with_its_wallet_and_asks_for_a_pay_code() {
    let mut world = world_with_config(config(true));
    world.harness.run_steps(2);
    world.type_amount("8.8");
    world.press(egui::Key::Enter);
    world.wait_for("支付宝扫码 · 请扫码支付");
    assert!(
        world.harness.query_all_by_label("付款二维码").count() >= 2,
        "the QR on both screens"
    );
    world.press(egui::Key::Escape);
    world.wait_for("正在确认支付结果");
    world.new_sale();
    world.type_amount("3");
    world.press(egui::Key::F3);
    world.press(egui::Key::Enter);
    world.wait_for("请出示付款码");
    world.scan("130000000000000001");
    world.wait_for("谢谢惠顾");
}

#[test]
fn with_the_customer_screen_off_nothing_of_it_shows() {
    let mut world = world_with_config(config(false));
    world.harness.run_steps(2);
    world.type_amount("12.34");
    world.harness.run_steps(2);
    assert!(world.harness.query_by_label("欢迎光临").is_none());
    assert!(world.harness.query_by_label("¥12.34").is_none());
}

/// 设置 → 打印机 turns the customer's screen on and puts it full screen on a monitor: saved,
/// audited, and shown at once (no restart).
#[test]
fn the_customer_screen_is_turned_on_in_the_settings_and_shows_at_once() {
    let mut world = common::window::world();
    world.harness.get_by_label("设置").click();
    world.wait_for("打印测试页");
    assert!(
        world.harness.query_by_label("欢迎光临").is_none(),
        "off by default"
    );
    world
        .harness
        .get_by_label("顾客屏（第二个显示器上的副屏）")
        .click_accesskit();
    world.harness.run_steps(2);
    world
        .harness
        .get_by_label("全屏：显示器 2")
        .click_accesskit();
    world.harness.run_steps(2);
    world.harness.get_by_label("保存").click_accesskit();
    world.wait_for("已保存并生效");
    world.wait_for("· customer_screen: off → monitor 1");
    let config = Config::load(&world.data_dir.path().join("config.toml")).expect("saved");
    assert_eq!(
        config.customer_screen,
        CustomerScreenConfig {
            on: true,
            monitor: Some(1)
        }
    );
    world.wait_for("欢迎光临");
}
