//! The cashier window (eframe/egui): checkout, history, unresolved orders and settings.
//!
//! Per frame, [`CashierApp::logic`] applies what the background worker reported and
//! [`CashierApp::ui`] draws and turns clicks into commands; neither waits on IO. The UI repaints
//! only on input and on worker events (plus a 1 s tick while a QR countdown is shown), so an idle
//! till uses almost no CPU.

pub mod backend;
pub mod checkout;
pub mod history;
pub mod qr;
pub mod settings;
pub mod text;
pub mod theme;
pub mod unresolved;

use std::path::PathBuf;

use chrono::{FixedOffset, Utc};
use egui::{RichText, Ui};

use backend::{Backend, Command, UiEvent};
use checkout::{Action, CheckoutInfo, CheckoutState, checkout_ui};
use history::{HistoryAction, HistoryState, history_ui};
use settings::{SettingsAction, SettingsState, settings_ui};
use text::{method_name, tr};
use unresolved::{UnresolvedAction, UnresolvedState, unresolved_ui};

use crate::config::{Config, GatewayConfig};
use crate::i18n::Lang;
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
    /// 设置.
    Settings,
}

/// What the window is started with.
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// The config in force.
    pub config: Config,
    /// Where it is saved.
    pub config_path: Option<PathBuf>,
    /// Whether the gateway is the sandbox.
    pub is_sandbox: bool,
    /// The provider in use.
    pub provider: crate::gateway::Provider,
    /// Its single-order limit.
    pub max_amount: crate::money::Money,
}

/// The whole window's state.
#[derive(Debug)]
pub struct CashierApp {
    backend: Backend,
    lang: Lang,
    screen: Screen,
    info: CheckoutInfo,
    checkout: CheckoutState,
    history: HistoryState,
    unresolved: UnresolvedState,
    settings: SettingsState,
    late_notices: Vec<OrderRecord>,
    error: Option<String>,
    qr: qr::QrCache,
    offset: FixedOffset,
    config: Config,
    is_sandbox: bool,
}

impl CashierApp {
    /// A window over `backend`.
    #[must_use]
    pub fn new(backend: Backend, app: AppConfig) -> CashierApp {
        let offset = app.config.history.offset();
        let info = CheckoutInfo {
            choices: CheckoutInfo::choices_for(app.provider),
            max_amount: app.max_amount,
            qr_wait: app.config.payment.qr_policy().wait,
            is_sandbox: app.is_sandbox,
        };
        let today = day_of(Utc::now(), offset);
        CashierApp {
            backend,
            lang: Lang::Zh,
            screen: Screen::Checkout,
            checkout: CheckoutState::new(&info),
            info,
            history: HistoryState {
                day: today,
                data: None,
                detail: None,
                export_note: None,
                offset,
            },
            unresolved: UnresolvedState::default(),
            settings: SettingsState::new(
                app.config.gateway.as_ref(),
                &app.config.till.id,
                app.config_path,
            ),
            late_notices: Vec::new(),
            error: None,
            qr: qr::QrCache::default(),
            offset,
            config: app.config,
            is_sandbox: app.is_sandbox,
        }
    }

    /// Applies what the worker reported. Runs before every frame, even when hidden.
    pub fn logic(&mut self, ctx: &egui::Context) {
        self.backend.attach(ctx);
        for event in self.backend.drain() {
            self.apply(event);
        }
    }

    fn apply(&mut self, event: UiEvent) {
        match event {
            UiEvent::Progress(progress) => self.checkout.on_progress(progress, self.info.qr_wait),
            UiEvent::PaymentDone(result) => self.checkout.on_done(result),
            UiEvent::History(data) => self.history.data = Some(*data),
            UiEvent::Detail(order, events) => self.history.detail = Some((*order, events)),
            UiEvent::Requeried(results) => {
                self.unresolved.in_flight = self.unresolved.in_flight.saturating_sub(1);
                for result in results {
                    let words = match &result.error {
                        Some(error) => error.clone(),
                        None => format!(
                            "{} → {}",
                            text::status_name(self.lang, result.before),
                            text::status_name(self.lang, result.order.status)
                        ),
                    };
                    self.unresolved
                        .results
                        .insert(result.order.order_no.clone(), words);
                    if self
                        .history
                        .detail
                        .as_ref()
                        .is_some_and(|(o, _)| o.order_no == result.order.order_no)
                    {
                        self.send(Command::LoadDetail(result.order.order_no.clone()));
                    }
                }
            }
            UiEvent::Unresolved(orders) => self.unresolved.orders = orders,
            UiEvent::LatePayment(order) => {
                self.unresolved.late.push((*order).clone());
                self.late_notices.push(*order);
            }
            UiEvent::Exported(result) => {
                self.history.export_note = Some(match result {
                    Ok(path) => format!(
                        "{} {}",
                        tr(self.lang, "已导出到", "Exported to"),
                        path.display()
                    ),
                    Err(error) => {
                        format!("{}：{error}", tr(self.lang, "导出失败", "Export failed"))
                    }
                });
            }
            UiEvent::ConnectionTested(verdict) => self.settings.verdict = Some(verdict),
            UiEvent::Error(error) => self.error = Some(error),
        }
    }

    fn send(&mut self, command: Command) {
        if let Err(error) = self.backend.send(command) {
            self.error = Some(error);
        }
    }

