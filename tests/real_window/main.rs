//! The real-window suite: the release binary in a real window under Xvfb, driven by xdotool as
//! a hurried cashier does (Esc, tab switches, double Enter, a scanner's burst), checked through
//! the ledger (`cashier history --json`) and the CPU the process used. It sees what kittest
//! cannot: real focus, real repaint cost, layout at real sizes.
//!
//! Needs Xvfb, xdotool (and `ImageMagick`'s `import` for screenshots) and a release build:
//!
//! ```sh
//! cargo build --release --bin cashier
//! cargo test --test real_window -- --ignored --test-threads 2
//! ```

mod customer_screen;
#[path = "../it/common/onboarding_form.rs"]
mod onboarding_form;
mod till;

use std::time::Duration;

use onboarding_form::FORM;
use serde_json::Value;
use till::Till;

/// Where the tabs are at the window's default size (1100×720), with the sandbox badge (each tab
/// has its Ctrl key beside it: `收银 ^1`).
const TAB_CHECKOUT: (u32, u32) = (173, 18);
const TAB_HISTORY: (u32, u32) = (270, 18);
const TAB_UNRESOLVED: (u32, u32) = (395, 18);
const TAB_SHIFT: (u32, u32) = (500, 18);
const TAB_SETTINGS: (u32, u32) = (580, 18);
/// 收银 once a real merchant is set: no sandbox badge before it.
const TAB_CHECKOUT_REAL_MERCHANT: (u32, u32) = (37, 18);
/// On 设置: the 真实商户 choice, then its base URL field and 新商户进件….
const REAL_MERCHANT: (u32, u32) = (320, 95);
const BASE_URL: (u32, u32) = (270, 171);
const ONBOARD: (u32, u32) = (130, 485);
/// On 新商户进件: 提交进件.
const SUBMIT: (u32, u32) = (75, 627);
const CONFIRM_MERCHANT: (u32, u32) = (117, 285);
/// The unresolved tab's right end when it shows a count: between two tabs without one.
const TAB_UNRESOLVED_WITH_COUNT: (u32, u32) = (458, 18);
/// The first row's order number in history, and 重新查询 at the top of the detail panel.
const FIRST_ROW_ORDER_NO: (u32, u32) = (150, 357);
const DETAIL_REQUERY: (u32, u32) = (830, 358);
/// History's export buttons (after the span's list, 当天).
const EXPORT_CSV: (u32, u32) = (462, 61);
const EXPORT_XLSX: (u32, u32) = (566, 61);

/// The on-screen keypad at 800×600 (a touch all-in-one's screen): its keys, 收款, and the
/// method buttons 付款码 and 现金 (qht sandbox: F1 支付宝扫码, F2 微信扫码, F3 付款码, F4 现金).
const KEYPAD_800: [(&str, (u32, u32)); 14] = [
    ("7", (495, 278)),
    ("8", (558, 278)),
    ("9", (620, 278)),
    ("←", (682, 278)),
    ("4", (495, 340)),
    ("5", (558, 340)),
    ("6", (620, 340)),
    ("清除", (682, 340)),
    ("1", (495, 402)),
    ("2", (558, 402)),
    ("3", (620, 402)),
    (".", (682, 402)),
    ("0", (495, 464)),
    ("00", (558, 464)),
];
const CHARGE_800: (u32, u32) = (400, 536);
const METHOD_PAY_CODE_800: (u32, u32) = (180, 357);
const METHOD_CASH_800: (u32, u32) = (366, 357);
/// The cash screen at 800×600: the ¥50 quick note (for ¥37.50) and 收款.
const NOTE_50_FOR_37_50: (u32, u32) = (437, 343);
const TAKE_CASH_800: (u32, u32) = (275, 410);
/// 新的收款 on a wallet's result, and on a cash result (its change lines push it down).
const NEW_SALE_800: (u32, u32) = (400, 192);
const NEW_SALE_AFTER_CASH_800: (u32, u32) = (400, 291);

fn text<'a>(order: &'a Value, field: &str) -> &'a str {
    order.get(field).and_then(Value::as_str).unwrap_or("")
}

/// What was charged is what was typed last: Esc clears the amount, and digits typed after a tab
/// switch land in the amount (defect 1).
#[test]
#[ignore = "real window: needs Xvfb, xdotool and `cargo build --release --bin cashier`"]
fn esc_clears_the_amount_and_every_digit_lands() {
    let till = Till::start(1100, 720);
    till.type_text("12");
    till.key("Escape");
    till.type_text("34");
    till.key("Return");
    let orders = till.wait_for_orders("a sale", Duration::from_secs(10), |o| o.len() == 1);
    assert_eq!(
        text(&orders[0], "amount"),
        "34.00",
        "Esc clears; 34 is charged"
    );
    till.key("Escape");
    till.wait_for_orders("stopped", Duration::from_secs(10), |o| {
        text(&o[0], "status") == "unresolved"
    });
    till.key("Return");
    // Away to another tab and back: the cursor is in the amount again.
    till.click(TAB_HISTORY.0, TAB_HISTORY.1);
    till.click(TAB_CHECKOUT.0, TAB_CHECKOUT.1);
    till.type_text("5.5");
    till.key("Return");
    let orders = till.wait_for_orders("a second sale", Duration::from_secs(10), |o| o.len() == 2);
    assert_eq!(
        text(&orders[0], "amount"),
        "5.50",
        "typed after a tab switch"
    );
    till.screenshot("esc-and-tabs.png");
}

