//! What the sandbox remembers: merchants, orders, queued faults and notification attempts.

use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use super::faults::Fault;
use super::test_codes::Behaviour;
use crate::gateway::Provider;

/// Where an order stands.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Status {
    /// Not paid yet.
    Pending,
    /// Paid at this Unix time.
    Paid(i64),
    /// Declined, with the reason.
    Failed(String),
}

/// One order at the sandbox.
#[allow(clippy::struct_field_names)] // `order_no` is the protocol's own name for it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Order {
    /// Which protocol created it.
    pub provider: Provider,
    /// The merchant.
    pub merchant: String,
    /// The merchant's order number.
    pub order_no: String,
    /// The sandbox's own order number.
    pub gateway_order_no: String,
    /// qht `payment` or changpay `pay_type`.
    pub pay_code: String,
    /// What the merchant asked, in li.
    pub asked_li: i64,
    /// What the customer pays, in li (a transfer's amount differs by design).
    pub pay_li: i64,
    /// When it was created (wall-clock, so it survives a restart of the sandbox).
    pub created: SystemTime,
    /// What happens to it without a customer opening the pay page.
    pub behaviour: Option<Behaviour>,
    /// Where it stands.
    pub status: Status,
    /// changpay: where to notify, and the `call` to echo.
    pub notify_url: Option<String>,
    /// changpay `call`.
    pub call: Option<String>,
    /// The token of its pay page.
    pub pay_token: String,
    /// qht `settlement` as sent with the order (`order_query` echoes it).
    #[serde(default)]
    pub settlement: Option<String>,
}

impl Order {
    /// Moves a bar-code order along by the clock: a password entry finishes, a payment lands.
    /// Returns whether it became paid now.
    pub fn advance(&mut self, now: SystemTime, speedup: u32, unix_now: i64) -> bool {
        if self.status != Status::Pending {
            return false;
        }
        match self.behaviour {
            Some(Behaviour::PayNow) => {
                self.status = Status::Paid(unix_now);
                true
            }
            Some(Behaviour::PayAfter(delay))
                if now.duration_since(self.created).unwrap_or_default()
                    >= delay / speedup.max(1) =>
            {
                self.status = Status::Paid(unix_now);
                true
            }
            Some(Behaviour::Decline) => {
                self.status = Status::Failed("余额不足".to_owned());
                false
            }
            _ => false,
        }
    }
}

/// A qht merchant the sandbox knows.
#[derive(Debug, Clone)]
pub struct QhtMerchant {
    /// Its key.
    pub key: String,
    /// The phone it registered with.
    pub cellphone: String,
    /// The ID number it registered with.
    pub id_card: String,
}

/// One notification POST the sandbox made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationAttempt {
    /// The order it was about.
    pub order_no: String,
    /// 1 for the first try.
    pub attempt: u32,
    /// Whether the receiver answered `success`.
    pub acknowledged: bool,
}

/// Everything mutable, behind one lock held only for short, non-async moments.
#[derive(Debug, Default)]
pub struct Inner {
    /// qht merchants by merchant number.
    pub qht_merchants: HashMap<String, QhtMerchant>,
    /// changpay merchants: `mch_id` → key.
    pub changpay_merchants: HashMap<String, String>,
    /// Orders by (provider, merchant, order number).
    pub orders: HashMap<(Provider, String, String), Order>,
    /// Pay-page tokens → order keys.
    pub tokens: HashMap<String, (Provider, String, String)>,
    /// Faults for the next answers, one entry each.
    pub faults: VecDeque<Fault>,
    /// Notifications made.
    pub notifications: Vec<NotificationAttempt>,
    /// Repeated payments (补单): (original order, repeat's order number).
    pub repeats: Vec<(String, String)>,
    /// A counter for gateway order numbers.
    pub sequence: u64,
}

/// How long the state file keeps an order: longer than the till re-queries one (48 hours).
const KEEP_ORDERS: Duration = Duration::from_hours(72);

/// How the sandbox reads the specs where they allow two honest readings, so the client can be
/// tested against each (README, "Decisions").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Readings {
    /// qht: when set, answers carry an empty `msg`, signed this way.
    pub qht_empty_msg: Option<EmptyFields>,
    /// changpay: what the sign of a flat answer covers.
    pub changpay_flat: FlatCoverage,
    /// Both: how a created order's QR is given.
    pub qr_given_as: QrGivenAs,
}

/// How a create answer gives the QR (`code_url` and `code_img_url`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QrGivenAs {
    /// `code_url`, with a hosted picture of it as `code_img_url`.
    #[default]
    UrlAndImage,
    /// An empty `code_url`; only the hosted picture (`http://…/sandbox/qr.png?text=…`).
    ImageOnly,
    /// An empty `code_url`; the picture inline, as a `data:image/png;base64,` URL.
    InlineImageOnly,
}

/// How an empty field is signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmptyFields {
    /// Left out of the signed text.
    LeftOut,
    /// Signed as `k=`.
    Signed,
}

/// What the sign of a flat changpay answer covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FlatCoverage {
    /// Every scalar field, `code` and `msg` included.
    #[default]
    Envelope,
    /// The detail fields alone; `code` and `msg` are added after signing.
    DetailsOnly,
}

/// What the sandbox keeps in its state file: enough to answer for every order after a restart.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct Saved {
    orders: Vec<Order>,
    repeats: Vec<(String, String)>,
    sequence: u64,
}

