//! The ledger on a temp file: compare-and-set under racing answers, late payments, repeated
//! payments, order numbers across restarts, and days in China time.

use std::sync::{Arc, Barrier};

use cashier::china_time::cst;
use cashier::gateway::{PaidInfo, PayMethod, Provider};
use cashier::ledger::{Applied, Ledger, OrderDraft};
use cashier::money::Money;
use cashier::payment::state_machine::move_for_answer;
use cashier::status::{OrderStatus, PaidAmount, Source, StatusMove};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};

fn draft(amount_li: i64) -> OrderDraft {
    OrderDraft {
        provider: Provider::Qht,
        merchant_id: "M1".into(),
        till_id: "T01".into(),
        method: PayMethod::AlipayQr,
        amount: Money::from_li(amount_li),
        description: "测试".into(),
        auth_code_masked: None,
    }
}

fn cst_time(year: i32, month: u32, day: u32, hour: u32, min: u32, sec: u32) -> DateTime<Utc> {
    cst()
        .with_ymd_and_hms(year, month, day, hour, min, sec)
        .single()
        .expect("valid")
        .with_timezone(&Utc)
}

fn paid(li: i64) -> StatusMove {
    let mut move_ = StatusMove::to(OrderStatus::Paid, Source::Query);
    move_.paid = Some(PaidAmount {
        amount: Money::from_li(li),
        paid_at: None,
    });
    move_
}

