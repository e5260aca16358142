//! What a slip says, laid out in the printer's columns: a sale's receipt (小票) and a shift's
//! closing report. One layout serves the printer (`escpos`), the terminal and the tests.
//!
//! A 58 mm printer prints 32 columns of ASCII (16 hanzi), an 80 mm one 48; a hanzi takes two.

use chrono::{DateTime, FixedOffset, Utc};

use crate::ledger::{OrderRecord, ShiftReport};
use crate::money::Money;

/// Where a line sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Left.
    Left,
    /// Centred.
    Center,
}

/// One line of a slip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// Text, already fitted to the width.
    Text {
        /// The words.
        text: String,
        /// Where.
        align: Align,
        /// Bold and double size (a title, the amount).
        big: bool,
    },
    /// A QR code of this text.
    Qr(String),
}

/// A whole slip; the printer cuts after it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Slip {
    /// Its lines, top first.
    pub lines: Vec<Line>,
}

/// The paper: 58 or 80 mm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(try_from = "u16", into = "u16")]
pub enum Paper {
    /// 58 mm, 32 columns.
    Mm58,
    /// 80 mm, 48 columns.
    Mm80,
}

impl TryFrom<u16> for Paper {
    type Error = String;

    fn try_from(mm: u16) -> Result<Paper, String> {
        match mm {
            58 => Ok(Paper::Mm58),
            80 => Ok(Paper::Mm80),
            other => Err(format!("width {other}: 58 or 80")),
        }
    }
}

impl From<Paper> for u16 {
    fn from(paper: Paper) -> u16 {
        match paper {
            Paper::Mm58 => 58,
            Paper::Mm80 => 80,
        }
    }
}

impl Paper {
    /// Columns of ASCII in one line.
    #[must_use]
    pub fn columns(self) -> usize {
        match self {
            Paper::Mm58 => 32,
            Paper::Mm80 => 48,
        }
    }
}

/// Columns `text` takes: two for a wide (CJK, full-width) character, one otherwise.
#[must_use]
pub fn columns_of(text: &str) -> usize {
    text.chars().map(char_columns).sum()
}

fn char_columns(c: char) -> usize {
    if c.is_ascii() { 1 } else { 2 }
}

/// `text` cut to `columns`, never splitting a wide character.
fn fit(text: &str, columns: usize) -> String {
    let mut used = 0;
    text.chars()
        .take_while(|&c| {
            used += char_columns(c);
            used <= columns
        })
        .collect()
}

impl Slip {
    fn title(&mut self, text: &str, paper: Paper) {
        // Double size halves the columns.
        self.lines.push(Line::Text {
            text: fit(text, paper.columns() / 2),
            align: Align::Center,
            big: true,
        });
    }

    fn center(&mut self, text: &str, paper: Paper) {
        self.lines.push(Line::Text {
            text: fit(text, paper.columns()),
            align: Align::Center,
            big: false,
        });
    }

    fn text(&mut self, text: &str, paper: Paper) {
        self.lines.push(Line::Text {
            text: fit(text, paper.columns()),
            align: Align::Left,
            big: false,
        });
    }

    /// `label` on the left, `value` on the right; on two lines when both do not fit.
    fn pair(&mut self, label: &str, value: &str, paper: Paper) {
        let width = paper.columns();
        let used = columns_of(label) + columns_of(value);
        if used < width {
            let gap = " ".repeat(width - used);
            self.text(&format!("{label}{gap}{value}"), paper);
        } else {
            self.text(label, paper);
            let value = fit(value, width);
            let pad = " ".repeat(width - columns_of(&value));
            self.text(&format!("{pad}{value}"), paper);
        }
    }

    fn rule(&mut self, paper: Paper) {
        self.text(&"-".repeat(paper.columns()), paper);
    }

    /// The slip as plain lines (a terminal, a test), QR codes as `[QR text]`.
    #[must_use]
    pub fn plain_lines(&self) -> Vec<String> {
        self.lines
            .iter()
            .map(|line| match line {
                Line::Text { text, .. } => text.clone(),
                Line::Qr(text) => format!("[QR {text}]"),
            })
            .collect()
    }
}

