//! A cashier signs in to open a shift. While the owner has registered no cashier, a shift opens
//! under any name, as before; once one is registered (`cashier owner add-cashier`), only a
//! registered cashier with the right PIN opens one, so every order, cash sale and reprint of the
//! shift is theirs. A refusal is kept in the audit trail.

use chrono::{DateTime, Utc};

use crate::ledger::{AuditAction, Ledger, ShiftError};

/// What resets the count of refused sign-ins: a shift opened, a cashier added.
const SIGN_IN_RESETS: [AuditAction; 2] = [AuditAction::ShiftOpened, AuditAction::CashierAdded];

/// Checks that `name` may open a shift with `pin` at `now`.
pub fn check(
    ledger: &Ledger,
    name: &str,
    pin: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), ShiftError> {
    if ledger.cashiers()?.is_empty() {
        return Ok(());
    }
    let name = name.trim();
    // Refusals in a row (unknown names too: both are guesses) slow the next try, read from the
    // audit trail so a restart or a second process does not clear them.
    let throttle = ledger.pin_throttle(AuditAction::SignInRefused, &SIGN_IN_RESETS)?;
    let wait = throttle.wait_at(now);
    if !wait.is_zero() {
        let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        return Err(ShiftError::TooManyTries(secs));
    }
    let refused = |error: ShiftError| {
        let _ = ledger.audit("未知 unknown", AuditAction::SignInRefused, name, now);
        Err(error)
    };
    let Some(hash) = ledger.cashier_pin_hash(name)? else {
        return refused(ShiftError::UnknownCashier(name.to_owned()));
    };
    match pin.map(|pin| crate::owner_pin::verify(pin.trim(), &hash)) {
        Some(Ok(true)) => Ok(()),
        _ => refused(ShiftError::WrongPin),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_cashiers_registered_only_theirs_open_a_shift() {
        let mut ledger = Ledger::open_in_memory().expect("ledger");
        let now = Utc::now();
        assert!(
            check(&ledger, "anyone", None, now).is_ok(),
            "none registered"
        );
        let hash = crate::owner_pin::hash("1234").expect("hash");
        ledger.add_cashier("张三", &hash, now).expect("added");
        assert!(check(&ledger, "张三", Some("1234"), now).is_ok());
        assert!(matches!(
            check(&ledger, "张三", Some("1243"), now),
            Err(ShiftError::WrongPin)
        ));
        assert!(matches!(
            check(&ledger, "张三", None, now),
            Err(ShiftError::WrongPin)
        ));
        assert!(matches!(
            check(&ledger, "李四", Some("1234"), now),
            Err(ShiftError::UnknownCashier(name)) if name == "李四"
        ));
        // Five refusals in a row (the three above and two more): the next waits, even the
        // right PIN, and a restart (the same ledger, read again) does not clear it.
        let _ = check(&ledger, "张三", Some("0000"), now);
        let _ = check(&ledger, "张三", Some("0000"), now);
        let later = now + chrono::TimeDelta::seconds(10);
        let waited = check(&ledger, "张三", Some("1234"), later);
        assert!(
            matches!(waited, Err(ShiftError::TooManyTries(50))),
            "{waited:?}"
        );
        let after = now + chrono::TimeDelta::seconds(60);
        assert!(check(&ledger, "张三", Some("1234"), after).is_ok());
        assert!(ledger.remove_cashier("张三", now).expect("removed"));
        assert!(ledger.cashiers().expect("names").is_empty());
    }
}
