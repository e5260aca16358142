//! The owner's PIN in the window: with one set ([`crate::owner_pin`]), 设置 (where the money goes:
//! gateway, merchant, key, till id, store, the sandbox switch) opens only after it, and so do
//! 导出 and 重打小票. The PIN is checked by the worker (Argon2 is slow on purpose); five wrong in
//! a row and each further try waits a minute. 设置 stays open while the owner is in it and locks
//! as soon as another tab is opened; an export or a reprint is let through for two minutes after
//! the right PIN, so a run of them asks once.

use chrono::NaiveDate;
use egui::{Key, RichText, Ui};

use super::backend::ExportFormat;
use super::theme;
use crate::i18n::{Lang, Localized, tr};
use crate::owner_pin::{PinError, Verdict};

/// How long (seconds of the window's input time) an export or a reprint needs no PIN again.
const UNLOCKED_FOR_SECS: f64 = 120.0; // not a size: seconds

/// What waits for the owner's PIN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Guarded {
    /// The settings screen.
    Settings,
    /// An export of these days.
    Export(NaiveDate, NaiveDate, ExportFormat),
    /// A reprint of this order's receipt.
    Reprint(String),
    /// 开钱箱: the drawer opened by hand.
    Drawer,
    /// 退款: a refund of a paid sale.
    Refund(crate::app::refunds::RefundRequest),
    /// 作废: an unresolved order voided, and why.
    Void(String, String),
}

/// What the PIN form asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GateAction {
    /// Check this PIN.
    Check(String),
    /// Give up what was guarded.
    Cancel,
}

/// What the last try came to, as the form says it.
#[derive(Debug, Clone, PartialEq)]
enum GateNote {
    /// Wrong; this many more before each try waits.
    Wrong(u32),
    /// Too many wrong: tries wait until this input time.
    Wait(f64),
    /// The PIN cannot be checked.
    Problem(PinError),
}

/// The gate's state.
#[derive(Debug, Clone, Default)]
pub struct OwnerGate {
    /// The input time of the last right PIN (or of the last frame in 设置 once open).
    unlocked_at: Option<f64>,
    /// What waits for the PIN, while the form shows.
    asked: Option<Guarded>,
    entry: String,
    checking: bool,
    note: Option<GateNote>,
    focus: bool,
}

impl OwnerGate {
    /// Whether what is guarded may go ahead at `now` without asking: no PIN is set, or the right
    /// one was typed within the last two minutes (or 设置 is still open).
    #[must_use]
    pub fn is_open(&self, pin_set: bool, now: f64) -> bool {
        !pin_set
            || self
                .unlocked_at
                .is_some_and(|at| now - at < UNLOCKED_FOR_SECS)
    }

    /// Keeps the gate open while 设置 shows (drawn only once the gate let it through; a PIN
    /// set on it then does not shut its owner out mid-visit).
    pub fn keep_open(&mut self, now: f64) {
        self.unlocked_at = Some(now);
    }

    /// Closes the gate (设置 was left).
    pub fn close(&mut self) {
        self.unlocked_at = None;
    }

    /// Asks for the PIN before `guarded`.
    pub fn ask(&mut self, guarded: Guarded) {
        if self.asked.as_ref() != Some(&guarded) {
            self.entry.clear();
            self.focus = true;
        }
        self.asked = Some(guarded);
    }

    /// What waits for the PIN, if the form shows.
    #[must_use]
    pub fn asked(&self) -> Option<&Guarded> {
        self.asked.as_ref()
    }

    /// Stops asking (the owner cancelled, or left the screen).
    pub fn cancel(&mut self) {
        self.asked = None;
        self.entry.clear();
        self.checking = false;
    }

    /// The worker's verdict on the typed PIN at `now`; what was guarded when it was right.
    pub fn on_verdict(&mut self, verdict: Result<Verdict, PinError>, now: f64) -> Option<Guarded> {
        self.checking = false;
        self.entry.clear();
        self.focus = true;
        match verdict {
            Ok(Verdict::Right) => {
                self.unlocked_at = Some(now);
                self.note = None;
                self.asked.take()
            }
            Ok(Verdict::Wrong { left, wait }) if wait.is_zero() => {
                self.note = Some(GateNote::Wrong(left));
                None
            }
            Ok(Verdict::Wrong { wait, .. } | Verdict::Wait(wait)) => {
                self.note = Some(GateNote::Wait(now + wait.as_secs_f64()));
                None
            }
            Err(error) => {
                self.note = Some(GateNote::Problem(error));
                None
            }
        }
    }

