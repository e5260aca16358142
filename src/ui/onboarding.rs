//! 新商户进件: qht's merchant onboarding in the window — every field of the spec's form, checked as
//! it is typed (the first field that cannot be sent is named), phone, ID and card numbers masked
//! (`1380****8000`) once the cursor leaves them. 提交进件 sends it; the merchant number and key it
//! returns are shown to the owner (the key only by its length and last four characters) and go
//! into the settings, saved with the old config kept as a backup, only once confirmed. A phone that is
//! registered already brings back the same merchant (进件查询); 查询进件状态 asks with the phone and
//! ID number alone, for an owner who registered before (or elsewhere) and comes back for the
//! result. Either way the gateway's own message is shown with the merchant number.

use egui::{RichText, Ui};

use super::backend::Problem;
use super::theme;
use crate::gateway::qht::onboarding_failure::{Asked, OnboardingFailure};
use crate::gateway::qht::onboarding_form::{FIELDS, OnboardingForm};
use crate::i18n::{Lang, Localized, tr};
use crate::secret::mask_number;

/// The onboarding screen's state.
#[derive(Debug, Clone)]
pub struct OnboardingState {
    /// One value per [`FIELDS`] entry.
    pub values: Vec<String>,
    /// A submission is under way.
    pub busy: bool,
    /// The last submission's or status query's outcome: the merchant, or why not.
    pub outcome: Option<Result<Registered, Problem>>,
    /// A merchant the gateway returned, shown to the owner before it replaces the one in the
    /// settings (a look-alike gateway must not switch where the money goes quietly).
    pub pending: Option<crate::gateway::qht::MerchantCredentials>,
    /// What the last call asked: a registration or a status query (their failures read apart).
    asked: Asked,
    /// Whether a submission was tried (errors show from then on, not while a person starts).
    tried: bool,
    /// The screen was just opened: the cursor goes to the first empty field, so the owner types
    /// straight away and Tabs on. Counts the frames still allowed to try (a grid's first frame is
    /// a discarded sizing pass, and a frame with a click drops focus).
    focus_tries: u8,
}

impl Default for OnboardingState {
    fn default() -> Self {
        OnboardingState {
            values: vec![String::new(); FIELDS.len()],
            busy: false,
            outcome: None,
            pending: None,
            asked: Asked::Registration,
            tried: false,
            focus_tries: FOCUS_TRIES,
        }
    }
}

/// A merchant the gateway has registered, as the onboarding screen shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registered {
    /// 商户号.
    pub merchant_no: String,
    /// The gateway's own message (`msg`), as it said it.
    pub gateway_says: String,
}

/// Frames allowed to place the cursor when the screen opens.
const FOCUS_TRIES: u8 = 5;

impl OnboardingState {
    /// The screen is opened (again): the cursor goes to the first empty field.
    pub fn opened(&mut self) {
        self.focus_tries = FOCUS_TRIES;
    }
}

/// What the onboarding screen asks for.
#[derive(Debug, Clone)]
#[must_use]
pub enum OnboardingAction {
    /// Send the form.
    Submit(Box<OnboardingForm>),
    /// Ask the gateway for the merchant registered with this phone and ID number (进件查询).
    Query {
        /// The phone number.
        cellphone: String,
        /// The ID number.
        id_card: String,
    },
    /// Put the returned merchant in the settings and save them (the old config kept as a backup).
    Confirm(Box<crate::gateway::qht::MerchantCredentials>),
    /// Keep the settings as they are.
    Discard,
    /// Back to the settings.
    Back,
}

/// Draws the onboarding screen; `notify` is the notification address the form will carry,
/// `gateway` the address it goes to and `merchant_now` the merchant in the settings now.
pub fn onboarding_ui(
    ui: &mut Ui,
    state: &mut OnboardingState,
    (notify, gateway): (&str, &str),
    merchant_now: &str,
    lang: Lang,
) -> Option<OnboardingAction> {
    match &state.pending {
        Some(pending) => confirm_ui(ui, pending, gateway, merchant_now, lang),
        None => form_ui(ui, state, notify, lang),
    }
}

