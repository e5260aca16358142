//! Layout at the sizes tills have (800×600, 1100×720, 1920×1080), checked through the widgets'
//! rectangles: nothing runs into the detail panel or off the window, and a method's total is
//! never broken across lines. The real-window suite takes screenshots of the same screens.

use crate::common;

use common::window::world;
use egui_kittest::kittest::Queryable;

const SIZES: [(f32, f32); 3] = [(800.0, 600.0), (1100.0, 720.0), (1920.0, 1080.0)];

#[test]
fn history_rows_stay_left_of_the_detail_panel_and_totals_stay_whole() {
    let mut world = world();
    world.harness.run_steps(2);
    // A late payment: the longest status text ("支付成功 ！迟到").
    world.qr_paid_after_giving_up("7");
    world.requery_all_until_notice();
    world.press(egui::Key::Enter);
    world.harness.get_by_label("销售记录").click();
    world.wait_for("！迟到");
    for (width, height) in SIZES {
        world.harness.set_size(egui::vec2(width, height));
        world.harness.run_steps(3);
        let status = world.harness.get_by_label("支付成功 ！迟到").rect();
        let panel = world
            .harness
            .get_by_label_contains("点击订单查看详情")
            .rect();
        assert!(
            status.max.x <= panel.min.x,
            "at {width}×{height} the status {status:?} runs into the panel {panel:?}"
        );
        assert!(
            status.height() < 30.0,
            "at {width}×{height} the status wraps: {status:?}"
        );
        let total = world.harness.get_by_label_contains("1 笔 ·").rect();
        assert!(
            total.height() < 30.0 && total.max.x <= width,
            "at {width}×{height} a method's total is broken or cut: {total:?}"
        );
    }
}

#[test]
fn a_long_requery_answer_wraps_inside_the_window() {
    let mut world = world();
    world.harness.run_steps(2);
    world.type_amount("2");
    world.press(egui::Key::Enter);
    world.wait_for("模拟顾客付款");
    world.press(egui::Key::Escape);
    world.wait_for("结果未知 ¥2.00");
    // The gateway answers garbage: the longest words a re-query says.
    world.sandbox.inject(cashier::sandbox::Fault::Html, 1);
    world.wait_for("未完成订单 (1)");
    world.harness.get_by_label("未完成订单 (1)").click();
    world.wait_for("全部重新查询");
    world.harness.get_by_label("重新查询").click();
    world.wait_for("订单已保存并将重新查询");
    for (width, height) in SIZES {
        world.harness.set_size(egui::vec2(width, height));
        world.harness.run_steps(3);
        let words = world
            .harness
            .get_by_label_contains("订单已保存并将重新查询")
            .rect();
        assert!(
            words.max.x <= width,
            "at {width}×{height} the answer is cut: {words:?}"
        );
    }
}

/// Issue 21, item 8: at 800 px the history's order numbers show their distinguishing end
/// (`…K7QX2M0001`), not their common start (`T0120261…`, the same on every row); the whole
/// number stays in the row's hover text and its detail.
#[test]
fn a_narrow_history_shows_the_end_of_each_order_number() {
    let mut world = world();
    world.harness.run_steps(2);
    world.type_amount("5");
    world.scan("130000000000000001");
    world.wait_for("支付成功 ¥5.00");
    let today = cashier::ledger::day_of(chrono::Utc::now(), cashier::china_time::cst());
    let order_no = world
        .ledger
        .lock()
        .day_orders(today, cashier::china_time::cst(), 0, 1)
        .expect("read")[0]
        .order_no
        .clone();
    world.harness.set_size(egui::vec2(800.0, 600.0));
    world.harness.get_by_label("销售记录").click();
    world.wait_for("支付成功");
    let tail = &order_no[order_no.len() - 6..];
    let text = world
        .harness
        .get_by_label_contains(tail)
        .value()
        .unwrap_or_default();
    assert!(
        text.starts_with('…'),
        "the order number shows its end: {text:?}"
    );
}

/// Issue 21, item 5: changpay's eighteen methods at 800×600: 收款 stays on the window (the
/// method list scrolls beside the keypad), the keys are a finger's size, a method past F12 is
/// reached with the arrow keys and charged, and no 付款码 hint shows (changpay has no bar-code
/// pay).
#[test]
fn a_changpay_checkout_fits_800_by_600_and_every_method_is_reachable() {
    use cashier::gateway::{PayMethod, Provider};
    use cashier::ui::checkout::{CheckoutInfo, Choice};
    let mut world = common::window::world_for(Provider::Changpay);
    world.harness.set_size(egui::vec2(800.0, 600.0));
    world.harness.run_steps(3);
    let charge = world.harness.get_by_label("收款 (Enter)").rect();
    assert!(
        charge.max.y <= 600.0 && charge.height() >= 48.0,
        "收款 is cut or small: {charge:?}"
    );
    for key in ["7", "00", "清除"] {
        let rect = world.harness.get_by_label(key).rect();
        assert!(
            rect.width() >= 48.0 && rect.height() >= 48.0 && rect.max.y <= 600.0,
            "the key {key} is too small or off the window: {rect:?}"
        );
    }
    assert!(
        world.harness.query_by_label_contains("付款码").is_none(),
        "changpay has no bar-code pay: no 付款码 button or hint"
    );
    let choices = CheckoutInfo::choices_for(Provider::Changpay, None);
    assert!(choices.len() > 12, "the test needs methods past F12");
    let jd = choices
        .iter()
        .position(|c| *c == Choice::Method(PayMethod::JdWap))
        .expect("changpay offers 京东钱包H5");
    for _ in 0..jd {
        world.press(egui::Key::ArrowDown);
    }
    world.type_amount("3");
    world.press(egui::Key::Enter);
    world.wait_for("模拟顾客付款");
    assert_eq!(world.latest_order().method, PayMethod::JdWap);
}

