//! Runs one payment: carries out the state machine's effects against the ledger, the gateway
//! and the clock, and reports progress to whoever shows it (the window or the CLI).

use std::time::Instant;

use chrono::Utc;
use tokio::sync::{mpsc, watch};

use super::notices::{NoticeReceiver, Notices};
use super::policy::{PollPolicy, requery_delay};
use super::state_machine::{Effect, Event, LiveStatus, PayKind, Payment, Phase, step};
use crate::gateway::barcode::{detect_wallet, normalise_code};
use crate::gateway::card_payer::{CardPayer, TypedCard};
use crate::gateway::changpay::Payer;
use crate::gateway::{Gateway, MethodKind, NewOrder, PayDisplay, PayMethod, RequestError};
use crate::i18n::{Lang, Localized};
use crate::ledger::{Applied, LedgerError, OrderDraft, OrderRecord, SharedLedger};
use crate::money::Money;
use crate::secret::mask_number;
use crate::status::OrderStatus;

/// What the cashier asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRequest {
    /// How the customer pays. For bar-code pay either barcode method: the code's prefix decides.
    pub method: PayMethod,
    /// What is charged.
    pub amount: Money,
    /// What is sold.
    pub description: String,
    /// The scanned payment code, for bar-code pay.
    pub auth_code: Option<String>,
    /// The payer, for changpay's bank transfers.
    pub payer: Option<Payer>,
    /// The card holder, for qht quick pay.
    pub card: Option<CardPayer>,
}

/// How a payment is going, for the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    /// The order is in the ledger under this number.
    Recorded(String),
    /// Show this to the customer.
    Show(PayDisplay),
    /// The words for the wait.
    Live(LiveStatus),
}

/// Why a payment could not start, or stopped without a result.
#[derive(Debug, thiserror::Error)]
pub enum PayError {
    /// Bad input: nothing was written or sent.
    #[error("{}", .0.message(Lang::Zh))]
    Invalid(RequestError),
    /// The ledger failed before the order was written: nothing was sent.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// The ledger failed after the order was written: the order is kept and resolved later by
    /// recovery.
    #[error("{0}；订单已保存，将在下次启动时核对")]
    LedgerAfterWrite(LedgerError),
}

impl Localized for PayError {
    fn message(&self, lang: Lang) -> String {
        match self {
            PayError::Invalid(error) => error.message(lang),
            PayError::Ledger(error) => match lang {
                Lang::Zh => format!("{error}；未发出任何请求"),
                Lang::En => format!("{}; nothing was sent", error.message(lang)),
            },
            PayError::LedgerAfterWrite(error) => match lang {
                Lang::Zh => self.to_string(),
                Lang::En => format!(
                    "{}; the order is kept and will be checked at the next start",
                    error.message(lang)
                ),
            },
        }
    }
}

/// How a payment ended: the ledger's record of it, which is the truth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The order as the ledger holds it now.
    pub order: OrderRecord,
    /// What was shown to the customer, if anything.
    pub shown: Option<PayDisplay>,
}

/// Everything a payment needs.
#[derive(Debug, Clone)]
pub struct PaymentContext {
    /// The gateway.
    pub gateway: Gateway,
    /// The ledger.
    pub ledger: SharedLedger,
    /// This till's id.
    pub till_id: String,
    /// Bar-code pay's live wait.
    pub barcode_policy: PollPolicy,
    /// Scan-code pay's live wait.
    pub qr_policy: PollPolicy,
    /// Orders notifications have moved: a waiting payment queries at once.
    pub notices: Notices,
}

/// Checks a request before anything is written: the method is offered, the amount fits, a
/// bar code is a wallet's code (which then names the method).
fn validate(
    gateway: &Gateway,
    request: &PaymentRequest,
) -> Result<(PayMethod, Option<String>), RequestError> {
    let (method, code) = match (request.method.kind(), &request.auth_code) {
        (MethodKind::Barcode, Some(raw)) => {
            let code = normalise_code(raw);
            (detect_wallet(&code)?.barcode_method(), Some(code))
        }
        (MethodKind::Barcode, None) => return Err(RequestError::BadAuthCode),
        (_, _) => (request.method, None),
    };
    if !method.is_offered_by(gateway.provider()) {
        return Err(RequestError::MethodNotOffered(method.zh_name()));
    }
    if request.amount <= Money::ZERO
        || request.amount > gateway.max_amount()
        || request.amount.fen().is_none()
    {
        return Err(RequestError::Amount(request.amount));
    }
    if method.needs_payer() {
        // Checked again here whoever built it (the window's form, the CLI, a library caller).
        let payer = request.payer.as_ref().ok_or(RequestError::Missing {
            field: "user_portrait_name",
        })?;
        Payer::checked(method, &payer.name, &payer.id)?;
    }
    if let Some(card_type) = method.card_type() {
        // Checked again here whoever built it, and of the method's own card type.
        let card = request.card.as_ref().ok_or(RequestError::CardMissing)?;
        let typed = TypedCard {
            name: &card.name,
            card_number: &card.card_number,
            phone: &card.phone,
            id_card: &card.id_card,
        };
        CardPayer::checked(typed, card_type)?;
        if card.card_type != card_type {
            return Err(RequestError::MethodNotOffered(method.zh_name()));
        }
    }
    Ok((method, code))
}

