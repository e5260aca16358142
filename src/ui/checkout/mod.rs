//! The checkout screen, keyboard first: type an amount, pick a method (F1, F2 …), Enter charges.
//! Bar-code pay then waits for the scanner (or the code is scanned right after the amount);
//! scan-code pay shows the QR; both end on a result, where typing the next amount starts the next
//! sale.
//!
//! Every key is read from the input events wherever focus is ([`super::amount_entry`]), so no
//! keystroke is lost to a text field that gave up focus.

mod card_form;
mod cash;
mod choices;
mod code;
mod customer_view;
mod done;
mod entering;
mod payer;
mod paying;
mod status_lines;

use std::time::{Duration, Instant};

use egui::{Key, Modifiers, Ui};

use super::amount_entry::AmountEntry;
use super::backend::Problem;
use super::qr::QrCache;
use super::theme;
use crate::gateway::barcode::{Wallet, detect_wallet};
use crate::gateway::{PayDisplay, PayMethod};
use crate::i18n::{Lang, Localized, tr};
use crate::ledger::OrderRecord;
use crate::money::{AmountError, Money};
use crate::payment::runner::{PaymentRequest, Progress};
use crate::payment::state_machine::LiveStatus;

pub use choices::{CheckoutInfo, Choice};
pub use code::ScanError;
pub use customer_view::CustomerView;

/// How long a result stays before Enter may start a new sale, so a scanner's or a double
/// Enter never skips it.
const RESULT_GUARD: Duration = Duration::from_millis(600);
/// The function keys, in the order methods are listed.
const FUNCTION_KEYS: [Key; 12] = [
    Key::F1,
    Key::F2,
    Key::F3,
    Key::F4,
    Key::F5,
    Key::F6,
    Key::F7,
    Key::F8,
    Key::F9,
    Key::F10,
    Key::F11,
    Key::F12,
];

/// A payment on screen.
#[derive(Debug, Clone)]
pub struct Paying {
    amount: Money,
    /// For bar-code pay, the wallet's method once the code named it.
    choice: Choice,
    order_no: Option<String>,
    display: Option<PayDisplay>,
    live: LiveStatus,
    /// A bank transfer's payer, masked.
    payer: Option<String>,
    /// When the live wait ends (the QR's expiry, the bar-code wait's deadline).
    expires_at: Option<Instant>,
    cancel_sent: bool,
    /// The customer offered a pay code while the QR showed: the QR order is being stopped, and
    /// this code pays the same amount by bar-code pay once it has.
    replaced_by: Option<String>,
}

impl Paying {
    /// A payment of `amount` just asked for, nothing heard yet.
    fn new(amount: Money, choice: Choice) -> Paying {
        Paying {
            amount,
            choice,
            order_no: None,
            display: None,
            live: LiveStatus::Creating,
            payer: None,
            expires_at: None,
            cancel_sent: false,
            replaced_by: None,
        }
    }
}

/// Where the checkout is.
#[derive(Debug, Clone)]
pub enum Phase {
    /// Typing the amount.
    Entering,
    /// Cash: typing what the customer handed over.
    Tendering {
        /// The amount to charge.
        amount: Money,
        /// When the screen opened (egui's input time, seconds): an Enter within
        /// [`RESULT_GUARD`] of the one that opened it is a reflex double Enter, not "exact".
        opened_at: f64,
    },
    /// A bank transfer: typing the payer's name and account.
    Payer {
        /// The amount to charge.
        amount: Money,
        /// The transfer method.
        method: PayMethod,
    },
    /// Quick pay: typing the card holder.
    Card {
        /// The amount to charge.
        amount: Money,
        /// The quick-pay method (its card type).
        method: PayMethod,
    },
    /// Waiting for the customer's code from the scanner (or typed).
    AwaitingCode {
        /// The amount to charge.
        amount: Money,
    },
    /// The payment is under way.
    Paying(Box<Paying>),
    /// The result, with when a frame first showed it (egui's input time, seconds; `None` until
    /// then): Enter waits [`RESULT_GUARD`] from there.
    Done(Box<OrderRecord>, Option<f64>),
}

