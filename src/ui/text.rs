//! The window's words in both languages.

use crate::i18n::Lang;

/// `zh` or `en` by `lang`.
#[must_use]
pub fn tr(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// A pay method's name in `lang`.
#[must_use]
pub fn method_name(lang: Lang, method: crate::gateway::PayMethod) -> &'static str {
    tr(lang, method.zh_name(), method.en_name())
}

/// A status's name in `lang`.
#[must_use]
pub fn status_name(lang: Lang, status: crate::status::OrderStatus) -> &'static str {
    use crate::status::OrderStatus::{AmountMismatch, Creating, Failed, Paid, Pending, Unresolved};
    let en = match status {
        Creating => "Creating",
        Pending => "Waiting",
        Paid => "Paid",
        Failed => "Failed",
        Unresolved => "Unknown",
        AmountMismatch => "Amount differs",
    };
    tr(lang, status.zh_name(), en)
}
