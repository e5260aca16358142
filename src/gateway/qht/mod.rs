//! The qht (钱汇通) client: JSON POSTs signed with `&key=SECRET`, amounts in fen.
//!
//! Every endpoint of the qht (钱汇通) API spec is here as a typed request and a parsed, verified
//! answer. Field lengths are the spec's; the README's decisions are marked where they apply.

pub mod onboarding_failure;
pub mod onboarding_form;
mod requests;

use chrono::Utc;

pub use crate::gateway::card_payer::CardType;
pub use requests::{BarCodePay, MerchantImport, QuickPay, QuickSettle, Region, ScanCodePay};

use crate::china_time::qht_request_at;
use crate::gateway::Provider;
use crate::gateway::error::{CodeMeaning, GatewayError, RequestError, UnknownCause, lookup};
use crate::gateway::http::Transport;
use crate::gateway::wire::{AnswerFields, RequestFields};
use crate::money::Money;
use crate::secret::Secret;
use crate::sign::{SIGN_FIELD, qht_sign, qht_sign_verifies};

/// The fixed key the onboarding (进件) calls are signed with (spec 1.4.1).
pub const ONBOARDING_KEY: &str = "qhtpay@qhtpay";

/// The largest `total_fee`: 7 digits of fen.
pub const MAX_TOTAL_FEE: Money = Money::from_fen(9_999_999);

/// The API paths under the base URL (spec 1.7).
mod path {
    pub const IMPORT: &str = "/api/v1.0/merchant/import";
    pub const IMPORT_QUERY: &str = "/api/v1.0/merchant/import_query";
    pub const SCAN_CODE_PAY: &str = "/api/v1.0/scan_code_pay";
    pub const BAR_CODE_PAY: &str = "/api/v1.0/bar_code_pay";
    pub const QUICK_PAY: &str = "/api/v1.0/quick_pay";
    pub const ORDER_QUERY: &str = "/api/v1.0/order_query";
}

/// What a qht merchant's calls need besides each order's own fields.
#[derive(Debug, Clone)]
pub struct QhtSettings {
    /// Scheme, host and port: `http://api.qhtpay.com.cn:18084`.
    pub base_url: String,
    /// 钱汇通商户号.
    pub merchant_no: String,
    /// The merchant's `md5_key`.
    pub key: Secret,
    /// `notify`: required by the spec; qht does not document the notification, so the till does
    /// not listen for it and learns the result by querying.
    pub notify_url: String,
    /// `order_ip`: the till's address.
    pub client_ip: String,
    /// `settlement`: T0 or T1.
    pub settlement: String,
    /// Quick pay's `settle`: T1 or D0.
    pub quick_settle: QuickSettle,
    /// `device_id` for bar-code pay: the till id.
    pub device_id: String,
}

/// qht's answer to 个人进件 when the phone is registered already.
const PHONE_TAKEN: &str = "300004";

/// A merchant number and key returned by onboarding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MerchantCredentials {
    /// 商户号.
    pub merchant_no: String,
    /// The merchant's own signing key.
    pub md5_key: Secret,
    /// The gateway's message.
    pub msg: String,
}

/// What `scan_code_pay` returns: the QR to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanCodeCreated {
    /// The URL to draw as a QR; some channels leave it empty and give only the image.
    pub code_url: Option<String>,
    /// A hosted image of the same QR, if given.
    pub code_img_url: Option<String>,
}

/// What `bar_code_pay` returns: the order was taken; its result comes from `order_query`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BarCodeAccepted {
    /// 钱汇通平台订单号.
    pub order_number: Option<String>,
}

/// qht's `order_status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QhtOrderStatus {
    /// `Success`.
    Success,
    /// `Fail`.
    Fail,
    /// `Unknow` (sic), `Unknown`, or anything unrecognised: never paid (README, "Decisions").
    Unknown,
}

