//! What the ledger holds, as read back: an order, its status history, and what a move did; and
//! how a row becomes an [`OrderRecord`].

use chrono::{DateTime, Utc};

use crate::gateway::{PayMethod, Provider};
use crate::money::Money;
use crate::status::OrderStatus;

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

pub(super) const ORDER_COLUMNS: &str = "order_no, provider, merchant_id, till_id, method, amount_li, paid_li, status, \
     gateway_order_no, shown, auth_code_masked, description, created_at_ms, updated_at_ms, paid_at_ms, \
     last_error, late, repeat_of, query_attempts, acknowledged, check_reason, shift_id, tendered_li";

/// How many columns `ORDER_COLUMNS` names: a query selecting more reads them from here on.
pub(super) const ORDER_COLUMN_COUNT: usize = 23;

pub(super) fn ms(time: DateTime<Utc>) -> i64 {
    time.timestamp_millis()
}

pub(super) fn time(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

pub(super) fn corrupt(what: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, what.into())
}

pub(super) fn order_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<OrderRecord> {
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

/// Money as li in what the ledger keeps as JSON (a closed shift's report, its refunds).
pub(super) mod li {
    use crate::money::Money;

    #[allow(clippy::trivially_copy_pass_by_ref)] // serde's `with` passes a reference.
    pub fn serialize<S: serde::Serializer>(money: &Money, to: S) -> Result<S::Ok, S::Error> {
        to.serialize_i64(money.li())
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(from: D) -> Result<Money, D::Error> {
        <i64 as serde::Deserialize>::deserialize(from).map(Money::from_li)
    }
}