/// Takes one payment to its end: paid, failed, unresolved or an amount mismatch.
///
/// `cancel` turning true stops the wait (the order stays and is queried in the background).
pub async fn run_payment(
    context: &PaymentContext,
    request: &PaymentRequest,
    progress: &mpsc::Sender<Progress>,
    cancel: watch::Receiver<bool>,
) -> Result<Outcome, PayError> {
    let (method, auth_code) = validate(&context.gateway, request).map_err(PayError::Invalid)?;
    let (kind, policy) = match method.kind() {
        MethodKind::Barcode => (PayKind::Barcode, context.barcode_policy),
        _ => (PayKind::Qr, context.qr_policy),
    };
    let mut run = Run {
        context,
        request,
        method,
        auth_code,
        progress,
        cancel,
        // Subscribed before the order exists, so no notice about it can slip past.
        notices: context.notices.subscribe(),
        started: Instant::now(),
        order: None,
        shown: None,
    };
    let (mut payment, effects) = Payment::start(request.amount, kind, policy);
    let mut queue: std::collections::VecDeque<Effect> = effects.into();
    while let Some(effect) = queue.pop_front() {
        let executed = run.execute(effect).await;
        let executed = match executed {
            // Once the order row exists, a ledger failure leaves an order for recovery.
            Err(PayError::Ledger(error)) if run.order.is_some() => {
                Err(PayError::LedgerAfterWrite(error))
            }
            other => other,
        };
        if let Some(event) = executed? {
            let (next, effects) = step(payment, event);
            payment = next;
            queue.extend(effects);
        }
    }
    debug_assert!(
        matches!(payment.phase, Phase::Done(_)),
        "the loop ends only when done"
    );
    let order_no = run.order.map(|o| o.order_no).unwrap_or_default();
    let record = context
        .ledger
        .run(move |ledger| {
            ledger
                .order(&order_no)?
                .ok_or(LedgerError::NoSuchOrder(order_no))
        })
        .await?;
    // The support log's line per sale: never the pay code (only the ledger's masked copy exists).
    tracing::info!(
        order = %record.order_no,
        method = record.method.slug(),
        amount = %record.amount,
        status = ?record.status,
        "payment ended"
    );
    Ok(Outcome {
        order: record,
        shown: run.shown,
    })
}

/// One payment's IO: what the effects act on.
struct Run<'a> {
    context: &'a PaymentContext,
    request: &'a PaymentRequest,
    method: PayMethod,
    auth_code: Option<String>,
    progress: &'a mpsc::Sender<Progress>,
    cancel: watch::Receiver<bool>,
    notices: NoticeReceiver,
    started: Instant,
    order: Option<NewOrder>,
    shown: Option<PayDisplay>,
}

