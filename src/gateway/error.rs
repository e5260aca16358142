//! One typed error for every gateway call (the specs' code tables are in `error_codes.rs`).
//!
//! Every call ends in a definite answer or an unknown outcome. A definite refusal
//! ([`GatewayError::Rejected`]) means the gateway did not act; an unknown outcome
//! ([`GatewayError::Unknown`]) means it may have, so a create-order call that ends in one is never
//! reported as failed: the order may exist at the gateway and is queried again.

use super::error_codes::lookup_any;
pub use super::error_codes::{CHANGPAY_CODES, CodeMeaning, ErrorCode, QHT_CODES, lookup};
use crate::gateway::Provider;
use crate::i18n::{Lang, Localized};

/// Why a call's outcome is unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnknownCause {
    /// No answer within the timeout.
    Timeout,
    /// The connection could not be made or broke before a whole answer came.
    Network,
    /// HTTP 5xx.
    ServerError(u16),
    /// An HTML page instead of the protocol's JSON.
    Html,
    /// An empty body.
    Empty,
    /// A body that is not the protocol's JSON, or lacks a field the answer needs.
    Unparsable,
    /// A sign that does not verify, or none where the spec requires one.
    BadSign,
    /// A signed answer about another order than the one asked for.
    OtherOrder,
    /// The answer names another merchant: not our order, signed or not.
    OtherMerchant,
    /// A refusal with this code that carried no verified sign, of a call that takes the money.
    UnsignedRefusal(String),
    /// An error code the spec lists as a failure part way, or one it does not list.
    AmbiguousCode(String),
    /// The QR came only as an image (`code_img_url`), and it could not be fetched or read.
    QrImage,
}

/// A request that was stopped before it left the machine.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// A field the gateway requires is empty.
    #[error("缺少{field}")]
    Missing {
        /// The wire name of the field.
        field: &'static str,
    },
    /// An identity field is longer than the spec allows; cutting it would change who or what it names.
    #[error("{field} 超过 {max} 个字符")]
    TooLong {
        /// The wire name of the field.
        field: &'static str,
        /// The spec's limit, in characters.
        max: usize,
    },
    /// The amount cannot be sent in this gateway's unit or range.
    #[error("金额 {0} 超出支付平台允许的范围")]
    Amount(crate::money::Money),
    /// The configured provider does not offer the method.
    #[error("当前支付平台不支持{0}")]
    MethodNotOffered(&'static str),
    /// A scanned payment code that is not a WeChat or Alipay code.
    #[error("付款码无效，请让顾客刷新付款码后重新扫描")]
    BadAuthCode,
    /// The payer's name for a bank transfer is empty, too long or not a name.
    #[error("付款人姓名应为 1 到 32 个字，不含数字")]
    PayerName,
    /// The payer's account for a bank transfer is empty, too long or has spaces or odd characters.
    #[error("付款人账号应为 1 到 64 个字母、数字或符号，不含空格")]
    PayerAccount,
    /// The payer's bank card number is not 12 to 19 digits.
    #[error("银行卡号应为 12 到 19 位数字")]
    PayerCard,
    /// Quick pay without the card holder's details.
    #[error("快捷支付需要持卡人的姓名、银行卡号、手机号和身份证号")]
    CardMissing,
    /// The card holder's name is empty, too long or not a name.
    #[error("持卡人姓名应为 1 到 20 个字，不含数字")]
    CardHolderName,
    /// The card holder's phone is not a mainland mobile number.
    #[error("手机号应为 1 开头的 11 位数字（银行预留的手机号）")]
    CardPhone,
    /// The card holder's ID number is not 18 characters with a valid check character.
    #[error("身份证号码应为 18 位，末位校验码须正确")]
    CardIdNumber,
    /// 进件 (the owner's phone, ID and card numbers) to a gateway address that is not https.
    #[error(
        "进件会发送店主的手机号、身份证号和银行卡号：支付平台地址必须以 https:// 开头（本机测试地址除外），未发送"
    )]
    OnboardingNotEncrypted,
}

/// How a gateway call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GatewayError {
    /// Stopped before sending: nothing reached the gateway.
    #[error("{0}")]
    Invalid(RequestError),
    /// The gateway refused the call with an error code: it did nothing.
    #[error("支付平台拒绝：{}", .message_zh)]
    Rejected {
        /// Which gateway.
        provider: Provider,
        /// The gateway's code.
        code: String,
        /// The cashier's message for the code.
        message_zh: &'static str,
        /// The same in English.
        message_en: &'static str,
        /// The gateway's own `msg`, for the log.
        gateway_msg: String,
        /// Whether the refusal carried a sign that verified with the merchant's key. An
        /// unsigned refusal of a call that itself takes the money (bar-code pay) fails nothing:
        /// anyone on the way could have written it after the gateway charged (`unverified`).
        signed: bool,
    },
    /// The gateway may or may not have acted.
    #[error("{}", unknown_zh(.0))]
    Unknown(UnknownCause),
    /// No connection could be made (refused, no route, name not found, connect timeout): the
    /// request never left the machine, so the gateway cannot have acted on it.
    #[error("无法连接支付平台，请求未发出，未扣款")]
    Unreachable,
}

