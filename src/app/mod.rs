//! The app layer: what the window and the command line both do, with no window in it. The
//! window's worker (`ui/worker/`) and the commands (`cli/`) are thin callers of these, so a
//! thing the till does happens in one place whichever way it was asked for.
//!
//! - `setup`: the paths, the configuration put in force (gateway, ledger, policies), the
//!   sandbox a till runs on, the changpay listener, and which store a till's sales go to.
//! - `drawer`: the cash drawer opened on a cash sale or by hand, each opening audited.
//! - `cashier_sign_in`: a registered cashier's PIN before a shift opens or closes, throttled.
//! - `export`: a day's orders as CSV and `.xlsx`.
//! - `pole_display`: the customer's pole display (客显) kept in step with the sale.
//! - `announcer`: paid sales said aloud (收款语音播报), never holding up a sale.
//! - `owner_check`: the owner's PIN checked, throttled and audited before what is the owner's.
//! - `refunds`: a sale refunded (cash back opens the drawer) and an unresolved order voided.
//! - `card_page`: qht quick pay's pay page, written owner-only, opened in the browser, deleted
//!   when the sale ends.
//! - `diagnostics`: the zip a shop sends support, never with a key in it.
//!
//! Slips and the print-every-sale rule are `Config`'s own (`config/slips.rs`); a day's orders are
//! one ledger call (`Ledger::whole_day`).

pub mod announcer;
pub mod card_page;
pub mod cashier_sign_in;
pub mod diagnostics;
pub mod drawer;
pub mod export;
pub mod owner_check;
pub mod pole_display;
pub mod refunds;
pub mod setup;