impl Run<'_> {
    fn now_ms(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Waits `wait` (or less, if a notification moves the order), then queries the order.
    async fn query_after(&mut self, wait: std::time::Duration) -> Option<Event> {
        let order = self.order.as_ref()?;
        let notices = &mut self.notices;
        let ledger = &self.context.ledger;
        let query = async {
            // A notification about this order ends the wait early.
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = notices.moved(&order.order_no) => {}
            }
            // A verified notification the listener recorded as paid ends the sale at once,
            // even while the gateway's query still says unpaid (issue 20: it lagged 24 s).
            let order_no = order.order_no.clone();
            let held = ledger.run(move |ledger| ledger.order(&order_no)).await;
            if let Ok(Some(held)) = held
                && matches!(held.status, OrderStatus::Paid | OrderStatus::AmountMismatch)
            {
                return Event::Settled(held.status);
            }
            Event::Queried {
                now_ms: 0,
                result: self.context.gateway.query_order(&order.order_no).await,
            }
        };
        let event = tokio::select! {
            event = query => match event {
                Event::Queried { result, .. } => Event::Queried { now_ms: self.now_ms(), result },
                other => other,
            },
            () = cancelled(&mut self.cancel) => Event::Cancel,
        };
        Some(event)
    }

    /// The order's row as first written.
    fn draft(&self) -> OrderDraft {
        OrderDraft {
            provider: self.context.gateway.provider(),
            merchant_id: self.context.gateway.merchant_id().to_owned(),
            till_id: self.context.till_id.clone(),
            method: self.method,
            amount: self.request.amount,
            description: self.request.description.clone(),
            // The customer's detail, masked: the pay code, a bank transfer's payer, a card holder.
            auth_code_masked: self
                .auth_code
                .as_deref()
                .map(mask_number)
                .or_else(|| self.request.payer.as_ref().map(Payer::masked))
                .or_else(|| self.request.card.as_ref().map(CardPayer::masked)),
        }
    }

    /// Carries out `effect`; returns the event it led to, if any.
    async fn execute(&mut self, effect: Effect) -> Result<Option<Event>, PayError> {
        let ledger = &self.context.ledger;
        match effect {
            Effect::Insert => {
                let draft = self.draft();
                let record = ledger
                    .run(move |ledger| ledger.create_order(&draft, Utc::now()))
                    .await?;
                let _ = self
                    .progress
                    .send(Progress::Recorded(record.order_no.clone()))
                    .await;
                self.order = Some(NewOrder {
                    order_no: record.order_no,
                    method: self.method,
                    amount: self.request.amount,
                    description: self.request.description.clone(),
                    payer: self.request.payer.clone(),
                    card: self.request.card.clone(),
                });
                Ok(Some(Event::Recorded {
                    now_ms: self.now_ms(),
                }))
            }
            Effect::SendCreate => {
                let Some(order) = &self.order else {
                    return Ok(None);
                };
                let gateway = &self.context.gateway;
                let create = async {
                    match &self.auth_code {
                        Some(code) => gateway.create_barcode_order(order, code).await,
                        None => gateway.create_qr_order(order).await,
                    }
                };
                let event = tokio::select! {
                    result = create => Event::Created { now_ms: self.now_ms(), result },
                    () = cancelled(&mut self.cancel) => Event::Cancel,
                };
                Ok(Some(event))
            }
            Effect::QueryAfter(wait) => Ok(self.query_after(wait).await),
            Effect::Record(mut transition) => {
                let Some(order) = &self.order else {
                    return Ok(None);
                };
                let now = Utc::now();
                match transition.to {
                    // The live wait is over: the background re-query takes the order from here.
                    OrderStatus::Unresolved => {
                        transition.next_query_at = Some(now + requery_delay(0));
                    }
                    // Asked again later: money found then is a late payment (issue 20).
                    OrderStatus::Failed => {
                        transition.next_query_at =
                            Some(now + crate::payment::policy::FAILED_RECHECK_FIRST);
                    }
                    _ => {}
                }
                let order_no = order.order_no.clone();
                let to = transition.to;
                let applied = ledger
                    .run(move |ledger| ledger.record(&order_no, &transition, now))
                    .await?;
                if let Applied::Unchanged { current } = applied {
                    tracing::info!(order = %order.order_no, %current, %to, "status already moved on");
                }
                Ok(None)
            }
            Effect::NoteError(error) => {
                if let Some(order) = &self.order {
                    let order_no = order.order_no.clone();
                    ledger
                        .run(move |ledger| ledger.note_error(&order_no, &error, Utc::now()))
                        .await?;
                }
                Ok(None)
            }
            Effect::Show(display) => {
                self.shown = Some(display.clone());
                let _ = self.progress.send(Progress::Show(display)).await;
                Ok(None)
            }
            Effect::Progress(live) => {
                let _ = self
                    .progress
                    .send(Progress::Live(words_for(self.method, live)))
                    .await;
                Ok(None)
            }
        }
    }
}

/// The wait's words for `method`: the machine waits alike for a QR and a pay page, but the
/// customer finishes quick pay on a page, not by scanning.
fn words_for(method: PayMethod, live: LiveStatus) -> LiveStatus {
    match live {
        LiveStatus::AwaitingScan if method.kind() == MethodKind::CardPage => {
            LiveStatus::AwaitingPage
        }
        live => live,
    }
}

/// Resolves when `cancel` is true; never, if its sender is gone.
async fn cancelled(cancel: &mut watch::Receiver<bool>) {
    if cancel.wait_for(|stop| *stop).await.is_err() {
        std::future::pending::<()>().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_written_order_is_promised_a_check_at_the_next_start() {
        let before = PayError::Ledger(LedgerError::OrderNumbersExhausted);
        let after = PayError::LedgerAfterWrite(LedgerError::OrderNumbersExhausted);
        for lang in [Lang::Zh, Lang::En] {
            assert!(!before.message(lang).contains("下次启动"));
            assert!(!before.message(lang).contains("next start"));
        }
        assert!(after.message(Lang::Zh).contains("下次启动时核对"));
        assert!(after.message(Lang::En).contains("next start"));
    }
}
