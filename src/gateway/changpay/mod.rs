//! The changpay (畅支付) client: form POSTs signed with `mch_key` in its sorted place, JSON
//! answers, amounts in li.
//!
//! Every endpoint of the changpay (畅支付) API spec is here: create order for every pay type with a
//! URI, `quick_confirm`, `fetch_order`, and parsing a notification. Answers may be flat or nested
//! in `data` (README, "Decisions"); the sign covers the scalar fields of the object that carries it.

mod answer;
mod notify;
mod pay_types;

use chrono::Utc;

pub use answer::{ChangpayOrder, ChangpayStatus};
pub use notify::{NotificationError, parse_notification};
pub use pay_types::{PAY_TYPES, PayType, pay_type};

use crate::gateway::error::{GatewayError, RequestError, UnknownCause};
use crate::gateway::http::Transport;
use crate::gateway::wire::{AnswerFields, RequestFields};
use crate::money::Money;
use crate::secret::{Secret, mask_number};

/// `quick_confirm`'s path under the base URL.
const QUICK_CONFIRM_PATH: &str = "api/v1/quick_confirm.api";
/// `fetch_order`'s path (note: not under `v1`).
const FETCH_ORDER_PATH: &str = "api/fetch_order.api";

/// What a changpay merchant's calls need besides each order's own fields.
#[derive(Debug, Clone)]
pub struct ChangpaySettings {
    /// Scheme, host and port: `https://n-sdk.retenai.com`.
    pub base_url: String,
    /// `mch_id`.
    pub mch_id: String,
    /// The merchant secret `mch_key`.
    pub key: Secret,
    /// `notify_url`.
    pub notify_url: String,
    /// `client_ip`: the till's address.
    pub client_ip: String,
}

/// The payer's details the bank transfers (42, 43, 44) require. Masked in `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct Payer {
    /// `user_portrait_id`: the payer's account or user id (a card number for 44).
    pub id: String,
    /// `user_portrait_name`: the payer's real name.
    pub name: String,
}

impl std::fmt::Debug for Payer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Payer").field(&self.masked()).finish()
    }
}

impl Payer {
    /// The payer as typed for `method`, checked: a name of 1–32 characters without digits; an
    /// account of 1–64 visible ASCII characters, or for 银行卡转账 a card number of 12–19 digits
    /// (spaces typed between groups of digits are dropped).
    pub fn checked(
        method: crate::gateway::PayMethod,
        name: &str,
        account: &str,
    ) -> Result<Payer, RequestError> {
        let name = name.trim();
        let name_ok = (1..=32).contains(&name.chars().count())
            && !name.chars().any(|c| c.is_ascii_digit() || c.is_control());
        if !name_ok {
            return Err(RequestError::PayerName);
        }
        let account: String = account.chars().filter(|c| !c.is_whitespace()).collect();
        if method == crate::gateway::PayMethod::CardBankTransfer {
            if !(12..=19).contains(&account.len()) || !account.chars().all(|c| c.is_ascii_digit()) {
                return Err(RequestError::PayerCard);
            }
        } else if !(1..=64).contains(&account.len())
            || !account.chars().all(|c| c.is_ascii_graphic())
        {
            return Err(RequestError::PayerAccount);
        }
        Ok(Payer {
            id: account,
            name: name.to_owned(),
        })
    }

    /// What the ledger, the screen and the logs keep of the payer: the name's first character
    /// and the account's ends (`张** 6222********1234`).
    #[must_use]
    pub fn masked(&self) -> String {
        let mut chars = self.name.chars();
        let first = chars.next().map(String::from).unwrap_or_default();
        let rest = "*".repeat(chars.count());
        format!("{first}{rest} {}", crate::secret::mask_number(&self.id))
    }
}

/// Bank card details for the quick-pay types (3, 6). Numbers are masked in `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct BankCard {
    /// `bank_account`.
    pub account: String,
    /// `bank_phone`.
    pub phone: String,
    /// `bank_user_name`.
    pub user_name: String,
    /// `bank_id_card`.
    pub id_card: String,
    /// `bank_card_type`: 10 debit, 11 credit.
    pub card_type: u8,
    /// `bank_code` from the spec's bank table.
    pub bank_code: u16,
}

