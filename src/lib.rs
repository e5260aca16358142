//! A counter-top cashier for Chinese aggregated-payment gateways (聚合支付): the gateway
//! clients, exact money, signing, and a sandbox gateway that speaks both providers' protocols.

/// The version and the git revision this build was made from (`cashier --version`, the
/// diagnostics zip, the log's first line).
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("CASHIER_GIT_REV"),
    ")"
);

pub mod app;
pub mod china_time;
pub mod cli;
pub mod config;
pub mod gateway;
pub mod i18n;
pub mod key_store;
pub mod ledger;
pub mod logging;
pub mod masking;
pub mod money;
pub mod owner_only;
pub mod owner_pin;
pub mod payment;
pub mod qr_modules;
pub mod receipt;
pub mod sandbox;
pub mod secret;
pub mod sign;
pub mod small_file;
pub mod speech;
pub mod status;
pub mod store;
pub mod ui;
pub mod window_lock;
