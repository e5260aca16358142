//! The cashier window (eframe/egui): checkout, history, unresolved orders and settings.
//!
//! Per frame, [`CashierApp::logic`] applies what the background worker reported and
//! [`CashierApp::ui`] draws and turns clicks into commands; neither waits on IO. The UI repaints
//! only on input and on worker events (plus a 1 s tick while a QR countdown is shown), so an idle
//! till uses almost no CPU.

pub mod amount_entry;
pub mod backend;
pub mod checkout;
pub mod history;
pub mod keypad;
pub mod onboarding;
pub mod order_detail;
pub mod qr;
pub mod settings;
pub mod shift;
pub mod shop_day;
pub mod startup;
pub mod theme;
pub mod unresolved;
pub mod welcome;
pub mod worker;

use std::path::PathBuf;

use chrono::{FixedOffset, Utc};
use egui::{RichText, Ui};

use crate::i18n::tr;
use backend::{Backend, Command, GatewayView, PrintJob, PrintNote, Problem, UiEvent};
use checkout::{Action, CheckoutInfo, CheckoutState, checkout_ui};
use history::{HistoryAction, HistoryState, history_ui};
use onboarding::{OnboardingAction, OnboardingState, onboarding_ui};
use settings::{SettingsAction, SettingsNote, SettingsState, settings_ui};
use shift::{ShiftAction, ShiftState, shift_ui};
use unresolved::{UnresolvedAction, UnresolvedState, unresolved_ui};
use welcome::{WelcomeAction, WelcomeState, welcome_ui};

use crate::config::{Config, GatewayConfig};
use crate::i18n::{Lang, Localized};
use crate::ledger::{OrderRecord, day_of};
use crate::money::Money;

/// The screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// 收银.
    Checkout,
    /// 销售记录.
    History,
    /// 未完成订单.
    Unresolved,
    /// 交班.
    Shift,
    /// 设置.
    Settings,
    /// The first run's setup (no config file yet).
    Welcome,
    /// qht's merchant onboarding (from the settings).
    Onboarding,
}

impl PrinterState {
    fn on_note(&mut self, note: PrintNote) {
        self.waiting = note.waiting;
        match note.result {
            Ok(_) => self.problem = None,
            Err(problem) => self.problem = Some(problem),
        }
    }

    /// Whether the bar shows: slips wait, or the last print failed.
    fn needs_attention(&self) -> bool {
        self.waiting > 0 || self.problem.is_some()
    }

    /// The bar: why slips wait and 重试打印; true when the cashier asks to retry.
    fn bar_ui(&mut self, ui: &mut Ui, lang: Lang) -> bool {
        ui.horizontal(|ui| {
            let mut words = String::new();
            if let Some(problem) = &self.problem {
                words.push_str(&problem.message(lang));
            }
            if self.waiting > 0 {
                let waiting = match lang {
                    Lang::Zh => format!("  {} 张小票等待打印", self.waiting),
                    Lang::En => format!("  {} slip(s) waiting", self.waiting),
                };
                words.push_str(&waiting);
            }
            ui.label(RichText::new(words).color(theme::UNKNOWN));
            let retry =
                self.waiting > 0 && ui.button(tr(lang, "重试打印", "Print again")).clicked();
            if ui.button(tr(lang, "关闭", "Dismiss")).clicked() {
                self.problem = None;
            }
            retry
        })
        .inner
    }
}

/// A notice the cashier must dismiss (Enter, Esc or 知道了).
#[derive(Debug, Clone)]
pub enum Notice {
    /// A payment arrived after the cashier gave up on it.
    Late(Box<OrderRecord>),
    /// The start-up recovery found these orders paid while the cashier was closed.
    Recovered(Vec<OrderRecord>),
    /// The background re-query found these orders paid.
    FoundInBackground(Vec<OrderRecord>),
}

/// Which screen waits on a save of the settings.
#[derive(Debug, Clone)]
enum AfterSave {
    /// 设置 itself.
    Settings,
    /// The first run's setup (试用沙箱).
    Welcome,
    /// 新商户进件: the merchant registered, its settings being saved.
    Onboarded(onboarding::Registered),
}

