//! Refunds (退款) and voids (作废), honestly: neither gateway's spec has a refund call, so a wallet
//! sale's money goes back through the merchant's own back office (or as cash from the drawer) and
//! the till records that it did. A refund is its own row tied to its sale: never more than what
//! is left of it, in the shift whose drawer it came out of. A void closes an unresolved order the
//! customer will not pay: it leaves the unresolved list but keeps its status, so a payment that
//! lands on it anyway is recorded as any late payment is (and announced), and it is queried for a
//! day more.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::{AuditAction, Ledger, LedgerError, ms, time};
use crate::money::Money;

/// How long a voided order is still queried.
pub const VOID_QUERIED_FOR_MS: i64 = 24 * 3600 * 1000;

/// How the money went back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefundWay {
    /// Cash out of the drawer: the shift's expected cash is lower by it.
    Cash,
    /// Refunded in the merchant's back office (the wallet's money went back there).
    BackOffice,
}

impl RefundWay {
    /// The slug kept in the ledger and the CLI's JSON.
    #[must_use]
    pub fn slug(self) -> &'static str {
        match self {
            RefundWay::Cash => "cash",
            RefundWay::BackOffice => "back_office",
        }
    }

    fn from_slug(slug: &str) -> Option<RefundWay> {
        match slug {
            "cash" => Some(RefundWay::Cash),
            "back_office" => Some(RefundWay::BackOffice),
            _ => None,
        }
    }
}

impl crate::i18n::Localized for RefundWay {
    fn message(&self, lang: crate::i18n::Lang) -> String {
        match self {
            RefundWay::Cash => crate::i18n::tr(lang, "现金退还", "Cash back"),
            RefundWay::BackOffice => {
                crate::i18n::tr(lang, "已在商户后台退款", "Refunded in the back office")
            }
        }
        .to_owned()
    }
}

/// One refund as kept.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Refund {
    /// The sale refunded.
    pub order_no: String,
    /// How much went back.
    #[serde(with = "super::records::li")]
    pub amount: Money,
    /// How.
    pub way: RefundWay,
    /// Why (as the owner typed it).
    pub reason: String,
    /// Who let it through (店主 behind the PIN, or the shift's cashier).
    pub who: String,
    /// When.
    pub at: DateTime<Utc>,
    /// The shift it was made in.
    pub shift_id: Option<i64>,
}

