//! Settings: the sandbox or a real merchant (provider, base URL, merchant id, key), till id; a
//! connection test that tells a wrong key from an unreachable gateway; saved to the config file,
//! readable by its owner only, and in force from the next sale without a restart.

use egui::{RichText, Ui};

mod forms;
mod owner;
mod printer;

pub use owner::OwnerForms;
pub use printer::PrinterForm;

use super::backend::{ConnectionVerdict, Problem};
use super::theme;
use crate::config::GatewayConfig;
use crate::gateway::Provider;
use crate::i18n::Lang;
use crate::i18n::tr;
use crate::secret::Secret;
use forms::{
    merchant_form_ui, methods_form_ui, note_ui, owner_pin_form_ui, store_form_ui, till_form_ui,
    verdict_ui,
};

/// The settings form.
#[derive(Debug, Clone)]
#[allow(clippy::struct_excessive_bools)] // A form's state: each is a choice on screen.
pub struct SettingsState {
    /// Use the built-in sandbox gateway (no real money) instead of a merchant.
    pub sandbox: bool,
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
    /// Where the saved key is kept (the keyring or the config file).
    pub key_place: crate::key_store::KeyPlace,
    /// The till id.
    pub till_id: String,
    /// The last connection test.
    pub verdict: Option<ConnectionVerdict>,
    /// What saving said.
    pub note: Option<SettingsNote>,
    /// Where the config is saved.
    pub path: Option<std::path::PathBuf>,
    /// A new store URL typed in; empty keeps the saved one (it may hold a password: never shown).
    pub new_store_url: String,
    saved_store: Option<crate::store::StoreConfig>,
    /// The last store connection test.
    pub store_verdict: Option<Result<(), crate::store::StoreError>>,
    /// 保存 was pressed after a failed 测试连接: the screen asks, and a second 保存 saves.
    pub save_despite_failed_test: bool,
    /// The methods the checkout offers (`[till] methods`); `None`: all the gateway's.
    pub offered: Option<Vec<String>>,
    /// 盲交班 (`[till] blind_close`).
    pub blind_close: bool,
    /// 店主密码.
    pub pin: PinForm,
    /// The cashiers and the audit trail.
    pub owner: OwnerForms,
    /// The receipt printer and the shop's name.
    pub printer: PrinterForm,
    /// What the last save changed, field by field (`till.id: T01 → K8`), never a key's value.
    pub changed: Vec<String>,
}

/// The owner PIN's part of the settings.
#[derive(Debug, Clone, Default)]
pub struct PinForm {
    /// Whether an owner PIN guards this screen.
    pub set: bool,
    /// A new owner PIN typed, and again.
    pub new: (String, String),
    /// Why the new PIN cannot be set.
    pub problem: Option<crate::owner_pin::PinError>,
}

impl SettingsState {
    /// What an earlier visit left on screen (a save's note, the tests' verdicts) goes: the
    /// screen opens on the settings as they are, not on 已保存并生效 from the first run.
    pub fn opened(&mut self) {
        self.note = None;
        self.verdict = None;
        self.store_verdict = None;
        self.save_despite_failed_test = false;
    }
}

/// What became of the last save, put in words when drawn.
#[derive(Debug, Clone)]
pub enum SettingsNote {
    /// Being saved.
    Saving,
    /// Saved; being put in force.
    Saved,
    /// Saved and in force for the next sale.
    Applied,
    /// Not saved, or saved but not put in force.
    Failed(Problem),
    /// The diagnostics zip was written here.
    Diagnostics(std::path::PathBuf),
}

