//! Exact money: one amount type, held in li (厘, 1 yuan = 1000 li), parsed from what a cashier types.
//!
//! changpay counts in li and qht in fen (分, 10 li), so li is the smallest unit that holds both
//! without loss. No floating point ever holds an amount (README, "Decisions").

use std::fmt;

use crate::i18n::{Lang, Localized};

/// Li in one fen.
const LI_PER_FEN: i64 = 10;
/// Li in one yuan.
const LI_PER_YUAN: i64 = 1000;

/// An exact amount of renminbi, in li. Sums and differences may be zero or negative; an amount a
/// cashier charges is always positive (see [`Money::parse_charge`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money {
    li: i64,
}

impl Money {
    /// Zero yuan.
    pub const ZERO: Money = Money { li: 0 };

    /// An amount from li.
    #[must_use]
    pub const fn from_li(li: i64) -> Self {
        Money { li }
    }

    /// An amount from fen.
    #[must_use]
    pub const fn from_fen(fen: i64) -> Self {
        Money {
            li: fen * LI_PER_FEN,
        }
    }

    /// An amount from fen read off the wire, or `None` if it does not fit.
    #[must_use]
    pub const fn checked_from_fen(fen: i64) -> Option<Self> {
        match fen.checked_mul(LI_PER_FEN) {
            Some(li) => Some(Money { li }),
            None => None,
        }
    }

    /// An amount from whole yuan.
    #[must_use]
    pub const fn from_yuan(yuan: i64) -> Self {
        Money {
            li: yuan * LI_PER_YUAN,
        }
    }

    /// The amount in li, exactly.
    #[must_use]
    pub const fn li(self) -> i64 {
        self.li
    }

    /// The amount in fen, if it is a whole number of fen.
    #[must_use]
    pub const fn fen(self) -> Option<i64> {
        if self.li % LI_PER_FEN == 0 {
            Some(self.li / LI_PER_FEN)
        } else {
            None
        }
    }

    /// The sum, or `None` on overflow.
    #[must_use]
    pub const fn checked_add(self, other: Money) -> Option<Money> {
        match self.li.checked_add(other.li) {
            Some(li) => Some(Money { li }),
            None => None,
        }
    }

    /// Parses an amount as a cashier types it and checks it can be charged: positive, at most two
    /// decimals (the till charges to the fen), and not above `limit`.
    ///
    /// Accepts `12`, `12.3`, `12.34`, `¥12.34`, `￥12.34`, surrounding spaces, and the full-width
    /// digits and points a Chinese input method produces (`１２．３４`, `12。34`).
    pub fn parse_charge(input: &str, limit: Money) -> Result<Money, AmountError> {
        // An amount too large even to hold is above the gateway's limit: say that limit.
        let amount = parse_yuan(input).map_err(|error| match error {
            AmountError::OverLimit { .. } => AmountError::OverLimit { limit },
            other => other,
        })?;
        if amount.li == 0 {
            return Err(AmountError::Zero);
        }
        if amount > limit {
            return Err(AmountError::OverLimit { limit });
        }
        Ok(amount)
    }

    /// Text in yuan without the currency sign: `12.34`, or `12.345` when not a whole fen. This is
    /// the form of the CLI's JSON and of CSV exports.
    #[must_use]
    pub fn yuan_text(self) -> String {
        let sign = if self.li < 0 { "-" } else { "" };
        let abs = self.li.unsigned_abs();
        let yuan = abs / 1000;
        let li = abs % 1000;
        if li.is_multiple_of(10) {
            format!("{sign}{yuan}.{:02}", li / 10)
        } else {
            format!("{sign}{yuan}.{li:03}")
        }
    }
}

impl fmt::Display for Money {
    /// `¥12.34`, with a third decimal only when the amount is not a whole fen.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.yuan_text();
        match text.strip_prefix('-') {
            Some(abs) => write!(f, "-¥{abs}"),
            None => write!(f, "¥{text}"),
        }
    }
}

/// Why a typed amount cannot be charged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    /// Nothing was typed.
    #[error("请输入金额")]
    Empty,
    /// The amount is zero.
    #[error("金额必须大于 0")]
    Zero,
    /// A minus sign.
    #[error("金额不能为负数")]
    Negative,
    /// More than two decimals.
    #[error("金额最多两位小数（精确到分）")]
    TooManyDecimals,
    /// Letters, exponents, several points or other characters.
    #[error("金额格式不正确，只能输入数字和小数点")]
    NotANumber,
    /// Above what this gateway or merchant allows in one order.
    #[error("金额超过单笔上限 {limit}")]
    OverLimit {
        /// The largest amount allowed.
        limit: Money,
    },
}

impl Localized for AmountError {
    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => self.to_string(),
            Lang::En => match self {
                AmountError::Empty => "Enter an amount".to_owned(),
                AmountError::Zero => "The amount must be more than 0".to_owned(),
                AmountError::Negative => "The amount cannot be negative".to_owned(),
                AmountError::TooManyDecimals => {
                    "At most two decimals (the till charges to the fen)".to_owned()
                }
                AmountError::NotANumber => "Not an amount: use digits and one point".to_owned(),
                AmountError::OverLimit { limit } => {
                    format!("Above the single-order limit of {limit}")
                }
            },
        }
    }
}

