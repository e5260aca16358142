//! `cashier query`, `cashier recover` and `cashier history`.

use chrono::{FixedOffset, NaiveDate, Utc};
use serde_json::json;

use super::said::{self, Said};
use super::{exit, exit_for, json};
use crate::app::setup::Setup;
use crate::ledger::{DayTotals, OrderRecord, day_of};
use crate::payment::requery::{Requerier, RequeryResult, belongs_to};
use crate::status::Source;
use crate::store::TillTotal;

/// Queries one order again and prints it with its history.
pub async fn query(setup: &Setup, order_no: &str, as_json: bool) -> u8 {
    let offset = setup.config.history.offset();
    let found = setup.ledger().lock().order(order_no);
    let order = match found {
        Ok(Some(order)) => order,
        Ok(None) => return said::fail(exit::BAD_INPUT, &Said::NoSuchOrder(order_no), as_json),
        Err(error) => return said::fail(exit::ERROR, &error, as_json),
    };
    let order = if belongs_to(&setup.context.gateway, &order) {
        match Requerier::default()
            .requery(
                &setup.context.gateway,
                setup.ledger(),
                order,
                Source::ManualRequery,
                setup.requery,
            )
            .await
        {
            Ok(result) => {
                if let Some(error) = &result.error {
                    said::warn(error);
                }
                result.order
            }
            Err(error) => return said::fail(exit::ERROR, &*error, as_json),
        }
    } else {
        said::warn(&Said::OtherMerchantsOrder);
        order
    };
    let events = setup.ledger().lock().events(order_no).unwrap_or_default();
    if as_json {
        for event in &events {
            out!("{}", json::event(event, offset));
        }
        out!("{}", json::order(&order, offset));
    } else {
        out!("{}", order_line(&order));
        for event in &events {
            out!(
                "  {}  {} → {}  [{}] {}",
                event.at.with_timezone(&offset).format("%Y-%m-%d %H:%M:%S"),
                event.from.map_or("-", crate::status::OrderStatus::zh_name),
                event.to.zh_name(),
                event.source,
                event.detail.as_deref().unwrap_or("")
            );
        }
    }
    exit_for(order.status)
}

/// Queries every order that is not final.
pub async fn recover(setup: &Setup, as_json: bool) -> u8 {
    let offset = setup.config.history.offset();
    let recovered = Requerier::default()
        .recover_all(
            &setup.context.gateway,
            setup.ledger(),
            setup.requery,
            Utc::now(),
        )
        .await;
    match recovered {
        Ok(answers) => {
            let mut results = Vec::new();
            for answer in answers {
                match answer {
                    Ok(result) => results.push(result),
                    Err(error) => said::warn(&*error),
                }
            }
            for RequeryResult {
                order,
                before,
                late,
                error,
                ..
            } in &results
            {
                if as_json {
                    let mut line = json::order(order, offset);
                    line["before"] = json!(before.as_str());
                    line["late_now"] = json!(late);
                    out!("{line}");
                } else {
                    let late_text = if *late {
                        "  ⚠ 迟到的付款 LATE PAYMENT"
                    } else {
                        ""
                    };
                    out!("{} → {}{late_text}", before.zh_name(), order_line(order));
                    if let Some(error) = error {
                        out!("    {error}");
                    }
                }
            }
            if !as_json {
                out!(
                    "已查询 {} 笔未完成订单 (queried {} open orders)",
                    results.len(),
                    results.len()
                );
            }
            exit::PAID
        }
        Err(error) => said::fail(exit::ERROR, &error, as_json),
    }
}

/// Which ledger a history report reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// This till's own ledger.
    ThisTill,
    /// The store ledger: every till, or the one named.
    Store(Option<String>),
}

/// A day as a report shows it.
struct Day {
    totals: DayTotals,
    by_till: Vec<TillTotal>,
    orders: Vec<OrderRecord>,
    /// This till's refunds that day (the store's days do not carry them).
    refunds: Vec<crate::ledger::Refund>,
}

