//! The payment gateways behind one provider-neutral interface.
//!
//! The rest of the app creates QR and bar-code orders and queries them through [`Gateway`] without
//! knowing which provider is configured. Provider-only calls (qht onboarding, changpay quick-pay
//! confirm and notifications) stay reachable through [`Gateway::qht`] and [`Gateway::changpay`].

pub mod barcode;
pub mod card_payer;
pub mod changpay;
pub mod error;
pub mod error_codes;
pub mod http;
pub mod identity;
mod method;
mod order;
pub mod qht;
pub mod qr_image;
pub mod wire;

use std::fmt;

use chrono::DateTime;

pub use error::{GatewayError, RequestError, UnknownCause};
pub use method::{MethodKind, PayMethod};
pub use order::{CreatedOrder, NewOrder, OrderState, PaidInfo, PayDisplay, TransferInstructions};

use crate::money::Money;
use changpay::{ChangpayClient, ChangpayOrder, ChangpayStatus, CreateOrder};
use qht::{BarCodePay, QhtClient, QhtOrderStatus, QuickPay, ScanCodePay};

/// A gateway provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    /// 钱汇通.
    Qht,
    /// 畅支付.
    Changpay,
}

impl Provider {
    /// The id in config and the ledger: `qht`, `changpay`.
    #[must_use]
    pub fn id(self) -> &'static str {
        match self {
            Provider::Qht => "qht",
            Provider::Changpay => "changpay",
        }
    }

    /// The Chinese name.
    #[must_use]
    pub fn zh_name(self) -> &'static str {
        match self {
            Provider::Qht => "钱汇通",
            Provider::Changpay => "畅支付",
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// The configured gateway, whichever provider it is.
#[derive(Debug, Clone)]
pub struct Gateway {
    client: ProviderClient,
    max_amount: Money,
}

#[derive(Debug, Clone)]
enum ProviderClient {
    Qht(QhtClient),
    Changpay(ChangpayClient),
}

impl Gateway {
    /// A qht gateway. Its single-order limit is the spec's 7 digits of fen.
    #[must_use]
    pub fn qht(client: QhtClient) -> Gateway {
        Gateway {
            client: ProviderClient::Qht(client),
            max_amount: qht::MAX_TOTAL_FEE,
        }
    }

    /// A changpay gateway with the merchant's single-order limit (the spec states none).
    #[must_use]
    pub fn changpay(client: ChangpayClient, max_amount: Money) -> Gateway {
        Gateway {
            client: ProviderClient::Changpay(client),
            max_amount,
        }
    }

    /// Which provider this is.
    #[must_use]
    pub fn provider(&self) -> Provider {
        match self.client {
            ProviderClient::Qht(_) => Provider::Qht,
            ProviderClient::Changpay(_) => Provider::Changpay,
        }
    }

    /// The merchant id orders are created under.
    #[must_use]
    pub fn merchant_id(&self) -> &str {
        match &self.client {
            ProviderClient::Qht(client) => &client.settings().merchant_no,
            ProviderClient::Changpay(client) => &client.settings().mch_id,
        }
    }

    /// The gateway's health as calls find it; changes wake the receiver.
    #[must_use]
    pub fn health(&self) -> tokio::sync::watch::Receiver<http::Health> {
        match &self.client {
            ProviderClient::Qht(client) => client.transport().health(),
            ProviderClient::Changpay(client) => client.transport().health(),
        }
    }

    /// The gateway's scheme, host and port.
    #[must_use]
    pub fn base_url(&self) -> &str {
        match &self.client {
            ProviderClient::Qht(client) => &client.settings().base_url,
            ProviderClient::Changpay(client) => &client.settings().base_url,
        }
    }

    /// The largest amount one order may charge.
    #[must_use]
    pub fn max_amount(&self) -> Money {
        self.max_amount
    }

    /// The methods this gateway offers.
    pub fn methods(&self) -> impl Iterator<Item = PayMethod> + use<> {
        PayMethod::offered_by(self.provider())
    }

    /// The qht client, for onboarding.
    #[must_use]
    pub fn as_qht(&self) -> Option<&QhtClient> {
        match &self.client {
            ProviderClient::Qht(client) => Some(client),
            ProviderClient::Changpay(_) => None,
        }
    }

    /// The changpay client, for quick-pay confirm and notifications.
    #[must_use]
    pub fn as_changpay(&self) -> Option<&ChangpayClient> {
        match &self.client {
            ProviderClient::Changpay(client) => Some(client),
            ProviderClient::Qht(_) => None,
        }
    }

    fn check(&self, order: &NewOrder) -> Result<(), GatewayError> {
        if !order.method.is_offered_by(self.provider()) {
            return Err(GatewayError::Invalid(RequestError::MethodNotOffered(
                order.method.zh_name(),
            )));
        }
        if order.amount > self.max_amount || order.amount <= Money::ZERO {
            return Err(GatewayError::Invalid(RequestError::Amount(order.amount)));
        }
        Ok(())
    }

    /// Creates an order the customer pays by scanning (a QR, a link, or a transfer).
    pub async fn create_qr_order(&self, order: &NewOrder) -> Result<CreatedOrder, GatewayError> {
        self.check(order)?;
        if order.method.kind() == MethodKind::Barcode {
            return Err(GatewayError::Invalid(RequestError::MethodNotOffered(
                order.method.zh_name(),
            )));
        }
        match &self.client {
            ProviderClient::Qht(client) if order.method.kind() == MethodKind::CardPage => {
                let card = quick_card(order)?;
                let request = QuickPay {
                    amount: order.amount,
                    out_order_number: order.order_no.clone(),
                    card,
                    title: order.description.clone(),
                    description: order.description.clone(),
                };
                let page = client.quick_pay(&request).await?;
                Ok(CreatedOrder {
                    display: PayDisplay::CardPage(page),
                    gateway_order_no: None,
                })
            }
            ProviderClient::Qht(client) => {
                let payment = order.method.qht_payment().unwrap_or_default();
                let request = ScanCodePay {
                    payment,
                    amount: order.amount,
                    out_order_number: order.order_no.clone(),
                    title: order.description.clone(),
                    description: order.description.clone(),
                };
                let created = client.scan_code_pay(&request).await?;
                let code_url =
                    qr_text(client.transport(), created.code_url, created.code_img_url).await?;
                Ok(CreatedOrder {
                    display: PayDisplay::QrCode(code_url),
                    gateway_order_no: None,
                })
            }
            ProviderClient::Changpay(client) => {
                let request = CreateOrder {
                    pay_type: order.method.changpay_pay_type().unwrap_or_default(),
                    mch_order: order.order_no.clone(),
                    amount: order.amount,
                    remark: order.description.clone(),
                    call: None,
                    payer: order.payer.clone(),
                    bank_card: None,
                    callback_url: None,
                };
                let mut created = client.create_order(&request).await?;
                if order.method.kind() == MethodKind::ScanQr {
                    let given = created.code_url.take().or(created.pay_info.take());
                    let image = created.code_img_url.take();
                    created.code_url = Some(qr_text(client.transport(), given, image).await?);
                }
                let display = changpay_display(order, created)?;
                Ok(CreatedOrder {
                    display,
                    gateway_order_no: None,
                })
            }
        }
    }

    /// Creates a bar-code order from the customer's scanned payment code; the wallet is told by
    /// the code's prefix.
    pub async fn create_barcode_order(
        &self,
        order: &NewOrder,
        auth_code: &str,
    ) -> Result<CreatedOrder, GatewayError> {
        self.check(order)?;
        let ProviderClient::Qht(client) = &self.client else {
            return Err(GatewayError::Invalid(RequestError::MethodNotOffered(
                order.method.zh_name(),
            )));
        };
        let code = barcode::normalise_code(auth_code);
        let wallet = barcode::detect_wallet(&code).map_err(GatewayError::Invalid)?;
        let method = wallet.barcode_method();
        let request = BarCodePay {
            payment: method.qht_payment().unwrap_or_default(),
            amount: order.amount,
            out_order_number: order.order_no.clone(),
            title: order.description.clone(),
            description: order.description.clone(),
            auth_code: code,
        };
        // Bar-code pay takes the money in this very call: a refusal without a verified sign
        // could have been written by anyone after the wallet was charged (issue 20, item 4).
        let accepted = client
            .bar_code_pay(&request)
            .await
            .map_err(GatewayError::unless_signed)?;
        Ok(CreatedOrder {
            display: PayDisplay::AwaitCustomer,
            gateway_order_no: accepted.order_number,
        })
    }

    /// The order's state at the gateway, from a verified answer about this very order.
    pub async fn query_order(&self, order_no: &str) -> Result<OrderState, GatewayError> {
        let not_found = |error: GatewayError, code: &str| match error {
            GatewayError::Rejected { code: ref got, .. } if got == code => Ok(OrderState::NotFound),
            other => Err(other),
        };
        match &self.client {
            ProviderClient::Qht(client) => match client.order_query(order_no).await {
                Ok(order) => Ok(match order.order_status {
                    QhtOrderStatus::Success => OrderState::Paid(PaidInfo {
                        amount: order.total_fee,
                        paid_at: None,
                        gateway_order_no: order.order_number,
                        repeat_of: None,
                    }),
                    QhtOrderStatus::Fail => OrderState::Failed { reason: order.msg },
                    QhtOrderStatus::Unknown => OrderState::Waiting,
                }),
                Err(error) => not_found(error, "400005"),
            },
            ProviderClient::Changpay(client) => match client.fetch_order(order_no).await {
                Ok(order) => Ok(changpay_state(&order, order_no)),
                Err(error) => not_found(error, "103"),
            },
        }
    }
}

/// The card holder of a quick-pay order, whose card is the method's type.
fn quick_card(order: &NewOrder) -> Result<card_payer::CardPayer, GatewayError> {
    let card = order
        .card
        .clone()
        .ok_or(GatewayError::Invalid(RequestError::CardMissing))?;
    if Some(card.card_type) == order.method.card_type() {
        Ok(card)
    } else {
        Err(GatewayError::Invalid(RequestError::MethodNotOffered(
            order.method.zh_name(),
        )))
    }
}

fn changpay_state(order: &ChangpayOrder, order_no: &str) -> OrderState {
    match order.status {
        ChangpayStatus::Paid => OrderState::Paid(PaidInfo {
            amount: order.amount,
            paid_at: order
                .success_at
                .and_then(|secs| DateTime::from_timestamp(secs, 0)),
            repeat_of: (order.mch_order != order_no).then(|| order.mch_order.clone()),
            gateway_order_no: None,
        }),
        // changpay has no failed state: unpaid stays waiting (README, "Decisions").
        ChangpayStatus::Unpaid | ChangpayStatus::Other(_) => OrderState::Waiting,
    }
}

/// The text to draw as the QR: the gateway's `code_url`, or else what its QR image holds.
async fn qr_text(
    transport: &http::Transport,
    code_url: Option<String>,
    code_img_url: Option<String>,
) -> Result<String, GatewayError> {
    match (code_url, code_img_url) {
        (Some(url), _) => Ok(url),
        (None, Some(image)) => qr_image::text_of_qr_image(transport, &image)
            .await
            .map_err(GatewayError::Unknown),
        (None, None) => Err(GatewayError::Unknown(UnknownCause::Unparsable)),
    }
}

fn changpay_display(
    order: &NewOrder,
    created: changpay::Created,
) -> Result<PayDisplay, GatewayError> {
    let unreadable = GatewayError::Unknown(UnknownCause::Unparsable);
    match order.method.kind() {
        MethodKind::ScanQr => created
            .code_url
            .or(created.pay_info)
            .map(PayDisplay::QrCode)
            .ok_or(unreadable),
        MethodKind::Link => created
            .pay_info
            .or(created.pay_url)
            .or(created.redirect_pay_url)
            .or(created.code_url)
            .map(PayDisplay::Link)
            .ok_or(unreadable),
        MethodKind::Transfer => Ok(PayDisplay::Transfer(TransferInstructions {
            account: created.account,
            bank_card: created.bank_card,
            bank_name: created.bank_name,
            real_name: created.real_name,
            amount: created.transfer_amount.unwrap_or(order.amount),
            note_code: created.note_code,
        })),
        MethodKind::Barcode | MethodKind::CardPage | MethodKind::Cash => Err(
            GatewayError::Invalid(RequestError::MethodNotOffered(order.method.zh_name())),
        ),
    }
}
