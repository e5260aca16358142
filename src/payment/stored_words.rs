//! The words an order's last error is kept in, and those words in the window's language.
//!
//! The ledger keeps an order's last error as the Chinese text a cashier reads (the CLI, the
//! exports and the store show it too). The English window must not show it in Chinese (issue
//! 21): this module holds the fixed phrases the payment code writes, and puts any stored text
//! back into English when it is one of ours, a gateway error's, or a decline a wallet commonly
//! gives. Anything else is the gateway's own words, shown as it sent them.

use crate::gateway::error::{CHANGPAY_CODES, QHT_CODES};
use crate::i18n::Lang;

/// The cashier pressed Esc during the live wait.
pub const CASHIER_STOPPED: &str = "收银员停止等待，订单将在后台继续查询";
/// The live wait ran out with no result.
pub const WAIT_TIMED_OUT: &str = "等待超时，结果未知";
/// The gateway has never heard of an order whose create got no answer.
pub const NEVER_ARRIVED: &str = "支付平台没有此订单（请求未送达）";

/// Our fixed phrases and common wallet declines, Chinese then English.
const PHRASES: &[(&str, &str)] = &[
    (
        CASHIER_STOPPED,
        "The cashier stopped waiting; the order is queried again in the background",
    ),
    (WAIT_TIMED_OUT, "Timed out waiting; the result is unknown"),
    (
        NEVER_ARRIVED,
        "The gateway has no such order (the request never arrived)",
    ),
    (
        "无法连接支付平台，请求未发出，未扣款",
        "Cannot reach the gateway: nothing was sent, nothing charged",
    ),
    ("余额不足", "Insufficient balance"),
    ("交易已关闭", "The trade was closed"),
    ("订单已关闭", "The order was closed"),
    ("订单已撤销", "The order was cancelled"),
    ("用户取消支付", "The customer cancelled the payment"),
    ("付款码已过期", "The pay code has expired"),
    ("支付密码错误", "Wrong payment password"),
];

/// The text an amount mismatch is kept as.
#[must_use]
pub fn amount_mismatch(paid: &str, asked: &str) -> String {
    format!("实付金额 {paid} 与订单金额 {asked} 不符")
}

/// `stored` (an order's last error as the ledger keeps it) in `lang`.
#[must_use]
pub fn stored_words(stored: &str, lang: Lang) -> String {
    if lang == Lang::Zh {
        return stored.to_owned();
    }
    if let Some((_, en)) = PHRASES.iter().find(|(zh, _)| *zh == stored) {
        return (*en).to_owned();
    }
    if let Some(rest) = stored.strip_prefix("实付金额 ")
        && let Some((paid, asked)) = rest
            .strip_suffix(" 不符")
            .and_then(|rest| rest.split_once(" 与订单金额 "))
    {
        return format!("Paid {paid}, not the order's {asked}");
    }
    if let Some(zh) = stored.strip_prefix("支付平台拒绝：")
        && let Some(row) = QHT_CODES
            .iter()
            .chain(CHANGPAY_CODES)
            .find(|row| row.zh == zh)
    {
        return format!("Refused by the gateway: {}", row.en);
    }
    if let Some(en) = crate::gateway::error::unknown_outcome_in_english(stored) {
        return en;
    }
    stored.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::Provider;
    use crate::gateway::error::{GatewayError, UnknownCause};
    use crate::i18n::Localized;

    #[test]
    fn stored_errors_read_in_english_and_stay_as_kept_in_chinese() {
        let table = [
            (
                CASHIER_STOPPED.to_owned(),
                "The cashier stopped waiting; the order is queried again in the background"
                    .to_owned(),
            ),
            ("余额不足".to_owned(), "Insufficient balance".to_owned()),
            (
                amount_mismatch("¥1.00", "¥2.00"),
                "Paid ¥1.00, not the order's ¥2.00".to_owned(),
            ),
        ];
        for (stored, english) in table {
            assert_eq!(stored_words(&stored, Lang::En), english);
            assert_eq!(stored_words(&stored, Lang::Zh), stored);
        }
        // A gateway's error, kept as its Chinese Display, reads as its English message.
        for error in [
            GatewayError::from_code(Provider::Qht, "600002", "SignError"),
            GatewayError::Unknown(UnknownCause::Timeout),
            GatewayError::Unknown(UnknownCause::Html),
            GatewayError::Unreachable,
        ] {
            assert_eq!(
                stored_words(&error.to_string(), Lang::En),
                error.message(Lang::En)
            );
        }
        // The gateway's own words it sent are shown as sent.
        assert_eq!(stored_words("风控拦截", Lang::En), "风控拦截");
    }
}
