//! changpay's pay types and their create-order URIs (the spec's 请求uri地址 table).
//!
//! README decisions: the spec maps 微信银行转账 (42) to `ali_bank_transfer.api` and 支付宝银行转账 (43) to
//! `wx_bank_transfer.api`, which looks swapped; we follow the names. 快捷支付收银台 (5) and
//! 支付宝App (21) have no URI and are left out.

/// One pay type with a URI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PayType {
    /// `pay_type`.
    pub code: u16,
    /// The spec's name.
    pub zh: &'static str,
    /// The URI under the base URL.
    pub uri: &'static str,
}

const fn pt(code: u16, zh: &'static str, uri: &'static str) -> PayType {
    PayType { code, zh, uri }
}

/// Every pay type with a URI.
pub const PAY_TYPES: &[PayType] = &[
    pt(1, "银联", "api/v1/union.api"),
    pt(2, "银联扫码", "api/v1/union_qrcode.api"),
    pt(3, "快捷支付直连", "api/v1/quick.api"),
    pt(4, "快捷支付网页", "api/v1/quick_page.api"),
    pt(6, "快捷支付网页银行卡", "api/v1/quick_bank.api"),
    pt(10, "微信扫码", "api/v1/wx_qrcode.api"),
    pt(11, "微信H5", "api/v1/wx_h5.api"),
    pt(12, "微信App", "api/v1/wx_app.api"),
    pt(13, "微信公众号", "api/v1/wx_public_sign.api"),
    pt(14, "微信扫码可存图支付", "api/v1/wx_qrcode_plus.api"),
    pt(20, "支付宝扫码", "api/v1/ali_qrcode.api"),
    pt(22, "支付宝H5", "api/v1/ali_h5.api"),
    pt(23, "支付宝服务窗支付", "api/v1/ali_service.api"),
    pt(30, "QQ钱包", "api/v1/qq_wap.api"),
    pt(31, "QQ钱包扫码", "api/v1/qq_qrcode.api"),
    pt(40, "京东钱包", "api/v1/jd_wap.api"),
    pt(41, "京东钱包扫码", "api/v1/jd_qrcode.api"),
    pt(42, "微信银行转账", "api/v1/wx_bank_transfer.api"),
    pt(43, "支付宝银行转账", "api/v1/ali_bank_transfer.api"),
    pt(44, "银行卡转账", "api/v1/card_bank_transfer.api"),
    pt(60, "微信转账", "api/v1/wx_transfer.api"),
    pt(61, "支付宝转账", "api/v1/ali_transfer.api"),
    pt(62, "人工客服充值", "api/v1/kf_recharge.api"),
];

/// The pay type `code`, if it has a URI.
#[must_use]
pub fn pay_type(code: u16) -> Option<&'static PayType> {
    PAY_TYPES.iter().find(|pay_type| pay_type.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::{PayMethod, Provider};

    #[test]
    fn every_offered_method_has_a_uri() {
        for method in PayMethod::offered_by(Provider::Changpay) {
            let code = method.changpay_pay_type().expect("offered by changpay");
            assert!(pay_type(code).is_some(), "{method:?}");
        }
    }

    #[test]
    fn bank_transfers_follow_their_names_and_gaps_are_absent() {
        assert_eq!(
            pay_type(42).map(|p| p.uri),
            Some("api/v1/wx_bank_transfer.api")
        );
        assert_eq!(
            pay_type(43).map(|p| p.uri),
            Some("api/v1/ali_bank_transfer.api")
        );
        assert!(pay_type(5).is_none());
        assert!(pay_type(21).is_none());
    }
}
