//! The checkout's keyboard as a hurried cashier uses it (issue 8), through `egui_kittest`: every
//! key lands in the amount wherever focus is, Esc clears, a scanner's burst right after the amount
//! charges the code, a digit on the result screen starts the next sale, and a notice takes the
//! keyboard while it shows. The real-window suite (`tests/real_window`) proves the same with real
//! focus under Xvfb.

use crate::common;

use std::time::Duration;

use common::window::world;
use egui_kittest::kittest::{NodeT, Queryable};

#[test]
fn esc_clears_the_amount_and_the_digits_typed_after_it_are_charged() {
    let mut world = world();
    world.harness.run_steps(2);
    world.type_amount("12");
    world.press(egui::Key::Escape);
    world.type_amount("34");
    assert!(
        world.harness.query_by_label("34").is_some(),
        "the screen shows 34"
    );
    world.press(egui::Key::Enter);
    world.wait_for("模拟顾客付款");
    assert!(world.harness.query_by_label("¥34.00").is_some());
}

#[test]
fn a_scanner_burst_after_the_amount_charges_the_code() {
    let mut world = world();
    world.harness.run_steps(2);
    world.type_amount("11.40");
    // The scanner: the whole code and its Enter in one frame, no F3, no Enter by the cashier.
    world.scan("130000000000000001");
    world.wait_for("支付成功 ¥11.40");
    assert!(
        world
            .harness
            .query_by_label_contains("微信付款码")
            .is_some()
    );
    assert_eq!(world.order_count(), 1);
}

#[test]
fn a_scanner_burst_with_no_amount_asks_for_the_amount_first() {
    let mut world = world();
    world.harness.run_steps(2);
    world.scan("130000000000000001");
    world.wait_for("请先输入金额");
    assert!(
        world.harness.query_by_label("0.00").is_some(),
        "the code is kept out of the amount"
    );
    assert_eq!(world.order_count(), 0);
}

#[test]
fn a_digit_on_the_result_screen_starts_the_next_sale() {
    let mut world = world();
    world.harness.run_steps(2);
    world.type_amount("8");
    world.scan("280000000000000001");
    world.wait_for("支付成功 ¥8.00");
    world.type_amount("2.5");
    assert!(world.harness.query_by_label("2.5").is_some());
    world.press(egui::Key::Enter);
    world.wait_for("¥2.50");
}

#[test]
fn enter_with_nothing_scanned_asks_for_the_scan() {
    let mut world = world();
    world.harness.run_steps(2);
    world.type_amount("5");
    world.press(egui::Key::F3);
    world.press(egui::Key::Enter);
    world.wait_for("等待扫码");
    world.press(egui::Key::Enter);
    let asks = world
        .harness
        .query_all_by_label_contains("请扫描顾客的付款码")
        .count();
    assert_eq!(asks, 2, "the heading, and the answer to the empty Enter");
    assert!(
        world
            .harness
            .query_by_label_contains("付款码无效")
            .is_none()
    );
}

#[test]
fn a_notice_takes_the_keyboard_and_enter_closes_it() {
    let mut world = world();
    world.harness.run_steps(2);
    world.qr_paid_after_giving_up("4.20");
    // The tab's count is live: it was never opened.
    world.requery_all_until_notice();
    world.press(egui::Key::F3);
    world.press(egui::Key::Enter);
    assert!(
        world.harness.query_by_label("知道了").is_none(),
        "Enter closed it"
    );
    world.harness.get_by_label("收银").click();
    world.harness.run_steps(2);
    // The result left on the checkout now says paid.
    world.wait_for("支付成功 ¥4.20");
    world.past_the_result_guard();
    world.press(egui::Key::Enter);
    world.type_amount("1");
    world.press(egui::Key::Enter);
    world.wait_for("模拟顾客付款");
    assert!(
        world.harness.query_by_label("支付宝扫码").is_some(),
        "F3 pressed on the notice did not pick 付款码"
    );
}