    /// Draws the window.
    pub fn ui(&mut self, ui: &mut Ui) {
        egui::Panel::top("top-bar").show(ui, |ui| self.top_bar_ui(ui));
        if let Some(error) = self.error.clone() {
            egui::Panel::bottom("error-bar").show(ui, |ui| {
                ui.horizontal(|ui| {
                    ui.label(RichText::new(error).color(theme::FAILED));
                    if ui.button(tr(self.lang, "关闭", "Dismiss")).clicked() {
                        self.error = None;
                    }
                });
            });
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
            Screen::Settings => {
                if let Some(action) = settings_ui(ui, &mut self.settings, self.lang) {
                    self.on_settings(action);
                }
            }
        });
        self.late_notice_ui(ui);
    }

    fn top_bar_ui(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
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
                (Screen::Settings, tr(self.lang, "设置", "Settings")),
            ];
            for (screen, label) in tabs {
                let label = if screen == Screen::Unresolved && !self.unresolved.orders.is_empty() {
                    format!("{label} ({})", self.unresolved.orders.len())
                } else {
                    label.to_owned()
                };
                if ui.selectable_label(self.screen == screen, label).clicked()
                    && self.screen != screen
                {
                    self.open(screen);
                }
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let other = match self.lang {
                    Lang::Zh => (Lang::En, "English"),
                    Lang::En => (Lang::Zh, "中文"),
                };
                if ui.button(other.1).clicked() {
                    self.lang = other.0;
                }
            });
        });
    }

    fn open(&mut self, screen: Screen) {
        self.screen = screen;
        match screen {
            Screen::History => self.send(Command::LoadHistory(self.history.day)),
            Screen::Unresolved => self.send(Command::LoadUnresolved),
            Screen::Checkout | Screen::Settings => {}
        }
    }

    fn on_checkout(&mut self, action: Action) {
        self.send(match action {
            Action::Pay(request) => Command::Pay(request),
            Action::Cancel => Command::Cancel,
            Action::SimulatePay(url) => Command::SimulatePay(url),
        });
    }

    fn on_history(&mut self, action: HistoryAction) {
        self.send(match action {
            HistoryAction::Load(day) => Command::LoadHistory(day),
            HistoryAction::Detail(order_no) => Command::LoadDetail(order_no),
            HistoryAction::Requery(order_no) => Command::Requery(order_no),
            HistoryAction::Export(day) => Command::ExportCsv(day),
        });
    }

    fn on_settings(&mut self, action: SettingsAction) {
        match action {
            SettingsAction::Test(config) => self.send(Command::TestConnection(config)),
            SettingsAction::Save(gateway, till_id) => self.save_settings(*gateway, till_id),
        }
    }

    fn save_settings(&mut self, gateway: GatewayConfig, till_id: String) {
        let mut config = self.config.clone();
        config.gateway = Some(gateway);
        config.till.id = till_id;
        let path = self.settings.path.clone().or_else(default_config_path);
        let result = config.validate().and_then(|()| match &path {
            Some(path) => crate::config::save(&config, path),
            None => Err(crate::config::ConfigError::Invalid {
                field: "path",
                reason: "no config directory".into(),
            }),
        });
        self.settings.note = Some(match result {
            Ok(()) => {
                self.settings.key_was_saved();
                self.settings.path = path;
                self.config = config;
                tr(
                    self.lang,
                    "已保存，重启收银台后生效",
                    "Saved; restart the cashier to use it",
                )
                .to_owned()
            }
            Err(error) => error.to_string(),
        });
    }

    fn late_notice_ui(&mut self, ui: &Ui) {
        let Some(order) = self.late_notices.first().cloned() else {
            return;
        };
        let lang = self.lang;
        let modal = egui::Modal::new(egui::Id::unique("late-payment")).show(ui.ctx(), |ui| {
            ui.label(
                RichText::new(tr(lang, "！迟到的付款", "! Late payment"))
                    .font(theme::font(theme::LARGE_TEXT))
                    .color(theme::UNKNOWN),
            );
            ui.label(format!(
                "{} {} {} {}",
                tr(lang, "订单", "Order"),
                order.order_no,
                tr(
                    lang,
                    "在收银员放弃等待后已支付",
                    "was paid after the cashier gave up:"
                ),
                order.paid.unwrap_or(order.amount)
            ));
            ui.label(method_name(lang, order.method));
            ui.button(tr(lang, "知道了", "Got it")).clicked()
        });
        if modal.inner {
            self.late_notices.remove(0);
        }
    }
}

fn default_config_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "cashier")
        .map(|dirs| dirs.config_dir().join("config.toml"))
}

impl eframe::App for CashierApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        CashierApp::logic(self, ctx);
    }

    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        CashierApp::ui(self, ui);
    }
}

/// Opens the window and runs until it is closed.
pub fn run_window(
    runtime: &tokio::runtime::Runtime,
    setup: &crate::setup::Setup,
    config_path: Option<PathBuf>,
    data_dir: &std::path::Path,
) -> Result<(), eframe::Error> {
    let settings = backend::WorkerSettings {
        requery: setup.requery,
        offset: setup.config.history.offset(),
        export_dir: data_dir.join("exports"),
        notify_listen: setup.config.notify.as_ref().map(|notify| notify.listen),
    };
    let backend = Backend::start(runtime.handle(), setup.context.clone(), settings);
    let app = CashierApp::new(
        backend,
        AppConfig {
            config: setup.config.clone(),
            config_path,
            is_sandbox: setup.is_sandbox,
            provider: setup.context.gateway.provider(),
            max_amount: setup.context.gateway.max_amount(),
        },
    );
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
            Ok(Box::new(app))
        }),
    )
}
