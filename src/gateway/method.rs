//! Pay methods the till offers, with their Chinese names and each provider's code for them.
//!
//! This is the one table that maps a method to qht's `payment` code and to changpay's `pay_type`
//! (changpay's URIs are in `changpay::PAY_TYPES`; 5 and 21 have no URI and are not offered).

use crate::gateway::Provider;

/// How the customer pays with a method, which decides what the till shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MethodKind {
    /// The till shows a QR (the gateway's `code_url`) for the customer's wallet to scan.
    ScanQr,
    /// The till scans the customer's payment code (付款码) with a bar-code scanner.
    Barcode,
    /// The gateway gives a payment page link, shown as a QR for the customer's phone.
    Link,
    /// The customer transfers money to an account with a note code (附言).
    Transfer,
    /// The customer types their bank card on the gateway's pay page (qht quick pay), opened in
    /// the system's browser; the card holder is typed at the till first.
    CardPage,
    /// Notes and coins over the counter: never sent to a gateway, paid when entered.
    Cash,
}

/// A way a customer can pay. Which ones are offered depends on the provider ([`PayMethod::offered_by`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PayMethod {
    /// 支付宝扫码.
    AlipayQr,
    /// 微信扫码.
    WechatQr,
    /// 支付宝付款码: the till scans the customer's Alipay code.
    AlipayBarcode,
    /// 微信付款码: the till scans the customer's WeChat code.
    WechatBarcode,
    /// 银联扫码.
    UnionpayQr,
    /// QQ钱包扫码.
    QqQr,
    /// 京东扫码.
    JdQr,
    /// 微信扫码可存图: a WeChat QR the customer may save and pay from the album.
    WechatQrSaveable,
    /// 银联网页支付.
    UnionpayWeb,
    /// 微信H5.
    WechatH5,
    /// 支付宝H5.
    AlipayH5,
    /// QQ钱包H5.
    QqWap,
    /// 京东钱包H5.
    JdWap,
    /// 微信银行转账.
    WechatBankTransfer,
    /// 支付宝银行转账.
    AlipayBankTransfer,
    /// 银行卡转账.
    CardBankTransfer,
    /// 微信转账.
    WechatTransfer,
    /// 支付宝转账.
    AlipayTransfer,
    /// 人工客服充值.
    ServiceRecharge,
    /// 储蓄卡快捷支付 (qht 301 T1 / 302 D0).
    QhtQuickDebit,
    /// 信用卡快捷支付 (qht 303 T1 / 304 D0).
    QhtQuickCredit,
    /// 现金: taken at the counter, offered whatever the gateway.
    Cash,
}

/// One row of the method table.
struct MethodRow {
    method: PayMethod,
    slug: &'static str,
    zh: &'static str,
    en: &'static str,
    kind: MethodKind,
    qht_payment: Option<&'static str>,
    changpay: Option<u16>,
}