/// A verified `order_query` answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QhtOrder {
    /// Our order number, as the gateway echoed it.
    pub out_order_number: String,
    /// 钱汇通平台订单号.
    pub order_number: Option<String>,
    /// `total_fee`, converted from fen.
    pub total_fee: Money,
    /// `payment` code.
    pub payment: Option<String>,
    /// The payment result.
    pub order_status: QhtOrderStatus,
    /// The gateway's message (a failure reason when failed).
    pub msg: String,
}

/// A qht client for one merchant.
#[derive(Debug, Clone)]
pub struct QhtClient {
    transport: Transport,
    settings: QhtSettings,
}

impl QhtClient {
    /// The connection this client sends through: its health, and fetching a hosted QR image.
    #[must_use]
    pub fn transport(&self) -> &Transport {
        &self.transport
    }

    /// A client for the merchant in `settings`, sending through `transport`.
    #[must_use]
    pub fn new(transport: Transport, settings: QhtSettings) -> QhtClient {
        QhtClient {
            transport,
            settings,
        }
    }

    /// 进件 carries the owner's phone, ID and bank card numbers, and is signed with a key the
    /// spec prints for everyone: only TLS says the answer came from the gateway. So it goes over
    /// https only, or to this machine (the sandbox); anything else is refused before sending.
    fn check_onboarding_is_encrypted(&self) -> Result<(), GatewayError> {
        let url = self.settings.base_url.trim();
        let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let host_port = authority
            .rsplit_once('@')
            .map_or(authority, |(_, host)| host);
        let host = if let Some(bracketed) = host_port.strip_prefix('[') {
            bracketed.split(']').next().unwrap_or_default()
        } else {
            host_port.split(':').next().unwrap_or_default()
        };
        let loopback = host.eq_ignore_ascii_case("localhost")
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback());
        if scheme.eq_ignore_ascii_case("https") || (scheme.eq_ignore_ascii_case("http") && loopback)
        {
            Ok(())
        } else {
            Err(GatewayError::Invalid(RequestError::OnboardingNotEncrypted))
        }
    }

    /// The settings this client signs with.
    #[must_use]
    pub fn settings(&self) -> &QhtSettings {
        &self.settings
    }

    /// 个人进件: registers a merchant, signed with the fixed onboarding key.
    pub async fn merchant_import(
        &self,
        request: &MerchantImport,
    ) -> Result<MerchantCredentials, GatewayError> {
        self.check_onboarding_is_encrypted()?;
        let fields = request.fields().map_err(GatewayError::Invalid)?;
        let answer = self
            .call(path::IMPORT, &fields, ONBOARDING_KEY, true)
            .await?;
        credentials(&answer)
    }

    /// Registers a merchant (个人进件); when its phone is registered already (an earlier run whose
    /// key was lost), 进件查询 finds the same merchant and key by phone and ID number instead.
    pub async fn onboard(
        &self,
        request: &MerchantImport,
    ) -> Result<MerchantCredentials, GatewayError> {
        match self.merchant_import(request).await {
            Err(GatewayError::Rejected { code, .. }) if code == PHONE_TAKEN => {
                self.merchant_import_query(&request.cellphone, &request.id_card)
                    .await
            }
            other => other,
        }
    }

    /// 个人进件查询: finds the merchant registered with a phone and ID number.
    pub async fn merchant_import_query(
        &self,
        cellphone: &str,
        id_card: &str,
    ) -> Result<MerchantCredentials, GatewayError> {
        self.check_onboarding_is_encrypted()?;
        let mut fields = RequestFields::new();
        fields
            .id("version", "1.0", 10)
            .and_then(|f| f.id("cellphone", cellphone, 15))
            .and_then(|f| f.id("id_card", id_card, 18))
            .and_then(|f| f.id("sign_type", "MD5", 3))
            .map_err(GatewayError::Invalid)?;
        let answer = self
            .call(path::IMPORT_QUERY, &fields, ONBOARDING_KEY, true)
            .await?;
        credentials(&answer)
    }

    /// 扫码支付: creates an order and returns the QR to show. The answer is unsigned in the
    /// spec; the order's truth comes from [`QhtClient::order_query`].
    pub async fn scan_code_pay(
        &self,
        request: &ScanCodePay,
    ) -> Result<ScanCodeCreated, GatewayError> {
        let fields = request
            .fields(
                &self.settings,
                &new_request_id(),
                &qht_request_at(Utc::now()),
            )
            .map_err(GatewayError::Invalid)?;
        let answer = self
            .call(
                path::SCAN_CODE_PAY,
                &fields,
                self.settings.key.expose(),
                false,
            )
            .await?;
        Ok(ScanCodeCreated {
            code_url: answer.text("code_url").map(str::to_owned),
            code_img_url: answer.text("code_img_url").map(str::to_owned),
        })
    }

    /// 条码支付: charges the customer's scanned payment code (sent as `auth_code`, README decisions).
    pub async fn bar_code_pay(
        &self,
        request: &BarCodePay,
    ) -> Result<BarCodeAccepted, GatewayError> {
        let fields = request
            .fields(&self.settings, &qht_request_at(Utc::now()))
            .map_err(GatewayError::Invalid)?;
        let answer = self
            .call(
                path::BAR_CODE_PAY,
                &fields,
                self.settings.key.expose(),
                true,
            )
            .await?;
        check_order_echo(&answer, &request.out_order_number)?;
        check_merchant(&answer, &self.settings.merchant_no)?;
        Ok(BarCodeAccepted {
            order_number: answer.text("order_number").map(str::to_owned),
        })
    }

    /// 快捷支付: returns the HTML page (`content`) the customer completes in a browser.
    pub async fn quick_pay(&self, request: &QuickPay) -> Result<String, GatewayError> {
        let fields = request
            .fields(&self.settings, &qht_request_at(Utc::now()))
            .map_err(GatewayError::Invalid)?;
        let answer = self
            .call(path::QUICK_PAY, &fields, self.settings.key.expose(), true)
            .await?;
        Ok(answer
            .required("content")
            .map_err(GatewayError::Unknown)?
            .to_owned())
    }

    /// 订单查询: the order's verified state at the gateway.
    pub async fn order_query(&self, out_order_number: &str) -> Result<QhtOrder, GatewayError> {
        let mut fields = RequestFields::new();
        fields
            .id("version", "1.0", 10)
            .and_then(|f| f.id("request_id", &new_request_id(), 50))
            .and_then(|f| f.id("merchant_no", &self.settings.merchant_no, 29))
            .and_then(|f| f.id("out_order_number", out_order_number, 50))
            .and_then(|f| f.id("sign_type", "MD5", 3))
            .and_then(|f| f.id("request_at", &qht_request_at(Utc::now()), 14))
            .map_err(GatewayError::Invalid)?;
        let answer = self
            .call(path::ORDER_QUERY, &fields, self.settings.key.expose(), true)
            .await?;
        check_merchant(&answer, &self.settings.merchant_no)?;
        order_from_answer(&answer, out_order_number)
    }

    /// Signs and sends `fields`, then checks the answer: its status code, and its sign (required
    /// when `sign_required`, verified whenever present).
    async fn call(
        &self,
        path: &str,
        fields: &RequestFields,
        key: &str,
        sign_required: bool,
    ) -> Result<AnswerFields, GatewayError> {
        let sign = qht_sign(&fields.sign_fields(), key);
        let url = format!("{}{path}", self.settings.base_url.trim_end_matches('/'));
        let object = self
            .transport
            .post_json(&url, &fields.to_json(&sign))
            .await?;
        check_answer(&object, key, sign_required)
    }
}