impl std::fmt::Debug for BankCard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BankCard")
            .field("account", &mask_number(&self.account))
            .field("phone", &mask_number(&self.phone))
            .field("id_card", &mask_number(&self.id_card))
            .field("card_type", &self.card_type)
            .field("bank_code", &self.bank_code)
            .finish_non_exhaustive()
    }
}

/// 创建订单 for one order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateOrder {
    /// Which pay type (and so which URI).
    pub pay_type: u16,
    /// `mch_order`.
    pub mch_order: String,
    /// `amt`: a whole number of fen, sent in li (README, "Decisions").
    pub amount: Money,
    /// `remark`, cut to 32 characters.
    pub remark: String,
    /// `call`: echoed in the notification.
    pub call: Option<String>,
    /// Required by the bank transfers.
    pub payer: Option<Payer>,
    /// Used by the quick-pay types.
    pub bank_card: Option<BankCard>,
    /// `callback_url` for web and quick pay.
    pub callback_url: Option<String>,
}

/// What 创建订单 returns: whichever of these the pay type gives.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Created {
    /// `code_url`: to draw as a QR.
    pub code_url: Option<String>,
    /// `redirect_pay_url`.
    pub redirect_pay_url: Option<String>,
    /// `code_img_url`.
    pub code_img_url: Option<String>,
    /// `pay_info`: a URL (web, H5, service window) or JSON (official account, mini program).
    pub pay_info: Option<String>,
    /// `pay_url`.
    pub pay_url: Option<String>,
    /// `token_id`: an app's authorisation, or quick pay's bank token.
    pub token_id: Option<String>,
    /// Transfers: `op_amt`, what the merchant asked.
    pub merchant_amount: Option<Money>,
    /// Transfers: `amt`, the exact amount the customer must transfer.
    pub transfer_amount: Option<Money>,
    /// Transfers: `bank_card`, the account to transfer to.
    pub bank_card: Option<String>,
    /// Transfers: `bank_name`.
    pub bank_name: Option<String>,
    /// Transfers: `real_name`, the account holder.
    pub real_name: Option<String>,
    /// Transfers: the 附言 code (`code` inside `data`).
    pub note_code: Option<String>,
    /// Transfers: `account`, the account to pay (WeChat, Alipay, service desk).
    pub account: Option<String>,
}

/// A changpay client for one merchant.
#[derive(Debug, Clone)]
pub struct ChangpayClient {
    transport: Transport,
    settings: ChangpaySettings,
}

impl ChangpayClient {
    /// The connection this client sends through: its health, and fetching a hosted QR image.
    #[must_use]
    pub fn transport(&self) -> &Transport {
        &self.transport
    }

    /// A client for the merchant in `settings`, sending through `transport`.
    #[must_use]
    pub fn new(transport: Transport, settings: ChangpaySettings) -> ChangpayClient {
        ChangpayClient {
            transport,
            settings,
        }
    }

    /// The settings this client signs with.
    #[must_use]
    pub fn settings(&self) -> &ChangpaySettings {
        &self.settings
    }

    /// 创建订单 for any pay type that has a URI.
    pub async fn create_order(&self, request: &CreateOrder) -> Result<Created, GatewayError> {
        let Some(pay_type) = pay_type(request.pay_type) else {
            return Err(GatewayError::Invalid(RequestError::MethodNotOffered(
                "该支付方式",
            )));
        };
        let fields = self.create_fields(request).map_err(GatewayError::Invalid)?;
        let answer = self.call(pay_type.uri, &fields, false).await?;
        answer::created(&answer).map_err(GatewayError::Unknown)
    }

    /// 快捷支付确认下单: confirms a quick-pay order with the SMS code the payer received.
    pub async fn quick_confirm(
        &self,
        mch_order: &str,
        sms_code: &str,
    ) -> Result<ChangpayOrder, GatewayError> {
        let mut fields = self
            .order_fields(mch_order)
            .map_err(GatewayError::Invalid)?;
        fields
            .id("code", sms_code, 10)
            .map_err(GatewayError::Invalid)?;
        let answer = self.call(QUICK_CONFIRM_PATH, &fields, true).await?;
        answer::order(&answer, mch_order, Some(&self.settings.mch_id))
            .map_err(GatewayError::Unknown)
    }

