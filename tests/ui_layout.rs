//! Layout at the sizes tills have (800×600, 1100×720, 1920×1080), checked through the widgets'
//! rectangles: nothing runs into the detail panel or off the window, and a method's total is
//! never broken across lines. The real-window suite takes screenshots of the same screens.

mod common;

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
