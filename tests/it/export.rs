//! A day's exports as an accountant opens them: CSV with a byte-order mark (Excel on Chinese
//! Windows) and a totals row; the same in an `.xlsx` workbook with amounts as numbers.

use std::io::Read;

use cashier::app::export::{Bom, csv_document, xlsx_document};
use cashier::china_time::cst;
use cashier::gateway::{PayMethod, Provider};
use cashier::ledger::{Ledger, OrderDraft};
use cashier::money::Money;
use cashier::status::{OrderStatus, PaidAmount, Source, StatusMove};
use chrono::{TimeZone, Utc};

/// A ledger with a paid ¥12.34 order (created 23:59:59 China time) and an open ¥5.00 one.
fn day() -> (
    Vec<cashier::ledger::OrderRecord>,
    cashier::ledger::DayTotals,
) {
    let mut ledger = Ledger::open_in_memory().expect("open");
    let at = cst()
        .with_ymd_and_hms(2026, 11, 21, 23, 59, 59)
        .single()
        .expect("valid")
        .with_timezone(&Utc);
    let draft = |li: i64| OrderDraft {
        provider: Provider::Qht,
        merchant_id: "M".into(),
        till_id: "T01".into(),
        method: PayMethod::AlipayQr,
        amount: Money::from_li(li),
        description: "x".into(),
        auth_code_masked: None,
    };
    let paid = ledger.create_order(&draft(12_340), at).expect("a");
    let mut move_ = StatusMove::to(OrderStatus::Paid, Source::Query);
    move_.paid = Some(PaidAmount {
        amount: Money::from_li(12_340),
        paid_at: None,
    });
    ledger.record(&paid.order_no, &move_, at).expect("paid");
    ledger.create_order(&draft(5_000), at).expect("b");
    let day = at.with_timezone(&cst()).date_naive();
    let orders = ledger.day_orders(day, cst(), 0, 100).expect("orders");
    let totals = ledger.day_totals(day, cst()).expect("totals");
    (orders, totals)
}

#[test]
fn the_csv_has_a_bom_china_time_exact_yuan_and_a_totals_row() {
    let (orders, totals) = day();
    let csv = csv_document(&orders, &totals, &[], cst(), Bom::Yes);
    assert!(
        csv.starts_with('\u{feff}'),
        "Excel reads UTF-8 only with a BOM"
    );
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines[0],
        "订单号,平台单号,创建时间,支付方式,订单金额,实付金额,状态,迟到付款,收银台"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.ends_with(",2026-11-21 23:59:59,支付宝扫码,12.34,12.34,支付成功,,T01")),
        "{lines:?}"
    );
    assert_eq!(lines[lines.len() - 2], "合计,,2 笔,已支付 1 笔,,12.34,,,");
    assert_eq!(
        lines[lines.len() - 1],
        "小计：支付宝扫码,,,已支付 1 笔,,12.34,,,"
    );
    assert!(
        lines.iter().all(|l| l.split(',').count() == 9),
        "every row has every column"
    );
    let piped = csv_document(&orders, &totals, &[], cst(), Bom::No);
    assert!(piped.starts_with("订单号"), "no BOM for a pipe");
}

#[test]
fn the_workbook_holds_the_orders_the_amounts_as_numbers_and_the_totals() {
    let (orders, totals) = day();
    let bytes = xlsx_document(&orders, &totals, &[], cst()).expect("written");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("an xlsx is a zip");
    let mut read = |name: &str| {
        let mut text = String::new();
        archive
            .by_name(name)
            .expect(name)
            .read_to_string(&mut text)
            .expect("text");
        text
    };
    let strings = read("xl/sharedStrings.xml");
    let sheet = read("xl/worksheets/sheet1.xml");
    for expected in [
        "订单号",
        "合计",
        "已支付 1 笔",
        "小计：支付宝扫码",
        "平台单号",
        "支付成功",
        &orders[0].order_no,
    ] {
        assert!(strings.contains(expected), "{expected} missing");
    }
    assert!(sheet.contains("<v>12.34</v>"), "paid amount as a number");
    assert!(
        sheet.contains("<v>5</v>"),
        "the open order's amount as a number"
    );
}

/// Issue 21, item 9: with a digits-only till id an order number is all digits, and Excel and
/// `LibreOffice` read a plain CSV cell of it as `1.23202612050931E+020`: the number is gone. The
/// CSV writes such numbers (and the gateway's own) as ="…", which both keep as text.
#[test]
fn order_numbers_of_a_digits_only_till_stay_text_in_the_csv() {
    let mut ledger = Ledger::open_in_memory().expect("open");
    let draft = OrderDraft {
        provider: Provider::Qht,
        merchant_id: "M".into(),
        till_id: "1".into(),
        method: PayMethod::WechatQr,
        amount: Money::from_fen(100),
        description: "x".into(),
        auth_code_masked: None,
    };
    let at = Utc::now();
    let order = ledger.create_order(&draft, at).expect("order");
    let mut move_ = StatusMove::to(OrderStatus::Paid, Source::Query);
    move_.gateway_order_no = Some("4200001234567890123".into());
    move_.paid = Some(PaidAmount {
        amount: Money::from_fen(100),
        paid_at: None,
    });
    ledger.record(&order.order_no, &move_, at).expect("paid");
    let day = at.with_timezone(&cst()).date_naive();
    let orders = ledger.day_orders(day, cst(), 0, 10).expect("orders");
    let totals = ledger.day_totals(day, cst()).expect("totals");
    let csv = csv_document(&orders, &totals, &[], cst(), Bom::Yes);
    assert!(
        csv.contains("\"=\"\"4200001234567890123\"\"\""),
        "the gateway's number as text: {csv}"
    );
    assert!(csv.contains("\"=\"\"1\"\"\""), "the till id as text: {csv}");
    let all_digits = order.order_no.chars().all(|c| c.is_ascii_digit());
    assert_eq!(
        csv.contains(&format!("\"=\"\"{}\"\"\"", order.order_no)),
        all_digits,
        "the order number is guarded exactly when a spreadsheet would take it for a number"
    );
}
