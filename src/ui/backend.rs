//! The window's background worker: every HTTP call and every ledger query the screens need runs
//! here, on the tokio runtime, never in a frame. The UI sends [`Command`]s and reads [`UiEvent`]s,
//! both over bounded channels; each event wakes the UI.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use chrono::{FixedOffset, NaiveDate, Utc};
use tokio::sync::{mpsc, watch};

use crate::config::GatewayConfig;
use crate::gateway::GatewayError;
use crate::ledger::{DailyTotal, DayTotals, EventRecord, OrderRecord};
use crate::payment::requery::{RequeryPolicy, RequeryResult, recover_all, requery, requery_due};
use crate::payment::runner::{PaymentContext, PaymentRequest, Progress, lock, run_payment};
use crate::status::Source;

/// How often unresolved orders that are due are re-queried.
const REQUERY_TICK: Duration = Duration::from_secs(30);
/// Days in the history chart.
const CHART_DAYS: u32 = 30;

/// What the UI asks for.
#[derive(Debug, Clone)]
pub enum Command {
    /// Take a payment.
    Pay(PaymentRequest),
    /// Stop waiting for the current payment.
    Cancel,
    /// Sandbox only: open a pay page as the customer would.
    SimulatePay(String),
    /// A day's totals, orders and the chart ending that day.
    LoadHistory(NaiveDate),
    /// One order's record and history.
    LoadDetail(String),
    /// Query one order again (重新查询).
    Requery(String),
    /// Query every unresolved order again.
    RequeryAll,
    /// The unresolved list.
    LoadUnresolved,
    /// Write a day's orders as CSV into the export folder.
    ExportCsv(NaiveDate),
    /// Try a gateway configuration.
    TestConnection(Box<GatewayConfig>),
}

/// What the worker reports.
#[derive(Debug, Clone)]
pub enum UiEvent {
    /// The current payment moved on.
    Progress(Progress),
    /// The current payment ended (the ledger's record), or could not start.
    PaymentDone(Result<OrderRecord, String>),
    /// A day's history.
    History(Box<HistoryData>),
    /// One order with its history.
    Detail(Box<OrderRecord>, Vec<EventRecord>),
    /// Re-queries done.
    Requeried(Vec<RequeryResult>),
    /// The unresolved list.
    Unresolved(Vec<OrderRecord>),
    /// A payment arrived after the cashier gave up.
    LatePayment(Box<OrderRecord>),
    /// A CSV export was written, or why not.
    Exported(Result<PathBuf, String>),
    /// A connection test's verdict.
    ConnectionTested(ConnectionVerdict),
    /// Something failed that the cashier should know.
    Error(String),
}

/// A day's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryData {
    /// The day.
    pub day: NaiveDate,
    /// Its totals.
    pub totals: DayTotals,
    /// Its orders, newest first.
    pub orders: Vec<OrderRecord>,
    /// Paid totals of the 30 days ending with it.
    pub chart: Vec<DailyTotal>,
}

/// What a connection test found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectionVerdict {
    /// The gateway answered and accepted the merchant's sign.
    Ok,
    /// The gateway answered but refused the merchant id or key.
    WrongCredentials(String),
    /// The gateway could not be reached or answered garbage.
    Unreachable(String),
}

/// Where the worker keeps what it writes.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// Re-query timings.
    pub requery: RequeryPolicy,
    /// The zone of history days.
    pub offset: FixedOffset,
    /// Where CSV exports go.
    pub export_dir: PathBuf,
    /// The changpay notification listener's address, when configured.
    pub notify_listen: Option<std::net::SocketAddr>,
}

/// Wakes the UI; set once the window has a context.
pub type Waker = Arc<OnceLock<egui::Context>>;

/// The UI's end of the worker.
#[derive(Debug)]
pub struct Backend {
    commands: mpsc::Sender<Command>,
    events: mpsc::Receiver<UiEvent>,
    waker: Waker,
}

impl Backend {
    /// Starts the worker on `runtime`.
    #[must_use]
    pub fn start(
        runtime: &tokio::runtime::Handle,
        context: PaymentContext,
        settings: WorkerSettings,
    ) -> Backend {
        let (commands, command_rx) = mpsc::channel(64);
        let (event_tx, events) = mpsc::channel(256);
        let waker: Waker = Arc::new(OnceLock::new());
        let (late_tx, late_rx) = mpsc::channel(64);
        if let (Some(addr), Some(changpay)) =
            (settings.notify_listen, context.gateway.as_changpay())
        {
            let listener = crate::payment::notify_listener::Listener {
                ledger: context.ledger.clone(),
                mch_id: changpay.settings().mch_id.clone(),
                key: changpay.settings().key.clone(),
                late_payments: Some(late_tx),
            };
            runtime.spawn(async move {
                if let Err(error) = crate::payment::notify_listener::serve(listener, addr).await {
                    tracing::error!(%error, %addr, "notification listener stopped");
                }
            });
        }
        let worker = Worker {
            context,
            settings,
            events: event_tx,
            waker: Arc::clone(&waker),
            cancel: None,
        };
        runtime.spawn(worker.run(command_rx, late_rx));
        Backend {
            commands,
            events,
            waker,
        }
    }

