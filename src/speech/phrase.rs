//! What a paid or failed sale says aloud (收款语音播报): "支付宝收款十二点三四元", the amount read as
//! Chinese money is read (十万, not 一十万; 一百零五; 零点零一; no trailing zeros), or "Alipay received
//! 12.34 yuan" in English.

use crate::gateway::PayMethod;
use crate::i18n::Lang;
use crate::money::Money;

/// What happened to the sale that is announced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Paid (at the counter, later, or found by a query).
    Paid,
    /// Failed for good.
    Failed,
}

/// One announcement: the sale's method, amount and outcome, and the cashier's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Announcement {
    /// How the customer paid.
    pub method: PayMethod,
    /// The amount.
    pub amount: Money,
    /// Paid or failed.
    pub outcome: Outcome,
    /// The cashier's language.
    pub lang: Lang,
}

impl Announcement {
    /// The words spoken.
    #[must_use]
    pub fn phrase(&self) -> String {
        match (self.outcome, self.lang) {
            (Outcome::Paid, Lang::Zh) => {
                format!(
                    "{}收款{}元",
                    wallet_zh(self.method),
                    chinese_money(self.amount)
                )
            }
            (Outcome::Paid, Lang::En) => format!(
                "{} received {} yuan",
                wallet_en(self.method),
                self.amount.yuan_text()
            ),
            (Outcome::Failed, Lang::Zh) => "收款失败".to_owned(),
            (Outcome::Failed, Lang::En) => "Payment failed".to_owned(),
        }
    }
}

/// The wallet as a shop hears it (支付宝, 微信…), not the method's full name.
fn wallet_zh(method: PayMethod) -> &'static str {
    use PayMethod as M;
    match method {
        M::AlipayQr
        | M::AlipayBarcode
        | M::AlipayH5
        | M::AlipayBankTransfer
        | M::AlipayTransfer => "支付宝",
        M::WechatQr
        | M::WechatBarcode
        | M::WechatQrSaveable
        | M::WechatH5
        | M::WechatBankTransfer
        | M::WechatTransfer => "微信",
        M::UnionpayQr | M::UnionpayWeb => "云闪付",
        M::QqQr | M::QqWap => "QQ钱包",
        M::JdQr | M::JdWap => "京东",
        M::CardBankTransfer | M::QhtQuickDebit | M::QhtQuickCredit => "银行卡",
        M::ServiceRecharge => "充值",
        M::Cash => "现金",
    }
}

fn wallet_en(method: PayMethod) -> &'static str {
    use PayMethod as M;
    match method {
        M::AlipayQr
        | M::AlipayBarcode
        | M::AlipayH5
        | M::AlipayBankTransfer
        | M::AlipayTransfer => "Alipay",
        M::WechatQr
        | M::WechatBarcode
        | M::WechatQrSaveable
        | M::WechatH5
        | M::WechatBankTransfer
        | M::WechatTransfer => "WeChat",
        M::UnionpayQr | M::UnionpayWeb => "UnionPay",
        M::QqQr | M::QqWap => "QQ Wallet",
        M::JdQr | M::JdWap => "JD Pay",
        M::CardBankTransfer | M::QhtQuickDebit | M::QhtQuickCredit => "Bank card",
        M::ServiceRecharge => "Recharge",
        M::Cash => "Cash",
    }
}

const DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// `amount` read as Chinese money without the 元: 十二点三四, 零点零一, 十万, 一百零五点五.
#[must_use]
pub fn chinese_money(amount: Money) -> String {
    let li = amount.li().unsigned_abs();
    let mut words = String::new();
    if amount.li() < 0 {
        words.push('负');
    }
    words.push_str(&chinese_number(li / 1000));
    let fraction = format!("{:03}", li % 1000);
    let fraction = fraction.trim_end_matches('0');
    if !fraction.is_empty() {
        words.push('点');
        words.extend(
            fraction
                .bytes()
                .map(|digit| DIGITS[usize::from(digit - b'0')]),
        );
    }
    words
}

