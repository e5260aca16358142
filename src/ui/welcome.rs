//! The first run: with no config file yet, the window opens here instead of the checkout. Try the
//! sandbox (Enter: fake money, the default) or connect a real merchant (the settings form, with
//! 测试连接); either way the till gets its id and the result is the config file (0600), after which
//! the next start opens straight on the checkout.

use egui::{Key, RichText, Ui};

use super::backend::Problem;
use super::theme;
use crate::i18n::{Lang, Localized, tr};

/// The welcome screen's state.
#[derive(Debug, Clone)]
pub struct WelcomeState {
    /// 收银台编号, typed.
    pub till_id: String,
    /// 店主密码 (optional), typed and again.
    pub pin: (String, String),
    /// Why the last choice could not be saved.
    pub problem: Option<Problem>,
    /// Why the till is set up again (an old config file kept aside, and where).
    pub note: Option<String>,
}

impl Default for WelcomeState {
    fn default() -> Self {
        WelcomeState {
            till_id: "T01".to_owned(),
            pin: (String::new(), String::new()),
            problem: None,
            note: None,
        }
    }
}

/// What the cashier chose.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub enum WelcomeAction {
    /// Sell on the sandbox as this till.
    Sandbox(String),
    /// Set up a real merchant as this till.
    RealMerchant(String),
}

impl WelcomeState {
    /// The owner PIN typed (twice alike, 4–8 digits), `None` when both fields are empty, or why
    /// it cannot be set.
    pub fn owner_pin(&self) -> Result<Option<String>, crate::owner_pin::PinError> {
        let (pin, again) = (self.pin.0.trim(), self.pin.1.trim());
        if pin.is_empty() && again.is_empty() {
            return Ok(None);
        }
        crate::owner_pin::check_new(pin, again).map(|()| Some(pin.to_owned()))
    }
}

/// 店主密码 (optional) and again: set now, 设置, exports and reprints ask for it from the first
/// sale on.
fn owner_pin_rows(ui: &mut Ui, state: &mut WelcomeState, lang: Lang) {
    for (label, field) in [
        (
            tr(lang, "店主密码（可选）", "Owner PIN (optional)"),
            &mut state.pin.0,
        ),
        (tr(lang, "再输入一次", "Again"), &mut state.pin.1),
    ] {
        let label = ui.label(label);
        ui.add(
            egui::TextEdit::singleline(field)
                .password(true)
                .char_limit(*crate::owner_pin::PIN_DIGITS.end())
                .hint_text(tr(lang, "4 到 8 位数字", "4 to 8 digits"))
                .desired_width(theme::WELCOME_FIELD_WIDTH),
        )
        .labelled_by(label.id);
        ui.end_row();
    }
}

/// Draws the welcome screen.
pub fn welcome_ui(ui: &mut Ui, state: &mut WelcomeState, lang: Lang) -> Option<WelcomeAction> {
    let enter = ui.input(|input| input.key_pressed(Key::Enter));
    let mut action = None;
    ui.add_space(theme::GAP * 3.0);
    ui.vertical_centered(|ui| {
        ui.label(
            RichText::new(tr(lang, "欢迎使用收银台", "Welcome to the cashier"))
                .font(theme::font(theme::HUGE_TEXT))
                .strong(),
        );
        ui.label(
            RichText::new(tr(
                lang,
                "先用沙箱试一笔（模拟收款，不涉及真钱），或连接您的商户。以后可在“设置”中更改。",
                "Try a sale on the sandbox (simulated, no real money) or connect your merchant. Settings can change it later.",
            ))
            .color(theme::MUTED),
        );
        if let Some(note) = &state.note {
            ui.label(RichText::new(note).color(theme::UNKNOWN));
        }
        ui.add_space(theme::GAP * 2.0);
        ui.horizontal(|ui| {
            ui.add_space((ui.available_width() - theme::WELCOME_FIELDS_WIDTH).max(0.0) / 2.0);
            egui::Grid::new("welcome-fields")
                .num_columns(2)
                .spacing([theme::GAP, theme::GAP / 2.0])
                .show(ui, |ui| {
                    let label = ui.label(tr(lang, "收银台编号", "Till id"));
                    ui.add(
                        egui::TextEdit::singleline(&mut state.till_id)
                            .char_limit(8)
                            .desired_width(theme::WELCOME_FIELD_WIDTH),
                    )
                    .labelled_by(label.id);
                    ui.end_row();
                    owner_pin_rows(ui, state, lang);
                });
        });
        ui.label(
            RichText::new(tr(
                lang,
                "店主密码设置后，修改收款账户、导出和重打小票需要输入它；也可以以后在“设置”中设置。",
                "Once an owner PIN is set, changing where the money goes, exports and reprints ask for it; it can also be set later in Settings.",
            ))
            .color(theme::MUTED),
        );
        ui.add_space(theme::GAP * 2.0);
        let size = theme::FIRST_RUN_BUTTON;
        let sandbox = egui::Button::new(
            RichText::new(tr(lang, "试用沙箱 (Enter)", "Try the sandbox (Enter)"))
                .font(theme::font(theme::LARGE_TEXT))
                .color(theme::ON_COLOUR),
        )
        .fill(theme::PAID)
        .min_size(size);
        if ui.add(sandbox).clicked() || enter {
            action = Some(WelcomeAction::Sandbox(state.till_id.trim().to_owned()));
        }
        ui.add_space(theme::GAP);
        let real = egui::Button::new(
            RichText::new(tr(lang, "连接真实商户", "Connect a real merchant"))
                .font(theme::font(theme::LARGE_TEXT)),
        )
        .min_size(size);
        if ui.add(real).clicked() {
            action = Some(WelcomeAction::RealMerchant(state.till_id.trim().to_owned()));
        }
        ui.label(
            RichText::new(tr(
                lang,
                "钱汇通或畅支付：填写商户号和密钥，测试连接后保存",
                "qht or changpay: merchant id and key, test the connection, save",
            ))
            .color(theme::MUTED),
        );
        if let Some(problem) = &state.problem {
            ui.add_space(theme::GAP);
            ui.label(RichText::new(problem.message(lang)).color(theme::FAILED));
        }
    });
    action
}
