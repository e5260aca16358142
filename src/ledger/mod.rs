//! The write-ahead ledger: every order in SQLite (WAL, durable commits), written before its
//! request leaves the machine, with an append-only history of every status move.
//!
//! Status moves are compare-and-set in SQL (`UPDATE … WHERE status IN (…)`) inside an immediate
//! transaction, so answers racing each other — a query and a notification, two processes on one
//! ledger — apply at most once, and paid is final.

mod history;
pub mod order_no;
mod outbox;
mod schema;
mod shared;
mod shifts;

use std::path::Path;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

pub use history::{
    DailyTotal, DayTotals, MethodTotal, StatusTotal, Unreadable, day_of, day_range_ms,
};
pub use outbox::{OutboxEntry, OutboxPosition};
pub use shared::SharedLedger;
pub use shifts::{DEFAULT_CASHIER, LatePayment, MethodLine, Shift, ShiftError, ShiftReport};

use crate::gateway::{PayMethod, Provider};
use crate::money::Money;
use crate::status::{OrderStatus, PaidAmount, Source, StatusMove};

/// Why the ledger failed. The cashier sees the Chinese text; the detail goes to the log.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// SQLite failed.
    #[error("账本读写失败：{0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The schema could not be brought up to date.
    #[error("账本升级失败：{0}")]
    Migration(#[from] rusqlite_migration::Error),
    /// No such order.
    #[error("账本中没有订单 {0}")]
    NoSuchOrder(String),
    /// A row holds something this version cannot read.
    #[error("账本数据无法识别：{0}")]
    Corrupt(String),
    /// More than 10,000 orders in one second on one till.
    #[error("订单号已用尽，请稍后再试")]
    OrderNumbersExhausted,
}

impl LedgerError {
    /// Another connection held a lock SQLite would not wait for.
    fn is_busy(&self) -> bool {
        let sqlite = match self {
            LedgerError::Sqlite(error) => Some(error),
            LedgerError::Migration(error) => std::error::Error::source(error)
                .and_then(|source| source.downcast_ref::<rusqlite::Error>()),
            _ => None,
        };
        matches!(
            sqlite.and_then(rusqlite::Error::sqlite_error_code),
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
        )
    }
}

/// How long opening the ledger keeps trying while other processes hold its locks.
const OPEN_RETRY_FOR: std::time::Duration = std::time::Duration::from_secs(10);

impl crate::i18n::Localized for LedgerError {
    fn message(&self, lang: crate::i18n::Lang) -> String {
        match lang {
            crate::i18n::Lang::Zh => self.to_string(),
            crate::i18n::Lang::En => match self {
                LedgerError::Sqlite(error) => {
                    format!("The ledger could not be read or written: {error}")
                }
                LedgerError::Migration(error) => {
                    format!("The ledger could not be upgraded: {error}")
                }
                LedgerError::NoSuchOrder(order_no) => format!("No order {order_no} in the ledger"),
                LedgerError::Corrupt(what) => {
                    format!("The ledger holds something unreadable: {what}")
                }
                LedgerError::OrderNumbersExhausted => {
                    "Order numbers for this second are used up; try again".to_owned()
                }
            },
        }
    }
}

/// What an order is, before it has a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderDraft {
    /// The provider.
    pub provider: Provider,
    /// The merchant.
    pub merchant_id: String,
    /// The till.
    pub till_id: String,
    /// How the customer pays.
    pub method: PayMethod,
    /// What is asked.
    pub amount: Money,
    /// What is sold.
    pub description: String,
    /// The customer's detail, already masked: the scanned pay code, or a bank transfer's payer
    /// (the name's first character and the account's ends).
    pub auth_code_masked: Option<String>,
}

