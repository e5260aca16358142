//! The day's close (日结报表) as rows, printed on a slip and shown in the window alike: the day's
//! sales per method and per cashier, refunds, what the day took net and in cash, and each shift
//! of the day with its cash count.

use chrono::FixedOffset;

use super::slip::{
    Paper, ReportRow, Slip, method_rows, refund_rows, report_slip, signed_yuan, yuan,
};
use crate::ledger::DayReport;

/// The title printed over the day's rows.
pub const TITLE: &str = "日结报表";

/// The rows of `report`, amounts with the full-width ￥.
#[must_use]
pub fn day_rows(report: &DayReport, offset: FixedOffset) -> Vec<ReportRow> {
    let mut rows = vec![
        ReportRow::pair("日期", "Day", report.day.to_string()),
        ReportRow::Pair {
            zh: "订单".into(),
            en: "Orders".into(),
            value: format!("{} 笔", report.order_count),
            value_en: Some(report.order_count.to_string()),
        },
        ReportRow::Rule,
    ];
    rows.extend(method_rows(&report.by_method));
    rows.push(ReportRow::pair(
        format!("实收 {} 笔", report.paid_count),
        format!("Taken × {}", report.paid_count),
        yuan(report.paid),
    ));
    rows.extend(refund_rows(&report.refunds, report.refunded));
    rows.push(ReportRow::pair("净收", "Net", yuan(report.net)));
    rows.push(ReportRow::pair(
        "现金净收",
        "Cash net",
        yuan(report.cash_net),
    ));
    rows.push(ReportRow::Pair {
        zh: "失败 / 未完成".into(),
        en: "Failed / unresolved".into(),
        value: format!("{} / {} 笔", report.failed_count, report.unresolved_count),
        value_en: Some(format!(
            "{} / {}",
            report.failed_count, report.unresolved_count
        )),
    });
    rows.push(ReportRow::Rule);
    for line in &report.by_cashier {
        rows.push(ReportRow::pair(
            format!("收银员 {} {} 笔", line.cashier, line.paid_count),
            format!("Cashier {} × {}", line.cashier, line.paid_count),
            yuan(line.paid),
        ));
    }
    for shift in &report.shifts {
        rows.push(ReportRow::Rule);
        let short = |time: chrono::DateTime<chrono::Utc>| {
            time.with_timezone(&offset)
                .format("%m-%d %H:%M")
                .to_string()
        };
        let (closed, closed_en) = shift.closed_at.map_or_else(
            || ("未交班".to_owned(), "open".to_owned()),
            |closed| (short(closed), short(closed)),
        );
        rows.push(ReportRow::Pair {
            zh: format!("第 {} 班 {}", shift.shift, shift.cashier),
            en: format!("Shift #{} {}", shift.shift, shift.cashier),
            value: format!("{} – {closed}", short(shift.opened_at)),
            value_en: Some(format!("{} – {closed_en}", short(shift.opened_at))),
        });
        rows.push(ReportRow::pair(
            format!("  实收 {} 笔", shift.paid_count),
            format!("  Taken × {}", shift.paid_count),
            yuan(shift.paid),
        ));
        if let (Some(counted), Some(difference)) = (shift.cash_counted, shift.difference) {
            rows.push(ReportRow::pair(
                "  应有现金",
                "  Cash expected",
                yuan(shift.cash_expected),
            ));
            rows.push(ReportRow::pair(
                "  实点现金",
                "  Cash counted",
                yuan(counted),
            ));
            rows.push(ReportRow::pair(
                "  差额",
                "  Difference",
                signed_yuan(difference),
            ));
        }
    }
    rows
}

/// The day's close on paper.
#[must_use]
pub fn day_slip(shop: &str, report: &DayReport, offset: FixedOffset, paper: Paper) -> Slip {
    report_slip(shop, TITLE, day_rows(report, offset), paper)
}
