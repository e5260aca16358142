//! The window's background worker. Its loop only dispatches: every payment, the start-up
//! recovery, the background re-query, a person's re-query, a connection test, a history load and
//! an export runs as its own tokio task, so a slow gateway or a long recovery never holds up the
//! next sale. Ledger calls run on the blocking pool ([`SharedLedger::run`]); queries of one order
//! are coalesced ([`Requerier`]). Tasks report to the UI through the [`Outbox`].
//!
//! The configuration in force sits in a `watch` channel: each task takes the one in force when it
//! is spawned, so a payment under way finishes on the settings it started with, while an applied
//! configuration takes the next sale.

mod handle;
mod history_tasks;
mod settings_tasks;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::Utc;
use tokio::sync::{Mutex, Notify, mpsc, watch};
use tokio::task::JoinHandle;

use history_tasks::{detail, export, history, open_folder, store_history};
use settings_tasks::{OnboardingCall, onboard, save_settings_task, test_connection, test_store};

pub use handle::{Backend, COMMAND_QUEUE, EVENT_QUEUE, Outbox, Waker, WorkerSettings};

use super::backend::{Command, GatewayView, HistoryScope, Problem, UiEvent};
use super::shop_day::{self, ShiftCall};
use crate::config::Config;
use crate::ledger::{OrderRecord, SharedLedger};
use crate::payment::requery::{Answer, Requerier, RequeryResult};
use crate::payment::runner::{PaymentRequest, run_payment};
use crate::setup::{Configured, Resources, configure};
use crate::status::Source;

/// How often unresolved orders that are due are re-queried.
const REQUERY_TICK: Duration = Duration::from_secs(30);
/// Days in the history chart.
const CHART_DAYS: u32 = 30;
/// Notifications' late payments waiting to be announced.
const LATE_QUEUE: usize = 64;

/// What the worker keeps across configurations: the sandbox and open ledgers, the notification
/// listener of the configuration in force, and the ledgers whose left-open orders this run has
/// already recovered.
#[derive(Debug, Default)]
struct Held {
    resources: Resources,
    listener: Option<JoinHandle<()>>,
    health: Option<JoinHandle<()>>,
    store: Option<JoinHandle<()>>,
    recovered: Vec<SharedLedger>,
}

/// The dispatch loop's state: handles to everything, nothing that waits.
struct Worker {
    current: watch::Sender<Arc<Configured>>,
    held: Arc<Mutex<Held>>,
    settings: Arc<WorkerSettings>,
    outbox: Outbox,
    requerier: Requerier,
    cancel: Option<watch::Sender<bool>>,
    background_busy: Arc<AtomicBool>,
    late_payments: mpsc::Sender<String>,
    /// Asks the store pusher to push now (after a sale).
    store_nudge: Arc<Notify>,
}

/// Starts the worker: the notification listener, the start-up recovery and the dispatch loop.
pub fn start(
    runtime: &tokio::runtime::Handle,
    configured: Configured,
    resources: Resources,
    settings: WorkerSettings,
    outbox: Outbox,
    commands: mpsc::Receiver<Command>,
) {
    let (late_tx, late_rx) = mpsc::channel(LATE_QUEUE);
    let started_at = Utc::now();
    let configured = Arc::new(configured);
    let store_nudge = Arc::new(Notify::new());
    let requerier = Requerier::default();
    let held = Held {
        store: Some(runtime.spawn(store_sync(
            Arc::clone(&configured),
            Arc::clone(&store_nudge),
            requerier.clone(),
            outbox.clone(),
        ))),
        listener: crate::setup::spawn_notify_listener(
            runtime,
            &configured.config,
            &configured.context,
            Some(late_tx.clone()),
        ),
        health: Some(runtime.spawn(forward_health(Arc::clone(&configured), outbox.clone()))),
        resources,
        recovered: vec![configured.ledger().clone()],
    };
    let worker = Worker {
        current: watch::Sender::new(Arc::clone(&configured)),
        held: Arc::new(Mutex::new(held)),
        settings: Arc::new(settings),
        outbox,
        requerier,
        cancel: None,
        background_busy: Arc::new(AtomicBool::new(false)),
        late_payments: late_tx,
        store_nudge,
    };
    runtime.spawn(recover(
        configured,
        worker.requerier.clone(),
        worker.outbox.clone(),
        started_at,
    ));
    runtime.spawn(worker.run(commands, late_rx));
}

