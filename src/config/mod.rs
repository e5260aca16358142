//! The cashier's configuration: a TOML file, validated once at start-up into a [`Gateway`].
//!
//! ```toml
//! [gateway]
//! provider = "qht"                       # or "changpay"
//! base_url = "http://api.qhtpay.com.cn:18084"   # scheme, host and port; paths are the spec's
//! merchant_id = "…"
//! key = "…"
//! notify_url = "http://127.0.0.1:8089/notify"
//!
//! [till]
//! id = "T01"
//! ```
//!
//! With no `[gateway]` the built-in sandbox gateway is used.

pub mod changes;
mod error;
mod file;
mod gateway;
pub mod remedy;
mod slips;

pub use error::{ConfigError, Invalid};
use file::readable_by_others;
pub use file::{BACKUPS_KEPT, backups_of, save, set_owner_pin};
pub use gateway::base_url_example;

use std::path::Path;
use std::time::Duration;

use crate::gateway::Provider;
use crate::key_store::KeyPlace;
use crate::payment::policy::PollPolicy;
use crate::payment::requery::RequeryPolicy;
use crate::secret::Secret;

/// The whole configuration file.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The merchant's gateway; absent means the sandbox.
    pub gateway: Option<GatewayConfig>,
    /// This till.
    #[serde(default)]
    pub till: TillConfig,
    /// Polling and re-query timings.
    #[serde(default)]
    pub payment: PaymentConfig,
    /// The sales history.
    #[serde(default)]
    pub history: HistoryConfig,
    /// The changpay notification listener; absent means off.
    pub notify: Option<NotifyConfig>,
    /// The store ledger several tills share; absent means a lone till.
    pub store: Option<crate::store::StoreConfig>,
    /// The receipt printer; absent means none.
    pub printer: Option<crate::receipt::PrinterConfig>,
    /// The shop, as its slips name it.
    #[serde(default)]
    pub shop: crate::receipt::ShopConfig,
    /// The owner's PIN (its hash); absent means no PIN guards 设置, exports and reprints.
    pub owner: Option<OwnerConfig>,
    /// The pole display (客显) on a serial port; absent means none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display: Option<crate::receipt::pole_display::DisplayConfig>,
    /// The cash drawer: what opens it.
    #[serde(default, skip_serializing_if = "DrawerConfig::is_default")]
    pub drawer: DrawerConfig,
    /// The customer's screen (客显副屏), a second window; off unless turned on.
    #[serde(default, skip_serializing_if = "CustomerScreenConfig::is_default")]
    pub customer_screen: CustomerScreenConfig,
    /// Voice announcements of paid sales (收款语音播报); off unless turned on.
    #[serde(default, skip_serializing_if = "VoiceConfig::is_default")]
    pub voice: VoiceConfig,
    /// The merchant's gateway while the till runs on the sandbox: kept, inactive, so switching
    /// back is one choice in 设置 and nothing of where the money goes is lost by a try-out.
    pub parked_gateway: Option<GatewayConfig>,
}

/// `[drawer]`: what opens the cash drawer (`drawer.rs` opens it).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct DrawerConfig {
    /// `printer`, `serial:PORT[?baud=N]` or `off`; absent: the printer's when one is set.
    pub open_by: Option<String>,
}

impl DrawerConfig {
    /// Whether nothing is set (left out of a config file written back).
    #[must_use]
    pub fn is_default(&self) -> bool {
        *self == DrawerConfig::default()
    }
}

/// `[customer_screen]`: a second window for the customer, meant for a second monitor: the
/// amount as typed, the QR, the result (`ui/customer_screen.rs` draws it).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct CustomerScreenConfig {
    /// Shown at all.
    pub on: bool,
    /// Full screen on the monitor numbered so (0 the first, as the system lists them); absent:
    /// a window of its own, wherever the desktop puts it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monitor: Option<usize>,
}

impl CustomerScreenConfig {
    /// Whether nothing is set (left out of a config file written back).
    #[must_use]
    pub fn is_default(&self) -> bool {
        *self == CustomerScreenConfig::default()
    }
}

/// `[voice]`: a paid sale said aloud ("支付宝收款十二点三四元"), a failed one too (`app/announcer.rs`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct VoiceConfig {
    /// Spoken at all.
    pub on: bool,
    /// Loudness, 0–100.
    pub volume: u8,
    /// `auto` (the platform's: SAPI on Windows, espeak-ng or spd-say elsewhere), `sapi`, or a
    /// program spoken to as espeak-ng is.
    pub engine: String,
}

