//! qht's request bodies, with the spec's field lengths.

use std::fmt;

use super::{QhtSettings, total_fee};
use crate::gateway::card_payer::{CardPayer, CardType};
use crate::gateway::error::RequestError;
use crate::gateway::wire::RequestFields;
use crate::money::Money;
use crate::secret::mask_number;

/// `order_title` is String(10) in scan-code and bar-code pay.
const TITLE_MAX: usize = 10;
/// `order_desc` is String(50); bar-code pay lists it twice (128 and 50): the README's decisions say 50.
const DESC_MAX: usize = 50;

/// 扫码支付 for one order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanCodePay {
    /// `payment`: 100 or 200.
    pub payment: &'static str,
    /// `total_fee`.
    pub amount: Money,
    /// `out_order_number`.
    pub out_order_number: String,
    /// `order_title`, cut to 10 characters; left out when empty.
    pub title: String,
    /// `order_desc`, cut to 50 characters.
    pub description: String,
}

impl ScanCodePay {
    pub(super) fn fields(
        &self,
        settings: &QhtSettings,
        request_id: &str,
        request_at: &str,
    ) -> Result<RequestFields, RequestError> {
        let mut fields = RequestFields::new();
        fields
            .id("version", "1.0", 10)?
            .id("request_id", request_id, 50)?
            .id("merchant_no", &settings.merchant_no, 29)?
            .id("payment", self.payment, 3)?
            .int("total_fee", total_fee(self.amount)?, 7)?
            .id("out_order_number", &self.out_order_number, 50)?
            .id("sign_type", "MD5", 3)?
            .id("order_ip", &settings.client_ip, 15)?
            .id("settlement", &settings.settlement, 2)?
            .text_cut("order_desc", &self.description, DESC_MAX)
            .id("request_at", request_at, 14)?
            .id("notify", &settings.notify_url, 200)?;
        if !self.title.trim().is_empty() {
            fields.text_cut("order_title", &self.title, TITLE_MAX);
        }
        Ok(fields)
    }
}

/// 条码支付 for one order.
#[derive(Clone, PartialEq, Eq)]
pub struct BarCodePay {
    /// `payment`: 101 or 201.
    pub payment: &'static str,
    /// `total_fee`.
    pub amount: Money,
    /// `out_order_number`.
    pub out_order_number: String,
    /// `order_title`.
    pub title: String,
    /// `order_desc`.
    pub description: String,
    /// The customer's payment code, sent as `auth_code` (README, "Decisions").
    pub auth_code: String,
}

impl fmt::Debug for BarCodePay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BarCodePay")
            .field("payment", &self.payment)
            .field("amount", &self.amount)
            .field("out_order_number", &self.out_order_number)
            .field("auth_code", &mask_number(&self.auth_code))
            .finish_non_exhaustive()
    }
}

impl BarCodePay {
    pub(super) fn fields(
        &self,
        settings: &QhtSettings,
        request_at: &str,
    ) -> Result<RequestFields, RequestError> {
        // The spec lists no request_id for bar-code pay, so none is sent: a strict gateway may
        // refuse a field it does not know.
        let mut fields = RequestFields::new();
        fields
            .id("version", "1.0", 10)?
            .id("merchant_no", &settings.merchant_no, 29)?
            .id("device_id", &settings.device_id, 32)?
            .text_cut("order_desc", &self.description, DESC_MAX)
            .id("payment", self.payment, 3)?
            .int("total_fee", total_fee(self.amount)?, 7)?
            .id("out_order_number", &self.out_order_number, 50)?
            .id("sign_type", "MD5", 3)?
            .id("order_ip", &settings.client_ip, 15)?
            .id("settlement", &settings.settlement, 2)?
            .id("request_at", request_at, 14)?
            .id("notify", &settings.notify_url, 200)?
            .id("auth_code", &self.auth_code, 32)?;
        if !self.title.trim().is_empty() {
            fields.text_cut("order_title", &self.title, TITLE_MAX);
        }
        Ok(fields)
    }
}

/// `settle` of quick pay: when the merchant is paid. With the card type it makes the spec's
/// payment code (301 储蓄卡T1 … 304 信用卡D0), which quick pay itself does not send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum QuickSettle {
    /// The next working day.
    #[default]
    T1,
    /// The same day (D0 costs the merchant more).
    D0,
}

impl QuickSettle {
    /// The wire value.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            QuickSettle::T1 => "T1",
            QuickSettle::D0 => "D0",
        }
    }
}

/// 快捷支付 for one order. The card holder's numbers are masked in `Debug`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuickPay {
    /// `total_fee`.
    pub amount: Money,
    /// `out_order_number`.
    pub out_order_number: String,
    /// `payer_name`, `payer_account`, `card_type`, `payer_phone`, `payer_id_card`.
    pub card: CardPayer,
    /// `order_title` (50 here).
    pub title: String,
    /// `order_desc`.
    pub description: String,
}