/// A whole number read in Chinese: groups of four digits under 万, 亿 and 万亿; 零 once for a gap;
/// 十 rather than 一十 at the start.
#[must_use]
pub fn chinese_number(number: u64) -> String {
    const BIG: [&str; 4] = ["", "万", "亿", "万亿"];
    if number == 0 {
        return "零".to_owned();
    }
    let mut groups = Vec::new();
    let mut rest = number;
    while rest > 0 {
        groups.push(rest % 10_000);
        rest /= 10_000;
    }
    let mut words = String::new();
    let mut gap = false;
    for (index, &group) in groups.iter().enumerate().rev() {
        if group == 0 {
            gap = !words.is_empty();
            continue;
        }
        if !words.is_empty() && (gap || group < 1000) {
            words.push('零');
        }
        words.push_str(&group_words(group));
        words.push_str(BIG.get(index).copied().unwrap_or(""));
        gap = false;
    }
    match words.strip_prefix("一十") {
        Some(rest) => format!("十{rest}"),
        None => words,
    }
}

/// One group under 10 000: 一千零一十, 五.
fn group_words(group: u64) -> String {
    const UNITS: [&str; 4] = ["千", "百", "十", ""];
    let digits = [group / 1000, group / 100 % 10, group / 10 % 10, group % 10];
    let mut words = String::new();
    let mut zero = false;
    for (digit, unit) in digits.into_iter().zip(UNITS) {
        if digit == 0 {
            zero = !words.is_empty();
            continue;
        }
        if zero {
            words.push('零');
            zero = false;
        }
        words.push(DIGITS[usize::try_from(digit).unwrap_or(0)]);
        words.push_str(unit);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(text: &str) -> Money {
        Money::parse_charge(text, Money::from_yuan(1_000_000_000)).expect("an amount")
    }

    #[test]
    fn amounts_are_read_as_money_is() {
        for (amount, words) in [
            ("0.01", "零点零一"),
            ("0.10", "零点一"),
            ("1", "一"),
            ("10", "十"),
            ("10.5", "十点五"),
            ("12.34", "十二点三四"),
            ("20.00", "二十"),
            ("105", "一百零五"),
            ("110", "一百一十"),
            ("1010", "一千零一十"),
            ("1005.05", "一千零五点零五"),
            ("10005", "一万零五"),
            ("100000.00", "十万"),
            ("100010", "十万零一十"),
            ("123456.78", "十二万三千四百五十六点七八"),
            ("1000000", "一百万"),
            ("100000005", "一亿零五"),
            ("100010000", "一亿零一万"),
        ] {
            assert_eq!(chinese_money(money(amount)), words, "{amount}");
        }
    }

    #[test]
    fn a_changpay_li_is_read_to_its_third_decimal() {
        assert_eq!(chinese_money(Money::from_li(1234)), "一点二三四");
    }

    #[test]
    fn the_phrase_names_the_wallet_and_the_amount_in_the_cashiers_language() {
        let paid = |method, amount: &str, lang| {
            Announcement {
                method,
                amount: money(amount),
                outcome: Outcome::Paid,
                lang,
            }
            .phrase()
        };
        assert_eq!(
            paid(PayMethod::AlipayQr, "12.34", Lang::Zh),
            "支付宝收款十二点三四元"
        );
        assert_eq!(
            paid(PayMethod::WechatBarcode, "10", Lang::Zh),
            "微信收款十元"
        );
        assert_eq!(
            paid(PayMethod::Cash, "100000.00", Lang::Zh),
            "现金收款十万元"
        );
        assert_eq!(
            paid(PayMethod::AlipayBarcode, "12.34", Lang::En),
            "Alipay received 12.34 yuan"
        );
        let failed = Announcement {
            method: PayMethod::WechatQr,
            amount: money("3"),
            outcome: Outcome::Failed,
            lang: Lang::Zh,
        };
        assert_eq!(failed.phrase(), "收款失败");
    }
}