/// A QR wait repaints at most once a second, and the idle checkout with the cursor in the amount
/// costs nearly nothing (defect 2).
#[test]
#[ignore = "real window: needs Xvfb, xdotool and `cargo build --release --bin cashier`"]
fn a_wait_costs_almost_no_cpu() {
    let till = Till::start(1100, 720);
    let idle = till.cpu_percent_over(Duration::from_secs(10));
    till.type_text("2");
    till.key("Return");
    till.wait_for_orders("a QR sale", Duration::from_secs(10), |o| {
        text(&o[0], "status") == "pending"
    });
    let waiting = till.cpu_percent_over(Duration::from_secs(10));
    till.screenshot("qr-wait.png");
    println!("idle checkout: {idle:.2} % of a core; QR wait: {waiting:.2} %");
    assert!(idle <= 0.5, "idle checkout used {idle:.2} % of a core");
    assert!(waiting <= 3.0, "a QR wait used {waiting:.2} % of a core");
}

/// The late-payment notice closes with Enter, and keys pressed while it shows never reach the
/// checkout underneath (defect 3).
#[test]
#[ignore = "real window: needs Xvfb, xdotool and `cargo build --release --bin cashier`"]
fn the_late_notice_closes_with_enter_and_keeps_keys_from_the_checkout() {
    let till = Till::start(1100, 720);
    let pay_page = till.qr_given_up("7");
    // The customer pays after all; a person re-queries: the notice shows.
    open(&pay_page);
    till.click(TAB_UNRESOLVED.0, TAB_UNRESOLVED.1);
    till.screenshot("unresolved-tab.png");
    till.click(258, 61); // 全部重新查询
    till.wait_for_orders("paid late", Duration::from_secs(10), |o| {
        text(&o[0], "status") == "paid"
    });
    std::thread::sleep(Duration::from_millis(500));
    till.screenshot("late-notice.png");
    till.key("F3"); // must not pick 付款码 underneath
    till.key("Return"); // closes the notice
    till.click(TAB_CHECKOUT.0, TAB_CHECKOUT.1);
    till.type_text("1");
    till.key("Return");
    let orders = till.wait_for_orders("the next sale", Duration::from_secs(10), |o| o.len() == 2);
    assert_eq!(
        text(&orders[0], "method"),
        "alipay-qr",
        "F3 pressed on the notice did not change the method"
    );
}

/// A fast cashier: types the amount and scans the customer's code straight away (no F3, no
/// Enter), then types the next amount on the result screen (defect 9).
#[test]
#[ignore = "real window: needs Xvfb, xdotool and `cargo build --release --bin cashier`"]
fn a_scanner_burst_after_the_amount_charges_the_code() {
    let till = Till::start(1100, 720);
    till.type_text("11.40");
    till.scan("130000000000000001");
    let orders = till.wait_for_orders("paid by code", Duration::from_secs(10), |o| {
        o.first().is_some_and(|o| text(o, "status") == "paid")
    });
    assert_eq!(text(&orders[0], "amount"), "11.40");
    assert_eq!(text(&orders[0], "method"), "wechat-barcode");
    std::thread::sleep(Duration::from_millis(700));
    till.type_text("3");
    till.key("Return");
    let orders = till.wait_for_orders("the next sale", Duration::from_secs(10), |o| o.len() == 2);
    assert_eq!(
        text(&orders[0], "amount"),
        "3.00",
        "typed on the result screen"
    );
}

/// Issue 21, item 1: after a cash sale, with nothing typed, a WeChat code scanned on the result
/// screen made a paid ¥1.00 Alipay order with the code `30000000000000001` (6 of 6): the first
/// digit became the amount. Now the burst is a code wherever it lands: nothing is charged.
#[test]
#[ignore = "real window: needs Xvfb, xdotool and `cargo build --release --bin cashier`"]
fn a_scan_on_the_result_screen_charges_nothing_nobody_typed() {
    let till = Till::start(1100, 720);
    let orders = cash_sale(&till, "1", "1", "the cash sale");
    assert_eq!(orders.len(), 1);
    std::thread::sleep(Duration::from_millis(700));
    for _ in 0..3 {
        till.scan("130000000000000001");
        std::thread::sleep(Duration::from_millis(1_500));
        assert_eq!(
            till.orders().len(),
            1,
            "a scan with no amount typed charged nothing"
        );
        till.key("Escape");
    }
}

/// Issue 21, item 2: after a cash sale the method stays cash; 9 and a reflex double Enter 40 ms
/// apart recorded ¥9.00 cash with 找零 ¥0.00 — the drawer short at 交班. Now the second Enter is
/// ignored on the tender screen, and Enter a moment later takes the exact amount.
#[test]
#[ignore = "real window: needs Xvfb, xdotool and `cargo build --release --bin cashier`"]
fn a_reflex_double_enter_after_a_cash_sale_records_no_cash() {
    let till = Till::start(1100, 720);
    cash_sale(&till, "2", "5", "the first cash sale");
    std::thread::sleep(Duration::from_millis(700));
    till.key("Return");
    till.type_and_double_enter("9", 40);
    std::thread::sleep(Duration::from_millis(1_500));
    assert_eq!(till.orders().len(), 1, "the reflex Enter recorded no cash");
    till.key("Return");
    let orders = till.wait_for_orders("the counted sale", Duration::from_secs(10), |o| {
        o.len() == 2
    });
    assert_eq!(text(&orders[0], "amount"), "9.00");
    assert_eq!(text(&orders[0], "method"), "cash");
}

