//! The slips this configuration prints: its shop name, time zone and paper width on a sale's
//! receipt or a shift's report, and whether a paid sale prints by itself. The window and the
//! command line both print through here, so a slip never differs by where it was asked for.

use super::Config;
use crate::ledger::{OrderRecord, ShiftReport};
use crate::receipt::Paper;
use crate::receipt::slip::{Slip, order_slip, shift_slip};
use crate::status::OrderStatus;

impl Config {
    /// The paper the printer takes (58 mm when no printer is set).
    #[must_use]
    pub fn paper(&self) -> Paper {
        self.printer
            .as_ref()
            .map_or(Paper::Mm58, |printer| printer.width)
    }

    /// `order`'s receipt.
    #[must_use]
    pub fn sale_slip(&self, order: &OrderRecord) -> Slip {
        order_slip(&self.shop.name, order, self.history.offset(), self.paper())
    }

    /// `order`'s receipt printed again, the `times`th time (marked 重打 / REPRINT).
    #[must_use]
    pub fn reprint_slip(&self, order: &OrderRecord, times: u32) -> Slip {
        crate::receipt::slip::reprint_slip(
            &self.shop.name,
            order,
            self.history.offset(),
            self.paper(),
            times,
        )
    }

    /// `report`'s slip.
    #[must_use]
    pub fn shift_slip(&self, report: &ShiftReport) -> Slip {
        shift_slip(&self.shop.name, report, self.history.offset(), self.paper())
    }

    /// The day's close (日结报表) as this shop prints it.
    #[must_use]
    pub fn day_slip(&self, report: &crate::ledger::DayReport) -> Slip {
        crate::receipt::day_slip::day_slip(
            &self.shop.name,
            report,
            self.history.offset(),
            self.paper(),
        )
    }

    /// Whether `order`'s receipt prints by itself: `[printer] auto_print`, and the sale paid.
    #[must_use]
    pub fn prints_by_itself(&self, order: &OrderRecord) -> bool {
        self.printer
            .as_ref()
            .is_some_and(|printer| printer.auto_print)
            && order.status == OrderStatus::Paid
    }
}
