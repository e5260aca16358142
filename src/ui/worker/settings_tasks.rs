//! The worker's settings tasks: saving the settings (file and keyring, off the window's thread),
//! the gateway and store connection tests, and qht's merchant onboarding.

use std::sync::Arc;

use chrono::Utc;

use super::super::backend::{ConnectionVerdict, Problem, UiEvent};
use super::Outbox;
use crate::config::GatewayConfig;
use crate::gateway::GatewayError;

/// Spawns qht's onboarding call a command asks for (a registration or a status query).
pub(super) fn dispatch_onboarding(
    command: crate::ui::backend::Command,
    till_id: String,
    outbox: super::Outbox,
) {
    use crate::ui::backend::Command;
    let (gateway, call) = match command {
        Command::Onboard(gateway, form) => (gateway, OnboardingCall::Register(form)),
        Command::OnboardQuery(gateway, cellphone, id_card) => {
            (gateway, OnboardingCall::Query(cellphone, id_card))
        }
        _ => return,
    };
    tokio::spawn(async move { onboard(&gateway, &till_id, call, &outbox).await });
}

/// Saves the settings off the runtime's threads (a keyring call can wait on an unlock prompt)
/// and says how it went.
pub(super) async fn save_settings_task(
    config: crate::config::Config,
    path: Option<std::path::PathBuf>,
    keys_to: crate::key_store::KeyPlace,
    before: Arc<crate::app::setup::Configured>,
    outbox: Outbox,
) {
    let saved = tokio::task::spawn_blocking(move || save_settings(config, path, keys_to))
        .await
        .unwrap_or_else(|error| Err(Problem::Io(Arc::new(std::io::Error::other(error)))));
    if let Ok(saved) = &saved {
        // Which fields, old → new, never a key or a password.
        let changes = crate::config::changes::changes(&before.config, &saved.config);
        let detail = if changes.is_empty() {
            "no change".to_owned()
        } else {
            changes.join("; ")
        };
        let who = super::background::owner_or_anyone(&before);
        let action = crate::ledger::AuditAction::SettingsSaved;
        super::background::audit(&before, who, action, detail).await;
    }
    outbox.emit(UiEvent::Saved(saved.map(Box::new))).await;
}

/// Validates `config` and writes it to `path` (the key to the keyring first when `keys_to` says
/// so); the config as saved, with its key's place.
pub(super) fn save_settings(
    mut config: crate::config::Config,
    path: Option<std::path::PathBuf>,
    keys_to: crate::key_store::KeyPlace,
) -> Result<super::super::backend::SavedSettings, Problem> {
    let config_problem = |error| Problem::Config(Arc::new(error));
    config.validate().map_err(config_problem)?;
    let path = path.ok_or_else(|| {
        config_problem(crate::config::ConfigError::Invalid {
            field: "path",
            reason: crate::config::Invalid::NoConfigDir,
        })
    })?;
    let keyring = keys_to == crate::key_store::KeyPlace::Keyring;
    let key_place = crate::config::save(&config, &path, keyring).map_err(config_problem)?;
    if let Some(gateway) = &mut config.gateway {
        gateway.key_in = key_place;
    }
    Ok(super::super::backend::SavedSettings {
        config,
        key_place,
        path,
    })
}

/// Queries an order that cannot exist: a refusal of the sign or merchant means wrong
/// credentials, "not found" means all is well, no answer means the gateway is unreachable.
pub(super) async fn test_connection(config: &GatewayConfig, till_id: &str) -> ConnectionVerdict {
    let gateway = match config.build(till_id, config.timeouts()) {
        Ok(gateway) => gateway,
        Err(error) => return ConnectionVerdict::Invalid(Arc::new(error)),
    };
    let probe = format!("{till_id}PROBE{}", Utc::now().timestamp());
    match gateway.query_order(&probe).await {
        // Any verified answer, "not found" included, means the key and merchant are right.
        Ok(_) => ConnectionVerdict::Ok,
        Err(error @ GatewayError::Rejected { .. }) => ConnectionVerdict::WrongCredentials(error),
        Err(error) => ConnectionVerdict::Unreachable(error),
    }
}

/// Connects to the store in `config` and says whether `till_id` is free there for this till (the
/// install of the ledger at `real_ledger`): an owner setting up a second till as T01 hears it
/// before its first sale, not after.
pub(super) async fn test_store(
    config: &crate::store::StoreConfig,
    till_id: &str,
    real_ledger: std::path::PathBuf,
) -> Result<(), crate::store::StoreError> {
    let store = crate::store::Store::connect(config).await?;
    let install_id = tokio::task::spawn_blocking(move || {
        crate::ledger::Ledger::open(&real_ledger).map(|ledger| ledger.install_id().to_owned())
    })
    .await
    .map_err(|error| crate::store::StoreError::Ledger(error.to_string()))??;
    match store.till_holder(till_id).await? {
        Some(holder) if holder != install_id => {
            Err(crate::store::StoreError::TillIdTaken(till_id.to_owned()))
        }
        _ => Ok(()),
    }
}

/// What the onboarding screen asks of qht.
pub(super) enum OnboardingCall {
    /// 个人进件 of this form (进件查询 when the phone is registered already).
    Register(Box<crate::gateway::qht::onboarding_form::OnboardingForm>),
    /// 进件查询 with this phone and ID number.
    Query(String, String),
}

/// Makes `call` at `gateway`'s address and tells the UI what came back.
pub(super) async fn onboard(
    gateway: &GatewayConfig,
    till_id: &str,
    call: OnboardingCall,
    outbox: &Outbox,
) {
    let answer = onboarding_call(gateway, till_id, call).await;
    outbox.emit(UiEvent::Onboarded(answer)).await;
}

/// `call` at `gateway`'s address (its merchant number and key are not needed: qht signs these
/// with its fixed onboarding key).
pub(super) async fn onboarding_call(
    gateway: &GatewayConfig,
    till_id: &str,
    call: OnboardingCall,
) -> Result<crate::gateway::qht::MerchantCredentials, Problem> {
    // The settings' address as typed: an empty or malformed one is named before anything is sent.
    let config_problem = |error| Problem::Config(Arc::new(error));
    gateway.check_base_url().map_err(config_problem)?;
    let client = gateway
        .build(till_id, gateway.timeouts())
        .map_err(config_problem)?;
    let qht = client
        .as_qht()
        .ok_or(Problem::Gateway(GatewayError::Invalid(
            crate::gateway::error::RequestError::MethodNotOffered("进件"),
        )))?;
    let answer = match call {
        OnboardingCall::Register(form) => {
            let registration = form
                .check(Some(&gateway.notify_url))
                .map_err(Problem::Form)?;
            qht.onboard(&registration).await
        }
        OnboardingCall::Query(cellphone, id_card) => {
            qht.merchant_import_query(&cellphone, &id_card).await
        }
    };
    answer.map_err(Problem::Gateway)
}
