//! Refunds (退款) and voids (作废): never more than is left of a paid sale, each its own row in
//! the shift it was made in (a cash refund lowering the cash expected), in the CLI's JSON and the
//! shift report; a void takes an order off the unresolved list, is queried a day more, and a
//! payment landing on it is still recorded. Behind the owner's PIN from the command line.

use cashier::gateway::{PayMethod, Provider};
use cashier::ledger::{Ledger, OrderDraft, RefundError, RefundWay};
use cashier::money::Money;
use cashier::status::{OrderStatus, PaidAmount, Source, StatusMove};
use chrono::{Duration, Utc};
use serde_json::Value;

fn draft(method: PayMethod, yuan: i64) -> OrderDraft {
    OrderDraft {
        provider: Provider::Qht,
        merchant_id: "M".into(),
        till_id: "T01".into(),
        method,
        amount: Money::from_yuan(yuan),
        description: "x".into(),
        auth_code_masked: None,
    }
}

fn paid_qr(ledger: &mut Ledger, yuan: i64) -> String {
    let order = ledger
        .create_order(&draft(PayMethod::AlipayQr, yuan), Utc::now())
        .expect("order");
    let mut paid = StatusMove::to(OrderStatus::Paid, Source::Query);
    paid.paid = Some(PaidAmount {
        amount: Money::from_yuan(yuan),
        paid_at: None,
    });
    ledger
        .record(&order.order_no, &paid, Utc::now())
        .expect("paid");
    order.order_no
}

#[test]
fn refunds_never_pass_what_is_left_and_cash_back_lowers_the_drawer() {
    let mut ledger = Ledger::open_in_memory().expect("ledger");
    let now = Utc::now();
    ledger
        .open_shift("张三", Money::from_yuan(100), now)
        .expect("open");
    let cash = ledger
        .record_cash_sale(&draft(PayMethod::Cash, 30), Money::from_yuan(50), now)
        .expect("cash");
    let wallet = paid_qr(&mut ledger, 20);

    let refund = |ledger: &mut Ledger, order: &str, yuan: i64, way| {
        ledger.refund(
            order,
            Money::from_yuan(yuan),
            way,
            "顾客退货",
            "店主",
            Utc::now(),
        )
    };
    refund(&mut ledger, &cash.order_no, 10, RefundWay::Cash).expect("cash back");
    refund(&mut ledger, &wallet, 20, RefundWay::BackOffice).expect("back office");
    assert!(matches!(
        refund(&mut ledger, &cash.order_no, 21, RefundWay::Cash),
        Err(RefundError::TooMuch { left }) if left == Money::from_yuan(20)
    ));
    assert!(matches!(
        refund(&mut ledger, &wallet, 1, RefundWay::BackOffice),
        Err(RefundError::TooMuch { left }) if left == Money::ZERO
    ));
    assert!(matches!(
        ledger.refund(
            &cash.order_no,
            Money::from_yuan(1),
            RefundWay::Cash,
            "  ",
            "店主",
            now
        ),
        Err(RefundError::NoReason)
    ));
    let open = ledger
        .create_order(&draft(PayMethod::WechatQr, 5), now)
        .expect("open order");
    assert!(matches!(
        refund(&mut ledger, &open.order_no, 1, RefundWay::BackOffice),
        Err(RefundError::NotPaid)
    ));

    let report = ledger.shift_report(None, Utc::now()).expect("report");
    assert_eq!(report.refunds.len(), 2);
    assert_eq!(report.refunded, Money::from_yuan(30));
    assert_eq!(
        report.cash_expected,
        Money::from_yuan(100 + 30 - 10),
        "float, cash sales, less the cash given back (not the back office's)"
    );
    assert_eq!(report.paid, Money::from_yuan(50), "the sales stand as sold");
    let closed = ledger
        .close_shift(Money::from_yuan(120), Utc::now())
        .expect("closed");
    assert_eq!(closed.difference, Some(Money::ZERO));
    let kept = ledger
        .shift_report(Some(closed.shift), Utc::now())
        .expect("kept");
    assert_eq!(
        kept.refunds, closed.refunds,
        "the kept report keeps its refunds"
    );
    assert_eq!(ledger.refunds_of(&cash.order_no).expect("read").len(), 1);
}