/// What the settings screen asks for.
#[derive(Debug, Clone)]
#[must_use]
pub enum SettingsAction {
    /// Test this configuration.
    Test(Box<GatewayConfig>),
    /// Connect to this store ledger, and see whether this till id is free in it.
    TestStore(crate::store::StoreConfig, String),
    /// Write the diagnostics zip (导出诊断信息).
    Diagnostics,
    /// Open qht's merchant onboarding (新商户进件).
    Onboard,
    /// Save the configuration in force with this owner PIN (`None`: without one).
    SetPin(Option<String>),
    /// Add a cashier: name, PIN, PIN again.
    AddCashier(String, String, String),
    /// Remove a cashier.
    RemoveCashier(String),
    /// Read a day of the audit trail.
    LoadAudit(chrono::NaiveDate),
    /// Print a test page on this printer, headed with this shop name.
    TestPrint(crate::receipt::PrinterConfig, String),
    /// Say a sample sale with this voice setting (试听).
    TryVoice(crate::config::VoiceConfig),
    /// Save it (`None`: the sandbox) with this till id and store (`None`: a lone till), and put
    /// it in force.
    Save(
        Option<Box<GatewayConfig>>,
        String,
        Option<crate::store::StoreConfig>,
    ),
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
            sandbox: gateway.is_none(),
            provider: gateway.map_or(Provider::Qht, |g| g.provider),
            base_url: gateway.map(|g| g.base_url.clone()).unwrap_or_default(),
            merchant_id: gateway.map(|g| g.merchant_id.clone()).unwrap_or_default(),
            new_key: String::new(),
            key_saved: gateway.is_some_and(|g| !g.key.is_empty()),
            saved_key: gateway.map(|g| g.key.clone()).unwrap_or_default(),
            key_place: gateway.map(|g| g.key_in).unwrap_or_default(),
            till_id: till_id.to_owned(),
            verdict: None,
            note: None,
            path,
            new_store_url: String::new(),
            saved_store: None,
            store_verdict: None,
            save_despite_failed_test: false,
            offered: None,
            blind_close: false,
            pin: PinForm::default(),
            owner: OwnerForms::default(),
            printer: PrinterForm::default(),
            changed: Vec::new(),
        }
    }

    /// On the sandbox, the form filled with the merchant parked there (`[parked_gateway]`), so
    /// choosing 真实商户 brings it back as it was.
    #[must_use]
    pub fn with_parked(mut self, parked: Option<&GatewayConfig>) -> SettingsState {
        if let Some(parked) = parked.filter(|_| self.sandbox) {
            self.provider = parked.provider;
            self.base_url.clone_from(&parked.base_url);
            self.merchant_id.clone_from(&parked.merchant_id);
            self.key_saved = !parked.key.is_empty();
            self.saved_key = parked.key.clone();
            self.key_place = parked.key_in;
        }
        self
    }

    /// The form knowing whether an owner PIN is set.
    #[must_use]
    pub fn with_pin(mut self, pin_set: bool) -> SettingsState {
        self.pin.set = pin_set;
        self
    }

    /// The form with the methods the checkout offers (`None`: all the gateway's).
    #[must_use]
    pub fn with_methods(mut self, offered: Option<&[String]>) -> SettingsState {
        self.offered = offered.map(<[String]>::to_vec);
        self
    }

    /// Takes the worker's answer to what 设置 asked (a store test, the cashiers, a test page,
    /// the serial ports, the audit trail).
    pub fn on_event(&mut self, event: crate::ui::backend::UiEvent) {
        use crate::ui::backend::UiEvent;
        match event {
            UiEvent::StoreTested(result) => self.store_verdict = Some(result),
            UiEvent::Cashiers(cashiers) => self.owner.on_cashiers(cashiers),
            UiEvent::PrinterTested(result) => {
                self.printer.testing = false;
                self.printer.tested = Some(result);
            }
            UiEvent::Ports(ports) => self.printer.ports = ports,
            UiEvent::VoiceTried(result) => self.printer.voice_tried = Some(result),
            UiEvent::Audit(day, entries) => self.owner.audit = Some((day, entries)),
            _ => {}
        }
    }

    /// The form with the printer and shop in force.
    #[must_use]
    pub fn with_printer(mut self, config: &crate::config::Config) -> SettingsState {
        self.printer = PrinterForm::from_config(config);
        self
    }

    /// The form showing the audit trail's times in `offset`.
    #[must_use]
    pub fn with_offset(mut self, offset: chrono::FixedOffset) -> SettingsState {
        self.owner.offset = Some(offset);
        self
    }

    /// The form with 盲交班 on or off.
    #[must_use]
    pub fn with_blind_close(mut self, blind_close: bool) -> SettingsState {
        self.blind_close = blind_close;
        self
    }

    /// The form with the store ledger in force (`None`: a lone till).
    #[must_use]
    pub fn with_store(mut self, store: Option<&crate::store::StoreConfig>) -> SettingsState {
        self.saved_store = store.cloned();
        self
    }

    /// The store as the form has it: a URL typed in, else the saved one.
    pub(super) fn store(&self) -> Option<crate::store::StoreConfig> {
        let typed = self.new_store_url.trim();
        if typed.is_empty() {
            self.saved_store.clone()
        } else {
            Some(crate::store::StoreConfig {
                url: Secret::new(typed),
            })
        }
    }

    pub(super) fn config(&self) -> GatewayConfig {
        let mut config = GatewayConfig::sandbox(self.provider, self.base_url.trim());
        self.merchant_id.trim().clone_into(&mut config.merchant_id);
        config.key = if self.new_key.is_empty() {
            self.saved_key.clone()
        } else {
            Secret::new(self.new_key.trim())
        };
        config
    }

    /// Records the store saved, so its URL is never shown again.
    pub fn store_was_saved(&mut self, store: Option<crate::store::StoreConfig>) {
        self.saved_store = store;
        self.new_store_url.clear();
    }

    /// Records that the key was saved, and where, so it is never shown again.
    pub fn key_was_saved(&mut self, place: crate::key_store::KeyPlace) {
        self.key_place = place;
        if !self.new_key.is_empty() {
            self.saved_key = Secret::new(std::mem::take(&mut self.new_key).trim());
        }
        self.key_saved = !self.saved_key.is_empty();
    }
}