/// The table. `changpay` holds the `pay_type`; its URI is in `changpay::PAY_TYPES`.
const METHODS: &[MethodRow] = &[
    row(
        PayMethod::AlipayQr,
        "alipay-qr",
        "支付宝扫码",
        "Alipay QR",
        MethodKind::ScanQr,
        Some("100"),
        Some(20),
    ),
    row(
        PayMethod::WechatQr,
        "wechat-qr",
        "微信扫码",
        "WeChat QR",
        MethodKind::ScanQr,
        Some("200"),
        Some(10),
    ),
    row(
        PayMethod::AlipayBarcode,
        "alipay-barcode",
        "支付宝付款码",
        "Alipay pay code",
        MethodKind::Barcode,
        Some("101"),
        None,
    ),
    row(
        PayMethod::WechatBarcode,
        "wechat-barcode",
        "微信付款码",
        "WeChat pay code",
        MethodKind::Barcode,
        Some("201"),
        None,
    ),
    row(
        PayMethod::UnionpayQr,
        "unionpay-qr",
        "银联扫码",
        "UnionPay QR",
        MethodKind::ScanQr,
        None,
        Some(2),
    ),
    row(
        PayMethod::QqQr,
        "qq-qr",
        "QQ钱包扫码",
        "QQ Wallet QR",
        MethodKind::ScanQr,
        None,
        Some(31),
    ),
    row(
        PayMethod::JdQr,
        "jd-qr",
        "京东扫码",
        "JD Pay QR",
        MethodKind::ScanQr,
        None,
        Some(41),
    ),
    row(
        PayMethod::WechatQrSaveable,
        "wechat-qr-saveable",
        "微信扫码(可存图)",
        "WeChat QR (saveable)",
        MethodKind::ScanQr,
        None,
        Some(14),
    ),
    row(
        PayMethod::UnionpayWeb,
        "unionpay-web",
        "银联网页支付",
        "UnionPay web",
        MethodKind::Link,
        None,
        Some(1),
    ),
    row(
        PayMethod::WechatH5,
        "wechat-h5",
        "微信H5",
        "WeChat H5",
        MethodKind::Link,
        None,
        Some(11),
    ),
    row(
        PayMethod::AlipayH5,
        "alipay-h5",
        "支付宝H5",
        "Alipay H5",
        MethodKind::Link,
        None,
        Some(22),
    ),
    row(
        PayMethod::QqWap,
        "qq-wap",
        "QQ钱包H5",
        "QQ Wallet H5",
        MethodKind::Link,
        None,
        Some(30),
    ),
    row(
        PayMethod::JdWap,
        "jd-wap",
        "京东钱包H5",
        "JD Wallet H5",
        MethodKind::Link,
        None,
        Some(40),
    ),
    row(
        PayMethod::WechatBankTransfer,
        "wechat-bank-transfer",
        "微信银行转账",
        "WeChat bank transfer",
        MethodKind::Transfer,
        None,
        Some(42),
    ),
    row(
        PayMethod::AlipayBankTransfer,
        "alipay-bank-transfer",
        "支付宝银行转账",
        "Alipay bank transfer",
        MethodKind::Transfer,
        None,
        Some(43),
    ),
    row(
        PayMethod::CardBankTransfer,
        "card-bank-transfer",
        "银行卡转账",
        "Bank card transfer",
        MethodKind::Transfer,
        None,
        Some(44),
    ),
    row(
        PayMethod::WechatTransfer,
        "wechat-transfer",
        "微信转账",
        "WeChat transfer",
        MethodKind::Transfer,
        None,
        Some(60),
    ),
    row(
        PayMethod::AlipayTransfer,
        "alipay-transfer",
        "支付宝转账",
        "Alipay transfer",
        MethodKind::Transfer,
        None,
        Some(61),
    ),
    row(
        PayMethod::ServiceRecharge,
        "service-recharge",
        "人工客服充值",
        "Service desk top-up",
        MethodKind::Transfer,
        None,
        Some(62),
    ),
    // Quick pay sends no payment code: the card type and the settle make it. The T1 code
    // stands here for "qht offers it".
    row(
        PayMethod::QhtQuickDebit,
        "qht-quick-debit",
        "储蓄卡快捷支付",
        "Debit card quick pay",
        MethodKind::CardPage,
        Some("301"),
        None,
    ),
    row(
        PayMethod::QhtQuickCredit,
        "qht-quick-credit",
        "信用卡快捷支付",
        "Credit card quick pay",
        MethodKind::CardPage,
        Some("303"),
        None,
    ),
    row(
        PayMethod::Cash,
        "cash",
        "现金",
        "Cash",
        MethodKind::Cash,
        None,
        None,
    ),
];

#[allow(clippy::too_many_arguments)] // A const table row; named fields would triple the table.
const fn row(
    method: PayMethod,
    slug: &'static str,
    zh: &'static str,
    en: &'static str,
    kind: MethodKind,
    qht_payment: Option<&'static str>,
    changpay: Option<u16>,
) -> MethodRow {
    MethodRow {
        method,
        slug,
        zh,
        en,
        kind,
        qht_payment,
        changpay,
    }
}

