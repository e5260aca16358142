//! The on-screen keypad of a touch till: digits, 00, the point, ⌫ and 清除, each key a finger's
//! size. A tap is one [`KeypadKey`]; what it does to an amount is [`AmountEntry::tap`], so a
//! tap and a key of the keyboard land in the same place and the keyboard flow is unchanged.
//!
//! [`AmountEntry::tap`]: super::amount_entry::AmountEntry::tap

use egui::{RichText, Ui};

use super::theme;
use crate::i18n::{Lang, tr};

/// One key of the keypad.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeypadKey {
    /// These characters, appended: a digit, `00` or `.`.
    Type(&'static str),
    /// ⌫: the last character goes.
    Backspace,
    /// 清除: the whole amount goes.
    Clear,
}

/// The keys row by row, as a calculator lays them out (`None` is a gap).
const ROWS: [[Option<KeypadKey>; 4]; 4] = [
    [
        Some(KeypadKey::Type("7")),
        Some(KeypadKey::Type("8")),
        Some(KeypadKey::Type("9")),
        Some(KeypadKey::Backspace),
    ],
    [
        Some(KeypadKey::Type("4")),
        Some(KeypadKey::Type("5")),
        Some(KeypadKey::Type("6")),
        Some(KeypadKey::Clear),
    ],
    [
        Some(KeypadKey::Type("1")),
        Some(KeypadKey::Type("2")),
        Some(KeypadKey::Type("3")),
        Some(KeypadKey::Type(".")),
    ],
    [
        Some(KeypadKey::Type("0")),
        Some(KeypadKey::Type("00")),
        None,
        None,
    ],
];

/// The keypad's width, for laying out what sits beside it.
#[must_use]
pub fn width() -> f32 {
    4.0 * theme::KEY_SIDE + 3.0 * theme::KEY_SPACING
}

/// The keypad's height.
#[must_use]
pub fn height() -> f32 {
    4.0 * theme::KEY_SIDE + 3.0 * theme::KEY_SPACING
}

/// Draws the keypad; the key tapped this frame, if any.
pub fn keypad_ui(ui: &mut Ui, lang: Lang) -> Option<KeypadKey> {
    let mut tapped = None;
    ui.vertical(|ui| {
        ui.spacing_mut().item_spacing = egui::vec2(theme::KEY_SPACING, theme::KEY_SPACING);
        for row in ROWS {
            ui.horizontal(|ui| {
                for key in row {
                    let Some(key) = key else {
                        ui.add_space(theme::KEY_SIDE + theme::KEY_SPACING);
                        continue;
                    };
                    // The bundled fonts have no ⌫: the arrow every keypad also uses.
                    let label = match key {
                        KeypadKey::Type(text) => RichText::new(text),
                        KeypadKey::Backspace => RichText::new("←"),
                        KeypadKey::Clear => RichText::new(tr(lang, "清除", "Clear"))
                            .font(theme::font(theme::BODY_TEXT)),
                    };
                    let label = if matches!(key, KeypadKey::Clear) {
                        label
                    } else {
                        label.font(theme::font(theme::LARGE_TEXT))
                    };
                    let button = egui::Button::new(label)
                        .min_size(egui::vec2(theme::KEY_SIDE, theme::KEY_SIDE));
                    if ui.add(button).clicked() {
                        tapped = Some(key);
                    }
                }
            });
        }
    });
    if tapped.is_some() {
        // What the key changed is drawn above the keypad, earlier in this frame: draw it again.
        ui.ctx().request_repaint();
    }
    tapped
}