/// Why a refund or a void was refused.
#[derive(Debug, thiserror::Error)]
pub enum RefundError {
    /// No order has this number.
    #[error("账本中没有订单 {0}")]
    NoSuchOrder(String),
    /// Only a paid sale is refunded.
    #[error("只有已支付的订单可以退款")]
    NotPaid,
    /// More than what is left of the sale.
    #[error("退款金额超过可退金额 {left}")]
    TooMuch {
        /// What may still be refunded.
        left: Money,
    },
    /// A refund or a void says why.
    #[error("请填写原因")]
    NoReason,
    /// Only an order still unresolved (not paid, not failed) is voided.
    #[error("只有未完成的订单可以作废")]
    NotOpen,
    /// It was voided already.
    #[error("订单已作废")]
    AlreadyVoided,
    /// The ledger failed.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

impl From<rusqlite::Error> for RefundError {
    fn from(error: rusqlite::Error) -> Self {
        RefundError::Ledger(error.into())
    }
}

impl crate::i18n::Localized for RefundError {
    fn message(&self, lang: crate::i18n::Lang) -> String {
        match (lang, self) {
            (crate::i18n::Lang::Zh, _) => self.to_string(),
            (_, RefundError::NoSuchOrder(order_no)) => format!("No order {order_no} in the ledger"),
            (_, RefundError::NotPaid) => "Only a paid sale can be refunded".to_owned(),
            (_, RefundError::TooMuch { left }) => format!("More than the {left} left to refund"),
            (_, RefundError::NoReason) => "Say why".to_owned(),
            (_, RefundError::NotOpen) => "Only an unresolved order can be voided".to_owned(),
            (_, RefundError::AlreadyVoided) => "The order is voided already".to_owned(),
            (lang, RefundError::Ledger(error)) => error.message(lang),
        }
    }
}

/// The longest reason kept.
const REASON_CHARS: usize = 100;

fn reason_of(reason: &str) -> Result<String, RefundError> {
    let reason: String = reason.trim().chars().take(REASON_CHARS).collect();
    if reason.is_empty() {
        return Err(RefundError::NoReason);
    }
    Ok(reason)
}

impl Ledger {
    /// Records a refund of `amount` of the paid sale `order_no`, made `way`, for `reason`, let
    /// through by `who`: in the open shift (a default one opened if none is), audited.
    ///
    /// # Errors
    /// When the order is not a paid sale, the amount is more than is left, or no reason is given.
    pub fn refund(
        &mut self,
        order_no: &str,
        amount: Money,
        way: RefundWay,
        reason: &str,
        who: &str,
        now: DateTime<Utc>,
    ) -> Result<Refund, RefundError> {
        let reason = reason_of(reason)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (order_id, status, paid) = order_row(&tx, order_no, "paid_li")?;
        if status != "paid" {
            return Err(RefundError::NotPaid);
        }
        let refunded: i64 = tx.query_row(
            "SELECT coalesce(sum(amount_li), 0) FROM refunds WHERE order_id = ?1",
            [order_id],
            |row| row.get(0),
        )?;
        let left = Money::from_li(paid.unwrap_or_default() - refunded);
        if amount.li() <= 0 || amount > left {
            return Err(RefundError::TooMuch { left });
        }
        let shift_id = super::shift_for_sale(&tx, now)?;
        let now = time(ms(now));
        tx.execute(
            "INSERT INTO refunds (order_id, shift_id, amount_li, way, reason, who, at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                order_id,
                shift_id,
                amount.li(),
                way.slug(),
                reason,
                who,
                ms(now)
            ],
        )?;
        tx.execute(
            "INSERT INTO audit (at_ms, who, action, detail) VALUES (?1, ?2, ?3, ?4)",
            params![
                ms(now),
                who,
                AuditAction::Refunded.slug(),
                format!("{order_no} {amount} {} {reason}", way.slug())
            ],
        )?;
        tx.commit()?;
        Ok(Refund {
            order_no: order_no.to_owned(),
            amount,
            way,
            reason,
            who: who.to_owned(),
            at: now,
            shift_id: Some(shift_id),
        })
    }

    /// The refunds of `order_no`, oldest first.
    ///
    /// # Errors
    /// When the ledger cannot be read.
    pub fn refunds_of(&self, order_no: &str) -> Result<Vec<Refund>, LedgerError> {
        self.select_refunds("o.order_no = ?1", params![order_no])
    }

    /// The refunds made from `from` to before `to`, oldest first.
    ///
    /// # Errors
    /// When the ledger cannot be read.
    pub fn refunds_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Refund>, LedgerError> {
        self.select_refunds("r.at_ms >= ?1 AND r.at_ms < ?2", params![ms(from), ms(to)])
    }

    fn select_refunds(
        &self,
        condition: &str,
        params: &[&dyn rusqlite::ToSql],
    ) -> Result<Vec<Refund>, LedgerError> {
        Ok(select_refunds_in(&self.conn, condition, params)?)
    }

    /// The refunds the store has not taken, with their row ids, oldest first: none until the
    /// till is linked to a store (then all of them, as with the audit trail).
    ///
    /// # Errors
    /// When the ledger cannot be read.
    pub fn refunds_to_push(&self, limit: u32) -> Result<Vec<(i64, Refund)>, LedgerError> {
        Ok(select_refunds_with_ids(
            &self.conn,
            "r.id > (SELECT refunds_pushed FROM store_link WHERE id = 1 AND enabled = 1)",
            "LIMIT ?1",
            params![limit],
        )?)
    }

    /// The store took every refund up to row `id`.
    ///
    /// # Errors
    /// When the ledger cannot be written.
    pub fn refunds_pushed(&self, id: i64) -> Result<(), LedgerError> {
        self.conn.execute(
            "UPDATE store_link SET refunds_pushed = max(refunds_pushed, ?1) WHERE id = 1",
            [id],
        )?;
        Ok(())
    }

    /// The refunds made on `day` in `offset`'s calendar, oldest first.
    ///
    /// # Errors
    /// When the ledger cannot be read.
    pub fn refunds_on_day(
        &self,
        day: chrono::NaiveDate,
        offset: chrono::FixedOffset,
    ) -> Result<Vec<Refund>, LedgerError> {
        let (from, to) = super::day_range_ms(day, offset);
        self.select_refunds("r.at_ms >= ?1 AND r.at_ms < ?2", params![from, to])
    }