impl QuickPay {
    pub(super) fn fields(
        &self,
        settings: &QhtSettings,
        request_at: &str,
    ) -> Result<RequestFields, RequestError> {
        let card_type = match self.card.card_type {
            CardType::Debit => "debit",
            CardType::Credit => "credit",
        };
        let mut fields = RequestFields::new();
        fields
            .id("version", "1.0", 10)?
            .id("merchant_no", &settings.merchant_no, 29)?
            .int("total_fee", total_fee(self.amount)?, 7)?
            .id("out_order_number", &self.out_order_number, 50)?
            .id("payer_name", &self.card.name, 20)?
            .id("payer_account", &self.card.card_number, 40)?
            // String(5) in the spec, yet its own value `credit` is 6: the value wins.
            .id("card_type", card_type, 6)?
            .id("settle", settings.quick_settle.as_str(), 2)?
            .id("payer_phone", &self.card.phone, 15)?
            .id("payer_id_card", &self.card.id_card, 18)?
            .id("sign_type", "MD5", 3)?
            .id("order_ip", &settings.client_ip, 15)?
            .id("request_at", request_at, 14)?
            // Where the customer's browser goes once the bank is done: the spec allows no
            // parameters, and the till learns the result by querying whatever page it is.
            .id("page_notify", &settings.notify_url, 200)?;
        if !self.title.trim().is_empty() {
            fields.text_cut("order_title", &self.title, 50);
        }
        if !self.description.trim().is_empty() {
            fields.text_cut("order_desc", &self.description, DESC_MAX);
        }
        Ok(fields)
    }
}

/// 个人进件: a merchant's registration. Numbers are masked in `Debug`.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct MerchantImport {
    /// `cellphone`.
    pub cellphone: String,
    /// `id_card`.
    pub id_card: String,
    /// `merchant_name`.
    pub merchant_name: String,
    /// `province`, `city`, `district` and their codes.
    pub region: Region,
    /// `bank_account`.
    pub bank_account: String,
    /// `account_name`.
    pub account_name: String,
    /// `bank_phone`.
    pub bank_phone: String,
    /// `bank`: the head office's name.
    pub bank: String,
    /// `bank_code`: the head office's 联行号.
    pub bank_code: String,
    /// `branch`.
    pub branch: String,
    /// The branch's `bank_province` … `bank_district_code`.
    pub bank_region: Region,
    /// `notify`.
    pub notify: String,
    /// `page_notify`.
    pub page_notify: String,
}

/// A province, city and district with their codes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Region {
    /// 省, e.g. 广东省.
    pub province: String,
    /// 市.
    pub city: String,
    /// 区.
    pub district: String,
    /// 省代码, e.g. 440000.
    pub province_code: String,
    /// 市代码.
    pub city_code: String,
    /// 区代码.
    pub district_code: String,
}

impl fmt::Debug for MerchantImport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MerchantImport")
            .field("cellphone", &mask_number(&self.cellphone))
            .field("id_card", &mask_number(&self.id_card))
            .field("merchant_name", &self.merchant_name)
            .field("bank_account", &mask_number(&self.bank_account))
            .field("bank", &self.bank)
            .finish_non_exhaustive()
    }
}

impl MerchantImport {
    pub(super) fn fields(&self) -> Result<RequestFields, RequestError> {
        let mut fields = RequestFields::new();
        fields
            .id("version", "1.0", 10)?
            .id("cellphone", &self.cellphone, 15)?
            .id("id_card", &self.id_card, 18)?
            .id("merchant_name", &self.merchant_name, 20)?
            .id("province", &self.region.province, 20)?
            .id("city", &self.region.city, 20)?
            .id("district", &self.region.district, 20)?
            .id("province_code", &self.region.province_code, 20)?
            .id("city_code", &self.region.city_code, 20)?
            .id("district_code", &self.region.district_code, 20)?
            .id("bank_account", &self.bank_account, 40)?
            .id("account_name", &self.account_name, 10)?
            .id("bank_phone", &self.bank_phone, 15)?
            .id("bank", &self.bank, 20)?
            .id("bank_code", &self.bank_code, 20)?
            .id("branch", &self.branch, 20)?
            .id("bank_province", &self.bank_region.province, 20)?
            .id("bank_city", &self.bank_region.city, 20)?
            .id("bank_district", &self.bank_region.district, 20)?
            .id("bank_province_code", &self.bank_region.province_code, 20)?
            .id("bank_city_code", &self.bank_region.city_code, 20)?
            .id("bank_district_code", &self.bank_region.district_code, 20)?
            .id("sign_type", "MD5", 3)?
            .id("notify", &self.notify, 200)?
            .id("page_notify", &self.page_notify, 200)?;
        Ok(fields)
    }
}
