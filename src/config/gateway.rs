//! A `[gateway]` section checked and turned into the client it names: base URL, merchant, key,
//! limits, and the qht or changpay client built from them.

use std::time::Duration;

use super::{
    ConfigError, GatewayConfig, Invalid, default_client_ip, default_connect_timeout_secs,
    default_max_order, default_notify_url, default_settlement, default_total_timeout_secs,
};
use crate::gateway::changpay::{ChangpayClient, ChangpaySettings};
use crate::gateway::http::{Timeouts, Transport};
use crate::gateway::qht::{QhtClient, QhtSettings, QuickSettle};
use crate::gateway::{Gateway, Provider};
use crate::key_store::{self, KeyPlace};
use crate::money::{AmountError, Money};
use crate::sandbox;
use crate::secret::Secret;

/// What a base URL looks like for `provider`: qht's test address (its production one comes from
/// its support), changpay's production address; both from the specs.
#[must_use]
pub fn base_url_example(provider: Provider) -> &'static str {
    match provider {
        Provider::Qht => "http://api.qhtpay.com.cn:18084",
        Provider::Changpay => "https://n-sdk.retenai.com",
    }
}

impl GatewayConfig {
    /// Whether `base_url` is only a scheme, host and port (the paths are the spec's), so a call
    /// is never sent to a typo; the reason names an example for this provider.
    pub fn check_base_url(&self) -> Result<(), ConfigError> {
        let example = base_url_example(self.provider);
        let bad = |empty| ConfigError::Invalid {
            field: "gateway.base_url",
            reason: Invalid::BaseUrl { empty, example },
        };
        if self.base_url.trim().is_empty() {
            return Err(bad(true));
        }
        let url = reqwest::Url::parse(&self.base_url).map_err(|_| bad(false))?;
        let only_origin = url.path() == "/" && url.query().is_none() && url.fragment().is_none();
        if only_origin && matches!(url.scheme(), "http" | "https") {
            Ok(())
        } else {
            Err(bad(false))
        }
    }

    /// The sandbox's test merchant for `provider` at `base_url`.
    #[must_use]
    pub fn sandbox(provider: Provider, base_url: &str) -> GatewayConfig {
        let (merchant_id, key) = match provider {
            Provider::Qht => (sandbox::QHT_MERCHANT_NO, sandbox::QHT_KEY),
            Provider::Changpay => (sandbox::CHANGPAY_MCH_ID, sandbox::CHANGPAY_KEY),
        };
        GatewayConfig {
            provider,
            base_url: base_url.to_owned(),
            merchant_id: merchant_id.to_owned(),
            key: Secret::new(key),
            key_in: KeyPlace::File,
            notify_url: default_notify_url(),
            client_ip: default_client_ip(),
            settlement: default_settlement(),
            quick_settle: QuickSettle::T1,
            connect_timeout_secs: default_connect_timeout_secs(),
            total_timeout_secs: default_total_timeout_secs(),
            max_order_yuan: default_max_order(),
        }
    }

    /// Fills in the key from the keyring when the file says it is kept there.
    pub(super) fn fetch_key(&mut self) -> Result<(), ConfigError> {
        if self.key_in == KeyPlace::Keyring && self.key.is_empty() {
            self.key = key_store::get(self.provider, &self.merchant_id).map_err(|why| {
                ConfigError::Keyring {
                    reason: why.to_string(),
                }
            })?;
        }
        Ok(())
    }

    /// The single-order limit.
    pub fn max_order(&self) -> Result<Money, ConfigError> {
        Money::parse_charge(&self.max_order_yuan, Money::from_yuan(10_000_000)).map_err(
            |error: AmountError| ConfigError::Invalid {
                field: "gateway.max_order_yuan",
                reason: Invalid::Amount(error),
            },
        )
    }

    /// The timeouts.
    #[must_use]
    pub fn timeouts(&self) -> Timeouts {
        Timeouts {
            connect: Duration::from_secs(self.connect_timeout_secs),
            total: Duration::from_secs(self.total_timeout_secs),
        }
    }

    /// The gateway this configures, for the till `till_id`, with `timeouts`.
    pub fn build(&self, till_id: &str, timeouts: Timeouts) -> Result<Gateway, ConfigError> {
        let transport =
            Transport::new(timeouts).map_err(|error| ConfigError::Http(error.to_string()))?;
        let base_url = self.base_url.trim_end_matches('/').to_owned();
        Ok(match self.provider {
            Provider::Qht => Gateway::qht(QhtClient::new(
                transport,
                QhtSettings {
                    base_url,
                    merchant_no: self.merchant_id.clone(),
                    key: self.key.clone(),
                    notify_url: self.notify_url.clone(),
                    client_ip: self.client_ip.clone(),
                    settlement: self.settlement.clone(),
                    quick_settle: self.quick_settle,
                    device_id: till_id.to_owned(),
                },
            )),
            Provider::Changpay => Gateway::changpay(
                ChangpayClient::new(
                    transport,
                    ChangpaySettings {
                        base_url,
                        mch_id: self.merchant_id.clone(),
                        key: self.key.clone(),
                        notify_url: self.notify_url.clone(),
                        client_ip: self.client_ip.clone(),
                    },
                ),
                self.max_order()?,
            ),
        })
    }
}
