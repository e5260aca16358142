//! Why a configuration cannot be used, worded in the language it is shown in: a setting is
//! named as the settings screen labels it and as the file spells it.

use crate::money::AmountError;

use super::PAY_CODE_SLUG;

/// Why a configuration cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("无法读取配置文件 {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The TOML is malformed or has unknown keys.
    #[error("配置文件格式错误{}：{why}", line.map(|line| format!("（第 {line} 行）")).unwrap_or_default())]
    Parse {
        /// The line it was found on (1-based), so whoever opens the file finds it.
        line: Option<usize>,
        /// The parser's words, without its quote of the file (which could hold the key).
        why: String,
    },
    /// A value is out of range.
    #[error(
        "设置项{} 无效：{}",
        setting_named(field, crate::i18n::Lang::Zh),
        crate::i18n::Localized::message(reason, crate::i18n::Lang::Zh)
    )]
    Invalid {
        /// The key.
        field: &'static str,
        /// Why, worded when shown (the English screen once read "… is invalid: 1 到 8 个字母或数字").
        reason: Invalid,
    },
    /// The HTTP client could not be built.
    #[error("无法创建网络客户端: {0}")]
    Http(String),
    /// The key is kept in the keyring and the keyring does not give it.
    #[error(
        "商户密钥保存在系统钥匙串中，但现在读不到（{reason}）：请登录桌面、解锁钥匙串后再打开收银台"
    )]
    Keyring {
        /// The keyring's words.
        reason: String,
    },
    /// The file holds a merchant key and other users may read it.
    #[error("配置文件 {path} 含商户密钥，但其他用户也能读取；请运行：chmod 600 {path}")]
    Insecure {
        /// The file.
        path: String,
    },
}

/// Why a setting is invalid, worded in the language it is shown in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invalid {
    /// A till id must be 1 to 8 letters or digits.
    TillId,
    /// `[till] methods` names a method the till does not know.
    UnknownMethod(String),
    /// A time zone offset out of -12…14.
    UtcOffset,
    /// A query interval of 0.
    Zero,
    /// Merchant id or key left empty.
    NoMerchant,
    /// A base URL with more than a scheme, host and port (or none); an example for the provider.
    BaseUrl {
        /// Nothing was filled in.
        empty: bool,
        /// The provider's address, as an example.
        example: &'static str,
    },
    /// The printer's address.
    Printer(crate::receipt::printer::BadAddress),
    /// The store's URL.
    Store(crate::store::StoreError),
    /// An amount (the order limit).
    Amount(AmountError),
    /// No directory to keep the config in.
    NoConfigDir,
    /// `[owner] pin_hash` is not an Argon2id hash (a PIN typed in plain, or damaged).
    PinHash,
}

impl crate::i18n::Localized for Invalid {
    fn message(&self, lang: crate::i18n::Lang) -> String {
        use crate::i18n::tr;
        match self {
            Invalid::TillId => {
                tr(lang, "1 到 8 个字母或数字", "1 to 8 letters or digits").to_owned()
            }
            Invalid::UnknownMethod(name) => match lang {
                crate::i18n::Lang::Zh => format!(
                    "未知的收款方式 “{name}”（可用：{PAY_CODE_SLUG}、cash 或 cashier pay --help 列出的扫码方式）"
                ),
                crate::i18n::Lang::En => format!(
                    "unknown method “{name}” (use {PAY_CODE_SLUG}, cash or a method `cashier pay --help` lists)"
                ),
            },
            Invalid::UtcOffset => tr(lang, "-12 到 14", "-12 to 14").to_owned(),
            Invalid::PinHash => tr(
                lang,
                "应为 cashier owner set-pin 写入的哈希，不是密码本身（忘记密码：cashier owner reset-pin）",
                "must be the hash `cashier owner set-pin` writes, not the PIN (forgotten: cashier owner reset-pin)",
            )
            .to_owned(),
            Invalid::Zero => tr(lang, "必须大于 0", "must be more than 0").to_owned(),
            Invalid::NoMerchant => tr(
                lang,
                "不能为空（钱汇通新商户可先用 cashier qht-onboard 进件）",
                "must not be empty (a new qht merchant can onboard first: cashier qht-onboard)",
            )
            .to_owned(),
            Invalid::BaseUrl { empty, example } => match lang {
                crate::i18n::Lang::Zh => format!(
                    "{}只写协议、主机和端口，例如 {example}",
                    if *empty { "未填写；" } else { "" }
                ),
                crate::i18n::Lang::En => format!(
                    "{}only the scheme, host and port, e.g. {example}",
                    if *empty { "not filled in; " } else { "" }
                ),
            },
            Invalid::Printer(error) => error.message(lang),
            Invalid::Store(error) => error.message(lang),
            Invalid::Amount(error) => error.message(lang),
            Invalid::NoConfigDir => tr(
                lang,
                "找不到存放配置的目录（HOME 或 XDG_CONFIG_HOME 未设置）",
                "no directory to keep the config in (HOME or XDG_CONFIG_HOME is not set)",
            )
            .to_owned(),
        }
    }
}

/// A setting as the settings screen labels it and the config file spells it, so the owner in
/// the window and the person editing the file both find it: `「接口地址」(gateway.base_url)`.
fn setting_named(field: &str, lang: crate::i18n::Lang) -> String {
    let label = match field {
        "gateway.base_url" => Some(("接口地址", "Base URL")),
        "gateway.merchant_id / key" => Some(("商户号和商户密钥", "Merchant id and key")),
        "gateway.max_order_yuan" => Some(("单笔限额", "Order limit")),
        "till.id" => Some(("收银台编号", "Till id")),
        "store.url" => Some(("门店数据库", "Store database")),
        "printer.address" => Some(("打印机地址", "Printer address")),
        "history.utc_offset_hours" => Some(("时区", "Time zone")),
        "payment.*_interval_ms" => Some(("查询间隔", "Query interval")),
        "path" => Some(("配置文件位置", "Config file location")),
        _ => None,
    };
    match (label, lang) {
        (Some((zh, _)), crate::i18n::Lang::Zh) => format!("「{zh}」({field})"),
        (Some((_, en)), crate::i18n::Lang::En) => format!(" \"{en}\" ({field})"),
        (None, _) => format!(" {field}"),
    }
}

impl crate::i18n::Localized for ConfigError {
    fn message(&self, lang: crate::i18n::Lang) -> String {
        match lang {
            crate::i18n::Lang::Zh => self.to_string(),
            crate::i18n::Lang::En => match self {
                ConfigError::Read { path, source } => {
                    format!("Cannot read the config file {path}: {source}")
                }
                ConfigError::Parse { line, why } => format!(
                    "The config file is malformed{}: {why}",
                    line.map(|line| format!(" (line {line})"))
                        .unwrap_or_default()
                ),
                ConfigError::Invalid { field, reason } => format!(
                    "Setting{} is invalid: {}",
                    setting_named(field, crate::i18n::Lang::En),
                    reason.message(crate::i18n::Lang::En)
                ),
                ConfigError::Http(why) => format!("Cannot create the network client: {why}"),
                ConfigError::Keyring { reason } => format!(
                    "The merchant key is kept in the system keyring, which does not give it now ({reason}): log in to the desktop, unlock the keyring and open the cashier again"
                ),
                ConfigError::Insecure { path } => format!(
                    "The config file {path} holds the merchant key but other users can read it; run: chmod 600 {path}"
                ),
            },
        }
    }
}
