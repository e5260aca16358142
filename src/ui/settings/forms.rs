//! The settings screen's forms: the methods offered, the merchant and its key, the store, and
//! the notes and verdicts they show.

use egui::{RichText, Ui};

use super::{SettingsAction, SettingsNote, SettingsState};
use crate::gateway::{GatewayError, Provider};
use crate::i18n::Lang;
use crate::i18n::{Localized, tr};
use crate::ui::backend::ConnectionVerdict;
use crate::ui::theme;

/// Which of the gateway's methods the checkout offers: most shops take two to four, and a short
/// list keeps every method on an F-key and the checkout on one screen. Cash is always offered.
pub(super) fn methods_form_ui(ui: &mut Ui, state: &mut SettingsState, lang: Lang) {
    use crate::ui::checkout::{CheckoutInfo, Choice};
    // The in-window sandbox speaks qht.
    let provider = if state.sandbox {
        Provider::Qht
    } else {
        state.provider
    };
    let all: Vec<Choice> = CheckoutInfo::choices_for(provider, None)
        .into_iter()
        .filter(|choice| *choice != Choice::Method(crate::gateway::PayMethod::Cash))
        .collect();
    let shown = CheckoutInfo::choices_for(provider, state.offered.as_deref());
    ui.label(tr(
        lang,
        "收银台提供的收款方式（现金总是提供）",
        "Methods the checkout offers (cash always)",
    ));
    let mut changed = None;
    ui.horizontal_wrapped(|ui| {
        for choice in &all {
            let mut on = shown.contains(choice);
            if ui.checkbox(&mut on, choice.label(lang)).changed() {
                changed = Some((*choice, on));
            }
        }
    });
    if let Some((choice, on)) = changed {
        let chosen: Vec<&'static str> = all
            .iter()
            .filter(|c| (**c == choice && on) || (**c != choice && shown.contains(c)))
            .map(|c| c.slug())
            .collect();
        // The last box stays ticked: a till with cash alone would turn every wallet away.
        if !chosen.is_empty() {
            state.offered =
                (chosen.len() < all.len()).then(|| chosen.into_iter().map(str::to_owned).collect());
        }
    }
}

/// What became of the last save, or where the diagnostics went.
pub(super) fn note_ui(ui: &mut Ui, note: &SettingsNote, lang: Lang) {
    let (words, colour) = match note {
        SettingsNote::Saving => (tr(lang, "正在保存…", "Saving…").to_owned(), theme::MUTED),
        SettingsNote::Saved => (
            tr(lang, "已保存，正在生效…", "Saved; applying…").to_owned(),
            theme::MUTED,
        ),
        SettingsNote::Applied => (
            tr(
                lang,
                "已保存并生效，下一笔交易起使用",
                "Saved and in force from the next sale",
            )
            .to_owned(),
            theme::PAID,
        ),
        SettingsNote::Failed(problem) => (problem.message(lang), theme::FAILED),
        SettingsNote::Diagnostics(path) => (
            format!(
                "{} {}",
                tr(lang, "诊断信息已导出：", "Diagnostics written:"),
                path.display()
            ),
            theme::PAID,
        ),
    };
    ui.label(RichText::new(words).color(colour));
}

/// The merchant's fields: provider, base URL, merchant id and key.
pub(super) fn merchant_form_ui(ui: &mut Ui, state: &mut SettingsState, lang: Lang) {
    egui::Grid::new("settings")
        .num_columns(2)
        .spacing(theme::FORM_SPACING)
        .show(ui, |ui| {
            ui.label(tr(lang, "支付平台", "Provider"));
            ui.horizontal(|ui| {
                ui.radio_value(&mut state.provider, Provider::Qht, "钱汇通 (qht)");
                ui.radio_value(&mut state.provider, Provider::Changpay, "畅支付 (changpay)");
            });
            ui.end_row();
            ui.label(tr(lang, "接口地址", "Base URL"));
            ui.add(
                egui::TextEdit::singleline(&mut state.base_url)
                    .hint_text(crate::config::base_url_example(state.provider))
                    .desired_width(theme::WIDE_FIELD_WIDTH),
            );
            ui.end_row();
            ui.label(tr(lang, "商户号", "Merchant id"));
            ui.add(
                egui::TextEdit::singleline(&mut state.merchant_id)
                    .desired_width(theme::WIDE_FIELD_WIDTH),
            );
            ui.end_row();
            ui.label(tr(lang, "商户密钥", "Merchant key"));
            ui.vertical(|ui| {
                let hint = if state.key_saved {
                    tr(
                        lang,
                        "已保存（不显示）；输入新密钥以更换",
                        "Saved (never shown); type a new one to replace it",
                    )
                } else {
                    ""
                };
                ui.add(
                    egui::TextEdit::singleline(&mut state.new_key)
                        .password(true)
                        .hint_text(hint)
                        .desired_width(theme::WIDE_FIELD_WIDTH),
                );
                if state.key_saved {
                    ui.label(
                        RichText::new(key_place_text(state.key_place, lang)).color(theme::MUTED),
                    );
                }
            });
            ui.end_row();
        });
}

