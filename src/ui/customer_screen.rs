//! The customer's screen (客显副屏): a second window, meant for a monitor facing the customer, that
//! follows the checkout in the same frame: the shop's name when idle, the amount as it is typed,
//! the QR large with the wallet and amount, 请出示付款码, the cash due and the change, 支付成功.
//!
//! It is an immediate egui viewport: drawn inside the cashier window's frame from the checkout's
//! state ([`CustomerView`]), so it never shows a state the cashier's screen has left, and costs
//! nothing while the till is idle (it repaints with the cashier's window). It takes no keys: a
//! key typed while it has focus (a click on it moves focus there, a scanner then types into it)
//! is handed to the cashier's window, and focus goes back there, so no keystroke is lost.

use egui::{
    Align, Layout, RichText, Ui, ViewportBuilder, ViewportClass, ViewportCommand, ViewportId,
};

use super::checkout::CustomerView;
use super::qr::QrCache;
use super::theme;
use crate::config::CustomerScreenConfig;
use crate::i18n::{Lang, tr};

/// The window's title (the test suite finds the window by it).
pub const TITLE: &str = "顾客显示 Customer display";

/// The customer's screen: whether it was closed by hand, and keys typed into it on their way to
/// the cashier's window.
#[derive(Debug, Default)]
pub struct CustomerScreen {
    /// Closed with its window's close button: stays closed until the settings are saved again
    /// or the till restarts.
    closed: bool,
    /// Key and text events typed into the customer's window, for the cashier's window's next
    /// frame ([`Self::take_keys`]).
    keys: Vec<egui::Event>,
}

impl CustomerScreen {
    /// Shows the customer's window with `view` when `config` has it on (closes it otherwise).
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        config: &CustomerScreenConfig,
        view: &CustomerView,
        shop: &str,
        lang: Lang,
        qr: &mut QrCache,
    ) {
        if !config.on || self.closed {
            return;
        }
        let mut builder = ViewportBuilder::default()
            .with_title(TITLE)
            .with_inner_size(theme::CUSTOMER_WINDOW_SIZE)
            // Opening must not take focus from the cashier's window (keys would go here).
            .with_active(false);
        if let Some(monitor) = config.monitor {
            builder = builder.with_monitor(monitor);
        }
        let id = ViewportId::from_hash_of("customer-screen");
        let (closed, keys) = ctx.show_viewport_immediate(id, builder, |ui, class| {
            if class == ViewportClass::EmbeddedWindow {
                // A backend without second windows (the UI tests) shows it inside the first.
                view_ui(ui, view, shop, lang, qr);
                return (false, Vec::new());
            }
            egui::CentralPanel::default().show(ui, |ui| view_ui(ui, view, shop, lang, qr));
            let (closed, focused, keys) = ui.input(|input| {
                let keys: Vec<egui::Event> = input
                    .events
                    .iter()
                    .filter(|event| matches!(event, egui::Event::Text(_) | egui::Event::Key { .. }))
                    .cloned()
                    .collect();
                (
                    input.viewport().close_requested(),
                    input.viewport().focused == Some(true),
                    keys,
                )
            });
            if focused || !keys.is_empty() {
                ui.ctx()
                    .send_viewport_cmd_to(ViewportId::ROOT, ViewportCommand::Focus);
            }
            (closed, keys)
        });
        self.closed |= closed;
        if !keys.is_empty() {
            self.keys.extend(keys);
            ctx.request_repaint_of(ViewportId::ROOT);
        }
    }

    /// The keys typed into the customer's window since the last call, for the cashier's window.
    pub fn take_keys(&mut self) -> Vec<egui::Event> {
        std::mem::take(&mut self.keys)
    }

    /// The settings were saved: a window closed by hand opens again if they have it on.
    pub fn reopen(&mut self) {
        self.closed = false;
    }
}

/// One screenful for the customer, centred, in large type.
fn view_ui(ui: &mut Ui, view: &CustomerView, shop: &str, lang: Lang, qr: &mut QrCache) {
    let big = |text: String| RichText::new(text).font(theme::font(theme::CUSTOMER_AMOUNT_TEXT));
    let words = |text: &str| RichText::new(text).font(theme::font(theme::LARGE_TEXT));
    ui.with_layout(Layout::top_down(Align::Center), |ui| {
        ui.add_space(theme::GAP);
        match view {
            CustomerView::Welcome => {
                ui.add_space(ui.available_height() / 3.0);
                ui.label(big(shop.to_owned()));
                ui.label(words(tr(lang, "欢迎光临", "Welcome")));
            }
            CustomerView::Typing(typed) => {
                ui.add_space(ui.available_height() / 3.0);
                ui.label(words(tr(lang, "金额", "Amount")));
                ui.label(big(format!("¥{typed}")));
            }
            CustomerView::Due(amount) => {
                ui.add_space(ui.available_height() / 3.0);
                ui.label(words(tr(lang, "应付", "To pay")));
                ui.label(big(amount.to_string()));
            }
            CustomerView::Cash { due, tendered } => {
                ui.add_space(ui.available_height() / 4.0);
                ui.label(words(tr(lang, "应付", "To pay")));
                ui.label(big(due.to_string()));
                if !tendered.is_empty() {
                    ui.label(words(&format!(
                        "{} ¥{tendered}",
                        tr(lang, "已收", "Received")
                    )));
                }
            }
            CustomerView::ShowCode(amount) => {
                ui.add_space(ui.available_height() / 4.0);
                ui.label(big(amount.to_string()));
                ui.label(words(tr(lang, "请出示付款码", "Please show your pay code")));
            }
            CustomerView::Qr {
                url,
                method,
                amount,
            } => {
                ui.label(big(amount.to_string()));
                ui.label(words(&format!(
                    "{method} · {}",
                    tr(lang, "请扫码支付", "scan to pay")
                )));
                let side = (ui.available_height() - theme::GAP)
                    .min(ui.available_width() - 2.0 * theme::GAP)
                    .max(theme::QR_MIN_SIDE);
                if let Some(texture) = qr.texture(ui.ctx(), url) {
                    ui.add(
                        egui::Image::new(texture)
                            .fit_to_exact_size(egui::vec2(side, side))
                            .alt_text(tr(lang, "付款二维码", "Payment QR")),
                    );
                }
            }
            CustomerView::Waiting { amount, method } => {
                ui.add_space(ui.available_height() / 3.0);
                ui.label(big(amount.to_string()));
                ui.label(words(&format!(
                    "{method} · {}",
                    tr(lang, "请稍候", "please wait")
                )));
            }
            CustomerView::Paid { amount, change } => {
                ui.add_space(ui.available_height() / 4.0);
                ui.label(big(tr(lang, "支付成功", "Paid").to_owned()).color(theme::PAID));
                ui.label(big(amount.to_string()));
                if let Some(change) = change {
                    ui.label(big(format!("{} {change}", tr(lang, "找零", "Change"))));
                }
                ui.label(words(tr(lang, "谢谢惠顾", "Thank you")));
            }
            CustomerView::NotPaid { amount, confirming } => {
                ui.add_space(ui.available_height() / 3.0);
                let (text, colour) = if *confirming {
                    (
                        tr(lang, "正在确认支付结果", "Confirming the payment"),
                        theme::UNKNOWN,
                    )
                } else {
                    (tr(lang, "支付未成功", "Not paid"), theme::FAILED)
                };
                ui.label(big(text.to_owned()).color(colour));
                ui.label(words(&amount.to_string()));
            }
        }
    });
}
