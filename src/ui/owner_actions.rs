//! What the window does with the owner's side of the screens: the PIN gate in front of settings,
//! exports and reprints, the first run and qht onboarding, the owner's forms, and the settings
//! save handed to the worker (`handlers.rs` has the events and the cashier's actions).

use super::{
    AfterSave, CashierApp, Command, PrintJob, Problem, Screen, SettingsAction, SettingsNote,
    WelcomeAction, backend, default_config_path, onboarding, owner_gate,
};
use crate::config::GatewayConfig;

impl CashierApp {
    /// `guarded` at once when the owner's PIN lets it through, else once the PIN is typed.
    pub(super) fn guarded(&mut self, guarded: owner_gate::Guarded) {
        if self.gate.is_open(self.pin_set(), self.now) {
            self.go_ahead(guarded);
        } else {
            self.gate.ask(guarded);
        }
    }

    pub(super) fn on_pin_verdict(
        &mut self,
        verdict: Result<crate::owner_pin::Verdict, crate::owner_pin::PinError>,
    ) {
        if let Some(guarded) = self.gate.on_verdict(verdict, self.now) {
            self.go_ahead(guarded);
        }
    }

    /// Does what the owner's PIN let through.
    fn go_ahead(&mut self, guarded: owner_gate::Guarded) {
        match guarded {
            owner_gate::Guarded::Settings => self.load_owner_forms(),
            owner_gate::Guarded::Export(from, to, format) => {
                let scope = self.history.scope.clone();
                self.send(Command::Export(from, to, scope, format));
            }
            owner_gate::Guarded::Reprint(order_no) => {
                self.send(Command::Print(PrintJob::Reprint(order_no)));
            }
            owner_gate::Guarded::Drawer => self.send(Command::OpenDrawer),
            owner_gate::Guarded::Refund(request) => self.send(Command::Refund(request)),
            owner_gate::Guarded::Void(order_no, reason) => {
                self.send(Command::Void(order_no, reason));
            }
        }
    }

    /// The owner PIN form's answer.
    pub(super) fn on_gate(&mut self, action: owner_gate::GateAction) {
        match action {
            owner_gate::GateAction::Check(pin) => self.send(Command::CheckOwnerPin(pin)),
            owner_gate::GateAction::Cancel => {
                let was_settings = self.gate.asked() == Some(&owner_gate::Guarded::Settings);
                self.gate.cancel();
                if was_settings {
                    self.open(Screen::Checkout);
                }
            }
        }
    }

    /// A merchant was registered: shown to the owner, who confirms it before it goes into the
    /// settings ([`Self::use_onboarded`]).
    pub(super) fn on_onboarded(
        &mut self,
        onboarded: Result<crate::gateway::qht::MerchantCredentials, Problem>,
    ) {
        self.onboarding.busy = false;
        match onboarded {
            Ok(credentials) => {
                tracing::info!(merchant = %credentials.merchant_no, "onboarded: waiting for the owner's confirmation");
                self.onboarding.outcome = None;
                self.onboarding.pending = Some(credentials);
            }
            Err(problem) => self.onboarding.outcome = Some(Err(problem)),
        }
    }

    /// The owner confirmed the onboarded merchant: its number and key go into the settings,
    /// which are saved (the old config kept as a backup) and put in force (the key never shown).
    pub(super) fn use_onboarded(&mut self, credentials: crate::gateway::qht::MerchantCredentials) {
        self.settings
            .merchant_id
            .clone_from(&credentials.merchant_no);
        credentials
            .md5_key
            .expose()
            .clone_into(&mut self.settings.new_key);
        let gateway = self.settings.config();
        let till_id = self.settings.till_id.trim().to_owned();
        let store = self.settings.store();
        let registered = onboarding::Registered {
            merchant_no: credentials.merchant_no,
            gateway_says: credentials.msg,
        };
        self.save_settings(
            Some(gateway),
            till_id,
            store,
            AfterSave::Onboarded(registered),
        );
    }

    pub(super) fn on_welcome(&mut self, action: WelcomeAction) {
        match action {
            WelcomeAction::Sandbox(till_id) => {
                // A bad till id is said on the setup at once (a check of the typed text, no IO).
                let mut checked = crate::config::Config::default();
                checked.till.id.clone_from(&till_id);
                if let Err(error) = checked.validate() {
                    self.welcome.problem = Some(Problem::Config(std::sync::Arc::new(error)));
                    return;
                }
                if !self.take_first_run_pin() {
                    return;
                }
                // The sandbox is in force already: the first sale can start now, while the
                // worker saves (a failure brings the setup back, saying why).
                self.welcome.problem = None;
                self.save_settings(None, till_id, None, AfterSave::Welcome);
                self.first_run = false;
                self.screen = Screen::Checkout;
            }
            WelcomeAction::RealMerchant(till_id) => {
                if !self.take_first_run_pin() {
                    return;
                }
                self.settings.sandbox = false;
                self.load_owner_forms();
                self.settings.till_id = till_id;
                self.screen = Screen::Settings;
            }
        }
    }

    /// Reads what 设置's owner forms show: the cashiers and today's audit trail.
    pub(super) fn load_owner_forms(&mut self) {
        self.send(Command::LoadCashiers);
        self.send(Command::LoadPorts);
        let today = crate::ledger::day_of(chrono::Utc::now(), self.offset);
        self.send(Command::LoadAudit(today));
    }