/// Where the saved key is kept, in words.
pub(super) fn key_place_text(place: crate::key_store::KeyPlace, lang: Lang) -> &'static str {
    match place {
        crate::key_store::KeyPlace::Keyring => tr(
            lang,
            "密钥保存在系统钥匙串中；配置文件不含密钥",
            "The key is kept in the system keyring; the config file holds none",
        ),
        crate::key_store::KeyPlace::File => tr(
            lang,
            "密钥保存在配置文件中，仅本用户可读（这台收银机没有可用的系统钥匙串）",
            "The key is kept in the config file, readable by this user only (no system keyring here)",
        ),
    }
}

/// The store ledger several tills share: its URL (never shown once saved) and a test.
pub(super) fn store_form_ui(
    ui: &mut Ui,
    state: &mut SettingsState,
    lang: Lang,
) -> Option<SettingsAction> {
    let mut action = None;
    ui.horizontal(|ui| {
        ui.label(tr(lang, "门店数据库", "Store database"));
        let hint = if state.saved_store.is_some() {
            tr(
                lang,
                "已保存（不显示）；输入新地址以更换",
                "Saved (never shown); type a new URL to replace it",
            )
        } else {
            "postgres://cashier@192.168.1.10:5432/shop"
        };
        ui.add(
            egui::TextEdit::singleline(&mut state.new_store_url)
                .password(true)
                .hint_text(hint)
                .desired_width(theme::WIDE_FIELD_WIDTH),
        );
        let store = state.store();
        if ui
            .add_enabled(
                store.is_some(),
                egui::Button::new(tr(lang, "测试门店数据库", "Test store database")),
            )
            .clicked()
            && let Some(store) = store
        {
            state.store_verdict = None;
            action = Some(SettingsAction::TestStore(
                store,
                state.till_id.trim().to_owned(),
            ));
        }
    });
    match &state.store_verdict {
        Some(Ok(())) => {
            ui.label(
                RichText::new(tr(
                    lang,
                    "门店数据库连接成功",
                    "Connected to the store database",
                ))
                .color(theme::PAID),
            );
        }
        Some(Err(error)) => {
            ui.label(RichText::new(error.message(lang)).color(theme::FAILED));
        }
        None => {}
    }
    action
}

pub(super) fn verdict_ui(ui: &mut Ui, verdict: Option<&ConnectionVerdict>, lang: Lang) {
    match verdict {
        Some(ConnectionVerdict::Ok) => {
            ui.label(
                RichText::new(tr(
                    lang,
                    "连接成功，商户号和密钥正确",
                    "Connected: merchant id and key are right",
                ))
                .color(theme::PAID),
            );
        }
        Some(ConnectionVerdict::WrongCredentials(error)) => {
            ui.label(
                RichText::new(format!(
                    "{}：{}",
                    tr(
                        lang,
                        "能连上支付平台，但商户号或密钥错误",
                        "The gateway answered, but the merchant id or key is wrong"
                    ),
                    error.message(lang)
                ))
                .color(theme::FAILED),
            );
        }
        Some(ConnectionVerdict::Unreachable(error)) => {
            // A connection test made no order: its words say nothing of orders kept.
            let why = match error {
                GatewayError::Unknown(cause) => cause.words(lang),
                GatewayError::Unreachable => tr(
                    lang,
                    "连接被拒绝或无法建立，请检查接口地址和网络",
                    "the connection was refused or could not be made: check the base URL and the network",
                )
                .to_owned(),
                other => other.message(lang),
            };
            ui.label(
                RichText::new(format!(
                    "{}：{why}",
                    tr(lang, "无法连接支付平台", "Cannot reach the gateway"),
                ))
                .color(theme::UNKNOWN),
            );
        }
        Some(ConnectionVerdict::Invalid(why)) => {
            ui.label(
                RichText::new(format!(
                    "{}：{}",
                    tr(lang, "设置有误", "The settings are wrong"),
                    why.message(lang)
                ))
                .color(theme::FAILED),
            );
        }
        None => {}
    }
}