/// Prints a day's totals and orders.
pub async fn history(
    setup: &Setup,
    date: Option<&str>,
    scope: Scope,
    as_json: bool,
    as_csv: bool,
) -> u8 {
    let offset = setup.config.history.offset();
    let day = match day_asked(date, offset) {
        Ok(day) => day,
        Err(text) => return said::fail(exit::BAD_INPUT, &Said::BadDate(text), as_json),
    };
    let loaded = match &scope {
        Scope::ThisTill => this_till_day(setup, day, offset, as_json),
        Scope::Store(till) => {
            super::store_cmd::store_day(setup, day, offset, till.as_deref(), as_json)
                .await
                .map(|(store_day, orders)| Day {
                    totals: store_day.totals,
                    by_till: store_day.by_till,
                    orders,
                    refunds: Vec::new(),
                })
        }
    };
    let Day {
        totals,
        by_till,
        orders,
        refunds,
    } = match loaded {
        Ok(day) => day,
        Err(code) => return code,
    };
    if as_csv {
        let bom = crate::app::export::Bom::No;
        let document = crate::app::export::csv_document(&orders, &totals, &refunds, offset, bom);
        out!("{}", document.trim_end_matches('\n'));
    } else if as_json {
        for order in &orders {
            out!("{}", json::order(order, offset));
        }
        let by_method: Vec<_> = totals
            .by_method
            .iter()
            .map(|t| json!({"method": t.method.slug(), "paid_count": t.paid_count, "paid": t.paid.yuan_text()}))
            .collect();
        let by_status: Vec<_> = totals
            .by_status
            .iter()
            .map(|t| json!({"status": t.status.as_str(), "count": t.count, "amount": t.asked.yuan_text()}))
            .collect();
        let mut summary = json!({"date": day.to_string(), "count": totals.count, "paid_count": totals.paid_count,
               "paid": totals.paid.yuan_text(), "by_method": by_method, "by_status": by_status,
               "unreadable": totals.unreadable});
        if scope != Scope::ThisTill {
            summary["by_till"] = by_till
                .iter()
                .map(|t| json!({"till": t.till_id, "count": t.count, "paid_count": t.paid_count, "paid": t.paid.yuan_text()}))
                .collect();
        }
        out!("{summary}");
    } else {
        out!(
            "{day}  共 {} 笔，成功 {} 笔，实收 {}",
            totals.count,
            totals.paid_count,
            totals.paid
        );
        for row in &totals.unreadable {
            said::warn(row);
        }
        for total in &totals.by_method {
            out!(
                "  {:<12} {:>5} 笔  {}",
                total.method.zh_name(),
                total.paid_count,
                total.paid
            );
        }
        for total in &by_till {
            out!(
                "  收银台 {:<8} {:>5} 笔，成功 {} 笔  {}",
                total.till_id,
                total.count,
                total.paid_count,
                total.paid
            );
        }
        for order in &orders {
            out!(
                "  {}  {}  {}",
                order.created_at.with_timezone(&offset).format("%H:%M:%S"),
                order.till_id,
                order_line(order)
            );
        }
    }
    exit::PAID
}

/// `day` from this till's own ledger.
fn this_till_day(
    setup: &Setup,
    day: NaiveDate,
    offset: FixedOffset,
    as_json: bool,
) -> Result<Day, u8> {
    let fail = |error: crate::ledger::LedgerError| said::fail(exit::ERROR, &error, as_json);
    let ledger = setup.ledger().lock();
    let (totals, orders) = ledger.whole_day(day, offset).map_err(fail)?;
    let refunds = ledger.refunds_on_day(day, offset).map_err(fail)?;
    Ok(Day {
        totals,
        by_till: Vec::new(),
        orders,
        refunds,
    })
}

fn order_line(order: &OrderRecord) -> String {
    let paid = match order.paid {
        Some(paid) if paid != order.amount => format!(" (实付 {paid})"),
        _ => String::new(),
    };
    let late = if order.late { " ⚠迟到付款" } else { "" };
    format!(
        "{}  {}  {}{}  {}{}",
        order.order_no,
        order.method.zh_name(),
        order.amount,
        paid,
        order.status.zh_name(),
        late
    )
}

/// The day `--date` names (YYYY-MM-DD), or today in `offset`'s time; the text when it is no date.
fn day_asked(date: Option<&str>, offset: FixedOffset) -> Result<NaiveDate, &str> {
    match date {
        Some(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| text),
        None => Ok(day_of(Utc::now(), offset)),
    }
}

/// `cashier audit`: a day's audit trail, oldest first.
pub async fn audit(setup: &Setup, date: Option<&str>, as_json: bool) -> u8 {
    let offset = setup.config.history.offset();
    let day = match day_asked(date, offset) {
        Ok(day) => day,
        Err(text) => return said::fail(exit::BAD_INPUT, &Said::BadDate(text), as_json),
    };
    let entries = match setup
        .ledger()
        .run(move |ledger| ledger.audit_day(day, offset))
        .await
    {
        Ok(entries) => entries,
        Err(error) => return said::fail(exit::ERROR, &error, as_json),
    };
    for entry in &entries {
        let at = entry.at.with_timezone(&offset);
        if as_json {
            out!(
                "{}",
                json!({"at": at.to_rfc3339(), "who": entry.who, "action": entry.action, "detail": entry.detail})
            );
        } else {
            out!(
                "{}  {}  {}  {}",
                at.format("%H:%M:%S"),
                entry.who,
                entry.action,
                entry.detail
            );
        }
    }
    exit::PAID
}