fn local(time: DateTime<Utc>, offset: FixedOffset) -> String {
    time.with_timezone(&offset)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// `order`'s receipt printed again: marked 重打 / REPRINT with how many times, under the title,
/// so a copy is never taken for a second sale.
#[must_use]
pub fn reprint_slip(
    shop: &str,
    order: &OrderRecord,
    offset: FixedOffset,
    paper: Paper,
    times: u32,
) -> Slip {
    let mut slip = order_slip(shop, order, offset, paper);
    let at = slip.lines.len().min(2);
    slip.lines.insert(
        at,
        Line::Text {
            text: fit(&format!("重打 REPRINT 第{times}次"), paper.columns()),
            align: Align::Center,
            big: false,
        },
    );
    slip
}

/// A sale's receipt: the shop, the time, the order, how and what was paid, the gateway's
/// number, a QR of our order number (for a refund or a 补单 lookup), then the cut.
#[must_use]
pub fn order_slip(shop: &str, order: &OrderRecord, offset: FixedOffset, paper: Paper) -> Slip {
    let mut slip = Slip::default();
    slip.title(shop, paper);
    slip.center("收款小票", paper);
    slip.rule(paper);
    slip.pair(
        "时间",
        &local(order.paid_at.unwrap_or(order.created_at), offset),
        paper,
    );
    slip.pair("订单号", &order.order_no, paper);
    slip.pair("收银台", &order.till_id, paper);
    slip.pair("支付方式", order.method.zh_name(), paper);
    slip.pair("状态", order.status.zh_name(), paper);
    slip.rule(paper);
    slip.lines.push(Line::Text {
        text: fit(
            &format!("金额 {}", yuan(order.paid.unwrap_or(order.amount))),
            paper.columns() / 2,
        ),
        align: Align::Left,
        big: true,
    });
    if let (Some(tendered), Some(change)) = (order.tendered, order.change()) {
        slip.pair("实收现金", &yuan(tendered), paper);
        slip.pair("找零", &yuan(change), paper);
    }
    if let Some(gateway_no) = &order.gateway_order_no {
        slip.pair("平台单号", gateway_no, paper);
    }
    if order.late {
        slip.text("（迟到付款）", paper);
    }
    slip.rule(paper);
    slip.lines.push(Line::Qr(order.order_no.clone()));
    slip.center("谢谢惠顾", paper);
    slip
}

/// An amount as printed: with the full-width ￥ of GB2312 (`A3 A4`), which every Chinese printer
/// font has; the half-width ¥ is a four-byte GB18030 sequence many print as garbage.
pub(super) fn yuan(money: Money) -> String {
    money.to_string().replace('¥', "￥")
}

/// One row of a shift's report, in both languages: the printer prints the Chinese, the window
/// shows the cashier's language. One list serves both, so the screen says what the slip says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportRow {
    /// A label and its value.
    Pair {
        /// The label in Chinese.
        zh: String,
        /// The label in English.
        en: String,
        /// The value (an amount, a count, a time), as printed.
        value: String,
        /// The value in English where it has words (`#3` for 第 3 班).
        value_en: Option<String>,
    },
    /// An order number listed under the row before it.
    Item(String),
    /// A break between sections.
    Rule,
}

impl ReportRow {
    pub(super) fn pair(
        zh: impl Into<String>,
        en: impl Into<String>,
        value: impl Into<String>,
    ) -> ReportRow {
        ReportRow::Pair {
            zh: zh.into(),
            en: en.into(),
            value: value.into(),
            value_en: None,
        }
    }
}

/// The rows of `report` (after its title), amounts with the full-width ￥.
#[must_use]
pub fn shift_rows(report: &ShiftReport, offset: FixedOffset) -> Vec<ReportRow> {
    let mut rows = vec![
        ReportRow::Pair {
            zh: "班次".into(),
            en: "Shift".into(),
            value: format!("第 {} 班", report.shift),
            value_en: Some(format!("#{}", report.shift)),
        },
        ReportRow::Pair {
            zh: "收银员".into(),
            en: "Cashier".into(),
            value: report.cashier.clone(),
            value_en: (report.cashier == crate::ledger::DEFAULT_CASHIER)
                .then(|| "default".to_owned()),
        },
        ReportRow::pair("开班", "Opened", local(report.opened_at, offset)),
    ];
    if let Some(closed) = report.closed_at {
        rows.push(ReportRow::pair("交班", "Closed", local(closed, offset)));
    }
    rows.push(ReportRow::Rule);
    rows.extend(method_rows(&report.by_method));
    rows.push(ReportRow::pair(
        format!("合计 {} 笔", report.paid_count),
        format!("Paid × {}", report.paid_count),
        yuan(report.paid),
    ));
    rows.push(ReportRow::pair(
        "订单总数",
        "Orders",
        report.order_count.to_string(),
    ));
    rows.push(ReportRow::Pair {
        zh: "失败".into(),
        en: "Failed".into(),
        value: format!("{} 笔", report.failed_count),
        value_en: Some(report.failed_count.to_string()),
    });
    rows.push(ReportRow::Pair {
        zh: "未完成".into(),
        en: "Unresolved".into(),
        value: format!("{} 笔", report.unresolved.len()),
        value_en: Some(report.unresolved.len().to_string()),
    });
    rows.extend(report.unresolved.iter().cloned().map(ReportRow::Item));
    if !report.late_payments.is_empty() {
        rows.push(ReportRow::pair(
            format!("迟到付款 {} 笔", report.late_payments.len()),
            format!("Late payments × {}", report.late_payments.len()),
            yuan(report.late_paid),
        ));
        for late in &report.late_payments {
            rows.push(ReportRow::pair(
                format!("  {}", late.order_no),
                format!("  {}", late.order_no),
                yuan(late.amount),
            ));
        }
    }
    rows.extend(refund_rows(&report.refunds, report.refunded));
    rows.push(ReportRow::Rule);
    rows.push(ReportRow::pair("备用金", "Float", yuan(report.float)));
    rows.push(ReportRow::pair(
        "应有现金",
        "Cash expected",
        yuan(report.cash_expected),
    ));
    if let (Some(counted), Some(difference)) = (report.cash_counted, report.difference) {
        rows.push(ReportRow::pair("实点现金", "Cash counted", yuan(counted)));
        rows.push(ReportRow::pair(
            "差额",
            "Difference",
            signed_yuan(difference),
        ));
    }
    rows
}

