//! One payment as a pure state machine: `step(payment, event) -> (payment, effects)`.
//!
//! No IO happens here. The runner feeds in what the ledger, the gateway and the clock did, and
//! carries out the effects. The rules (ARCHITECTURE.md, "Invariants"):
//! - the order row is committed before the request leaves the machine (`Insert` comes first, and
//!   `SendCreate` only after `Recorded`);
//! - a create call with an unknown outcome goes on to querying, never to failed;
//! - paid only from a verified answer whose amount matches; another amount is recorded as
//!   `AmountMismatch`, never silently paid;
//! - once done, nothing moves the payment: late answers are the ledger's business.

use std::time::Duration;

use crate::gateway::{CreatedOrder, GatewayError, OrderState, PayDisplay};
use crate::money::Money;
use crate::payment::policy::PollPolicy;
use crate::status::{OrderStatus, PaidAmount, Source, StatusMove};

/// What the cashier sees while waiting, in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiveStatus {
    /// Writing the order and sending it.
    Creating,
    /// A QR is shown: 等待顾客扫码….
    AwaitingScan,
    /// Quick pay's page is open in the browser: 等待顾客在支付页面完成付款….
    AwaitingPage,
    /// Bar-code pay, before the gateway has said anything of the customer: 正在确认付款….
    ConfirmingPayment,
    /// Bar-code pay: the gateway says the customer is confirming on the phone (顾客输入密码中…).
    AwaitingPassword,
    /// The last call had an unknown outcome: 网络异常，正在确认结果….
    Confirming,
}

impl crate::i18n::Localized for LiveStatus {
    fn message(&self, lang: crate::i18n::Lang) -> String {
        let (zh, en) = match self {
            LiveStatus::Creating => ("正在创建订单…", "Creating the order…"),
            LiveStatus::AwaitingScan => ("等待顾客扫码…", "Waiting for the customer to scan…"),
            LiveStatus::AwaitingPage => (
                "等待顾客在支付页面完成付款…",
                "Waiting for the customer to finish on the pay page…",
            ),
            LiveStatus::ConfirmingPayment => ("正在确认付款…", "Confirming the payment…"),
            LiveStatus::AwaitingPassword => (
                "顾客输入密码中…",
                "The customer is confirming on the phone…",
            ),
            LiveStatus::Confirming => (
                "网络异常，正在确认结果…",
                "Network trouble, confirming the result…",
            ),
        };
        crate::i18n::tr(lang, zh, en).to_owned()
    }
}

/// Where the payment is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// The order row is being written.
    Recording,
    /// The create request is out.
    Creating,
    /// Querying until an answer or the deadline.
    Waiting,
    /// Finished with this status.
    Done(OrderStatus),
}

/// The status move a verified gateway answer calls for, if any: paid (or mismatch), failed, or
/// failed as never having reached the gateway once `not_found_is_final` (the caller decides: only
/// an order whose create never got a definite answer, and after a grace period).
#[must_use]
pub fn move_for_answer(
    state: &OrderState,
    asked: Money,
    source: Source,
    not_found_is_final: bool,
) -> Option<StatusMove> {
    match state {
        OrderState::Paid(paid) => {
            let to = if paid.matches(asked) {
                OrderStatus::Paid
            } else {
                OrderStatus::AmountMismatch
            };
            let mut move_ = StatusMove::to(to, source);
            move_.gateway_status = Some(format!("paid {}", paid.amount));
            move_.gateway_order_no.clone_from(&paid.gateway_order_no);
            if to == OrderStatus::AmountMismatch {
                move_.error = Some(super::stored_words::amount_mismatch(
                    &paid.amount.to_string(),
                    &asked.to_string(),
                ));
            }
            move_.paid = Some(PaidAmount {
                amount: paid.amount,
                paid_at: paid.paid_at,
            });
            Some(move_)
        }
        OrderState::Failed { reason } => {
            let mut move_ = StatusMove::to(OrderStatus::Failed, source);
            move_.gateway_status = Some("failed".to_owned());
            move_.error = Some(reason.clone());
            Some(move_)
        }
        OrderState::NotFound if not_found_is_final => {
            let mut move_ = StatusMove::to(OrderStatus::Failed, source);
            move_.gateway_status = Some("not found".to_owned());
            move_.error = Some(super::stored_words::NEVER_ARRIVED.to_owned());
            Some(move_)
        }
        OrderState::NotFound | OrderState::Waiting => None,
    }
}