impl Default for VoiceConfig {
    fn default() -> VoiceConfig {
        VoiceConfig {
            on: false,
            volume: 80,
            engine: "auto".to_owned(),
        }
    }
}

impl VoiceConfig {
    /// Whether nothing is set (left out of a config file written back).
    #[must_use]
    pub fn is_default(&self) -> bool {
        *self == VoiceConfig::default()
    }
}

/// `[owner]`: what only the owner may do is behind this PIN ([`crate::owner_pin`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct OwnerConfig {
    /// The PIN's Argon2id hash (PHC form), never the PIN.
    pub pin_hash: String,
}

impl Config {
    /// The owner PIN's hash, when the owner set one.
    #[must_use]
    pub fn owner_pin_hash(&self) -> Option<&str> {
        self.owner.as_ref().map(|owner| owner.pin_hash.as_str())
    }
}

/// `[payment]`: the live wait and the background re-query. Defaults follow the wallets' rules.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct PaymentConfig {
    /// Bar-code pay: wait before the first query.
    pub barcode_first_query_ms: u64,
    /// Bar-code pay: wait between queries.
    pub barcode_interval_ms: u64,
    /// Bar-code pay: the whole live wait.
    pub barcode_wait_ms: u64,
    /// Scan-code pay: wait between queries while the QR is shown.
    pub qr_interval_ms: u64,
    /// Scan-code pay: how long a QR is shown before it expires.
    pub qr_expiry_secs: u64,
    /// An order the gateway does not know this long after creation never reached it.
    pub not_found_grace_secs: u64,
    /// How long unresolved orders are re-queried in the background.
    pub requery_window_hours: u64,
}

impl Default for PaymentConfig {
    fn default() -> Self {
        let barcode = PollPolicy::BARCODE;
        let qr = PollPolicy::QR;
        PaymentConfig {
            barcode_first_query_ms: millis(barcode.first_query),
            barcode_interval_ms: millis(barcode.interval),
            barcode_wait_ms: millis(barcode.wait),
            qr_interval_ms: millis(qr.interval),
            qr_expiry_secs: qr.wait.as_secs(),
            not_found_grace_secs: crate::payment::policy::NOT_FOUND_GRACE.as_secs(),
            requery_window_hours: crate::payment::policy::REQUERY_WINDOW.as_secs() / 3600,
        }
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

impl PaymentConfig {
    /// Bar-code pay's live wait.
    #[must_use]
    pub fn barcode_policy(&self) -> PollPolicy {
        PollPolicy {
            first_query: Duration::from_millis(self.barcode_first_query_ms),
            interval: Duration::from_millis(self.barcode_interval_ms),
            wait: Duration::from_millis(self.barcode_wait_ms),
        }
    }

    /// Scan-code pay's live wait.
    #[must_use]
    pub fn qr_policy(&self) -> PollPolicy {
        PollPolicy {
            first_query: Duration::from_millis(self.qr_interval_ms),
            interval: Duration::from_millis(self.qr_interval_ms),
            wait: Duration::from_secs(self.qr_expiry_secs),
        }
    }

    /// The background re-query's timings.
    #[must_use]
    pub fn requery_policy(&self) -> RequeryPolicy {
        RequeryPolicy {
            window: Duration::from_secs(self.requery_window_hours * 3600),
            not_found_grace: Duration::from_secs(self.not_found_grace_secs),
            live_wait: self.qr_policy().wait.max(self.barcode_policy().wait),
        }
    }
}

/// `[history]`.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct HistoryConfig {
    /// The zone days are counted in, as hours east of UTC: 8 is China time.
    pub utc_offset_hours: i32,
}

impl Default for HistoryConfig {
    fn default() -> Self {
        HistoryConfig {
            utc_offset_hours: 8,
        }
    }
}

impl HistoryConfig {
    /// The zone of the days.
    #[must_use]
    pub fn offset(&self) -> chrono::FixedOffset {
        chrono::FixedOffset::east_opt(self.utc_offset_hours * 3600)
            .unwrap_or_else(crate::china_time::cst)
    }
}

/// `[notify]`.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct NotifyConfig {
    /// Where the listener listens: `127.0.0.1:8089`.
    pub listen: std::net::SocketAddr,
}

