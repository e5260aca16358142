//! Exit statuses, documented in `--help` (`args::EXIT_CODES`), and the one for an order's end.

use crate::status::OrderStatus;

/// The order was paid (or the command succeeded).
pub const PAID: u8 = 0;
/// Something broke inside (the ledger could not be written…).
pub const ERROR: u8 = 1;
/// Bad input or config: nothing was charged.
pub const BAD_INPUT: u8 = 2;
/// The payment failed.
pub const FAILED: u8 = 3;
/// The result is not known yet; the order is kept and queried again.
pub const UNRESOLVED: u8 = 4;
/// Paid, but not the amount asked: look at it.
pub const AMOUNT_MISMATCH: u8 = 5;

/// The exit status for an order that ended in `status`.
#[must_use]
pub fn exit_for(status: OrderStatus) -> u8 {
    match status {
        OrderStatus::Paid => PAID,
        OrderStatus::Failed => FAILED,
        OrderStatus::AmountMismatch => AMOUNT_MISMATCH,
        OrderStatus::Creating | OrderStatus::Pending | OrderStatus::Unresolved => UNRESOLVED,
    }
}