/// History: a click on a row's text selects it, and 重新查询 in the detail panel says how it went.
#[test]
fn a_click_on_a_rows_text_opens_it_and_requery_answers_in_the_panel() {
    let mut world = world();
    world.harness.run_steps(2);
    world.type_amount("3.30");
    world.press(egui::Key::Enter);
    world.wait_for("模拟顾客付款");
    world.press(egui::Key::Escape);
    world.wait_for("结果未知 ¥3.30");
    let order_no = world.ledger.lock().unresolved().expect("list")[0]
        .order_no
        .clone();
    world.harness.get_by_label("销售记录").click();
    world.open_history_row(&order_no);
    world.wait_for("状态记录");
    let button = world.harness.get_by_label("重新查询").rect();
    assert!(button.max.y <= 720.0, "重新查询 is on screen: {button:?}");
    world.harness.get_by_label("重新查询").click();
    world.wait_for("查询结果");
    // When it was asked and what the gateway said, not only 结果未知 → 结果未知 (issue 21).
    let words = world
        .harness
        .get_by_label_contains("查询结果")
        .accesskit_node()
        .value()
        .unwrap_or_default();
    assert!(
        words.contains("支付平台答复：尚未支付") && words.contains("(结果未知 → 结果未知)"),
        "the panel says what the query found: {words}"
    );
    let at = words
        .split(|c: char| !(c.is_ascii_digit() || c == ':'))
        .find(|word| word.len() == 8 && word.matches(':').count() == 2);
    assert!(at.is_some(), "and when: {words}");
}

/// Issue 21, item 7: in English, what the ledger keeps in Chinese (a wallet's decline, the
/// cashier's Esc) is shown in English.
#[test]
fn stored_errors_show_in_english() {
    let mut world = world();
    world.harness.run_steps(2);
    world.harness.get_by_label("English").click();
    world.harness.run_steps(2);
    world.type_amount("2");
    world.scan("130000000000000003");
    world.wait_for("Payment failed ¥2.00");
    world.wait_for("Insufficient balance");
    assert!(world.harness.query_by_label_contains("余额不足").is_none());
    world.past_the_result_guard();
    world.press(egui::Key::Enter);
    world.type_amount("3");
    world.press(egui::Key::F1);
    world.press(egui::Key::Enter);
    world.wait_for("Simulate customer payment");
    world.press(egui::Key::Escape);
    world.wait_for("Result unknown ¥3.00");
    let order_no = world.ledger.lock().unresolved().expect("list")[0]
        .order_no
        .clone();
    world.harness.get_by_label("History").click();
    world.open_history_row(&order_no);
    world.wait_for("Status history");
    // The last error and the status history's line both say it.
    assert_eq!(
        world
            .harness
            .query_all_by_label_contains("The cashier stopped waiting")
            .count(),
        2
    );
    assert!(
        world
            .harness
            .query_by_label_contains("收银员停止等待")
            .is_none()
    );
}

/// An error already on screen follows a switch of language: it is worded when drawn.
#[test]
fn an_error_on_screen_follows_the_language() {
    let mut world = world();
    world.harness.run_steps(2);
    world.type_amount("1.234");
    world.wait_for("金额最多两位小数");
    world.harness.get_by_label("English").click();
    world.harness.run_steps(2);
    assert!(
        world
            .harness
            .query_by_label_contains("金额最多两位小数")
            .is_none(),
        "no Chinese left"
    );
    assert!(
        world.harness.query_by_label_contains("decimal").is_some(),
        "the same error in English"
    );
}