/// `[gateway]`.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct GatewayConfig {
    /// `qht` or `changpay`.
    pub provider: Provider,
    /// Scheme, host and port only.
    pub base_url: String,
    /// qht 商户号 or changpay `mch_id`; empty only before `cashier qht-onboard` fills it in.
    #[serde(default)]
    pub merchant_id: String,
    /// The merchant's signing key; empty only before onboarding. Not in the file when it is
    /// kept in the keyring (`key_in`): then it is filled in from there on load.
    #[serde(default, skip_serializing_if = "Secret::is_empty")]
    pub key: Secret,
    /// Where the key is kept: the file (`key` above) or the platform's keyring.
    #[serde(default, skip_serializing_if = "KeyPlace::is_file")]
    pub key_in: KeyPlace,
    /// Where the gateway sends notifications.
    #[serde(default = "default_notify_url")]
    pub notify_url: String,
    /// The till's address as sent in `order_ip` / `client_ip`.
    #[serde(default = "default_client_ip")]
    pub client_ip: String,
    /// qht `settlement`: T0 or T1.
    #[serde(default = "default_settlement")]
    pub settlement: String,
    /// qht quick pay's `settle`: T1 (the default) or D0, the owner's choice of when card
    /// payments reach the merchant.
    #[serde(default, skip_serializing_if = "is_t1")]
    pub quick_settle: crate::gateway::qht::QuickSettle,
    /// Seconds to wait for a connection.
    #[serde(default = "default_connect_timeout_secs")]
    pub connect_timeout_secs: u64,
    /// Seconds a whole call may take.
    #[serde(default = "default_total_timeout_secs")]
    pub total_timeout_secs: u64,
    /// The largest single order, in yuan as text (changpay states no limit; qht's is 99999.99).
    #[serde(default = "default_max_order")]
    pub max_order_yuan: String,
}

/// `[till]`.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct TillConfig {
    /// The till's id: part of every order number and qht's `device_id`.
    #[serde(default = "default_till_id")]
    pub id: String,
    /// The methods the checkout offers, by their command-line names (`wechat-qr`, `alipay-qr`,
    /// `pay-code` for 付款码 …), in the gateway's order whatever the order here; cash is always
    /// offered. Absent: all the gateway's methods. Most shops use two to four.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub methods: Option<Vec<String>>,
    /// 盲交班: the cashier closing a shift types the cash counted before the expected cash is
    /// shown; the open shift's report is not on screen until it is closed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub blind_close: bool,
}

impl Default for TillConfig {
    fn default() -> Self {
        TillConfig {
            id: default_till_id(),
            methods: None,
            blind_close: false,
        }
    }
}

/// The name `[till] methods` gives 付款码 (bar-code pay, whichever wallet's code is scanned).
pub const PAY_CODE_SLUG: &str = "pay-code";

fn default_notify_url() -> String {
    "http://127.0.0.1:8089/notify".to_owned()
}
fn default_client_ip() -> String {
    "127.0.0.1".to_owned()
}
fn default_settlement() -> String {
    "T1".to_owned()
}
#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference.
fn is_t1(settle: &crate::gateway::qht::QuickSettle) -> bool {
    *settle == crate::gateway::qht::QuickSettle::T1
}
fn default_connect_timeout_secs() -> u64 {
    5
}
fn default_total_timeout_secs() -> u64 {
    15
}
fn default_max_order() -> String {
    "50000".to_owned()
}
fn default_till_id() -> String {
    "T01".to_owned()
}