#[test]
fn racing_answers_apply_at_most_once_and_paid_is_final() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ledger.sqlite3");
    let order_no = Ledger::open(&path)
        .expect("open")
        .create_order(&draft(1_000), Utc::now())
        .expect("created")
        .order_no;
    let threads = 8;
    let barrier = Arc::new(Barrier::new(threads));
    // Each thread its own connection, as two processes on one ledger would be. They are opened
    // first, so a failure to open cannot leave the others waiting at the barrier.
    let ledgers: Vec<Ledger> = (0..threads)
        .map(|_| Ledger::open(&path).expect("open"))
        .collect();
    let results: Vec<_> = ledgers
        .into_iter()
        .enumerate()
        .map(|(i, mut ledger)| {
            let (order_no, barrier) = (order_no.clone(), Arc::clone(&barrier));
            std::thread::spawn(move || {
                barrier.wait();
                let transition = match i % 4 {
                    0 | 1 => paid(1_000),
                    2 => StatusMove::to(OrderStatus::Unresolved, Source::Timeout),
                    _ => StatusMove::to(OrderStatus::Pending, Source::Create),
                };
                (
                    transition.to,
                    ledger
                        .record(&order_no, &transition, Utc::now())
                        .expect("recorded"),
                )
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|handle| handle.join().expect("thread"))
        .collect();
    let paid_moves = results
        .iter()
        .filter(|(to, applied)| {
            *to == OrderStatus::Paid && matches!(applied, Applied::Moved { .. })
        })
        .count();
    assert_eq!(paid_moves, 1, "{results:?}");
    let ledger = Ledger::open(&path).expect("open");
    let order = ledger.order(&order_no).expect("read").expect("exists");
    assert_eq!(order.status, OrderStatus::Paid);
    assert_eq!(order.paid, Some(Money::from_li(1_000)));
    let events = ledger.events(&order_no).expect("events");
    assert_eq!(
        events.iter().filter(|e| e.to == OrderStatus::Paid).count(),
        1
    );
    assert!(
        events
            .windows(2)
            .all(|w| w[0].to == w[1].from.unwrap_or(w[0].to)),
        "history is a chain: {events:?}"
    );
}

#[test]
fn a_duplicate_answer_changes_nothing_and_nothing_leaves_paid() {
    let mut ledger = Ledger::open_in_memory().expect("open");
    let order_no = ledger
        .create_order(&draft(500), Utc::now())
        .expect("created")
        .order_no;
    assert!(matches!(
        ledger.record(&order_no, &paid(500), Utc::now()),
        Ok(Applied::Moved {
            from: OrderStatus::Creating,
            late: false
        })
    ));
    assert_eq!(
        ledger.record(&order_no, &paid(500), Utc::now()).ok(),
        Some(Applied::Unchanged {
            current: OrderStatus::Paid
        })
    );
    let failed = StatusMove::to(OrderStatus::Failed, Source::Query);
    assert_eq!(
        ledger.record(&order_no, &failed, Utc::now()).ok(),
        Some(Applied::Unchanged {
            current: OrderStatus::Paid
        })
    );
    assert_eq!(
        ledger.events(&order_no).expect("events").len(),
        2,
        "created, paid"
    );
}

#[test]
fn a_payment_after_giving_up_is_applied_and_flagged_late() {
    let mut ledger = Ledger::open_in_memory().expect("open");
    let order_no = ledger
        .create_order(&draft(700), Utc::now())
        .expect("created")
        .order_no;
    ledger
        .record(
            &order_no,
            &StatusMove::to(OrderStatus::Pending, Source::Create),
            Utc::now(),
        )
        .expect("pending");
    ledger
        .record(
            &order_no,
            &StatusMove::to(OrderStatus::Unresolved, Source::Cancel),
            Utc::now(),
        )
        .expect("gave up");
    let applied = ledger
        .record(&order_no, &paid(700), Utc::now())
        .expect("late");
    assert_eq!(
        applied,
        Applied::Moved {
            from: OrderStatus::Unresolved,
            late: true
        }
    );
    let order = ledger.order(&order_no).expect("read").expect("exists");
    assert!(order.late && order.status == OrderStatus::Paid);
    assert_eq!(
        ledger
            .late_payments(Utc::now() - chrono::Duration::minutes(1))
            .expect("late")
            .len(),
        1
    );
    assert!(ledger.unresolved().expect("list").is_empty());
}

#[test]
fn a_different_amount_is_recorded_as_a_mismatch_never_as_paid() {
    let mut ledger = Ledger::open_in_memory().expect("open");
    let order_no = ledger
        .create_order(&draft(700), Utc::now())
        .expect("created")
        .order_no;
    let paid_info = PaidInfo {
        amount: Money::from_li(600),
        paid_at: None,
        gateway_order_no: None,
        repeat_of: None,
    };
    let move_ = move_for_answer(
        &cashier::gateway::OrderState::Paid(paid_info),
        Money::from_li(700),
        Source::Query,
        false,
    )
    .expect("a move");
    ledger
        .record(&order_no, &move_, Utc::now())
        .expect("recorded");
    let order = ledger.order(&order_no).expect("read").expect("exists");
    assert_eq!(order.status, OrderStatus::AmountMismatch);
    assert_eq!(order.paid, Some(Money::from_li(600)));
    assert_eq!(
        ledger.unresolved().expect("list").len(),
        1,
        "shown for a person to look at"
    );
}

#[test]
fn a_repeated_payment_is_its_own_order_linked_to_the_original_once() {
    let mut ledger = Ledger::open_in_memory().expect("open");
    let original = ledger
        .create_order(&draft(900), Utc::now())
        .expect("created")
        .order_no;
    let info = PaidAmount {
        amount: Money::from_li(900),
        paid_at: None,
    };
    assert!(
        ledger
            .record_repeat_payment(&original, "UP123", &info, Source::Notification, Utc::now())
            .expect("new")
    );
    assert!(
        !ledger
            .record_repeat_payment(&original, "UP123", &info, Source::Notification, Utc::now())
            .expect("repeat")
    );
    let repeat = ledger.order("UP123").expect("read").expect("exists");
    assert_eq!(repeat.repeat_of.as_deref(), Some(original.as_str()));
    assert_eq!(repeat.status, OrderStatus::Paid);
}

#[test]
fn order_numbers_are_never_reused_after_a_restart_in_the_same_second() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ledger.sqlite3");
    let now = cst_time(2026, 11, 21, 21, 30, 15);
    let first = Ledger::open(&path)
        .expect("open")
        .create_order(&draft(100), now)
        .expect("first")
        .order_no;
    let second = Ledger::open(&path)
        .expect("reopen")
        .create_order(&draft(100), now)
        .expect("second")
        .order_no;
    let install = Ledger::open(&path).expect("reopen").install_id().to_owned();
    assert_eq!(first, format!("T0120261121213015{install}0001"));
    assert_eq!(second, format!("T0120261121213015{install}0002"));
    // Even if the clock steps back into a second already used.
    let mut ledger = Ledger::open(&path).expect("reopen");
    let later = ledger
        .create_order(&draft(100), cst_time(2026, 11, 21, 21, 30, 16))
        .expect("later")
        .order_no;
    let back = ledger
        .create_order(&draft(100), now)
        .expect("back")
        .order_no;
    assert!(later > second && back == format!("T0120261121213015{install}0003"));
    assert!(
        [&first, &second, &later, &back]
            .iter()
            .all(|n| n.len() <= 32)
    );
}

/// Issue 20: two tills both set up as T01, selling in the same second, make different numbers,
/// so an answer about one till's order can never settle the other's.
#[test]
fn two_ledgers_with_one_till_id_never_share_an_order_number() {
    let dir = tempfile::tempdir().expect("tempdir");
    let now = cst_time(2026, 12, 5, 9, 26, 47);
    let mut a = Ledger::open(&dir.path().join("a.sqlite3")).expect("a");
    let mut b = Ledger::open(&dir.path().join("b.sqlite3")).expect("b");
    assert_ne!(a.install_id(), b.install_id(), "each ledger draws its own");
    let from_a = a.create_order(&draft(500), now).expect("a").order_no;
    let from_b = b.create_order(&draft(500), now).expect("b").order_no;
    assert!(from_a.starts_with("T01") && from_b.starts_with("T01"));
    assert_ne!(from_a, from_b);
    // The identity is kept with the ledger: reopening keeps it.
    let again = a.install_id().to_owned();
    drop(a);
    let reopened = Ledger::open(&dir.path().join("a.sqlite3")).expect("reopen");
    assert_eq!(reopened.install_id(), again);
}

#[test]
fn days_are_china_days() {
    let mut ledger = Ledger::open_in_memory().expect("open");
    let last_second = ledger
        .create_order(&draft(1_000), cst_time(2026, 11, 20, 23, 59, 59))
        .expect("a")
        .order_no;
    let first_second = ledger
        .create_order(&draft(2_000), cst_time(2026, 11, 21, 0, 0, 0))
        .expect("b")
        .order_no;
    ledger
        .record(&last_second, &paid(1_000), Utc::now())
        .expect("paid");
    ledger
        .record(&first_second, &paid(2_000), Utc::now())
        .expect("paid");
    let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).expect("valid");
    let before = ledger.day_totals(day(20), cst()).expect("totals");
    let after = ledger.day_totals(day(21), cst()).expect("totals");
    assert_eq!((before.count, before.paid), (1, Money::from_li(1_000)));
    assert_eq!((after.count, after.paid), (1, Money::from_li(2_000)));
    assert_eq!(
        ledger.day_orders(day(20), cst(), 0, 50).expect("orders")[0].order_no,
        last_second
    );
    // In UTC both fall on the 20th.
    let utc = chrono::FixedOffset::east_opt(0).expect("utc");
    assert_eq!(ledger.day_totals(day(20), utc).expect("totals").count, 2);
    let chart = ledger.daily_totals(day(21), 30, cst()).expect("chart");
    assert_eq!(chart.len(), 30);
    assert_eq!(chart[29].paid, Money::from_li(2_000));
    assert_eq!(chart[28].paid, Money::from_li(1_000));
    assert_eq!(chart[0].paid_count, 0);
}