/// A qht answer whose status is success and whose sign verifies (required when `sign_required`).
fn check_answer(
    object: &serde_json::Map<String, serde_json::Value>,
    key: &str,
    sign_required: bool,
) -> Result<AnswerFields, GatewayError> {
    let answer = AnswerFields::from_object(object);
    let status = answer.required("status").map_err(GatewayError::Unknown)?;
    let succeeded =
        lookup(Provider::Qht, status).is_some_and(|row| row.meaning == CodeMeaning::Success);
    let verified = match answer.text(SIGN_FIELD) {
        Some(received) => {
            if !qht_sign_verifies(answer.sign_fields(), key, received) {
                return Err(GatewayError::Unknown(UnknownCause::BadSign));
            }
            true
        }
        None if succeeded && sign_required => {
            return Err(GatewayError::Unknown(UnknownCause::BadSign));
        }
        None => false,
    };
    if !succeeded {
        let refusal = GatewayError::from_code(
            Provider::Qht,
            status,
            answer.text("msg").unwrap_or_default(),
        );
        return Err(if verified { refusal.signed() } else { refusal });
    }
    Ok(answer)
}

/// Reads an `order_query` answer body about `out_order_number` as the client does: the order, or
/// why it cannot be believed. Pure, for the fuzz targets and tests.
pub fn read_order_answer(
    body: &[u8],
    key: &str,
    out_order_number: &str,
) -> Result<QhtOrder, GatewayError> {
    let object = crate::gateway::http::classify_body(body).map_err(GatewayError::Unknown)?;
    let answer = check_answer(&object, key, true)?;
    order_from_answer(&answer, out_order_number)
}

