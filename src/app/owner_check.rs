//! The owner's PIN checked before what only the owner may do (设置, exports, reprints, 开钱箱,
//! refunds, voids), by the window and the command line alike: throttled by the wrong PINs the
//! audit trail holds (so restarting the till does not clear them), Argon2 run off the runtime's
//! threads (it is slow on purpose), and each try kept in the trail. A till with no PIN lets every
//! try through.

use chrono::Utc;

use crate::config::Config;
use crate::ledger::{AuditAction, SharedLedger};
use crate::owner_pin::{PinError, Verdict};

/// What resets the count of wrong owner PINs: a right one, or a PIN set anew.
pub const OWNER_PIN_RESETS: [AuditAction; 2] =
    [AuditAction::OwnerPinRight, AuditAction::OwnerPinChanged];

/// Whoever typed a wrong owner PIN, as the trail names them.
pub const UNKNOWN: &str = "未知 unknown";

/// The verdict on `pin` under `config`'s PIN, kept in the trail (right: the owner; wrong: an
/// unknown person, with how many tries are left before each waits).
///
/// # Errors
/// When the stored hash or the trail cannot be read.
pub async fn check(
    config: &Config,
    ledger: &SharedLedger,
    pin: String,
) -> Result<Verdict, PinError> {
    let verdict = judge(config, ledger, pin).await;
    let kept = match &verdict {
        Ok(Verdict::Right) => Some((
            crate::app::cashier_sign_in::OWNER,
            AuditAction::OwnerPinRight,
            String::new(),
        )),
        Ok(Verdict::Wrong { left, wait }) => {
            if !wait.is_zero() {
                tracing::warn!("owner PIN: too many wrong tries, each next one waits");
            }
            Some((
                UNKNOWN,
                AuditAction::OwnerPinWrong,
                format!("{left} more before each try waits"),
            ))
        }
        _ => None,
    };
    if let Some((who, action, detail)) = kept {
        let written = ledger
            .run(move |ledger| ledger.audit(who, action, &detail, Utc::now()))
            .await;
        if let Err(error) = written {
            tracing::warn!(%error, "an owner PIN try could not be kept in the trail");
        }
    }
    verdict
}

async fn judge(config: &Config, ledger: &SharedLedger, pin: String) -> Result<Verdict, PinError> {
    let Some(stored) = config.owner_pin_hash().map(str::to_owned) else {
        return Ok(Verdict::Right);
    };
    let throttle = ledger
        .run(|ledger| ledger.pin_throttle(AuditAction::OwnerPinWrong, &OWNER_PIN_RESETS))
        .await
        .map_err(|error| {
            tracing::warn!(%error, "the wrong owner PINs could not be counted");
            PinError::Unreadable
        })?;
    tokio::task::spawn_blocking(move || throttle.try_pin(&pin, &stored, Utc::now()))
        .await
        .unwrap_or(Err(PinError::Unreadable))
}