/// Issue 21, item 3: 15 typed on 销售记录, then 收银 clicked: the amount is 15 and Enter charges
/// it (before, the amount was empty and the digits gone).
#[test]
#[ignore = "real window: needs Xvfb, xdotool and `cargo build --release --bin cashier`"]
fn digits_typed_on_the_history_tab_are_charged_on_the_checkout() {
    let till = Till::start(1100, 720);
    till.click(TAB_HISTORY.0, TAB_HISTORY.1);
    till.type_text("15");
    till.screenshot("typed-on-history.png");
    till.click(TAB_CHECKOUT.0, TAB_CHECKOUT.1);
    till.key("Return");
    let orders = till.wait_for_orders("the sale typed on history", Duration::from_secs(10), |o| {
        !o.is_empty()
    });
    assert_eq!(text(&orders[0], "amount"), "15.00");
}

/// Issue 21, item 3: while the QR shows, the customer offers a pay code instead: the scan
/// charges the same amount by bar-code pay, the QR order kept as replaced (before: ignored).
#[test]
#[ignore = "real window: needs Xvfb, xdotool and `cargo build --release --bin cashier`"]
fn a_pay_code_scanned_while_the_qr_shows_charges_the_same_amount() {
    let till = Till::start(1100, 720);
    till.type_text("7.70");
    till.key("Return");
    till.wait_for_orders("the QR order", Duration::from_secs(10), |o| !o.is_empty());
    std::thread::sleep(Duration::from_millis(800));
    till.scan("130000000000000001");
    let orders = till.wait_for_orders("paid by the code", Duration::from_secs(10), |o| {
        o.len() == 2 && text(&o[0], "status") == "paid"
    });
    assert_eq!(text(&orders[0], "amount"), "7.70");
    assert_eq!(text(&orders[0], "method"), "wechat-barcode");
    assert_eq!(text(&orders[1], "status"), "unresolved");
}

/// Taps `keys` on the checkout's keypad at 800×600.
fn tap_keys(till: &Till, keys: &[&str]) {
    for key in keys {
        let (_, (x, y)) = KEYPAD_800
            .iter()
            .find(|(label, _)| label == key)
            .expect("a keypad key");
        till.click(*x, *y);
    }
}

/// Issue 21, item 4: a touch till sells with the mouse alone (no key pressed): a QR sale, a cash
/// sale with change from a quick note, and a bar-code sale after a tap on 付款码 (the scanner
/// still types the code). On f8bcb7c there was no keypad: nothing could be typed.
#[test]
#[ignore = "real window: needs Xvfb, xdotool and `cargo build --release --bin cashier`"]
fn a_sale_by_mouse_clicks_alone() {
    let till = Till::start(800, 600);
    tap_keys(&till, &["9", "清除", "1", "2", "3", "←", ".", "5"]);
    till.screenshot("touch-keypad.png");
    till.click(CHARGE_800.0, CHARGE_800.1);
    let orders = till.wait_for_orders("the QR sale", Duration::from_secs(10), |o| {
        o.first().is_some_and(|o| text(o, "status") == "pending")
    });
    assert_eq!(text(&orders[0], "amount"), "12.50");
    open(text(&orders[0], "shown"));
    till.wait_for_orders("the QR paid", Duration::from_secs(15), |o| {
        o.first().is_some_and(|o| text(o, "status") == "paid")
    });
    // The result's guard, then 新的收款.
    std::thread::sleep(Duration::from_millis(800));
    till.click(NEW_SALE_800.0, NEW_SALE_800.1);

    tap_keys(&till, &["3", "7", ".", "5"]);
    till.click(METHOD_CASH_800.0, METHOD_CASH_800.1);
    till.click(CHARGE_800.0, CHARGE_800.1);
    till.click(NOTE_50_FOR_37_50.0, NOTE_50_FOR_37_50.1);
    till.screenshot("touch-cash.png");
    till.click(TAKE_CASH_800.0, TAKE_CASH_800.1);
    let orders = till.wait_for_orders("the cash sale", Duration::from_secs(10), |o| {
        o.len() == 2 && text(&o[0], "status") == "paid"
    });
    assert_eq!(text(&orders[0], "method"), "cash");
    assert_eq!(text(&orders[0], "amount"), "37.50");
    // For a person: the result says 实收现金 ¥50.00, 找零 ¥12.50 (kittest checks the words).
    till.screenshot("touch-change.png");

    std::thread::sleep(Duration::from_millis(800));
    till.click(NEW_SALE_AFTER_CASH_800.0, NEW_SALE_AFTER_CASH_800.1);
    tap_keys(&till, &["8"]);
    till.click(METHOD_PAY_CODE_800.0, METHOD_PAY_CODE_800.1);
    till.click(CHARGE_800.0, CHARGE_800.1);
    till.scan("130000000000000001");
    let orders = till.wait_for_orders("the bar-code sale", Duration::from_secs(10), |o| {
        o.len() == 3 && text(&o[0], "status") == "paid"
    });
    assert_eq!(text(&orders[0], "method"), "wechat-barcode");
    assert_eq!(text(&orders[0], "amount"), "8.00");
}