/// The order a checked `order_query` answer describes.
fn order_from_answer(
    answer: &AnswerFields,
    out_order_number: &str,
) -> Result<QhtOrder, GatewayError> {
    check_order_echo(answer, out_order_number)?;
    let total_fee = answer
        .required_int("total_fee")
        .map_err(GatewayError::Unknown)?;
    let order_status = match answer.text("order_status") {
        Some("Success") => QhtOrderStatus::Success,
        Some("Fail") => QhtOrderStatus::Fail,
        // `Unknow` (sic), `Unknown`, and anything else: never paid (README, "Decisions").
        _ => QhtOrderStatus::Unknown,
    };
    Ok(QhtOrder {
        out_order_number: out_order_number.to_owned(),
        order_number: answer.text("order_number").map(str::to_owned),
        total_fee: Money::checked_from_fen(total_fee)
            .ok_or(GatewayError::Unknown(UnknownCause::Unparsable))?,
        payment: answer.text("payment").map(str::to_owned),
        order_status,
        msg: answer.text("msg").unwrap_or_default().to_owned(),
    })
}

/// A signed answer naming another merchant is not about our order, whoever signed it (a gateway
/// that shares keys across merchants, or a replay from another shop).
fn check_merchant(answer: &AnswerFields, merchant_no: &str) -> Result<(), GatewayError> {
    match answer.text("merchant_no") {
        Some(named) if named != merchant_no => {
            Err(GatewayError::Unknown(UnknownCause::OtherMerchant))
        }
        _ => Ok(()),
    }
}

/// A signed answer must be about the order asked for.
fn check_order_echo(answer: &AnswerFields, out_order_number: &str) -> Result<(), GatewayError> {
    match answer.text("out_order_number") {
        Some(echo) if echo == out_order_number => Ok(()),
        Some(_) => Err(GatewayError::Unknown(UnknownCause::OtherOrder)),
        None => Err(GatewayError::Unknown(UnknownCause::Unparsable)),
    }
}

fn credentials(answer: &AnswerFields) -> Result<MerchantCredentials, GatewayError> {
    let field = |name| {
        answer
            .required(name)
            .map(str::to_owned)
            .map_err(GatewayError::Unknown)
    };
    Ok(MerchantCredentials {
        merchant_no: field("merchant_no")?,
        md5_key: Secret::new(field("md5_key")?),
        msg: answer.text("msg").unwrap_or_default().to_owned(),
    })
}

/// A `request_id` unique across tills and restarts: 32 random hex digits.
fn new_request_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// `amount` as `total_fee`: whole fen, more than zero, at most 7 digits.
fn total_fee(amount: Money) -> Result<i64, RequestError> {
    match amount.fen() {
        Some(fen) if fen > 0 && amount <= MAX_TOTAL_FEE => Ok(fen),
        _ => Err(RequestError::Amount(amount)),
    }
}
