//! The request fields of every endpoint, copied from the specs' tables, and the check of a
//! request against them.
//!
//! Written from the specs, not from the client's request builders, so that the sandbox catches a
//! client that drifts from the spec. Lengths are in characters.

use std::collections::BTreeMap;

/// A field's type and limit.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// `String(n)`.
    Str(usize),
    /// `int(n)`: at most n digits (qht) or any non-negative integer (`None`, changpay).
    Int(Option<u32>),
}

/// One row of a spec table.
#[derive(Debug, Clone, Copy)]
pub struct FieldSpec {
    /// The wire name.
    pub name: &'static str,
    /// Its type.
    pub kind: Kind,
    /// T (必填) in the spec.
    pub required: bool,
}

const fn t(name: &'static str, max: usize) -> FieldSpec {
    FieldSpec {
        name,
        kind: Kind::Str(max),
        required: true,
    }
}
const fn f(name: &'static str, max: usize) -> FieldSpec {
    FieldSpec {
        name,
        kind: Kind::Str(max),
        required: false,
    }
}
const fn int(name: &'static str, digits: Option<u32>, required: bool) -> FieldSpec {
    FieldSpec {
        name,
        kind: Kind::Int(digits),
        required,
    }
}

/// qht 2. 个人进件.
pub const QHT_IMPORT: &[FieldSpec] = &[
    f("version", 10),
    t("cellphone", 15),
    t("id_card", 18),
    t("merchant_name", 20),
    t("province", 20),
    t("city", 20),
    t("district", 20),
    t("province_code", 20),
    t("city_code", 20),
    t("district_code", 20),
    t("bank_account", 40),
    t("account_name", 10),
    t("bank_phone", 15),
    t("bank", 20),
    t("bank_code", 20),
    t("branch", 20),
    t("bank_province", 20),
    t("bank_city", 20),
    t("bank_district", 20),
    t("bank_province_code", 20),
    t("bank_city_code", 20),
    t("bank_district_code", 20),
    t("sign_type", 3),
    t("notify", 200),
    t("page_notify", 200),
    t("sign", 500),
];

/// qht 3. 个人进件查询.
pub const QHT_IMPORT_QUERY: &[FieldSpec] = &[
    f("version", 10),
    t("cellphone", 15),
    t("id_card", 18),
    t("sign_type", 3),
    t("sign", 500),
];

/// qht 4. 扫码支付.
pub const QHT_SCAN_CODE_PAY: &[FieldSpec] = &[
    f("version", 10),
    t("request_id", 50),
    t("merchant_no", 29),
    t("payment", 3),
    int("total_fee", Some(7), true),
    t("out_order_number", 50),
    f("sign_type", 3),
    t("order_ip", 15),
    t("settlement", 2),
    f("order_title", 10),
    t("order_desc", 50),
    t("request_at", 14),
    t("notify", 200),
    t("sign", 500),
];

/// qht 5. 条码支付, with `order_desc` at 50 and `auth_code` added (README, "Decisions").
pub const QHT_BAR_CODE_PAY: &[FieldSpec] = &[
    f("version", 10),
    t("merchant_no", 29),
    t("device_id", 32),
    t("order_desc", 50),
    t("payment", 3),
    int("total_fee", Some(7), true),
    t("out_order_number", 50),
    t("sign_type", 3),
    t("order_ip", 15),
    t("settlement", 2),
    f("order_title", 10),
    t("request_at", 14),
    t("notify", 200),
    t("auth_code", 32),
    t("sign", 500),
];

/// qht 6. 订单查询.
pub const QHT_ORDER_QUERY: &[FieldSpec] = &[
    f("version", 10),
    t("request_id", 50),
    t("merchant_no", 29),
    t("out_order_number", 50),
    t("sign_type", 3),
    f("request_at", 14),
    t("sign", 500),
];

