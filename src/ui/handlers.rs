//! What the window does with what happens: the worker's events, and the actions each screen
//! returns (a sale, a history row, a shift, a save of the settings).

use super::{
    Action, AfterSave, CashierApp, CheckoutState, Command, GatewayView, HistoryAction, Notice,
    PrintJob, Problem, Screen, SettingsAction, SettingsNote, ShiftAction, UiEvent, WelcomeAction,
    backend, checkout, checkout_info, default_config_path, onboarding, order_detail, owner_gate,
};
use crate::config::GatewayConfig;
use crate::ledger::OrderRecord;

impl CashierApp {
    pub(super) fn apply(&mut self, event: UiEvent) {
        match event {
            UiEvent::Progress(progress) => self.checkout.on_progress(progress, &self.info),
            UiEvent::PaymentDone(result) => {
                // A sale that ends while history is open shows there at once.
                self.reload_history();
                if let Ok(order) = &result
                    && let Some((pay, replaced)) = self.checkout.replacement(order)
                {
                    // The QR order stopped: marked as replaced (still queried; a payment on it
                    // later is announced as a double payment), and the code charged.
                    self.send(Command::MarkReplaced(replaced));
                    return self.on_checkout(pay);
                }
                if let Ok(order) = &result {
                    self.after_sale(order);
                }
                self.checkout.on_done(result.map(|order| *order));
            }
            UiEvent::Shifts(view) => {
                let view = view.map(|view| *view);
                if let Ok(view) = &view {
                    self.info.shift = view.open.as_ref().map(|report| report.cashier.clone());
                }
                self.shift.on_view(view);
            }
            UiEvent::Onboarded(onboarded) => self.on_onboarded(onboarded),
            UiEvent::Diagnostics(written) => {
                self.settings.note = Some(match written {
                    Ok(path) => SettingsNote::Diagnostics(path),
                    Err(problem) => SettingsNote::Failed(problem),
                });
            }
            UiEvent::Printed(note) => {
                if let (PrintJob::Sale(order_no), Ok(_)) = (&note.job, &note.result) {
                    self.info.printed = Some(order_no.clone());
                }
                self.printer.on_note(note);
            }
            UiEvent::History(data) => {
                if data.scope == backend::HistoryScope::AllTills {
                    // The tills a store knows, to choose one.
                    for total in &data.by_till {
                        if !self.history.tills.contains(&total.till_id) {
                            self.history.tills.push(total.till_id.clone());
                        }
                    }
                    self.history.tills.sort();
                }
                self.history.data = Some(*data);
            }
            UiEvent::Detail(order, events) => self.history.detail = Some((*order, events)),
            UiEvent::Requeried(results) => self.on_requeried(results),
            UiEvent::Unresolved(orders) => self.unresolved.orders = orders,
            UiEvent::LatePayment(order) => {
                self.checkout.on_order_update(&order);
                self.reload_history();
                self.unresolved.late.push((*order).clone());
                self.notices.push(Notice::Late(order));
            }
            UiEvent::Recovered(orders) => self.notices.push(Notice::Recovered(orders)),
            UiEvent::FoundInBackground(orders) => {
                for order in &orders {
                    self.checkout.on_order_update(order);
                }
                self.reload_history();
                self.notices.push(Notice::FoundInBackground(orders));
            }
            UiEvent::Exported(result) => self.history.export_note = Some(result),
            UiEvent::ConnectionTested(verdict) => self.settings.verdict = Some(verdict),
            event @ (UiEvent::StoreTested(_)
            | UiEvent::Cashiers(_)
            | UiEvent::PrinterTested(_)
            | UiEvent::Ports(_)
            | UiEvent::Audit(..)) => self.settings.on_event(event),
            UiEvent::Applied(Ok(gateway)) => self.use_gateway(*gateway),
            UiEvent::Saved(saved) => self.on_saved(saved),
            UiEvent::OwnerPin(verdict) => self.on_pin_verdict(verdict),
            UiEvent::Applied(Err(problem)) => {
                self.settings.note = Some(SettingsNote::Failed(problem));
            }
            UiEvent::GatewayHealth(health) => self.info.health = health,
            UiEvent::Store(status) => self.info.store = status,
            UiEvent::Error(error) => self.error = Some(error),
        }
    }

    /// Re-queries came back: the detail and the unresolved list show their results.
    fn on_requeried(&mut self, results: Vec<crate::payment::requery::RequeryResult>) {
        self.unresolved.in_flight = self.unresolved.in_flight.saturating_sub(1);
        if let Some(order_detail::RequeryNote::Querying(asked)) = &self.history.requery {
            let answer = results.iter().find(|r| &r.order.order_no == asked);
            self.history.requery = Some(match answer {
                Some(result) => order_detail::RequeryNote::Done(Box::new(result.clone())),
                None => order_detail::RequeryNote::NotQueried(asked.clone()),
            });
        }
        for result in results {
            let order_no = result.order.order_no.clone();
            if self
                .history
                .detail
                .as_ref()
                .is_some_and(|(o, _)| o.order_no == order_no)
            {
                self.send(Command::LoadDetail(order_no.clone()));
            }
            self.unresolved.results.insert(order_no, result);
        }
        self.reload_history();
    }