/// Cash on F4: the amount, F4, Enter, what the customer handed over, Enter: paid, with the change
/// shown large; less than the amount is refused on screen and nothing is written; Esc goes back.
#[test]
fn cash_on_f4_shows_the_change_and_refuses_too_little() {
    let mut world = world();
    world.harness.run_steps(2);
    world.type_amount("12.30");
    world.press(egui::Key::F4);
    world.press(egui::Key::Enter);
    world.wait_for("现金应收 ¥12.30");
    world.type_amount("10");
    world.wait_for("实收 ¥10.00 少于应收 ¥12.30");
    world.press(egui::Key::Enter);
    world.harness.run_steps(3);
    assert_eq!(world.order_count(), 0, "nothing written for too little");
    world.press(egui::Key::Backspace);
    world.press(egui::Key::Backspace);
    world.type_amount("20");
    world.wait_for("找零 ¥7.70");
    world.press(egui::Key::Enter);
    world.wait_for("支付成功");
    world.wait_for("找零 ¥7.70");
    assert_eq!(world.order_count(), 1);
    let today = cashier::ledger::day_of(chrono::Utc::now(), cashier::china_time::cst());
    let order = world
        .ledger
        .lock()
        .day_orders(today, cashier::china_time::cst(), 0, 1)
        .expect("read")
        .pop()
        .expect("the cash sale");
    assert_eq!(order.method, cashier::gateway::PayMethod::Cash);
    assert_eq!(order.change(), Some(cashier::money::Money::from_fen(770)));

    // Esc on the cash screen goes back to the amount, nothing written.
    world.new_sale();
    world.type_amount("5");
    world.press(egui::Key::F4);
    world.press(egui::Key::Enter);
    world.wait_for("现金应收 ¥5.00");
    world.press(egui::Key::Escape);
    world.wait_for("收款金额");
    assert_eq!(world.order_count(), 1);
}

/// One frame at `at` seconds after the last one (egui's input time, as a real window's frames
/// come: kittest's own step is a quarter second), with `events`.
fn frame_after(world: &mut common::window::World, at: f64, events: Vec<egui::Event>) {
    let now = world.harness.ctx.input(|input| input.time);
    let input = world.harness.input_mut();
    input.time = Some(now + at);
    input.events.extend(events);
    world.harness.step();
    // Back to kittest's own clock (a given time would stay for every later frame).
    world.harness.input_mut().time = None;
}

fn enter() -> egui::Event {
    egui::Event::Key {
        key: egui::Key::Enter,
        physical_key: None,
        pressed: true,
        repeat: false,
        modifiers: egui::Modifiers::NONE,
    }
}

/// Issue 21, item 1: a scanner's burst on the result screen is a code, wherever it lands: its
/// first digit arrives alone in one frame, the rest and Enter in the next, 16 ms later (as a
/// scanner's keys meet a 60 Hz window). Before, the first digit became the next sale's amount and
/// the rest was charged as a code (a paid ¥1.00 Alipay order with `30000000000000001`, 6 of 6
/// trials). Now it asks for the amount first and keeps the code out of it, exactly as on an empty
/// checkout.
#[test]
fn a_scan_on_the_result_screen_is_never_charged_with_an_amount_nobody_typed() {
    let mut world = world();
    world.harness.run_steps(2);
    world.type_amount("1");
    world.press(egui::Key::F4);
    world.press(egui::Key::Enter);
    world.wait_for("现金应收 ¥1.00");
    world.harness.run_steps(4);
    world.press(egui::Key::Enter);
    world.wait_for("支付成功 ¥1.00");
    assert_eq!(world.order_count(), 1);
    frame_after(&mut world, 1.0, vec![egui::Event::Text("1".to_owned())]);
    frame_after(
        &mut world,
        0.016,
        vec![egui::Event::Text("30000000000000001".to_owned()), enter()],
    );
    world.wait_for("请先输入金额");
    assert!(
        world.harness.query_by_label("0.00").is_some(),
        "the code is kept out of the amount"
    );
    world.harness.run_steps(5);
    assert_eq!(world.order_count(), 1, "nothing charged");
}

/// Issue 21, item 2: after a cash sale the method stays cash, so 9 and a reflex double Enter
/// (40 ms apart) used to record ¥9.00 cash paid with 找零 ¥0.00 — cash nobody counted. The
/// Enter that follows the one that opened the tender screen by less than the result screen's
/// guard is ignored; a deliberate Enter after it takes the exact amount.
#[test]
fn a_reflex_double_enter_never_records_cash_that_was_not_counted() {
    let mut world = world();
    world.harness.run_steps(2);
    world.type_amount("9");
    world.press(egui::Key::F4);
    frame_after(&mut world, 0.5, vec![enter()]);
    frame_after(&mut world, 0.04, vec![enter()]);
    world.harness.run_steps(2);
    world.harness.get_by_label_contains("现金应收 ¥9.00");
    assert_eq!(
        world.order_count(),
        0,
        "no cash recorded by the reflex Enter"
    );
    // A moment later, Enter takes the exact amount, as the screen says.
    world.press(egui::Key::Enter);
    world.wait_for("支付成功 ¥9.00");
    assert_eq!(world.order_count(), 1);
}

