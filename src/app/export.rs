//! A day's sales as files an owner's accountant opens: CSV (UTF-8 with a byte-order mark, so
//! Excel on a Chinese Windows reads it right) and `.xlsx`, both ending in a totals row and a
//! subtotal per pay method. The window's 导出 and `cashier history --csv` write them. Order
//! numbers stay text: in the CSV one that a spreadsheet would read as a number (a digits-only
//! till id's, or the gateway's own) is written as `="…"`, else Excel and `LibreOffice` show
//! `1.23202612050931E+020` and the number is gone.

use chrono::FixedOffset;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::ledger::{DayTotals, OrderRecord, Refund, RefundWay};
use crate::money::Money;

/// How many columns every row has.
const WIDTH: usize = 9;

/// The column titles, in the order of every row.
const COLUMNS: [&str; WIDTH] = [
    "订单号",
    "平台单号",
    "创建时间",
    "支付方式",
    "订单金额",
    "实付金额",
    "状态",
    "迟到付款",
    "收银台",
];

/// Whether a CSV starts with the UTF-8 byte-order mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bom {
    /// With it: a file for Excel.
    Yes,
    /// Without: text for a pipe.
    No,
}

/// One order's cells, as text.
fn cells(order: &OrderRecord, offset: FixedOffset) -> [String; WIDTH] {
    [
        order.order_no.clone(),
        order.gateway_order_no.clone().unwrap_or_default(),
        order
            .created_at
            .with_timezone(&offset)
            .format("%Y-%m-%d %H:%M:%S")
            .to_string(),
        order.method.zh_name().to_owned(),
        order.amount.yuan_text(),
        order.paid.map(Money::yuan_text).unwrap_or_default(),
        order.status.zh_name().to_owned(),
        if order.late { "是" } else { "" }.to_owned(),
        order.till_id.clone(),
    ]
}

/// The totals row: how many orders, how many paid, and what they paid.
fn totals_cells(totals: &DayTotals) -> [String; WIDTH] {
    summary_cells(
        "合计".to_owned(),
        format!("{} 笔", totals.count),
        format!("已支付 {} 笔", totals.paid_count),
        totals.paid,
    )
}

/// A subtotal row per pay method that took money: its name, how many paid, what they paid.
fn method_cells(totals: &DayTotals) -> Vec<[String; WIDTH]> {
    totals
        .by_method
        .iter()
        .map(|method| {
            summary_cells(
                format!("小计：{}", method.method.zh_name()),
                String::new(),
                format!("已支付 {} 笔", method.paid_count),
                method.paid,
            )
        })
        .collect()
}

/// A summary row: a label in the order number's column, counts under time and method, the money
/// under 实付金额.
fn summary_cells(label: String, count: String, paid_count: String, paid: Money) -> [String; WIDTH] {
    let mut row: [String; WIDTH] = Default::default();
    row[0] = label;
    row[2] = count;
    row[3] = paid_count;
    row[5] = paid.yuan_text();
    row
}

/// A refund's row, after the subtotals: 退款 and the sale's number, when, how, the amount given
/// back as a negative 实付金额, and why.
fn refund_cells(refund: &Refund, offset: FixedOffset) -> [String; WIDTH] {
    let mut row: [String; WIDTH] = Default::default();
    row[0] = format!("退款：{}", refund.order_no);
    row[2] = refund
        .at
        .with_timezone(&offset)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string();
    match refund.way {
        RefundWay::Cash => "现金退还",
        RefundWay::BackOffice => "商户后台退款",
    }
    .clone_into(&mut row[3]);
    row[5] = format!("-{}", refund.amount.yuan_text());
    row[6].clone_from(&refund.reason);
    row
}

/// The columns that hold identifiers: kept text in a spreadsheet.
const ID_COLUMNS: [usize; 3] = [0, 1, 8];

/// An identifier as a CSV cell a spreadsheet keeps as text: `="…"` when it would otherwise be
/// read as a number (digits, or digits with an exponent or a point).
fn as_text_cell(id: &str) -> String {
    let numeric = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
        && id.chars().any(|c| c.is_ascii_digit());
    if numeric {
        format!("=\"{id}\"")
    } else {
        id.to_owned()
    }
}

/// A CSV field, quoted when it holds a comma, quote or line break.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

fn csv_row(cells: &[String]) -> String {
    let mut row = cells
        .iter()
        .map(|cell| csv_field(cell))
        .collect::<Vec<_>>()
        .join(",");
    row.push_str("\r\n");
    row
}