/// Issue 21's measure, the suite's own run: 120 keyboard sales as a hurried cashier makes them —
/// each amount typed straight onto the last result, a pay code scanned right after it, cash on
/// F4 with what was handed over typed, every tenth a QR the customer pays — all recorded paid,
/// with the amount and method typed, none lost or doubled.
#[test]
#[ignore = "real window: needs Xvfb, xdotool and `cargo build --release --bin cashier`"]
fn a_hundred_and_twenty_fast_keyboard_sales_are_all_charged_as_typed() {
    const SALES: usize = 120;
    let till = Till::start(1100, 720);
    let mut expected: Vec<(String, &str)> = Vec::new();
    for sale in 0..SALES {
        let amount = format!("{}.{:02}", 1 + sale % 97, (sale * 37) % 100);
        let method = match sale % 10 {
            9 => {
                till.type_text(&amount);
                till.key("F1");
                till.key("Return");
                let orders = till.wait_for_orders("a QR sale", Duration::from_secs(10), |o| {
                    o.len() == sale + 1 && text(&o[0], "status") == "pending"
                });
                open(text(&orders[0], "shown"));
                "alipay-qr"
            }
            // The amount, then the scanner's burst as soon as a hand can lift the scanner
            // (0.3 s: a scanner's first key within 40 ms of a typed digit would be read as part
            // of one burst, which no hand can do).
            n if n % 2 == 0 => {
                till.without_pause(&[&["type", "--delay", "60", &amount]]);
                std::thread::sleep(Duration::from_millis(300));
                till.without_pause(&[
                    &["type", "--delay", "5", "130000000000000001"],
                    &["key", "Return"],
                ]);
                "wechat-barcode"
            }
            // The amount, F4, Enter, what was handed over, Enter: one run of keys at 60 ms.
            _ => {
                till.without_pause(&[
                    &["type", "--delay", "60", &amount],
                    &["key", "--delay", "60", "F4", "Return"],
                    &["type", "--delay", "60", "100"],
                    &["key", "Return"],
                ]);
                "cash"
            }
        };
        expected.push((amount, method));
        till.wait_for_orders(
            &format!("sale {} of {SALES}", sale + 1),
            Duration::from_secs(15),
            |o| o.len() == sale + 1 && text(&o[0], "status") == "paid",
        );
    }
    let orders = till.orders();
    assert_eq!(orders.len(), SALES, "one order per sale");
    // Newest first in the history: compare in the order they were made.
    for (order, (amount, method)) in orders.iter().rev().zip(&expected) {
        let amount: cashier::money::Money =
            cashier::money::Money::parse_charge(amount, cashier::money::Money::from_yuan(100_000))
                .expect("an amount");
        assert_eq!(text(order, "amount"), amount.yuan_text(), "{order}");
        assert_eq!(text(order, "method"), *method, "{order}");
        assert_eq!(text(order, "status"), "paid", "{order}");
    }
}

/// Opens `url` as the customer's phone does.
fn open(url: &str) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let _ = reqwest::get(url).await;
    });
}

/// A gateway that refuses the connection: the charge fails at once as "not sent", not after the
/// QR's five minutes (defect 6).
#[test]
#[ignore = "real window: needs Xvfb, xdotool and `cargo build --release --bin cashier`"]
fn an_unreachable_gateway_fails_the_charge_at_once() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let port = closed.local_addr().expect("addr").port();
    drop(closed);
    let config = format!(
        "[gateway]\nprovider = \"qht\"\nbase_url = \"http://127.0.0.1:{port}\"\n\
         merchant_id = \"QHT-SANDBOX-0001\"\nkey = \"sandbox-qht-key\"\n"
    );
    let till = Till::start_with_config(1100, 720, Some(&config));
    till.type_text("9");
    till.key("Return");
    let orders = till.wait_for_orders("a failed sale", Duration::from_secs(3), |o| {
        o.first().is_some_and(|o| text(o, "status") == "failed")
    });
    assert_eq!(
        text(&orders[0], "error"),
        "无法连接支付平台，请求未发出，未扣款"
    );
    till.screenshot("unreachable.png");
}

/// History's exports: a CSV Excel reads (a byte-order mark, a totals row) and a workbook
/// (defect 10).
#[test]
#[ignore = "real window: needs Xvfb, xdotool and `cargo build --release --bin cashier`"]
fn history_exports_a_csv_for_excel_and_a_workbook() {
    let till = Till::start(1100, 720);
    till.type_text("12.34");
    till.key("Escape");
    till.type_text("6");
    till.key("Return");
    till.wait_for_orders("a sale", Duration::from_secs(10), |o| o.len() == 1);
    till.key("Escape");
    till.click(TAB_HISTORY.0, TAB_HISTORY.1);
    std::thread::sleep(Duration::from_millis(500));
    till.screenshot("history.png");
    till.click(EXPORT_CSV.0, EXPORT_CSV.1);
    till.click(EXPORT_XLSX.0, EXPORT_XLSX.1);
    let csv = till.wait_for_file("sales-", ".csv");
    let text = String::from_utf8(csv).expect("UTF-8");
    assert!(text.starts_with('\u{feff}'));
    assert!(text.contains(",6.00,"), "{text}");
    assert!(
        text.lines().any(|l| l.starts_with("合计,,1 笔")),
        "the totals row: {text}"
    );

    let xlsx = till.wait_for_file("sales-", ".xlsx");
    assert!(xlsx.starts_with(b"PK"), "a workbook is a zip");
}

