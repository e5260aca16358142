//! A cashier signs in to open a shift. While the owner has registered no cashier, a shift opens
//! under any name, as before; once one is registered (`cashier owner add-cashier`), only a
//! registered cashier with the right PIN opens one, so every order, cash sale and reprint of the
//! shift is theirs. A refusal is kept in the audit trail.

use chrono::{DateTime, Utc};

use crate::ledger::{AuditAction, Ledger, ShiftError};

/// The fewest and most digits of a cashier's PIN.
pub const CASHIER_PIN_DIGITS: std::ops::RangeInclusive<usize> = 4..=6;

/// A cashier the owner adds: the name (1–32 characters, trimmed) and the hash of the PIN (4–6
/// digits, typed twice alike). Argon2 is slow on purpose: call it off the window's thread.
pub fn new_cashier(name: &str, pin: &str, again: &str) -> Result<(String, String), ShiftError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 32 {
        return Err(ShiftError::CashierName);
    }
    let pin = pin.trim();
    if !CASHIER_PIN_DIGITS.contains(&pin.len()) || !pin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ShiftError::CashierPinDigits);
    }
    if pin != again.trim() {
        return Err(ShiftError::PinMismatch);
    }
    let hash = crate::owner_pin::hash(pin).map_err(|_| ShiftError::CashierPinDigits)?;
    Ok((name.to_owned(), hash))
}

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
    not_waiting(ledger, now)?;
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

/// Refused sign-ins in a row (unknown names too: both are guesses) make the next try wait: read
/// from the audit trail, so a restart or a second process does not clear them.
fn not_waiting(ledger: &Ledger, now: DateTime<Utc>) -> Result<(), ShiftError> {
    let throttle = ledger.pin_throttle(AuditAction::SignInRefused, &SIGN_IN_RESETS)?;
    let wait = throttle.wait_at(now);
    if wait.is_zero() {
        return Ok(());
    }
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    Err(ShiftError::TooManyTries(secs))
}

/// The owner, named in the audit trail when they close a cashier's shift.
pub const OWNER: &str = "店主 owner";

/// Who may close the open shift with `pin` at `now`: where cashiers sign in, its own cashier
/// (their PIN) or the owner (`owner_pin_hash`: closing someone else's shift is theirs). The
/// closer's name, or why not; refusals are kept and throttled as sign-ins are. With no cashiers
/// registered, the shift's cashier closes it, as before.
pub fn check_close(
    ledger: &Ledger,
    pin: Option<&str>,
    owner_pin_hash: Option<&str>,
    now: DateTime<Utc>,
) -> Result<String, ShiftError> {
    let cashier = ledger
        .open_shift_now()?
        .ok_or(ShiftError::NoneOpen)?
        .cashier;
    if ledger.cashiers()?.is_empty() {
        return Ok(cashier);
    }
    not_waiting(ledger, now)?;
    let pin = pin.map(str::trim).unwrap_or_default();
    let verifies = |hash: &str| crate::owner_pin::verify(pin, hash).unwrap_or(false);
    if ledger
        .cashier_pin_hash(&cashier)?
        .is_some_and(|hash| verifies(&hash))
    {
        return Ok(cashier);
    }
    if owner_pin_hash.is_some_and(verifies) {
        return Ok(OWNER.to_owned());
    }
    let detail = format!("closing the shift of {cashier}");
    let _ = ledger.audit("未知 unknown", AuditAction::SignInRefused, &detail, now);
    Err(ShiftError::WrongPin)
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

    #[test]
    fn a_shift_is_closed_by_its_cashier_or_by_the_owner_and_no_one_else() {
        let mut ledger = Ledger::open_in_memory().expect("ledger");
        let now = Utc::now();
        ledger
            .add_cashier("张三", &crate::owner_pin::hash("1111").expect("hash"), now)
            .expect("added");
        ledger
            .add_cashier("李四", &crate::owner_pin::hash("2222").expect("hash"), now)
            .expect("added");
        ledger
            .open_shift("张三", crate::money::Money::ZERO, now)
            .expect("opened");
        let owner = crate::owner_pin::hash("9999").expect("hash");
        let close = |pin| check_close(&ledger, Some(pin), Some(&owner), now);
        assert_eq!(close("1111").expect("hers"), "张三");
        assert_eq!(close("9999").expect("the owner's"), OWNER);
        assert!(
            matches!(close("2222"), Err(ShiftError::WrongPin)),
            "another cashier"
        );
        assert!(matches!(
            check_close(&ledger, None, None, now),
            Err(ShiftError::WrongPin)
        ));
        let closed = ledger
            .close_shift_by(crate::money::Money::ZERO, Some(OWNER), now)
            .expect("closed");
        assert_eq!(closed.cashier, "张三");
        let offset = crate::china_time::cst();
        let day = crate::ledger::day_of(now, offset);
        let trail = ledger.audit_day(day, offset).expect("trail");
        let last = trail.last().expect("the close");
        assert_eq!(
            (last.who.as_str(), last.action.as_str()),
            (OWNER, "shift_closed")
        );
        assert!(last.detail.contains("of 张三"), "{}", last.detail);
    }
}