    /// Gives the worker the UI's context, so its events wake the UI.
    pub fn attach(&self, ctx: &egui::Context) {
        let _ = self.waker.set(ctx.clone());
    }

    /// Sends `command`; never blocks a frame. A full queue drops it and says so.
    pub fn send(&self, command: Command) -> Result<(), String> {
        self.commands
            .try_send(command)
            .map_err(|_| "后台繁忙，请稍后再试 (busy, try again)".to_owned())
    }

    /// The events that arrived since the last frame.
    pub fn drain(&mut self) -> Vec<UiEvent> {
        std::iter::from_fn(|| self.events.try_recv().ok()).collect()
    }
}

struct Worker {
    context: PaymentContext,
    settings: WorkerSettings,
    events: mpsc::Sender<UiEvent>,
    waker: Waker,
    cancel: Option<watch::Sender<bool>>,
}

impl Worker {
    async fn run(
        mut self,
        mut commands: mpsc::Receiver<Command>,
        mut late_payments: mpsc::Receiver<String>,
    ) {
        self.recover().await;
        let mut tick = tokio::time::interval(REQUERY_TICK);
        tick.tick().await;
        loop {
            tokio::select! {
                command = commands.recv() => match command {
                    Some(command) => self.handle(command).await,
                    None => return,
                },
                _ = tick.tick() => self.requery_due().await,
                Some(order_no) = late_payments.recv() => {
                    let order = lock(&self.context.ledger).order(&order_no);
                    if let Ok(Some(order)) = order {
                        self.send(UiEvent::LatePayment(Box::new(order))).await;
                    }
                }
            }
        }
    }

    async fn emit(events: &mpsc::Sender<UiEvent>, waker: &Waker, event: UiEvent) {
        let _ = events.send(event).await;
        if let Some(ctx) = waker.get() {
            ctx.request_repaint();
        }
    }

    async fn send(&self, event: UiEvent) {
        Self::emit(&self.events, &self.waker, event).await;
    }

    /// At start-up, every order that is not final is queried.
    async fn recover(&self) {
        match recover_all(
            &self.context.gateway,
            &self.context.ledger,
            &self.settings.requery,
        )
        .await
        {
            Ok(results) => self.report_late(&results).await,
            Err(error) => self.send(UiEvent::Error(error.to_string())).await,
        }
    }

    async fn requery_due(&self) {
        match requery_due(
            &self.context.gateway,
            &self.context.ledger,
            &self.settings.requery,
        )
        .await
        {
            Ok(results) => self.report_late(&results).await,
            Err(error) => tracing::error!(%error, "background re-query failed"),
        }
    }

    async fn report_late(&self, results: &[RequeryResult]) {
        for result in results.iter().filter(|r| r.late) {
            self.send(UiEvent::LatePayment(Box::new(result.order.clone())))
                .await;
        }
    }

    async fn handle(&mut self, command: Command) {
        match command {
            Command::Pay(request) => self.pay(request),
            Command::Cancel => {
                if let Some(cancel) = &self.cancel {
                    let _ = cancel.send(true);
                }
            }
            Command::SimulatePay(url) => {
                if let Err(error) = reqwest::get(&url).await {
                    self.send(UiEvent::Error(format!("模拟付款失败：{error}")))
                        .await;
                }
            }
            Command::LoadHistory(day) => {
                let event = match self.history(day) {
                    Ok(data) => UiEvent::History(Box::new(data)),
                    Err(error) => UiEvent::Error(error.to_string()),
                };
                self.send(event).await;
            }
            Command::LoadDetail(order_no) => {
                let event = self.detail(&order_no);
                self.send(event).await;
            }
            Command::Requery(order_no) => self.requery(Some(order_no)).await,
            Command::RequeryAll => self.requery(None).await,
            Command::LoadUnresolved => self.send_unresolved().await,
            Command::ExportCsv(day) => {
                let result = self.export(day).map_err(|error| error.to_string());
                self.send(UiEvent::Exported(result)).await;
            }
            Command::TestConnection(config) => {
                let verdict = test_connection(&config, &self.context.till_id).await;
                self.send(UiEvent::ConnectionTested(verdict)).await;
            }
        }
    }