/// A request to close the window, while a customer pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CloseRequest {
    /// None pending.
    None,
    /// The question is on screen.
    Asking,
    /// The cashier said to close anyway.
    Confirmed,
}

/// The whole window's state.
#[derive(Debug)]
pub struct CashierApp {
    backend: Backend,
    lang: Lang,
    screen: Screen,
    info: CheckoutInfo,
    checkout: CheckoutState,
    /// The amount as typed on another tab, said there until the checkout is shown again.
    typed_elsewhere: Option<String>,
    /// Where a request to close the window stands (it asks while a customer pays).
    close: CloseRequest,
    history: HistoryState,
    unresolved: UnresolvedState,
    settings: SettingsState,
    shift: ShiftState,
    welcome: WelcomeState,
    onboarding: OnboardingState,
    /// Set on a first run until a configuration is saved; then the checkout opens.
    first_run: bool,
    /// A save of the settings under way, and which screen waits on it.
    after_save: Option<AfterSave>,
    printer: PrinterState,
    notices: Vec<Notice>,
    error: Option<Problem>,
    qr: qr::QrCache,
    offset: FixedOffset,
    config: Config,
    is_sandbox: bool,
    started: bool,
    /// Where a saved merchant key goes first: the platform's keyring, unless this run keeps keys
    /// in the file ([`crate::setup::Paths::keyring`]).
    keys_to: crate::key_store::KeyPlace,
}

/// How the printer stands, for the bar that says why slips wait.
#[derive(Debug, Clone, Default)]
pub struct PrinterState {
    /// Slips waiting in the spool.
    pub waiting: usize,
    /// Why the last print did not go out.
    pub problem: Option<Problem>,
}

impl CashierApp {
    /// A window over `backend`, with `gateway` in force; settings are saved to `config_path`, a
    /// merchant key first to `keys_to`.
    #[must_use]
    pub fn new(
        backend: Backend,
        gateway: GatewayView,
        config_path: Option<PathBuf>,
        keys_to: crate::key_store::KeyPlace,
    ) -> CashierApp {
        let offset = gateway.config.history.offset();
        let info = checkout_info(&gateway);
        let today = day_of(Utc::now(), offset);
        CashierApp {
            backend,
            lang: Lang::Zh,
            screen: Screen::Checkout,
            checkout: CheckoutState::new(&info),
            typed_elsewhere: None,
            close: CloseRequest::None,
            info,
            history: HistoryState {
                day: today,
                data: None,
                detail: None,
                export_note: None,
                export_span: history::ExportSpan::Day,
                offset,
                requery: None,
                scope: backend::HistoryScope::ThisTill,
                has_store: gateway.config.store.is_some(),
                tills: Vec::new(),
                today_seen: today,
            },
            unresolved: UnresolvedState::default(),
            settings: SettingsState::new(
                gateway.config.gateway.as_ref(),
                &gateway.config.till.id,
                config_path,
            )
            .with_store(gateway.config.store.as_ref())
            .with_methods(gateway.config.till.methods.as_deref()),
            shift: ShiftState::default(),
            welcome: WelcomeState::default(),
            onboarding: OnboardingState::default(),
            first_run: false,
            after_save: None,
            printer: PrinterState::default(),
            notices: Vec::new(),
            error: None,
            qr: qr::QrCache::default(),
            offset,
            config: gateway.config,
            is_sandbox: gateway.is_sandbox,
            started: false,
            keys_to,
        }
    }

    /// Shows the first run's setup instead of the checkout (no config file yet).
    pub fn set_first_run(&mut self) {
        self.first_run = true;
        self.screen = Screen::Welcome;
    }

    /// The till id the first run's setup offers (a config set aside had it).
    pub fn offer_till_id(&mut self, till_id: String) {
        self.welcome.till_id = till_id;
    }

    /// Says on the first run's setup why the till is set up again.
    pub fn note_on_welcome(&mut self, note: String) {
        self.welcome.note = Some(note);
    }

