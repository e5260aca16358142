//! Shift arithmetic (交班): what belongs to a shift, the cash in the drawer, unresolved orders,
//! payments that land a shift later, shifts across midnight, and the kept report.

use cashier::china_time::cst;
use cashier::gateway::{PayMethod, Provider};
use cashier::ledger::{Ledger, OrderDraft, ShiftError};
use cashier::money::Money;
use cashier::status::{OrderStatus, PaidAmount, Source, StatusMove};
use chrono::{DateTime, Duration, TimeZone, Utc};

fn draft(method: PayMethod, fen: i64) -> OrderDraft {
    OrderDraft {
        provider: Provider::Qht,
        merchant_id: "M".into(),
        till_id: "T01".into(),
        method,
        amount: Money::from_fen(fen),
        description: "x".into(),
        auth_code_masked: None,
    }
}

/// China time on 2026-11-21.
fn at(hour: u32, minute: u32) -> DateTime<Utc> {
    cst()
        .with_ymd_and_hms(2026, 11, 21, hour, minute, 0)
        .single()
        .expect("valid")
        .with_timezone(&Utc)
}

fn pay(ledger: &mut Ledger, order_no: &str, fen: i64, when: DateTime<Utc>) {
    let mut paid = StatusMove::to(OrderStatus::Paid, Source::Query);
    paid.paid = Some(PaidAmount {
        amount: Money::from_fen(fen),
        paid_at: None,
    });
    ledger.record(order_no, &paid, when).expect("paid");
}

#[test]
fn a_shift_counts_its_sales_its_cash_and_what_is_still_open() {
    let mut ledger = Ledger::open_in_memory().expect("ledger");
    ledger
        .open_shift("张三", Money::from_yuan(200), at(8, 0))
        .expect("open");
    let cash = ledger
        .record_cash_sale(
            &draft(PayMethod::Cash, 1230),
            Money::from_yuan(20),
            at(8, 10),
        )
        .expect("cash");
    assert_eq!(cash.change(), Some(Money::from_fen(770)));
    let qr = ledger
        .create_order(&draft(PayMethod::AlipayQr, 5000), at(9, 0))
        .expect("qr");
    pay(&mut ledger, &qr.order_no, 5000, at(9, 1));
    let failed = ledger
        .create_order(&draft(PayMethod::WechatQr, 100), at(9, 5))
        .expect("failed");
    ledger
        .record(
            &failed.order_no,
            &StatusMove::to(OrderStatus::Failed, Source::Query),
            at(9, 6),
        )
        .expect("fails");
    let open = ledger
        .create_order(&draft(PayMethod::WechatQr, 300), at(9, 10))
        .expect("open");

    let report = ledger
        .close_shift(Money::from_fen(21_200), at(17, 0))
        .expect("closed");
    assert_eq!(report.cashier, "张三");
    assert_eq!(report.order_count, 4);
    assert_eq!(report.paid_count, 2);
    assert_eq!(report.paid, Money::from_fen(6230));
    let methods: Vec<_> = report
        .by_method
        .iter()
        .map(|line| (line.method, line.count, line.amount))
        .collect();
    assert_eq!(
        methods,
        [
            (PayMethod::AlipayQr, 1, Money::from_yuan(50)),
            (PayMethod::Cash, 1, Money::from_fen(1230))
        ]
    );
    assert_eq!(report.failed_count, 1);
    assert_eq!(report.unresolved, std::slice::from_ref(&open.order_no));
    assert_eq!(report.cash_expected, Money::from_fen(21_230));
    assert_eq!(report.cash_counted, Some(Money::from_fen(21_200)));
    assert_eq!(
        report.difference,
        Some(Money::from_fen(-30)),
        "30 fen short"
    );
    assert_eq!(report.closed_at, Some(at(17, 0)));

    // Closing twice is refused; the past shift reads back as it was closed.
    assert!(matches!(
        ledger.close_shift(Money::ZERO, at(17, 1)),
        Err(ShiftError::NoneOpen)
    ));
    assert_eq!(
        ledger
            .shift_report(Some(report.shift), at(18, 0))
            .expect("kept"),
        report
    );
}

