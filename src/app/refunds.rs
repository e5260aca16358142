//! A refund (退款) and a void (作废), as the window and `cashier refund` / `cashier void` both make
//! them: written to the ledger (its own row, audited), and for cash back the drawer opened, after
//! the refund is kept (a drawer that does not open never loses the record).

use chrono::Utc;

use crate::config::Config;
use crate::ledger::{Refund, RefundError, RefundWay, SharedLedger};
use crate::money::Money;

/// A refund as asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundRequest {
    /// The paid sale.
    pub order_no: String,
    /// How much goes back.
    pub amount: Money,
    /// Cash from the drawer, or already refunded in the merchant's back office.
    pub way: RefundWay,
    /// Why.
    pub reason: String,
}

/// A refund made, and whether the drawer was opened for it.
#[derive(Debug, Clone)]
pub struct Refunded {
    /// The refund as kept.
    pub refund: Refund,
    /// Why the drawer did not open for cash back (none: it opened, or none was needed).
    pub drawer_problem: Option<crate::receipt::printer::PrintError>,
}

/// Records `request` as `who`'s; cash back then opens the drawer.
///
/// # Errors
/// When the ledger refuses it (not a paid sale, more than is left, no reason).
pub async fn refund(
    config: &Config,
    ledger: &SharedLedger,
    request: RefundRequest,
    who: String,
) -> Result<Refunded, RefundError> {
    let by = who.clone();
    let RefundRequest {
        order_no,
        amount,
        way,
        reason,
    } = request;
    let refund = ledger
        .run(move |ledger| ledger.refund(&order_no, amount, way, &reason, &by, Utc::now()))
        .await?;
    tracing::info!(order_no = %refund.order_no, amount = %refund.amount, way = refund.way.slug(), "refunded");
    let mut drawer_problem = None;
    if refund.way == RefundWay::Cash {
        let why = crate::app::drawer::Why::Refund(refund.order_no.clone());
        if let Err(error) = crate::app::drawer::open(config, ledger, Some(who), why).await {
            drawer_problem = Some(error);
        }
    }
    Ok(Refunded {
        refund,
        drawer_problem,
    })
}

/// Voids the unresolved order `order_no` for `reason`, as `who`.
///
/// # Errors
/// When the order is not open, was voided already, or no reason is given.
pub async fn void(
    ledger: &SharedLedger,
    order_no: String,
    reason: String,
    who: String,
) -> Result<(), RefundError> {
    ledger
        .run(move |ledger| ledger.void(&order_no, &reason, &who, Utc::now()))
        .await
}
