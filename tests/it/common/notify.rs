//! A changpay notification listener on an in-memory ledger, its orders and notification bodies:
//! for the notification tests and the flood tests (their own binary).

use cashier::gateway::{PayMethod, Provider};
use cashier::ledger::{Ledger, OrderDraft, SharedLedger};
use cashier::money::Money;
use cashier::payment::notify_listener::Listener;
use cashier::sandbox::{CHANGPAY_KEY, CHANGPAY_MCH_ID};
use cashier::secret::Secret;
use cashier::sign::{SignFields, changpay_sign};
use chrono::Utc;

pub fn ledger() -> SharedLedger {
    SharedLedger::new(Ledger::open_in_memory().expect("ledger"))
}

pub fn listener(ledger: &SharedLedger) -> Listener {
    Listener {
        ledger: ledger.clone(),
        mch_id: CHANGPAY_MCH_ID.into(),
        key: Secret::new(CHANGPAY_KEY),
        late_payments: None,
        notices: cashier::payment::notices::Notices::default(),
    }
}

pub fn order(ledger: &SharedLedger, li: i64) -> String {
    let draft = OrderDraft {
        provider: Provider::Changpay,
        merchant_id: CHANGPAY_MCH_ID.into(),
        till_id: "T01".into(),
        method: PayMethod::AlipayQr,
        amount: Money::from_li(li),
        description: "x".into(),
        auth_code_masked: None,
    };
    ledger
        .lock()
        .create_order(&draft, Utc::now())
        .expect("written")
        .order_no
}

/// A notification body as changpay sends it, signed with `key`.
pub fn body(fields: &[(&str, &str)], key: &str) -> Vec<u8> {
    let signed: SignFields = fields
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let mut pairs: Vec<(String, String)> = signed.clone().into_iter().collect();
    pairs.push(("sign".into(), changpay_sign(&signed, key)));
    serde_urlencoded::to_string(pairs)
        .expect("form")
        .into_bytes()
}

pub fn paid_fields<'a>(order_no: &'a str, amt: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("mch_id", CHANGPAY_MCH_ID),
        ("service", "20"),
        ("mch_order", order_no),
        ("amt", amt),
        ("mch_amt", amt),
        ("sign_type", "md5"),
        ("amt_type", "cny"),
        ("status", "2"),
        ("created_at", "1763700000"),
        ("success_at", "1763700005"),
    ]
}