#[test]
fn a_voided_order_leaves_the_list_is_queried_a_day_and_still_takes_a_late_payment() {
    let mut ledger = Ledger::open_in_memory().expect("ledger");
    let now = Utc::now();
    let order = ledger
        .create_order(&draft(PayMethod::AlipayQr, 8), now)
        .expect("order");
    ledger
        .record(
            &order.order_no,
            &StatusMove::to(OrderStatus::Unresolved, Source::Query),
            now,
        )
        .expect("unresolved");
    ledger
        .schedule_requery(&order.order_no, Some(now + Duration::minutes(5)))
        .expect("scheduled");
    assert!(matches!(
        ledger.void(&order.order_no, "", "店主", now),
        Err(RefundError::NoReason)
    ));
    ledger
        .void(&order.order_no, "顾客走了", "店主", now)
        .expect("voided");
    assert!(matches!(
        ledger.void(&order.order_no, "again", "店主", now),
        Err(RefundError::AlreadyVoided)
    ));
    assert!(
        ledger.unresolved().expect("list").is_empty(),
        "off the list"
    );
    assert_eq!(
        ledger
            .void_reason(&order.order_no)
            .expect("read")
            .as_deref(),
        Some("顾客走了")
    );
    let due = |ledger: &Ledger, at| {
        ledger
            .due_for_requery(at)
            .expect("due")
            .iter()
            .any(|due| due.order_no == order.order_no)
    };
    assert!(
        due(&ledger, now + Duration::minutes(6)),
        "queried within the day"
    );
    assert!(!due(&ledger, now + Duration::hours(25)), "left after a day");
    let events = ledger.events(&order.order_no).expect("events");
    assert!(events.iter().any(|event| event.source == "void"));

    let mut paid = StatusMove::to(OrderStatus::Paid, Source::Query);
    paid.paid = Some(PaidAmount {
        amount: Money::from_yuan(8),
        paid_at: None,
    });
    ledger
        .record(&order.order_no, &paid, now + Duration::minutes(6))
        .expect("a late payment lands");
    assert_eq!(
        ledger
            .order(&order.order_no)
            .expect("read")
            .expect("there")
            .status,
        OrderStatus::Paid
    );
}

fn run(dir: &std::path::Path, args: &[&str], input: &str) -> (Option<i32>, Value, String) {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_cashier"));
    command
        .arg("--config")
        .arg(dir.join("config.toml"))
        .arg("--data-dir")
        .arg(dir.join("data"))
        .args(args)
        .env("DBUS_SESSION_BUS_ADDRESS", crate::common::NO_BUS);
    let (code, stdout, stderr) = crate::common::run_with_input(command, input);
    let last = stdout
        .lines()
        .rev()
        .find_map(|line| serde_json::from_str(line).ok())
        .unwrap_or(Value::Null);
    (code, last, stderr)
}