/// 店主密码: set one (typed twice), change it, or remove it. Saved with the configuration in
/// force; the worker hashes it.
pub(super) fn owner_pin_form_ui(
    ui: &mut Ui,
    state: &mut SettingsState,
    lang: Lang,
) -> Option<SettingsAction> {
    let mut action = None;
    ui.strong(tr(lang, "店主密码", "Owner PIN"));
    ui.label(
        RichText::new(if state.pin.set {
            tr(
                lang,
                "已设置：进入设置、导出和重打小票需要输入它",
                "Set: settings, exports and reprints ask for it",
            )
        } else {
            tr(
                lang,
                "未设置：任何人都能修改收款账户。建议设置 4 到 8 位数字密码",
                "Not set: anyone can change where the money goes. Set 4 to 8 digits",
            )
        })
        .color(if state.pin.set {
            theme::MUTED
        } else {
            theme::UNKNOWN
        }),
    );
    egui::Grid::new("owner-pin-form")
        .num_columns(2)
        .spacing(theme::FORM_SPACING)
        .show(ui, |ui| {
            ui.label(tr(lang, "新密码", "New PIN"));
            ui.add(
                egui::TextEdit::singleline(&mut state.pin.new.0)
                    .password(true)
                    .char_limit(*crate::owner_pin::PIN_DIGITS.end())
                    .desired_width(theme::FIELD_WIDTH),
            );
            ui.end_row();
            ui.label(tr(lang, "再输入一次", "Again"));
            ui.add(
                egui::TextEdit::singleline(&mut state.pin.new.1)
                    .password(true)
                    .char_limit(*crate::owner_pin::PIN_DIGITS.end())
                    .desired_width(theme::FIELD_WIDTH),
            );
            ui.end_row();
        });
    ui.horizontal(|ui| {
        let label = if state.pin.set {
            tr(lang, "更改密码", "Change PIN")
        } else {
            tr(lang, "设置密码", "Set PIN")
        };
        if ui.button(label).clicked() {
            let (pin, again) = std::mem::take(&mut state.pin.new);
            match crate::owner_pin::check_new(&pin, &again) {
                Ok(()) => {
                    state.pin.problem = None;
                    action = Some(SettingsAction::SetPin(Some(pin)));
                }
                Err(problem) => state.pin.problem = Some(problem),
            }
        }
        if state.pin.set && ui.button(tr(lang, "清除密码", "Remove PIN")).clicked() {
            state.pin.problem = None;
            action = Some(SettingsAction::SetPin(None));
        }
    });
    if let Some(problem) = &state.pin.problem {
        ui.label(RichText::new(problem.message(lang)).color(theme::FAILED));
    }
    action
}

/// The till's own settings: its id and 盲交班.
pub(super) fn till_form_ui(ui: &mut Ui, state: &mut SettingsState, lang: Lang) {
    egui::Grid::new("till")
        .num_columns(2)
        .spacing(theme::FORM_SPACING)
        .show(ui, |ui| {
            ui.label(tr(lang, "收银台编号", "Till id"));
            ui.add(
                egui::TextEdit::singleline(&mut state.till_id)
                    .char_limit(8)
                    .desired_width(theme::SHORT_FIELD_WIDTH),
            );
            ui.end_row();
            ui.label(tr(lang, "交班", "Closing a shift"));
            ui.checkbox(
                &mut state.blind_close,
                tr(
                    lang,
                    "盲交班：先点钱填写，交班后才显示应有现金",
                    "Blind close: the count is typed before the expected cash shows",
                ),
            );
            ui.end_row();
        });
}