/// Tells the UI each change of the gateway's health, until the gateway is gone.
async fn forward_health(configured: Arc<Configured>, outbox: Outbox) {
    let mut health = configured.context.gateway.health();
    drop(configured);
    loop {
        let now = *health.borrow_and_update();
        outbox.emit(UiEvent::GatewayHealth(now)).await;
        if health.changed().await.is_err() {
            return;
        }
    }
}

/// Keeps the store ledger of `configured` caught up and tells the UI how it stands (or that
/// there is no store); listens for payments the store's notification service recorded for this
/// till, so a waiting sale ends at once and one the cashier gave up on is announced.
async fn store_sync(
    configured: Arc<Configured>,
    nudge: Arc<Notify>,
    requerier: Requerier,
    outbox: Outbox,
) {
    let Some(config) = configured.sales_store().cloned() else {
        return outbox.emit(UiEvent::Store(None)).await;
    };
    let context = &configured.context;
    let (status_tx, mut status) = watch::channel(crate::store::StoreStatus::Connecting);
    let forward = async {
        loop {
            let now = status.borrow_and_update().clone();
            outbox.emit(UiEvent::Store(Some(now))).await;
            if status.changed().await.is_err() {
                return;
            }
        }
    };
    let (paid_tx, mut paid_rx) = mpsc::channel::<String>(LATE_QUEUE);
    let on_paid = async {
        while let Some(order_no) = paid_rx.recv().await {
            context.notices.announce(&order_no);
            let ledger = context.ledger.clone();
            let order = ledger.run(move |ledger| ledger.order(&order_no)).await;
            let Ok(Some(order)) = order else { continue };
            if order.status.is_final() {
                continue;
            }
            // The verified answer comes from the gateway, as for every move of an order.
            let answer = requerier
                .requery(
                    &context.gateway,
                    &context.ledger,
                    order,
                    // A query the store's notice set off, not the notice itself.
                    Source::Background,
                    configured.requery,
                )
                .await;
            if let Ok(result) = answer {
                outbox.late(std::slice::from_ref(&result)).await;
            }
        }
    };
    // All in this task, so aborting it (a new configuration) stops them all.
    tokio::join!(
        crate::store::keep_pushing(
            config.clone(),
            context.till_id.clone(),
            context.ledger.clone(),
            nudge,
            status_tx,
        ),
        crate::store::listen_for_payments(config, context.till_id.clone(), paid_tx),
        forward,
        on_paid,
    );
}

/// At start-up, every order an earlier run left open is queried; what was paid meanwhile is
/// announced.
async fn recover(
    configured: Arc<Configured>,
    requerier: Requerier,
    outbox: Outbox,
    started_at: chrono::DateTime<Utc>,
) {
    let context = &configured.context;
    let answers = requerier
        .recover_all(
            &context.gateway,
            &context.ledger,
            configured.requery,
            started_at,
        )
        .await;
    let results = match answers {
        Ok(answers) => collect(answers, &outbox).await,
        Err(error) => return outbox.emit(UiEvent::Error(error.into())).await,
    };
    let found: Vec<OrderRecord> = results
        .into_iter()
        .filter(RequeryResult::found_payment)
        .map(|result| result.order)
        .collect();
    if !found.is_empty() {
        outbox.emit(UiEvent::Recovered(found)).await;
    }
    send_unresolved(&context.ledger, &outbox).await;
}

/// The results of `answers`; each ledger failure is reported.
async fn collect(answers: Vec<Answer>, outbox: &Outbox) -> Vec<RequeryResult> {
    let mut results = Vec::new();
    for answer in answers {
        match answer {
            Ok(result) => results.push(result),
            Err(error) => outbox.emit(UiEvent::Error(error.into())).await,
        }
    }
    results
}