/// 测试连接 and 保存. 保存 after a failed test asks first: a second press saves.
fn test_and_save_ui(ui: &mut Ui, state: &mut SettingsState, lang: Lang) -> Option<SettingsAction> {
    let mut action = None;
    ui.horizontal(|ui| {
        if ui
            .add_enabled(
                !state.sandbox,
                egui::Button::new(tr(lang, "测试连接", "Test connection")),
            )
            .clicked()
        {
            state.verdict = None;
            action = Some(SettingsAction::Test(Box::new(state.config())));
        }
        if ui.button(tr(lang, "保存", "Save")).clicked() {
            let test_failed = !state.sandbox
                && state
                    .verdict
                    .as_ref()
                    .is_some_and(|verdict| !matches!(verdict, ConnectionVerdict::Ok));
            if test_failed && !state.save_despite_failed_test {
                state.save_despite_failed_test = true;
            } else {
                state.save_despite_failed_test = false;
                let gateway = (!state.sandbox).then(|| Box::new(state.config()));
                action = Some(SettingsAction::Save(
                    gateway,
                    state.till_id.trim().to_owned(),
                    state.store(),
                ));
            }
        }
    });
    if state.save_despite_failed_test {
        ui.label(
            RichText::new(tr(
                lang,
                "！测试连接没有通过：保存后收款可能失败。确定要保存，请再按一次“保存”",
                "! The connection test failed: sales may fail with these settings. Press Save again to save anyway",
            ))
            .color(theme::FAILED),
        );
    }
    action
}

/// Draws the settings screen.
pub fn settings_ui(ui: &mut Ui, state: &mut SettingsState, lang: Lang) -> Option<SettingsAction> {
    let mut action = None;
    ui.heading(tr(lang, "支付平台设置", "Gateway settings"));
    let was_sandbox = state.sandbox;
    ui.horizontal(|ui| {
        ui.radio_value(
            &mut state.sandbox,
            true,
            tr(
                lang,
                "沙箱（模拟收款，不涉及真钱）",
                "Sandbox (simulated, no real money)",
            ),
        );
        ui.radio_value(
            &mut state.sandbox,
            false,
            tr(lang, "真实商户", "Real merchant"),
        );
    });
    if state.sandbox != was_sandbox {
        // A test of the other choice says nothing of this one.
        state.verdict = None;
        state.save_despite_failed_test = false;
    }
    ui.add_space(theme::GAP);
    ui.add_enabled_ui(!state.sandbox, |ui| merchant_form_ui(ui, state, lang));
    till_form_ui(ui, state, lang);
    ui.add_space(theme::GAP);
    methods_form_ui(ui, state, lang);
    ui.add_space(theme::GAP);
    if let Some(pressed) = test_and_save_ui(ui, state, lang) {
        action = Some(pressed);
    }
    if !state.sandbox
        && state.provider == Provider::Qht
        && ui
            .button(tr(
                lang,
                "还没有商户号？新商户进件…",
                "No merchant yet? Onboard…",
            ))
            .clicked()
    {
        action = Some(SettingsAction::Onboard);
    }
    verdict_ui(ui, state.verdict.as_ref(), lang);
    ui.add_space(theme::GAP);
    if let Some(store_action) = store_form_ui(ui, state, lang) {
        action = Some(store_action);
    }
    ui.add_space(theme::GAP);
    if let Some(printer_action) = printer::printer_form_ui(ui, &mut state.printer, lang) {
        action = Some(printer_action);
    }
    printer::display_form_ui(ui, &mut state.printer, lang);
    printer::customer_screen_form_ui(ui, &mut state.printer, lang);
    if let Some(voice_action) = printer::voice_form_ui(ui, &mut state.printer, lang) {
        action = Some(voice_action);
    }
    ui.add_space(theme::GAP);
    if let Some(pin_action) = owner_pin_form_ui(ui, state, lang) {
        action = Some(pin_action);
    }
    if let Some(owner_action) = owner::owner_forms_ui(ui, &mut state.owner, lang) {
        action = Some(owner_action);
    }
    if let Some(note) = &state.note {
        note_ui(ui, note, lang);
        if matches!(note, SettingsNote::Saved | SettingsNote::Applied) {
            for change in &state.changed {
                ui.label(RichText::new(format!("· {change}")).color(theme::MUTED));
            }
        }
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
    ui.add_space(theme::GAP);
    if ui
        .button(tr(lang, "导出诊断信息", "Export diagnostics"))
        .on_hover_text(tr(
            lang,
            "日志、去掉密钥的配置、版本和账本统计，打包成一个 zip 交给技术支持",
            "Logs, the config without its key, the version and ledger counts, in one zip for support",
        ))
        .clicked()
    {
        action = Some(SettingsAction::Diagnostics);
    }
    action
}