    /// After a sale: the shift may have been opened by it (默认), and a paid one prints its slip
    /// when the printer is set to print every sale.
    pub(super) fn after_sale(&mut self, order: &OrderRecord) {
        self.send(Command::LoadShifts(None));
        if self.config.prints_by_itself(order) {
            self.send(Command::Print(PrintJob::Sale(order.order_no.clone())));
        }
    }

    /// Loads the day shown again when history is on screen, so its rows and totals never show a
    /// status the ledger has moved past.
    pub(super) fn reload_history(&mut self) {
        if self.screen == Screen::History {
            self.send(Command::LoadHistory(
                self.history.day,
                self.history.scope.clone(),
            ));
        }
    }

    /// Shows what a newly applied configuration offers; a sale under way keeps its screen.
    pub(super) fn use_gateway(&mut self, gateway: GatewayView) {
        self.settings.note = Some(SettingsNote::Applied);
        if std::mem::take(&mut self.first_run) {
            // The first configuration is saved and in force: on to the first sale.
            self.screen = Screen::Checkout;
        }
        let shift = self.info.shift.take();
        self.info = checkout_info(&gateway);
        self.info.shift = shift;
        // Another ledger may be in force now (sandbox ↔ real merchant): its shifts.
        self.send(Command::LoadShifts(None));
        self.is_sandbox = gateway.is_sandbox;
        self.offset = gateway.config.history.offset();
        self.history.offset = self.offset;
        self.history.data = None;
        self.history.detail = None;
        self.history.has_store = gateway.config.store.is_some();
        if !self.history.has_store {
            self.history.scope = backend::HistoryScope::ThisTill;
        }
        self.reload_history();
        self.unresolved.results.clear();
        self.unresolved.late.clear();
        self.settings.pin.set = gateway.config.owner.is_some();
        self.config = gateway.config;
        if !self.checkout.is_paying() {
            // A fresh checkout for the new methods; an amount being typed is kept.
            let typing = matches!(self.checkout.phase, checkout::Phase::Entering);
            let entry = std::mem::take(&mut self.checkout.entry);
            self.checkout = CheckoutState::new(&self.info);
            if typing {
                self.checkout.entry = entry;
            }
        }
    }

    pub(super) fn on_checkout(&mut self, action: Action) {
        self.send(match action {
            Action::Pay(request) => Command::Pay(request),
            Action::Cancel | Action::Replace(_) => Command::Cancel,
            Action::SimulatePay(url) => Command::SimulatePay(url),
            Action::Cash(amount, tendered) => Command::Cash(amount, tendered),
            Action::Print(order_no) => Command::Print(PrintJob::Sale(order_no)),
            Action::Shifts => return self.open(Screen::Shift),
            Action::OpenDrawer => {
                if self.gate.is_open(self.pin_set(), self.now) {
                    self.send(Command::OpenDrawer);
                } else {
                    self.gate.ask(owner_gate::Guarded::Drawer);
                }
                return;
            }
        });
    }

    pub(super) fn on_history(&mut self, action: HistoryAction) {
        let command = match action {
            HistoryAction::Load(day) => Command::LoadHistory(day, self.history.scope.clone()),
            HistoryAction::Detail(order_no) => Command::LoadDetail(order_no),
            HistoryAction::Requery(order_no) => {
                self.history.requery = Some(order_detail::RequeryNote::Querying(order_no.clone()));
                Command::Requery(order_no)
            }
            HistoryAction::Export(from, to, format) => {
                return self.guarded(owner_gate::Guarded::Export(from, to, format));
            }
            HistoryAction::OpenExportFolder => Command::OpenExportFolder,
            HistoryAction::Print(order_no) => {
                return self.guarded(owner_gate::Guarded::Reprint(order_no));
            }
        };
        self.send(command);
    }

    /// `guarded` at once when the owner's PIN lets it through, else once the PIN is typed.
    pub(super) fn guarded(&mut self, guarded: owner_gate::Guarded) {
        if self.gate.is_open(self.pin_set(), self.now) {
            self.go_ahead(guarded);
        } else {
            self.gate.ask(guarded);
        }
    }

    fn on_pin_verdict(
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

    pub(super) fn on_shift(&mut self, action: ShiftAction) {
        self.send(match action {
            ShiftAction::Open(cashier, float, pin) => Command::OpenShift(cashier, float, pin),
            ShiftAction::Close(counted, pin) => Command::CloseShift(counted, pin),
            ShiftAction::Read(id) => Command::LoadShifts(Some(id)),
            ShiftAction::Print(id) => Command::Print(PrintJob::Shift(id)),
        });
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
