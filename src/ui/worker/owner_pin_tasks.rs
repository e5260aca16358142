//! The owner PIN's tasks: a typed PIN checked (Argon2 is slow on purpose, so never in a frame),
//! and the settings saved with a new PIN's hash or without one.

use std::sync::Arc;

use super::Outbox;
use super::background::{audit, owner_or_anyone};
use super::settings_tasks::save_settings;
use crate::app::setup::Configured;
use crate::ledger::AuditAction;
use crate::ui::backend::{Problem, UiEvent};

/// Spawns the task for an owner PIN command.
pub(super) fn dispatch(
    command: crate::ui::backend::Command,
    configured: &Arc<Configured>,
    outbox: Outbox,
) {
    use crate::ui::backend::Command;
    let configured = Arc::clone(configured);
    match command {
        Command::CheckOwnerPin(pin) => {
            tokio::spawn(check(pin, configured, outbox));
        }
        Command::SaveOwnerPin(config, path, keys_to, pin) => {
            tokio::spawn(save(*config, path, keys_to, pin, configured, outbox));
        }
        _ => {}
    }
}

/// Checks `pin` as the app layer does (`app::owner_check`), and tells the window.
pub(super) async fn check(pin: String, configured: Arc<Configured>, outbox: Outbox) {
    let verdict =
        crate::app::owner_check::check(&configured.config, configured.ledger(), pin).await;
    outbox.emit(UiEvent::OwnerPin(verdict)).await;
}

/// Saves `config` with the owner PIN set to `pin` (its hash) or removed, as a settings save.
pub(super) async fn save(
    mut config: crate::config::Config,
    path: Option<std::path::PathBuf>,
    keys_to: crate::key_store::KeyPlace,
    pin: Option<String>,
    configured: Arc<Configured>,
    outbox: Outbox,
) {
    let setting = pin.is_some();
    let saved = tokio::task::spawn_blocking(move || {
        config.owner = match pin {
            Some(pin) => {
                let pin_hash = crate::owner_pin::hash(&pin)
                    .map_err(|error| Problem::OwnerPin(Arc::new(error)))?;
                Some(crate::config::OwnerConfig { pin_hash })
            }
            None => None,
        };
        let saved = save_settings(config, path, keys_to)?;
        tracing::info!(
            set = saved.config.owner.is_some(),
            "owner PIN changed in the window"
        );
        Ok(saved)
    })
    .await
    .unwrap_or_else(|error| Err(Problem::Io(Arc::new(std::io::Error::other(error)))));
    if let Ok(saved) = &saved {
        let who = owner_or_anyone(&configured);
        // A PIN typed at the first run is saved with the rest of the settings: say what else
        // changed, as a settings save does.
        let changes = crate::config::changes::changes(&configured.config, &saved.config);
        if !changes.is_empty() {
            let detail = changes.join("; ");
            audit(&configured, who, AuditAction::SettingsSaved, detail).await;
        }
        let detail = if setting { "set" } else { "removed" }.to_owned();
        audit(&configured, who, AuditAction::OwnerPinChanged, detail).await;
    }
    outbox.emit(UiEvent::Saved(saved.map(Box::new))).await;
}