/// History: a click on a row's order number selects it, and 重新查询 is on screen at 1100×720
/// and finds the payment (defect 4).
#[test]
#[ignore = "real window: needs Xvfb, xdotool and `cargo build --release --bin cashier`"]
fn history_rows_open_from_their_text_and_requery_is_on_screen() {
    let till = Till::start(1100, 720);
    let pay_page = till.qr_given_up("4.4");
    open(&pay_page);
    till.key("Return");
    till.click(TAB_HISTORY.0, TAB_HISTORY.1);
    std::thread::sleep(Duration::from_millis(500));
    till.click(FIRST_ROW_ORDER_NO.0, FIRST_ROW_ORDER_NO.1);
    std::thread::sleep(Duration::from_millis(500));
    till.screenshot("history-detail.png");
    till.click(DETAIL_REQUERY.0, DETAIL_REQUERY.1);
    till.wait_for_orders(
        "paid, found by 重新查询",
        Duration::from_secs(10),
        |o| text(&o[0], "status") == "paid",
    );
    std::thread::sleep(Duration::from_millis(300));
    till.key("Return"); // closes the late-payment notice
    till.screenshot("history-requeried.png");
}

/// Bar-code pay: Enter with nothing scanned makes no order; the wait for a customer typing a
/// password shows a countdown that repaints once a second, not a spinner (defects 7 and 2).
#[test]
#[ignore = "real window: needs Xvfb, xdotool and `cargo build --release --bin cashier`"]
fn a_bar_code_wait_counts_down_cheaply_and_an_empty_enter_makes_no_order() {
    let till = Till::start(1100, 720);
    till.type_text("5");
    till.key("F3");
    till.key("Return");
    till.key("Return"); // nothing scanned
    std::thread::sleep(Duration::from_millis(500));
    assert!(till.orders().is_empty(), "an empty Enter makes no order");
    till.scan("130000000000000002"); // pays after ~10 s of "password entry"
    till.wait_for_orders("a bar-code sale", Duration::from_secs(5), |o| o.len() == 1);
    let waiting = till.cpu_percent_over(Duration::from_secs(5));
    till.screenshot("barcode-wait.png");
    println!("bar-code wait: {waiting:.2} % of a core");
    assert!(
        waiting <= 3.0,
        "a bar-code wait used {waiting:.2} % of a core"
    );
    till.wait_for_orders("paid after the password", Duration::from_secs(20), |o| {
        text(&o[0], "status") == "paid"
    });
}

/// The unresolved count in the tab title is live: it shows without opening the tab (defect 8).
#[test]
#[ignore = "real window: needs Xvfb, xdotool and `cargo build --release --bin cashier`"]
fn the_unresolved_count_shows_without_opening_the_tab() {
    let till = Till::start(1100, 720);
    let pay_page = till.qr_given_up("2");
    open(&pay_page);
    std::thread::sleep(Duration::from_millis(500));
    // "未完成订单 (1)" is wider than "未完成订单": only with the count does this point fall on the
    // tab (without it, it falls between two tabs), so only then does 全部重新查询 find the payment.
    till.click(TAB_UNRESOLVED_WITH_COUNT.0, TAB_UNRESOLVED_WITH_COUNT.1);
    till.screenshot("unresolved-count.png");
    till.click(258, 61); // 全部重新查询
    till.wait_for_orders("paid, found from the tab", Duration::from_secs(10), |o| {
        text(&o[0], "status") == "paid"
    });
}

/// The QR a customer scans from a distance: it grows with the window and stays centred, and on a
/// small screen it is whole (defect 5). Measured on the screen's pixels.
#[test]
#[ignore = "real window: needs Xvfb, xdotool and `cargo build --release --bin cashier`"]
fn the_qr_grows_and_centres_with_the_window() {
    for (width, height, at_least) in [(800, 600, 320), (1920, 1080, 640)] {
        let till = Till::start(width, height);
        till.resize(width, height);
        till.type_text("1");
        till.key("Return");
        till.wait_for_orders("a QR sale", Duration::from_secs(10), |o| o.len() == 1);
        std::thread::sleep(Duration::from_millis(500));
        let screen = till.screen(&format!("qr-{width}x{height}.png"));
        let (left, top, right, bottom) = white_box(&screen);
        let side = (right - left).min(bottom - top);
        println!("{width}×{height}: the QR from x {left} to {right}, y {top} to {bottom}");
        assert!(side >= at_least, "at {width}×{height} the QR is {side} px");
        assert!(
            bottom < height && right < width,
            "the QR is whole on screen"
        );
        if width >= 1920 {
            assert!(
                left > 100,
                "the QR is centred, not in the corner (left at {left})"
            );
        }
    }
}

