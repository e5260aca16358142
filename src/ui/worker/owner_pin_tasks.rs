//! The owner PIN's tasks: a typed PIN checked (Argon2 is slow on purpose, so never in a frame),
//! and the settings saved with a new PIN's hash or without one.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::Outbox;
use super::background::{OWNER, UNKNOWN, audit, owner_or_anyone};
use super::settings_tasks::save_settings;
use crate::ledger::AuditAction;
use crate::owner_pin::{PinError, Throttle, Verdict};
use crate::setup::Configured;
use crate::ui::backend::{Problem, UiEvent};

/// Spawns the task for an owner PIN command.
pub(super) fn dispatch(
    command: crate::ui::backend::Command,
    configured: &Arc<Configured>,
    throttle: &Arc<Mutex<Throttle>>,
    outbox: Outbox,
) {
    use crate::ui::backend::Command;
    let configured = Arc::clone(configured);
    match command {
        Command::CheckOwnerPin(pin) => {
            tokio::spawn(check(pin, configured, Arc::clone(throttle), outbox));
        }
        Command::SaveOwnerPin(config, path, keys_to, pin) => {
            tokio::spawn(save(*config, path, keys_to, pin, configured, outbox));
        }
        _ => {}
    }
}

/// Checks `pin` against `stored` (the hash in force) through `throttle`; a till with no PIN
/// lets every try through.
pub(super) async fn check(
    pin: String,
    configured: Arc<Configured>,
    throttle: Arc<Mutex<Throttle>>,
    outbox: Outbox,
) {
    let stored = configured.config.owner_pin_hash().map(str::to_owned);
    let verdict = tokio::task::spawn_blocking(move || {
        let Some(stored) = stored else {
            return Ok(Verdict::Right);
        };
        let mut throttle = throttle.lock().map_err(|_| PinError::Unreadable)?;
        throttle.try_pin(&pin, &stored, Instant::now())
    })
    .await
    .unwrap_or(Err(PinError::Unreadable));
    match verdict {
        Ok(Verdict::Right) => {
            audit(
                &configured,
                OWNER,
                AuditAction::OwnerPinRight,
                String::new(),
            )
            .await;
        }
        Ok(Verdict::Wrong { left }) => {
            let detail = format!("{left} more before each try waits");
            audit(&configured, UNKNOWN, AuditAction::OwnerPinWrong, detail).await;
        }
        Ok(Verdict::Wait(wait)) => {
            tracing::warn!("owner PIN: too many wrong tries, waiting");
            let detail = format!("waiting {} s", wait.as_secs());
            audit(&configured, UNKNOWN, AuditAction::OwnerPinWrong, detail).await;
        }
        Err(_) => {}
    }
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
    if saved.is_ok() {
        let detail = if setting { "set" } else { "removed" }.to_owned();
        let who = owner_or_anyone(&configured);
        audit(&configured, who, AuditAction::OwnerPinChanged, detail).await;
    }
    outbox.emit(UiEvent::Saved(saved.map(Box::new))).await;
}