/// Why the last amount or payment was refused, put in words when drawn.
#[derive(Debug, Clone)]
enum InputError {
    /// The amount typed is not a valid charge.
    Amount(AmountError),
    /// A code was scanned before a valid amount was typed.
    NeedAmount,
    /// The payment could not start.
    Payment(Problem),
}

impl Localized for InputError {
    fn message(&self, lang: Lang) -> String {
        match self {
            InputError::Amount(error) => error.message(lang),
            InputError::NeedAmount => tr(
                lang,
                "请先输入金额，再扫描顾客的付款码",
                "Type the amount first, then scan the customer's code",
            )
            .to_owned(),
            InputError::Payment(problem) => problem.message(lang),
        }
    }
}

/// What the checkout asks the app to do.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub enum Action {
    /// Start a payment.
    Pay(PaymentRequest),
    /// Stop waiting.
    Cancel,
    /// Sandbox: the customer pays.
    SimulatePay(String),
    /// Quick pay: open the order's pay page (number, page) in the browser again.
    ReopenCardPage(String, String),
    /// The customer offers a pay code while the QR shows: stop the QR order (it is kept and
    /// queried, marked as replaced) and charge the same amount with this code.
    Replace(String),
    /// Write a cash sale: the amount, and what the customer handed over.
    Cash(Money, Money),
    /// The customer is asked for cash or a pay code: show them the amount due.
    ShowDue(Money),
    /// Print this order's receipt.
    Print(String),
    /// Go to the shift screen (开班).
    Shifts,
    /// Open the cash drawer by hand (开钱箱).
    OpenDrawer,
}

/// The checkout's state.
#[derive(Debug, Clone)]
pub struct CheckoutState {
    /// What is typed as the amount.
    pub entry: AmountEntry,
    /// Cash: what is typed as handed over.
    tendered: AmountEntry,
    /// A bank transfer: the payer as typed.
    payer: payer::PayerForm,
    /// Quick pay: the card holder as typed.
    card: card_form::CardForm,
    /// The chosen method.
    pub choice: Choice,
    /// Where it is.
    pub phase: Phase,
    amount_error: Option<InputError>,
    scan: code::ScanBuffer,
    /// Keys read while a QR shows, to tell a scanner's burst (a pay code offered instead).
    code_during_wait: AmountEntry,
    last_scan_by_scanner: Option<bool>,
    /// The method was changed by a key (F-key, arrow): its button is scrolled into view.
    method_moved_by_key: bool,
}

impl CheckoutState {
    /// A fresh checkout with the first method chosen.
    #[must_use]
    pub fn new(info: &CheckoutInfo) -> CheckoutState {
        CheckoutState {
            entry: AmountEntry::default(),
            tendered: AmountEntry::default(),
            payer: payer::PayerForm::default(),
            card: card_form::CardForm::default(),
            choice: info.choices.first().copied().unwrap_or(Choice::Barcode),
            phase: Phase::Entering,
            amount_error: None,
            scan: code::ScanBuffer::default(),
            code_during_wait: AmountEntry::default(),
            last_scan_by_scanner: None,
            method_moved_by_key: false,
        }
    }

    /// Whether a payment is under way (the app then keeps other screens from starting one).
    #[must_use]
    pub fn is_paying(&self) -> bool {
        matches!(self.phase, Phase::Paying(_))
    }

    /// Applies a payment's progress.
    pub fn on_progress(&mut self, progress: Progress, info: &CheckoutInfo) {
        let Phase::Paying(paying) = &mut self.phase else {
            return;
        };
        match progress {
            Progress::Recorded(order_no) => paying.order_no = Some(order_no),
            Progress::Show(display) => {
                let wait = match display {
                    PayDisplay::AwaitCustomer => info.barcode_wait,
                    _ => info.qr_wait,
                };
                paying.expires_at = Some(Instant::now() + wait);
                paying.display = Some(display);
            }
            Progress::Live(live) => paying.live = live,
        }
    }

