//! The window's frame: the top bar (tabs with their keys, the language), the screen in the
//! middle, the notices that take the keyboard, and the question when the window is closed during
//! a payment.

use egui::{RichText, Ui};

use super::{
    CashierApp, CloseRequest, Command, Notice, OnboardingAction, PrintJob, Screen,
    UnresolvedAction, checkout_ui, history_ui, notices, onboarding_ui, settings_ui, shift_ui,
    theme, unresolved_ui, welcome_ui,
};
use crate::i18n::{Lang, Localized, tr};
use crate::ledger::day_of;
use chrono::Utc;

impl CashierApp {
    /// While a notice shows, the keyboard is its: Enter or Esc closes it, and no key reaches
    /// the screen underneath (an F-key must not change the method behind it).
    pub(super) fn notice_takes_keys(&mut self, ui: &Ui) {
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
        let pin_asked_here = self.screen != Screen::Settings && self.gate.asked().is_some();
        if pin_asked_here {
            // An export or a reprint waits for the owner's PIN, typed over the screen.
            let now = self.now;
            if let Some(action) = self.gate.modal_ui(ui.ctx(), now, self.lang) {
                self.on_gate(action);
            }
        } else if matches!(self.screen, Screen::History | Screen::Unresolved) {
            self.take_digits_for_the_checkout(ui);
        } else {
            self.typed_elsewhere = None;
        }
        egui::CentralPanel::default().show(ui, |ui| match self.screen {
            // The owner's PIN is asked over the checkout (开钱箱): the checkout, which reads every
            // key, is not drawn meanwhile, so the PIN's digits and Enter charge nothing.
            Screen::Checkout if pin_asked_here => {}
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
                if let Some(action) =
                    unresolved_ui(ui, &mut self.unresolved, self.offset, self.lang)
                {
                    self.on_unresolved(action);
                }
            }
            Screen::Shift => {
                if let Some(action) = shift_ui(ui, &mut self.shift, self.offset, self.lang) {
                    self.on_shift(action);
                }
            }
            Screen::Settings if !self.gate.is_open(self.pin_set(), self.now) => {
                // Where the money goes is the owner's: the PIN first (owner_gate.rs).
                self.gate.ask(super::owner_gate::Guarded::Settings);
                let now = self.now;
                if let Some(action) = self.gate.form_ui(ui, now, self.lang) {
                    self.on_gate(action);
                }
            }
            Screen::Settings => {
                self.gate.keep_open(self.now);
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
            Screen::Onboarding => self.onboarding_screen_ui(ui),
        });
        self.notice_ui(ui);
        self.close_question_ui(ui);
        let view = self.checkout.customer_view(self.lang);
        self.customer.show(
            ui.ctx(),
            &self.config.customer_screen,
            &view,
            &self.config.shop.name,
            self.lang,
            &mut self.qr,
        );
    }

    /// What the unresolved list asked for: a re-query, or a void behind the owner's PIN.
    fn on_unresolved(&mut self, action: UnresolvedAction) {
        match action {
            UnresolvedAction::Requery(order_no) => {
                self.unresolved.in_flight += 1;
                self.send(Command::Requery(order_no));
            }
            UnresolvedAction::RequeryAll => {
                self.unresolved.in_flight += 1;
                self.send(Command::RequeryAll);
            }
            UnresolvedAction::Void(order_no, reason) => {
                self.unresolved.void_note = None;
                self.guarded(super::owner_gate::Guarded::Void(order_no, reason));
            }
        }
    }

    /// Puts the keys typed into the customer's window first in this frame's input, as if typed
    /// here (they came before this frame's own).
    pub fn raw_input_hook(&mut self, raw_input: &mut egui::RawInput) {
        let mut keys = self.customer.take_keys();
        if !keys.is_empty() {
            keys.append(&mut raw_input.events);
            raw_input.events = keys;
        }
    }

    /// The question when the window is closed during a payment: wait on, or close (the order
    /// is kept and queried at the next start).
    pub(super) fn close_question_ui(&mut self, ui: &Ui) {
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
    pub(super) fn take_digits_for_the_checkout(&mut self, ui: &mut Ui) {
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

    pub(super) fn top_bar_ui(&mut self, ui: &mut Ui) {
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
                    .inner_margin(theme::BAR_MARGIN)
                    .corner_radius(theme::CORNER_RADIUS)
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
    pub(super) fn language_ui(&mut self, ui: &mut Ui) {
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

    pub(super) fn open(&mut self, screen: Screen) {
        // Leaving 设置 (and its onboarding) locks it again; a question left open goes.
        if !matches!(screen, Screen::Settings | Screen::Onboarding) {
            if matches!(self.screen, Screen::Settings | Screen::Onboarding) {
                self.gate.close();
            }
            if self.gate.asked() == Some(&super::owner_gate::Guarded::Settings) {
                self.gate.cancel();
            }
        }
        if screen != self.screen
            && self
                .gate
                .asked()
                .is_some_and(|asked| asked != &super::owner_gate::Guarded::Settings)
        {
            self.gate.cancel();
        }
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
            Screen::Settings => {
                self.settings.opened();
                // Behind a PIN, the cashiers and the trail are read once it is typed.
                if self.gate.is_open(self.pin_set(), self.now) {
                    self.load_owner_forms();
                }
            }
            Screen::Checkout | Screen::Welcome | Screen::Onboarding => {}
        }
    }

    /// 新商户进件: the form, then the returned merchant for the owner to confirm.
    fn onboarding_screen_ui(&mut self, ui: &mut Ui) {
        let gateway = self.settings.config();
        let addresses = (gateway.notify_url.as_str(), gateway.base_url.as_str());
        let merchant_now = self.merchant_in_force();
        let shown = egui::ScrollArea::vertical().show(ui, |ui| {
            onboarding_ui(
                ui,
                &mut self.onboarding,
                addresses,
                &merchant_now,
                self.lang,
            )
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
            Some(OnboardingAction::Confirm(credentials)) => {
                self.onboarding.pending = None;
                self.use_onboarded(*credentials);
            }
            Some(OnboardingAction::Discard) => {
                tracing::info!("the owner discarded an onboarded merchant");
                self.onboarding.pending = None;
            }
            Some(OnboardingAction::Back) => self.screen = Screen::Settings,
            None => {}
        }
    }

    pub(super) fn notice_ui(&mut self, ui: &Ui) {
        let Some(notice) = self.notices.first() else {
            return;
        };
        let lang = self.lang;
        let modal = egui::Modal::new(egui::Id::unique("notice")).show(ui.ctx(), |ui| {
            match notice {
                Notice::Late(order) => notices::late_notice_ui(ui, order, lang),
                Notice::Recovered(orders) => notices::found_notice_ui(
                    ui,
                    orders,
                    tr(
                        lang,
                        "笔订单在收银台关闭期间已支付",
                        "order(s) were paid while the cashier was closed:",
                    ),
                    lang,
                ),
                Notice::FoundInBackground(orders) => notices::found_notice_ui(
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