/// One order as the ledger holds it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OrderRecord {
    /// Our order number.
    pub order_no: String,
    /// The provider.
    pub provider: Provider,
    /// The merchant.
    pub merchant_id: String,
    /// The till.
    pub till_id: String,
    /// How the customer pays.
    pub method: PayMethod,
    /// What was asked.
    #[serde(skip)]
    pub amount: Money,
    /// What a verified answer says was paid.
    #[serde(skip)]
    pub paid: Option<Money>,
    /// Where it stands.
    pub status: OrderStatus,
    /// The gateway's order number.
    pub gateway_order_no: Option<String>,
    /// The URL shown to the customer.
    pub shown: Option<String>,
    /// The scanned code, or a bank transfer's payer, masked.
    pub auth_code_masked: Option<String>,
    /// What was sold.
    pub description: String,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// When it was paid.
    pub paid_at: Option<DateTime<Utc>>,
    /// The last error.
    pub last_error: Option<String>,
    /// Paid after the cashier gave up on it.
    pub late: bool,
    /// For a repeated payment (补单): the original order number.
    pub repeat_of: Option<String>,
    /// Background re-queries made.
    pub query_attempts: u32,
    /// The gateway answered the create with success: it has the order. Such an order is never
    /// failed because the gateway later says it does not know it.
    pub acknowledged: bool,
    /// Why a person must look at it (an acknowledged order the gateway later denied knowing).
    pub check_reason: Option<String>,
    /// The shift it was sold in (none for orders older than shifts).
    pub shift_id: Option<i64>,
    /// Cash: what the customer handed over.
    #[serde(skip)]
    pub tendered: Option<Money>,
}

impl OrderRecord {
    /// Cash: the change handed back.
    #[must_use]
    pub fn change(&self) -> Option<Money> {
        self.tendered
            .map(|tendered| Money::from_li(tendered.li() - self.amount.li()))
    }

    /// Why a person must look at this order, while it is still open.
    #[must_use]
    pub fn open_check_reason(&self) -> Option<&str> {
        self.check_reason
            .as_deref()
            .filter(|_| !self.status.is_final())
    }
}

/// One status move in an order's history.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EventRecord {
    /// When.
    pub at: DateTime<Utc>,
    /// From which status (none for the first).
    pub from: Option<OrderStatus>,
    /// To which.
    pub to: OrderStatus,
    /// What caused it.
    pub source: String,
    /// The verified gateway status behind it.
    pub gateway_status: Option<String>,
    /// Details: an error, an amount.
    pub detail: Option<String>,
}

/// What a status move did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// The order moved.
    Moved {
        /// From where.
        from: OrderStatus,
        /// A payment that arrived after the cashier gave up: raise it.
        late: bool,
    },
    /// The order was already past this move (a duplicate or late answer): nothing changed.
    Unchanged {
        /// Where it stands.
        current: OrderStatus,
    },
}

/// The ledger: one SQLite connection.
#[derive(Debug)]
pub struct Ledger {
    conn: Connection,
    /// This ledger's install id (`order_no.rs`), read once at open.
    install_id: String,
}

const ORDER_COLUMNS: &str = "order_no, provider, merchant_id, till_id, method, amount_li, paid_li, status, \
     gateway_order_no, shown, auth_code_masked, description, created_at_ms, updated_at_ms, paid_at_ms, \
     last_error, late, repeat_of, query_attempts, acknowledged, check_reason, shift_id, tendered_li";

/// How many columns `ORDER_COLUMNS` names: a query selecting more reads them from here on.
const ORDER_COLUMN_COUNT: usize = 23;

fn ms(time: DateTime<Utc>) -> i64 {
    time.timestamp_millis()
}

fn time(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

fn corrupt(what: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, what.into())
}

fn order_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<OrderRecord> {
    let provider: String = row.get(1)?;
    let method: String = row.get(4)?;
    let status: String = row.get(7)?;
    Ok(OrderRecord {
        order_no: row.get(0)?,
        provider: match provider.as_str() {
            "qht" => Provider::Qht,
            "changpay" => Provider::Changpay,
            other => return Err(corrupt(format!("provider {other}"))),
        },
        merchant_id: row.get(2)?,
        till_id: row.get(3)?,
        method: PayMethod::from_slug(&method).ok_or_else(|| corrupt(format!("method {method}")))?,
        amount: Money::from_li(row.get(5)?),
        paid: row.get::<_, Option<i64>>(6)?.map(Money::from_li),
        status: status.parse().map_err(corrupt)?,
        gateway_order_no: row.get(8)?,
        shown: row.get(9)?,
        auth_code_masked: row.get(10)?,
        description: row.get(11)?,
        created_at: time(row.get(12)?),
        updated_at: time(row.get(13)?),
        paid_at: row.get::<_, Option<i64>>(14)?.map(time),
        last_error: row.get(15)?,
        late: row.get(16)?,
        repeat_of: row.get(17)?,
        query_attempts: row.get(18)?,
        acknowledged: row.get(19)?,
        check_reason: row.get(20)?,
        shift_id: row.get(21)?,
        tendered: row.get::<_, Option<i64>>(22)?.map(Money::from_li),
    })
}