    /// A payment ended while a pay code waits to replace it (see [`Action::Replace`]): the
    /// bar-code payment to start now, with the replaced order's number. None when nothing waits,
    /// or when the QR order got paid meanwhile (then the result shows, and the code is not
    /// charged: the customer paid once).
    pub fn replacement(&mut self, ended: &OrderRecord) -> Option<(Action, String)> {
        let Phase::Paying(paying) = &mut self.phase else {
            return None;
        };
        let code = paying.replaced_by.take()?;
        if !matches!(
            ended.status,
            crate::status::OrderStatus::Unresolved
                | crate::status::OrderStatus::Pending
                | crate::status::OrderStatus::Creating
        ) {
            return None;
        }
        let amount = paying.amount;
        self.last_scan_by_scanner = Some(true);
        let action = self.pay(amount, Choice::Barcode, Some(code));
        Some((action, ended.order_no.clone()))
    }

    /// Applies a payment's end.
    pub fn on_done(&mut self, result: Result<OrderRecord, Problem>) {
        match result {
            Ok(order) => self.phase = Phase::Done(Box::new(order), None),
            Err(problem) => {
                self.phase = Phase::Entering;
                self.amount_error = Some(InputError::Payment(problem));
            }
        }
    }

    /// A later state of an order (a late payment): the result on screen, if it is that order's,
    /// shows it.
    pub fn on_order_update(&mut self, order: &OrderRecord) {
        if let Phase::Done(shown, _) = &mut self.phase
            && shown.order_no == order.order_no
        {
            **shown = order.clone();
        }
    }

    /// Digits typed on another tab (history, unresolved orders): they go to the amount, as if
    /// typed here, when the checkout waits for one (or shows a result, which starts the next
    /// sale). Returns the amount as it now reads, or `None` when the checkout is busy (a payment
    /// under way, a tender or payer form), which then keeps nothing.
    pub fn typed_elsewhere(&mut self, typed: &str) -> Option<String> {
        match self.phase {
            Phase::Done(..) => self.start_sale(""),
            Phase::Entering => {}
            _ => return None,
        }
        self.entry.text.push_str(typed);
        self.amount_error = None;
        Some(self.entry.text.clone())
    }

    /// Starts the next sale with `typed` as the start of its amount.
    fn start_sale(&mut self, typed: &str) {
        self.entry = AmountEntry::with_text(typed);
        self.amount_error = None;
        self.phase = Phase::Entering;
        self.scan = code::ScanBuffer::default();
    }

    fn pay_with_payer(
        &mut self,
        amount: Money,
        method: PayMethod,
        payer: crate::gateway::changpay::Payer,
    ) -> Action {
        let mut action = self.pay(amount, Choice::Method(method), None);
        if let Phase::Paying(paying) = &mut self.phase {
            paying.payer = Some(payer.masked());
        }
        if let Action::Pay(request) = &mut action {
            request.payer = Some(payer);
        }
        action
    }

    fn pay_with_card(
        &mut self,
        amount: Money,
        method: PayMethod,
        card: crate::gateway::card_payer::CardPayer,
    ) -> Action {
        let mut action = self.pay(amount, Choice::Method(method), None);
        if let Phase::Paying(paying) = &mut self.phase {
            paying.payer = Some(card.masked());
        }
        if let Action::Pay(request) = &mut action {
            request.card = Some(card);
        }
        action
    }

    fn pay(&mut self, amount: Money, choice: Choice, auth_code: Option<String>) -> Action {
        let method = match (choice, &auth_code) {
            (Choice::Method(method), _) => method,
            (Choice::Barcode, Some(code)) => match detect_wallet(code) {
                Ok(Wallet::Alipay) => PayMethod::AlipayBarcode,
                _ => PayMethod::WechatBarcode,
            },
            (Choice::Barcode, None) => PayMethod::WechatBarcode,
        };
        self.phase = Phase::Paying(Box::new(Paying::new(amount, Choice::Method(method))));
        Action::Pay(PaymentRequest {
            method,
            amount,
            description: "商品".to_owned(),
            auth_code,
            payer: None,
            card: None,
        })
    }
}

