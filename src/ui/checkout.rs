//! The checkout screen, keyboard first: type an amount, pick a method (F1, F2 …), Enter charges.
//! Bar-code pay then waits for the scanner; scan-code pay shows the QR; both end on a result.

use std::time::{Duration, Instant};

use egui::{Align, Key, Layout, Modifiers, RichText, Ui};

use super::backend::Problem;
use super::qr::QrCache;
use super::theme;
use crate::gateway::barcode::{Wallet, detect_wallet, normalise_code};
use crate::gateway::{MethodKind, PayDisplay, PayMethod, Provider};
use crate::i18n::tr;
use crate::i18n::{Lang, Localized};
use crate::ledger::OrderRecord;
use crate::money::{AmountError, Money};
use crate::payment::runner::{PaymentRequest, Progress};
use crate::payment::state_machine::LiveStatus;
use crate::status::OrderStatus;

/// How long a result stays before Enter may start a new sale, so a scanner's or a double
/// Enter never skips it.
const RESULT_GUARD: Duration = Duration::from_millis(600);
/// A code typed faster than this per character came from a scanner.
const SCANNER_MAX_GAP: Duration = Duration::from_millis(40);
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

/// What the cashier picks: a method, or 付款码 (the code's prefix names the wallet).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// A QR, link or transfer method.
    Method(PayMethod),
    /// Bar-code pay, any wallet.
    Barcode,
}

impl Choice {
    fn label(self, lang: Lang) -> String {
        match self {
            Choice::Method(method) => method.message(lang),
            Choice::Barcode => tr(lang, "付款码", "Pay code").to_owned(),
        }
    }
}

/// What the checkout needs to know about the gateway.
#[derive(Debug, Clone)]
pub struct CheckoutInfo {
    /// The methods on offer, in key order.
    pub choices: Vec<Choice>,
    /// The single-order limit.
    pub max_amount: Money,
    /// How long a QR is shown.
    pub qr_wait: Duration,
    /// Whether this is the sandbox (shows 模拟顾客付款).
    pub is_sandbox: bool,
}

impl CheckoutInfo {
    /// The choices `provider` offers at a till: its QR, link and transfer methods that need no
    /// payer details, and 付款码 when it has bar-code pay.
    #[must_use]
    pub fn choices_for(provider: Provider) -> Vec<Choice> {
        let mut choices: Vec<Choice> = PayMethod::offered_by(provider)
            .filter(|m| m.kind() != MethodKind::Barcode && !m.needs_payer())
            .map(Choice::Method)
            .collect();
        if PayMethod::offered_by(provider).any(|m| m.kind() == MethodKind::Barcode) {
            choices.insert(choices.len().min(2), Choice::Barcode);
        }
        choices
    }
}

/// A payment on screen.
#[derive(Debug, Clone)]
pub struct Paying {
    amount: Money,
    choice: Choice,
    order_no: Option<String>,
    display: Option<PayDisplay>,
    live: LiveStatus,
    expires_at: Option<Instant>,
    cancel_sent: bool,
}

/// Where the checkout is.
#[derive(Debug, Clone)]
pub enum Phase {
    /// Typing the amount.
    Entering,
    /// Waiting for the customer's code from the scanner (or typed).
    AwaitingCode {
        /// The amount to charge.
        amount: Money,
    },
    /// The payment is under way.
    Paying(Box<Paying>),
    /// The result, with when it appeared.
    Done(Box<OrderRecord>, Instant),
}

/// The customer's code as it arrives, key by key.
#[derive(Debug, Clone, Default)]
struct ScanBuffer {
    text: String,
    first_key: Option<f64>,
    last_key: Option<f64>,
    error: Option<String>,
}

impl ScanBuffer {
    fn push(&mut self, text: &str, now: f64) {
        self.first_key.get_or_insert(now);
        self.last_key = Some(now);
        self.text.push_str(text);
        self.error = None;
    }

    /// Whether the code came in a scanner's burst rather than typed by a person.
    fn is_scanner_burst(&self) -> bool {
        let (Some(first), Some(last)) = (self.first_key, self.last_key) else {
            return false;
        };
        let chars = u32::try_from(self.text.chars().count())
            .unwrap_or(u32::MAX)
            .max(1);
        let per_char = (last - first) / f64::from(chars);
        chars >= 10 && per_char <= SCANNER_MAX_GAP.as_secs_f64()
    }
}