#[test]
fn a_payment_that_lands_a_shift_later_shows_there_and_the_past_report_stays_as_printed() {
    let mut ledger = Ledger::open_in_memory().expect("ledger");
    let first = ledger
        .open_shift("早班", Money::ZERO, at(8, 0))
        .expect("open");
    let given_up = ledger
        .create_order(&draft(PayMethod::AlipayQr, 880), at(11, 0))
        .expect("order");
    ledger
        .record(
            &given_up.order_no,
            &StatusMove::to(OrderStatus::Unresolved, Source::Cancel),
            at(11, 5),
        )
        .expect("unresolved");
    let closed = ledger.close_shift(Money::ZERO, at(14, 0)).expect("closed");
    assert_eq!(closed.unresolved, std::slice::from_ref(&given_up.order_no));
    assert_eq!(closed.paid, Money::ZERO);

    let second = ledger
        .open_shift("晚班", Money::from_yuan(100), at(14, 0))
        .expect("open");
    // The background query finds it paid in the evening shift.
    pay(&mut ledger, &given_up.order_no, 880, at(15, 30));
    let evening = ledger.shift_report(None, at(16, 0)).expect("so far");
    assert_eq!(evening.shift, second.id);
    assert_eq!(evening.paid, Money::ZERO, "not a sale of this shift");
    assert_eq!(evening.late_payments.len(), 1);
    assert_eq!(evening.late_payments[0].order_no, given_up.order_no);
    assert_eq!(evening.late_payments[0].sold_in_shift, Some(first.id));
    assert_eq!(evening.late_paid, Money::from_fen(880));
    assert_eq!(evening.cash_expected, Money::from_yuan(100));
    assert_eq!(
        ledger
            .shift_report(Some(first.id), at(16, 0))
            .expect("kept"),
        closed,
        "the morning's report is never edited"
    );
}

#[test]
fn selling_with_no_shift_opens_a_default_one_and_a_shift_runs_past_midnight() {
    let mut ledger = Ledger::open_in_memory().expect("ledger");
    let before = ledger
        .create_order(&draft(PayMethod::AlipayQr, 100), at(22, 0))
        .expect("order");
    let default = ledger
        .open_shift_now()
        .expect("read")
        .expect("opened by the sale");
    assert_eq!(default.cashier, "默认");
    assert!(default.implicit);
    assert_eq!(before.shift_id, Some(default.id));
    assert!(matches!(
        ledger.open_shift("李四", Money::ZERO, at(22, 30)),
        Err(ShiftError::AlreadyOpen { .. })
    ));
    ledger.close_shift(Money::ZERO, at(22, 59)).expect("closed");

    let night = ledger
        .open_shift("夜班", Money::from_yuan(50), at(23, 0))
        .expect("open");
    let late_evening = ledger
        .record_cash_sale(
            &draft(PayMethod::Cash, 1000),
            Money::from_yuan(10),
            at(23, 30),
        )
        .expect("23:30");
    let after_midnight = ledger
        .record_cash_sale(
            &draft(PayMethod::Cash, 2000),
            Money::from_yuan(50),
            at(23, 30) + Duration::hours(1),
        )
        .expect("00:30");
    assert_eq!(late_evening.shift_id, Some(night.id));
    assert_eq!(after_midnight.shift_id, Some(night.id));
    let report = ledger
        .close_shift(Money::from_yuan(80), at(23, 0) + Duration::hours(8))
        .expect("closed in the morning");
    assert_eq!(report.paid, Money::from_yuan(30));
    assert_eq!(report.cash_expected, Money::from_yuan(80));
    assert_eq!(report.difference, Some(Money::ZERO));
    // The days still split at midnight China time.
    let day = |d| {
        cst()
            .with_ymd_and_hms(2026, 11, d, 0, 0, 0)
            .single()
            .expect("day")
            .date_naive()
    };
    assert_eq!(
        ledger.day_totals(day(21), cst()).expect("21st").paid,
        Money::from_yuan(10)
    );
    assert_eq!(
        ledger.day_totals(day(22), cst()).expect("22nd").paid,
        Money::from_yuan(20)
    );
}

#[test]
fn a_cashier_name_must_be_given() {
    let mut ledger = Ledger::open_in_memory().expect("ledger");
    for name in ["", "   ", &"长".repeat(33)] {
        assert!(matches!(
            ledger.open_shift(name, Money::ZERO, at(8, 0)),
            Err(ShiftError::CashierName)
        ));
    }
}

