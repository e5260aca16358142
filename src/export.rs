//! A day's sales as files an owner's accountant opens: CSV (UTF-8 with a byte-order mark, so
//! Excel on a Chinese Windows reads it right) and `.xlsx`, both ending in a totals row. The
//! window's 导出 and `cashier history --csv` write them.

use chrono::FixedOffset;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::ledger::{DayTotals, OrderRecord};
use crate::money::Money;

/// The column titles, in the order of every row.
const COLUMNS: [&str; 8] = [
    "订单号",
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
fn cells(order: &OrderRecord, offset: FixedOffset) -> [String; 8] {
    [
        order.order_no.clone(),
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
fn totals_cells(totals: &DayTotals) -> [String; 8] {
    [
        "合计".to_owned(),
        format!("{} 笔", totals.count),
        format!("已支付 {} 笔", totals.paid_count),
        String::new(),
        totals.paid.yuan_text(),
        String::new(),
        String::new(),
        String::new(),
    ]
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
    offset: FixedOffset,
    bom: Bom,
) -> String {
    let mut text = String::new();
    if bom == Bom::Yes {
        text.push('\u{feff}');
    }
    text.push_str(&csv_row(&COLUMNS.map(str::to_owned)));
    for order in orders {
        text.push_str(&csv_row(&cells(order, offset)));
    }
    text.push_str(&csv_row(&totals_cells(totals)));
    text
}

/// The day's orders as an `.xlsx` workbook: one sheet, amounts as numbers with two decimals so
/// the accountant can sum them, then the totals row.
pub fn xlsx_document(
    orders: &[OrderRecord],
    totals: &DayTotals,
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
        let [order_no, created, method, _, _, status, late, till] = cells(order, offset);
        sheet.write_string(row, 0, order_no)?;
        sheet.write_string(row, 1, created)?;
        sheet.write_string(row, 2, method)?;
        sheet.write_number_with_format(row, 3, spreadsheet_number(order.amount), &money)?;
        if let Some(paid) = order.paid {
            sheet.write_number_with_format(row, 4, spreadsheet_number(paid), &money)?;
        }
        sheet.write_string(row, 5, status)?;
        sheet.write_string(row, 6, late)?;
        sheet.write_string(row, 7, till)?;
        row += 1;
    }
    let [label, count, paid_count, ..] = totals_cells(totals);
    sheet.write_string_with_format(row, 0, label, &bold)?;
    sheet.write_string(row, 1, count)?;
    sheet.write_string(row, 2, paid_count)?;
    sheet.write_number_with_format(row, 4, spreadsheet_number(totals.paid), &money)?;
    sheet.set_column_width(0, 28)?;
    sheet.set_column_width(1, 20)?;
    sheet.set_column_width(2, 14)?;
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
    fn csv_fields_with_commas_and_quotes_are_quoted() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("plain"), "plain");
    }
}
