//! Why the ledger failed, in the cashier's words.

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
    pub(super) fn is_busy(&self) -> bool {
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
