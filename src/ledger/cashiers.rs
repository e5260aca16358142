//! The cashiers who sign in at this till: a name and a PIN's hash each (made by the caller:
//! Argon2, as the owner PIN's). While none is registered, a shift is opened with any name, as
//! before; once the owner adds one, a shift opens only for a registered cashier with the right
//! PIN (checked by the caller, `crate::app::cashier_sign_in`).

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{AuditAction, Ledger, LedgerError, ms};

impl Ledger {
    /// Adds `name` with `pin_hash`, or gives a cashier (also a removed one) a new PIN.
    pub fn add_cashier(
        &mut self,
        name: &str,
        pin_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<(), LedgerError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO cashiers (name, pin_hash, added_at_ms) VALUES (?1, ?2, ?3)
             ON CONFLICT (name) DO UPDATE
                 SET pin_hash = excluded.pin_hash, removed_at_ms = NULL",
            params![name, pin_hash, ms(now)],
        )?;
        tx.execute(
            "INSERT INTO audit (at_ms, who, action, detail) VALUES (?1, ?2, ?3, ?4)",
            params![
                ms(now),
                "店主 owner",
                AuditAction::CashierAdded.slug(),
                name
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Removes `name` (kept for old shifts, signs in no more); whether there was one to remove.
    pub fn remove_cashier(&mut self, name: &str, now: DateTime<Utc>) -> Result<bool, LedgerError> {
        let tx = self.conn.transaction()?;
        let removed = tx.execute(
            "UPDATE cashiers SET removed_at_ms = ?2 WHERE name = ?1 AND removed_at_ms IS NULL",
            params![name, ms(now)],
        )?;
        if removed > 0 {
            tx.execute(
                "INSERT INTO audit (at_ms, who, action, detail) VALUES (?1, ?2, ?3, ?4)",
                params![
                    ms(now),
                    "店主 owner",
                    AuditAction::CashierRemoved.slug(),
                    name
                ],
            )?;
        }
        tx.commit()?;
        Ok(removed > 0)
    }

    /// The cashiers who may sign in, by name.
    pub fn cashiers(&self) -> Result<Vec<String>, LedgerError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT name FROM cashiers WHERE removed_at_ms IS NULL ORDER BY name",
        )?;
        let names = statement.query_map([], |row| row.get(0))?;
        Ok(names.collect::<Result<_, _>>()?)
    }

    /// The PIN hash of cashier `name`, if one may sign in under that name.
    pub fn cashier_pin_hash(&self, name: &str) -> Result<Option<String>, LedgerError> {
        Ok(self
            .conn
            .query_row(
                "SELECT pin_hash FROM cashiers WHERE name = ?1 AND removed_at_ms IS NULL",
                [name],
                |row| row.get(0),
            )
            .optional()?)
    }
}