/// The form, its check and its buttons; the outcome of the last call under them.
fn form_ui(
    ui: &mut Ui,
    state: &mut OnboardingState,
    notify: &str,
    lang: Lang,
) -> Option<OnboardingAction> {
    let mut action = None;
    ui.heading(tr(lang, "钱汇通新商户进件", "qht merchant onboarding"));
    ui.label(
        RichText::new(tr(
            lang,
            "按身份证和银行卡如实填写；提交后返回商户号，密钥自动保存到设置中（不显示）。",
            "As on the ID card and bank card; the merchant number comes back and the key is saved into the settings (never shown).",
        ))
        .color(theme::MUTED),
    );
    ui.add_space(theme::GAP);
    let place_cursor = cursor_to_place(ui, state);
    let first_empty = state.values.iter().position(|v| v.trim().is_empty());
    let half = FIELDS.len().div_ceil(2);
    ui.columns(2, |columns| {
        for (column, range) in [(0, 0..half), (1, half..FIELDS.len())] {
            egui::Grid::new(("onboarding", column))
                .num_columns(2)
                .spacing(theme::ONBOARDING_SPACING)
                .show(&mut columns[column], |ui| {
                    for index in range {
                        let cursor = place_cursor && first_empty == Some(index);
                        field_ui(ui, state, index, cursor, lang);
                        ui.end_row();
                    }
                });
        }
    });
    ui.add_space(theme::GAP);
    let form = OnboardingForm::from_values(&state.values);
    let checked = form.check(Some(notify));
    let empty = state.values.iter().filter(|v| v.trim().is_empty()).count();
    match (&checked, state.tried || empty == 0) {
        (Err(error), true) => {
            ui.label(RichText::new(error.message(lang)).color(theme::FAILED));
        }
        (Err(_), false) => {
            let left = match lang {
                Lang::Zh => format!("还有 {empty} 项未填"),
                Lang::En => format!("{empty} fields left"),
            };
            ui.label(RichText::new(left).color(theme::MUTED));
        }
        (Ok(_), _) => {
            ui.label(
                RichText::new(tr(lang, "表单已填好，可以提交", "Ready to send")).color(theme::PAID),
            );
        }
    }
    ui.horizontal(|ui| {
        let submit = ui.add_enabled(
            !state.busy,
            egui::Button::new(
                RichText::new(tr(lang, "提交进件", "Send")).font(theme::font(theme::LARGE_TEXT)),
            ),
        );
        if submit.clicked() {
            state.tried = true;
            if checked.is_ok() {
                state.busy = true;
                state.outcome = None;
                state.asked = Asked::Registration;
                action = Some(OnboardingAction::Submit(Box::new(form.clone())));
            }
        }
        let lookup = form.check_lookup();
        let query = ui
            .add_enabled(
                !state.busy && lookup.is_ok(),
                egui::Button::new(tr(lang, "查询进件状态", "Ask for the status")),
            )
            .on_hover_text(tr(
                lang,
                "已经提交过？只需手机号和身份证号",
                "Sent before? The phone and ID number are enough",
            ))
            .on_disabled_hover_text(tr(
                lang,
                "先填好手机号和身份证号",
                "Fill in the phone and ID number first",
            ));
        if let (true, Ok((cellphone, id_card))) = (query.clicked(), lookup) {
            state.busy = true;
            state.outcome = None;
            state.asked = Asked::StatusQuery;
            action = Some(OnboardingAction::Query { cellphone, id_card });
        }
        if ui
            .button(tr(lang, "返回设置", "Back to settings"))
            .clicked()
        {
            action = Some(OnboardingAction::Back);
        }
        if state.busy {
            ui.label(RichText::new(tr(lang, "正在提交…", "Sending…")).color(theme::MUTED));
        }
    });
    outcome_ui(ui, state.outcome.as_ref(), state.asked, lang);
    action
}

