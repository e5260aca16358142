//! The owner's PIN: what guards where the money goes (设置), the day's exports and reprints.
//!
//! Only a slow salted hash is kept (Argon2id, in the config's `[owner] pin_hash`, PHC form), never
//! the PIN: a config copied off the till does not give the PIN away cheaply. Wrong PINs are
//! counted and, from the fifth, each further try waits a minute ([`Throttle`]), so four to eight
//! digits cannot be walked through at the counter. A forgotten PIN is removed with `cashier
//! owner reset-pin`, which needs the till's OS account (the config is owner-only) and is logged.

use std::time::Duration;

use chrono::{DateTime, Utc};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::i18n::{Lang, Localized};

/// The fewest and most digits of a PIN.
pub const PIN_DIGITS: std::ops::RangeInclusive<usize> = 4..=8;
/// Wrong PINs in a row before tries are slowed.
pub const FREE_TRIES: u32 = 5;
/// How long each try waits once [`FREE_TRIES`] were wrong.
pub const WAIT_AFTER_WRONG: Duration = Duration::from_mins(1);

/// Why a PIN cannot be set, or checked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PinError {
    /// Not 4–8 digits.
    #[error("店主密码应为 4 到 8 位数字")]
    Format,
    /// The two entries differ.
    #[error("两次输入的密码不一致")]
    Mismatch,
    /// The hash in the config is not one this version reads.
    #[error("配置中的店主密码无法读取")]
    Unreadable,
}

impl Localized for PinError {
    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (_, Lang::Zh) => self.to_string(),
            (PinError::Format, Lang::En) => "The owner PIN is 4 to 8 digits".to_owned(),
            (PinError::Mismatch, Lang::En) => "The two entries differ".to_owned(),
            (PinError::Unreadable, Lang::En) => {
                "The owner PIN in the config cannot be read".to_owned()
            }
        }
    }
}

/// Argon2id with OWASP's smallest recommended cost (19 MiB, 2 passes): about 30–60 ms on a
/// till, once per PIN typed, on the worker, never in a frame.
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Checks `pin` (4–8 digits) and that `again` repeats it.
pub fn check_new(pin: &str, again: &str) -> Result<(), PinError> {
    if !PIN_DIGITS.contains(&pin.len()) || !pin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PinError::Format);
    }
    if pin != again {
        return Err(PinError::Mismatch);
    }
    Ok(())
}

/// The hash to keep for `pin` (PHC form, `$argon2id$…`), with a fresh random salt.
pub fn hash(pin: &str) -> Result<String, PinError> {
    check_new(pin, pin)?;
    let salt = SaltString::encode_b64(uuid::Uuid::new_v4().as_bytes())
        .map_err(|_| PinError::Unreadable)?;
    hasher()
        .hash_password(pin.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|_| PinError::Unreadable)
}

/// Whether `stored` is a hash this version can check (the config is refused otherwise: a PIN
/// that can never be checked would lock the owner out, or in).
#[must_use]
pub fn is_readable(stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|hash| hash.algorithm.as_str() == "argon2id")
}

/// Whether `pin` is the one `stored` was made from.
pub fn verify(pin: &str, stored: &str) -> Result<bool, PinError> {
    let parsed = PasswordHash::new(stored).map_err(|_| PinError::Unreadable)?;
    Ok(hasher().verify_password(pin.as_bytes(), &parsed).is_ok())
}

/// What a try of the PIN came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The right PIN.
    Right,
    /// A wrong one: `left` more before tries are slowed, and how long the next try waits (zero
    /// until [`FREE_TRIES`] were wrong).
    Wrong {
        /// Tries left before each waits.
        left: u32,
        /// How long until the next try is checked.
        wait: Duration,
    },
    /// Too many wrong: not checked (and not counted); try again after this long.
    Wait(Duration),
}

/// Wrong PINs in a row and when the last was typed. It is read back from the audit trail
/// ([`crate::ledger::Ledger::pin_throttle`]) before each try, so neither a restart of the till
/// nor a second process (`cashier shift open`) clears the count. Time is passed in, so tests
/// never sleep.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Throttle {
    /// Wrong PINs since the last right one.
    pub wrong: u32,
    /// When the last wrong one was typed.
    pub last_wrong: Option<DateTime<Utc>>,
}

impl Throttle {
    /// How long until a try is checked at `now` (zero when it is at once): from the fifth wrong
    /// PIN in a row, a minute after the last.
    #[must_use]
    pub fn wait_at(&self, now: DateTime<Utc>) -> Duration {
        match self.last_wrong {
            // A clock put back (now before the last wrong one) waits the minute, never longer.
            Some(last) if self.wrong >= FREE_TRIES => {
                WAIT_AFTER_WRONG.saturating_sub((now - last).to_std().unwrap_or(Duration::ZERO))
            }
            _ => Duration::ZERO,
        }
    }

