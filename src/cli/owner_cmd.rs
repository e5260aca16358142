//! `cashier owner set-pin` and `cashier owner reset-pin`: the owner PIN kept as a hash in the
//! config ([`crate::owner_pin`]). Both need write access to the owner-only config, that is the
//! till's OS account; both are logged.

use super::exit;
use super::said::{self, Said};
use crate::app::setup::Paths;
use crate::cli::OwnerAction;

/// Runs `action` on the config `paths` name.
pub fn run(paths: Option<&Paths>, action: &OwnerAction) -> u8 {
    let Some(path) = paths.and_then(|paths| paths.config.clone()) else {
        return said::fail(exit::BAD_INPUT, &Said::NeedsConfigFile, false);
    };
    match action {
        OwnerAction::SetPin => {
            let (pin, again) = pin_from_stdin();
            let hash = match crate::owner_pin::check_new(&pin, &again)
                .and_then(|()| crate::owner_pin::hash(&pin))
            {
                Ok(hash) => hash,
                Err(error) => return said::fail(exit::BAD_INPUT, &error, false),
            };
            match crate::config::set_owner_pin(&path, Some(&hash)) {
                Ok(()) => {
                    tracing::info!(config = %path.display(), "owner PIN set from the command line");
                    said::warn(&Said::OwnerPinSet);
                    exit::PAID
                }
                Err(error) => said::fail(exit::ERROR, &error, false),
            }
        }
        OwnerAction::AddCashier { .. }
        | OwnerAction::RemoveCashier { .. }
        | OwnerAction::Cashiers => exit::ERROR,
        OwnerAction::ResetPin => match crate::config::set_owner_pin(&path, None) {
            Ok(()) => {
                tracing::info!(config = %path.display(), "owner PIN removed (reset-pin)");
                said::warn(&Said::OwnerPinRemoved);
                exit::PAID
            }
            Err(error) => said::fail(exit::ERROR, &error, false),
        },
    }
}

/// `owner add-cashier`, `remove-cashier`, `cashiers`: the cashiers kept in this till's ledger.
pub async fn cashiers(setup: &crate::app::setup::Setup, action: OwnerAction) -> u8 {
    let now = chrono::Utc::now();
    match action {
        OwnerAction::AddCashier { name } => {
            if name.trim().is_empty() || name.trim().chars().count() > 32 {
                let error = crate::ledger::ShiftError::CashierName;
                return said::fail(exit::BAD_INPUT, &error, false);
            }
            let (pin, again) = pin_from_stdin();
            let (name, hash) = match crate::app::cashier_sign_in::new_cashier(&name, &pin, &again) {
                Ok(cashier) => cashier,
                Err(error) => return said::fail(exit::BAD_INPUT, &error, false),
            };
            let added = setup
                .ledger()
                .run(move |ledger| ledger.add_cashier(&name, &hash, now))
                .await;
            match added {
                Ok(()) => exit::PAID,
                Err(error) => said::fail(exit::ERROR, &error, false),
            }
        }
        OwnerAction::RemoveCashier { name } => {
            let wanted = name.clone();
            match setup
                .ledger()
                .run(move |ledger| ledger.remove_cashier(&wanted, now))
                .await
            {
                Ok(true) => exit::PAID,
                Ok(false) => said::fail(
                    exit::BAD_INPUT,
                    &crate::ledger::ShiftError::UnknownCashier(name),
                    false,
                ),
                Err(error) => said::fail(exit::ERROR, &error, false),
            }
        }
        OwnerAction::Cashiers => match setup.ledger().run(|ledger| ledger.cashiers()).await {
            Ok(names) => {
                for name in names {
                    out!("{name}");
                }
                exit::PAID
            }
            Err(error) => said::fail(exit::ERROR, &error, false),
        },
        OwnerAction::SetPin | OwnerAction::ResetPin => exit::ERROR,
    }
}

/// A PIN from standard input: its first line, and the second repeating it (the first again
/// when there is none), both trimmed.
fn pin_from_stdin() -> (String, String) {
    let mut lines = std::io::stdin().lines();
    let pin = lines
        .next()
        .and_then(Result::ok)
        .unwrap_or_default()
        .trim()
        .to_owned();
    let again = lines
        .next()
        .and_then(Result::ok)
        .map_or_else(|| pin.clone(), |line| line.trim().to_owned());
    (pin, again)
}