/// The merchant the gateway returned, to be confirmed before it replaces the settings' one: its
/// number, the gateway that answered, the key's length and last four characters (never the key),
/// what it replaces.
fn confirm_ui(
    ui: &mut Ui,
    pending: &crate::gateway::qht::MerchantCredentials,
    gateway: &str,
    merchant_now: &str,
    lang: Lang,
) -> Option<OnboardingAction> {
    let mut action = None;
    ui.heading(tr(lang, "确认新的收款商户", "Confirm the new merchant"));
    ui.add_space(theme::GAP);
    let key = pending.md5_key.expose();
    let tail: String = key
        .chars()
        .skip(key.chars().count().saturating_sub(4))
        .collect();
    let (merchant, answered, key_line, replaces) = match lang {
        Lang::Zh => (
            format!("商户号：{}", pending.merchant_no),
            format!("返回自：{gateway}"),
            format!("密钥：{} 位，末四位 {tail}", key.chars().count()),
            if merchant_now.trim().is_empty() {
                "确认后收款进入此商户。".to_owned()
            } else {
                format!(
                    "确认后将替换当前商户 {}，原配置留作备份。",
                    merchant_now.trim()
                )
            },
        ),
        Lang::En => (
            format!("Merchant: {}", pending.merchant_no),
            format!("Answered by: {gateway}"),
            format!("Key: {} characters, ending {tail}", key.chars().count()),
            if merchant_now.trim().is_empty() {
                "Once confirmed, payments go to this merchant.".to_owned()
            } else {
                format!(
                    "Once confirmed, it replaces merchant {}; the old config is kept as a backup.",
                    merchant_now.trim()
                )
            },
        ),
    };
    ui.label(RichText::new(merchant).font(theme::font(theme::LARGE_TEXT)));
    ui.label(answered);
    ui.label(key_line);
    if !pending.msg.trim().is_empty() {
        ui.label(
            RichText::new(format!(
                "{}{}",
                tr(lang, "支付平台回复：", "The gateway says: "),
                pending.msg.trim()
            ))
            .color(theme::MUTED),
        );
    }
    ui.label(RichText::new(replaces).color(theme::UNKNOWN));
    ui.add_space(theme::GAP);
    ui.horizontal(|ui| {
        let confirm = egui::Button::new(
            RichText::new(tr(lang, "确认使用此商户", "Use this merchant"))
                .font(theme::font(theme::LARGE_TEXT)),
        )
        .min_size(theme::TOUCH_BUTTON);
        if ui.add(confirm).clicked() {
            action = Some(OnboardingAction::Confirm(Box::new(pending.clone())));
        }
        let discard = egui::Button::new(tr(lang, "放弃，保留原设置", "Discard, keep the settings"))
            .min_size(theme::TOUCH_BUTTON);
        if ui.add(discard).clicked() {
            action = Some(OnboardingAction::Discard);
        }
    });
    action
}

/// The merchant number and the gateway's word on it, or why not.
fn outcome_ui(
    ui: &mut Ui,
    outcome: Option<&Result<Registered, Problem>>,
    asked: Asked,
    lang: Lang,
) {
    match outcome {
        Some(Ok(registered)) => {
            ui.label(
                RichText::new(format!(
                    "{} {}{}",
                    tr(lang, "进件成功：商户号", "Registered: merchant"),
                    registered.merchant_no,
                    tr(lang, "，密钥已保存", "; the key is saved")
                ))
                .font(theme::font(theme::LARGE_TEXT))
                .color(theme::PAID),
            );
            if !registered.gateway_says.trim().is_empty() {
                ui.label(
                    RichText::new(format!(
                        "{}{}",
                        tr(lang, "支付平台回复：", "The gateway says: "),
                        registered.gateway_says.trim()
                    ))
                    .color(theme::MUTED),
                );
            }
        }
        Some(Err(Problem::Gateway(error))) => {
            let said = OnboardingFailure(error, asked).message(lang);
            ui.label(RichText::new(said).color(theme::FAILED));
        }
        Some(Err(problem)) => {
            ui.label(RichText::new(problem.message(lang)).color(theme::FAILED));
        }
        None => {}
    }
}

/// Whether to put the cursor in the first empty field on this frame: while the screen is new and
/// no field has it yet, on frames without a click (a click drops focus from what is not under
/// the pointer).
fn cursor_to_place(ui: &Ui, state: &mut OnboardingState) -> bool {
    if state.focus_tries == 0 {
        return false;
    }
    let placed =
        ui.memory(|memory| (0..FIELDS.len()).any(|index| memory.has_focus(field_id(index))));
    if placed {
        state.focus_tries = 0;
        return false;
    }
    state.focus_tries -= 1;
    ui.ctx().request_repaint();
    ui.input(|i| !i.pointer.any_pressed() && !i.pointer.any_released() && !i.pointer.any_click())
}

fn field_id(index: usize) -> egui::Id {
    egui::Id::unique(("onboarding-field", index))
}

/// One field: its label and its edit; a number to mask shows masked while the cursor is elsewhere;
/// `cursor`: put the cursor here.
fn field_ui(ui: &mut Ui, state: &mut OnboardingState, index: usize, cursor: bool, lang: Lang) {
    let (_, zh, en, masked) = FIELDS[index];
    ui.label(if lang == Lang::Zh { zh } else { en });
    let id = field_id(index);
    let editing = ui.memory(|memory| memory.has_focus(id));
    if cursor {
        ui.memory_mut(|memory| memory.request_focus(id));
    }
    let value = &mut state.values[index];
    if masked && !editing && !value.is_empty() {
        // A stand-in showing only the ends; clicking it gives the real field the cursor.
        let mut shown = mask_number(value.trim());
        ui.add(
            egui::TextEdit::singleline(&mut shown)
                .id(id)
                .desired_width(theme::FIELD_WIDTH),
        );
    } else {
        ui.add(
            egui::TextEdit::singleline(value)
                .id(id)
                .desired_width(theme::FIELD_WIDTH),
        );
    }
}