/// The box around the long runs of pure white pixels below the tab bar: the QR's quiet zone (the
/// window's own background is an off-white grey; white text is too short to count).
fn white_box(screen: &image::RgbImage) -> (u32, u32, u32, u32) {
    const RUN: u32 = 100;
    let mut found = (u32::MAX, u32::MAX, 0, 0);
    for y in 45..screen.height() {
        let mut start = None;
        for x in 0..=screen.width() {
            let white = x < screen.width() && screen.get_pixel(x, y).0 == [255, 255, 255];
            match (white, start) {
                (true, None) => start = Some(x),
                (false, Some(from)) => {
                    if x - from >= RUN {
                        found = (
                            found.0.min(from),
                            found.1.min(y),
                            found.2.max(x - 1),
                            found.3.max(y),
                        );
                    }
                    start = None;
                }
                _ => {}
            }
        }
    }
    found
}

/// Cash on F4 with the change, then the shift counted and closed from the 交班 tab and the next
/// one opened, all by keyboard: the cursor waits in the count (Enter asks, a double Enter closes
/// nothing, Enter once read closes), then in the next cashier's name.
#[test]
#[ignore = "real window: needs Xvfb, xdotool and `cargo build --release --bin cashier`"]
fn a_cash_sale_then_the_shift_is_counted_closed_and_the_next_opened() {
    let till = Till::start(1100, 720);
    let orders = cash_sale(&till, "12.30", "20", "a cash sale");
    assert_eq!(text(&orders[0], "method"), "cash");
    till.screenshot("cash-change.png");

    till.click(TAB_SHIFT.0, TAB_SHIFT.1);
    till.type_text("12.00"); // lands in 实点现金 without a click
    till.screenshot("shift-count.png");
    // A hurried double Enter asks 确认交班？ and closes nothing.
    till.double_key("Return");
    std::thread::sleep(Duration::from_secs(1));
    till.screenshot("shift-confirm.png");
    let asked = till.cli(&["shift", "report", "--json"]);
    assert!(
        asked.last().is_some_and(|r| r["closed_at"].is_null()),
        "a double Enter closed the shift: {asked:?}"
    );
    till.key("Return");
    let closed = wait_for_report(&till, "the shift closed", &["--shift", "1"], |r| {
        !r["closed_at"].is_null()
    });
    assert_eq!(text(&closed, "cash_counted"), "12.00");
    assert_eq!(text(&closed, "difference"), "-0.30");
    till.screenshot("shift-closed.png");

    // The next cashier: name, Tab, float, Enter — no mouse.
    till.type_text("Li Si");
    till.key("Tab");
    till.type_text("100");
    till.key("Return");
    let opened = wait_for_report(&till, "the next shift", &[], |r| r["shift"] == 2);
    assert_eq!(text(&opened, "cashier"), "Li Si");
    assert_eq!(text(&opened, "float"), "100.00");
}

/// `cashier shift report --json ARGS`, waited for until `done`.
fn wait_for_report(till: &Till, what: &str, args: &[&str], done: impl Fn(&Value) -> bool) -> Value {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let mut command = vec!["shift", "report", "--json"];
        command.extend_from_slice(args);
        if let Some(report) = till.cli(&command).pop()
            && done(&report)
        {
            return report;
        }
        assert!(std::time::Instant::now() < deadline, "{what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// A machine where the cashier never ran: the window opens on the setup, Enter takes the sandbox,
/// the config file is written (0600) and the first sale goes through — all by keyboard.
#[test]
#[ignore = "real window: needs Xvfb, xdotool and `cargo build --release --bin cashier`"]
fn a_first_run_opens_on_the_setup_and_enter_starts_selling_on_the_sandbox() {
    let till = Till::start_fresh(1100, 720);
    till.screenshot("first-run.png");
    assert!(!till.config_file().exists());
    till.key("Return");
    till.type_text("3");
    till.key("Return");
    let orders = till.wait_for_orders("the first sale", Duration::from_secs(10), |o| o.len() == 1);
    assert_eq!(text(&orders[0], "amount"), "3.00");
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(till.config_file())
            .expect("the setup wrote the config")
            .permissions(),
    );
    assert_eq!(mode & 0o777, 0o600);
}

/// 设置 → 真实商户 → 新商户进件 by keyboard: every field typed (Chinese too) with Tab between them,
/// 提交进件, and the merchant's number and key land in the till's config (0600; no keyring here)
/// and are in force: the next sale is that merchant's, at the gateway the form was sent to.
#[test]
#[ignore = "real window: needs Xvfb, xdotool and `cargo build --release --bin cashier`"]
fn a_new_merchant_is_onboarded_in_the_window_and_sells_next() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let gateway = runtime
        .block_on(cashier::sandbox::Sandbox::start(
            cashier::sandbox::SandboxConfig::default(),
        ))
        .expect("a qht gateway");
    let till = Till::start(1100, 720);
    till.click(TAB_SETTINGS.0, TAB_SETTINGS.1);
    till.click(REAL_MERCHANT.0, REAL_MERCHANT.1);
    till.click(BASE_URL.0, BASE_URL.1);
    till.type_text(&gateway.base_url());
    till.screenshot("onboarding-settings.png");
    till.click(ONBOARD.0, ONBOARD.1);
    // The cursor is in the first field already: type, Tab, type…
    for (index, value) in FORM.iter().enumerate() {
        if index > 0 {
            till.key("Tab");
        }
        till.type_text(value);
    }
    till.screenshot("onboarding-form.png");
    till.click(SUBMIT.0, SUBMIT.1);
    // The returned merchant is shown for the owner to confirm (issue 23): nothing saved before.
    std::thread::sleep(Duration::from_secs(2));
    till.screenshot("onboarding-confirm.png");
    let before = std::fs::read_to_string(till.config_file()).unwrap_or_default();
    assert!(
        !before.contains("merchant_id = \"QHT"),
        "saved before the owner confirmed"
    );
    till.click(CONFIRM_MERCHANT.0, CONFIRM_MERCHANT.1);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let config = loop {
        let text = std::fs::read_to_string(till.config_file()).unwrap_or_default();
        if text.contains("merchant_id") {
            break text;
        }
        assert!(std::time::Instant::now() < deadline, "no merchant saved");
        std::thread::sleep(Duration::from_millis(200));
    };
    till.screenshot("onboarding-done.png");
    let saved: cashier::config::Config = toml::from_str(&config).expect("a config");
    let merchant = saved.gateway.expect("a real merchant now");
    assert!(!merchant.merchant_id.is_empty());
    assert!(
        !merchant.key.is_empty(),
        "no keyring here: the key is in the file"
    );
    assert!(
        !config.contains("110101199003074514"),
        "the ID number is not kept"
    );
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(till.config_file())
            .expect("config")
            .permissions(),
    );
    assert_eq!(mode & 0o777, 0o600);

    // The next sale is that merchant's, at the gateway the form went to.
    till.click(TAB_CHECKOUT_REAL_MERCHANT.0, TAB_CHECKOUT_REAL_MERCHANT.1);
    till.type_text("2");
    till.key("Return");
    let orders = till.wait_for_orders("the new merchant's sale", Duration::from_secs(10), |o| {
        o.len() == 1
    });
    assert_eq!(text(&orders[0], "amount"), "2.00");
    assert!(
        gateway
            .order_arrived_at(text(&orders[0], "order_no"))
            .is_some(),
        "the sale went to the gateway the merchant was registered at"
    );
    till.screenshot("onboarding-first-sale.png");
}