    /// Asks the worker for what every screen shows from the start: the open shift (the checkout
    /// names it) and the slips still waiting for the printer.
    fn load_start(&mut self) {
        self.send(Command::LoadShifts(None));
        self.send(Command::Print(PrintJob::Count));
    }

    /// Whether the sandbox badge shows.
    #[must_use]
    pub fn is_sandbox(&self) -> bool {
        self.is_sandbox
    }

    /// Applies what the worker reported. Runs before every frame, even when hidden.
    pub fn logic(&mut self, ctx: &egui::Context) {
        self.backend.attach(ctx);
        // Closing while a customer pays asks first (it closed in 0.1 s, the QR gone from the
        // customer's eyes): the order is kept and queried either way.
        if ctx.input(|input| input.viewport().close_requested())
            && self.checkout.is_paying()
            && self.close != CloseRequest::Confirmed
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.close = CloseRequest::Asking;
        }
        if !self.started {
            self.started = true;
            self.load_start();
        }
        for event in self.backend.drain() {
            self.apply(event);
        }
    }

    fn apply(&mut self, event: UiEvent) {
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
            UiEvent::Requeried(results) => {
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
            UiEvent::StoreTested(result) => self.settings.store_verdict = Some(result),
            UiEvent::Applied(Ok(gateway)) => self.use_gateway(*gateway),
            UiEvent::Saved(saved) => self.on_saved(saved),
            UiEvent::Applied(Err(problem)) => {
                self.settings.note = Some(SettingsNote::Failed(problem));
            }
            UiEvent::GatewayHealth(health) => self.info.health = health,
            UiEvent::Store(status) => self.info.store = status,
            UiEvent::Error(error) => self.error = Some(error),
        }
    }

    /// After a sale: the shift may have been opened by it (默认), and a paid one prints its slip
    /// when the printer is set to print every sale.
    fn after_sale(&mut self, order: &OrderRecord) {
        self.send(Command::LoadShifts(None));
        let auto_print = self.config.printer.as_ref().is_some_and(|p| p.auto_print);
        if auto_print && order.status == crate::status::OrderStatus::Paid {
            self.send(Command::Print(PrintJob::Sale(order.order_no.clone())));
        }
    }

    /// Loads the day shown again when history is on screen, so its rows and totals never show a
    /// status the ledger has moved past.
    fn reload_history(&mut self) {
        if self.screen == Screen::History {
            self.send(Command::LoadHistory(
                self.history.day,
                self.history.scope.clone(),
            ));
        }
    }

    /// Shows what a newly applied configuration offers; a sale under way keeps its screen.
    fn use_gateway(&mut self, gateway: GatewayView) {
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

    fn send(&mut self, command: Command) {
        if let Err(error) = self.backend.send(command) {
            self.error = Some(error);
        }
    }

    /// While a notice shows, the keyboard is its: Enter or Esc closes it, and no key reaches
    /// the screen underneath (an F-key must not change the method behind it).
    fn notice_takes_keys(&mut self, ui: &Ui) {
        if self.notices.is_empty() {
            return;
        }
        let close = ui.input_mut(|input| {
            let close = input.consume_key(egui::Modifiers::NONE, egui::Key::Enter)
                | input.consume_key(egui::Modifiers::NONE, egui::Key::Escape);
            input.events.retain(|event| {
                !matches!(
                    event,
                    egui::Event::Key { .. } | egui::Event::Text(_) | egui::Event::Paste(_)
                )
            });
            close
        });
        if close {
            self.notices.remove(0);
        }
    }

    /// Draws the window.
    pub fn ui(&mut self, ui: &mut Ui) {
        self.notice_takes_keys(ui);
        egui::Panel::top("top-bar").show(ui, |ui| self.top_bar_ui(ui));
        if self.printer.needs_attention() {
            egui::Panel::bottom("printer-bar").show(ui, |ui| {
                if self.printer.bar_ui(ui, self.lang) {
                    self.send(Command::Print(PrintJob::Waiting));
                }
            });
        }
        if let Some(error) = &self.error {
            let words = error.message(self.lang);
            egui::Panel::bottom("error-bar").show(ui, |ui| {
                ui.horizontal(|ui| {
                    ui.label(RichText::new(words).color(theme::FAILED));
                    if ui.button(tr(self.lang, "关闭", "Dismiss")).clicked() {
                        self.error = None;
                    }
                });
            });
        }
        if matches!(self.screen, Screen::History | Screen::Unresolved) {
            self.take_digits_for_the_checkout(ui);
        } else {
            self.typed_elsewhere = None;
        }
        egui::CentralPanel::default().show(ui, |ui| match self.screen {
            Screen::Checkout => {
                if let Some(action) =
                    checkout_ui(ui, &mut self.checkout, &self.info, self.lang, &mut self.qr)
                {
                    self.on_checkout(action);
                }
            }
            Screen::History => {
                let today = day_of(Utc::now(), self.offset);
                if let Some(action) = history_ui(ui, &mut self.history, today, self.lang) {
                    self.on_history(action);
                }
            }
            Screen::Unresolved => {
                if let Some(action) = unresolved_ui(ui, &self.unresolved, self.offset, self.lang) {
                    self.unresolved.in_flight += 1;
                    self.send(match action {
                        UnresolvedAction::Requery(order_no) => Command::Requery(order_no),
                        UnresolvedAction::RequeryAll => Command::RequeryAll,
                    });
                }
            }
            Screen::Shift => {
                if let Some(action) = shift_ui(ui, &mut self.shift, self.offset, self.lang) {
                    self.on_shift(action);
                }
            }
            Screen::Settings => {
                // It scrolls: at 800×600 the store, the config path and 导出诊断信息 are below.
                let shown = egui::ScrollArea::vertical()
                    .show(ui, |ui| settings_ui(ui, &mut self.settings, self.lang));
                if let Some(action) = shown.inner {
                    self.on_settings(action);
                }
            }
            Screen::Welcome => {
                if let Some(action) = welcome_ui(ui, &mut self.welcome, self.lang) {
                    self.on_welcome(action);
                }
            }
            Screen::Onboarding => {
                let notify = self.settings.config().notify_url;
                let shown = egui::ScrollArea::vertical().show(ui, |ui| {
                    onboarding_ui(ui, &mut self.onboarding, &notify, self.lang)
                });
                match shown.inner {
                    Some(OnboardingAction::Submit(form)) => {
                        let gateway = Box::new(self.settings.config());
                        self.send(Command::Onboard(gateway, form));
                    }
                    Some(OnboardingAction::Query { cellphone, id_card }) => {
                        let gateway = Box::new(self.settings.config());
                        self.send(Command::OnboardQuery(gateway, cellphone, id_card));
                    }
                    Some(OnboardingAction::Back) => self.screen = Screen::Settings,
                    None => {}
                }
            }
        });
        self.notice_ui(ui);
        self.close_question_ui(ui);
    }

    /// The question when the window is closed during a payment: wait on, or close (the order
    /// is kept and queried at the next start).
    fn close_question_ui(&mut self, ui: &Ui) {
        if self.close != CloseRequest::Asking {
            return;
        }
        if !self.checkout.is_paying() {
            self.close = CloseRequest::None;
            return;
        }
        let lang = self.lang;
        let modal = egui::Modal::new(egui::Id::unique("close-question")).show(ui.ctx(), |ui| {
            ui.label(
                RichText::new(tr(lang, "顾客正在付款", "A customer is paying"))
                    .font(theme::font(theme::LARGE_TEXT))
                    .color(theme::UNKNOWN),
            );
            ui.label(tr(
                lang,
                "现在关闭，订单会保存，下次打开收银台时继续查询。",
                "If you close now, the order is kept and queried when the cashier opens again.",
            ));
            ui.horizontal(|ui| {
                let wait = ui.button(tr(lang, "继续等待", "Keep waiting")).clicked();
                let close = ui.button(tr(lang, "仍然关闭", "Close anyway")).clicked();
                (wait, close)
            })
            .inner
        });
        let (wait, close) = modal.inner;
        if wait || modal.should_close() {
            self.close = CloseRequest::None;
        }
        if close {
            self.close = CloseRequest::Confirmed;
            ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }

    /// Digits typed on the history or unresolved tab (with no text field taking them) go to the
    /// checkout's amount, and a line says so: before, 15 typed on 销售记录 was gone when the
    /// cashier clicked 收银 (issue 21).
    fn take_digits_for_the_checkout(&mut self, ui: &mut Ui) {
        if ui.ctx().egui_wants_keyboard_input() {
            return;
        }
        let typed: String = ui.input_mut(|input| {
            let mut typed = String::new();
            input.events.retain(|event| match event {
                egui::Event::Text(text)
                    if text
                        .chars()
                        .all(|c| c.is_ascii_digit() || c == '.' || c.is_numeric()) =>
                {
                    typed.push_str(text);
                    false
                }
                _ => true,
            });
            typed
        });
        if !typed.is_empty()
            && let Some(amount) = self.checkout.typed_elsewhere(&typed)
        {
            self.typed_elsewhere = Some(amount);
        }
        if let Some(amount) = &self.typed_elsewhere {
            let words = format!(
                "{} ¥{amount} {}",
                tr(
                    self.lang,
                    "已输入收款金额",
                    "Amount typed for the checkout:"
                ),
                tr(
                    self.lang,
                    "（在 收银 中按 Enter 收款）",
                    "(press Enter on Checkout to charge it)"
                )
            );
            egui::Panel::top("typed-elsewhere").show(ui, |ui| {
                ui.label(RichText::new(words).color(theme::PAID));
            });
        }
    }

    fn top_bar_ui(&mut self, ui: &mut Ui) {
        const TAB_KEYS: [egui::Key; 5] = [
            egui::Key::Num1,
            egui::Key::Num2,
            egui::Key::Num3,
            egui::Key::Num4,
            egui::Key::Num5,
        ];
        ui.horizontal(|ui| {
            if self.screen == Screen::Welcome {
                ui.label(RichText::new("收银台 Cashier").strong());
                self.language_ui(ui);
                return;
            }
            if self.is_sandbox {
                egui::Frame::new()
                    .fill(theme::SANDBOX_BANNER)
                    .inner_margin(6.0)
                    .corner_radius(4.0)
                    .show(ui, |ui| {
                        ui.label(
                            RichText::new("沙箱 SANDBOX")
                                .color(theme::ON_COLOUR)
                                .strong(),
                        );
                    });
            }
            let tabs = [
                (Screen::Checkout, tr(self.lang, "收银", "Checkout")),
                (Screen::History, tr(self.lang, "销售记录", "History")),
                (
                    Screen::Unresolved,
                    tr(self.lang, "未完成订单", "Unresolved"),
                ),
                (Screen::Shift, tr(self.lang, "交班", "Shift")),
                (Screen::Settings, tr(self.lang, "设置", "Settings")),
            ];
            // Ctrl+1 … Ctrl+5 open the tabs (the F-keys pick methods, plain digits are the
            // amount); each tab shows its key.
            for ((screen, label), key) in tabs.into_iter().zip(TAB_KEYS) {
                let label = if screen == Screen::Unresolved && !self.unresolved.orders.is_empty() {
                    format!("{label} ({})", self.unresolved.orders.len())
                } else {
                    label.to_owned()
                };
                let pressed = ui.input_mut(|input| input.consume_key(egui::Modifiers::CTRL, key));
                let clicked = ui
                    .selectable_label(self.screen == screen, label)
                    .on_hover_text(format!("Ctrl+{}", key.name()))
                    .clicked();
                // The key beside the tab, not in its text: the tab keeps its plain name (for
                // screen readers and the tests that find it by name).
                ui.add_space(-ui.spacing().item_spacing.x);
                ui.label(
                    RichText::new(format!("^{}", key.name()))
                        .small()
                        .color(theme::MUTED),
                );
                if (clicked || pressed) && self.screen != screen {
                    self.open(screen);
                }
            }
            self.language_ui(ui);
        });
    }

    /// The other language's button, at the right; the choice is kept for the next start.
    fn language_ui(&mut self, ui: &mut Ui) {
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let other = match self.lang {
                Lang::Zh => (Lang::En, "English"),
                Lang::En => (Lang::Zh, "中文"),
            };
            if ui.button(other.1).clicked() {
                self.lang = other.0;
                // The tabs to the left were drawn in the old language this frame: draw again.
                ui.ctx().request_repaint();
                self.send(Command::SaveLanguage(other.0));
            }
        });
    }

    fn open(&mut self, screen: Screen) {
        self.screen = screen;
        match screen {
            Screen::History => {
                self.history.follow_today(day_of(Utc::now(), self.offset));
                self.send(Command::LoadHistory(
                    self.history.day,
                    self.history.scope.clone(),
                ));
            }
            Screen::Unresolved => self.send(Command::LoadUnresolved),
            Screen::Shift => {
                self.shift.focus_form = true;
                self.send(Command::LoadShifts(None));
            }
            Screen::Settings => self.settings.opened(),
            Screen::Checkout | Screen::Welcome | Screen::Onboarding => {}
        }
    }

    fn on_checkout(&mut self, action: Action) {
        self.send(match action {
            Action::Pay(request) => Command::Pay(request),
            Action::Cancel | Action::Replace(_) => Command::Cancel,
            Action::SimulatePay(url) => Command::SimulatePay(url),
            Action::Cash(amount, tendered) => Command::Cash(amount, tendered),
            Action::Print(order_no) => Command::Print(PrintJob::Sale(order_no)),
            Action::Shifts => return self.open(Screen::Shift),
        });
    }

    fn on_history(&mut self, action: HistoryAction) {
        let command = match action {
            HistoryAction::Load(day) => Command::LoadHistory(day, self.history.scope.clone()),
            HistoryAction::Detail(order_no) => Command::LoadDetail(order_no),
            HistoryAction::Requery(order_no) => {
                self.history.requery = Some(order_detail::RequeryNote::Querying(order_no.clone()));
                Command::Requery(order_no)
            }
            HistoryAction::Export(from, to, format) => {
                Command::Export(from, to, self.history.scope.clone(), format)
            }
            HistoryAction::OpenExportFolder => Command::OpenExportFolder,
            HistoryAction::Print(order_no) => Command::Print(PrintJob::Sale(order_no)),
        };
        self.send(command);
    }

    /// A merchant was registered: its number and key go into the settings, which are saved and
    /// put in force at once (the key is never shown).
    fn on_onboarded(
        &mut self,
        onboarded: Result<crate::gateway::qht::MerchantCredentials, Problem>,
    ) {
        self.onboarding.busy = false;
        match onboarded {
            Ok(credentials) => {
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
            Err(problem) => self.onboarding.outcome = Some(Err(problem)),
        }
    }

    fn on_welcome(&mut self, action: WelcomeAction) {
        match action {
            WelcomeAction::Sandbox(till_id) => {
                // A bad till id is said on the setup at once (a check of the typed text, no IO).
                let mut checked = crate::config::Config::default();
                checked.till.id.clone_from(&till_id);
                if let Err(error) = checked.validate() {
                    self.welcome.problem = Some(Problem::Config(std::sync::Arc::new(error)));
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
                self.settings.sandbox = false;
                self.settings.till_id = till_id;
                self.screen = Screen::Settings;
            }
        }
    }

    fn on_shift(&mut self, action: ShiftAction) {
        self.send(match action {
            ShiftAction::Open(cashier, float) => Command::OpenShift(cashier, float),
            ShiftAction::Close(counted) => Command::CloseShift(counted),
            ShiftAction::Read(id) => Command::LoadShifts(Some(id)),
            ShiftAction::Print(id) => Command::Print(PrintJob::Shift(id)),
        });
    }

    fn on_settings(&mut self, action: SettingsAction) {
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
            SettingsAction::Save(gateway, till_id, store) => {
                let gateway = gateway.map(|gateway| *gateway);
                self.save_settings(gateway, till_id, store, AfterSave::Settings);
            }
        }
    }

    /// Asks the worker to save the settings (file and keyring work never runs on the window's
    /// thread); [`Self::on_saved`] puts them in force for the next sale. `then` says which
    /// screen waits on the answer.
    fn save_settings(
        &mut self,
        gateway: Option<GatewayConfig>,
        till_id: String,
        store: Option<crate::store::StoreConfig>,
        then: AfterSave,
    ) {
        let mut config = self.config.clone();
        config.gateway = gateway;
        config.till.id = till_id;
        config.till.methods.clone_from(&self.settings.offered);
        config.store = store;
        let path = self.settings.path.clone().or_else(default_config_path);
        self.settings.note = Some(SettingsNote::Saving);
        self.after_save = Some(then);
        self.send(Command::SaveSettings(Box::new(config), path, self.keys_to));
    }

    /// The worker saved the settings (or could not): in force for the next sale, and the screen
    /// that waited is told.
    fn on_saved(&mut self, saved: Result<Box<backend::SavedSettings>, Problem>) {
        let then = self.after_save.take();
        match saved {
            Ok(saved) => {
                let backend::SavedSettings {
                    config,
                    key_place,
                    path,
                } = *saved;
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

    fn notice_ui(&mut self, ui: &Ui) {
        let Some(notice) = self.notices.first() else {
            return;
        };
        let lang = self.lang;
        let modal = egui::Modal::new(egui::Id::unique("notice")).show(ui.ctx(), |ui| {
            match notice {
                Notice::Late(order) => late_notice_ui(ui, order, lang),
                Notice::Recovered(orders) => found_notice_ui(
                    ui,
                    orders,
                    tr(
                        lang,
                        "笔订单在收银台关闭期间已支付",
                        "order(s) were paid while the cashier was closed:",
                    ),
                    lang,
                ),
                Notice::FoundInBackground(orders) => found_notice_ui(
                    ui,
                    orders,
                    tr(
                        lang,
                        "笔订单经后台查询确认已支付",
                        "order(s) found paid by the background re-query:",
                    ),
                    lang,
                ),
            }
            ui.button(tr(lang, "知道了", "Got it")).clicked()
        });
        if modal.inner {
            self.notices.remove(0);
        }
    }
}

/// A payment after the wait ended: late, or — on a QR order whose amount was paid by pay code
/// instead — a double payment to give back.
fn late_notice_ui(ui: &mut Ui, order: &OrderRecord, lang: Lang) {
    let double = order.check_reason.as_deref() == Some(crate::payment::requery::REPLACED_BY_CODE);
    let (headline, colour, before, after) = if double {
        (
            tr(lang, "！重复支付", "! Double payment"),
            theme::FAILED,
            tr(lang, "已改用付款码收款的二维码订单", "QR order"),
            tr(
                lang,
                "又收到付款，请退还顾客",
                "was paid by pay code instead and has now been paid too; give it back:",
            ),
        )
    } else {
        (
            tr(lang, "！迟到的付款", "! Late payment"),
            theme::UNKNOWN,
            tr(lang, "订单", "Order"),
            tr(
                lang,
                "在收银员放弃等待后已支付",
                "was paid after the cashier gave up:",
            ),
        )
    };
    ui.label(
        RichText::new(headline)
            .font(theme::font(theme::LARGE_TEXT))
            .color(colour),
    );
    ui.label(format!(
        "{before} {} {after} {}",
        order.order_no,
        order.paid.unwrap_or(order.amount)
    ));
    ui.label(order.method.message(lang));
}

/// Orders found paid, with `words` after their count: the total, then each order.
fn found_notice_ui(ui: &mut Ui, orders: &[OrderRecord], words: &str, lang: Lang) {
    let total = orders
        .iter()
        .map(|order| order.paid.unwrap_or(order.amount))
        .try_fold(Money::ZERO, Money::checked_add)
        .unwrap_or(Money::ZERO);
    let headline = format!("{} {words} {total}", orders.len());
    ui.label(
        RichText::new(headline)
            .font(theme::font(theme::LARGE_TEXT))
            .color(theme::PAID),
    );
    for order in orders {
        ui.label(format!(
            "{}  {}  {}",
            order.order_no,
            order.method.message(lang),
            order.paid.unwrap_or(order.amount)
        ));
    }
}

/// What the checkout offers under `gateway`.
fn checkout_info(gateway: &GatewayView) -> CheckoutInfo {
    CheckoutInfo {
        choices: CheckoutInfo::choices_for(
            gateway.provider,
            gateway.config.till.methods.as_deref(),
        ),
        max_amount: gateway.max_amount,
        qr_wait: gateway.config.payment.qr_policy().wait,
        barcode_wait: gateway.config.payment.barcode_policy().wait,
        health: crate::gateway::http::Health::Untried,
        store: None,
        offset: gateway.config.history.offset(),
        is_sandbox: gateway.is_sandbox,
        shift: None,
        has_printer: gateway.config.printer.is_some(),
        printed: None,
    }
}

fn default_config_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "cashier")
        .map(|dirs| dirs.config_dir().join("config.toml"))
}

/// The window's state over a worker started on `runtime`; the worker takes over `setup` (its
/// gateway, ledger and in-process sandbox). The window and the UI tests start here.
#[must_use]
pub fn start_app(
    runtime: &tokio::runtime::Handle,
    setup: crate::setup::Setup,
    paths: &crate::setup::Paths,
) -> CashierApp {
    let configured = setup.configured();
    let gateway = GatewayView::of(&configured);
    let language = setup.resources.language;
    let settings = backend::WorkerSettings {
        export_dir: paths.data_dir.join("exports"),
        paths: paths.clone(),
    };
    let backend = Backend::start(runtime, configured, setup.resources, settings);
    let mut app = CashierApp::new(
        backend,
        gateway,
        paths.config.clone(),
        keys_to(paths.keyring),
    );
    if let Some(language) = language {
        app.lang = language;
    }
    app
}

/// Where saved keys go first when the keyring is (not) allowed.
fn keys_to(keyring: bool) -> crate::key_store::KeyPlace {
    if keyring {
        crate::key_store::KeyPlace::Keyring
    } else {
        crate::key_store::KeyPlace::File
    }
}

/// Opens the window on the outcome of a start (the cashier, or why it could not start and a
/// retry) and runs until it is closed. Says whether the cashier ran.
pub fn run_window(
    runtime: &tokio::runtime::Runtime,
    started: Result<crate::setup::Setup, crate::setup::SetupError>,
    paths: Option<crate::setup::Paths>,
) -> Result<bool, eframe::Error> {
    let window = startup::TillWindow::new(runtime.handle().clone(), started, paths);
    let ran = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(window.is_running()));
    let ran_here = ran.clone();
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("收银台 Cashier")
        .with_inner_size([1100.0, 720.0])
        .with_min_inner_size([800.0, 560.0]);
    if let Ok(icon) =
        eframe::icon_data::from_png_bytes(include_bytes!("../../icons/cashier-256.png"))
    {
        viewport = viewport.with_icon(icon);
    }
    let options = eframe::NativeOptions {
        viewport,
        ..eframe::NativeOptions::default()
    };
    eframe::run_native(
        "cashier",
        options,
        Box::new(move |cc| {
            theme::install(&cc.egui_ctx);
            Ok(Box::new(WindowApp(window, ran_here)))
        }),
    )?;
    Ok(ran.load(std::sync::atomic::Ordering::Relaxed))
}

/// The window as eframe runs it; notes when the cashier runs, for the exit status.
struct WindowApp(
    startup::TillWindow,
    std::sync::Arc<std::sync::atomic::AtomicBool>,
);

impl eframe::App for WindowApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.0.logic(ctx);
        if self.0.is_running() {
            self.1.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }

    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.0.ui(ui);
    }
}