/// Something the runner must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Write the order row, durably.
    Insert,
    /// Send the create request.
    SendCreate,
    /// Query the order after this wait.
    QueryAfter(Duration),
    /// Apply a status move in the ledger.
    Record(StatusMove),
    /// Note an error on the order without moving it.
    NoteError(String),
    /// Show this to the customer.
    Show(PayDisplay),
    /// Tell the cashier how it is going.
    Progress(LiveStatus),
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The order row is committed.
    Recorded {
        /// Milliseconds since the payment started.
        now_ms: u64,
    },
    /// The create call ended.
    Created {
        /// Milliseconds since the payment started.
        now_ms: u64,
        /// Its outcome.
        result: Result<CreatedOrder, GatewayError>,
    },
    /// A query ended.
    Queried {
        /// Milliseconds since the payment started.
        now_ms: u64,
        /// Its outcome.
        result: Result<OrderState, GatewayError>,
    },
    /// The cashier stopped waiting (Esc). The order stays and is queried in the background.
    Cancel,
    /// The ledger already holds the order paid (or paid another amount): a verified
    /// notification was recorded while the gateway's query still lags. Nothing more to record.
    Settled(OrderStatus),
}

/// Whether the customer scans a QR or the till scans the customer's code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayKind {
    /// QR, link or transfer.
    Qr,
    /// Bar-code.
    Barcode,
}

/// One payment in progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    /// Where it is.
    pub phase: Phase,
    /// The amount asked.
    pub asked: Money,
    /// QR or bar-code.
    pub kind: PayKind,
    /// Its live wait.
    pub policy: PollPolicy,
}

impl Payment {
    /// A new payment and its first effect: write the order.
    #[must_use]
    pub fn start(asked: Money, kind: PayKind, policy: PollPolicy) -> (Payment, Vec<Effect>) {
        let payment = Payment {
            phase: Phase::Recording,
            asked,
            kind,
            policy,
        };
        (
            payment,
            vec![Effect::Progress(LiveStatus::Creating), Effect::Insert],
        )
    }

    /// The words right after the create: a code that pays at once never shows "entering the
    /// password".
    fn first_status(&self) -> LiveStatus {
        match self.kind {
            PayKind::Qr => LiveStatus::AwaitingScan,
            PayKind::Barcode => LiveStatus::ConfirmingPayment,
        }
    }

    /// The words once the gateway said the order is waiting for the customer.
    fn waiting_status(&self) -> LiveStatus {
        match self.kind {
            PayKind::Qr => LiveStatus::AwaitingScan,
            PayKind::Barcode => LiveStatus::AwaitingPassword,
        }
    }

    fn done(mut self, transition: StatusMove) -> (Payment, Vec<Effect>) {
        self.phase = Phase::Done(transition.to);
        (self, vec![Effect::Record(transition)])
    }

    /// The next query, or the end of the wait when the deadline is past.
    fn next_query(mut self, now_ms: u64, progress: LiveStatus) -> (Payment, Vec<Effect>) {
        let deadline_ms = u64::try_from(self.policy.wait.as_millis()).unwrap_or(u64::MAX);
        if now_ms >= deadline_ms {
            let mut move_ = StatusMove::to(OrderStatus::Unresolved, Source::Timeout);
            move_.error = Some(super::stored_words::WAIT_TIMED_OUT.to_owned());
            return self.done(move_);
        }
        self.phase = Phase::Waiting;
        let remaining = Duration::from_millis(deadline_ms - now_ms);
        let wait = self.policy.interval.min(remaining);
        (
            self,
            vec![Effect::Progress(progress), Effect::QueryAfter(wait)],
        )
    }
}

