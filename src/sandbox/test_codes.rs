//! Bar-code test codes, like a card network's test card numbers (listed in the README).
//!
//! Each wallet has four codes with fixed behaviours; any other code with a valid wallet prefix
//! pays at once, so a real phone's payment code also works against the sandbox.

use std::time::Duration;

/// What the sandbox does with a bar-code payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Behaviour {
    /// Paid as soon as it is created.
    PayNow,
    /// Paid after the customer "enters a password" for this long (before the sandbox's speed-up).
    PayAfter(Duration),
    /// Declined (insufficient balance).
    Decline,
    /// Never resolves: the gateway keeps saying the result is unknown.
    Never,
}

/// How long the password-entry code keeps the customer typing.
pub const PASSWORD_DELAY: Duration = Duration::from_secs(10);

/// The test codes: (WeChat code, Alipay code, behaviour, README description).
pub const TEST_CODES: &[(&str, &str, Behaviour, &str)] = &[
    (
        "130000000000000001",
        "280000000000000001",
        Behaviour::PayNow,
        "pays at once",
    ),
    (
        "130000000000000002",
        "280000000000000002",
        Behaviour::PayAfter(PASSWORD_DELAY),
        "pays after ~10 s of password entry",
    ),
    (
        "130000000000000003",
        "280000000000000003",
        Behaviour::Decline,
        "declined (insufficient balance)",
    ),
    (
        "130000000000000004",
        "280000000000000004",
        Behaviour::Never,
        "never resolves",
    ),
];

/// The behaviour of a scanned code.
#[must_use]
pub fn behaviour_of(code: &str) -> Behaviour {
    TEST_CODES
        .iter()
        .find(|(wechat, alipay, _, _)| *wechat == code || *alipay == code)
        .map_or(Behaviour::PayNow, |(_, _, behaviour, _)| *behaviour)
}

/// Whether `code` looks like a wallet's payment code: WeChat 18 digits from 10–15, Alipay 16–24
/// digits from 25–30. Written here from the wallets' rules, apart from the client's check.
#[must_use]
pub fn is_wallet_code(code: &str) -> bool {
    if !code.bytes().all(|b| b.is_ascii_digit()) || code.len() < 2 {
        return false;
    }
    let prefix: u32 = code[..2].parse().unwrap_or(0);
    ((10..=15).contains(&prefix) && code.len() == 18)
        || ((25..=30).contains(&prefix) && (16..=24).contains(&code.len()))
}