    fn pay(&mut self, request: PaymentRequest) {
        let (cancel_tx, cancel_rx) = watch::channel(false);
        self.cancel = Some(cancel_tx);
        let context = self.context.clone();
        let events = self.events.clone();
        let waker = Arc::clone(&self.waker);
        tokio::spawn(async move {
            let (progress_tx, mut progress_rx) = mpsc::channel(16);
            let forward_events = events.clone();
            let forward_waker = Arc::clone(&waker);
            let forward = tokio::spawn(async move {
                while let Some(progress) = progress_rx.recv().await {
                    Self::emit(&forward_events, &forward_waker, UiEvent::Progress(progress)).await;
                }
            });
            let result = run_payment(&context, &request, &progress_tx, cancel_rx).await;
            drop(progress_tx);
            let _ = forward.await;
            let done = result.map(|outcome| outcome.order).map_err(|error| {
                use crate::i18n::Localized;
                error.message(crate::i18n::Lang::Zh)
            });
            Self::emit(&events, &waker, UiEvent::PaymentDone(done)).await;
        });
    }

    async fn requery(&self, order_no: Option<String>) {
        let orders = {
            let ledger = lock(&self.context.ledger);
            match &order_no {
                Some(order_no) => ledger
                    .order(order_no)
                    .map(|o| o.into_iter().collect::<Vec<_>>()),
                None => ledger.unresolved(),
            }
        };
        let orders = match orders {
            Ok(orders) => orders,
            Err(error) => return self.send(UiEvent::Error(error.to_string())).await,
        };
        let mut results = Vec::new();
        for order in orders
            .iter()
            .filter(|o| crate::payment::requery::belongs_to(&self.context.gateway, o))
        {
            match requery(
                &self.context.gateway,
                &self.context.ledger,
                order,
                Source::ManualRequery,
                &self.settings.requery,
            )
            .await
            {
                Ok(result) => results.push(result),
                Err(error) => self.send(UiEvent::Error(error.to_string())).await,
            }
        }
        self.report_late(&results).await;
        self.send(UiEvent::Requeried(results)).await;
        self.send_unresolved().await;
    }

    async fn send_unresolved(&self) {
        let list = lock(&self.context.ledger).unresolved();
        let event = match list {
            Ok(orders) => UiEvent::Unresolved(orders),
            Err(error) => UiEvent::Error(error.to_string()),
        };
        self.send(event).await;
    }

    fn detail(&self, order_no: &str) -> UiEvent {
        let ledger = lock(&self.context.ledger);
        match (ledger.order(order_no), ledger.events(order_no)) {
            (Ok(Some(order)), Ok(events)) => UiEvent::Detail(Box::new(order), events),
            (Err(error), _) | (_, Err(error)) => UiEvent::Error(error.to_string()),
            (Ok(None), _) => UiEvent::Error(format!("账本中没有订单 {order_no}")),
        }
    }

    fn history(&self, day: NaiveDate) -> Result<HistoryData, crate::ledger::LedgerError> {
        let offset = self.settings.offset;
        let ledger = lock(&self.context.ledger);
        let totals = ledger.day_totals(day, offset)?;
        let mut orders = Vec::new();
        for page in 0.. {
            let batch = ledger.day_orders(day, offset, page, 5_000)?;
            if batch.is_empty() {
                break;
            }
            orders.extend(batch);
        }
        let chart = ledger.daily_totals(day, CHART_DAYS, offset)?;
        Ok(HistoryData {
            day,
            totals,
            orders,
            chart,
        })
    }

    fn export(&self, day: NaiveDate) -> Result<PathBuf, Box<dyn std::error::Error>> {
        let data = self.history(day)?;
        std::fs::create_dir_all(&self.settings.export_dir)?;
        let path = self.settings.export_dir.join(format!("sales-{day}.csv"));
        let mut text = String::from(crate::ledger::CSV_HEADER);
        for order in &data.orders {
            text.push_str(&crate::ledger::csv_line(order, self.settings.offset));
        }
        std::fs::write(&path, text)?;
        Ok(path)
    }
}

/// Queries an order that cannot exist: a refusal of the sign or merchant means wrong
/// credentials, "not found" means all is well, no answer means the gateway is unreachable.
async fn test_connection(config: &GatewayConfig, till_id: &str) -> ConnectionVerdict {
    let gateway = match config.build(till_id, config.timeouts()) {
        Ok(gateway) => gateway,
        Err(error) => return ConnectionVerdict::Unreachable(error.to_string()),
    };
    let probe = format!("{till_id}PROBE{}", Utc::now().timestamp());
    match gateway.query_order(&probe).await {
        // Any verified answer, "not found" included, means the key and merchant are right.
        Ok(_) => ConnectionVerdict::Ok,
        Err(error @ GatewayError::Rejected { .. }) => {
            ConnectionVerdict::WrongCredentials(error.to_string())
        }
        Err(error) => ConnectionVerdict::Unreachable(error.to_string()),
    }
}