/// qht 7. 快捷支付.
pub const QHT_QUICK_PAY: &[FieldSpec] = &[
    f("version", 10),
    t("merchant_no", 29),
    int("total_fee", Some(7), true),
    t("out_order_number", 50),
    t("payer_name", 20),
    t("payer_account", 40),
    // String(5) in the spec, yet its own value `credit` is 6.
    t("card_type", 6),
    t("settle", 2),
    t("payer_phone", 15),
    t("payer_id_card", 18),
    t("sign_type", 3),
    t("order_ip", 15),
    f("order_title", 50),
    f("order_desc", 50),
    t("request_at", 14),
    t("page_notify", 200),
    t("sign", 500),
];

/// changpay 创建订单. Fields whose type the spec gives as bare `string` have no limit here.
pub const CHANGPAY_CREATE: &[FieldSpec] = &[
    t("sign_type", 10),
    t("mch_id", 32),
    t("mch_order", 50),
    int("amt", None, true),
    t("remark", 32),
    int("created_at", None, true),
    t("client_ip", 16),
    t("notify_url", 255),
    int("user_channel_id", None, false),
    f("user_portrait_id", usize::MAX),
    int("user_level", None, false),
    f("user_portrait_name", usize::MAX),
    f("user_portrait_lon", usize::MAX),
    f("user_portrait_lat", usize::MAX),
    int("bank_card_type", None, false),
    int("bank_code", None, false),
    f("callback_url", usize::MAX),
    f("bank_account", usize::MAX),
    f("bank_phone", usize::MAX),
    f("bank_user_name", usize::MAX),
    f("bank_id_card", usize::MAX),
    f("call", 32),
    t("sign", 32),
];

/// changpay 快捷支付确认下单.
pub const CHANGPAY_QUICK_CONFIRM: &[FieldSpec] = &[
    t("mch_id", 32),
    t("mch_order", 50),
    t("code", 10),
    int("created_at", None, true),
    t("sign_type", 10),
    t("sign", 32),
];

/// changpay 订单查询.
pub const CHANGPAY_FETCH_ORDER: &[FieldSpec] = &[
    t("mch_id", 32),
    t("mch_order", 50),
    int("created_at", None, true),
    t("sign_type", 10),
    t("sign", 32),
];

/// What is wrong with a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldProblem {
    /// A required field is absent or empty.
    Missing(&'static str),
    /// Too long, or not an integer where one is required.
    Invalid(&'static str),
}

/// A request's fields as text, plus which of them arrived as JSON numbers.
#[derive(Debug, Clone, Default)]
pub struct Received {
    /// Every field as text.
    pub text: BTreeMap<String, String>,
    /// Fields that were JSON numbers (qht only; a form has no numbers).
    pub numbers: Vec<String>,
}

impl Received {
    /// A field's text, empty when absent.
    #[must_use]
    pub fn get(&self, name: &str) -> &str {
        self.text.get(name).map_or("", String::as_str)
    }
}

/// Checks `received` against `specs`. `json_numbers` says whether an int must be a JSON number
/// (qht's JSON) or may be decimal text (changpay's form).
pub fn check(
    received: &Received,
    specs: &[FieldSpec],
    json_numbers: bool,
) -> Result<(), FieldProblem> {
    for spec in specs {
        let value = received.get(spec.name);
        if value.is_empty() {
            if spec.required {
                return Err(FieldProblem::Missing(spec.name));
            }
            continue;
        }
        let fits = match spec.kind {
            Kind::Str(max) => value.chars().count() <= max,
            Kind::Int(digits) => {
                let is_number = !json_numbers || received.numbers.iter().any(|n| n == spec.name);
                let digits_ok = digits.is_none_or(|max| value.len() <= max as usize);
                is_number && digits_ok && value.parse::<u64>().is_ok()
            }
        };
        if !fits {
            return Err(FieldProblem::Invalid(spec.name));
        }
    }
    Ok(())
}
