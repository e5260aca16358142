//! Design tokens: every colour, size and font of the window lives here, so the look changes in
//! one place. Hard-coded colours elsewhere are refused by `clippy.toml`, colours and sizes by
//! `tests/it/tidy.rs`.
#![allow(clippy::disallowed_methods)] // The one place colours are made.

use std::sync::Arc;

use egui::{Color32, FontData, FontDefinitions, FontFamily, FontId, Visuals};

/// The CJK font bundled with the app (a GB2312 subset of `WenQuanYi` Micro Hei, Apache-2.0;
/// `packaging/make-font-subset.py` made it), so Chinese renders on a till with no CJK fonts.
pub const CJK_FONT: &[u8] = include_bytes!("../../assets/fonts/wqy-microhei-gb2312.ttf");

/// Success: 支付成功.
pub const PAID: Color32 = Color32::from_rgb(0x1f, 0x8a, 0x4c);
/// Failure: 支付失败.
pub const FAILED: Color32 = Color32::from_rgb(0xc6, 0x28, 0x28);
/// Unknown, waiting, attention: 结果未知.
pub const UNKNOWN: Color32 = Color32::from_rgb(0xd9, 0x82, 0x00);
/// The sandbox banner's background.
pub const SANDBOX_BANNER: Color32 = Color32::from_rgb(0xb7, 0x1c, 0x1c);
/// Text on coloured backgrounds.
pub const ON_COLOUR: Color32 = Color32::WHITE;
/// Secondary text.
pub const MUTED: Color32 = Color32::from_rgb(0x70, 0x70, 0x70);
/// QR dark modules.
pub const QR_DARK: Color32 = Color32::BLACK;
/// QR light modules and quiet zone.
pub const QR_LIGHT: Color32 = Color32::WHITE;
/// Chart bars.
pub const CHART_BAR: Color32 = Color32::from_rgb(0x2e, 0x7d, 0xd1);

/// The big amount and result text.
pub const HUGE_TEXT: f32 = 44.0;
/// Headings and the amount field.
pub const LARGE_TEXT: f32 = 28.0;
/// Body text.
pub const BODY_TEXT: f32 = 17.0;
/// The smallest size a QR is drawn at, in points.
pub const QR_MIN_SIDE: f32 = 320.0;
/// The checkout column's width.
pub const CHECKOUT_WIDTH: f32 = 620.0;
/// The height of the big buttons (no less than [`TOUCH_HEIGHT`]: a finger presses them).
pub const BIG_BUTTON_HEIGHT: f32 = 48.0;
/// A keypad key's side: a finger's width and more (touch guidelines ask for 48 px at least).
pub const KEY_SIDE: f32 = 56.0;
/// Space between keypad keys, so a finger does not press two.
pub const KEY_SPACING: f32 = 6.0;
/// The least height of anything a finger must hit (a screen's main actions).
pub const TOUCH_HEIGHT: f32 = 48.0;
/// A button a finger hits: at least [`TOUCH_HEIGHT`] high.
pub const TOUCH_BUTTON: egui::Vec2 = egui::vec2(96.0, TOUCH_HEIGHT);
/// A short text field (a PIN, a till id).
pub const FIELD_WIDTH: f32 = 200.0;
/// Space between blocks.
pub const GAP: f32 = 12.0;
/// A table row's height.
pub const ROW_HEIGHT: f32 = 24.0;

