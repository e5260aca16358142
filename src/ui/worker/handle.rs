//! The window's handle on its worker: [`Backend`] (the UI's end: send a command, drain the
//! events) and [`Outbox`] (the tasks' end: send an event and wake the UI). Both channels are
//! bounded: a full command queue refuses the command at once with [`Problem::Busy`] (the frame
//! never waits), a full event queue makes the worker's tasks wait until the next frame drains it
//! (the dispatch loop itself never sends events). The messages themselves are in
//! [`crate::ui::backend`].

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use tokio::sync::mpsc;

use crate::app::setup::{Configured, Paths, Resources};
use crate::payment::requery::RequeryResult;
use crate::ui::backend::{Command, Problem, UiEvent};

/// How many commands may wait for the loop. It only dispatches, so this fills only if the
/// runtime is wedged.
pub const COMMAND_QUEUE: usize = 64;
/// How many events may wait for the next frame.
pub const EVENT_QUEUE: usize = 256;

/// What the worker needs besides the configuration in force.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// Where CSV exports go.
    pub export_dir: PathBuf,
    /// Where a newly applied configuration finds its ledger and sandbox.
    pub paths: Paths,
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
    /// Starts the worker on `runtime` with `configured` in force; `resources` keeps the
    /// in-process sandbox and the open ledgers alive and is reused when settings change.
    #[must_use]
    pub fn start(
        runtime: &tokio::runtime::Handle,
        configured: Configured,
        resources: Resources,
        settings: WorkerSettings,
    ) -> Backend {
        let (commands, command_rx) = mpsc::channel(COMMAND_QUEUE);
        let (event_tx, events) = mpsc::channel(EVENT_QUEUE);
        let waker: Waker = Arc::new(OnceLock::new());
        let outbox = Outbox::new(event_tx, Arc::clone(&waker));
        super::start(runtime, configured, resources, settings, outbox, command_rx);
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

    /// Sends `command`; never blocks a frame. A full queue refuses it.
    pub fn send(&self, command: Command) -> Result<(), Problem> {
        self.commands.try_send(command).map_err(|_| Problem::Busy)
    }

    /// The events that arrived since the last frame.
    pub fn drain(&mut self) -> Vec<UiEvent> {
        std::iter::from_fn(|| self.events.try_recv().ok()).collect()
    }
}

/// Sends events to the UI and wakes it.
#[derive(Debug, Clone)]
pub struct Outbox {
    events: mpsc::Sender<UiEvent>,
    waker: Waker,
}

impl Outbox {
    /// An outbox over the event channel.
    #[must_use]
    pub fn new(events: mpsc::Sender<UiEvent>, waker: Waker) -> Outbox {
        Outbox { events, waker }
    }

    /// Sends `event`, waiting while the queue is full (only tasks call this, never the loop).
    pub(super) async fn emit(&self, event: UiEvent) {
        let _ = self.events.send(event).await;
        if let Some(ctx) = self.waker.get() {
            ctx.request_repaint();
        }
    }

    pub(super) async fn late(&self, results: &[RequeryResult]) {
        for result in results.iter().filter(|r| r.late) {
            self.emit(UiEvent::LatePayment(Box::new(result.order.clone())))
                .await;
        }
    }

    /// Announces what a background re-query found: each late payment, and together the money
    /// found on orders nobody was watching ([`crate::payment::requery::unannounced_payments`]).
    pub(super) async fn background_found(&self, results: &[RequeryResult]) {
        self.late(results).await;
        let found = crate::payment::requery::unannounced_payments(results);
        if !found.is_empty() {
            self.emit(UiEvent::FoundInBackground(found)).await;
        }
    }
}
