//! `cashier qht-onboard --form FILE.toml [--json]`: registers a new qht merchant (个人进件) from a
//! flat form keyed by the spec's field names, checked field by field before anything is sent. The
//! merchant number is printed; the key the gateway returns is printed nowhere: it goes straight
//! into the keyring, or the config file (owner-only, 0600) where there is none, with the merchant
//! number in the config, ready for the first sale.

use std::path::Path;

use serde_json::json;

use super::exit;
use super::said::{self, Said};
use crate::config::{Config, save};
use crate::gateway::Provider;
use crate::gateway::qht::onboarding_form::OnboardingForm;
use crate::key_store::KeyPlace;

/// Runs the onboarding; the exit status: 0 registered, 2 bad form or config, 3 refused by the
/// gateway, 1 unreachable or not saved.
/// The merchant returned replaces another already in the config only with `replace`.
pub async fn run(config_path: Option<&Path>, form_path: &Path, replace: bool, as_json: bool) -> u8 {
    let Some(config_path) = config_path else {
        return said::fail(exit::BAD_INPUT, &Said::OnboardingNeedsConfig, as_json);
    };
    let mut config = match Config::load_for_onboarding(config_path) {
        Ok(config) => config,
        Err(error) => return said::fail(exit::BAD_INPUT, &error, as_json),
    };
    let Some(gateway) = config
        .gateway
        .as_mut()
        .filter(|g| g.provider == Provider::Qht)
    else {
        return said::fail(exit::BAD_INPUT, &Said::OnboardingIsQhts, as_json);
    };
    let form = match read_form(form_path) {
        Ok(form) => form,
        Err(why) => return said::fail(exit::BAD_INPUT, &Said::FormUnreadable(why), as_json),
    };
    let registration = match form.check(Some(&gateway.notify_url)) {
        Ok(registration) => registration,
        Err(error) => return said::fail(exit::BAD_INPUT, &error, as_json),
    };
    let client = match gateway.build(&config.till.id, gateway.timeouts()) {
        Ok(client) => client,
        Err(error) => return said::fail(exit::BAD_INPUT, &error, as_json),
    };
    let Some(qht) = client.as_qht() else {
        return exit::ERROR;
    };
    let credentials = match qht.onboard(&registration).await {
        Ok(credentials) => credentials,
        Err(error) => {
            use crate::gateway::qht::onboarding_failure::{Asked, OnboardingFailure};
            let status = match error {
                crate::gateway::GatewayError::Rejected { .. } => exit::FAILED,
                crate::gateway::GatewayError::Invalid(_) => exit::BAD_INPUT,
                _ => exit::ERROR,
            };
            let failure = OnboardingFailure(&error, Asked::Registration);
            return said::fail(status, &failure, as_json);
        }
    };
    let current = gateway.merchant_id.trim();
    if !replace && !current.is_empty() && current != credentials.merchant_no {
        tracing::warn!(
            returned = %credentials.merchant_no,
            current,
            "onboarding returned another merchant; the config is left as it is"
        );
        let not_replacing = Said::RegisteredNotReplacing {
            merchant_no: &credentials.merchant_no,
            current,
        };
        return said::fail(exit::ERROR, &not_replacing, as_json);
    }
    gateway.merchant_id.clone_from(&credentials.merchant_no);
    gateway.key = credentials.md5_key;
    let place = match save(&config, config_path, crate::key_store::keyring_wanted()) {
        Ok(place) => place,
        Err(error) => {
            // The gateway has registered the merchant: the key can be fetched again with
            // 进件查询 (cellphone + id_card), so say so rather than print it.
            let unsaved = Said::RegisteredKeyNotSaved {
                why: &error,
                merchant_no: &credentials.merchant_no,
            };
            return said::fail(exit::ERROR, &unsaved, as_json);
        }
    };
    let kept_in = match place {
        KeyPlace::Keyring => "系统钥匙串 (the system keyring)".to_owned(),
        KeyPlace::File => format!("{}（仅本人可读 owner-only）", config_path.display()),
    };
    tracing::info!(merchant = %credentials.merchant_no, "qht merchant onboarded");
    if as_json {
        out!(
            "{}",
            json!({
                "status": "registered",
                "merchant_no": credentials.merchant_no,
                "key_saved_to": match place {
                    KeyPlace::Keyring => "keyring".to_owned(),
                    KeyPlace::File => config_path.display().to_string(),
                },
            })
        );
    } else {
        out!(
            "进件成功：商户号 {}。密钥已存入 {kept_in}，不在此显示。",
            credentials.merchant_no
        );
    }
    exit::PAID
}

fn read_form(path: &Path) -> Result<OnboardingForm, String> {
    let text = crate::small_file::read_text(path)
        .map_err(|error| format!("{}: {error}", path.display()))?;
    // Only the message: a snippet of the form would quote ID and card numbers.
    toml::from_str(&text).map_err(|error| error.message().to_owned())
}
