//! One typed error for every gateway call, and both specs' error-code tables.
//!
//! Every call ends in a definite answer or an unknown outcome. A definite refusal
//! ([`GatewayError::Rejected`]) means the gateway did not act; an unknown outcome
//! ([`GatewayError::Unknown`]) means it may have, so a create-order call that ends in one is never
//! reported as failed: the order may exist at the gateway and is queried again.

use crate::gateway::Provider;
use crate::i18n::{Lang, Localized};

/// What a gateway error code says about whether the gateway acted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeMeaning {
    /// The call succeeded.
    Success,
    /// The gateway refused the call and did nothing.
    Refused,
    /// The gateway or its upstream channel failed part way: the order may exist.
    Ambiguous,
}

/// One row of an error-code table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorCode {
    /// The code as the gateway sends it (`600002`, `101`).
    pub code: &'static str,
    /// The cashier's Chinese message.
    pub zh: &'static str,
    /// The English message.
    pub en: &'static str,
    /// Whether the gateway acted.
    pub meaning: CodeMeaning,
}

const fn code(
    code: &'static str,
    zh: &'static str,
    en: &'static str,
    meaning: CodeMeaning,
) -> ErrorCode {
    ErrorCode {
        code,
        zh,
        en,
        meaning,
    }
}

use CodeMeaning::{Ambiguous, Refused, Success};

/// qht's table (end of its spec). `000001`, `500001`, `500003` and `500005` report a failure part
/// way through, after which the order may exist upstream, so they count as unknown outcomes.
pub const QHT_CODES: &[ErrorCode] = &[
    code("000000", "请求成功", "Success", Success),
    code(
        "000001",
        "支付平台繁忙，结果未知",
        "The gateway is busy; the result is unknown",
        Ambiguous,
    ),
    code("100001", "请求内容为空", "The request was empty", Refused),
    code(
        "100002",
        "请求内容不合法",
        "The request was not valid",
        Refused,
    ),
    code(
        "100003",
        "请求编号为空",
        "The request id was missing",
        Refused,
    ),
    code(
        "200001",
        "请求被支付平台拒绝",
        "The gateway refused the request",
        Refused,
    ),
    code(
        "200002",
        "本机 IP 未在支付平台白名单中",
        "This till's IP is not on the gateway's allow-list",
        Refused,
    ),
    code(
        "200003",
        "商户号不一致",
        "The merchant number does not match",
        Refused,
    ),
    code(
        "300001",
        "商户号为空，请检查设置",
        "The merchant number is missing: check settings",
        Refused,
    ),
    code(
        "300002",
        "商户号错误，请检查设置",
        "Wrong merchant number: check settings",
        Refused,
    ),
    code(
        "300003",
        "手机号码为空",
        "The phone number is missing",
        Refused,
    ),
    code(
        "300004",
        "手机号码已注册",
        "The phone number is already registered",
        Refused,
    ),
    code("300005", "手机号码错误", "Wrong phone number", Refused),
    code(
        "300006",
        "身份证号码为空",
        "The ID number is missing",
        Refused,
    ),
    code("300007", "身份证号码错误", "Wrong ID number", Refused),
    code(
        "300008",
        "银行联行号为空",
        "The bank code is missing",
        Refused,
    ),
    code(
        "300009",
        "商户不存在，请检查设置",
        "No such merchant: check settings",
        Refused,
    ),
    code(
        "400001",
        "订单号为空",
        "The order number is missing",
        Refused,
    ),
    code(
        "400002",
        "订单号已存在",
        "The order number already exists",
        Refused,
    ),
    code(
        "400003",
        "金额超过单笔限额",
        "The amount is over the single-order limit",
        Refused,
    ),
    code("400004", "订单查询成功", "Order found", Success),
    code("400005", "订单不存在", "No such order", Refused),
    code("500000", "通道请求成功", "Channel request sent", Success),
    code(
        "500001",
        "支付通道请求失败，结果未知",
        "The payment channel failed; the result is unknown",
        Ambiguous,
    ),
    code("500002", "通道应答成功", "Channel answered", Success),
    code(
        "500003",
        "支付通道应答失败，结果未知",
        "The payment channel answered with a failure; the result is unknown",
        Ambiguous,
    ),
    code("500004", "业务处理成功", "Done", Success),
    code(
        "500005",
        "支付通道错误，结果未知",
        "Payment channel error; the result is unknown",
        Ambiguous,
    ),
    code(
        "500006",
        "没有可用的支付通道",
        "No payment channel is available",
        Refused,
    ),
    code("600001", "签名为空", "The sign was missing", Refused),
    code(
        "600002",
        "签名错误，请检查商户密钥",
        "Wrong sign: check the merchant key",
        Refused,
    ),
];

/// changpay's table ("返回码说明"). `113` and `114` may come after the order reached the channel.
pub const CHANGPAY_CODES: &[ErrorCode] = &[
    code("1", "请求成功", "Success", Success),
    code(
        "100",
        "缺少必要的参数",
        "A required field is missing",
        Refused,
    ),
    code(
        "101",
        "商户号或签名错误，请检查商户号和密钥",
        "Wrong merchant id or sign: check the merchant id and key",
        Refused,
    ),
    code(
        "102",
        "找不到该商户，请检查商户号",
        "No such merchant: check the merchant id",
        Refused,
    ),
    code("103", "订单号不存在", "No such order", Refused),
    code("110", "查询参数错误", "Wrong query fields", Refused),
    code("111", "请求方式错误", "Wrong request method", Refused),
    code(
        "112",
        "没有可用的支付通道，请在商户后台配置",
        "No payment channel: configure one in the merchant console",
        Refused,
    ),
    code(
        "113",
        "支付接口异常，结果未知",
        "Payment API error; the result is unknown",
        Ambiguous,
    ),
    code(
        "114",
        "下单异常或支付通道异常，结果未知",
        "Order or channel error; the result is unknown",
        Ambiguous,
    ),
];

/// The table row for `code` from `provider`, if the spec lists it.
#[must_use]
pub fn lookup(provider: Provider, code: &str) -> Option<&'static ErrorCode> {
    let table = match provider {
        Provider::Qht => QHT_CODES,
        Provider::Changpay => CHANGPAY_CODES,
    };
    table.iter().find(|row| row.code == code)
}

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

/// The codes of the two tables do not overlap, so a code alone finds its row.
fn lookup_any(code: &str) -> Option<&'static ErrorCode> {
    lookup(Provider::Qht, code).or_else(|| lookup(Provider::Changpay, code))
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