impl Worker {
    async fn run(
        mut self,
        mut commands: mpsc::Receiver<Command>,
        mut late_payments: mpsc::Receiver<String>,
    ) {
        let mut tick = tokio::time::interval(REQUERY_TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tick.tick().await;
        loop {
            tokio::select! {
                command = commands.recv() => match command {
                    Some(command) => self.dispatch(command),
                    None => return,
                },
                _ = tick.tick() => self.spawn_requery_due(),
                Some(order_no) = late_payments.recv() => {
                    let (ledger, outbox) = (self.ledger(), self.outbox.clone());
                    tokio::spawn(async move {
                        let order = ledger.run(move |ledger| ledger.order(&order_no)).await;
                        if let Ok(Some(order)) = order {
                            outbox.emit(UiEvent::LatePayment(Box::new(order))).await;
                        }
                    });
                }
            }
        }
    }

    /// The configuration in force now.
    fn configured(&self) -> Arc<Configured> {
        self.current.borrow().clone()
    }

    fn ledger(&self) -> SharedLedger {
        self.configured().context.ledger.clone()
    }

    /// Starts what `command` asks for and returns at once.
    fn dispatch(&mut self, command: Command) {
        let outbox = self.outbox.clone();
        let configured = self.configured();
        match command {
            Command::Pay(request) => self.pay(request),
            Command::Cash(amount, tendered) => {
                let store_nudge = Arc::clone(&self.store_nudge);
                tokio::spawn(async move {
                    let taken = crate::payment::cash::take_cash(
                        &configured.context,
                        amount,
                        tendered,
                        "商品".to_owned(),
                    )
                    .await;
                    let done = taken
                        .map(Box::new)
                        .map_err(|error| Problem::Cash(Arc::new(error)));
                    outbox.emit(UiEvent::PaymentDone(done)).await;
                    store_nudge.notify_one();
                });
            }
            Command::Cancel => {
                if let Some(cancel) = &self.cancel {
                    let _ = cancel.send(true);
                }
            }
            Command::SimulatePay(url) => {
                tokio::spawn(async move {
                    if let Err(error) = reqwest::get(&url).await {
                        let problem = Problem::SimulatePay(error.without_url().to_string());
                        outbox.emit(UiEvent::Error(problem)).await;
                    }
                });
            }
            Command::LoadHistory(day, scope) => {
                tokio::spawn(async move {
                    let loaded = match scope {
                        HistoryScope::ThisTill => {
                            history(&configured, day).await.map_err(Problem::from)
                        }
                        scope => store_history(&configured, day, scope)
                            .await
                            .map_err(Problem::Store),
                    };
                    let event = match loaded {
                        Ok(data) => UiEvent::History(Box::new(data)),
                        Err(problem) => UiEvent::Error(problem),
                    };
                    outbox.emit(event).await;
                });
            }
            Command::LoadDetail(order_no) => {
                tokio::spawn(async move {
                    let event = detail(configured.ledger(), order_no).await;
                    outbox.emit(event).await;
                });
            }
            Command::Requery(order_no) => self.spawn_requery(Some(order_no)),
            Command::RequeryAll => self.spawn_requery(None),
            Command::LoadUnresolved => {
                tokio::spawn(async move { send_unresolved(configured.ledger(), &outbox).await });
            }
            Command::TestConnection(config) => {
                let till_id = configured.context.till_id.clone();
                tokio::spawn(async move {
                    let verdict = test_connection(&config, &till_id).await;
                    outbox.emit(UiEvent::ConnectionTested(verdict)).await;
                });
            }
            Command::Apply(config) => self.spawn_apply(*config),
            Command::SaveSettings(config, path, keys_to) => {
                tokio::spawn(save_settings_task(*config, path, keys_to, outbox));
            }
            Command::Onboard(gateway, form) => {
                let till_id = configured.context.till_id.clone();
                let call = OnboardingCall::Register(form);
                tokio::spawn(async move { onboard(&gateway, &till_id, call, &outbox).await });
            }
            Command::OnboardQuery(gateway, cellphone, id_card) => {
                let till_id = configured.context.till_id.clone();
                let call = OnboardingCall::Query(cellphone, id_card);
                tokio::spawn(async move { onboard(&gateway, &till_id, call, &outbox).await });
            }
            command @ (Command::LoadShifts(_)
            | Command::Export(..)
            | Command::OpenExportFolder
            | Command::MarkReplaced(_)
            | Command::SaveLanguage(_)
            | Command::TestStore(..)
            | Command::OpenShift(..)
            | Command::CloseShift(_)
            | Command::Print(_)
            | Command::Diagnostics) => self.dispatch_shop_day(command),
        }
    }

    /// The shop's day: shifts, printing, exports and the diagnostics zip.
    fn dispatch_shop_day(&self, command: Command) {
        let (configured, outbox) = (self.configured(), self.outbox.clone());
        match command {
            Command::Export(from, to, scope, format) => {
                let export_dir = self.settings.export_dir.clone();
                tokio::spawn(async move {
                    let days = (from, to);
                    let result = export(&configured, days, scope, format, export_dir).await;
                    outbox.emit(UiEvent::Exported(result)).await;
                });
            }
            Command::OpenExportFolder => open_folder(&self.settings.export_dir),

            Command::LoadShifts(id) => self.spawn_shifts(ShiftCall::Load(id)),
            Command::OpenShift(cashier, float) => {
                self.spawn_shifts(ShiftCall::Open(cashier, float));
            }
            Command::CloseShift(counted) => self.spawn_shifts(ShiftCall::Close(counted)),
            Command::SaveLanguage(lang) => {
                let file = self.settings.paths.language_file();
                let text = match lang {
                    crate::i18n::Lang::Zh => "zh",
                    crate::i18n::Lang::En => "en",
                };
                tokio::spawn(async move {
                    if let Err(error) = tokio::fs::write(&file, text).await {
                        tracing::warn!(%error, "the language choice was not kept");
                    }
                });
            }
            Command::MarkReplaced(order_no) => {
                tokio::spawn(mark_replaced(
                    configured.context.ledger.clone(),
                    order_no,
                    outbox,
                ));
            }
            Command::TestStore(config, till_id) => {
                // The store takes only real sales, from the real ledger: its install id is the
                // one the till id is claimed for.
                let real_ledger = self.settings.paths.ledger_file(false);
                tokio::spawn(async move {
                    let result = test_store(&config, &till_id, real_ledger).await;
                    outbox.emit(UiEvent::StoreTested(result)).await;
                });
            }
            Command::Diagnostics => {
                let settings = Arc::clone(&self.settings);
                tokio::spawn(async move {
                    let written = crate::diagnostics::export(
                        &configured,
                        &settings.paths,
                        &settings.export_dir,
                    )
                    .await
                    .map_err(|error| Problem::Diagnostics(Arc::new(error)));
                    outbox.emit(UiEvent::Diagnostics(written)).await;
                });
            }
            Command::Print(job) => {
                let spool = self.settings.paths.spool_dir();
                tokio::spawn(async move {
                    outbox
                        .emit(shop_day::print(&configured, &spool, job).await)
                        .await;
                });
            }
            // `dispatch` sends only the commands above here.
            _ => {}
        }
    }

    fn spawn_shifts(&self, call: ShiftCall) {
        let (configured, outbox) = (self.configured(), self.outbox.clone());
        tokio::spawn(async move { outbox.emit(shop_day::shifts(&configured, call).await).await });
    }

    fn pay(&mut self, request: PaymentRequest) {
        let (cancel_tx, cancel_rx) = watch::channel(false);
        self.cancel = Some(cancel_tx);
        let configured = self.configured();
        let outbox = self.outbox.clone();
        let store_nudge = Arc::clone(&self.store_nudge);
        tokio::spawn(async move {
            let (progress_tx, mut progress_rx) = mpsc::channel(16);
            let forward_outbox = outbox.clone();
            let shown_nudge = Arc::clone(&store_nudge);
            let forward = tokio::spawn(async move {
                while let Some(progress) = progress_rx.recv().await {
                    if matches!(progress, crate::payment::runner::Progress::Show(_)) {
                        // In the store before the customer pays, so the store's notification
                        // service finds the order.
                        shown_nudge.notify_one();
                    }
                    forward_outbox.emit(UiEvent::Progress(progress)).await;
                }
            });
            let result = run_payment(&configured.context, &request, &progress_tx, cancel_rx).await;
            drop(progress_tx);
            let _ = forward.await;
            let done = result
                .map(|outcome| Box::new(outcome.order))
                .map_err(|error| Problem::Pay(Arc::new(error)));
            outbox.emit(UiEvent::PaymentDone(done)).await;
            // The sale is in this till's ledger; the store gets it now, not at the next tick.
            store_nudge.notify_one();
            // The unresolved count in the tab title stays true after every sale.
            send_unresolved(configured.ledger(), &outbox).await;
        });
    }

    /// A person's 重新查询 of one order, or of every unresolved order: exactly one
    /// [`UiEvent::Requeried`] answers it.
    fn spawn_requery(&self, order_no: Option<String>) {
        let configured = self.configured();
        let requerier = self.requerier.clone();
        let outbox = self.outbox.clone();
        tokio::spawn(async move {
            let context = &configured.context;
            let orders = context
                .ledger
                .run(move |ledger| match order_no {
                    Some(order_no) => ledger.order(&order_no).map(|o| o.into_iter().collect()),
                    None => ledger.unresolved(),
                })
                .await;
            let results = match orders {
                Ok(orders) => {
                    let answers = requerier
                        .requery_many(
                            &context.gateway,
                            &context.ledger,
                            orders,
                            Source::ManualRequery,
                            configured.requery,
                        )
                        .await;
                    collect(answers, &outbox).await
                }
                Err(error) => {
                    outbox.emit(UiEvent::Error(error.into())).await;
                    Vec::new()
                }
            };
            outbox.late(&results).await;
            outbox.emit(UiEvent::Requeried(results)).await;
            send_unresolved(&context.ledger, &outbox).await;
        });
    }

    /// The background re-query of orders that are due; skipped while the last one still runs.
    fn spawn_requery_due(&self) {
        if self.background_busy.swap(true, Ordering::AcqRel) {
            return;
        }
        // Cleared when the task ends however it ends: a panic must not stop the re-query for good.
        let busy = BusyFlag(Arc::clone(&self.background_busy));
        let configured = self.configured();
        let requerier = self.requerier.clone();
        let outbox = self.outbox.clone();
        tokio::spawn(async move {
            let context = &configured.context;
            let answers = requerier
                .requery_due(&context.gateway, &context.ledger, configured.requery)
                .await;
            match answers {
                Ok(answers) => {
                    let results = collect(answers, &outbox).await;
                    outbox.background_found(&results).await;
                    if results.iter().any(|r| r.order.status != r.before) {
                        send_unresolved(&context.ledger, &outbox).await;
                    }
                }
                Err(error) => tracing::error!(%error, "background re-query failed"),
            }
            drop(busy);
        });
    }

    /// Puts `config` in force for the next sale: builds its gateway and ledger (starting the
    /// sandbox if it needs one), swaps the notification listener, then tells the UI.
    fn spawn_apply(&self, config: Config) {
        let current = self.current.clone();
        let held = Arc::clone(&self.held);
        let settings = Arc::clone(&self.settings);
        let outbox = self.outbox.clone();
        let late_payments = self.late_payments.clone();
        let requerier = self.requerier.clone();
        let store_nudge = Arc::clone(&self.store_nudge);
        tokio::spawn(async move {
            let mut held = held.lock().await;
            let configured = match configure(config, &settings.paths, &mut held.resources).await {
                Ok(configured) => Arc::new(configured),
                Err(error) => {
                    let problem = Problem::Setup(Arc::new(error));
                    return outbox.emit(UiEvent::Applied(Err(problem))).await;
                }
            };
            if let Some(listener) = held.listener.take() {
                // Wait until the old listener has let go of its port before binding it again.
                listener.abort();
                let _ = listener.await;
            }
            held.listener = crate::setup::spawn_notify_listener(
                &tokio::runtime::Handle::current(),
                &configured.config,
                &configured.context,
                Some(late_payments),
            );
            if let Some(health) = held.health.take() {
                health.abort();
            }
            held.health = Some(tokio::spawn(forward_health(
                Arc::clone(&configured),
                outbox.clone(),
            )));
            if let Some(store) = held.store.take() {
                store.abort();
            }
            held.store = Some(tokio::spawn(store_sync(
                Arc::clone(&configured),
                Arc::clone(&store_nudge),
                requerier.clone(),
                outbox.clone(),
            )));
            // A ledger this run has not used yet may hold orders an earlier run left open.
            let ledger = configured.ledger();
            let first_use = !held.recovered.iter().any(|seen| seen.same_as(ledger));
            if first_use {
                held.recovered.push(ledger.clone());
            }
            drop(held);
            current.send_replace(Arc::clone(&configured));
            let view = GatewayView::of(&configured);
            outbox.emit(UiEvent::Applied(Ok(Box::new(view)))).await;
            if first_use {
                recover(configured, requerier, outbox, Utc::now()).await;
            } else {
                send_unresolved(configured.ledger(), &outbox).await;
            }
        });
    }
}

/// Clears its flag when dropped.
struct BusyFlag(Arc<AtomicBool>);

impl Drop for BusyFlag {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

async fn send_unresolved(ledger: &SharedLedger, outbox: &Outbox) {
    let event = match ledger.run(|ledger| ledger.unresolved()).await {
        Ok(orders) => UiEvent::Unresolved(orders),
        Err(error) => UiEvent::Error(error.into()),
    };
    outbox.emit(event).await;
}

/// Marks a QR order whose amount the customer paid by pay code instead: it stays queried, and a
/// payment on it later is announced as a double payment.
async fn mark_replaced(ledger: crate::ledger::SharedLedger, order_no: String, outbox: Outbox) {
    let marked = ledger
        .run(move |ledger| {
            ledger.flag_for_check(
                &order_no,
                crate::payment::requery::REPLACED_BY_CODE,
                crate::status::Source::Cancel,
                Utc::now(),
            )
        })
        .await;
    if let Err(error) = marked {
        outbox
            .emit(UiEvent::Error(Problem::Ledger(Arc::new(error))))
            .await;
    }
}
