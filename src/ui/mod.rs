//! The cashier window (eframe/egui): checkout, history, unresolved orders and settings.
//!
//! Per frame, [`CashierApp::logic`] applies what the background worker reported and
//! [`CashierApp::ui`] draws and turns clicks into commands; neither waits on IO. The UI repaints
//! only on input and on worker events (plus a 1 s tick while a QR countdown is shown), so an idle
//! till uses almost no CPU.

pub mod amount_entry;
pub mod backend;
pub mod checkout;
pub mod customer_screen;
mod frame;
mod handlers;
pub mod history;
pub mod keypad;
mod notices;
pub mod onboarding;
pub mod order_detail;
mod owner_actions;
pub mod owner_gate;
pub mod qr;
pub mod refund_form;
pub mod renderer;
pub mod settings;
pub mod shift;
pub mod startup;
pub mod theme;
pub mod unresolved;
pub mod welcome;
pub mod worker;

use std::path::PathBuf;

use chrono::{FixedOffset, Utc};
use egui::{RichText, Ui};

use crate::i18n::tr;
use backend::{Command, GatewayView, PrintJob, PrintNote, Problem, UiEvent};
use checkout::{Action, CheckoutInfo, CheckoutState, checkout_ui};
use history::{HistoryAction, HistoryState, history_ui};
use onboarding::{OnboardingAction, OnboardingState, onboarding_ui};
use settings::{SettingsAction, SettingsNote, SettingsState, settings_ui};
use shift::{ShiftAction, ShiftState, shift_ui};
use unresolved::{UnresolvedAction, UnresolvedState, unresolved_ui};
use welcome::{WelcomeAction, WelcomeState, welcome_ui};
use worker::Backend;

use crate::config::Config;
use crate::i18n::{Lang, Localized};
use crate::ledger::{OrderRecord, day_of};

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
    /// The customer's screen (客显副屏), when the settings have it on.
    customer: customer_screen::CustomerScreen,
    offset: FixedOffset,
    config: Config,
    is_sandbox: bool,
    started: bool,
    /// The owner PIN's guard on 设置, exports and reprints.
    gate: owner_gate::OwnerGate,
    /// The owner PIN typed at the first run, until the first save takes it.
    first_run_pin: Option<String>,
    /// The window's input time at the start of this frame's logic (the gate counts in it).
    now: f64,
    /// Where a saved merchant key goes first: the platform's keyring, unless this run keeps keys
    /// in the file ([`crate::app::setup::Paths::keyring`]).
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
                refunds: Vec::new(),
                refund_form: refund_form::RefundForm::default(),
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
            .with_parked(gateway.config.parked_gateway.as_ref())
            .with_store(gateway.config.store.as_ref())
            .with_methods(gateway.config.till.methods.as_deref())
            .with_blind_close(gateway.config.till.blind_close)
            .with_offset(offset)
            .with_printer(&gateway.config)
            .with_pin(gateway.config.owner.is_some()),
            shift: ShiftState::default(),
            welcome: WelcomeState::default(),
            onboarding: OnboardingState::default(),
            first_run: false,
            after_save: None,
            printer: PrinterState::default(),
            notices: Vec::new(),
            error: None,
            qr: qr::QrCache::default(),
            customer: customer_screen::CustomerScreen::default(),
            offset,
            config: gateway.config,
            is_sandbox: gateway.is_sandbox,
            started: false,
            keys_to,
            gate: owner_gate::OwnerGate::default(),
            first_run_pin: None,
            now: 0.0,
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
        self.now = ctx.input(|input| input.time);
        for event in self.backend.drain() {
            self.apply(event);
        }
    }

    /// Whether the owner set a PIN (then 设置, exports and reprints ask for it).
    fn pin_set(&self) -> bool {
        self.config.owner.is_some()
    }

    /// The merchant payments go to now (empty on the sandbox).
    fn merchant_in_force(&self) -> String {
        self.config
            .gateway
            .as_ref()
            .map(|gateway| gateway.merchant_id.clone())
            .unwrap_or_default()
    }

    fn send(&mut self, command: Command) {
        if let Err(error) = self.backend.send(command) {
            self.error = Some(error);
        }
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
        has_drawer: matches!(
            crate::app::drawer::open_by(&gateway.config),
            Ok(crate::app::drawer::OpenBy::Pulse(_))
        ),
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
    setup: crate::app::setup::Setup,
    paths: &crate::app::setup::Paths,
) -> CashierApp {
    let configured = setup.configured();
    let gateway = GatewayView::of(&configured);
    let language = setup.resources.language;
    let settings = worker::WorkerSettings {
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
/// retry) and runs until it is closed. Says whether the cashier ran. `started` is called once,
/// when the window has been made: the start runs meanwhile (`cli::window`).
pub fn run_window(
    runtime: &tokio::runtime::Runtime,
    started: impl FnOnce() -> Result<crate::app::setup::Setup, crate::app::setup::SetupError> + 'static,
    paths: Option<crate::app::setup::Paths>,
    drawing: renderer::Drawing,
) -> Result<bool, eframe::Error> {
    let ran = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let ran_here = ran.clone();
    let runtime = runtime.handle().clone();
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("收银台 Cashier")
        .with_inner_size(theme::WINDOW_SIZE)
        .with_min_inner_size(theme::WINDOW_MIN_SIZE);
    if let Ok(icon) =
        eframe::icon_data::from_png_bytes(include_bytes!("../../icons/cashier-256.png"))
    {
        viewport = viewport.with_icon(icon);
    }
    let mut options = eframe::NativeOptions {
        viewport,
        ..eframe::NativeOptions::default()
    };
    renderer::apply(drawing, &mut options);
    eframe::run_native(
        "cashier",
        options,
        Box::new(move |cc| {
            theme::install(&cc.egui_ctx);
            // The start ran beside the window's making; it is done by now (or nearly).
            let window = startup::TillWindow::new(runtime, started(), paths);
            ran_here.store(window.is_running(), std::sync::atomic::Ordering::Relaxed);
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

    fn raw_input_hook(&mut self, _ctx: &egui::Context, raw_input: &mut egui::RawInput) {
        if let startup::TillWindow::Running(app) = &mut self.0 {
            app.raw_input_hook(raw_input);
        }
    }
}