impl GatewayError {
    /// Whether the gateway may have acted on the call.
    #[must_use]
    pub fn is_unknown_outcome(&self) -> bool {
        matches!(self, GatewayError::Unknown(_))
    }

    /// The same error, marked as carried by an answer whose sign verified.
    #[must_use]
    pub fn signed(self) -> GatewayError {
        match self {
            GatewayError::Rejected {
                provider,
                code,
                message_zh,
                message_en,
                gateway_msg,
                ..
            } => GatewayError::Rejected {
                provider,
                code,
                message_zh,
                message_en,
                gateway_msg,
                signed: true,
            },
            other => other,
        }
    }

    /// A refusal that did not carry a verified sign, as an unknown outcome: for a call that takes
    /// the money itself, where a forged "declined" after a real charge would ask the customer to
    /// pay twice. Only a verified answer fails such an order; the order is queried instead.
    #[must_use]
    pub fn unless_signed(self) -> GatewayError {
        match self {
            GatewayError::Rejected {
                code,
                signed: false,
                ..
            } => GatewayError::Unknown(UnknownCause::UnsignedRefusal(code)),
            other => other,
        }
    }

    /// The error for a non-success `code` in an answer from `provider`.
    #[must_use]
    pub fn from_code(provider: Provider, code: &str, gateway_msg: &str) -> GatewayError {
        match lookup(provider, code) {
            Some(row) if row.meaning == CodeMeaning::Refused => GatewayError::Rejected {
                provider,
                code: code.to_owned(),
                message_zh: row.zh,
                message_en: row.en,
                gateway_msg: gateway_msg.to_owned(),
                signed: false,
            },
            // A success code where a failure was expected, an ambiguous code or one the spec does
            // not list: the gateway may have acted.
            _ => GatewayError::Unknown(UnknownCause::AmbiguousCode(code.to_owned())),
        }
    }
}

/// The English of `stored`, when it is how an unknown outcome without a detail of its own (a
/// timeout, a web page, a bad sign…) or an unreachable gateway is kept in the ledger.
#[must_use]
pub fn unknown_outcome_in_english(stored: &str) -> Option<String> {
    [
        UnknownCause::Timeout,
        UnknownCause::Network,
        UnknownCause::Html,
        UnknownCause::Empty,
        UnknownCause::Unparsable,
        UnknownCause::BadSign,
        UnknownCause::OtherOrder,
        UnknownCause::OtherMerchant,
        UnknownCause::QrImage,
    ]
    .iter()
    .find(|cause| unknown_zh(cause) == stored)
    .map(unknown_en)
}

fn unknown_zh(cause: &UnknownCause) -> String {
    format!("{}，结果未知，订单已保存并将重新查询", cause_zh(cause))
}

impl UnknownCause {
    /// What went wrong in `lang`, without what it means for an order (for a connection test).
    #[must_use]
    pub fn words(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => cause_zh(self),
            Lang::En => cause_en(self),
        }
    }
}

fn cause_zh(cause: &UnknownCause) -> String {
    match cause {
        UnknownCause::Timeout => "支付平台响应超时".to_owned(),
        UnknownCause::Network => "网络异常，连接支付平台失败".to_owned(),
        UnknownCause::ServerError(status) => format!("支付平台服务器错误（HTTP {status}）"),
        UnknownCause::Html => "支付平台返回了网页而不是支付结果".to_owned(),
        UnknownCause::Empty => "支付平台没有返回内容".to_owned(),
        UnknownCause::Unparsable => "支付平台返回的内容无法识别".to_owned(),
        UnknownCause::BadSign => "支付平台应答签名校验失败".to_owned(),
        UnknownCause::OtherOrder => "支付平台返回了其他订单的信息".to_owned(),
        UnknownCause::OtherMerchant => "支付平台返回了其他商户的订单".to_owned(),
        UnknownCause::UnsignedRefusal(code) => {
            format!("收到未签名的拒绝应答（代码 {code}），无法确认是否已扣款")
        }
        UnknownCause::QrImage => "支付平台只给了二维码图片，图片无法读取".to_owned(),
        UnknownCause::AmbiguousCode(code) => match lookup_any(code) {
            Some(row) if row.meaning == CodeMeaning::Ambiguous => row.zh.to_owned(),
            _ => format!("支付平台返回未知代码 {code}"),
        },
    }
}

fn unknown_en(cause: &UnknownCause) -> String {
    format!(
        "{}; the result is unknown, the order is kept and will be queried again",
        cause_en(cause)
    )
}

