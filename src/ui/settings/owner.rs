//! The owner's part of 设置 (behind the owner PIN, like the rest of it): the cashiers who sign in
//! to open a shift — listed, added with a 4–6 digit PIN typed twice, removed — and a day of the
//! audit trail, read back as `cashier audit` prints it.

use chrono::{Duration, FixedOffset, NaiveDate};
use egui::{RichText, Ui};

use super::SettingsAction;
use crate::i18n::{Lang, Localized, tr};
use crate::ledger::AuditRecord;
use crate::ui::backend::Problem;
use crate::ui::theme;

/// The owner's forms' state.
#[derive(Debug, Clone, Default)]
pub struct OwnerForms {
    /// The cashiers who sign in, once read.
    pub cashiers: Option<Vec<String>>,
    /// A new cashier's name, typed.
    pub name: String,
    /// Their PIN, typed and again.
    pub pin: (String, String),
    /// Why the last add or remove did not go through.
    pub problem: Option<Problem>,
    /// A day of the audit trail, once read, or why not.
    pub audit: Option<(NaiveDate, Result<Vec<AuditRecord>, Problem>)>,
    /// The time zone the trail's times are shown in.
    pub offset: Option<FixedOffset>,
}

impl OwnerForms {
    /// Takes the worker's answer to a read, an add or a remove.
    pub fn on_cashiers(&mut self, cashiers: Result<Vec<String>, Problem>) {
        match cashiers {
            Ok(names) => {
                if self
                    .cashiers
                    .as_ref()
                    .is_some_and(|old| old.len() < names.len())
                {
                    self.name.clear();
                }
                self.cashiers = Some(names);
                self.problem = None;
            }
            Err(problem) => self.problem = Some(problem),
        }
    }
}

/// The cashiers, then the audit trail.
pub(super) fn owner_forms_ui(
    ui: &mut Ui,
    forms: &mut OwnerForms,
    lang: Lang,
) -> Option<SettingsAction> {
    ui.add_space(theme::GAP);
    let added_or_removed = cashiers_form_ui(ui, forms, lang);
    ui.add_space(theme::GAP);
    audit_ui(ui, forms, lang).or(added_or_removed)
}

/// 收银员: who signs in, an add form and a remove button each.
fn cashiers_form_ui(ui: &mut Ui, forms: &mut OwnerForms, lang: Lang) -> Option<SettingsAction> {
    let mut action = None;
    ui.strong(tr(lang, "收银员", "Cashiers"));
    let names = forms.cashiers.clone().unwrap_or_default();
    ui.label(
        RichText::new(if names.is_empty() {
            tr(
                lang,
                "未添加：开班时填任何姓名都可以。添加后，只有添加的收银员凭自己的密码开班、交班。",
                "None added: a shift opens under any name. Once added, only they open and close shifts, with their own PIN.",
            )
        } else {
            tr(
                lang,
                "开班、交班需要收银员自己的密码（交班也可用店主密码）。",
                "Shifts open and close with the cashier's own PIN (or, to close, the owner's).",
            )
        })
        .color(theme::MUTED),
    );
    for name in &names {
        ui.horizontal(|ui| {
            ui.label(name);
            if ui.small_button(tr(lang, "移除", "Remove")).clicked() {
                action = Some(SettingsAction::RemoveCashier(name.clone()));
            }
        });
    }
    egui::Grid::new("add-cashier")
        .num_columns(2)
        .spacing([theme::GAP, theme::GAP / 2.0])
        .show(ui, |ui| {
            let label = ui.label(tr(lang, "姓名", "Name"));
            ui.add(
                egui::TextEdit::singleline(&mut forms.name)
                    .char_limit(32)
                    .desired_width(theme::FIELD_WIDTH),
            )
            .labelled_by(label.id);
            ui.end_row();
            let digits = *crate::app::cashier_sign_in::CASHIER_PIN_DIGITS.end();
            for (label, field) in [
                (tr(lang, "收银员密码", "Cashier PIN"), &mut forms.pin.0),
                (tr(lang, "再输入一次", "Again"), &mut forms.pin.1),
            ] {
                let label = ui.label(label);
                ui.add(
                    egui::TextEdit::singleline(field)
                        .password(true)
                        .char_limit(digits)
                        .hint_text(tr(lang, "4 到 6 位数字", "4 to 6 digits"))
                        .desired_width(theme::FIELD_WIDTH),
                )
                .labelled_by(label.id);
                ui.end_row();
            }
        });
    if ui.button(tr(lang, "添加收银员", "Add cashier")).clicked() {
        let (pin, again) = std::mem::take(&mut forms.pin);
        action = Some(SettingsAction::AddCashier(forms.name.clone(), pin, again));
    }
    if let Some(problem) = &forms.problem {
        ui.label(RichText::new(problem.message(lang)).color(theme::FAILED));
    }
    action
}

/// 审计记录: a day of who did what, with the day before and after a click away.
fn audit_ui(ui: &mut Ui, forms: &OwnerForms, lang: Lang) -> Option<SettingsAction> {
    let mut action = None;
    ui.strong(tr(lang, "审计记录", "Audit trail"));
    let Some((day, entries)) = &forms.audit else {
        ui.label(RichText::new(tr(lang, "正在读取…", "Loading…")).color(theme::MUTED));
        return None;
    };
    ui.horizontal(|ui| {
        if ui.small_button("◀").clicked() {
            action = Some(SettingsAction::LoadAudit(*day - Duration::days(1)));
        }
        ui.label(day.format("%Y-%m-%d").to_string());
        if ui.small_button("▶").clicked() {
            action = Some(SettingsAction::LoadAudit(*day + Duration::days(1)));
        }
    });
    match entries {
        Err(problem) => {
            ui.label(RichText::new(problem.message(lang)).color(theme::FAILED));
        }
        Ok(entries) if entries.is_empty() => {
            ui.label(
                RichText::new(tr(lang, "这一天没有记录", "Nothing that day")).color(theme::MUTED),
            );
        }
        Ok(entries) => {
            let offset = forms.offset.unwrap_or_else(crate::china_time::cst);
            egui::ScrollArea::vertical()
                .id_salt("audit")
                .max_height(theme::AUDIT_LIST_HEIGHT)
                .show(ui, |ui| {
                    egui::Grid::new("audit-entries")
                        .num_columns(4)
                        .striped(true)
                        .show(ui, |ui| {
                            for entry in entries {
                                ui.label(
                                    entry
                                        .at
                                        .with_timezone(&offset)
                                        .format("%H:%M:%S")
                                        .to_string(),
                                );
                                ui.label(&entry.who);
                                ui.label(&entry.action);
                                ui.label(&entry.detail);
                                ui.end_row();
                            }
                        });
                });
        }
    }
    action
}