/// The shared state.
#[derive(Debug)]
pub struct State {
    inner: Mutex<Inner>,
    /// Where orders are kept across restarts, if anywhere; the lock orders the writes.
    saved_to: Mutex<Option<PathBuf>>,
    /// How long every order query waits before answering: a slow gateway, for tests.
    query_delay: Mutex<Duration>,
    /// How far behind the truth order queries are: a payment shows in queries this long after
    /// it happened (its notification goes out at once), as a lagging gateway's does.
    query_lag: Mutex<Duration>,
    /// How the ambiguous parts of the specs are read.
    readings: Mutex<Readings>,
    /// How many times faster than real time the sandbox's delays run.
    pub speedup: u32,
    /// How long a timeout fault holds its answer.
    pub fault_delay: Duration,
    /// The sandbox's own base URL, for pay-page links.
    pub base_url: String,
}

impl State {
    /// A state with the two test merchants, and the orders saved in `state_file` if it exists.
    pub fn new(
        speedup: u32,
        fault_delay: Duration,
        base_url: String,
        state_file: Option<PathBuf>,
    ) -> State {
        let mut inner = Inner::default();
        inner.qht_merchants.insert(
            super::QHT_MERCHANT_NO.to_owned(),
            QhtMerchant {
                key: super::QHT_KEY.to_owned(),
                cellphone: String::new(),
                id_card: String::new(),
            },
        );
        inner.changpay_merchants.insert(
            super::CHANGPAY_MCH_ID.to_owned(),
            super::CHANGPAY_KEY.to_owned(),
        );
        if let Some(saved) = state_file.as_deref().and_then(load) {
            for order in saved.orders {
                let key = (
                    order.provider,
                    order.merchant.clone(),
                    order.order_no.clone(),
                );
                inner.tokens.insert(order.pay_token.clone(), key.clone());
                inner.orders.insert(key, order);
            }
            inner.repeats = saved.repeats;
            inner.sequence = saved.sequence;
        }
        State {
            inner: Mutex::new(inner),
            saved_to: Mutex::new(state_file),
            query_delay: Mutex::new(Duration::ZERO),
            query_lag: Mutex::new(Duration::ZERO),
            readings: Mutex::new(Readings::default()),
            speedup: speedup.max(1),
            fault_delay,
            base_url,
        }
    }

    /// The lock. A panic while holding it cannot leave orders half-written (every change is one
    /// assignment), so a poisoned lock is taken over.
    pub fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether orders are kept in a state file.
    pub fn persists(&self) -> bool {
        self.saved_to
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .is_some()
    }

    /// Writes the orders to the state file, if there is one. A failure is logged: the sandbox
    /// goes on answering from memory.
    pub fn save(&self) {
        let file = self
            .saved_to
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let Some(path) = file.as_deref() else {
            return;
        };
        // Orders older than the till's re-query window are never asked about again: not kept, so
        // the file stays small on a till that tries the sandbox for weeks.
        let keep_since = SystemTime::now() - KEEP_ORDERS;
        let saved = {
            let inner = self.lock();
            Saved {
                orders: inner
                    .orders
                    .values()
                    .filter(|order| order.created >= keep_since)
                    .cloned()
                    .collect(),
                repeats: inner.repeats.clone(),
                sequence: inner.sequence,
            }
        };
        let written = serde_json::to_vec(&saved)
            .map_err(std::io::Error::other)
            .and_then(|bytes| {
                let temp = path.with_extension("json.tmp");
                std::fs::write(&temp, bytes)?;
                std::fs::rename(&temp, path)
            });
        if let Err(error) = written {
            tracing::warn!(%error, path = %path.display(), "sandbox state not saved");
        }
    }

    /// How the ambiguous parts of the specs are read now.
    pub fn readings(&self) -> Readings {
        *self
            .readings
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Reads the ambiguous parts of the specs as `readings` from now on.
    pub fn set_readings(&self, readings: Readings) {
        *self
            .readings
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = readings;
    }

    /// How long order queries wait before answering.
    pub fn query_delay(&self) -> Duration {
        *self
            .query_delay
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// How far behind the truth order queries are.
    pub fn query_lag(&self) -> Duration {
        *self
            .query_lag
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Makes order queries report a payment only `lag` after it happened.
    pub fn set_query_lag(&self, lag: Duration) {
        *self
            .query_lag
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = lag;
    }

    /// `order` as a query answers about it now: unpaid while a payment is within the lag.
    #[must_use]
    pub fn as_queried(&self, order: &Order) -> Order {
        let lag = i64::try_from(self.query_lag().as_secs()).unwrap_or(i64::MAX);
        let now = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |since| {
                i64::try_from(since.as_secs()).unwrap_or(i64::MAX)
            });
        let mut seen = order.clone();
        if let Status::Paid(at) = seen.status
            && now.saturating_sub(at) < lag
        {
            seen.status = Status::Pending;
        }
        seen
    }

    /// Makes every order query wait `delay` before answering.
    pub fn set_query_delay(&self, delay: Duration) {
        *self
            .query_delay
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = delay;
    }

    /// The fault for the answer being made now, if one is queued.
    pub fn next_fault(&self) -> Option<Fault> {
        self.lock().faults.pop_front()
    }

    /// `delay` shortened by the speed-up.
    #[must_use]
    pub fn scaled(&self, delay: Duration) -> Duration {
        delay / self.speedup
    }
}

impl Inner {
    /// A new gateway order number.
    pub fn next_gateway_order_no(&mut self, prefix: &str) -> String {
        self.sequence += 1;
        format!("{prefix}{:012}", self.sequence)
    }
}

/// The saved orders in `path`; nothing when it is missing or unreadable (logged).
fn load(path: &std::path::Path) -> Option<Saved> {
    let bytes = std::fs::read(path).ok()?;
    match serde_json::from_slice(&bytes) {
        Ok(saved) => Some(saved),
        Err(error) => {
            tracing::warn!(%error, path = %path.display(), "sandbox state unreadable; starting empty");
            None
        }
    }
}
