//! Why a 进件 (or 进件查询) did not bring a merchant back, in an owner's words. The gateway's
//! errors are worded for orders ("the order is saved and will be queried again"); a registration
//! is no order, and what an owner should do next differs: after an unclear answer the merchant may
//! well be registered, and sending the same form again is safe (a phone registered already asks
//! 进件查询 for the same merchant instead of registering twice).

use crate::gateway::GatewayError;
use crate::i18n::{Lang, Localized};

/// qht's code for "no such merchant": after a 进件查询, nothing is registered with that phone and
/// ID number (yet).
const MERCHANT_NOT_FOUND: &str = "300009";

/// What was asked of the gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asked {
    /// 个人进件: register a merchant.
    Registration,
    /// 进件查询: the merchant registered with a phone and ID number.
    StatusQuery,
}

/// A failed 进件 or 进件查询, to show or print.
#[derive(Debug, Clone, Copy)]
pub struct OnboardingFailure<'a>(pub &'a GatewayError, pub Asked);

impl Localized for OnboardingFailure<'_> {
    fn message(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        if self.1 == Asked::StatusQuery {
            return status_query_failure(self.0, lang);
        }
        match self.0 {
            GatewayError::Rejected { code, .. } if code == MERCHANT_NOT_FOUND => if zh {
                "查不到：这组手机号和身份证号还没有进件，或号码有误"
            } else {
                "Not found: no merchant is registered with this phone and ID number, or one is mistyped"
            }
            .to_owned(),
            GatewayError::Unreachable => if zh {
                "连不上支付平台，进件未发出：请检查网络和设置里的平台地址"
            } else {
                "Cannot reach the gateway, nothing was sent: check the network and the gateway address in the settings"
            }
            .to_owned(),
            GatewayError::Unknown(cause) if zh => format!(
                "没有收到支付平台可信的答复（{}）：进件可能已经提交。稍后再提交一次即可，已注册的手机号会取回同一个商户，不会重复注册",
                cause.words(lang)
            ),
            GatewayError::Unknown(cause) => format!(
                "No answer to trust from the gateway ({}): the registration may have gone through. Send it again later; a phone registered already brings back the same merchant, never a second one",
                cause.words(lang)
            ),
            other => other.message(lang),
        }
    }
}

/// A status query changes nothing at the gateway: after no answer, ask again.
fn status_query_failure(error: &GatewayError, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    match error {
        GatewayError::Rejected { code, .. } if code == MERCHANT_NOT_FOUND => {
            OnboardingFailure(error, Asked::Registration).message(lang)
        }
        GatewayError::Unreachable if zh => {
            "连不上支付平台，未能查询：请检查网络和设置里的平台地址".to_owned()
        }
        GatewayError::Unreachable => {
            "Cannot reach the gateway, nothing was asked: check the network and the gateway address in the settings".to_owned()
        }
        GatewayError::Unknown(cause) if zh => {
            format!("没有收到支付平台可信的答复（{}）：请稍后再查", cause.words(lang))
        }
        GatewayError::Unknown(cause) => format!(
            "No answer to trust from the gateway ({}): ask again later",
            cause.words(lang)
        ),
        other => other.message(lang),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::{Provider, UnknownCause};

    #[test]
    fn an_unclear_answer_says_the_merchant_may_be_registered_and_no_order_is_mentioned() {
        let said = OnboardingFailure(
            &GatewayError::Unknown(UnknownCause::Timeout),
            Asked::Registration,
        )
        .bilingual();
        assert!(said.contains("进件可能已经提交"), "{said}");
        assert!(said.contains("超时"), "{said}");
        assert!(!said.contains("订单"), "{said}");
        let unreachable =
            OnboardingFailure(&GatewayError::Unreachable, Asked::Registration).message(Lang::Zh);
        assert!(unreachable.contains("进件未发出"), "{unreachable}");
    }

    #[test]
    fn no_such_merchant_after_a_status_query_means_not_registered_yet() {
        let not_found =
            GatewayError::from_code(Provider::Qht, MERCHANT_NOT_FOUND, "MerchantNotExist");
        let said = OnboardingFailure(&not_found, Asked::StatusQuery).message(Lang::Zh);
        assert!(said.starts_with("查不到"), "{said}");
        let unclear = GatewayError::Unknown(UnknownCause::Html);
        let said = OnboardingFailure(&unclear, Asked::StatusQuery).message(Lang::Zh);
        assert!(
            said.ends_with("请稍后再查"),
            "a query registers nothing: {said}"
        );
        let taken = GatewayError::from_code(Provider::Qht, "300005", "bad phone");
        assert_eq!(
            OnboardingFailure(&taken, Asked::Registration).message(Lang::Zh),
            taken.message(Lang::Zh),
            "other refusals keep their own words"
        );
    }
}
