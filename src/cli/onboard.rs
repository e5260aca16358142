//! `cashier qht-onboard --form FILE.toml [--json]`: registers a new qht merchant (个人进件) from a
//! flat form keyed by the spec's field names, checked field by field before anything is sent. The
//! merchant number is printed; the key the gateway returns is printed nowhere: it goes straight
//! into the keyring, or the config file (owner-only, 0600) where there is none, with the merchant
//! number in the config, ready for the first sale.

use std::path::Path;

use serde_json::json;

use super::{bad_input, exit};
use crate::config::{Config, save};
use crate::gateway::Provider;
use crate::gateway::qht::onboarding_form::OnboardingForm;
use crate::i18n::Localized;
use crate::key_store::KeyPlace;

/// Runs the onboarding; the exit status: 0 registered, 2 bad form or config, 3 refused by the
/// gateway, 1 unreachable or not saved.
pub async fn run(config_path: Option<&Path>, form_path: &Path, as_json: bool) -> u8 {
    let Some(config_path) = config_path else {
        eprintln!(
            "进件需要配置文件：在 [gateway] 中写 provider = \"qht\" 和 base_url，用 --config 指定 \
             (onboarding needs a config with [gateway] provider = \"qht\" and base_url)"
        );
        return exit::BAD_INPUT;
    };
    let mut config = match Config::load_for_onboarding(config_path) {
        Ok(config) => config,
        Err(error) => return bad_input(&error),
    };
    let Some(gateway) = config
        .gateway
        .as_mut()
        .filter(|g| g.provider == Provider::Qht)
    else {
        eprintln!(
            "配置的 [gateway] 应为 provider = \"qht\"：进件只有钱汇通提供 \
             (onboarding is qht's: set [gateway] provider = \"qht\")"
        );
        return exit::BAD_INPUT;
    };
    let form = match read_form(form_path) {
        Ok(form) => form,
        Err(why) => {
            eprintln!("进件表单无法读取 (form unreadable): {why}");
            return exit::BAD_INPUT;
        }
    };
    let registration = match form.check(Some(&gateway.notify_url)) {
        Ok(registration) => registration,
        Err(error) => return bad_input(&error),
    };
    let client = match gateway.build(&config.till.id, gateway.timeouts()) {
        Ok(client) => client,
        Err(error) => return bad_input(&error),
    };
    let Some(qht) = client.as_qht() else {
        return exit::ERROR;
    };
    let credentials = match qht.onboard(&registration).await {
        Ok(credentials) => credentials,
        Err(error) => {
            use crate::gateway::qht::onboarding_failure::{Asked, OnboardingFailure};
            let said = OnboardingFailure(&error, Asked::Registration);
            eprintln!("{}", said.bilingual());
            return match error {
                crate::gateway::GatewayError::Rejected { .. } => exit::FAILED,
                _ => exit::ERROR,
            };
        }
    };
    gateway.merchant_id.clone_from(&credentials.merchant_no);
    gateway.key = credentials.md5_key;
    let place = match save(&config, config_path, crate::key_store::keyring_wanted()) {
        Ok(place) => place,
        Err(error) => {
            // The gateway has registered the merchant: the key can be fetched again with
            // 进件查询 (cellphone + id_card), so say so rather than print it.
            eprintln!(
                "{}；商户号 {} 已注册，可稍后再运行本命令取回密钥 (registered, but the key could not be saved)",
                error.bilingual(),
                credentials.merchant_no
            );
            return exit::ERROR;
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
