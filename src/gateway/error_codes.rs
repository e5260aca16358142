//! Both specs' error-code tables: each code with the cashier's words in Chinese and English and
//! whether the gateway acted (a refusal, or a failure part way that leaves the order unknown).

use crate::gateway::Provider;

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

/// The codes of the two tables do not overlap, so a code alone finds its row.
pub(super) fn lookup_any(code: &str) -> Option<&'static ErrorCode> {
    lookup(Provider::Qht, code).or_else(|| lookup(Provider::Changpay, code))
}
