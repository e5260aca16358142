//! The cashier's two languages, and the one translation scheme of the app: a value a cashier may
//! read (an error, a status, a pay method, the words of a wait) implements [`Localized`]; a fixed
//! label on a screen is [`tr`]`(lang, "中文", "English")`. Both are rendered when drawn or printed,
//! in the language in force then, so switching language changes every text on screen.

/// A language the cashier can read. Chinese is the default; English is switchable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Simplified Chinese (zh-CN).
    #[default]
    Zh,
    /// English.
    En,
}

/// Something that has a message for the cashier in each language.
///
/// `Display` on these types gives the Chinese text; this trait adds the English one.
pub trait Localized {
    /// The message in `lang`, as a cashier should read it: no codes alone, no secrets.
    fn message(&self, lang: Lang) -> String;

    /// Both languages on one line, for the CLI and logs: `中文 (English)`.
    fn bilingual(&self) -> String {
        format!("{} ({})", self.message(Lang::Zh), self.message(Lang::En))
    }
}

/// A fixed label in `lang`.
#[must_use]
pub fn tr(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}
