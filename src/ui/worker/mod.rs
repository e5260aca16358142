//! The window's background worker. Its loop only dispatches: every payment, the start-up
//! recovery, the background re-query, a person's re-query, a connection test, a history load and
//! an export runs as its own tokio task, so a slow gateway or a long recovery never holds up the
//! next sale. Ledger calls run on the blocking pool ([`SharedLedger::run`]); queries of one order
//! are coalesced ([`Requerier`]). Tasks report to the UI through the [`Outbox`].
//!
//! The configuration in force sits in a `watch` channel: each task takes the one in force when it
//! is spawned, so a payment under way finishes on the settings it started with, while an applied
//! configuration takes the next sale.

mod apply;
mod background;
mod handle;
mod history_tasks;
mod owner_pin_tasks;
mod owner_tasks;
mod refund_tasks;
mod requery_tasks;
mod settings_tasks;
mod shop_day_tasks;

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::{Mutex, Notify, mpsc, watch};
use tokio::task::JoinHandle;

use history_tasks::{detail, history, store_history};
use settings_tasks::{save_settings_task, test_connection};

pub use handle::{Backend, COMMAND_QUEUE, EVENT_QUEUE, Outbox, Waker, WorkerSettings};

use super::backend::{Command, HistoryScope, Problem, UiEvent};
use crate::app::setup::{Configured, Resources};
use crate::gateway::PayDisplay;
use crate::ledger::SharedLedger;
use crate::payment::requery::Requerier;
use crate::payment::runner::{PaymentRequest, Progress, run_payment};
use crate::receipt::pole_display::Shown;
use background::{forward_health, recover, send_unresolved, store_sync};

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
    /// The customer's pole display, started again when the settings change it.
    display: crate::app::pole_display::PoleDisplay,
    /// The voice announcements, started again when the settings change them.
    voice: crate::app::announcer::Announcer,
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
    // A pay page left by a till killed mid-sale is not kept (it may echo a card holder).
    crate::app::card_page::CardPages::new(&settings.paths.data_dir, "").sweep();
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
        listener: crate::app::setup::spawn_notify_listener(
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
        display: crate::app::pole_display::PoleDisplay::default(),
        voice: crate::app::announcer::Announcer::default(),
    };
    runtime.spawn(recover(
        configured,
        worker.requerier.clone(),
        worker.outbox.clone(),
        started_at,
    ));
    runtime.spawn(worker.run(commands, late_rx));
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

    /// The pole display of the configuration in force (started on first use, and again after a
    /// change of `[display]`).
    fn display(&mut self) -> crate::app::pole_display::PoleDisplay {
        let configured = self.configured();
        let wanted = configured.config.display.as_ref();
        if !self.display.is_for(wanted) {
            self.display = crate::app::pole_display::PoleDisplay::start(wanted);
        }
        self.display.clone()
    }

    fn voice(&mut self) -> crate::app::announcer::Announcer {
        let configured = self.configured();
        if !self.voice.is_for(&configured.config.voice) {
            self.voice = crate::app::announcer::Announcer::start(&configured.config.voice);
        }
        self.voice.clone()
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
            Command::Cash(amount, tendered) => self.cash(amount, tendered),
            Command::Cancel => {
                if let Some(cancel) = &self.cancel {
                    let _ = cancel.send(true);
                }
            }
            Command::ShowDue(amount) => self.display().show(Shown::Due(amount)),
            Command::Announce(announcement) => self.voice().say(announcement),
            Command::ReopenCardPage(order_no, html) => {
                if let Err(error) = self.card_pages().show(&order_no, &html) {
                    tracing::warn!(%error, "could not write the pay page");
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
                let before = Arc::clone(&configured);
                tokio::spawn(save_settings_task(*config, path, keys_to, before, outbox));
            }
            command @ (Command::CheckOwnerPin(_) | Command::SaveOwnerPin(..)) => {
                owner_pin_tasks::dispatch(command, &configured, outbox);
            }
            command @ (Command::LoadCashiers
            | Command::AddCashier(..)
            | Command::RemoveCashier(_)
            | Command::LoadAudit(_)) => owner_tasks::dispatch(command, &configured, outbox),
            command @ (Command::Onboard(..) | Command::OnboardQuery(..)) => {
                let till_id = configured.context.till_id.clone();
                settings_tasks::dispatch_onboarding(command, till_id, outbox);
            }
            command @ (Command::LoadShifts(_)
            | Command::Export(..)
            | Command::OpenExportFolder
            | Command::MarkReplaced(_)
            | Command::SaveLanguage(_)
            | Command::TestStore(..)
            | Command::OpenShift(..)
            | Command::CloseShift(..)
            | Command::Print(_)
            | Command::OpenDrawer
            | Command::TestPrint(..)
            | Command::LoadPorts
            | Command::TryVoice(..)
            | Command::Diagnostics) => self.dispatch_shop_day(command),
            command @ (Command::Refund(_) | Command::LoadDay(_) | Command::Void(..)) => {
                refund_tasks::dispatch(command, self.configured(), self.outbox.clone());
            }
        }
    }

    /// Writes a cash sale, then opens the drawer (after the sale is on screen: a printer that
    /// hangs holds up the drawer, never the sale).
    fn cash(&mut self, amount: crate::money::Money, tendered: crate::money::Money) {
        let display = self.display();
        let (outbox, configured) = (self.outbox.clone(), self.configured());
        let store_nudge = Arc::clone(&self.store_nudge);
        tokio::spawn(async move {
            let taken = crate::payment::cash::take_cash(
                &configured.context,
                amount,
                tendered,
                "商品".to_owned(),
            )
            .await;
            if let Ok(order) = &taken {
                display.show(crate::app::pole_display::cash_shown(order));
            }
            let why = taken
                .as_ref()
                .ok()
                .map(|order| crate::app::drawer::Why::CashSale(order.order_no.clone()));
            let done = taken
                .map(Box::new)
                .map_err(|error| Problem::Cash(Arc::new(error)));
            outbox.emit(UiEvent::PaymentDone(done)).await;
            store_nudge.notify_one();
            if let Some(why) = why {
                background::open_drawer(&configured, None, why, &outbox).await;
            }
        });
    }

    /// Quick pay's pages, in the data folder, for the gateway in force.
    fn card_pages(&self) -> crate::app::card_page::CardPages {
        crate::app::card_page::CardPages::new(
            &self.settings.paths.data_dir,
            self.configured().context.gateway.base_url(),
        )
    }

    fn pay(&mut self, request: PaymentRequest) {
        let (cancel_tx, cancel_rx) = watch::channel(false);
        let pages = self.card_pages();
        self.cancel = Some(cancel_tx);
        let display = self.display();
        display.show(Shown::Due(request.amount));
        let configured = self.configured();
        let outbox = self.outbox.clone();
        let store_nudge = Arc::clone(&self.store_nudge);
        tokio::spawn(async move {
            let (progress_tx, mut progress_rx) = mpsc::channel(16);
            let forward_outbox = outbox.clone();
            let shown_nudge = Arc::clone(&store_nudge);
            let page_of_sale = pages.clone();
            let forward = tokio::spawn(async move {
                let mut order_no = String::new();
                while let Some(progress) = progress_rx.recv().await {
                    match &progress {
                        Progress::Recorded(recorded) => order_no.clone_from(recorded),
                        // In the store before the customer pays, so the store's notification
                        // service finds the order.
                        Progress::Show(display) => {
                            shown_nudge.notify_one();
                            if let PayDisplay::CardPage(html) = display
                                && let Err(error) = page_of_sale.show(&order_no, html)
                            {
                                tracing::warn!(%error, "could not write the pay page");
                            }
                        }
                        Progress::Live(_) => {}
                    }
                    forward_outbox.emit(UiEvent::Progress(progress)).await;
                }
                order_no
            });
            let result = run_payment(&configured.context, &request, &progress_tx, cancel_rx).await;
            drop(progress_tx);
            if let Ok(order_no) = forward.await {
                // Whatever the end: the page may echo the card holder, and is done with.
                pages.remove(&order_no);
            }
            display.show(crate::app::pole_display::after_payment(
                result.as_ref().ok(),
            ));
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
}