/// Draws the checkout and handles its keys.
pub fn checkout_ui(
    ui: &mut Ui,
    state: &mut CheckoutState,
    info: &CheckoutInfo,
    lang: Lang,
    qr: &mut QrCache,
) -> Option<Action> {
    // No text field on the checkout takes keys (they are read from the events below), but for
    // the payer's and the card holder's forms, whose names may be typed through an input method.
    if !matches!(state.phase, Phase::Payer { .. } | Phase::Card { .. }) {
        ui.memory_mut(egui::Memory::stop_text_input);
    }
    match state.phase.clone() {
        Phase::Payer { amount, method } => payer::payer_ui(ui, state, amount, method, lang),
        Phase::Card { amount, method } => card_form::card_form_ui(ui, state, amount, method, lang),
        Phase::Entering => entering::entering_ui(ui, state, info, lang),
        Phase::Tendering { amount, opened_at } => {
            cash::tendering_ui(ui, state, amount, opened_at, lang)
        }
        Phase::AwaitingCode { amount } => code::awaiting_code_ui(ui, state, amount, lang),
        Phase::Paying(paying) => paying::paying_ui(ui, state, &paying, info, lang, qr),
        Phase::Done(order, since) => done::done_ui(ui, state, &order, since, info, lang),
    }
}

/// A column of the checkout's width in the middle of the screen.
fn centred_column<R>(ui: &mut Ui, add_contents: impl FnOnce(&mut Ui) -> R) -> R {
    let width = theme::CHECKOUT_WIDTH.min(ui.available_width());
    let margin = ((ui.available_width() - width) / 2.0).max(0.0);
    ui.horizontal_top(|ui| {
        ui.add_space(margin);
        ui.vertical(|ui| {
            ui.set_width(width);
            add_contents(ui)
        })
        .inner
    })
    .inner
}

/// A form's heading: the method and amount, large, and what the form asks for, muted.
fn form_heading_ui(ui: &mut Ui, method: PayMethod, amount: Money, asks: &str, lang: Lang) {
    ui.label(
        egui::RichText::new(format!("{} {amount}", method.message(lang)))
            .font(theme::font(theme::LARGE_TEXT)),
    );
    ui.label(egui::RichText::new(asks).color(theme::MUTED));
    ui.add_space(theme::GAP);
}

/// The form's 收款 (Enter) button, live once what was typed is right, and the Esc hint beneath:
/// whether it was clicked.
fn charge_button_ui(ui: &mut Ui, enabled: bool, lang: Lang) -> bool {
    ui.add_space(theme::GAP);
    let clicked = ui
        .add_enabled(
            enabled,
            egui::Button::new(
                egui::RichText::new(tr(lang, "收款 (Enter)", "Charge (Enter)"))
                    .font(theme::font(theme::LARGE_TEXT)),
            ),
        )
        .clicked();
    ui.label(
        egui::RichText::new(tr(lang, "Esc 返回修改金额", "Esc: back to the amount"))
            .color(theme::MUTED),
    );
    clicked
}

fn consume(ui: &Ui, key: Key) -> bool {
    ui.input_mut(|input| input.consume_key(Modifiers::NONE, key))
}

/// The countdown to `expires_at` as `mm:ss`; asks for the next repaint when the second changes,
/// the only thing on a wait screen that changes without an event.
fn countdown_text(ui: &Ui, expires_at: Instant) -> String {
    let left = expires_at.saturating_duration_since(Instant::now());
    if !left.is_zero() {
        let into_second = Duration::from_nanos(u64::from(left.subsec_nanos()));
        ui.ctx()
            .request_repaint_after(into_second + Duration::from_millis(5));
    }
    format!("{:02}:{:02}", left.as_secs() / 60, left.as_secs() % 60)
}