/// The window's size at its first start, and the least it may be made (a 1024×600 POS screen).
pub const WINDOW_SIZE: egui::Vec2 = egui::vec2(1100.0, 720.0);
/// The least window size the screens are laid out for.
pub const WINDOW_MIN_SIZE: egui::Vec2 = egui::vec2(800.0, 560.0);
/// A wide text field: a URL, a merchant id, a connection string.
pub const WIDE_FIELD_WIDTH: f32 = 360.0;
/// A short field: a number of seconds, a paper width.
pub const SHORT_FIELD_WIDTH: f32 = 120.0;
/// The counted-cash field of 交班.
pub const COUNT_FIELD_WIDTH: f32 = 140.0;
/// A bank-transfer payer's name and account.
pub const PAYER_FIELD_WIDTH: f32 = 320.0;
/// One of the first run's fields (till id, owner PIN): room for its hint.
pub const WELCOME_FIELD_WIDTH: f32 = 170.0;
/// The first run's column of labels and fields, centred.
pub const WELCOME_FIELDS_WIDTH: f32 = 330.0;
/// The first run's two big choices (sandbox, real merchant).
pub const FIRST_RUN_BUTTON: egui::Vec2 = egui::vec2(360.0, BIG_BUTTON_HEIGHT + 16.0);
/// A wide button on the start-up screen (重试, the file fixes).
pub const WIDE_BUTTON: egui::Vec2 = egui::vec2(360.0, BIG_BUTTON_HEIGHT);
/// The rows of a settings form: column gap, row gap.
pub const FORM_SPACING: egui::Vec2 = egui::vec2(16.0, 10.0);
/// The rows of the 进件 form.
pub const ONBOARDING_SPACING: egui::Vec2 = egui::vec2(GAP, 8.0);
/// The rows of a shift's report on screen.
pub const REPORT_SPACING: egui::Vec2 = egui::vec2(GAP, 4.0);
/// The rows of a list of past shifts: wide columns, tight rows.
pub const LIST_SPACING: egui::Vec2 = egui::vec2(2.0 * GAP, 2.0);
/// The history's detail panel on a wide window (at most 35 % of a narrow one).
pub const DETAIL_PANEL_WIDTH: f32 = 320.0;
/// The history table's time column (`23:59:59`).
pub const TIME_COLUMN_WIDTH: f32 = 72.0;
/// The history table's amount column.
pub const AMOUNT_COLUMN_WIDTH: f32 = 90.0;
/// The least the history table's text columns share, however narrow the window.
pub const TEXT_COLUMNS_MIN_WIDTH: f32 = 240.0;
/// The history's 30-day chart.
pub const CHART_HEIGHT: f32 = 140.0;
/// How tall the audit list may grow before it scrolls.
pub const AUDIT_LIST_HEIGHT: f32 = 260.0;
/// The width the words beside a waiting sale's QR need.
pub const PAYING_INFO_WIDTH: f32 = 420.0;
/// Rounded corners of a framed box (the amount, the printer bar).
pub const CORNER_RADIUS: f32 = 4.0;
/// The printer bar's margin.
pub const BAR_MARGIN: f32 = 6.0;
/// The customer's window, when it is not full screen.
pub const CUSTOMER_WINDOW_SIZE: egui::Vec2 = egui::vec2(800.0, 600.0);
/// The amount and the result on the customer's screen, read from across the counter.
pub const CUSTOMER_AMOUNT_TEXT: f32 = 72.0;

/// A font of `size` points.
#[must_use]
pub fn font(size: f32) -> FontId {
    FontId::proportional(size)
}

/// A button a finger can hit: at least [`TOUCH_HEIGHT`] high and twice as wide, for a screen's
/// main actions (a touch till has no keyboard to fall back on).
pub fn touch_button<'a>(text: impl Into<egui::WidgetText>) -> egui::Button<'a> {
    egui::Button::new(text).min_size(egui::vec2(2.0 * TOUCH_HEIGHT, TOUCH_HEIGHT))
}

/// The colour of an order status.
#[must_use]
pub fn status_colour(status: crate::status::OrderStatus) -> Color32 {
    use crate::status::OrderStatus::{AmountMismatch, Creating, Failed, Paid, Pending, Unresolved};
    match status {
        Paid => PAID,
        Failed => FAILED,
        Creating | Pending | Unresolved | AmountMismatch => UNKNOWN,
    }
}

/// Installs the fonts and the look on `ctx`.
pub fn install(ctx: &egui::Context) {
    let mut fonts = FontDefinitions::default();
    fonts
        .font_data
        .insert("cjk".to_owned(), Arc::new(FontData::from_static(CJK_FONT)));
    for family in [FontFamily::Proportional, FontFamily::Monospace] {
        // After egui's own fonts, so Latin keeps its look and CJK falls back to ours.
        fonts
            .families
            .entry(family)
            .or_default()
            .push("cjk".to_owned());
    }
    ctx.set_fonts(fonts);
    ctx.set_visuals(Visuals::light());
    ctx.global_style_mut(|style| {
        style.spacing.item_spacing = egui::vec2(8.0, 8.0);
        // A blinking cursor repaints the whole window twice a second, all day: keep it steady.
        style.visuals.text_cursor.blink = false;
        style.spacing.button_padding = egui::vec2(12.0, 6.0);
        for (text_style, size) in [
            (egui::TextStyle::Body, BODY_TEXT),
            (egui::TextStyle::Button, BODY_TEXT),
            (egui::TextStyle::Heading, LARGE_TEXT),
            (egui::TextStyle::Monospace, BODY_TEXT),
            (egui::TextStyle::Small, 13.0),
        ] {
            style.text_styles.insert(text_style, font(size));
        }
    });
}
