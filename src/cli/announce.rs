//! `cashier announce`: a paid sale's phrase, printed and said the way the window says it after a
//! sale (or written to a WAV file), through the config's `[voice]` engine and volume.

use std::path::Path;

use super::exit;
use super::said::{self, Said};
use crate::app::setup::Paths;
use crate::config::{Config, VoiceConfig};
use crate::gateway::PayMethod;
use crate::i18n::Lang;
use crate::money::Money;
use crate::speech::{Announcement, Outcome};

/// What was asked, as typed.
pub struct Request<'a> {
    pub method: &'a str,
    pub amount: &'a str,
    pub wav: Option<&'a Path>,
    pub lang: &'a str,
}

/// The largest amount said: more than any gateway takes.
const LARGEST: Money = Money::from_yuan(1_000_000_000);

pub async fn run(paths: Option<&Paths>, request: &Request<'_>) -> u8 {
    let Some(method) = PayMethod::from_slug(request.method) else {
        let known: Vec<&str> = PayMethod::all().map(PayMethod::slug).collect();
        let unknown = Said::UnknownMethod {
            method: request.method,
            known: known.join(", "),
        };
        return said::fail(exit::BAD_INPUT, &unknown, false);
    };
    let amount = match Money::parse_charge(request.amount, LARGEST) {
        Ok(amount) => amount,
        Err(error) => return said::fail(exit::BAD_INPUT, &error, false),
    };
    let lang = if request.lang.eq_ignore_ascii_case("en") {
        Lang::En
    } else {
        Lang::Zh
    };
    // The config's engine and volume when there is a config; the platform's engine otherwise.
    let voice = paths
        .and_then(|paths| paths.config.as_deref())
        .filter(|path| path.exists())
        .and_then(|path| Config::load(path).ok())
        .map_or_else(VoiceConfig::default, |config| config.voice);
    let announcement = Announcement {
        method,
        amount,
        outcome: Outcome::Paid,
        lang,
    };
    out!("{}", announcement.phrase());
    let wav = request.wav.map(Path::to_path_buf);
    let said = tokio::task::spawn_blocking(move || {
        crate::app::announcer::say_now(&voice, &announcement, wav.as_deref())
    })
    .await;
    match said {
        Ok(Ok(())) => exit::PAID,
        Ok(Err(error)) => said::fail(exit::ERROR, &error, false),
        Err(error) => said::fail(exit::ERROR, &Said::CannotStart(error.to_string()), false),
    }
}
