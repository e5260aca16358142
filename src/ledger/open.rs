//! Opening a ledger: creating it, bringing its schema up to date, reading one this user cannot
//! write.

use std::path::Path;

use rusqlite::{Connection, TransactionBehavior};

use super::{Ledger, LedgerError, order_no, schema};

/// How long opening the ledger keeps trying while other processes hold its locks.
const OPEN_RETRY_FOR: std::time::Duration = std::time::Duration::from_secs(10);

impl Ledger {
    /// Opens (creating if need be) the ledger at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Ledger, LedgerError> {
        if let Some(dir) = path.parent() {
            // Every sale of the shop is in here: the folder is the till's OS user's only.
            crate::owner_only::dir(dir).map_err(|e| LedgerError::Corrupt(e.to_string()))?;
        }
        // Made owner-only before SQLite opens it: its -wal and -shm files take the database
        // file's mode when SQLite makes them.
        if !path.exists() {
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            if let Err(error) = options.open(path)
                && error.kind() != std::io::ErrorKind::AlreadyExists
            {
                return Err(LedgerError::Corrupt(error.to_string()));
            }
        }
        // Switching a new file to WAL and migrating it take locks that SQLite sometimes reports
        // as busy without calling the busy handler (20 processes starting at once on a new data
        // dir saw "database is locked" about once in 60). Each attempt is all-or-nothing (the
        // migrations are transactions), so the whole opening is tried again for a while.
        let deadline = std::time::Instant::now() + OPEN_RETRY_FOR;
        loop {
            let opened = Ledger::with_connection(Connection::open(path)?);
            crate::owner_only::file(path);
            match opened {
                Err(error) if error.is_busy() && std::time::Instant::now() < deadline => {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                result => return result,
            }
        }
    }

    /// Opens the ledger at `path` to read only, for a report from a data dir this user cannot
    /// write (another user's till, a read-only mount): no migration, no write. A WAL ledger whose
    /// shared-memory file cannot be made is read as immutable (its last checkpoint).
    pub fn open_read_only(path: &Path) -> Result<Ledger, LedgerError> {
        use rusqlite::OpenFlags;
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let readable = |conn: &Connection| {
            conn.query_row("SELECT count(*) FROM orders", [], |row| {
                row.get::<_, i64>(0)
            })
        };
        let conn = Connection::open_with_flags(path, flags)?;
        let conn = if readable(&conn).is_ok() {
            conn
        } else {
            let encoded = percent_encoding::utf8_percent_encode(
                &path.to_string_lossy(),
                percent_encoding::NON_ALPHANUMERIC,
            )
            .to_string()
            .replace("%2F", "/");
            let immutable =
                Connection::open_with_flags(format!("file:{encoded}?immutable=1"), flags)?;
            readable(&immutable)?;
            immutable
        };
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // A ledger from before install ids has none; a read-only one never numbers an order.
        let install_id = conn
            .query_row(
                "SELECT install_id FROM till_identity WHERE id = 1",
                [],
                |row| row.get(0),
            )
            .unwrap_or_default();
        Ok(Ledger { conn, install_id })
    }

    /// A ledger in memory, for tests.
    pub fn open_in_memory() -> Result<Ledger, LedgerError> {
        Ledger::with_connection(Connection::open_in_memory()?)
    }

    fn with_connection(mut conn: Connection) -> Result<Ledger, LedgerError> {
        // WAL lets readers run beside the writer; synchronous=FULL makes each commit durable
        // (fsync of the WAL) before it returns, which "written before the request leaves" needs.
        // Wait for another process's lock before anything else: many may start at once.
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // Migrations write at once (an immediate transaction). Processes starting together on a
        // new ledger all read "version 0" before any takes the lock; those that lose the race
        // fail on a table that now exists, and find the schema up to date: that is success.
        conn.set_transaction_behavior(TransactionBehavior::Immediate);
        let migrations = schema::migrations();
        if let Err(error) = migrations.to_latest(&mut conn)
            && migrations.pending_migrations(&conn).ok() != Some(0)
        {
            return Err(error.into());
        }
        conn.set_transaction_behavior(TransactionBehavior::Deferred);
        let install_id: String = conn.query_row(
            "SELECT install_id FROM till_identity WHERE id = 1",
            [],
            |row| row.get(0),
        )?;
        if !order_no::is_install_id(&install_id) {
            return Err(LedgerError::Corrupt(format!("install id {install_id}")));
        }
        Ok(Ledger { conn, install_id })
    }

    /// This till's install id: drawn when the ledger was created, carried by every order number,
    /// claimed in the store with the till id.
    #[must_use]
    pub fn install_id(&self) -> &str {
        &self.install_id
    }
}
