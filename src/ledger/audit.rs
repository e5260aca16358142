//! The audit trail: who did what that touches the money or where it goes — settings changed
//! (which fields, old → new, never a key or password), owner PINs right and wrong, shifts opened
//! and closed with their counts, exports, reprints. Append-only (triggers refuse an update or a
//! delete); read back a day at a time (`cashier audit`). The ledger keeps what it is told: the
//! callers say who and what.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use rusqlite::params;

use super::history::day_range_ms;
use super::{Ledger, LedgerError, ms, time};

/// What was done (kept by its slug).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    /// The settings were saved; the detail lists what changed.
    SettingsSaved,
    /// The owner PIN was set, changed or removed.
    OwnerPinChanged,
    /// A right owner PIN.
    OwnerPinRight,
    /// A wrong owner PIN.
    OwnerPinWrong,
    /// A shift was opened.
    ShiftOpened,
    /// A shift was closed; the detail has the counts.
    ShiftClosed,
    /// Orders were exported to a file.
    Exported,
    /// A receipt was printed again.
    Reprinted,
    /// The owner added a cashier (or gave one a new PIN).
    CashierAdded,
    /// The owner removed a cashier.
    CashierRemoved,
    /// A cashier's sign-in was refused (an unknown name or a wrong PIN).
    SignInRefused,
    /// The cash drawer was opened; the detail says why.
    DrawerOpened,
    /// A paid sale was refunded (in part); the detail names it, the amount, how and why.
    Refunded,
    /// An unresolved order was voided; the detail names it and why.
    Voided,
}

impl AuditAction {
    /// The slug kept in the ledger and printed by `cashier audit --json`.
    #[must_use]
    pub fn slug(self) -> &'static str {
        match self {
            AuditAction::SettingsSaved => "settings_saved",
            AuditAction::OwnerPinChanged => "owner_pin_changed",
            AuditAction::OwnerPinRight => "owner_pin_right",
            AuditAction::OwnerPinWrong => "owner_pin_wrong",
            AuditAction::ShiftOpened => "shift_opened",
            AuditAction::ShiftClosed => "shift_closed",
            AuditAction::Exported => "exported",
            AuditAction::Reprinted => "reprinted",
            AuditAction::CashierAdded => "cashier_added",
            AuditAction::CashierRemoved => "cashier_removed",
            AuditAction::SignInRefused => "sign_in_refused",
            AuditAction::DrawerOpened => "drawer_opened",
            AuditAction::Refunded => "refunded",
            AuditAction::Voided => "voided",
        }
    }
}

/// One entry as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    /// When.
    pub at: DateTime<Utc>,
    /// Who (the cashier of the open shift, or 店主 for what the owner PIN let through).
    pub who: String,
    /// What (an [`AuditAction`] slug).
    pub action: String,
    /// The particulars.
    pub detail: String,
}

impl Ledger {
    /// Appends an entry.
    pub fn audit(
        &self,
        who: &str,
        action: AuditAction,
        detail: &str,
        now: DateTime<Utc>,
    ) -> Result<(), LedgerError> {
        self.conn.execute(
            "INSERT INTO audit (at_ms, who, action, detail) VALUES (?1, ?2, ?3, ?4)",
            params![ms(now), who, action.slug(), detail],
        )?;
        Ok(())
    }