/// A row per method that took money: its name, how many, how much.
#[must_use]
pub fn method_rows(lines: &[crate::ledger::MethodLine]) -> Vec<ReportRow> {
    lines
        .iter()
        .map(|line| {
            ReportRow::pair(
                format!("{} {} 笔", line.method.zh_name(), line.count),
                format!("{} × {}", line.method.en_name(), line.count),
                yuan(line.amount),
            )
        })
        .collect()
}

/// 退款 N 笔 and the total, then each refund (its sale, cash or back office, the amount); none
/// when there were none. A shift's report and the day's close list them alike.
#[must_use]
pub fn refund_rows(refunds: &[crate::ledger::Refund], refunded: Money) -> Vec<ReportRow> {
    if refunds.is_empty() {
        return Vec::new();
    }
    let mut rows = vec![ReportRow::pair(
        format!("退款 {} 笔", refunds.len()),
        format!("Refunds × {}", refunds.len()),
        format!("-{}", yuan(refunded)),
    )];
    for refund in refunds {
        let (zh, en) = match refund.way {
            crate::ledger::RefundWay::Cash => ("现金", "cash"),
            crate::ledger::RefundWay::BackOffice => ("后台", "back office"),
        };
        rows.push(ReportRow::pair(
            format!("  {} {zh}", refund.order_no),
            format!("  {} {en}", refund.order_no),
            format!("-{}", yuan(refund.amount)),
        ));
    }
    rows
}

/// A difference with its sign: `+￥0.30`, `-￥0.30`, `￥0.00`.
#[must_use]
pub fn signed_yuan(difference: Money) -> String {
    let sign = if difference > Money::ZERO { "+" } else { "" };
    format!("{sign}{}", yuan(difference))
}

/// Whether `report` is of a closed shift: the title says 交班报表, else 班次报表（未交班）.
#[must_use]
pub fn shift_title(report: &ShiftReport) -> &'static str {
    if report.closed_at.is_some() {
        "交班报表"
    } else {
        "班次报表（未交班）"
    }
}

/// A shift's closing report (交班报表), or the report so far of the open shift.
#[must_use]
pub fn shift_slip(shop: &str, report: &ShiftReport, offset: FixedOffset, paper: Paper) -> Slip {
    report_slip(shop, shift_title(report), shift_rows(report, offset), paper)
}

/// A report as printed: the shop, the report's title, then its rows (a shift's, the day's).
#[must_use]
pub fn report_slip(shop: &str, title: &str, rows: Vec<ReportRow>, paper: Paper) -> Slip {
    let mut slip = Slip::default();
    slip.title(shop, paper);
    slip.center(title, paper);
    slip.rule(paper);
    for row in rows {
        match row {
            ReportRow::Pair { zh, value, .. } => slip.pair(&zh, &value, paper),
            ReportRow::Item(order_no) => slip.text(&format!("  {order_no}"), paper),
            ReportRow::Rule => slip.rule(paper),
        }
    }
    slip
}

/// 打印测试页: the shop's name, what the page is, the time, the paper's width ruled edge to edge,
/// and a line of Chinese, so the owner sees the width and the Chinese mode are right.
#[must_use]
pub fn test_slip(shop: &str, now: DateTime<Utc>, offset: FixedOffset, paper: Paper) -> Slip {
    let mut slip = Slip::default();
    slip.title(shop, paper);
    slip.center("打印测试页 TEST PAGE", paper);
    slip.rule(paper);
    slip.pair("时间", &local(now, offset), paper);
    let width = if paper == Paper::Mm80 {
        "80 mm"
    } else {
        "58 mm"
    };
    slip.pair("纸宽", width, paper);
    slip.text("收银台打印正常，中文显示正常。", paper);
    slip.rule(paper);
    slip
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_characters_take_two_columns_and_are_never_split() {
        assert_eq!(columns_of("金额 ￥1"), 2 + 2 + 1 + 2 + 1);
        assert_eq!(fit("收款小票", 5), "收款");
        let mut slip = Slip::default();
        slip.pair("订单号", "T01-20261122-0001", Paper::Mm58);
        assert_eq!(slip.plain_lines(), ["订单号         T01-20261122-0001"]);
        assert_eq!(columns_of(&slip.plain_lines()[0]), 32);
    }

    #[test]
    fn a_pair_too_long_for_one_line_takes_two() {
        let mut slip = Slip::default();
        slip.pair("平台单号", &"9".repeat(30), Paper::Mm58);
        let lines = slip.plain_lines();
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|line| columns_of(line) <= 32));
    }
}