    /// 订单查询: the order's verified state at the gateway.
    pub async fn fetch_order(&self, mch_order: &str) -> Result<ChangpayOrder, GatewayError> {
        let fields = self
            .order_fields(mch_order)
            .map_err(GatewayError::Invalid)?;
        let answer = self.call(FETCH_ORDER_PATH, &fields, true).await?;
        answer::order(&answer, mch_order, Some(&self.settings.mch_id))
            .map_err(GatewayError::Unknown)
    }

    fn order_fields(&self, mch_order: &str) -> Result<RequestFields, RequestError> {
        let mut fields = RequestFields::new();
        fields
            .id("mch_id", &self.settings.mch_id, 32)?
            .id("mch_order", mch_order, 50)?
            .int("created_at", Utc::now().timestamp(), 12)?
            .id("sign_type", "md5", 10)?;
        Ok(fields)
    }

    fn create_fields(&self, request: &CreateOrder) -> Result<RequestFields, RequestError> {
        // The till charges to the fen, so `amt` is always a multiple of 10 li (README, "Decisions").
        if request.amount.fen().is_none_or(|fen| fen <= 0) {
            return Err(RequestError::Amount(request.amount));
        }
        let mut fields = RequestFields::new();
        fields
            .id("sign_type", "md5", 10)?
            .id("mch_id", &self.settings.mch_id, 32)?
            .id("mch_order", &request.mch_order, 50)?
            .int("amt", request.amount.li(), 15)?
            .text_cut("remark", &request.remark, 32)
            .int("created_at", Utc::now().timestamp(), 12)?
            .id("client_ip", &self.settings.client_ip, 16)?
            .id("notify_url", &self.settings.notify_url, 255)?
            .optional("call", request.call.as_deref(), 32)?
            .optional("callback_url", request.callback_url.as_deref(), 255)?;
        if let Some(payer) = &request.payer {
            fields.id("user_portrait_id", &payer.id, 64)?.id(
                "user_portrait_name",
                &payer.name,
                32,
            )?;
        }
        if let Some(card) = &request.bank_card {
            fields
                .id("bank_account", &card.account, 40)?
                .id("bank_phone", &card.phone, 15)?
                .id("bank_user_name", &card.user_name, 32)?
                .id("bank_id_card", &card.id_card, 18)?
                .int("bank_card_type", i64::from(card.card_type), 2)?
                .int("bank_code", i64::from(card.bank_code), 4)?;
        }
        Ok(fields)
    }

    async fn call(
        &self,
        uri: &str,
        fields: &RequestFields,
        sign_required: bool,
    ) -> Result<answer::Answer, GatewayError> {
        let key = self.settings.key.expose();
        let sign = crate::sign::changpay_sign(&fields.sign_fields(), key);
        let url = format!("{}/{uri}", self.settings.base_url.trim_end_matches('/'));
        let object = self
            .transport
            .post_form(&url, &fields.to_form(&sign))
            .await?;
        answer::Answer::check(&object, key, sign_required)
    }
}

/// Reads a `fetch_order` answer body about `mch_order` as the client does: the order, or why it
/// cannot be believed. Pure, for the fuzz targets and tests.
pub fn read_order_answer(
    body: &[u8],
    key: &str,
    mch_order: &str,
) -> Result<ChangpayOrder, GatewayError> {
    let object = crate::gateway::http::classify_body(body).map_err(GatewayError::Unknown)?;
    let answer = answer::Answer::check(&object, key, true)?;
    answer::order(&answer, mch_order, None).map_err(GatewayError::Unknown)
}

/// A signed answer's fields, for [`ChangpayOrder`]'s parser and the notification parser.
pub(crate) fn order_from_fields(
    fields: &AnswerFields,
    mch_order: Option<&str>,
) -> Result<ChangpayOrder, UnknownCause> {
    answer::order_fields(fields, mch_order)
}
