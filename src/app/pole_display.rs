//! The pole display (客显) kept in step with the sale: the amount due when a sale starts, then the
//! cash handed over and the change, or paid. The window's worker and `cashier pay` both show
//! through a [`PoleDisplay`]. Updates go to a task of their own, in order: a display that is
//! unplugged or slow never holds up a sale (a serial port at 2400 baud takes ~0.2 s a line), and
//! what it could not take is logged, not said to the cashier mid-sale.

use std::time::Duration;

use tokio::sync::{mpsc, oneshot};

use crate::ledger::OrderRecord;
use crate::money::Money;
use crate::payment::runner::Outcome;
use crate::receipt::pole_display::{DisplayConfig, Shown, encode};
use crate::receipt::printer::{PrinterAddress, send_now};
use crate::status::OrderStatus;

/// How long one update may take to reach the display.
pub const SEND_LIMIT: Duration = Duration::from_secs(1);
/// Updates waiting for a slow display; more are dropped (the next one shows the sale anyway).
const QUEUE: usize = 8;

enum Message {
    Show(Shown),
    /// Answered once everything before it was sent (or given up on).
    Settled(oneshot::Sender<()>),
}

/// A handle on the pole display's task; a no-op when the till has none. Clones share the task.
#[derive(Debug, Clone, Default)]
pub struct PoleDisplay {
    sender: Option<mpsc::Sender<Message>>,
    /// What it was started for, so a change of settings is seen.
    config: Option<DisplayConfig>,
}

impl PoleDisplay {
    /// Starts the display's task on the current runtime for `config` (none: a no-op handle; an
    /// address that does not parse was refused when the config was loaded, and is a no-op here).
    #[must_use]
    pub fn start(config: Option<&DisplayConfig>) -> PoleDisplay {
        let Some(config) = config else {
            return PoleDisplay::default();
        };
        let Ok(address) = config.address.parse::<PrinterAddress>() else {
            return PoleDisplay::default();
        };
        let (sender, mut receiver) = mpsc::channel(QUEUE);
        let kind = config.kind;
        tokio::spawn(async move {
            while let Some(message) = receiver.recv().await {
                match message {
                    Message::Show(shown) => {
                        let bytes = encode(kind, shown);
                        if let Err(error) = send_now(&address, &bytes, SEND_LIMIT).await {
                            tracing::warn!(?error, "the pole display did not take an update");
                        }
                    }
                    Message::Settled(done) => {
                        let _ = done.send(());
                    }
                }
            }
        });
        PoleDisplay {
            sender: Some(sender),
            config: Some(config.clone()),
        }
    }

    /// Whether this handle was started for `config`.
    #[must_use]
    pub fn is_for(&self, config: Option<&DisplayConfig>) -> bool {
        self.config.as_ref() == config
    }

    /// Shows `shown` after what is already on its way; never waits.
    pub fn show(&self, shown: Shown) {
        if let Some(sender) = &self.sender {
            let _ = sender.try_send(Message::Show(shown));
        }
    }

    /// Waits (at most `limit`) until what was shown so far reached the display: a command that
    /// exits after its sale calls it, or its last update would be lost with the process.
    pub async fn settle(&self, limit: Duration) {
        let Some(sender) = &self.sender else {
            return;
        };
        let (done, settled) = oneshot::channel();
        let asked = tokio::time::timeout(limit, sender.send(Message::Settled(done)));
        if matches!(asked.await, Ok(Ok(()))) {
            let _ = tokio::time::timeout(limit, settled).await;
        }
    }
}

/// What a cash sale shows: what the ledger recorded as handed over, and the change (never below
/// zero, whatever a row says).
#[must_use]
pub fn cash_shown(order: &OrderRecord) -> Shown {
    Shown::Cash {
        tendered: order.tendered.unwrap_or(order.amount),
        change: order.change().unwrap_or(Money::ZERO).max(Money::ZERO),
    }
}

/// What a wallet sale's end shows: paid, with what was paid; anything else clears the display
/// (the cashier's screen says what went wrong and what to do).
#[must_use]
pub fn after_payment(outcome: Option<&Outcome>) -> Shown {
    match outcome {
        Some(outcome) if outcome.order.status == OrderStatus::Paid => {
            Shown::Paid(outcome.order.paid.unwrap_or(outcome.order.amount))
        }
        _ => Shown::Idle,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::{PayMethod, Provider};
    use crate::ledger::{Ledger, OrderDraft};

    fn cash_sale(amount: i64, tendered: i64) -> OrderRecord {
        let draft = OrderDraft {
            provider: Provider::Qht,
            merchant_id: "M1".into(),
            till_id: "T01".into(),
            method: PayMethod::Cash,
            amount: Money::from_li(amount),
            description: "商品".into(),
            auth_code_masked: None,
        };
        Ledger::open_in_memory()
            .expect("ledger")
            .record_cash_sale(&draft, Money::from_li(tendered), chrono::Utc::now())
            .expect("recorded")
    }

    #[test]
    fn a_cash_sale_shows_what_the_ledger_recorded_and_never_a_negative_change() {
        assert_eq!(
            cash_shown(&cash_sale(3_000, 5_000)),
            Shown::Cash {
                tendered: Money::from_li(5_000),
                change: Money::from_li(2_000)
            }
        );
        let short = cash_shown(&cash_sale(3_000, 1_000));
        assert!(matches!(short, Shown::Cash { change, .. } if change == Money::ZERO));
    }
}
