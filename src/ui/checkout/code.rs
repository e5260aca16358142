//! Waiting for the customer's payment code: the scanner's keys are read straight from the input
//! events wherever focus is, so a burst is never lost or doubled by a text field. The code shown
//! names its wallet as it arrives; Enter with nothing scanned asks for the scan.

use egui::{Key, RichText, Ui};

use super::{Action, CheckoutState, Choice, Phase, centred_column};
use crate::gateway::RequestError;
use crate::gateway::barcode::{Wallet, detect_wallet, normalise_code};
use crate::i18n::{Lang, Localized, tr};
use crate::money::Money;
use crate::ui::amount_entry::SCANNER_MAX_GAP;
use crate::ui::theme;

/// Why a code was not taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanError {
    /// Enter with nothing scanned.
    Empty,
    /// Not a wallet's payment code.
    Invalid(RequestError),
}

impl Localized for ScanError {
    fn message(&self, lang: Lang) -> String {
        match self {
            ScanError::Empty => tr(
                lang,
                "请扫描顾客的付款码",
                "Scan the customer's payment code",
            )
            .to_owned(),
            ScanError::Invalid(error) => error.message(lang),
        }
    }
}

/// The customer's code as it arrives, key by key.
#[derive(Debug, Clone, Default)]
pub(super) struct ScanBuffer {
    text: String,
    first_key: Option<f64>,
    last_key: Option<f64>,
    error: Option<ScanError>,
}

impl ScanBuffer {
    /// An empty buffer that says why the last code was refused.
    pub(super) fn refused(error: ScanError) -> ScanBuffer {
        ScanBuffer {
            error: Some(error),
            ..ScanBuffer::default()
        }
    }

    fn push(&mut self, text: &str, now: f64) {
        self.first_key.get_or_insert(now);
        self.last_key = Some(now);
        self.text.push_str(text);
        self.error = None;
    }

    /// Whether the code came in a scanner's burst rather than typed by a person.
    fn is_scanner_burst(&self) -> bool {
        let (Some(first), Some(last)) = (self.first_key, self.last_key) else {
            return false;
        };
        let chars = u32::try_from(self.text.chars().count())
            .unwrap_or(u32::MAX)
            .max(1);
        let per_char = (last - first) / f64::from(chars);
        chars >= 10 && per_char <= SCANNER_MAX_GAP.as_secs_f64()
    }
}

/// Takes this frame's keys into the code: whether Enter was pressed, or `None` on Esc.
fn read_keys(ui: &Ui, state: &mut CheckoutState) -> Option<bool> {
    let mut submit = false;
    let (events, now) = ui.input(|input| (input.events.clone(), input.time));
    for event in events {
        match event {
            egui::Event::Text(text) if !submit => state.scan.push(&text, now),
            egui::Event::Key {
                key: Key::Enter,
                pressed: true,
                ..
            } => submit = true,
            egui::Event::Key {
                key: Key::Backspace,
                pressed: true,
                ..
            } => {
                state.scan.text.pop();
            }
            egui::Event::Key {
                key: Key::Escape,
                pressed: true,
                ..
            } => return None,
            _ => {}
        }
    }
    Some(submit)
}

pub(super) fn awaiting_code_ui(
    ui: &mut Ui,
    state: &mut CheckoutState,
    amount: Money,
    lang: Lang,
) -> Option<Action> {
    let Some(mut submit) = read_keys(ui, state) else {
        state.phase = Phase::Entering;
        return None;
    };
    let code = normalise_code(&state.scan.text);
    // Centred, as the QR and result screens are (issue 21: it was the one left-aligned).
    centred_column(ui, |ui| {
        ui.with_layout(egui::Layout::top_down(egui::Align::Center), |ui| {
            ui.add_space(theme::GAP);
            ui.label(RichText::new(amount.to_string()).font(theme::font(theme::HUGE_TEXT)));
            ui.label(
                RichText::new(tr(
                    lang,
                    "请扫描顾客的付款码",
                    "Scan the customer's payment code",
                ))
                .font(theme::font(theme::LARGE_TEXT)),
            );
            let shown = if code.is_empty() {
                tr(lang, "等待扫码…", "Waiting for the scanner…").to_owned()
            } else {
                code.clone()
            };
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.set_min_width(theme::WIDE_FIELD_WIDTH);
                ui.label(
                    RichText::new(shown)
                        .monospace()
                        .font(theme::font(theme::LARGE_TEXT)),
                );
            });
            if !code.is_empty() {
                match detect_wallet(&code) {
                    Ok(Wallet::Wechat) => ui.label(tr(lang, "微信付款码", "WeChat pay code")),
                    Ok(Wallet::Alipay) => ui.label(tr(lang, "支付宝付款码", "Alipay pay code")),
                    Err(_) => ui.label(
                        RichText::new(tr(
                            lang,
                            "无法识别的付款码（微信 10–15 开头 18 位，支付宝 25–30 开头）",
                            "Unknown code (WeChat: 18 digits from 10–15; Alipay: from 25–30)",
                        ))
                        .color(theme::UNKNOWN),
                    ),
                };
            }
            if let Some(error) = &state.scan.error {
                ui.label(RichText::new(error.message(lang)).color(theme::FAILED));
            }
            ui.horizontal(|ui| {
                submit |= ui
                    .add(theme::touch_button(tr(
                        lang,
                        "确认 (Enter)",
                        "Confirm (Enter)",
                    )))
                    .clicked();
                if ui
                    .add(theme::touch_button(tr(lang, "返回 (Esc)", "Back (Esc)")))
                    .clicked()
                {
                    state.phase = Phase::Entering;
                }
            });
        });
    });
    if !submit || !matches!(state.phase, Phase::AwaitingCode { .. }) {
        return None;
    }
    if code.is_empty() {
        state.scan = ScanBuffer::refused(ScanError::Empty);
        return None;
    }
    match detect_wallet(&code) {
        Ok(_) => {
            state.last_scan_by_scanner = Some(state.scan.is_scanner_burst());
            Some(state.pay(amount, Choice::Barcode, Some(code)))
        }
        Err(error) => {
            state.scan = ScanBuffer::refused(ScanError::Invalid(error));
            None
        }
    }
}