/// Issue 21, item 5: the owner chooses the methods (`[till] methods`): the checkout offers those
/// and cash, on F1…; in 设置 a method unticked and saved is gone from the checkout and written
/// to the config file.
#[test]
fn the_checkout_offers_the_methods_the_owner_chose() {
    use cashier::gateway::Provider;
    let mut config = cashier::config::Config::default();
    config.till.methods = Some(vec![
        "wechat-qr".into(),
        "pay-code".into(),
        "alipay-qr".into(),
    ]);
    let mut world = common::window::world_for_with_config(Provider::Qht, config);
    world.harness.set_size(egui::vec2(800.0, 600.0));
    world.harness.run_steps(3);
    // The gateway's order, whatever the file's: 支付宝扫码, 微信扫码, 付款码, then cash.
    for label in ["F1 支付宝扫码", "F2 微信扫码", "F3 付款码", "F4 现金"] {
        world.wait_for(label);
    }
    world.harness.get_by_label("设置").click();
    world.wait_for("收银台提供的收款方式");
    world.harness.get_by_label("支付宝扫码").click();
    world.harness.run_steps(2);
    world.harness.get_by_label("保存").click();
    world.wait_for("已保存并生效");
    let written =
        std::fs::read_to_string(world.data_dir.path().join("config.toml")).expect("saved");
    let saved: toml::Value = toml::from_str(&written).expect("TOML");
    assert_eq!(
        saved["till"]["methods"],
        toml::Value::from(vec!["wechat-qr", "pay-code"]),
        "the choice is saved"
    );
    world.harness.get_by_label("收银").click();
    world.wait_for("F1 微信扫码");
    assert!(
        world
            .harness
            .query_by_label_contains("支付宝扫码")
            .is_none()
    );
    world.wait_for("F2 付款码");
    world.wait_for("F3 现金");
}

/// Issue 21, items 6 and 9: 导出 covers a chosen span (here 近 7 天: orders of three days in one
/// file, with their totals), and the note it leaves sits on its own line with 打开文件夹, never
/// widening the page: at 800×600 the detail panel stays on the window.
#[test]
fn a_week_is_exported_in_one_file_and_the_note_keeps_the_page_narrow() {
    use cashier::gateway::{PayMethod, Provider};
    let now = chrono::Utc::now();
    let mut world =
        common::window::world_with(common::TIMEOUTS, common::window::FAST, |_, ledger| {
            for days_ago in [1, 3] {
                let draft = cashier::ledger::OrderDraft {
                    provider: Provider::Qht,
                    merchant_id: "M".into(),
                    till_id: "T01".into(),
                    method: PayMethod::WechatQr,
                    amount: cashier::money::Money::from_fen(100 * days_ago),
                    description: "x".into(),
                    auth_code_masked: None,
                };
                ledger
                    .lock()
                    .create_order(&draft, now - chrono::TimeDelta::days(days_ago))
                    .expect("an earlier order");
            }
        });
    world.harness.set_size(egui::vec2(800.0, 600.0));
    world.harness.run_steps(2);
    world.type_amount("5");
    world.press(egui::Key::Enter);
    world.wait_for("模拟顾客付款");
    world.press(egui::Key::Escape);
    world.wait_for("结果未知 ¥5.00");
    world.harness.get_by_label("销售记录").click();
    world.wait_for("导出 CSV");
    world
        .harness
        .get_all_by_role(egui::accesskit::Role::ComboBox)
        .next()
        .expect("the export's span")
        .click();
    world.harness.run_steps(2);
    world.harness.get_by_label("近 7 天").click();
    world.harness.run_steps(2);
    world.harness.get_by_label("导出 CSV").click();
    world.wait_for("已导出到");
    world.wait_for("打开文件夹");
    let today = cashier::ledger::day_of(now, cashier::china_time::cst());
    let from = today - chrono::Days::new(6);
    let file = world
        .data_dir
        .path()
        .join("exports")
        .join(format!("sales-{from}_{today}.csv"));
    let csv = std::fs::read_to_string(&file).expect("the week's file");
    for amount in ["1.00", "3.00", "5.00"] {
        assert!(csv.contains(amount), "{amount} missing from {csv}");
    }
    world.harness.run_steps(3);
    let panel = world
        .harness
        .get_by_label_contains("点击订单查看详情")
        .rect();
    assert!(
        panel.max.x <= 800.0,
        "the detail panel is pushed off the window: {panel:?}"
    );
}
