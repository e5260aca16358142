//! An order's status in the ledger, the moves allowed between statuses, and where a move came from.
//!
//! Moves are compare-and-set: a move to `to` happens only from one of `to.allowed_from()`, so a
//! duplicate or late answer changes nothing, and paid is final.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};

use crate::money::Money;

/// Where an order stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Written to the ledger; the create request may or may not have reached the gateway.
    Creating,
    /// The gateway took the order; the customer has not paid yet.
    Pending,
    /// Paid, from a verified answer whose order number and amount match. Final.
    Paid,
    /// Failed for good: refused at creation, declined, or never reached the gateway.
    Failed,
    /// The wait ran out or the cashier stopped waiting; queried again in the background.
    Unresolved,
    /// A verified answer says paid, but a different amount than asked: recorded, shown, never
    /// silently taken as paid. Final until a person looks at it.
    AmountMismatch,
}

impl OrderStatus {
    /// Every status.
    pub const ALL: [OrderStatus; 6] = [
        OrderStatus::Creating,
        OrderStatus::Pending,
        OrderStatus::Paid,
        OrderStatus::Failed,
        OrderStatus::Unresolved,
        OrderStatus::AmountMismatch,
    ];

    /// The statuses still to be resolved by querying.
    pub const OPEN: [OrderStatus; 3] = [
        OrderStatus::Creating,
        OrderStatus::Pending,
        OrderStatus::Unresolved,
    ];

    /// The text in the ledger and in JSON.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Creating => "creating",
            OrderStatus::Pending => "pending",
            OrderStatus::Paid => "paid",
            OrderStatus::Failed => "failed",
            OrderStatus::Unresolved => "unresolved",
            OrderStatus::AmountMismatch => "amount_mismatch",
        }
    }

    /// The cashier's word for it.
    #[must_use]
    pub fn zh_name(self) -> &'static str {
        match self {
            OrderStatus::Creating => "创建中",
            OrderStatus::Pending => "等待支付",
            OrderStatus::Paid => "支付成功",
            OrderStatus::Failed => "支付失败",
            OrderStatus::Unresolved => "结果未知",
            OrderStatus::AmountMismatch => "金额不符",
        }
    }

    /// Whether no automatic answer moves it any more.
    #[must_use]
    pub fn is_final(self) -> bool {
        matches!(
            self,
            OrderStatus::Paid | OrderStatus::Failed | OrderStatus::AmountMismatch
        )
    }

    /// The statuses a move to `self` may start from.
    ///
    /// Paid may follow failed: money a verified answer says arrived is recorded whatever was
    /// believed before (a "failed" order can be one the gateway only answered late).
    #[must_use]
    pub fn allowed_from(self) -> &'static [OrderStatus] {
        use OrderStatus::{AmountMismatch, Creating, Failed, Paid, Pending, Unresolved};
        match self {
            Creating => &[],
            Pending => &[Creating],
            Paid | AmountMismatch => &[Creating, Pending, Unresolved, Failed],
            Failed => &[Creating, Pending, Unresolved],
            Unresolved => &[Creating, Pending],
        }
    }
}

impl crate::i18n::Localized for OrderStatus {
    fn message(&self, lang: crate::i18n::Lang) -> String {
        use OrderStatus::{AmountMismatch, Creating, Failed, Paid, Pending, Unresolved};
        let en = match self {
            Creating => "Creating",
            Pending => "Waiting",
            Paid => "Paid",
            Failed => "Failed",
            Unresolved => "Unknown",
            AmountMismatch => "Amount differs",
        };
        crate::i18n::tr(lang, self.zh_name(), en).to_owned()
    }
}

impl fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OrderStatus {
    type Err = String;

    fn from_str(text: &str) -> Result<OrderStatus, String> {
        OrderStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == text)
            .ok_or_else(|| format!("unknown status {text}"))
    }
}

/// What caused a status move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The order was written.
    Create,
    /// A query during the live wait.
    Query,
    /// A changpay notification.
    Notification,
    /// A person pressed 重新查询.
    ManualRequery,
    /// The start-up recovery.
    Recovery,
    /// The background re-query of unresolved orders.
    Background,
    /// The cashier stopped waiting.
    Cancel,
    /// The live wait ran out.
    Timeout,
    /// Cash taken at the counter: paid when entered.
    Cash,
}

impl Source {
    /// The text in the ledger.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Create => "create",
            Source::Query => "query",
            Source::Notification => "notification",
            Source::ManualRequery => "manual_requery",
            Source::Recovery => "recovery",
            Source::Background => "background",
            Source::Cancel => "cancel",
            Source::Timeout => "timeout",
            Source::Cash => "cash",
        }
    }
}

/// What a verified answer says was paid, as the ledger records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaidAmount {
    /// The amount actually paid (may differ from what was asked: then the move is a mismatch).
    pub amount: Money,
    /// When the gateway says it was paid; the time of recording when it does not say.
    pub paid_at: Option<DateTime<Utc>>,
}

/// One status move for the ledger to apply, compare-and-set: it happens only if the order is in
/// one of `to.allowed_from()`.
///
/// The ledger stores what the move says and decides nothing: the caller (the payment layer) says
/// when the order is to be queried next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusMove {
    /// The new status.
    pub to: OrderStatus,
    /// What caused it.
    pub source: Source,
    /// The gateway's verified status behind it, in words for the history.
    pub gateway_status: Option<String>,
    /// What was paid, for `Paid` and `AmountMismatch`.
    pub paid: Option<PaidAmount>,
    /// The gateway's order number, when learnt.
    pub gateway_order_no: Option<String>,
    /// The URL shown to the customer, when one was.
    pub shown: Option<String>,
    /// Why it failed or is unresolved.
    pub error: Option<String>,
    /// When the background re-query should next look at it (`None`: not scheduled).
    pub next_query_at: Option<DateTime<Utc>>,
}

impl StatusMove {
    /// A move with nothing but a status and a source.
    #[must_use]
    pub fn to(to: OrderStatus, source: Source) -> StatusMove {
        StatusMove {
            to,
            source,
            gateway_status: None,
            paid: None,
            gateway_order_no: None,
            shown: None,
            error: None,
            next_query_at: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paid_is_final_and_text_round_trips() {
        for status in OrderStatus::ALL {
            assert_eq!(status.as_str().parse(), Ok(status));
            assert!(
                !status.allowed_from().contains(&OrderStatus::Paid),
                "nothing leaves paid"
            );
        }
        assert!(
            OrderStatus::Paid
                .allowed_from()
                .contains(&OrderStatus::Unresolved),
            "late payments land"
        );
    }
}