/// A till started from its icon with a config file that does not parse: the window opens on
/// why (it used to print to a terminal nobody sees and exit, so the icon did nothing). The file
/// fixed, Enter starts the cashier in the same window with the cursor in the amount.
#[test]
#[ignore = "real window: needs Xvfb, xdotool and `cargo build --release --bin cashier`"]
fn a_till_that_cannot_start_says_why_in_its_window_and_starts_on_enter_once_fixed() {
    // `start_with_config` waits for the window: before, none ever showed.
    let till = Till::start_with_config(1100, 720, Some("[till\nid = \"T3\"\n"));
    till.screenshot("startup-problem.png");
    std::fs::write(till.config_file(), "[till]\nid = \"T3\"\n").expect("the file fixed");
    till.key("Return");
    std::thread::sleep(Duration::from_secs(1));
    let orders = cash_sale(&till, "3.20", "5", "a cash sale after the retry");
    assert_eq!(text(&orders[0], "amount"), "3.20");
    assert_eq!(text(&orders[0], "till"), "T3");
}

/// An owner double-clicks the icon: the second window says the till is already open and sells
/// nothing (it used to open a second checkout that borrowed the first one's sandbox and lost
/// its gateway when the first closed). Once the first is gone, Enter starts the till there.
#[test]
#[ignore = "real window: needs Xvfb, xdotool and `cargo build --release --bin cashier`"]
fn a_second_start_of_one_till_waits_for_the_first_window_to_close() {
    let mut till = Till::start(1100, 720);
    let (mut again, window) = till.start_again();
    till.focus(&window);
    std::thread::sleep(Duration::from_millis(800));
    till.screenshot("startup-already-open.png");
    type_cash_sale(&till, "3", "5");
    std::thread::sleep(Duration::from_secs(1));
    assert!(till.orders().is_empty(), "the second window sold");

    till.kill_first();
    till.focus(&window);
    till.key("Return");
    // The retry starts the till (ledger, sandbox): generous, as the suite runs two at once.
    std::thread::sleep(Duration::from_secs(3));
    let orders = cash_sale(&till, "3", "5", "a sale in the second window");
    assert_eq!(text(&orders[0], "amount"), "3.00");
    let _ = again.kill();
    let _ = again.wait();
}

/// Types a cash sale as a cashier does: the amount, F4, Enter, the cash handed over, Enter.
fn type_cash_sale(till: &Till, amount: &str, tendered: &str) {
    till.type_text(amount);
    till.key("F4");
    till.key("Return");
    till.type_text(tendered);
    till.key("Return");
}

/// [`type_cash_sale`], then today's orders once the newest is paid (`what` says which sale).
fn cash_sale(till: &Till, amount: &str, tendered: &str, what: &str) -> Vec<Value> {
    type_cash_sale(till, amount, tendered);
    till.wait_for_orders(what, Duration::from_secs(10), |o| {
        o.first().is_some_and(|o| text(o, "status") == "paid")
    })
}

