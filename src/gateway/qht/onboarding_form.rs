//! The 进件 (onboarding) form, flat and keyed by the spec's own field names (`cellphone` …
//! `bank_district_code`, `notify`, `page_notify`), and its checks: a form with a missing or
//! malformed field is refused before anything is sent, saying which field and why. The command
//! line reads it from TOML (`cashier qht-onboard --form FILE.toml`).

use super::{MerchantImport, Region};
use crate::gateway::identity;

/// The form as typed. Every field but the two notification addresses is required.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)] // Each field is the spec's field of the same name (qht 2. 个人进件).
pub struct OnboardingForm {
    pub cellphone: String,
    pub id_card: String,
    pub merchant_name: String,
    pub province: String,
    pub city: String,
    pub district: String,
    pub province_code: String,
    pub city_code: String,
    pub district_code: String,
    pub bank_account: String,
    pub account_name: String,
    pub bank_phone: String,
    pub bank: String,
    pub bank_code: String,
    pub branch: String,
    pub bank_province: String,
    pub bank_city: String,
    pub bank_district: String,
    pub bank_province_code: String,
    pub bank_city_code: String,
    pub bank_district_code: String,
    pub notify: Option<String>,
    pub page_notify: Option<String>,
}

/// The form's fields in the order a person fills them: the spec's name, its label in Chinese and
/// in English, and whether it holds a number to mask once entered (phone, ID, card).
pub const FIELDS: &[(&str, &str, &str, bool)] = &[
    ("merchant_name", "姓名（商户名）", "Name (merchant)", false),
    ("cellphone", "手机号", "Mobile", true),
    ("id_card", "身份证号码", "ID number", true),
    ("province", "所在省", "Province", false),
    ("city", "所在市", "City", false),
    ("district", "所在区县", "District", false),
    ("province_code", "省代码", "Province code", false),
    ("city_code", "市代码", "City code", false),
    ("district_code", "区县代码", "District code", false),
    ("bank_account", "银行卡号", "Bank card", true),
    ("account_name", "开户名", "Account name", false),
    ("bank_phone", "预留手机号", "Bank's mobile", true),
    ("bank", "银行总行名称", "Bank", false),
    ("bank_code", "总行联行号", "Bank code", false),
    ("branch", "支行名称", "Branch", false),
    ("bank_province", "支行所在省", "Branch province", false),
    ("bank_city", "支行所在市", "Branch city", false),
    ("bank_district", "支行所在区县", "Branch district", false),
    (
        "bank_province_code",
        "支行省代码",
        "Branch province code",
        false,
    ),
    ("bank_city_code", "支行市代码", "Branch city code", false),
    (
        "bank_district_code",
        "支行区县代码",
        "Branch district code",
        false,
    ),
];

impl OnboardingForm {
    /// The form from `values`, one per [`FIELDS`] entry in its order (the window's form);
    /// `notify` and `page_notify` are left to the config.
    #[must_use]
    pub fn from_values(values: &[String]) -> OnboardingForm {
        let value = |name: &str| {
            FIELDS
                .iter()
                .position(|(field, ..)| *field == name)
                .and_then(|index| values.get(index))
                .cloned()
                .unwrap_or_default()
        };
        OnboardingForm {
            cellphone: value("cellphone"),
            id_card: value("id_card"),
            merchant_name: value("merchant_name"),
            province: value("province"),
            city: value("city"),
            district: value("district"),
            province_code: value("province_code"),
            city_code: value("city_code"),
            district_code: value("district_code"),
            bank_account: value("bank_account"),
            account_name: value("account_name"),
            bank_phone: value("bank_phone"),
            bank: value("bank"),
            bank_code: value("bank_code"),
            branch: value("branch"),
            bank_province: value("bank_province"),
            bank_city: value("bank_city"),
            bank_district: value("bank_district"),
            bank_province_code: value("bank_province_code"),
            bank_city_code: value("bank_city_code"),
            bank_district_code: value("bank_district_code"),
            notify: None,
            page_notify: None,
        }
    }
}

/// A field of the form that cannot be sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("进件表单的 {field} 不正确：{zh}")]
pub struct FormError {
    /// The spec's field name.
    pub field: &'static str,
    /// Why, in Chinese.
    pub zh: &'static str,
    /// Why, in English.
    pub en: &'static str,
}

impl crate::i18n::Localized for FormError {
    fn message(&self, lang: crate::i18n::Lang) -> String {
        match lang {
            crate::i18n::Lang::Zh => self.to_string(),
            crate::i18n::Lang::En => {
                format!(
                    "The onboarding form's {} is not valid: {}",
                    self.field, self.en
                )
            }
        }
    }
}

const PHONE: (&str, &str) = (
    "应为 1 开头的 11 位手机号",
    "an 11-digit mobile number starting with 1",
);
const NAME: (&str, &str) = (
    "不能为空，且不超过规定字数",
    "required, within the spec's length",
);
const REGION_CODE: (&str, &str) = (
    "应为 6 位行政区划代码，如 440000",
    "a 6-digit region code, e.g. 440000",
);
const NOTIFY: (&str, &str) = (
    "应为 http(s) 地址，且不能带参数（?）",
    "an http(s) address without parameters (?)",
);

