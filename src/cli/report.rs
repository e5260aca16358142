//! `cashier query`, `cashier recover` and `cashier history`.

use chrono::{NaiveDate, Utc};
use serde_json::json;

use super::{exit, exit_for, json};
use crate::ledger::{OrderRecord, day_of};
use crate::payment::requery::{Requerier, RequeryResult, belongs_to};
use crate::setup::Setup;
use crate::status::Source;

/// Queries one order again and prints it with its history.
pub async fn query(setup: &Setup, order_no: &str, as_json: bool) -> u8 {
    let offset = setup.config.history.offset();
    let found = setup.ledger().lock().order(order_no);
    let order = match found {
        Ok(Some(order)) => order,
        Ok(None) => {
            eprintln!("账本中没有订单 {order_no} (no such order in the ledger)");
            return exit::BAD_INPUT;
        }
        Err(error) => {
            eprintln!("{error}");
            return exit::ERROR;
        }
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
                    eprintln!("{error}");
                }
                result.order
            }
            Err(error) => {
                eprintln!("{error}");
                return exit::ERROR;
            }
        }
    } else {
        eprintln!(
            "此订单属于其他商户配置，只显示账本记录 (order of another merchant: ledger record only)"
        );
        order
    };
    let events = setup.ledger().lock().events(order_no).unwrap_or_default();
    if as_json {
        for event in &events {
            println!("{}", json::event(event, offset));
        }
        println!("{}", json::order(&order, offset));
    } else {
        println!("{}", order_line(&order));
        for event in &events {
            println!(
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
                    Err(error) => eprintln!("{error}"),
                }
            }
            for RequeryResult {
                order,
                before,
                late,
                error,
            } in &results
            {
                if as_json {
                    let mut line = json::order(order, offset);
                    line["before"] = json!(before.as_str());
                    line["late_now"] = json!(late);
                    println!("{line}");
                } else {
                    let late_text = if *late {
                        "  ⚠ 迟到的付款 LATE PAYMENT"
                    } else {
                        ""
                    };
                    println!("{} → {}{late_text}", before.zh_name(), order_line(order));
                    if let Some(error) = error {
                        println!("    {error}");
                    }
                }
            }
            if !as_json {
                println!(
                    "已查询 {} 笔未完成订单 (queried {} open orders)",
                    results.len(),
                    results.len()
                );
            }
            exit::PAID
        }
        Err(error) => {
            eprintln!("{error}");
            exit::ERROR
        }
    }
}

/// Prints a day's totals and orders.
pub fn history(setup: &Setup, date: Option<&str>, as_json: bool, as_csv: bool) -> u8 {
    let offset = setup.config.history.offset();
    let day = match date {
        Some(text) => match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(day) => day,
            Err(_) => {
                eprintln!("日期格式应为 YYYY-MM-DD (date must be YYYY-MM-DD): {text}");
                return exit::BAD_INPUT;
            }
        },
        None => day_of(Utc::now(), offset),
    };
    let ledger = setup.ledger().lock();
    let totals = match ledger.day_totals(day, offset) {
        Ok(totals) => totals,
        Err(error) => {
            eprintln!("{error}");
            return exit::ERROR;
        }
    };
    let mut orders = Vec::new();
    for page in 0.. {
        match ledger.day_orders(day, offset, page, 1000) {
            Ok(batch) if batch.is_empty() => break,
            Ok(batch) => orders.extend(batch),
            Err(error) => {
                eprintln!("{error}");
                return exit::ERROR;
            }
        }
    }
    drop(ledger);
    if as_csv {
        let bom = crate::export::Bom::No;
        print!(
            "{}",
            crate::export::csv_document(&orders, &totals, offset, bom)
        );
    } else if as_json {
        for order in &orders {
            println!("{}", json::order(order, offset));
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
        println!(
            "{}",
            json!({"date": day.to_string(), "count": totals.count, "paid_count": totals.paid_count,
                   "paid": totals.paid.yuan_text(), "by_method": by_method, "by_status": by_status})
        );
    } else {
        println!(
            "{day}  共 {} 笔，成功 {} 笔，实收 {}",
            totals.count, totals.paid_count, totals.paid
        );
        for total in &totals.by_method {
            println!(
                "  {:<12} {:>5} 笔  {}",
                total.method.zh_name(),
                total.paid_count,
                total.paid
            );
        }
        for order in &orders {
            println!(
                "  {}  {}",
                order.created_at.with_timezone(&offset).format("%H:%M:%S"),
                order_line(order)
            );
        }
    }
    exit::PAID
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