/// The checkout's state.
#[derive(Debug, Clone)]
pub struct CheckoutState {
    /// What is typed in the amount field.
    pub amount_text: String,
    /// The chosen method.
    pub choice: Choice,
    /// Where it is.
    pub phase: Phase,
    amount_error: Option<InputError>,
    focus_amount: bool,
    scan: ScanBuffer,
    last_scan_by_scanner: Option<bool>,
}

/// Why the last amount or payment was refused, put in words when drawn.
#[derive(Debug, Clone)]
enum InputError {
    /// The amount typed is not a valid charge.
    Amount(AmountError),
    /// The payment could not start.
    Payment(Problem),
}

impl Localized for InputError {
    fn message(&self, lang: Lang) -> String {
        match self {
            InputError::Amount(error) => error.message(lang),
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
}

impl CheckoutState {
    /// A fresh checkout with the first method chosen.
    #[must_use]
    pub fn new(info: &CheckoutInfo) -> CheckoutState {
        CheckoutState {
            amount_text: String::new(),
            choice: info.choices.first().copied().unwrap_or(Choice::Barcode),
            phase: Phase::Entering,
            amount_error: None,
            focus_amount: true,
            scan: ScanBuffer::default(),
            last_scan_by_scanner: None,
        }
    }

    /// Whether a payment is under way (the app then keeps other screens from starting one).
    #[must_use]
    pub fn is_paying(&self) -> bool {
        matches!(self.phase, Phase::Paying(_))
    }

    /// Applies a payment's progress.
    pub fn on_progress(&mut self, progress: Progress, qr_wait: Duration) {
        let Phase::Paying(paying) = &mut self.phase else {
            return;
        };
        match progress {
            Progress::Recorded(order_no) => paying.order_no = Some(order_no),
            Progress::Show(display) => {
                if !matches!(display, PayDisplay::AwaitCustomer) {
                    paying.expires_at = Some(Instant::now() + qr_wait);
                }
                paying.display = Some(display);
            }
            Progress::Live(live) => paying.live = live,
        }
    }

    /// Applies a payment's end.
    pub fn on_done(&mut self, result: Result<OrderRecord, Problem>) {
        match result {
            Ok(order) => self.phase = Phase::Done(Box::new(order), Instant::now()),
            Err(problem) => {
                self.phase = Phase::Entering;
                self.amount_error = Some(InputError::Payment(problem));
                self.focus_amount = true;
            }
        }
    }

    fn start_sale(&mut self) {
        self.amount_text.clear();
        self.amount_error = None;
        self.phase = Phase::Entering;
        self.focus_amount = true;
        self.scan = ScanBuffer::default();
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
        self.phase = Phase::Paying(Box::new(Paying {
            amount,
            choice,
            order_no: None,
            display: None,
            live: LiveStatus::Creating,
            expires_at: None,
            cancel_sent: false,
        }));
        Action::Pay(PaymentRequest {
            method,
            amount,
            description: "商品".to_owned(),
            auth_code,
            payer: None,
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
    match state.phase.clone() {
        Phase::Entering => entering_ui(ui, state, info, lang),
        Phase::AwaitingCode { amount } => awaiting_code_ui(ui, state, amount, lang),
        Phase::Paying(paying) => paying_ui(ui, state, &paying, info, lang, qr),
        Phase::Done(order, since) => {
            done_ui(ui, state, &order, since, lang);
            None
        }
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

fn consume(ui: &Ui, key: Key) -> bool {
    ui.input_mut(|input| input.consume_key(Modifiers::NONE, key))
}

fn entering_ui(
    ui: &mut Ui,
    state: &mut CheckoutState,
    info: &CheckoutInfo,
    lang: Lang,
) -> Option<Action> {
    for (index, choice) in info.choices.iter().enumerate() {
        if FUNCTION_KEYS
            .get(index)
            .is_some_and(|key| consume(ui, *key))
        {
            state.choice = *choice;
        }
    }
    let mut charge = consume(ui, Key::Enter);

    ui.add_space(theme::GAP * 2.0);
    centred_column(ui, |ui| {
        ui.label(
            RichText::new(tr(lang, "收款金额", "Amount"))
                .font(theme::font(theme::BODY_TEXT))
                .color(theme::MUTED),
        );
        ui.horizontal(|ui| {
            ui.label(RichText::new("¥").font(theme::font(theme::HUGE_TEXT)));
            let field = egui::TextEdit::singleline(&mut state.amount_text)
                .id_salt("amount")
                .font(theme::font(theme::HUGE_TEXT))
                .hint_text("0.00")
                .desired_width(ui.available_width());
            let response = ui.add(field);
            if state.focus_amount {
                response.request_focus();
                state.focus_amount = false;
            }
            if response.changed() {
                state.amount_error = match Money::parse_charge(&state.amount_text, info.max_amount)
                {
                    Err(error) if !state.amount_text.trim().is_empty() => {
                        Some(InputError::Amount(error))
                    }
                    _ => None,
                };
            }
        });
        match &state.amount_error {
            Some(error) => ui.label(RichText::new(error.message(lang)).color(theme::FAILED)),
            None => ui.label(""),
        };
        ui.add_space(theme::GAP);
        ui.label(RichText::new(tr(lang, "支付方式", "Pay method")).color(theme::MUTED));
        ui.horizontal_wrapped(|ui| {
            for (index, choice) in info.choices.iter().enumerate() {
                let key = FUNCTION_KEYS
                    .get(index)
                    .map_or(String::new(), |key| format!("{} ", key.name()));
                let selected = state.choice == *choice;
                let button =
                    egui::Button::selectable(selected, format!("{key}{}", choice.label(lang)))
                        .min_size(egui::vec2(
                            theme::METHOD_BUTTON_WIDTH,
                            theme::BIG_BUTTON_HEIGHT,
                        ));
                if ui.add(button).clicked() {
                    state.choice = *choice;
                    state.focus_amount = true;
                }
            }
        });
        ui.add_space(theme::GAP);
        let button = egui::Button::new(
            RichText::new(tr(lang, "收款 (Enter)", "Charge (Enter)"))
                .font(theme::font(theme::LARGE_TEXT))
                .color(theme::ON_COLOUR),
        )
        .fill(theme::PAID)
        .min_size(egui::vec2(
            ui.available_width(),
            theme::BIG_BUTTON_HEIGHT + 12.0,
        ));
        charge |= ui.add(button).clicked();
        ui.add_space(theme::GAP);
        ui.label(
            RichText::new(tr(
                lang,
                "输入金额 → F 键选择支付方式 → Enter 收款；付款码收款后直接扫码",
                "Type the amount → pick a method with an F key → Enter; for pay codes, then scan",
            ))
            .color(theme::MUTED),
        );
    });
    if !charge {
        return None;
    }
    match Money::parse_charge(&state.amount_text, info.max_amount) {
        Ok(amount) if state.choice == Choice::Barcode => {
            state.phase = Phase::AwaitingCode { amount };
            state.scan = ScanBuffer::default();
            None
        }
        Ok(amount) => Some(state.pay(amount, state.choice, None)),
        Err(error) => {
            state.amount_error = Some(InputError::Amount(error));
            state.focus_amount = true;
            None
        }
    }
}

/// Reads the scanner's keys straight from the input, wherever focus is, so a burst is never
/// lost or doubled by a text field.
fn awaiting_code_ui(
    ui: &mut Ui,
    state: &mut CheckoutState,
    amount: Money,
    lang: Lang,
) -> Option<Action> {
    let mut submit = false;
    let now = ui.input(|input| input.time);
    let events = ui.input(|input| input.events.clone());
    for event in events {
        match event {
            egui::Event::Text(text) if !submit => state.scan.push(&text, now),
            egui::Event::Key {
                key: Key::Enter,
                pressed: true,
                ..
            } => submit = true,
            egui::Event::Key {
                key: Key::Backspace,
                pressed: true,
                ..
            } => {
                state.scan.text.pop();
            }
            egui::Event::Key {
                key: Key::Escape,
                pressed: true,
                ..
            } => {
                state.phase = Phase::Entering;
                state.focus_amount = true;
                return None;
            }
            _ => {}
        }
    }
    ui.memory_mut(egui::Memory::stop_text_input);
    let code = normalise_code(&state.scan.text);
    centred_column(ui, |ui| {
        ui.add_space(theme::GAP);
        ui.label(RichText::new(amount.to_string()).font(theme::font(theme::HUGE_TEXT)));
        ui.label(
            RichText::new(tr(
                lang,
                "请扫描顾客的付款码",
                "Scan the customer's payment code",
            ))
            .font(theme::font(theme::LARGE_TEXT)),
        );
        let shown = if code.is_empty() {
            tr(lang, "等待扫码…", "Waiting for the scanner…").to_owned()
        } else {
            code.clone()
        };
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.set_min_width(360.0);
            ui.label(
                RichText::new(shown)
                    .monospace()
                    .font(theme::font(theme::LARGE_TEXT)),
            );
        });
        if !code.is_empty() {
            match detect_wallet(&code) {
                Ok(Wallet::Wechat) => ui.label(tr(lang, "微信付款码", "WeChat pay code")),
                Ok(Wallet::Alipay) => ui.label(tr(lang, "支付宝付款码", "Alipay pay code")),
                Err(_) => ui.label(
                    RichText::new(tr(
                        lang,
                        "无法识别的付款码（微信 10–15 开头 18 位，支付宝 25–30 开头）",
                        "Unknown code (WeChat: 18 digits from 10–15; Alipay: from 25–30)",
                    ))
                    .color(theme::UNKNOWN),
                ),
            };
        }
        if let Some(error) = &state.scan.error {
            ui.label(RichText::new(error).color(theme::FAILED));
        }
        ui.horizontal(|ui| {
            submit |= ui
                .button(tr(lang, "确认 (Enter)", "Confirm (Enter)"))
                .clicked();
            if ui.button(tr(lang, "返回 (Esc)", "Back (Esc)")).clicked() {
                state.phase = Phase::Entering;
                state.focus_amount = true;
            }
        });
    });
    if !submit || !matches!(state.phase, Phase::AwaitingCode { .. }) {
        return None;
    }
    match detect_wallet(&code) {
        Ok(_) => {
            state.last_scan_by_scanner = Some(state.scan.is_scanner_burst());
            Some(state.pay(amount, Choice::Barcode, Some(code)))
        }
        Err(error) => {
            state.scan = ScanBuffer {
                error: Some(error.message(lang)),
                ..ScanBuffer::default()
            };
            None
        }
    }
}

fn paying_ui(
    ui: &mut Ui,
    state: &mut CheckoutState,
    paying: &Paying,
    info: &CheckoutInfo,
    lang: Lang,
    qr: &mut QrCache,
) -> Option<Action> {
    consume(ui, Key::Enter);
    let mut action = None;
    let cancel = consume(ui, Key::Escape);
    ui.horizontal_top(|ui| {
        if let Some(PayDisplay::QrCode(url) | PayDisplay::Link(url)) = &paying.display
            && let Some(texture) = qr.texture(ui.ctx(), url)
        {
            let side = theme::QR_MIN_SIDE.max(ui.available_height().min(480.0) - 40.0);
            ui.add(
                egui::Image::new(texture)
                    .fit_to_exact_size(egui::vec2(side, side))
                    .alt_text(tr(lang, "付款二维码", "Payment QR")),
            );
        }
        ui.vertical(|ui| {
            ui.label(RichText::new(paying.amount.to_string()).font(theme::font(theme::HUGE_TEXT)));
            ui.label(RichText::new(paying.choice.label(lang)).font(theme::font(theme::LARGE_TEXT)));
            if let Some(PayDisplay::Transfer(transfer)) = &paying.display {
                transfer_ui(ui, transfer, lang);
            }
            ui.add_space(theme::GAP);
            ui.horizontal(|ui| {
                ui.spinner();
                let colour = if paying.live == LiveStatus::Confirming {
                    theme::UNKNOWN
                } else {
                    ui.visuals().text_color()
                };
                ui.label(
                    RichText::new(paying.live.message(lang))
                        .font(theme::font(theme::LARGE_TEXT))
                        .color(colour),
                );
            });
            if let Some(expires_at) = paying.expires_at {
                let left = expires_at.saturating_duration_since(Instant::now());
                ui.label(format!(
                    "{} {:02}:{:02}",
                    tr(lang, "二维码有效期", "QR expires in"),
                    left.as_secs() / 60,
                    left.as_secs() % 60
                ));
                // The countdown is the only thing that changes without an event.
                ui.ctx().request_repaint_after(Duration::from_secs(1));
            }
            if let Some(order_no) = &paying.order_no {
                ui.label(
                    RichText::new(format!("{} {order_no}", tr(lang, "订单号", "Order")))
                        .color(theme::MUTED),
                );
            }
            ui.add_space(theme::GAP);
            if ui
                .button(tr(lang, "停止等待 (Esc)", "Stop waiting (Esc)"))
                .clicked()
                || cancel
            {
                action = Some(Action::Cancel);
            }
            let pay_url = match &paying.display {
                Some(PayDisplay::QrCode(url) | PayDisplay::Link(url)) => Some(url.clone()),
                _ => None,
            };
            if info.is_sandbox
                && let Some(url) = pay_url
                && ui
                    .button(tr(lang, "模拟顾客付款", "Simulate customer payment"))
                    .clicked()
            {
                action = Some(Action::SimulatePay(url));
            }
        });
    });
    if action == Some(Action::Cancel)
        && let Phase::Paying(paying) = &mut state.phase
    {
        // Esc pressed again while the first cancel is on its way changes nothing.
        if paying.cancel_sent {
            return None;
        }
        paying.cancel_sent = true;
    }
    action
}

fn transfer_ui(ui: &mut Ui, transfer: &crate::gateway::TransferInstructions, lang: Lang) {
    ui.label(
        RichText::new(format!(
            "{} {}",
            tr(lang, "请转账", "Transfer exactly"),
            transfer.amount
        ))
        .font(theme::font(theme::LARGE_TEXT))
        .color(theme::UNKNOWN),
    );
    egui::Grid::new("transfer").num_columns(2).show(ui, |ui| {
        for (label, value) in [
            (tr(lang, "收款账号", "Account"), &transfer.account),
            (tr(lang, "银行卡号", "Card"), &transfer.bank_card),
            (tr(lang, "开户银行", "Bank"), &transfer.bank_name),
            (tr(lang, "户名", "Name"), &transfer.real_name),
            (
                tr(lang, "附言（必填）", "Note (required)"),
                &transfer.note_code,
            ),
        ] {
            if let Some(value) = value {
                ui.label(label);
                ui.label(RichText::new(value).font(theme::font(theme::LARGE_TEXT)));
                ui.end_row();
            }
        }
    });
}

fn done_ui(
    ui: &mut Ui,
    state: &mut CheckoutState,
    order: &OrderRecord,
    since: Instant,
    lang: Lang,
) {
    let ready = since.elapsed() >= RESULT_GUARD;
    let next = consume(ui, Key::Enter) | consume(ui, Key::Escape);
    if !ready {
        ui.ctx().request_repaint_after(RESULT_GUARD);
    }
    let (headline, detail) = result_text(order, lang);
    ui.add_space(theme::GAP * 2.0);
    ui.with_layout(Layout::top_down(Align::Center), |ui| {
        ui.label(
            RichText::new(headline)
                .font(theme::font(theme::HUGE_TEXT))
                .color(theme::status_colour(order.status))
                .strong(),
        );
        if let Some(detail) = detail {
            ui.label(RichText::new(detail).font(theme::font(theme::LARGE_TEXT)));
        }
        ui.label(format!(
            "{} · {}",
            order.method.message(lang),
            order.order_no
        ));
        if let Some(by_scanner) = state
            .last_scan_by_scanner
            .filter(|_| order.method.kind() == MethodKind::Barcode)
        {
            ui.label(
                RichText::new(if by_scanner {
                    tr(lang, "扫码枪输入", "Scanned")
                } else {
                    tr(lang, "手动输入", "Typed by hand")
                })
                .color(theme::MUTED),
            );
        }
        ui.add_space(theme::GAP);
        let clicked = ui
            .button(
                RichText::new(tr(lang, "新的收款 (Enter)", "New sale (Enter)"))
                    .font(theme::font(theme::LARGE_TEXT)),
            )
            .clicked();
        if clicked || (next && ready) {
            state.start_sale();
        }
    });
}

fn result_text(order: &OrderRecord, lang: Lang) -> (String, Option<String>) {
    let paid = order.paid.unwrap_or(order.amount);
    match order.status {
        OrderStatus::Paid => (format!("{} {paid}", tr(lang, "支付成功", "Paid")), None),
        OrderStatus::Failed => (
            format!(
                "{} {}",
                tr(lang, "支付失败", "Payment failed"),
                order.amount
            ),
            Some(order.last_error.clone().unwrap_or_default()),
        ),
        OrderStatus::AmountMismatch => (
            format!(
                "{} {paid}",
                tr(lang, "金额不符：实付", "Amount differs: paid")
            ),
            Some(format!(
                "{} {}，{}",
                tr(lang, "订单金额", "asked"),
                order.amount,
                tr(lang, "请核对", "please check")
            )),
        ),
        OrderStatus::Creating | OrderStatus::Pending | OrderStatus::Unresolved => (
            format!(
                "{} {}",
                tr(lang, "结果未知", "Result unknown"),
                order.amount
            ),
            Some(
                tr(
                    lang,
                    "订单已保存，将在后台继续查询；可在“未完成订单”中重新查询",
                    "The order is kept and queried again in the background; see Unresolved",
                )
                .to_owned(),
            ),
        ),
    }
}