fn error(field: &'static str, (zh, en): (&'static str, &'static str)) -> FormError {
    FormError { field, zh, en }
}

fn digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

fn phone(field: &'static str, text: &str) -> Result<String, FormError> {
    identity::mobile_number(text).ok_or_else(|| error(field, PHONE))
}

fn name(field: &'static str, text: &str, max: usize) -> Result<String, FormError> {
    let text = text.trim();
    if (1..=max).contains(&text.chars().count()) {
        Ok(text.to_owned())
    } else {
        Err(error(field, NAME))
    }
}

fn region_code(field: &'static str, text: &str) -> Result<String, FormError> {
    let text = text.trim();
    if text.len() == 6 && digits(text) {
        Ok(text.to_owned())
    } else {
        Err(error(field, REGION_CODE))
    }
}

fn id_card(text: &str) -> Result<String, FormError> {
    identity::resident_id(text).ok_or_else(|| {
        error(
            "id_card",
            (
                "应为 18 位身份证号码，末位校验码须正确",
                "an 18-character ID number with a valid check character",
            ),
        )
    })
}

fn notify_address(field: &'static str, text: &str) -> Result<String, FormError> {
    let text = text.trim();
    let ok = (text.starts_with("http://") || text.starts_with("https://"))
        && !text.contains('?')
        && text.len() <= 200
        && reqwest::Url::parse(text).is_ok();
    if ok {
        Ok(text.to_owned())
    } else {
        Err(error(field, NOTIFY))
    }
}

impl OnboardingForm {
    /// The phone and ID number a 进件查询 asks with, checked as for the registration: all the
    /// status query needs, so it can be asked before (or without) the rest of the form.
    pub fn check_lookup(&self) -> Result<(String, String), FormError> {
        Ok((
            phone("cellphone", &self.cellphone)?,
            id_card(&self.id_card)?,
        ))
    }

    /// The registration to send, or the first field that cannot be sent. `notify_fallback` (the
    /// config's notification address) stands in for `notify` and `page_notify` when the form has
    /// none.
    pub fn check(&self, notify_fallback: Option<&str>) -> Result<MerchantImport, FormError> {
        let notify_of = |field: &'static str, given: &Option<String>| {
            let text = given.as_deref().or(notify_fallback).unwrap_or_default();
            notify_address(field, text)
        };
        let Some(bank_account) = identity::card_number(&self.bank_account) else {
            return Err(error(
                "bank_account",
                (
                    "应为 12 到 19 位银行卡号",
                    "a bank card number of 12 to 19 digits",
                ),
            ));
        };
        let bank_code = self.bank_code.trim();
        if !(3..=20).contains(&bank_code.len()) || !digits(bank_code) {
            return Err(error(
                "bank_code",
                (
                    "应为银行总行联行号（数字）",
                    "the head office's bank code (digits)",
                ),
            ));
        }
        Ok(MerchantImport {
            cellphone: phone("cellphone", &self.cellphone)?,
            id_card: id_card(&self.id_card)?,
            merchant_name: name("merchant_name", &self.merchant_name, 20)?,
            region: Region {
                province: name("province", &self.province, 20)?,
                city: name("city", &self.city, 20)?,
                district: name("district", &self.district, 20)?,
                province_code: region_code("province_code", &self.province_code)?,
                city_code: region_code("city_code", &self.city_code)?,
                district_code: region_code("district_code", &self.district_code)?,
            },
            bank_account,
            account_name: name("account_name", &self.account_name, 10)?,
            bank_phone: phone("bank_phone", &self.bank_phone)?,
            bank: name("bank", &self.bank, 20)?,
            bank_code: bank_code.to_owned(),
            branch: name("branch", &self.branch, 20)?,
            bank_region: Region {
                province: name("bank_province", &self.bank_province, 20)?,
                city: name("bank_city", &self.bank_city, 20)?,
                district: name("bank_district", &self.bank_district, 20)?,
                province_code: region_code("bank_province_code", &self.bank_province_code)?,
                city_code: region_code("bank_city_code", &self.bank_city_code)?,
                district_code: region_code("bank_district_code", &self.bank_district_code)?,
            },
            notify: notify_of("notify", &self.notify)?,
            page_notify: notify_of("page_notify", &self.page_notify)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_query_needs_only_a_good_phone_and_id_number() {
        let mut form = OnboardingForm {
            cellphone: " 13800138000".to_owned(),
            id_card: "110101199003074514".to_owned(),
            ..OnboardingForm::default()
        };
        assert_eq!(
            form.check_lookup(),
            Ok(("13800138000".to_owned(), "110101199003074514".to_owned()))
        );
        assert!(form.check(None).is_err(), "the rest of the form is empty");
        form.cellphone = "2380013800".to_owned();
        assert_eq!(form.check_lookup().map_err(|e| e.field), Err("cellphone"));
    }
}