    /// Tries `pin` against `stored` at `now`: checked only when no wait is due. The caller
    /// records a [`Verdict::Wrong`] (the count lives in the audit trail); a [`Verdict::Wait`]
    /// was not checked and is not counted, so waiting out the minute is enough.
    pub fn try_pin(
        &self,
        pin: &str,
        stored: &str,
        now: DateTime<Utc>,
    ) -> Result<Verdict, PinError> {
        let wait = self.wait_at(now);
        if !wait.is_zero() {
            return Ok(Verdict::Wait(wait));
        }
        if verify(pin, stored)? {
            return Ok(Verdict::Right);
        }
        let wrong = self.wrong + 1;
        Ok(Verdict::Wrong {
            left: FREE_TRIES.saturating_sub(wrong),
            wait: if wrong >= FREE_TRIES {
                WAIT_AFTER_WRONG
            } else {
                Duration::ZERO
            },
        })
    }

    /// The throttle after `verdict` at `now` (what the audit trail will say once it is kept).
    #[must_use]
    pub fn after(self, verdict: Verdict, now: DateTime<Utc>) -> Throttle {
        match verdict {
            Verdict::Right => Throttle::default(),
            Verdict::Wrong { .. } => Throttle {
                wrong: self.wrong + 1,
                last_wrong: Some(now),
            },
            Verdict::Wait(_) => self,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pin_is_kept_as_a_salted_argon2id_hash_never_itself() {
        let first = hash("2468").expect("hashed");
        let second = hash("2468").expect("hashed");
        assert!(first.starts_with("$argon2id$"), "{first}");
        assert!(!first.contains("2468"));
        assert_ne!(first, second, "a fresh salt each time");
        assert!(is_readable(&first));
        assert_eq!(verify("2468", &first), Ok(true));
        assert_eq!(verify("2469", &first), Ok(false));
        assert_eq!(verify("2468", "plain"), Err(PinError::Unreadable));
        assert!(!is_readable("2468"));
    }

    #[test]
    fn a_pin_is_four_to_eight_digits_typed_twice_alike() {
        assert_eq!(check_new("1234", "1234"), Ok(()));
        assert_eq!(check_new("12345678", "12345678"), Ok(()));
        assert_eq!(check_new("123", "123"), Err(PinError::Format));
        assert_eq!(check_new("123456789", "123456789"), Err(PinError::Format));
        assert_eq!(check_new("12a4", "12a4"), Err(PinError::Format));
        assert_eq!(check_new("1234", "1243"), Err(PinError::Mismatch));
        assert_eq!(hash("12"), Err(PinError::Format));
    }

    #[test]
    fn five_wrong_pins_make_each_next_try_wait_a_minute() {
        let stored = hash("9999").expect("hashed");
        let mut throttle = Throttle::default();
        let start = Utc::now();
        for left in (1..FREE_TRIES).rev() {
            let verdict = throttle.try_pin("0000", &stored, start).expect("checked");
            assert_eq!(
                verdict,
                Verdict::Wrong {
                    left,
                    wait: Duration::ZERO
                }
            );
            throttle = throttle.after(verdict, start);
        }
        let fifth = throttle.try_pin("0000", &stored, start).expect("checked");
        assert_eq!(
            fifth,
            Verdict::Wrong {
                left: 0,
                wait: WAIT_AFTER_WRONG
            }
        );
        throttle = throttle.after(fifth, start);
        // Even the right PIN is not checked while the wait runs, and the try is not counted.
        let later = start + chrono::TimeDelta::seconds(30);
        let refused = throttle.try_pin("9999", &stored, later).expect("judged");
        assert_eq!(refused, Verdict::Wait(Duration::from_secs(30)));
        assert_eq!(throttle.after(refused, later), throttle);
        // A clock put back does not make the wait longer than a minute.
        let earlier = start - chrono::TimeDelta::hours(1);
        assert_eq!(throttle.wait_at(earlier), WAIT_AFTER_WRONG);
        let after = start + chrono::TimeDelta::seconds(60);
        let sixth = throttle.try_pin("0000", &stored, after).expect("checked");
        assert_eq!(
            sixth,
            Verdict::Wrong {
                left: 0,
                wait: WAIT_AFTER_WRONG
            }
        );
        throttle = throttle.after(sixth, after);
        let after_that = after + chrono::TimeDelta::seconds(60);
        let right = throttle
            .try_pin("9999", &stored, after_that)
            .expect("checked");
        assert_eq!(right, Verdict::Right);
        assert_eq!(throttle.after(right, after_that), Throttle::default());
    }
}