impl PayMethod {
    fn row(self) -> &'static MethodRow {
        METHODS
            .iter()
            .find(|row| row.method == self)
            .expect("every PayMethod has a row in METHODS")
    }

    /// Every method, in the order the till lists them.
    pub fn all() -> impl Iterator<Item = PayMethod> {
        METHODS.iter().map(|row| row.method)
    }

    /// The methods `provider` offers, in the order the till lists them.
    pub fn offered_by(provider: Provider) -> impl Iterator<Item = PayMethod> {
        Self::all().filter(move |method| method.is_offered_by(provider))
    }

    /// Whether `provider` can take this method.
    #[must_use]
    pub fn is_offered_by(self, provider: Provider) -> bool {
        match provider {
            Provider::Qht => self.qht_payment().is_some(),
            Provider::Changpay => self.changpay_pay_type().is_some(),
        }
    }

    /// The Chinese name the cashier sees: 支付宝扫码.
    #[must_use]
    pub fn zh_name(self) -> &'static str {
        self.row().zh
    }

    /// The English name.
    #[must_use]
    pub fn en_name(self) -> &'static str {
        self.row().en
    }

    /// The name on the command line and in JSON: `alipay-qr`.
    #[must_use]
    pub fn slug(self) -> &'static str {
        self.row().slug
    }

    /// The method named `slug` on the command line.
    #[must_use]
    pub fn from_slug(slug: &str) -> Option<PayMethod> {
        METHODS
            .iter()
            .find(|row| row.slug == slug)
            .map(|row| row.method)
    }

    /// How the customer pays.
    #[must_use]
    pub fn kind(self) -> MethodKind {
        self.row().kind
    }

    /// qht's `payment` code.
    #[must_use]
    pub fn qht_payment(self) -> Option<&'static str> {
        self.row().qht_payment
    }

    /// changpay's `pay_type`.
    #[must_use]
    pub fn changpay_pay_type(self) -> Option<u16> {
        self.row().changpay
    }

    /// Whether the payer's name and account must be sent (changpay's bank transfers).
    #[must_use]
    pub fn needs_payer(self) -> bool {
        matches!(
            self,
            PayMethod::WechatBankTransfer
                | PayMethod::AlipayBankTransfer
                | PayMethod::CardBankTransfer
        )
    }
}

impl PayMethod {
    /// For quick pay, the card type the holder's card must be.
    #[must_use]
    pub fn card_type(self) -> Option<crate::gateway::qht::CardType> {
        match self {
            PayMethod::QhtQuickDebit => Some(crate::gateway::qht::CardType::Debit),
            PayMethod::QhtQuickCredit => Some(crate::gateway::qht::CardType::Credit),
            _ => None,
        }
    }
}

impl crate::i18n::Localized for PayMethod {
    fn message(&self, lang: crate::i18n::Lang) -> String {
        crate::i18n::tr(lang, self.zh_name(), self.en_name()).to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_provider_offers_its_own_methods() {
        let qht: Vec<_> = PayMethod::offered_by(Provider::Qht).collect();
        assert_eq!(
            qht,
            [
                PayMethod::AlipayQr,
                PayMethod::WechatQr,
                PayMethod::AlipayBarcode,
                PayMethod::WechatBarcode,
                PayMethod::QhtQuickDebit,
                PayMethod::QhtQuickCredit,
            ]
        );
        assert!(!PayMethod::AlipayBarcode.is_offered_by(Provider::Changpay));
        assert!(PayMethod::JdQr.is_offered_by(Provider::Changpay));
        assert!(!PayMethod::JdQr.is_offered_by(Provider::Qht));
    }

    #[test]
    fn slugs_round_trip_and_are_unique() {
        for method in PayMethod::all() {
            assert_eq!(PayMethod::from_slug(method.slug()), Some(method));
        }
        assert_eq!(PayMethod::from_slug("bitcoin"), None);
    }

    #[test]
    fn methods_carry_their_chinese_names() {
        assert_eq!(PayMethod::WechatQr.zh_name(), "微信扫码");
        assert_eq!(PayMethod::AlipayBarcode.zh_name(), "支付宝付款码");
    }
}
