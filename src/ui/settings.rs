//! Settings: provider, base URL, merchant id, key, till id; a connection test that tells a wrong
//! key from an unreachable gateway; saved to the config file, readable by its owner only.

use egui::{RichText, Ui};

use super::backend::ConnectionVerdict;
use super::text::tr;
use super::theme;
use crate::config::GatewayConfig;
use crate::gateway::Provider;
use crate::i18n::Lang;
use crate::secret::Secret;

/// The settings form.
#[derive(Debug, Clone)]
pub struct SettingsState {
    /// The provider.
    pub provider: Provider,
    /// Scheme, host and port.
    pub base_url: String,
    /// The merchant id.
    pub merchant_id: String,
    /// A new key typed in; empty keeps the saved one.
    pub new_key: String,
    /// Whether a key is saved (it is never shown).
    pub key_saved: bool,
    saved_key: Secret,
    /// The till id.
    pub till_id: String,
    /// The last connection test.
    pub verdict: Option<ConnectionVerdict>,
    /// What saving said.
    pub note: Option<String>,
    /// Where the config is saved.
    pub path: Option<std::path::PathBuf>,
}

/// What the settings screen asks for.
#[derive(Debug, Clone)]
#[must_use]
pub enum SettingsAction {
    /// Test this configuration.
    Test(Box<GatewayConfig>),
    /// Save it.
    Save(Box<GatewayConfig>, String),
}

impl SettingsState {
    /// The form filled from the configuration in force (`None`: the sandbox).
    #[must_use]
    pub fn new(
        gateway: Option<&GatewayConfig>,
        till_id: &str,
        path: Option<std::path::PathBuf>,
    ) -> SettingsState {
        SettingsState {
            provider: gateway.map_or(Provider::Qht, |g| g.provider),
            base_url: gateway.map(|g| g.base_url.clone()).unwrap_or_default(),
            merchant_id: gateway.map(|g| g.merchant_id.clone()).unwrap_or_default(),
            new_key: String::new(),
            key_saved: gateway.is_some_and(|g| !g.key.is_empty()),
            saved_key: gateway.map(|g| g.key.clone()).unwrap_or_default(),
            till_id: till_id.to_owned(),
            verdict: None,
            note: None,
            path,
        }
    }

    fn config(&self) -> GatewayConfig {
        let mut config = GatewayConfig::sandbox(self.provider, self.base_url.trim());
        self.merchant_id.trim().clone_into(&mut config.merchant_id);
        config.key = if self.new_key.is_empty() {
            self.saved_key.clone()
        } else {
            Secret::new(self.new_key.trim())
        };
        config
    }

    /// Records that the key was saved, so it is never shown again.
    pub fn key_was_saved(&mut self) {
        if !self.new_key.is_empty() {
            self.saved_key = Secret::new(std::mem::take(&mut self.new_key).trim());
        }
        self.key_saved = !self.saved_key.is_empty();
    }
}

/// Draws the settings screen.
pub fn settings_ui(ui: &mut Ui, state: &mut SettingsState, lang: Lang) -> Option<SettingsAction> {
    let mut action = None;
    ui.heading(tr(lang, "支付平台设置", "Gateway settings"));
    egui::Grid::new("settings")
        .num_columns(2)
        .spacing([16.0, 10.0])
        .show(ui, |ui| {
            ui.label(tr(lang, "支付平台", "Provider"));
            ui.horizontal(|ui| {
                ui.radio_value(&mut state.provider, Provider::Qht, "钱汇通 (qht)");
                ui.radio_value(&mut state.provider, Provider::Changpay, "畅支付 (changpay)");
            });
            ui.end_row();
            ui.label(tr(lang, "接口地址", "Base URL"));
            ui.add(
                egui::TextEdit::singleline(&mut state.base_url)
                    .hint_text("https://n-sdk.retenai.com")
                    .desired_width(360.0),
            );
            ui.end_row();
            ui.label(tr(lang, "商户号", "Merchant id"));
            ui.add(egui::TextEdit::singleline(&mut state.merchant_id).desired_width(360.0));
            ui.end_row();
            ui.label(tr(lang, "商户密钥", "Merchant key"));
            ui.vertical(|ui| {
                let hint = if state.key_saved {
                    tr(
                        lang,
                        "已保存（不显示）；输入新密钥以更换",
                        "Saved (never shown); type a new one to replace it",
                    )
                } else {
                    ""
                };
                ui.add(
                    egui::TextEdit::singleline(&mut state.new_key)
                        .password(true)
                        .hint_text(hint)
                        .desired_width(360.0),
                );
            });
            ui.end_row();
            ui.label(tr(lang, "收银台编号", "Till id"));
            ui.add(
                egui::TextEdit::singleline(&mut state.till_id)
                    .char_limit(8)
                    .desired_width(120.0),
            );
            ui.end_row();
        });
    ui.add_space(theme::GAP);
    ui.horizontal(|ui| {
        if ui.button(tr(lang, "测试连接", "Test connection")).clicked() {
            state.verdict = None;
            action = Some(SettingsAction::Test(Box::new(state.config())));
        }
        if ui.button(tr(lang, "保存", "Save")).clicked() {
            action = Some(SettingsAction::Save(
                Box::new(state.config()),
                state.till_id.trim().to_owned(),
            ));
        }
    });
    verdict_ui(ui, state.verdict.as_ref(), lang);
    if let Some(note) = &state.note {
        ui.label(note);
    }
    if let Some(path) = &state.path {
        ui.label(
            RichText::new(format!(
                "{} {}",
                tr(lang, "配置文件", "Config file"),
                path.display()
            ))
            .color(theme::MUTED),
        );
    }
    action
}

fn verdict_ui(ui: &mut Ui, verdict: Option<&ConnectionVerdict>, lang: Lang) {
    match verdict {
        Some(ConnectionVerdict::Ok) => {
            ui.label(
                RichText::new(tr(
                    lang,
                    "连接成功，商户号和密钥正确",
                    "Connected: merchant id and key are right",
                ))
                .color(theme::PAID),
            );
        }
        Some(ConnectionVerdict::WrongCredentials(why)) => {
            ui.label(
                RichText::new(format!(
                    "{}：{why}",
                    tr(
                        lang,
                        "能连上支付平台，但商户号或密钥错误",
                        "The gateway answered, but the merchant id or key is wrong"
                    )
                ))
                .color(theme::FAILED),
            );
        }
        Some(ConnectionVerdict::Unreachable(why)) => {
            ui.label(
                RichText::new(format!(
                    "{}：{why}",
                    tr(lang, "无法连接支付平台", "Cannot reach the gateway")
                ))
                .color(theme::UNKNOWN),
            );
        }
        None => {}
    }
}