fn cause_en(cause: &UnknownCause) -> String {
    match cause {
        UnknownCause::Timeout => "The gateway did not answer in time".to_owned(),
        UnknownCause::Network => "Network error reaching the gateway".to_owned(),
        UnknownCause::ServerError(status) => format!("Gateway server error (HTTP {status})"),
        UnknownCause::Html => "The gateway answered with a web page".to_owned(),
        UnknownCause::Empty => "The gateway answered with nothing".to_owned(),
        UnknownCause::Unparsable => "The gateway's answer could not be read".to_owned(),
        UnknownCause::BadSign => "The gateway's answer failed its sign check".to_owned(),
        UnknownCause::OtherOrder => "The gateway answered about another order".to_owned(),
        UnknownCause::OtherMerchant => {
            "The gateway answered about another merchant's order".to_owned()
        }
        UnknownCause::UnsignedRefusal(code) => {
            format!(
                "An unsigned refusal (code {code}) came back; whether the customer was charged is unknown"
            )
        }
        UnknownCause::QrImage => {
            "The gateway gave the QR only as an image, which could not be read".to_owned()
        }
        UnknownCause::AmbiguousCode(code) => match lookup_any(code) {
            Some(row) if row.meaning == CodeMeaning::Ambiguous => row.en.to_owned(),
            _ => format!("The gateway answered with unknown code {code}"),
        },
    }
}

impl Localized for RequestError {
    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => self.to_string(),
            Lang::En => match self {
                RequestError::Missing { field } => format!("{field} is required"),
                RequestError::TooLong { field, max } => {
                    format!("{field} is longer than {max} characters")
                }
                RequestError::Amount(amount) => {
                    format!("The amount {amount} is outside what the gateway accepts")
                }
                RequestError::MethodNotOffered(name) => {
                    format!("The gateway does not offer {name}")
                }
                RequestError::BadAuthCode => {
                    "Not a valid payment code: ask the customer to refresh it and scan again"
                        .to_owned()
                }
                RequestError::PayerName => {
                    "The payer's name must be 1 to 32 characters, without digits".to_owned()
                }
                RequestError::PayerAccount => {
                    "The payer's account must be 1 to 64 letters, digits or symbols, no spaces"
                        .to_owned()
                }
                RequestError::PayerCard => "A bank card number is 12 to 19 digits".to_owned(),
                RequestError::CardMissing => "Quick pay needs the card holder's name, card \
                    number, mobile and ID number"
                    .to_owned(),
                RequestError::CardHolderName => {
                    "The card holder's name must be 1 to 20 characters, without digits".to_owned()
                }
                RequestError::CardPhone => {
                    "The mobile must be 11 digits starting with 1 (the one the bank holds)"
                        .to_owned()
                }
                RequestError::CardIdNumber => {
                    "An ID number is 18 characters with a valid check character".to_owned()
                }
                RequestError::OnboardingNotEncrypted => "Onboarding sends the owner's phone, ID \
                    and card numbers: the gateway address must start with https:// (a test \
                    address on this machine excepted). Nothing was sent"
                    .to_owned(),
            },
        }
    }
}

impl Localized for GatewayError {
    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (GatewayError::Invalid(error), lang) => error.message(lang),
            (GatewayError::Unknown(cause), Lang::En) => unknown_en(cause),
            (GatewayError::Unreachable, Lang::En) => {
                "Cannot reach the gateway: nothing was sent, nothing charged".to_owned()
            }
            (GatewayError::Rejected { message_en, .. }, Lang::En) => {
                format!("Refused by the gateway: {message_en}")
            }
            (_, Lang::Zh) => self.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tables_have_unique_codes_that_do_not_overlap() {
        let mut all: Vec<_> = QHT_CODES
            .iter()
            .chain(CHANGPAY_CODES)
            .map(|row| row.code)
            .collect();
        let count = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), count);
    }

    #[test]
    fn codes_map_to_refusals_or_unknown_outcomes() {
        let sign = GatewayError::from_code(Provider::Qht, "600002", "SignError");
        assert!(!sign.is_unknown_outcome());
        assert_eq!(sign.to_string(), "支付平台拒绝：签名错误，请检查商户密钥");
        assert_eq!(
            sign.message(Lang::En),
            "Refused by the gateway: Wrong sign: check the merchant key"
        );
        assert!(GatewayError::from_code(Provider::Qht, "500005", "ApiError").is_unknown_outcome());
        assert!(GatewayError::from_code(Provider::Changpay, "114", "").is_unknown_outcome());
        assert!(GatewayError::from_code(Provider::Changpay, "999", "").is_unknown_outcome());
        assert!(!GatewayError::from_code(Provider::Changpay, "102", "").is_unknown_outcome());
    }

    #[test]
    fn unknown_outcomes_say_the_order_is_kept() {
        let timeout = GatewayError::Unknown(UnknownCause::Timeout);
        assert!(timeout.to_string().contains("订单已保存"));
        assert!(timeout.message(Lang::En).contains("the order is kept"));
    }
}