/// The pure transition function.
#[must_use]
pub fn step(payment: Payment, event: Event) -> (Payment, Vec<Effect>) {
    match (payment.phase, event) {
        (Phase::Recording, Event::Recorded { .. }) => {
            let mut payment = payment;
            payment.phase = Phase::Creating;
            (payment, vec![Effect::SendCreate])
        }
        (
            Phase::Creating,
            Event::Created {
                result: Ok(created),
                ..
            },
        ) => {
            let mut move_ = StatusMove::to(OrderStatus::Pending, Source::Create);
            move_.gateway_order_no.clone_from(&created.gateway_order_no);
            move_.shown = created.display.url().map(str::to_owned);
            move_.gateway_status = Some("created".to_owned());
            let mut payment = payment;
            payment.phase = Phase::Waiting;
            let effects = vec![
                Effect::Record(move_),
                Effect::Show(created.display),
                Effect::Progress(payment.first_status()),
                Effect::QueryAfter(payment.policy.first_query),
            ];
            (payment, effects)
        }
        (
            Phase::Creating,
            Event::Created {
                result: Err(error), ..
            },
        ) if error.is_unknown_outcome() => {
            // The order may exist at the gateway: find out by querying, never call it failed.
            let mut payment = payment;
            payment.phase = Phase::Waiting;
            let effects = vec![
                Effect::NoteError(error.to_string()),
                Effect::Progress(LiveStatus::Confirming),
                Effect::QueryAfter(payment.policy.first_query),
            ];
            (payment, effects)
        }
        (
            Phase::Creating,
            Event::Created {
                result: Err(error), ..
            },
        ) => {
            let mut move_ = StatusMove::to(OrderStatus::Failed, Source::Create);
            move_.error = Some(error.to_string());
            payment.done(move_)
        }
        (Phase::Waiting, Event::Queried { now_ms, result }) => match result {
            Ok(state) => match move_for_answer(&state, payment.asked, Source::Query, false) {
                Some(move_) => payment.done(move_),
                None => {
                    let progress = if state == OrderState::Waiting {
                        payment.waiting_status()
                    } else {
                        payment.first_status()
                    };
                    payment.next_query(now_ms, progress)
                }
            },
            Err(error) => {
                let no_answer = error.is_unknown_outcome() || error == GatewayError::Unreachable;
                let progress = if no_answer {
                    LiveStatus::Confirming
                } else {
                    payment.first_status()
                };
                payment.next_query(now_ms, progress)
            }
        },
        (Phase::Creating | Phase::Waiting, Event::Settled(status)) if status.is_final() => {
            let mut payment = payment;
            payment.phase = Phase::Done(status);
            (payment, Vec::new())
        }
        (Phase::Creating | Phase::Waiting, Event::Cancel) => {
            let mut move_ = StatusMove::to(OrderStatus::Unresolved, Source::Cancel);
            move_.error = Some(super::stored_words::CASHIER_STOPPED.to_owned());
            payment.done(move_)
        }
        // Anything else — an answer after the end, a repeat — changes nothing here.
        (_, _) => (payment, Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::{CreatedOrder, PaidInfo, UnknownCause};

    const ASKED: Money = Money::from_li(12_340);

    fn paid(li: i64) -> OrderState {
        OrderState::Paid(PaidInfo {
            amount: Money::from_li(li),
            paid_at: None,
            gateway_order_no: None,
            repeat_of: None,
        })
    }

    fn in_phase(phase: Phase, kind: PayKind) -> Payment {
        Payment {
            phase,
            asked: ASKED,
            kind,
            policy: PollPolicy::BARCODE,
        }
    }

    #[allow(clippy::unnecessary_wraps)] // It stands for a create call's result.
    fn created() -> Result<CreatedOrder, GatewayError> {
        Ok(CreatedOrder {
            display: PayDisplay::QrCode("http://x/pay".into()),
            gateway_order_no: Some("G1".into()),
        })
    }

    fn recorded_status(effects: &[Effect]) -> Option<OrderStatus> {
        effects.iter().find_map(|e| match e {
            Effect::Record(t) => Some(t.to),
            _ => None,
        })
    }

    fn sends_create(effects: &[Effect]) -> bool {
        effects.contains(&Effect::SendCreate)
    }

    fn queries(effects: &[Effect]) -> bool {
        effects.iter().any(|e| matches!(e, Effect::QueryAfter(_)))
    }

    #[test]
    fn a_payment_the_ledger_already_holds_paid_ends_without_recording_again() {
        let waiting = in_phase(Phase::Waiting, PayKind::Qr);
        let (payment, effects) = step(waiting, Event::Settled(OrderStatus::Paid));
        assert_eq!(payment.phase, Phase::Done(OrderStatus::Paid));
        assert!(effects.is_empty(), "the ledger already has it: {effects:?}");
    }

    #[test]
    fn the_order_is_written_before_anything_is_sent() {
        let (payment, effects) = Payment::start(ASKED, PayKind::Qr, PollPolicy::QR);
        assert!(effects.contains(&Effect::Insert));
        assert!(!sends_create(&effects));
        let (_, effects) = step(payment, Event::Recorded { now_ms: 1 });
        assert_eq!(effects, [Effect::SendCreate]);
    }

    /// (phase, event, expected phase, expected recorded status, queries again)
    #[test]
    #[allow(clippy::too_many_lines)] // One table, one row per rule.
    fn transitions() {
        use OrderStatus::{AmountMismatch, Failed, Paid, Pending, Unresolved};
        fn unknown<T>() -> Result<T, GatewayError> {
            Err(GatewayError::Unknown(UnknownCause::Timeout))
        }
        fn refused<T>() -> Result<T, GatewayError> {
            Err(GatewayError::from_code(
                crate::gateway::Provider::Qht,
                "600002",
                "SignError",
            ))
        }
        let table: Vec<(Phase, Event, Phase, Option<OrderStatus>, bool)> = vec![
            (
                Phase::Creating,
                Event::Created {
                    now_ms: 10,
                    result: created(),
                },
                Phase::Waiting,
                Some(Pending),
                true,
            ),
            (
                Phase::Creating,
                Event::Created {
                    now_ms: 10,
                    result: unknown(),
                },
                Phase::Waiting,
                None,
                true,
            ),
            (
                Phase::Creating,
                Event::Created {
                    now_ms: 10,
                    result: refused(),
                },
                Phase::Done(Failed),
                Some(Failed),
                false,
            ),
            (
                Phase::Waiting,
                Event::Queried {
                    now_ms: 100,
                    result: Ok(paid(12_340)),
                },
                Phase::Done(Paid),
                Some(Paid),
                false,
            ),
            (
                Phase::Waiting,
                Event::Queried {
                    now_ms: 100,
                    result: Ok(paid(12_330)),
                },
                Phase::Done(AmountMismatch),
                Some(AmountMismatch),
                false,
            ),
            (
                Phase::Waiting,
                Event::Queried {
                    now_ms: 100,
                    result: Ok(OrderState::Failed {
                        reason: "余额不足".into(),
                    }),
                },
                Phase::Done(Failed),
                Some(Failed),
                false,
            ),
            (
                Phase::Waiting,
                Event::Queried {
                    now_ms: 100,
                    result: Ok(OrderState::Waiting),
                },
                Phase::Waiting,
                None,
                true,
            ),
            (
                Phase::Waiting,
                Event::Queried {
                    now_ms: 100,
                    result: Ok(OrderState::NotFound),
                },
                Phase::Waiting,
                None,
                true,
            ),
            (
                Phase::Waiting,
                Event::Queried {
                    now_ms: 100,
                    result: unknown(),
                },
                Phase::Waiting,
                None,
                true,
            ),
            (
                Phase::Waiting,
                Event::Queried {
                    now_ms: 100,
                    result: refused(),
                },
                Phase::Waiting,
                None,
                true,
            ),
            (
                Phase::Waiting,
                Event::Queried {
                    now_ms: 45_000,
                    result: Ok(OrderState::Waiting),
                },
                Phase::Done(Unresolved),
                Some(Unresolved),
                false,
            ),
            (
                Phase::Waiting,
                Event::Queried {
                    now_ms: 45_000,
                    result: unknown(),
                },
                Phase::Done(Unresolved),
                Some(Unresolved),
                false,
            ),
            (
                Phase::Waiting,
                Event::Cancel,
                Phase::Done(Unresolved),
                Some(Unresolved),
                false,
            ),
            (
                Phase::Creating,
                Event::Cancel,
                Phase::Done(Unresolved),
                Some(Unresolved),
                false,
            ),
            // Once done, nothing moves it: late and repeated answers are the ledger's business.
            (
                Phase::Done(Paid),
                Event::Queried {
                    now_ms: 200,
                    result: Ok(paid(1)),
                },
                Phase::Done(Paid),
                None,
                false,
            ),
            (
                Phase::Done(Unresolved),
                Event::Queried {
                    now_ms: 200,
                    result: Ok(paid(12_340)),
                },
                Phase::Done(Unresolved),
                None,
                false,
            ),
            (
                Phase::Done(Failed),
                Event::Created {
                    now_ms: 200,
                    result: created(),
                },
                Phase::Done(Failed),
                None,
                false,
            ),
            (
                Phase::Waiting,
                Event::Created {
                    now_ms: 200,
                    result: created(),
                },
                Phase::Waiting,
                None,
                false,
            ),
            (
                Phase::Recording,
                Event::Queried {
                    now_ms: 1,
                    result: Ok(paid(12_340)),
                },
                Phase::Recording,
                None,
                false,
            ),
        ];
        for (phase, event, expected_phase, expected_record, expected_query) in table {
            let label = format!("{phase:?} + {event:?}");
            let (after, effects) = step(in_phase(phase, PayKind::Barcode), event);
            assert_eq!(after.phase, expected_phase, "{label}");
            assert_eq!(recorded_status(&effects), expected_record, "{label}");
            assert_eq!(queries(&effects), expected_query, "{label}");
            assert!(!sends_create(&effects), "{label}");
        }
    }

    #[test]
    fn a_paid_answer_carries_what_was_paid() {
        let (_, effects) = step(
            in_phase(Phase::Waiting, PayKind::Qr),
            Event::Queried {
                now_ms: 5,
                result: Ok(paid(12_330)),
            },
        );
        let Some(Effect::Record(move_)) = effects.first() else {
            panic!("a record")
        };
        assert_eq!(
            move_.paid.as_ref().map(|p| p.amount),
            Some(Money::from_li(12_330))
        );
        assert_eq!(
            move_.error.as_deref(),
            Some("实付金额 ¥12.33 与订单金额 ¥12.34 不符")
        );
    }

    #[test]
    fn the_live_status_says_what_is_happening() {
        let (_, effects) = step(
            in_phase(Phase::Creating, PayKind::Qr),
            Event::Created {
                now_ms: 1,
                result: created(),
            },
        );
        assert!(effects.contains(&Effect::Progress(LiveStatus::AwaitingScan)));
        assert!(
            effects
                .iter()
                .any(|e| matches!(e, Effect::Show(PayDisplay::QrCode(_))))
        );
        let unknown = Err(GatewayError::Unknown(UnknownCause::Network));
        let (_, effects) = step(
            in_phase(Phase::Waiting, PayKind::Barcode),
            Event::Queried {
                now_ms: 1,
                result: unknown,
            },
        );
        assert!(effects.contains(&Effect::Progress(LiveStatus::Confirming)));
        assert_eq!(
            crate::i18n::Localized::message(&LiveStatus::Confirming, crate::i18n::Lang::Zh),
            "网络异常，正在确认结果…"
        );
    }

    #[test]
    fn the_last_query_is_not_scheduled_past_the_deadline() {
        let (_, effects) = step(
            in_phase(Phase::Waiting, PayKind::Barcode),
            Event::Queried {
                now_ms: 43_000,
                result: Ok(OrderState::Waiting),
            },
        );
        assert!(effects.contains(&Effect::QueryAfter(Duration::from_secs(2))));
    }
}