impl Ledger {
    /// Opens (creating if need be) the ledger at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Ledger, LedgerError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| LedgerError::Corrupt(e.to_string()))?;
        }
        // Switching a new file to WAL and migrating it take locks that SQLite sometimes reports
        // as busy without calling the busy handler (20 processes starting at once on a new data
        // dir saw "database is locked" about once in 60). Each attempt is all-or-nothing (the
        // migrations are transactions), so the whole opening is tried again for a while.
        let deadline = std::time::Instant::now() + OPEN_RETRY_FOR;
        loop {
            match Ledger::with_connection(Connection::open(path)?) {
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

    /// Gives `draft` a fresh order number and writes it, durably, as `creating`, in the open
    /// shift (a default one is opened if there is none).
    pub fn create_order(
        &mut self,
        draft: &OrderDraft,
        now: DateTime<Utc>,
    ) -> Result<OrderRecord, LedgerError> {
        self.insert_order(draft, None, now)
    }

    /// Writes a cash sale, paid at once: `tendered` is what the customer handed over (at least
    /// the amount). It never goes to a gateway, so it is never queried.
    pub fn record_cash_sale(
        &mut self,
        draft: &OrderDraft,
        tendered: Money,
        now: DateTime<Utc>,
    ) -> Result<OrderRecord, LedgerError> {
        self.insert_order(draft, Some(tendered), now)
    }

    fn insert_order(
        &mut self,
        draft: &OrderDraft,
        cash_tendered: Option<Money>,
        now: DateTime<Utc>,
    ) -> Result<OrderRecord, LedgerError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let prefix = order_no::prefix(&draft.till_id, &self.install_id, now);
        let last: Option<String> = tx
            .query_row(
                "SELECT max(order_no) FROM orders WHERE order_no >= ?1 AND order_no < ?1 || '~'",
                [&prefix],
                |row| row.get(0),
            )
            .optional()?
            .flatten();
        let order_no =
            order_no::next(&prefix, last.as_deref()).ok_or(LedgerError::OrderNumbersExhausted)?;
        let shift = shifts::shift_for_sale(&tx, now)?;
        let (status, source, paid) = match cash_tendered {
            Some(_) => (OrderStatus::Paid, Source::Cash, Some(draft.amount.li())),
            None => (OrderStatus::Creating, Source::Create, None),
        };
        tx.execute(
            "INSERT INTO orders (order_no, provider, merchant_id, till_id, method, amount_li, status,
                                 auth_code_masked, description, created_at_ms, updated_at_ms,
                                 shift_id, tendered_li, paid_li, paid_at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11, ?12, ?13,
                     CASE WHEN ?13 IS NULL THEN NULL ELSE ?10 END)",
            params![
                order_no,
                draft.provider.id(),
                draft.merchant_id,
                draft.till_id,
                draft.method.slug(),
                draft.amount.li(),
                status.as_str(),
                draft.auth_code_masked,
                draft.description,
                ms(now),
                shift,
                cash_tendered.map(Money::li),
                paid,
            ],
        )?;
        let id = tx.last_insert_rowid();
        tx.execute(
            "INSERT INTO order_events (order_id, at_ms, from_status, to_status, source, detail)
             VALUES (?1, ?2, NULL, ?3, ?4, ?5)",
            params![
                id,
                ms(now),
                status.as_str(),
                source.as_str(),
                cash_tendered.map(|tendered| format!("收现金 {tendered}"))
            ],
        )?;
        tx.commit()?;
        self.order(&order_no)?
            .ok_or(LedgerError::NoSuchOrder(order_no))
    }

    /// Applies `transition` to `order_no` if the order is in a status it may move from.
    ///
    /// A move to pending also records that the gateway acknowledged the order.
    pub fn record(
        &mut self,
        order_no: &str,
        transition: &StatusMove,
        now: DateTime<Utc>,
    ) -> Result<Applied, LedgerError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (id, current): (i64, String) = tx
            .query_row(
                "SELECT id, status FROM orders WHERE order_no = ?1",
                [order_no],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?
            .ok_or_else(|| LedgerError::NoSuchOrder(order_no.to_owned()))?;
        let from: OrderStatus = current.parse().map_err(LedgerError::Corrupt)?;
        let allowed = transition.to.allowed_from();
        if !allowed.contains(&from) {
            return Ok(Applied::Unchanged { current: from });
        }
        let paid_money = matches!(
            transition.to,
            OrderStatus::Paid | OrderStatus::AmountMismatch
        );
        let late = paid_money && matches!(from, OrderStatus::Unresolved | OrderStatus::Failed);
        let paid: Option<&PaidAmount> = transition.paid.as_ref();
        let paid_at = paid.map(|p| ms(p.paid_at.unwrap_or(now)));
        let next_query = transition.next_query_at.map(ms);
        let acknowledged = transition.to == OrderStatus::Pending;
        let allowed_sql = allowed
            .iter()
            .map(|s| format!("'{}'", s.as_str()))
            .collect::<Vec<_>>()
            .join(", ");
        let changed = tx.execute(
            &format!(
                "UPDATE orders SET status = ?1, updated_at_ms = ?2,
                    paid_li = coalesce(?3, paid_li), paid_at_ms = coalesce(?4, paid_at_ms),
                    gateway_order_no = coalesce(?5, gateway_order_no), shown = coalesce(?6, shown),
                    last_error = coalesce(?7, last_error), late = late OR ?8, next_query_at_ms = ?9,
                    acknowledged = acknowledged OR ?11
                 WHERE id = ?10 AND status IN ({allowed_sql})"
            ),
            params![
                transition.to.as_str(),
                ms(now),
                paid.map(|p| p.amount.li()),
                paid_at,
                transition.gateway_order_no,
                transition.shown,
                transition.error,
                late,
                next_query,
                id,
                acknowledged
            ],
        )?;
        if changed == 0 {
            return Ok(Applied::Unchanged { current: from });
        }
        let detail = transition
            .error
            .clone()
            .or_else(|| paid.map(|p| format!("实付 {}", p.amount)));
        tx.execute(
            "INSERT INTO order_events (order_id, at_ms, from_status, to_status, source, gateway_status, detail)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![id, ms(now), from.as_str(), transition.to.as_str(), transition.source.as_str(), transition.gateway_status, detail],
        )?;
        tx.commit()?;
        Ok(Applied::Moved { from, late })
    }

    /// Notes an error on an order without moving it (a create with an unknown outcome).
    pub fn note_error(
        &mut self,
        order_no: &str,
        error: &str,
        now: DateTime<Utc>,
    ) -> Result<(), LedgerError> {
        self.conn.execute(
            "UPDATE orders SET last_error = ?1, updated_at_ms = ?2 WHERE order_no = ?3",
            params![error, ms(now), order_no],
        )?;
        Ok(())
    }

    /// Marks an open order for a person to check, with the reason, in its history too. The order
    /// stays open and keeps being queried; marking it again changes nothing.
    pub fn flag_for_check(
        &mut self,
        order_no: &str,
        reason: &str,
        source: Source,
        now: DateTime<Utc>,
    ) -> Result<bool, LedgerError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let Some((id, status)): Option<(i64, String)> = tx
            .query_row(
                "SELECT id, status FROM orders WHERE order_no = ?1 AND check_reason IS NULL",
                [order_no],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?
        else {
            return Ok(false);
        };
        tx.execute(
            "UPDATE orders SET check_reason = ?1, updated_at_ms = ?2 WHERE id = ?3",
            params![reason, ms(now), id],
        )?;
        tx.execute(
            "INSERT INTO order_events (order_id, at_ms, from_status, to_status, source, detail)
             VALUES (?1, ?2, ?3, ?3, ?4, ?5)",
            params![id, ms(now), status, source.as_str(), reason],
        )?;
        tx.commit()?;
        Ok(true)
    }

    /// Records a background re-query that did not resolve the order, and when to try next
    /// (`None`: stop re-querying automatically).
    pub fn schedule_requery(
        &mut self,
        order_no: &str,
        next: Option<DateTime<Utc>>,
    ) -> Result<(), LedgerError> {
        self.conn.execute(
            "UPDATE orders SET query_attempts = query_attempts + 1, next_query_at_ms = ?1 WHERE order_no = ?2",
            params![next.map(ms), order_no],
        )?;
        Ok(())
    }

    /// Records a repeated payment (changpay 补单) of `original` as its own paid order, linked to
    /// it. Returns whether it was new (a repeated notification of it changes nothing).
    pub fn record_repeat_payment(
        &mut self,
        original: &str,
        repeat_no: &str,
        paid: &PaidAmount,
        source: Source,
        now: DateTime<Utc>,
    ) -> Result<bool, LedgerError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let inserted = tx.execute(
            "INSERT OR IGNORE INTO orders (order_no, provider, merchant_id, till_id, method, amount_li, paid_li,
                 status, description, created_at_ms, updated_at_ms, paid_at_ms, late, repeat_of)
             SELECT ?1, provider, merchant_id, till_id, method, ?2, ?2, 'paid', '重复支付（补单）', ?3, ?3, ?4, 1, order_no
             FROM orders WHERE order_no = ?5",
            params![repeat_no, paid.amount.li(), ms(now), ms(paid.paid_at.unwrap_or(now)), original],
        )?;
        if inserted == 1 {
            let id = tx.last_insert_rowid();
            tx.execute(
                "INSERT INTO order_events (order_id, at_ms, from_status, to_status, source, detail)
                 VALUES (?1, ?2, NULL, 'paid', ?3, ?4)",
                params![
                    id,
                    ms(now),
                    source.as_str(),
                    format!("订单 {original} 的重复支付")
                ],
            )?;
        }
        tx.commit()?;
        Ok(inserted == 1)
    }

    /// One order.
    pub fn order(&self, order_no: &str) -> Result<Option<OrderRecord>, LedgerError> {
        let sql = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE order_no = ?1");
        Ok(self
            .conn
            .query_row(&sql, [order_no], order_from_row)
            .optional()?)
    }

    /// An order's status history, oldest first.
    pub fn events(&self, order_no: &str) -> Result<Vec<EventRecord>, LedgerError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT e.at_ms, e.from_status, e.to_status, e.source, e.gateway_status, e.detail
             FROM order_events e JOIN orders o ON o.id = e.order_id WHERE o.order_no = ?1 ORDER BY e.id",
        )?;
        let rows = statement.query_map([order_no], |row| {
            let from: Option<String> = row.get(1)?;
            let to: String = row.get(2)?;
            Ok(EventRecord {
                at: time(row.get(0)?),
                from: from.map(|s| s.parse()).transpose().map_err(corrupt)?,
                to: to.parse().map_err(corrupt)?,
                source: row.get(3)?,
                gateway_status: row.get(4)?,
                detail: row.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Orders not final yet (creating, pending, unresolved), oldest first.
    pub fn open_orders(&self) -> Result<Vec<OrderRecord>, LedgerError> {
        self.select_orders(
            "status IN ('creating', 'pending', 'unresolved', 'amount_mismatch') AND status != 'amount_mismatch'",
            params![],
        )
    }

    /// Open orders whose background re-query is due at `now`, and failed orders due a re-check.
    pub fn due_for_requery(&self, now: DateTime<Utc>) -> Result<Vec<OrderRecord>, LedgerError> {
        self.select_orders(
            "status IN ('creating', 'pending', 'unresolved', 'failed')
             AND next_query_at_ms IS NOT NULL AND next_query_at_ms <= ?1",
            params![ms(now)],
        )
    }

    /// How many orders the ledger holds per status (the diagnostics zip).
    pub fn counts_by_status(&self) -> Result<Vec<(String, i64)>, LedgerError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT status, count(*) FROM orders GROUP BY status ORDER BY status",
        )?;
        let counts = statement
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<Result<_, _>>()?;
        Ok(counts)
    }

    /// How many shifts the ledger holds.
    pub fn shift_count(&self) -> Result<i64, LedgerError> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM shifts", [], |row| row.get(0))?)
    }

    /// What needs a person: open orders and amount mismatches, oldest first.
    pub fn unresolved(&self) -> Result<Vec<OrderRecord>, LedgerError> {
        self.select_orders(
            "status IN ('creating', 'pending', 'unresolved', 'amount_mismatch')",
            params![],
        )
    }

    /// Payments that arrived after the cashier gave up, newest first.
    pub fn late_payments(&self, since: DateTime<Utc>) -> Result<Vec<OrderRecord>, LedgerError> {
        let sql = format!(
            "SELECT {ORDER_COLUMNS} FROM orders WHERE late = 1 AND updated_at_ms >= ?1 ORDER BY updated_at_ms DESC"
        );
        let mut statement = self.conn.prepare_cached(&sql)?;
        let rows = statement.query_map([ms(since)], order_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn select_orders(
        &self,
        condition: &str,
        params: &[&dyn rusqlite::ToSql],
    ) -> Result<Vec<OrderRecord>, LedgerError> {
        let sql =
            format!("SELECT {ORDER_COLUMNS} FROM orders WHERE {condition} ORDER BY created_at_ms");
        let mut statement = self.conn.prepare_cached(&sql)?;
        let rows = statement.query_map(params, order_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The connection, for the history queries.
    fn conn(&self) -> &Connection {
        &self.conn
    }
}