/// Issue 23 in the real window, by keyboard: with an owner PIN set, 设置 asks for it (the cursor
/// in the PIN field), a wrong one is refused and the right one opens it; left and opened again,
/// it asks again, and after five wrong ones even the right PIN is not checked for a minute.
#[test]
#[ignore = "real window: needs Xvfb, xdotool and `cargo build --release --bin cashier`"]
fn with_an_owner_pin_settings_open_only_after_it_and_five_wrong_ones_wait() {
    let hash = cashier::owner_pin::hash("2468").expect("hash");
    let config = format!("[owner]\npin_hash = \"{hash}\"\n");
    let till = Till::start_with_config(1100, 720, Some(&config));
    let pin_tries = |action: &str| {
        till.cli(&["audit", "--json"])
            .iter()
            .filter(|entry| entry["action"] == action)
            .count()
    };
    let wait_for_tries = |action: &str, count: usize| {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while pin_tries(action) < count {
            assert!(
                std::time::Instant::now() < deadline,
                "{count} × {action} never kept"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    };
    till.click(TAB_SETTINGS.0, TAB_SETTINGS.1);
    std::thread::sleep(Duration::from_millis(500));
    till.screenshot("owner-pin-asked.png");
    till.type_text("0000");
    till.key("Return");
    wait_for_tries("owner_pin_wrong", 1);
    till.type_text("2468");
    till.key("Return");
    wait_for_tries("owner_pin_right", 1);
    std::thread::sleep(Duration::from_millis(500));
    till.screenshot("owner-pin-settings-open.png");

    till.click(TAB_CHECKOUT.0, TAB_CHECKOUT.1);
    std::thread::sleep(Duration::from_millis(300));
    till.click(TAB_SETTINGS.0, TAB_SETTINGS.1);
    std::thread::sleep(Duration::from_millis(500));
    for tries in 2..=6 {
        till.type_text("1111");
        till.key("Return");
        wait_for_tries("owner_pin_wrong", tries);
    }
    // Five wrong since the right one: each next try waits a minute.
    till.type_text("2468");
    till.key("Return");
    std::thread::sleep(Duration::from_secs(2));
    till.screenshot("owner-pin-wait.png");
    assert_eq!(
        pin_tries("owner_pin_right"),
        1,
        "the right PIN was checked during the wait"
    );
}

/// Issue 24, item 6: a PC with no OpenGL (the X server without GLX, no EGL vendor: glow finds "no
/// glutin configs", as on the basic display driver) still opens the till, on the software
/// renderer (wgpu on Mesa's lavapipe), and a sale is typed on it.
#[test]
#[ignore = "real window: needs Xvfb, xdotool and `cargo build --release --bin cashier`"]
fn without_opengl_the_till_opens_on_the_software_renderer_and_sells() {
    let till = Till::start_without_opengl(1100, 720);
    till.screenshot("software-renderer.png");
    let orders = cash_sale(&till, "6.60", "10", "a cash sale on the software renderer");
    assert_eq!(text(&orders[0], "amount"), "6.60");
    assert_eq!(text(&orders[0], "method"), "cash");
}

/// 退款 on the history's detail panel at the default size (1100×720): the refund button, its amount
/// and reason fields, 确认退款.
const REFUND_BUTTON: (u32, u32) = (817, 401);
const REFUND_AMOUNT: (u32, u32) = (895, 440);
const REFUND_REASON: (u32, u32) = (935, 484);
const REFUND_CONFIRM: (u32, u32) = (833, 580);

/// Issue 25, item 6 in the real window: a cash sale refunded in part from 销售记录 by mouse and
/// keyboard; the refund is kept (cash back), the shift's cash expected is lower by it, and the
/// digits typed into the refund's fields never reach the checkout.
#[test]
#[ignore = "real window: needs Xvfb, xdotool and `cargo build --release --bin cashier`"]
fn a_cash_sale_is_refunded_in_part_from_history() {
    let till = Till::start(1100, 720);
    let orders = cash_sale(&till, "12.30", "20", "the cash sale");
    let order_no = text(&orders[0], "order_no").to_owned();
    till.click(TAB_HISTORY.0, TAB_HISTORY.1);
    till.click(FIRST_ROW_ORDER_NO.0, FIRST_ROW_ORDER_NO.1);
    till.click(REFUND_BUTTON.0, REFUND_BUTTON.1);
    till.click(REFUND_AMOUNT.0, REFUND_AMOUNT.1);
    till.key("ctrl+a");
    till.key("BackSpace");
    till.type_text("2");
    till.click(REFUND_REASON.0, REFUND_REASON.1);
    till.type_text("damaged");
    till.click(REFUND_CONFIRM.0, REFUND_CONFIRM.1);
    let report = wait_for_report(&till, "the refund", &[], |r| {
        r.get("refunded").and_then(Value::as_str) == Some("2.00")
    });
    till.screenshot("refund.png");
    assert_eq!(report["refunds"][0]["order_no"], order_no.as_str());
    assert_eq!(report["refunds"][0]["way"], "cash");
    assert_eq!(report["refunds"][0]["reason"], "damaged");
    assert_eq!(
        report["cash_expected"], "10.30",
        "12.30 taken, 2.00 given back"
    );
    let orders = till.orders();
    assert_eq!(
        orders.len(),
        1,
        "typing into the refund's fields sold nothing: {orders:?}"
    );
}