    /// Wrong PINs of one kind in a row, read back from the trail: `wrong` entries since the last
    /// of `reset` (a right PIN, a new one set), and when the last was kept. What throttles PIN
    /// tries, so a restart of the till does not clear the count.
    pub fn pin_throttle(
        &self,
        wrong: AuditAction,
        reset: &[AuditAction],
    ) -> Result<crate::owner_pin::Throttle, LedgerError> {
        let resets = reset
            .iter()
            .map(|action| format!("'{}'", action.slug()))
            .collect::<Vec<_>>()
            .join(", ");
        let (count, last): (i64, Option<i64>) = self.conn.query_row(
            &format!(
                "SELECT count(*), max(at_ms) FROM audit WHERE action = ?1 AND id > \
                 (SELECT coalesce(max(id), 0) FROM audit WHERE action IN ({resets}))"
            ),
            params![wrong.slug()],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        Ok(crate::owner_pin::Throttle {
            wrong: u32::try_from(count).unwrap_or(u32::MAX),
            last_wrong: last.map(time),
        })
    }

    /// Up to `limit` entries the store has not taken yet, oldest first, each with its id; none
    /// while the till is not linked to a store.
    pub fn audit_to_push(&self, limit: u32) -> Result<Vec<(i64, AuditRecord)>, LedgerError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT a.id, a.at_ms, a.who, a.action, a.detail FROM audit a, store_link s
             WHERE s.id = 1 AND s.enabled = 1 AND a.id > s.audit_pushed ORDER BY a.id LIMIT ?1",
        )?;
        let rows = statement.query_map([limit], |row| {
            Ok((
                row.get(0)?,
                AuditRecord {
                    at: time(row.get(1)?),
                    who: row.get(2)?,
                    action: row.get(3)?,
                    detail: row.get(4)?,
                },
            ))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The store took every entry up to `id`.
    pub fn audit_pushed(&self, id: i64) -> Result<(), LedgerError> {
        self.conn.execute(
            "UPDATE store_link SET audit_pushed = max(audit_pushed, ?1) WHERE id = 1",
            [id],
        )?;
        Ok(())
    }

    /// How many times `order_no`'s receipt was printed again.
    pub fn reprints(&self, order_no: &str) -> Result<u32, LedgerError> {
        let count: i64 = self.conn.query_row(
            "SELECT count(*) FROM audit WHERE action = ?1 AND detail = ?2",
            params![AuditAction::Reprinted.slug(), order_no],
            |row| row.get(0),
        )?;
        Ok(u32::try_from(count).unwrap_or(u32::MAX))
    }

    /// The entries of `day` (in `offset`'s time), oldest first.
    pub fn audit_day(
        &self,
        day: NaiveDate,
        offset: FixedOffset,
    ) -> Result<Vec<AuditRecord>, LedgerError> {
        let (start, end) = day_range_ms(day, offset);
        let mut statement = self.conn.prepare_cached(
            "SELECT at_ms, who, action, detail FROM audit
             WHERE at_ms >= ?1 AND at_ms < ?2 ORDER BY id",
        )?;
        let rows = statement.query_map(params![start, end], |row| {
            Ok(AuditRecord {
                at: time(row.get(0)?),
                who: row.get(1)?,
                action: row.get(2)?,
                detail: row.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_read_back_by_day_and_never_altered_or_removed() {
        let ledger = Ledger::open_in_memory().expect("ledger");
        let now = Utc::now();
        ledger
            .audit("店主", AuditAction::Exported, "sales-2026-12-05.csv", now)
            .expect("kept");
        ledger
            .audit("张三", AuditAction::OwnerPinWrong, "", now)
            .expect("kept");
        let offset = crate::china_time::cst();
        let day = super::super::day_of(now, offset);
        let entries = ledger.audit_day(day, offset).expect("read");
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].action, "exported");
        assert_eq!(entries[1].who, "张三");
        for sql in ["UPDATE audit SET who = 'x'", "DELETE FROM audit"] {
            let refused = ledger.conn.execute(sql, []);
            assert!(refused.is_err(), "{sql} was let through");
        }
        assert_eq!(ledger.audit_day(day, offset).expect("read").len(), 2);
    }

    #[test]
    fn wrong_pins_are_counted_from_the_trail_until_a_right_one() {
        let ledger = Ledger::open_in_memory().expect("ledger");
        let reset = [AuditAction::OwnerPinRight, AuditAction::OwnerPinChanged];
        let throttle = |ledger: &Ledger| {
            ledger
                .pin_throttle(AuditAction::OwnerPinWrong, &reset)
                .expect("read")
        };
        assert_eq!(throttle(&ledger), crate::owner_pin::Throttle::default());
        let start = Utc::now();
        for second in 0..3 {
            let at = start + chrono::TimeDelta::seconds(second);
            ledger
                .audit("?", AuditAction::OwnerPinWrong, "", at)
                .expect("kept");
        }
        let counted = throttle(&ledger);
        assert_eq!(counted.wrong, 3);
        assert_eq!(
            counted.last_wrong.map(|at| at.timestamp_millis()),
            Some((start + chrono::TimeDelta::seconds(2)).timestamp_millis())
        );
        // Another kind of entry does not reset it; a right PIN does.
        ledger
            .audit("?", AuditAction::Exported, "", start)
            .expect("kept");
        assert_eq!(throttle(&ledger).wrong, 3);
        ledger
            .audit("?", AuditAction::OwnerPinRight, "", start)
            .expect("kept");
        assert_eq!(throttle(&ledger).wrong, 0);
        ledger
            .audit("?", AuditAction::OwnerPinWrong, "", start)
            .expect("kept");
        assert_eq!(throttle(&ledger).wrong, 1);
    }
}