/// Issue 23, item 2: once the owner adds cashiers (`cashier owner add-cashier`, the PIN from
/// standard input, kept as a hash), a shift opens only for one of them with their PIN — an
/// unknown name or a wrong PIN is refused, in the cashier's words, and kept in the audit trail —
/// so every sale of the shift is the signed-in cashier's.
#[test]
fn with_cashiers_added_a_shift_opens_only_for_one_with_their_pin() {
    let dir = tempfile::tempdir().expect("dir");
    let run = |args: &[&str], input: &str| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_cashier"));
        command
            .args(["--sandbox-port", "0", "--data-dir"])
            .arg(dir.path())
            .env("XDG_CONFIG_HOME", dir.path().join("config"))
            .args(args);
        crate::common::run_with_input(command, input)
    };
    // Before any cashier is added, any name opens a shift, as before.
    let (code, _, stderr) = run(&["shift", "open", "--cashier", "早班"], "");
    assert_eq!(code, Some(0), "{stderr}");
    let (code, _, stderr) = run(&["shift", "close", "--counted", "0"], "");
    assert_eq!(code, Some(0), "{stderr}");

    let (code, _, stderr) = run(&["owner", "add-cashier", "张三"], "123\n");
    assert_eq!(code, Some(2), "a PIN is 4 to 6 digits: {stderr}");
    assert!(stderr.contains("4 到 6 位数字"), "{stderr}");
    let (code, _, stderr) = run(&["owner", "add-cashier", "张三"], "1234\n1234\n");
    assert_eq!(code, Some(0), "{stderr}");
    let (_, listed, _) = run(&["owner", "cashiers"], "");
    assert_eq!(listed.trim(), "张三");

    let (code, _, stderr) = run(&["shift", "open", "--cashier", "李四"], "1234\n");
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("没有名为 李四 的收银员"), "{stderr}");
    let (code, _, stderr) = run(&["shift", "open", "--cashier", "张三"], "9999\n");
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("收银员密码错误"), "{stderr}");
    let (code, opened, stderr) = run(&["shift", "open", "--cashier", "张三", "--json"], "1234\n");
    assert_eq!(code, Some(0), "{stderr}");
    assert!(opened.contains("\"cashier\":\"张三\""), "{opened}");

    let (_, audit, _) = run(&["audit", "--json"], "");
    let actions: Vec<(String, String)> = audit
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).expect("JSON"))
        .map(|entry| {
            (
                entry["action"].as_str().unwrap_or_default().to_owned(),
                entry["who"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    for (action, who) in [
        ("cashier_added", "店主 owner"),
        ("sign_in_refused", "未知 unknown"),
        ("shift_opened", "张三"),
    ] {
        assert!(
            actions.contains(&(action.to_owned(), who.to_owned())),
            "{action} by {who}: {actions:?}"
        );
    }
    let refusals = actions
        .iter()
        .filter(|(a, _)| a == "sign_in_refused")
        .count();
    assert_eq!(refusals, 2, "the unknown name and the wrong PIN");

    // The shift is closed by its cashier or by the owner: another cashier's PIN is refused.
    let (code, _, stderr) = run(&["owner", "add-cashier", "李四"], "5678\n5678\n");
    assert_eq!(code, Some(0), "{stderr}");
    let (code, _, stderr) = run(&["shift", "close", "--counted", "0"], "5678\n");
    assert_eq!(code, Some(2), "李四 closes 张三's shift: {stderr}");
    assert!(stderr.contains("收银员密码错误"), "{stderr}");
    // The owner PIN lives in a config file: this till had none (the sandbox, by default).
    let config_dir = dir.path().join("config/cashier");
    std::fs::create_dir_all(&config_dir).expect("config dir");
    std::fs::write(config_dir.join("config.toml"), "[till]\nid = \"T01\"\n").expect("config");
    #[cfg(unix)]
    std::fs::set_permissions(
        config_dir.join("config.toml"),
        std::os::unix::fs::PermissionsExt::from_mode(0o600),
    )
    .expect("owner-only");
    let (code, _, stderr) = run(&["owner", "set-pin"], "2468\n2468\n");
    assert_eq!(code, Some(0), "{stderr}");
    let (code, _, stderr) = run(&["shift", "close", "--counted", "0", "--json"], "2468\n");
    assert_eq!(code, Some(0), "the owner closes it: {stderr}");
    let (_, audit, _) = run(&["audit", "--json"], "");
    let closed = audit
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .find(|entry| {
            entry["action"] == "shift_closed"
                && entry["detail"]
                    .as_str()
                    .is_some_and(|d| d.contains("of 张三"))
        })
        .expect("the close, by the owner, of 张三's shift");
    assert_eq!(closed["who"], "店主 owner");
}

/// A night shift into today, a morning shift with a cash sale (refunded in part), a QR sale and a
/// failed one, then an afternoon shift with an order still open.
fn three_shifts_over_a_night(ledger: &mut Ledger) {
    // The night before: a shift that runs past midnight, with a sale before it.
    let evening = at(22, 0) - Duration::days(1);
    ledger
        .open_shift("王五", Money::from_yuan(50), evening)
        .expect("open");
    ledger
        .record_cash_sale(&draft(PayMethod::Cash, 1000), Money::from_yuan(10), evening)
        .expect("yesterday's sale");
    let late_sale = ledger
        .create_order(&draft(PayMethod::AlipayQr, 800), at(0, 30))
        .expect("after midnight");
    pay(ledger, &late_sale.order_no, 800, at(0, 31));
    ledger
        .close_shift(Money::from_yuan(60), at(1, 0))
        .expect("closed");
    ledger
        .open_shift("张三", Money::from_yuan(100), at(8, 0))
        .expect("open");
    let cash = ledger
        .record_cash_sale(
            &draft(PayMethod::Cash, 1230),
            Money::from_yuan(20),
            at(8, 10),
        )
        .expect("cash");
    let wechat = ledger
        .create_order(&draft(PayMethod::WechatQr, 5000), at(9, 0))
        .expect("qr");
    pay(ledger, &wechat.order_no, 5000, at(9, 1));
    let failed = ledger
        .create_order(&draft(PayMethod::WechatQr, 100), at(9, 5))
        .expect("failed");
    ledger
        .record(
            &failed.order_no,
            &StatusMove::to(OrderStatus::Failed, Source::Query),
            at(9, 6),
        )
        .expect("failed");
    ledger
        .refund(
            &cash.order_no,
            Money::from_yuan(2),
            cashier::ledger::RefundWay::Cash,
            "退货",
            "店主",
            at(10, 0),
        )
        .expect("refund");
    ledger
        .close_shift(Money::from_fen(11_030), at(12, 0))
        .expect("closed");
    ledger
        .open_shift("李四", Money::ZERO, at(12, 5))
        .expect("open");
    ledger
        .create_order(&draft(PayMethod::AlipayQr, 300), at(13, 0))
        .expect("still open");
}

/// Issue 25, item 7: the day's close (日结) across shifts — per method and per cashier, the day's
/// refunds and what it took net and in cash, each shift that was open that day (one from the
/// night before included), and nothing of another day.
#[test]
fn the_days_close_sums_its_shifts_per_method_and_per_cashier_with_refunds() {
    let mut ledger = Ledger::open_in_memory().expect("ledger");
    three_shifts_over_a_night(&mut ledger);
    let day = at(12, 0).with_timezone(&cst()).date_naive();
    let report = ledger.day_report(day, cst(), at(14, 0)).expect("day");
    assert_eq!(report.order_count, 5, "today's five, not yesterday's");
    assert_eq!(report.paid_count, 3);
    assert_eq!(report.paid, Money::from_fen(800 + 1230 + 5000));
    assert_eq!(report.failed_count, 1);
    assert_eq!(report.unresolved_count, 1);
    let methods: Vec<_> = report
        .by_method
        .iter()
        .map(|l| (l.method, l.amount))
        .collect();
    let fen = Money::from_fen;
    let expected = [PayMethod::AlipayQr, PayMethod::WechatQr, PayMethod::Cash];
    assert_eq!(
        methods,
        expected
            .into_iter()
            .zip([fen(800), fen(5000), fen(1230)])
            .collect::<Vec<_>>()
    );
    let cashiers: Vec<(&str, u64, Money)> = report
        .by_cashier
        .iter()
        .map(|line| (line.cashier.as_str(), line.paid_count, line.paid))
        .collect();
    assert_eq!(
        cashiers,
        vec![
            ("张三", 2, Money::from_fen(6230)),
            ("王五", 1, Money::from_fen(800)),
        ]
    );
    assert_eq!(report.refunded, Money::from_yuan(2));
    assert_eq!(report.net, Money::from_fen(7030 - 200));
    assert_eq!(report.cash_net, Money::from_fen(1230 - 200));
    let shifts: Vec<&str> = report.shifts.iter().map(|s| s.cashier.as_str()).collect();
    assert_eq!(
        shifts,
        ["王五", "张三", "李四"],
        "the night shift belongs to both days"
    );
    assert_eq!(report.shifts[1].cash_counted, Some(Money::from_fen(11_030)));
    assert_eq!(report.shifts[1].difference, Some(Money::ZERO));
}