    /// The owner PIN typed at the first run, kept for the first save of the config (hashed by
    /// the worker); false, with the reason on screen, when it cannot be set.
    fn take_first_run_pin(&mut self) -> bool {
        match self.welcome.owner_pin() {
            Ok(pin) => {
                self.welcome.pin = (String::new(), String::new());
                self.first_run_pin = pin;
                true
            }
            Err(error) => {
                self.welcome.problem = Some(Problem::OwnerPin(std::sync::Arc::new(error)));
                false
            }
        }
    }

    pub(super) fn on_settings(&mut self, action: SettingsAction) {
        match action {
            SettingsAction::Test(config) => self.send(Command::TestConnection(config)),
            SettingsAction::TestStore(config, till_id) => {
                self.send(Command::TestStore(config, till_id));
            }
            SettingsAction::Diagnostics => self.send(Command::Diagnostics),
            SettingsAction::Onboard => {
                self.onboarding.opened();
                self.screen = Screen::Onboarding;
            }
            SettingsAction::SetPin(pin) => {
                let path = self.settings.path.clone().or_else(default_config_path);
                self.settings.note = Some(SettingsNote::Saving);
                self.after_save = Some(AfterSave::Settings);
                let config = Box::new(self.config.clone());
                self.send(Command::SaveOwnerPin(config, path, self.keys_to, pin));
            }
            SettingsAction::AddCashier(name, pin, again) => {
                self.send(Command::AddCashier(name, pin, again));
            }
            SettingsAction::RemoveCashier(name) => self.send(Command::RemoveCashier(name)),
            SettingsAction::LoadAudit(day) => self.send(Command::LoadAudit(day)),
            SettingsAction::TestPrint(printer, shop) => {
                self.send(Command::TestPrint(printer, shop));
            }
            SettingsAction::TryVoice(voice) => {
                let lang = self.lang;
                self.send(Command::TryVoice(voice, lang));
            }
            SettingsAction::Save(gateway, till_id, store) => {
                let gateway = gateway.map(|gateway| *gateway);
                self.save_settings(gateway, till_id, store, AfterSave::Settings);
            }
        }
    }

    /// Asks the worker to save the settings (file and keyring work never runs on the window's
    /// thread); [`Self::on_saved`] puts them in force for the next sale. `then` says which
    /// screen waits on the answer.
    pub(super) fn save_settings(
        &mut self,
        gateway: Option<GatewayConfig>,
        till_id: String,
        store: Option<crate::store::StoreConfig>,
        then: AfterSave,
    ) {
        let mut config = self.config.clone();
        // To the sandbox: the merchant is parked, not deleted (one choice brings it back);
        // to a merchant: nothing stays parked.
        config.parked_gateway = match (&gateway, config.gateway.take()) {
            (Some(_), _) => None,
            (None, Some(merchant)) => Some(merchant),
            (None, None) => config.parked_gateway.take(),
        };
        config.gateway = gateway;
        config.till.id = till_id;
        config.till.methods.clone_from(&self.settings.offered);
        config.till.blind_close = self.settings.blind_close;
        match self.settings.printer.config() {
            Ok(printer) => config.printer = printer,
            Err(bad) => {
                // Said under the printer's address; nothing is saved.
                self.settings.note = Some(SettingsNote::Failed(Problem::Print(bad.into())));
                return;
            }
        }
        match self.settings.printer.display() {
            Ok(display) => config.display = display,
            Err(bad) => {
                // Said under the display's address; nothing is saved.
                self.settings.note = Some(SettingsNote::Failed(Problem::Print(bad.into())));
                return;
            }
        }
        config
            .customer_screen
            .clone_from(&self.settings.printer.customer_screen);
        config.voice.clone_from(&self.settings.printer.voice);
        let shop = self.settings.printer.shop_name.trim();
        if !shop.is_empty() {
            shop.clone_into(&mut config.shop.name);
        }
        config.store = store;
        let path = self.settings.path.clone().or_else(default_config_path);
        self.settings.note = Some(SettingsNote::Saving);
        self.after_save = Some(then);
        let config = Box::new(config);
        // The PIN typed at the first run goes with the first save, as 设置 → 店主密码 would.
        match self.first_run_pin.take() {
            Some(pin) => self.send(Command::SaveOwnerPin(config, path, self.keys_to, Some(pin))),
            None => self.send(Command::SaveSettings(config, path, self.keys_to)),
        }
    }

    /// The worker saved the settings (or could not): in force for the next sale, and the screen
    /// that waited is told.
    pub(super) fn on_saved(&mut self, saved: Result<Box<backend::SavedSettings>, Problem>) {
        let then = self.after_save.take();
        match saved {
            Ok(saved) => {
                let backend::SavedSettings {
                    config,
                    key_place,
                    path,
                } = *saved;
                // The window says what the save changed (never a key or a password).
                self.settings.changed = crate::config::changes::changes(&self.config, &config);
                self.settings.key_was_saved(key_place);
                self.settings.store_was_saved(config.store.clone());
                self.settings.path = Some(path);
                self.settings.note = Some(SettingsNote::Saved);
                self.send(Command::Apply(Box::new(config)));
                if let Some(AfterSave::Onboarded(registered)) = then {
                    self.onboarding.outcome = Some(Ok(registered));
                }
            }
            Err(problem) => {
                self.settings.note = Some(SettingsNote::Failed(problem.clone()));
                match then {
                    Some(AfterSave::Welcome) => {
                        // The checkout was opened on the sandbox already: back to the setup.
                        self.first_run = true;
                        self.screen = Screen::Welcome;
                        self.welcome.problem = Some(problem);
                    }
                    Some(AfterSave::Onboarded(_)) => self.onboarding.outcome = Some(Err(problem)),
                    Some(AfterSave::Settings) | None => {}
                }
            }
        }
    }
}