/// Maps the full-width forms a Chinese input method types to ASCII, and drops what carries no
/// meaning (spaces, one leading currency sign).
fn normalise(input: &str) -> String {
    let mapped: String = input
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + u8::try_from(c as u32 - '０' as u32).unwrap_or(0)),
            '．' | '。' => '.',
            '－' => '-',
            other => other,
        })
        .filter(|c| !c.is_whitespace())
        .collect();
    let without_sign = mapped
        .strip_prefix('¥')
        .or_else(|| mapped.strip_prefix('￥'))
        .unwrap_or(&mapped);
    without_sign.to_owned()
}

/// Parses a yuan amount to fen precision, without the range checks of a charge.
fn parse_yuan(input: &str) -> Result<Money, AmountError> {
    let text = normalise(input);
    if text.is_empty() {
        return Err(AmountError::Empty);
    }
    if let Some(rest) = text.strip_prefix('-') {
        // "-1" is a negative amount; "-abc" is simply not a number.
        return match parse_yuan(rest) {
            Ok(_) => Err(AmountError::Negative),
            Err(AmountError::Empty) => Err(AmountError::NotANumber),
            Err(other) => Err(other),
        };
    }
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, fraction),
        None => (text.as_str(), ""),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(whole) || !all_digits(fraction) || (whole.is_empty() && fraction.is_empty()) {
        return Err(AmountError::NotANumber);
    }
    if fraction.len() > 2 {
        return Err(AmountError::TooManyDecimals);
    }
    // Leading zeros carry no value; what is left must fit in an i64 of li with room for sums.
    let whole = whole.trim_start_matches('0');
    if whole.len() > 12 {
        return Err(AmountError::OverLimit {
            limit: Money::from_yuan(999_999_999_999),
        });
    }
    let whole_yuan: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| AmountError::NotANumber)?
    };
    let fen_text = format!("{fraction:0<2}");
    let fen: i64 = fen_text.parse().map_err(|_| AmountError::NotANumber)?;
    Ok(Money::from_li(whole_yuan * LI_PER_YUAN + fen * LI_PER_FEN))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: Money = Money::from_yuan(50_000);

    #[test]
    fn parses_what_a_cashier_types() {
        let cases = [
            ("12", 12_000),
            ("12.3", 12_300),
            ("12.34", 12_340),
            ("¥12.34", 12_340),
            ("￥12.34", 12_340),
            (" 12.34 ", 12_340),
            ("１２．３４", 12_340),
            ("12。34", 12_340),
            ("0.01", 10),
            (".5", 500),
            ("5.", 5_000),
            ("007.10", 7_100),
            ("50000", 50_000_000),
        ];
        for (input, li) in cases {
            assert_eq!(
                Money::parse_charge(input, LIMIT),
                Ok(Money::from_li(li)),
                "{input}"
            );
        }
    }

    #[test]
    fn rejects_bad_input_with_a_reason() {
        let cases = [
            ("", AmountError::Empty),
            ("   ", AmountError::Empty),
            ("¥", AmountError::Empty),
            ("0", AmountError::Zero),
            ("0.00", AmountError::Zero),
            ("-1", AmountError::Negative),
            ("-0.5", AmountError::Negative),
            ("1.234", AmountError::TooManyDecimals),
            ("abc", AmountError::NotANumber),
            ("12a", AmountError::NotANumber),
            ("1e3", AmountError::NotANumber),
            ("1E3", AmountError::NotANumber),
            ("1.2.3", AmountError::NotANumber),
            (".", AmountError::NotANumber),
            ("1,000", AmountError::NotANumber),
            ("+5", AmountError::NotANumber),
            ("-", AmountError::NotANumber),
            ("NaN", AmountError::NotANumber),
            ("50000.01", AmountError::OverLimit { limit: LIMIT }),
            // Too large even to hold: still the gateway's limit that is named.
            (
                "99999999999999999999",
                AmountError::OverLimit { limit: LIMIT },
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(
                Money::parse_charge(input, LIMIT),
                Err(expected),
                "{input:?}"
            );
        }
    }

    #[test]
    fn every_error_reads_in_both_languages() {
        let errors = [
            AmountError::Empty,
            AmountError::Zero,
            AmountError::Negative,
            AmountError::TooManyDecimals,
            AmountError::NotANumber,
            AmountError::OverLimit { limit: LIMIT },
        ];
        for error in errors {
            let zh = error.message(Lang::Zh);
            let en = error.message(Lang::En);
            assert!(zh.chars().any(|c| c > '\u{2E80}'), "{zh} is not Chinese");
            assert!(en.is_ascii() || en.contains('¥'), "{en} is not English");
        }
        assert_eq!(
            AmountError::OverLimit { limit: LIMIT }.to_string(),
            "金额超过单笔上限 ¥50000.00"
        );
    }

    #[test]
    fn converts_exactly_between_units() {
        let amount = Money::from_li(12_340);
        assert_eq!(amount.fen(), Some(1_234));
        assert_eq!(Money::from_fen(1_234), amount);
        assert_eq!(Money::from_li(12_345).fen(), None);
        assert_eq!(Money::from_yuan(3).li(), 3_000);
    }

    #[test]
    fn displays_yuan_with_a_third_decimal_only_when_needed() {
        assert_eq!(Money::from_li(12_340).to_string(), "¥12.34");
        assert_eq!(Money::from_li(12_345).to_string(), "¥12.345");
        assert_eq!(Money::from_li(10).to_string(), "¥0.01");
        assert_eq!(Money::from_li(1).to_string(), "¥0.001");
        assert_eq!(Money::ZERO.to_string(), "¥0.00");
        assert_eq!(Money::from_li(-1_500).to_string(), "-¥1.50");
        assert_eq!(Money::from_li(12_340).yuan_text(), "12.34");
    }
}