#[test]
fn the_command_line_refunds_behind_the_owner_pin_and_the_shift_report_shows_it() {
    let dir = tempfile::tempdir().expect("dir");
    crate::common::write_private(&dir.path().join("config.toml"), "[till]\nid = \"T01\"\n");
    let (code, _, stderr) = run(dir.path(), &["owner", "set-pin"], "2468\n2468\n");
    assert_eq!(code, Some(0), "{stderr}");
    let (code, sale, stderr) = run(
        dir.path(),
        &[
            "pay",
            "--method",
            "cash",
            "--amount",
            "12.30",
            "--tendered",
            "20",
            "--json",
        ],
        "",
    );
    assert_eq!(code, Some(0), "{stderr}");
    let order_no = sale["order_no"].as_str().expect("an order").to_owned();
    let refund = |amount: &str, pin: &str| {
        run(
            dir.path(),
            &[
                "refund", &order_no, "--amount", amount, "--cash", "--reason", "退货", "--json",
            ],
            &format!("{pin}\n"),
        )
    };
    let (code, _, stderr) = refund("2", "1111");
    assert_eq!(code, Some(2), "a wrong PIN: {stderr}");
    assert!(stderr.contains("店主密码错误"), "{stderr}");
    let (code, line, stderr) = refund("2", "2468");
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(line["amount"], "2.00");
    assert_eq!(line["way"], "cash");
    assert_eq!(line["who"], "店主 owner");
    let (code, _, stderr) = refund("10.31", "2468");
    assert_eq!(code, Some(2));
    assert!(stderr.contains("退款金额超过可退金额 ¥10.30"), "{stderr}");

    let (code, report, stderr) = run(dir.path(), &["shift", "report", "--json"], "");
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(report["refunded"], "2.00");
    assert_eq!(report["refunds"][0]["order_no"], order_no.as_str());
    assert_eq!(report["cash_expected"], "10.30", "12.30 in, 2.00 back");

    let (code, day, stderr) = run(dir.path(), &["shift", "day", "--json"], "");
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(day["refunded"], "2.00");
    assert_eq!(day["cash_net"], "10.30");
    assert_eq!(day["net"], "10.30");
    assert_eq!(day["by_cashier"][0]["cashier"], "默认");
    assert_eq!(day["shifts"][0]["cash_expected"], "10.30");
    let (code, _, stderr) = run(dir.path(), &["shift", "day", "--date", "2026-13-01"], "");
    assert_eq!(code, Some(2), "a date that is no date: {stderr}");

    let csv = crate::common::cashier_in(dir.path(), &["history", "--csv"]);
    let csv = String::from_utf8_lossy(&csv.stdout);
    let refund_row = csv
        .lines()
        .find(|line| line.starts_with("退款："))
        .unwrap_or_else(|| panic!("no refund row:\n{csv}"));
    assert!(
        refund_row.contains(&order_no) && refund_row.contains(",现金退还,,-2.00,退货,"),
        "{refund_row}"
    );
    let audit = crate::common::cashier_in(dir.path(), &["audit", "--json"]);
    let audit = String::from_utf8_lossy(&audit.stdout);
    assert!(
        audit.contains("\"action\":\"refunded\"") && audit.contains("cash 退货"),
        "{audit}"
    );
}

/// The window: 退款 in the history's detail panel (at most what is left, said in place), the
/// refund listed there and in the shift's cash; 作废 in the unresolved list.
#[test]
fn a_refund_and_a_void_are_made_in_the_window() {
    use crate::common::window::{set_field, world};
    use egui::accesskit::Role;
    use egui_kittest::kittest::Queryable;
    let mut world = world();
    world.harness.run_steps(2);
    world.type_amount("12.30");
    world.press(egui::Key::F4);
    world.press(egui::Key::Enter);
    world.wait_for("应收");
    world.past_the_result_guard();
    world.type_amount("20");
    world.press(egui::Key::Enter);
    world.wait_for("找零");
    let order = world.latest_order();
    world.harness.get_by_label("销售记录").click();
    world.open_history_row(&order.order_no);
    world.wait_for("退款…");
    world.harness.get_by_label("退款…").click_accesskit();
    world.wait_for("可退金额 ¥12.30");
    set_field(&mut world, Role::TextInput, 0, "20");
    set_field(&mut world, Role::TextInput, 1, "顾客退货");
    world.harness.get_by_label("确认退款").click_accesskit();
    world.wait_for("退款金额超过可退金额 ¥12.30");
    set_field(&mut world, Role::TextInput, 0, "2");
    world.harness.get_by_label("确认退款").click_accesskit();
    world.wait_for("已退款 ¥2.00（现金退还）");
    world.wait_for("顾客退货");
    world.wait_for("退款 1 笔 · -¥2.00");
    let refunds = world
        .ledger
        .lock()
        .refunds_of(&order.order_no)
        .expect("refunds");
    assert_eq!(refunds.len(), 1);
    assert_eq!(refunds[0].amount, Money::from_yuan(2));
    assert_eq!(refunds[0].way, RefundWay::Cash);

    // A QR given up, then voided from the unresolved list.
    world.harness.get_by_label("收银").click();
    world.harness.run_steps(2);
    world.type_amount("8");
    world.press(egui::Key::F1);
    world.press(egui::Key::Enter);
    world.wait_for("二维码有效期");
    world.press(egui::Key::Escape);
    world.wait_for("结果未知");
    world.wait_for("未完成订单 (1)");
    world.harness.get_by_label("未完成订单 (1)").click();
    world.wait_for("作废…");
    world.harness.get_by_label("作废…").click_accesskit();
    world.harness.run_steps(2);
    set_field(&mut world, Role::TextInput, 0, "顾客走了");
    world.harness.get_by_label("确认作废").click_accesskit();
    world.wait_for("已作废");
    world.wait_for("没有未完成的订单");
}