    /// The PIN form at `now`: a masked field, 确定 (or Enter) and 取消 (or Esc).
    pub fn form_ui(&mut self, ui: &mut Ui, now: f64, lang: Lang) -> Option<GateAction> {
        ui.heading(tr(lang, "请输入店主密码", "Owner PIN"));
        ui.label(
            RichText::new(match self.asked {
                Some(Guarded::Export(..)) => tr(
                    lang,
                    "导出销售记录需要店主密码",
                    "Exports need the owner PIN",
                ),
                Some(Guarded::Reprint(_)) => {
                    tr(lang, "重打小票需要店主密码", "Reprints need the owner PIN")
                }
                Some(Guarded::Drawer) => tr(
                    lang,
                    "不收款打开钱箱需要店主密码",
                    "Opening the drawer without a sale needs the owner PIN",
                ),
                Some(Guarded::Refund(_)) => {
                    tr(lang, "退款需要店主密码", "Refunds need the owner PIN")
                }
                Some(Guarded::Void(..)) => tr(
                    lang,
                    "作废订单需要店主密码",
                    "Voiding an order needs the owner PIN",
                ),
                _ => tr(
                    lang,
                    "设置（收款账户、门店、收银台编号）需要店主密码",
                    "Settings (where the money goes, the store, the till id) need the owner PIN",
                ),
            })
            .color(theme::MUTED),
        );
        let field = ui.add(
            egui::TextEdit::singleline(&mut self.entry)
                .password(true)
                .char_limit(*crate::owner_pin::PIN_DIGITS.end())
                .hint_text(tr(lang, "4 到 8 位数字", "4 to 8 digits"))
                .desired_width(theme::FIELD_WIDTH),
        );
        if std::mem::take(&mut self.focus) {
            field.request_focus();
        }
        let waiting = match self.note {
            Some(GateNote::Wait(until)) if until > now => {
                ui.ctx()
                    .request_repaint_after(std::time::Duration::from_secs(1));
                Some((until - now).ceil())
            }
            _ => None,
        };
        match &self.note {
            Some(GateNote::Wrong(left)) => {
                let words = match lang {
                    Lang::Zh => format!("密码错误，还可再试 {left} 次"),
                    Lang::En => format!("Wrong PIN; {left} more tries"),
                };
                ui.label(RichText::new(words).color(theme::FAILED));
            }
            Some(GateNote::Problem(error)) => {
                ui.label(RichText::new(error.message(lang)).color(theme::FAILED));
            }
            Some(GateNote::Wait(_)) | None => {}
        }
        if let Some(secs) = waiting {
            let words = match lang {
                Lang::Zh => format!("密码错误次数过多，请 {secs} 秒后再试"),
                Lang::En => format!("Too many wrong PINs; try again in {secs} s"),
            };
            ui.label(RichText::new(words).color(theme::FAILED));
        }
        let entered = field.lost_focus() && ui.input(|input| input.key_pressed(Key::Enter));
        let mut action = None;
        ui.horizontal(|ui| {
            let ready = !self.checking && waiting.is_none() && !self.entry.is_empty();
            let confirm = ui.add_enabled(
                ready,
                egui::Button::new(tr(lang, "确定", "OK")).min_size(theme::TOUCH_BUTTON),
            );
            if (confirm.clicked() || entered) && ready {
                self.checking = true;
                action = Some(GateAction::Check(std::mem::take(&mut self.entry)));
            }
            if self.checking {
                ui.label(RichText::new(tr(lang, "正在核对…", "Checking…")).color(theme::MUTED));
            }
            let cancel =
                ui.add(egui::Button::new(tr(lang, "取消", "Cancel")).min_size(theme::TOUCH_BUTTON));
            if cancel.clicked() || ui.input(|input| input.key_pressed(Key::Escape)) {
                action = Some(GateAction::Cancel);
            }
        });
        if entered && action.is_none() {
            self.focus = true;
        }
        action
    }

    /// The PIN form over the screen (for an export or a reprint).
    pub fn modal_ui(&mut self, ctx: &egui::Context, now: f64, lang: Lang) -> Option<GateAction> {
        egui::Modal::new(egui::Id::unique("owner-pin"))
            .show(ctx, |ui| self.form_ui(ui, now, lang))
            .inner
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_right_pin_opens_for_two_minutes_and_leaving_settings_locks() {
        let mut gate = OwnerGate::default();
        assert!(gate.is_open(false, 0.0), "no PIN: always open");
        assert!(!gate.is_open(true, 0.0));
        gate.ask(Guarded::Reprint("T01".into()));
        assert_eq!(
            gate.on_verdict(
                Ok(Verdict::Wrong {
                    left: 4,
                    wait: std::time::Duration::ZERO
                }),
                1.0
            ),
            None
        );
        assert!(!gate.is_open(true, 1.0));
        assert_eq!(
            gate.on_verdict(Ok(Verdict::Right), 2.0),
            Some(Guarded::Reprint("T01".into()))
        );
        assert!(gate.is_open(true, 2.0 + UNLOCKED_FOR_SECS - 1.0));
        assert!(!gate.is_open(true, 2.0 + UNLOCKED_FOR_SECS));
        gate.ask(Guarded::Settings);
        gate.on_verdict(Ok(Verdict::Right), 600.0);
        gate.keep_open(1_000.0);
        assert!(gate.is_open(true, 1_000.0), "open while settings shows");
        gate.close();
        assert!(!gate.is_open(true, 1_000.0));
    }
}