    /// Voids the unresolved order `order_no` for `reason`, by `who`: it leaves the unresolved
    /// list, is queried for a day more, and a payment that lands on it is still recorded.
    ///
    /// # Errors
    /// When the order is not open, was voided already, or no reason is given.
    pub fn void(
        &mut self,
        order_no: &str,
        reason: &str,
        who: &str,
        now: DateTime<Utc>,
    ) -> Result<(), RefundError> {
        let reason = reason_of(reason)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (order_id, status, voided) = order_row(&tx, order_no, "voided_at_ms")?;
        if voided.is_some() {
            return Err(RefundError::AlreadyVoided);
        }
        if !matches!(status.as_str(), "creating" | "pending" | "unresolved") {
            return Err(RefundError::NotOpen);
        }
        tx.execute(
            "UPDATE orders SET voided_at_ms = ?1, void_reason = ?2 WHERE id = ?3",
            params![ms(now), reason, order_id],
        )?;
        tx.execute(
            "INSERT INTO order_events (order_id, at_ms, from_status, to_status, source, detail)
             VALUES (?1, ?2, ?3, ?3, 'void', ?4)",
            params![order_id, ms(now), status, format!("作废：{reason}")],
        )?;
        tx.execute(
            "INSERT INTO audit (at_ms, who, action, detail) VALUES (?1, ?2, ?3, ?4)",
            params![
                ms(now),
                who,
                AuditAction::Voided.slug(),
                format!("{order_no} {reason}")
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Whether `order_no` was voided, and why.
    ///
    /// # Errors
    /// When the ledger cannot be read.
    pub fn void_reason(&self, order_no: &str) -> Result<Option<String>, LedgerError> {
        Ok(self
            .conn
            .query_row(
                "SELECT void_reason FROM orders WHERE order_no = ?1",
                [order_no],
                |row| row.get(0),
            )
            .optional()?
            .flatten())
    }
}

/// `order_no`'s row id, status and the (nullable, integer) `column`.
fn order_row(
    tx: &rusqlite::Transaction<'_>,
    order_no: &str,
    column: &str,
) -> Result<(i64, String, Option<i64>), RefundError> {
    tx.query_row(
        &format!("SELECT id, status, {column} FROM orders WHERE order_no = ?1"),
        [order_no],
        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
    )
    .optional()?
    .ok_or_else(|| RefundError::NoSuchOrder(order_no.to_owned()))
}

/// The refunds made in shift `shift_id`, oldest first.
pub(super) fn refunds_in_shift(
    conn: &rusqlite::Connection,
    shift_id: i64,
) -> rusqlite::Result<Vec<Refund>> {
    select_refunds_in(conn, "r.shift_id = ?1", params![shift_id])
}

fn select_refunds_in(
    conn: &rusqlite::Connection,
    condition: &str,
    params: &[&dyn rusqlite::ToSql],
) -> rusqlite::Result<Vec<Refund>> {
    let with_ids = select_refunds_with_ids(conn, condition, "", params)?;
    Ok(with_ids.into_iter().map(|(_, refund)| refund).collect())
}

/// The refunds matching `condition`, each with its row id, oldest first; `limit` is SQL's
/// (`LIMIT n`) or empty.
fn select_refunds_with_ids(
    conn: &rusqlite::Connection,
    condition: &str,
    limit: &str,
    params: &[&dyn rusqlite::ToSql],
) -> rusqlite::Result<Vec<(i64, Refund)>> {
    let sql = format!(
        "SELECT o.order_no, r.amount_li, r.way, r.reason, r.who, r.at_ms, r.shift_id, r.id
         FROM refunds r JOIN orders o ON o.id = r.order_id WHERE {condition} ORDER BY r.id {limit}"
    );
    let mut statement = conn.prepare_cached(&sql)?;
    let rows = statement.query_map(params, |row| {
        let way: String = row.get(2)?;
        let refund = Refund {
            order_no: row.get(0)?,
            amount: Money::from_li(row.get(1)?),
            way: RefundWay::from_slug(&way)
                .ok_or_else(|| super::corrupt(format!("refund way {way}")))?,
            reason: row.get(3)?,
            who: row.get(4)?,
            at: time(row.get(5)?),
            shift_id: row.get(6)?,
        };
        Ok((row.get(7)?, refund))
    })?;
    rows.collect()
}
