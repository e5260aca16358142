//! Design tokens: every colour, size and font of the window lives here, so the look changes in
//! one place. Hard-coded colours elsewhere are refused by `clippy.toml`.
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