/// The day's orders as CSV, newest first as given, then the totals row.
#[must_use]
pub fn csv_document(
    orders: &[OrderRecord],
    totals: &DayTotals,
    refunds: &[Refund],
    offset: FixedOffset,
    bom: Bom,
) -> String {
    let mut text = String::new();
    if bom == Bom::Yes {
        text.push('\u{feff}');
    }
    text.push_str(&csv_row(&COLUMNS.map(str::to_owned)));
    for order in orders {
        let mut row = cells(order, offset);
        for column in ID_COLUMNS {
            row[column] = as_text_cell(&row[column]);
        }
        text.push_str(&csv_row(&row));
    }
    text.push_str(&csv_row(&totals_cells(totals)));
    for row in method_cells(totals) {
        text.push_str(&csv_row(&row));
    }
    for refund in refunds {
        text.push_str(&csv_row(&refund_cells(refund, offset)));
    }
    text
}

/// The day's orders as an `.xlsx` workbook: one sheet, amounts as numbers with two decimals so
/// the accountant can sum them, then the totals row.
pub fn xlsx_document(
    orders: &[OrderRecord],
    totals: &DayTotals,
    refunds: &[Refund],
    offset: FixedOffset,
) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("销售记录")?;
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("0.00");
    for (column, title) in (0u16..).zip(COLUMNS) {
        sheet.write_string_with_format(0, column, title, &bold)?;
    }
    let mut row = 1u32;
    for order in orders {
        let [
            order_no,
            gateway_no,
            created,
            method,
            _,
            _,
            status,
            late,
            till,
        ] = cells(order, offset);
        sheet.write_string(row, 0, order_no)?;
        sheet.write_string(row, 1, gateway_no)?;
        sheet.write_string(row, 2, created)?;
        sheet.write_string(row, 3, method)?;
        sheet.write_number_with_format(row, 4, spreadsheet_number(order.amount), &money)?;
        if let Some(paid) = order.paid {
            sheet.write_number_with_format(row, 5, spreadsheet_number(paid), &money)?;
        }
        sheet.write_string(row, 6, status)?;
        sheet.write_string(row, 7, late)?;
        sheet.write_string(row, 8, till)?;
        row += 1;
    }
    let summaries = std::iter::once((totals_cells(totals), totals.paid)).chain(
        method_cells(totals)
            .into_iter()
            .zip(totals.by_method.iter().map(|method| method.paid)),
    );
    for ([label, _, count, paid_count, ..], paid) in summaries {
        sheet.write_string_with_format(row, 0, label, &bold)?;
        sheet.write_string(row, 2, count)?;
        sheet.write_string(row, 3, paid_count)?;
        sheet.write_number_with_format(row, 5, spreadsheet_number(paid), &money)?;
        row += 1;
    }
    for refund in refunds {
        let [label, _, at, way, _, _, reason, ..] = refund_cells(refund, offset);
        sheet.write_string(row, 0, label)?;
        sheet.write_string(row, 2, at)?;
        sheet.write_string(row, 3, way)?;
        let back = Money::from_li(-refund.amount.li());
        sheet.write_number_with_format(row, 5, spreadsheet_number(back), &money)?;
        sheet.write_string(row, 6, reason)?;
        row += 1;
    }
    sheet.set_column_width(0, 30)?;
    sheet.set_column_width(1, 24)?;
    sheet.set_column_width(2, 20)?;
    sheet.set_column_width(3, 14)?;
    workbook.save_to_buffer()
}

/// An amount as the spreadsheet's number. A cell holds a binary floating-point number whatever
/// we do; the exact decimal text is parsed, so the cell shows exactly the yuan and fen.
fn spreadsheet_number(amount: Money) -> f64 {
    amount.yuan_text().parse().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_a_spreadsheet_would_take_for_numbers_stay_text() {
        assert_eq!(
            as_text_cell("120261205093147123456"),
            "=\"120261205093147123456\""
        );
        assert_eq!(as_text_cell("1E5"), "=\"1E5\"");
        assert_eq!(as_text_cell("T0120261205"), "T0120261205");
        assert_eq!(as_text_cell(""), "");
        assert_eq!(csv_field(&as_text_cell("123")), "\"=\"\"123\"\"\"");
    }

    #[test]
    fn csv_fields_with_commas_and_quotes_are_quoted() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("plain"), "plain");
    }
}
