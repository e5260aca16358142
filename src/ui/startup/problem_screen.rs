//! The screen of a till that cannot start: what is wrong, in both languages, what the owner can
//! do about it, and the buttons that do it (重试, make the file owner-only, set it aside behind
//! the owner PIN, close).

use egui::{Key, RichText, Ui};

use super::{Fix, Remedy, Starting};
use crate::i18n::{Lang, tr};
use crate::ui::theme;

/// What the owner chose on the problem screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum StartupAction {
    /// Start again, after this fix.
    Retry(Fix),
    Close,
}

pub(super) fn problem_ui(
    ui: &mut Ui,
    starting: &mut Starting,
    lang: Lang,
) -> Option<StartupAction> {
    let busy = starting.pending.is_some();
    let can_retry = starting.remedy != Remedy::None;
    let enter = ui.input(|input| input.key_pressed(Key::Enter));
    let mut action = None;
    ui.add_space(theme::GAP * 3.0);
    ui.vertical_centered(|ui| {
        ui.label(
            RichText::new(tr(lang, starting.title.0, starting.title.1))
                .font(theme::font(theme::HUGE_TEXT))
                .color(theme::FAILED)
                .strong(),
        );
        ui.add_space(theme::GAP);
        ui.label(RichText::new(&starting.zh).font(theme::font(theme::LARGE_TEXT)));
        ui.label(RichText::new(&starting.en).color(theme::MUTED));
        if let Some(config) = starting.paths.as_ref().and_then(|p| p.config.as_ref()) {
            ui.add_space(theme::GAP);
            ui.label(format!(
                "{}{}",
                tr(lang, "配置文件：", "Config file: "),
                config.display()
            ));
        }
        ui.add_space(theme::GAP);
        ui.label(RichText::new(hint(&starting.remedy, lang)).color(theme::MUTED));
        ui.add_space(theme::GAP * 2.0);
        let size = theme::WIDE_BUTTON;
        if can_retry {
            let words = if busy {
                tr(lang, "正在启动…", "Starting…")
            } else {
                tr(lang, "重试 (Enter)", "Retry (Enter)")
            };
            let retry = egui::Button::new(
                RichText::new(words)
                    .font(theme::font(theme::LARGE_TEXT))
                    .color(theme::ON_COLOUR),
            )
            .fill(theme::PAID)
            .min_size(size);
            if ui.add_enabled(!busy, retry).clicked() || (enter && !busy) {
                action = Some(StartupAction::Retry(Fix::Nothing));
            }
        }
        match &starting.remedy {
            Remedy::OwnerOnly(path) => {
                let words = tr(lang, "设为仅本人可读并重试", "Make it owner-only and retry");
                if ui
                    .add_enabled(!busy, egui::Button::new(words).min_size(size))
                    .clicked()
                {
                    action = Some(StartupAction::Retry(Fix::MakeOwnerOnly(path.clone())));
                }
            }
            Remedy::SetAside(path) => {
                // A new first run could point the till anywhere: a config with an owner PIN is
                // set aside only with it.
                ui.horizontal(|ui| {
                    let label = ui.label(tr(
                        lang,
                        "店主密码（原配置设有时需要）",
                        "Owner PIN (if the old file has one)",
                    ));
                    ui.add(
                        egui::TextEdit::singleline(&mut starting.set_aside_pin)
                            .password(true)
                            .char_limit(*crate::owner_pin::PIN_DIGITS.end())
                            .desired_width(theme::FIELD_WIDTH),
                    )
                    .labelled_by(label.id);
                });
                let words = tr(
                    lang,
                    "另存旧配置，重新设置",
                    "Keep the old file aside, set up again",
                );
                if ui
                    .add_enabled(!busy, egui::Button::new(words).min_size(size))
                    .clicked()
                {
                    let pin = std::mem::take(&mut starting.set_aside_pin);
                    let fix = Fix::SetAside(path.clone(), pin, starting.pin_throttle);
                    action = Some(StartupAction::Retry(fix));
                }
            }
            Remedy::RetryOnly | Remedy::CloseTheOther | Remedy::None => {}
        }
        if ui
            .add(egui::Button::new(tr(lang, "关闭", "Close")).min_size(size))
            .clicked()
        {
            action = Some(StartupAction::Close);
        }
        if let Some((zh, en)) = &starting.note {
            ui.add_space(theme::GAP);
            let words = if lang == Lang::Zh { zh } else { en };
            ui.label(RichText::new(words).color(theme::UNKNOWN));
        }
    });
    action
}

/// What the owner can do, in a line under the problem.
fn hint(remedy: &Remedy, lang: Lang) -> &'static str {
    match remedy {
        Remedy::RetryOnly => tr(
            lang,
            "排除上面的问题后按“重试”；仍不行请在设置或诊断信息中联系技术支持。",
            "Fix what is said above and press Retry; if it persists, call your support person.",
        ),
        Remedy::CloseTheOther => tr(
            lang,
            "同一台收银台只能开一个窗口。要换到这个窗口，先关闭另一个，再按“重试”。",
            "One till has one window. To use this one, close the other and press Retry.",
        ),
        Remedy::OwnerOnly(_) => tr(
            lang,
            "文件含商户密钥：设为仅本人可读后即可启动。",
            "The file holds the merchant key: make it readable by its owner only to start.",
        ),
        Remedy::SetAside(_) => tr(
            lang,
            "修正文件后按“重试”；或另存旧配置（改名保留，不删除），重新进行首次设置。",
            "Fix the file and press Retry, or keep the old file aside (renamed, not deleted) and set the till up again.",
        ),
        Remedy::None => tr(
            lang,
            "请用 --data-dir 指定数据目录后重新打开。",
            "Name a data directory with --data-dir and open the cashier again.",
        ),
    }
}