#[test]
fn day_totals_split_by_status_and_method() {
    let mut ledger = Ledger::open_in_memory().expect("open");
    let now = Utc::now();
    let mut wechat = draft(3_000);
    wechat.method = PayMethod::WechatBarcode;
    let a = ledger.create_order(&draft(1_000), now).expect("a").order_no;
    let b = ledger.create_order(&wechat, now).expect("b").order_no;
    let _c = ledger.create_order(&draft(5_000), now).expect("c").order_no;
    ledger.record(&a, &paid(1_000), now).expect("paid");
    ledger.record(&b, &paid(3_000), now).expect("paid");
    let totals = ledger
        .day_totals(cashier::ledger::day_of(now, cst()), cst())
        .expect("totals");
    assert_eq!(
        (totals.count, totals.paid_count, totals.paid),
        (3, 2, Money::from_li(4_000))
    );
    assert_eq!(totals.by_method.len(), 2);
    let creating = totals
        .by_status
        .iter()
        .find(|t| t.status == OrderStatus::Creating)
        .expect("open one");
    assert_eq!((creating.count, creating.asked), (1, Money::from_li(5_000)));
}

/// The chart's hourly summary agrees with the orders themselves, day by day, in every whole-hour
/// zone: orders paid, mismatched, failed and left open over a week, at every hour of the day.
#[test]
fn the_chart_summary_matches_the_orders() {
    let mut ledger = Ledger::open_in_memory().expect("open");
    let mut n = 0_i64;
    for day in 10..17 {
        for hour in 0..24 {
            n += 1;
            let at = cst_time(2026, 11, day, hour, 30, 0);
            let order = ledger
                .create_order(&draft(n * 10), at)
                .expect("order")
                .order_no;
            let next = match n % 5 {
                0..=2 => Some(paid(n * 10)),
                3 => Some(paid(n * 10 + 10)), // another amount: amount_mismatch, not paid
                _ => None,
            };
            if let Some(next) = next {
                ledger.record(&order, &next, at).expect("moved");
            }
        }
    }
    for hours in [8, 0, -5, 14] {
        let zone = chrono::FixedOffset::east_opt(hours * 3600).expect("zone");
        let last = NaiveDate::from_ymd_opt(2026, 11, 17).expect("valid");
        let chart = ledger.daily_totals(last, 10, zone).expect("chart");
        for point in chart {
            let totals = ledger.day_totals(point.day, zone).expect("totals");
            assert_eq!(
                (point.paid_count, point.paid),
                (totals.paid_count, totals.paid),
                "{} in UTC{hours:+}",
                point.day
            );
        }
    }
}
