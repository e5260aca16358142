//! Every integration test in one binary (ripgrep's `tests/tests.rs`): one link of the whole
//! stack instead of one per file, and `common` compiled once. Each module is one subject; the
//! real-window suite stays its own binary (it drives the release build under Xvfb).

mod common;

mod announce;
mod changpay_endpoints;
mod cli_refusals;
mod crash_recovery;
mod diagnostics;
mod export;
mod faults;
mod first_start;
mod keyring;
mod ledger;
mod notifications;
mod onboarding;
mod payer;
mod payment_flow;
mod pole_display;
mod properties;
mod qht_endpoints;
mod quick_pay;
mod receipts;
mod refunds;
mod shifts;
mod sign_readings;
mod store;
mod tidy;
mod ui_customer_screen;
mod ui_first_run;
mod ui_keys;
mod ui_layout;
mod ui_owner_pin;
mod ui_shop_day;
mod ui_startup;
mod ui_window;
mod ui_worker;
