//! Recognising a customer's payment code (付款码) by its prefix.
//!
//! WeChat Pay codes are 18 digits starting 10–15; Alipay codes are 16–24 digits starting 25–30
//! (the wallets' published rules). Anything else is refused before a request is sent.

use crate::gateway::PayMethod;
use crate::gateway::error::RequestError;

/// The wallet a payment code belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wallet {
    /// WeChat Pay.
    Wechat,
    /// Alipay.
    Alipay,
}

impl Wallet {
    /// The bar-code pay method for this wallet.
    #[must_use]
    pub fn barcode_method(self) -> PayMethod {
        match self {
            Wallet::Wechat => PayMethod::WechatBarcode,
            Wallet::Alipay => PayMethod::AlipayBarcode,
        }
    }
}

/// A scanned or typed code with full-width digits mapped to ASCII and spaces removed.
#[must_use]
pub fn normalise_code(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + u32::from(b'0')).unwrap_or(c),
            other => other,
        })
        .collect()
}

/// The wallet of a normalised payment code, or why it is not one.
pub fn detect_wallet(code: &str) -> Result<Wallet, RequestError> {
    if !code.bytes().all(|b| b.is_ascii_digit()) || code.len() < 2 {
        return Err(RequestError::BadAuthCode);
    }
    let prefix: u8 = code[..2].parse().map_err(|_| RequestError::BadAuthCode)?;
    match (prefix, code.len()) {
        (10..=15, 18) => Ok(Wallet::Wechat),
        (25..=30, 16..=24) => Ok(Wallet::Alipay),
        _ => Err(RequestError::BadAuthCode),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wallets_are_told_by_prefix_and_length() {
        let cases = [
            ("134567890123456789", Ok(Wallet::Wechat)),
            ("101234567890123456", Ok(Wallet::Wechat)),
            ("151234567890123456", Ok(Wallet::Wechat)),
            ("281234567890123456", Ok(Wallet::Alipay)),
            ("2512345678901234", Ok(Wallet::Alipay)),
            ("301234567890123456789012", Ok(Wallet::Alipay)),
            ("161234567890123456", Err(RequestError::BadAuthCode)),
            ("13456789012345678", Err(RequestError::BadAuthCode)),
            ("13456789012345678a", Err(RequestError::BadAuthCode)),
            ("hello", Err(RequestError::BadAuthCode)),
            ("", Err(RequestError::BadAuthCode)),
        ];
        for (code, expected) in cases {
            assert_eq!(detect_wallet(code), expected, "{code}");
        }
    }

    #[test]
    fn full_width_and_spaces_are_normalised() {
        assert_eq!(
            normalise_code(" １３4567 890123456789\n"),
            "134567890123456789"
        );
    }
}