/// Issue 21, item 3: digits typed on another tab are never lost: 15 typed on 销售记录 is said
/// there and waits in the checkout's amount, charged by Enter once 收银 is clicked (before, the
/// amount was empty).
#[test]
fn digits_typed_on_another_tab_wait_in_the_checkout() {
    let mut world = world();
    world.harness.run_steps(2);
    world.harness.get_by_label("销售记录").click();
    world.harness.run_steps(2);
    world.type_amount("15");
    world.wait_for("已输入收款金额 ¥15");
    world.harness.get_by_label("收银").click();
    world.harness.run_steps(2);
    assert!(
        world.harness.query_by_label("15").is_some(),
        "shown on arrival"
    );
    world.press(egui::Key::Enter);
    world.wait_for("¥15.00");
}

/// Issue 21, item 3: a customer who offers a pay code while the QR shows: the scan charges the
/// same amount by bar-code pay, and the QR order is kept (still queried) marked as replaced, so a
/// payment on it later is announced as a double payment. Before, the scan was ignored.
#[test]
fn a_pay_code_scanned_while_the_qr_shows_replaces_it() {
    let mut world = world();
    world.harness.run_steps(2);
    world.type_amount("6.60");
    world.press(egui::Key::Enter);
    world.wait_for("模拟顾客付款");
    world.scan("130000000000000001");
    world.wait_for("支付成功 ¥6.60");
    assert!(
        world
            .harness
            .query_by_label_contains("微信付款码")
            .is_some()
    );
    let today = cashier::ledger::day_of(chrono::Utc::now(), cashier::china_time::cst());
    let orders = world
        .ledger
        .lock()
        .day_orders(today, cashier::china_time::cst(), 0, 10)
        .expect("read");
    assert_eq!(orders.len(), 2, "{orders:?}");
    let (code, qr) = (&orders[0], &orders[1]);
    assert_eq!(code.status, cashier::status::OrderStatus::Paid);
    assert_eq!(code.amount, cashier::money::Money::from_fen(660));
    assert_eq!(qr.status, cashier::status::OrderStatus::Unresolved);
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    loop {
        let marked = world
            .ledger
            .lock()
            .order(&qr.order_no)
            .expect("read")
            .expect("kept")
            .check_reason;
        if marked.as_deref() == Some(cashier::payment::requery::REPLACED_BY_CODE) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the QR order is marked replaced"
        );
        world.harness.step();
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Issue 21, item 6: 销售记录 stays current: a QR sale that completes while the history is open
/// shows paid there (before: still 等待支付 35 s later, 实收 short by its amount).
#[test]
fn the_history_shows_a_sale_that_completes_while_it_is_open() {
    let mut world = world();
    world.harness.run_steps(2);
    world.type_amount("6.60");
    world.press(egui::Key::Enter);
    world.wait_for("模拟顾客付款");
    let order_no = world.ledger.lock().unresolved().expect("open")[0]
        .order_no
        .clone();
    world.harness.get_by_label("销售记录").click();
    world.wait_for("等待支付");
    let page = world.sandbox.pay_page_url(&order_no).expect("a pay page");
    world.runtime.block_on(common::open(&page));
    world.wait_for("实收 ¥6.60");
    world.wait_for("支付成功");
}

/// Issue 21, item 8: a double Enter on a result starts the next sale and leaves no red
/// 请输入金额 on the fresh checkout.
#[test]
fn a_double_enter_on_a_result_leaves_a_clean_checkout() {
    let mut world = world();
    world.harness.run_steps(2);
    world.type_amount("3");
    world.scan("130000000000000001");
    world.wait_for("支付成功 ¥3.00");
    // The result screen's guard runs on the wall clock.
    world.past_the_result_guard();
    frame_after(&mut world, 1.0, vec![enter()]);
    frame_after(&mut world, 0.06, vec![enter()]);
    world.harness.run_steps(2);
    world.harness.get_by_label("收款金额");
    assert!(
        world
            .harness
            .query_by_label_contains("请输入金额")
            .is_none(),
        "no error for an Enter nobody meant"
    );
}

/// Clicks the widget labelled exactly `label` and lets the app take it.
fn tap(world: &mut common::window::World, label: &str) {
    world.harness.get_by_label(label).click();
    world.harness.run_steps(2);
}

/// Issue 21, item 4: a touch till sells with no keyboard: the keypad types the amount (⌫ and
/// 清除 edit it), 收款 charges it as a QR, the cash screen's quick notes and keypad give the
/// change, and 付款码 waits for the scanner — every step a tap.
#[test]
fn a_sale_by_touch_alone() {
    let mut world = world();
    world.harness.run_steps(2);
    for key in ["9", "清除", "1", "2", "3", "←", ".", "5"] {
        tap(&mut world, key);
    }
    assert!(
        world.harness.query_by_label("12.5").is_some(),
        "the keypad typed 12.5"
    );
    tap(&mut world, "收款 (Enter)");
    world.wait_for("模拟顾客付款");
    tap(&mut world, "模拟顾客付款");
    world.wait_for("支付成功 ¥12.50");

    // Cash, with a quick note and then the keypad for what was handed over.
    world.past_the_result_guard();
    tap(&mut world, "新的收款 (Enter)");
    for key in ["3", "7", ".", "5"] {
        tap(&mut world, key);
    }
    tap(&mut world, "F4 现金");
    tap(&mut world, "收款 (Enter)");
    world.wait_for("现金应收 ¥37.50");
    tap(&mut world, "¥50.00");
    world.wait_for("找零 ¥12.50");
    tap(&mut world, "清除");
    tap(&mut world, "1");
    tap(&mut world, "00");
    world.wait_for("找零 ¥62.50");
    tap(&mut world, "收款 (Enter)");
    world.wait_for("支付成功 ¥37.50");
    let cash = world.latest_order();
    assert_eq!(cash.method, cashier::gateway::PayMethod::Cash);
    assert_eq!(cash.change(), Some(cashier::money::Money::from_fen(6250)));

    // 付款码: a tap, 收款, then the scanner.
    world.past_the_result_guard();
    tap(&mut world, "新的收款 (Enter)");
    tap(&mut world, "8");
    tap(&mut world, "F3 付款码");
    tap(&mut world, "收款 (Enter)");
    world.wait_for("等待扫码");
    world.scan("130000000000000001");
    world.wait_for("支付成功 ¥8.00");
    assert_eq!(world.order_count(), 3);
}

/// Issue 21, item 8: the tabs have keys, shown on them: Ctrl+1 … Ctrl+5 (the F-keys pick
/// methods, plain digits are the amount); a digit typed after Ctrl+1 lands in the amount.
#[test]
fn ctrl_and_a_digit_opens_each_tab() {
    let mut world = world();
    world.harness.run_steps(2);
    let ctrl = |key| egui::Event::Key {
        key,
        physical_key: None,
        pressed: true,
        repeat: false,
        modifiers: egui::Modifiers::CTRL,
    };
    for (key, shows) in [
        (egui::Key::Num2, "导出 CSV"),
        (egui::Key::Num3, "全部重新查询"),
        (egui::Key::Num4, "开班 (Enter)"),
        (egui::Key::Num5, "支付平台设置"),
        (egui::Key::Num1, "收款金额"),
    ] {
        world.harness.event(ctrl(key));
        world.harness.run_steps(2);
        world.wait_for(shows);
    }
    assert!(
        world.harness.query_by_label_contains("^3").is_some(),
        "the key shows on its tab"
    );
    world.type_amount("8.5");
    assert!(world.harness.query_by_label("8.5").is_some());
}
