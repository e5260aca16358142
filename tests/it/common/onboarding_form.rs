//! One shop's 进件 form for every onboarding test: its values in the window's field order
//! (`FIELDS`: 姓名 … 支行区县代码) and the same as the command line's TOML, keyed by the spec's names.
#![allow(dead_code)] // Each test binary uses its own part of this module.

use cashier::gateway::qht::onboarding_form::FIELDS;

/// The values in the window's field order.
pub const FORM: [&str; 21] = [
    "梅州小卖部",
    "13800138000",
    "110101199003074514",
    "广东省",
    "梅州市",
    "蕉岭县",
    "440000",
    "441400",
    "441427",
    "6217000010012345678",
    "张三",
    "13800138000",
    "中国工商银行",
    "102100099996",
    "蕉岭支行",
    "广东省",
    "梅州市",
    "蕉岭县",
    "440000",
    "441400",
    "441427",
];

/// `FORM` as `cashier qht-onboard --form` reads it: `name = "value"`, a line each.
pub fn form_toml() -> String {
    use std::fmt::Write;
    FIELDS
        .iter()
        .zip(FORM)
        .fold(String::new(), |mut toml, ((name, ..), value)| {
            let _ = writeln!(toml, "{name} = \"{value}\"");
            toml
        })
}