impl Config {
    /// Reads and validates `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = crate::small_file::read_text(path).map_err(|source| ConfigError::Read {
            path: path.display().to_string(),
            source,
        })?;
        let mut config = Config::parse(&text)?;
        // Whether the *file* holds a secret, before the keyring's key is filled in.
        let holds_key = [&config.gateway, &config.parked_gateway]
            .into_iter()
            .flatten()
            .any(|g| !g.key.is_empty())
            || config
                .store
                .as_ref()
                .is_some_and(crate::store::StoreConfig::holds_password);
        if holds_key && readable_by_others(path) {
            return Err(ConfigError::Insecure {
                path: path.display().to_string(),
            });
        }
        if let Some(gateway) = &mut config.gateway {
            gateway.fetch_key()?;
        }
        // Inactive: a keyring that does not answer only means the key is typed again when
        // the merchant comes back.
        if let Some(parked) = &mut config.parked_gateway
            && parked.fetch_key().is_err()
        {
            parked.key = crate::secret::Secret::default();
        }
        config.validate()?;
        Ok(config)
    }

    /// Reads and validates a config file's text (a key it keeps in the keyring is not fetched).
    pub fn from_text(text: &str) -> Result<Config, ConfigError> {
        let config = Config::parse(text)?;
        config.validate()?;
        Ok(config)
    }

    fn parse(text: &str) -> Result<Config, ConfigError> {
        // Only the message and the line: the error's snippet of the file could quote the key.
        toml::from_str(text).map_err(|error| ConfigError::Parse {
            line: error
                .span()
                .and_then(|span| text.get(..span.start))
                .map(|before| before.matches('\n').count() + 1),
            why: error.message().to_owned(),
        })
    }

    /// Checks what serde cannot.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let till = &self.till.id;
        if till.is_empty() || till.len() > 8 || !till.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(ConfigError::Invalid {
                field: "till.id",
                reason: Invalid::TillId,
            });
        }
        for name in self.till.methods.iter().flatten() {
            let known = name == PAY_CODE_SLUG
                || crate::gateway::PayMethod::from_slug(name)
                    .is_some_and(|m| m.kind() != crate::gateway::MethodKind::Barcode);
            if !known {
                return Err(ConfigError::Invalid {
                    field: "till.methods",
                    reason: Invalid::UnknownMethod(name.clone()),
                });
            }
        }
        if self
            .owner_pin_hash()
            .is_some_and(|hash| !crate::owner_pin::is_readable(hash))
        {
            return Err(ConfigError::Invalid {
                field: "owner.pin_hash",
                reason: Invalid::PinHash,
            });
        }
        if !(-12..=14).contains(&self.history.utc_offset_hours) {
            return Err(ConfigError::Invalid {
                field: "history.utc_offset_hours",
                reason: Invalid::UtcOffset,
            });
        }
        let payment = &self.payment;
        if payment.barcode_interval_ms == 0 || payment.qr_interval_ms == 0 {
            return Err(ConfigError::Invalid {
                field: "payment.*_interval_ms",
                reason: Invalid::Zero,
            });
        }
        if let Some(printer) = &self.printer {
            printer.address().map_err(|error| ConfigError::Invalid {
                field: "printer.address",
                reason: Invalid::Printer(error),
            })?;
        }
        if let Some(display) = &self.display {
            display
                .address
                .parse::<crate::receipt::printer::PrinterAddress>()
                .map_err(|error| ConfigError::Invalid {
                    field: "display.address",
                    reason: Invalid::Printer(error),
                })?;
        }
        if let Some(store) = &self.store {
            store.connection().map_err(|error| ConfigError::Invalid {
                field: "store.url",
                reason: Invalid::Store(error),
            })?;
        }
        if let Some(gateway) = &self.gateway {
            gateway.max_order()?;
            gateway.check_base_url()?;
            if gateway.merchant_id.is_empty() || gateway.key.is_empty() {
                return Err(ConfigError::Invalid {
                    field: "gateway.merchant_id / key",
                    reason: Invalid::NoMerchant,
                });
            }
        }
        Ok(())
    }

    /// Reads `path` for onboarding: as [`Config::load`], but a `[gateway]` may lack its merchant
    /// id and key (they are what onboarding brings).
    pub fn load_for_onboarding(path: &Path) -> Result<Config, ConfigError> {
        let text = crate::small_file::read_text(path).map_err(|source| ConfigError::Read {
            path: path.display().to_string(),
            source,
        })?;
        let config = Config::parse(&text)?;
        // Checked as a full config with stand-ins for what onboarding will bring.
        let mut standing_in = config.clone();
        if let Some(gateway) = &mut standing_in.gateway {
            "onboarding".clone_into(&mut gateway.merchant_id);
            gateway.key = Secret::new("onboarding");
        }
        standing_in.validate()?;
        if config.gateway.as_ref().is_some_and(|g| !g.key.is_empty()) && readable_by_others(path) {
            return Err(ConfigError::Insecure {
                path: path.display().to_string(),
            });
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Localized;
    use crate::money::Money;

    #[test]
    fn a_full_config_parses_and_keeps_its_key_secret() {
        let config: Config = toml::from_str(
            r#"
            [gateway]
            provider = "changpay"
            base_url = "https://n-sdk.retenai.com"
            merchant_id = "t9awtvk6dn"
            key = "25e72d96d0ffe0bb74373344d986df3c"
            [till]
            id = "T07"
            "#,
        )
        .expect("valid");
        assert!(config.validate().is_ok());
        assert!(!format!("{config:?}").contains("25e72d96"));
        let gateway = config.gateway.expect("gateway");
        assert_eq!(gateway.max_order().ok(), Some(Money::from_yuan(50_000)));
    }

    #[cfg(unix)]
    #[test]
    fn a_key_others_can_read_is_refused_with_the_command_that_fixes_it() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("config.toml");
        std::fs::write(
            &path,
            "[gateway]\nprovider='qht'\nbase_url='http://h:1'\nmerchant_id='m'\nkey='k'",
        )
        .expect("written");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o666)).expect("chmod");
        let error = Config::load(&path).expect_err("refused");
        assert!(error.to_string().contains("chmod 600"), "{error}");
        assert!(
            !error.to_string().contains("'k'"),
            "the key is never in the message"
        );
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        assert!(Config::load(&path).is_ok());
    }

    #[test]
    fn bad_values_are_refused() {
        let with_path: Config = toml::from_str(
            "[gateway]\nprovider='qht'\nbase_url='http://h:1/api/v1.0'\nmerchant_id='m'\nkey='k'",
        )
        .expect("parses");
        assert!(matches!(
            with_path.validate(),
            Err(ConfigError::Invalid {
                field: "gateway.base_url",
                ..
            })
        ));
        for url in ["http://h:1?x=1", "http://h:1/#frag", "ftp://h:1"] {
            let config: Config = toml::from_str(&format!(
                "[gateway]\nprovider='qht'\nbase_url='{url}'\nmerchant_id='m'\nkey='k'"
            ))
            .expect("parses");
            assert!(
                matches!(
                    config.validate(),
                    Err(ConfigError::Invalid {
                        field: "gateway.base_url",
                        ..
                    })
                ),
                "{url} accepted"
            );
        }
        let empty: Config =
            toml::from_str("[gateway]\nprovider='qht'\nbase_url=' '\nmerchant_id='m'\nkey='k'")
                .expect("parses");
        let said = empty
            .validate()
            .map_or_else(|e| e.to_string(), |()| String::new());
        assert!(said.contains("未填写"), "{said}");
        assert!(
            said.contains("http://api.qhtpay.com.cn:18084"),
            "qht's example: {said}"
        );
        assert!(toml::from_str::<Config>("[gateway]\nprovider='paypal'").is_err());
        let bad_till: Config = toml::from_str("[till]\nid='T 1'").expect("parses");
        let error = bad_till.validate().expect_err("refused");
        // Worded in the language shown, both halves (issue 22: the English screen read
        // "… is invalid: 1 到 8 个字母或数字").
        assert_eq!(
            crate::i18n::Localized::message(&error, crate::i18n::Lang::En),
            "Setting \"Till id\" (till.id) is invalid: 1 to 8 letters or digits"
        );
        assert_eq!(
            error.to_string(),
            "设置项「收银台编号」(till.id) 无效：1 到 8 个字母或数字"
        );
        let methods: Config =
            toml::from_str("[till]\nmethods=['wechat-qr','pay-code','cash']").expect("parses");
        assert!(methods.validate().is_ok());
        // A wallet's bar-code method is chosen as pay-code; a name the till does not know is
        // refused by name.
        for name in ["wechat-barcode", "paypal"] {
            let config: Config =
                toml::from_str(&format!("[till]\nmethods=['{name}']")).expect("parses");
            let said = config
                .validate()
                .map_or_else(|e| e.to_string(), |()| String::new());
            assert!(said.contains(name) && said.contains("pay-code"), "{said}");
        }
    }

    #[test]
    fn a_malformed_file_is_named_by_its_line_and_never_quoted() {
        let broken = "[gateway]\nprovider = 'qht'\nmerchant_id = 'm'\nkey = 'k3y-s3cret\n[till]\n";
        let said = Config::parse(broken).map_or_else(|e| e.to_string(), |_| String::new());
        assert!(said.contains("第 4 行"), "{said}");
        assert!(!said.contains("s3cret"), "{said}");
        let table = "[till\nid = 'T1'\n";
        let error = Config::parse(table).map_or_else(|e| e.bilingual(), |_| String::new());
        assert!(
            error.contains("第 1 行") && error.contains("line 1"),
            "{error}"
        );
    }
}
