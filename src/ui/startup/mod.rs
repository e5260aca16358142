//! The window from the first frame: the cashier when the till starts, and when it cannot start
//! (a config file that does not parse or that others may read, a key in a locked keyring, a
//! ledger that does not open) a screen that says why. A till is started from its desktop icon,
//! where no terminal shows what went wrong: a window that never opens looks like a till broken
//! for good. The owner fixes the cause and presses 重试 (Enter); the checkout then opens in the
//! same window.

mod problem_screen;

use std::path::PathBuf;

use egui::Ui;
use tokio::sync::oneshot;

use super::CashierApp;
use crate::app::setup::{Paths, Setup, SetupError};
use crate::config::ConfigError;
use crate::i18n::{Lang, Localized};

/// The language of this screen: the cashier's (the config that would name another may not read).
const LANG: Lang = Lang::Zh;

/// The window's content: the cashier, or why it could not start.
#[derive(Debug)]
pub enum TillWindow {
    /// The till could not start; the screen says why and retries.
    Starting(Box<Starting>),
    /// The cashier.
    Running(Box<CashierApp>),
}

impl TillWindow {
    /// The window over the outcome of a start: the cashier (with the first run's setup when no
    /// config file exists yet), or the problem. `paths` is what a retry starts from; without them
    /// (no data directory) nothing can be retried.
    #[must_use]
    pub fn new(
        runtime: tokio::runtime::Handle,
        started: Result<Setup, SetupError>,
        paths: Option<Paths>,
    ) -> TillWindow {
        match (started, paths) {
            (Ok(setup), Some(paths)) => {
                let first_run = paths.is_first_run();
                TillWindow::Running(Box::new(launch(&runtime, setup, &paths, first_run)))
            }
            (Ok(_), None) => TillWindow::Starting(Box::new(Starting::new(
                runtime,
                &SetupError::NoDataDir,
                None,
            ))),
            (Err(error), paths) => {
                TillWindow::Starting(Box::new(Starting::new(runtime, &error, paths)))
            }
        }
    }

    /// Whether the cashier is running (a start succeeded, at once or on a retry).
    #[must_use]
    pub fn is_running(&self) -> bool {
        matches!(self, TillWindow::Running(_))
    }

    /// Applies what happened since the last frame; a retry that succeeded opens the cashier.
    pub fn logic(&mut self, ctx: &egui::Context) {
        match self {
            TillWindow::Running(app) => app.logic(ctx),
            TillWindow::Starting(starting) => {
                if let Some(app) = starting.poll() {
                    *self = TillWindow::Running(Box::new(app));
                }
            }
        }
    }

    /// Draws the window.
    pub fn ui(&mut self, ui: &mut Ui) {
        match self {
            TillWindow::Running(app) => app.ui(ui),
            TillWindow::Starting(starting) => starting.ui(ui),
        }
    }
}

/// The cashier over a started `setup`; the first run's setup when there is no config file yet.
fn launch(
    runtime: &tokio::runtime::Handle,
    setup: Setup,
    paths: &Paths,
    first_run: bool,
) -> CashierApp {
    let mut app = super::start_app(runtime, setup, paths);
    if first_run {
        app.set_first_run();
    }
    app
}

const CANNOT_START: (&str, &str) = ("收银台无法启动", "The cashier cannot start");

/// What the owner can do about a failed start, besides retrying once the cause is fixed.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Remedy {
    /// Nothing but retrying (a locked keyring, a ledger that does not open…).
    RetryOnly,
    /// Another window runs on this till: retry once it is closed.
    CloseTheOther,
    /// The file holding the key is readable by others: make it the owner's alone.
    OwnerOnly(PathBuf),
    /// The file does not parse or holds a bad value: keep it aside and set the till up again.
    SetAside(PathBuf),
    /// Nothing to retry from (no data directory).
    None,
}

/// Why the till did not start, and a retry under way.
#[derive(Debug)]
pub struct Starting {
    runtime: tokio::runtime::Handle,
    paths: Option<Paths>,
    /// The heading: the cashier cannot start, or is open in another window.
    title: (&'static str, &'static str),
    zh: String,
    en: String,
    remedy: Remedy,
    /// What the last remedy did, or why it could not.
    note: Option<(String, String)>,
    /// A retry under way.
    pending: Option<oneshot::Receiver<Attempt>>,
    /// The owner PIN typed to set aside a config that has one.
    set_aside_pin: String,
    /// Wrong owner PINs typed here (the ledger's trail cannot be read before the till starts).
    pin_throttle: crate::owner_pin::Throttle,
}

/// What the owner asked to be done to the config file before starting again.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Fix {
    Nothing,
    MakeOwnerOnly(PathBuf),
    /// Set the file aside, with the owner PIN typed (needed when the file has one) and the
    /// wrong ones so far.
    SetAside(PathBuf, String, crate::owner_pin::Throttle),
}

/// What a retry brought back from off the window's thread.
#[derive(Debug)]
struct Attempt {
    /// What the fix did, or why it could not.
    note: Option<(String, String)>,
    /// The start, unless the fix could not be made.
    started: Option<Result<Setup, SetupError>>,
    /// Whether the start was a first run (no config file).
    first_run: bool,
    /// The till id the config set aside had: the first run offers it again, so the till keeps
    /// its number (issue 21: it was reset to T01).
    kept_till_id: Option<String>,
    /// The owner PIN's verdict, when setting aside needed it.
    pin_verdict: Option<crate::owner_pin::Verdict>,
}

/// Makes `fix`, then starts from `paths`: on the runtime, as file and ledger work is never done
/// on the window's thread.
async fn attempt(fix: Fix, mut paths: Paths) -> Attempt {
    let kept_till_id = match &fix {
        Fix::SetAside(path, ..) => crate::config::remedy::till_id_in(path),
        _ => None,
    };
    let fixed = match fix {
        Fix::Nothing => Ok(None),
        Fix::MakeOwnerOnly(path) => crate::config::remedy::make_owner_only(&path)
            .map(|()| None)
            .map_err(|error| cannot("改权限", "change its permissions", &error)),
        Fix::SetAside(path, pin, throttle) => match owner_allows(&path, pin, throttle).await {
            Err((verdict, why)) => {
                return Attempt {
                    note: Some(why),
                    started: None,
                    first_run: false,
                    kept_till_id: None,
                    pin_verdict: verdict,
                };
            }
            Ok(()) => crate::config::remedy::set_aside(&path)
                .map(|kept| {
                    Some((
                        format!("原配置文件已另存为 {}", kept.display()),
                        format!("The old config file was kept as {}", kept.display()),
                    ))
                })
                .map_err(|error| cannot("改名", "rename it", &error)),
        },
    };
    let note = match fixed {
        Ok(note) => note,
        Err(why) => {
            return Attempt {
                note: Some(why),
                started: None,
                first_run: false,
                kept_till_id: None,
                pin_verdict: None,
            };
        }
    };
    // A config file set aside (or removed by hand) is a first run, saved where it was.
    let first_run = paths.is_first_run();
    if first_run {
        paths.config = None;
    }
    Attempt {
        note,
        started: Some(crate::app::setup::start_window(&paths).await),
        first_run,
        kept_till_id,
        pin_verdict: None,
    }
}

/// Whether the config at `path` may be set aside: it has no owner PIN, or `pin` is it (checked
/// off the runtime's threads, throttled as everywhere). Else the verdict and what to say.
async fn owner_allows(
    path: &std::path::Path,
    pin: String,
    throttle: crate::owner_pin::Throttle,
) -> Result<(), (Option<crate::owner_pin::Verdict>, (String, String))> {
    use crate::owner_pin::Verdict;
    let Some(hash) = crate::config::remedy::pin_hash_in(path) else {
        return Ok(());
    };
    let now = chrono::Utc::now();
    let verdict = tokio::task::spawn_blocking(move || throttle.try_pin(pin.trim(), &hash, now))
        .await
        .unwrap_or(Err(crate::owner_pin::PinError::Unreadable));
    let words = |zh: String, en: String| (zh, en);
    match verdict {
        Ok(Verdict::Right) => {
            tracing::warn!(config = %path.display(), "the owner set the config aside for a new first run");
            Ok(())
        }
        Ok(verdict @ Verdict::Wrong { left, wait }) if wait.is_zero() => {
            tracing::warn!("a wrong owner PIN to set the config aside");
            Err((
                Some(verdict),
                words(
                    format!("原配置设有店主密码：密码错误，还可再试 {left} 次"),
                    format!("The old config has an owner PIN: wrong; {left} more tries"),
                ),
            ))
        }
        Ok(verdict @ (Verdict::Wrong { wait, .. } | Verdict::Wait(wait))) => Err((
            Some(verdict),
            words(
                format!("密码错误次数过多，请 {} 秒后再试", wait.as_secs().max(1)),
                format!(
                    "Too many wrong PINs; try again in {} s",
                    wait.as_secs().max(1)
                ),
            ),
        )),
        Err(error) => Err((None, (error.message(Lang::Zh), error.message(Lang::En)))),
    }
}

impl Starting {
    fn new(runtime: tokio::runtime::Handle, error: &SetupError, paths: Option<Paths>) -> Starting {
        let mut starting = Starting {
            runtime,
            paths,
            title: CANNOT_START,
            zh: String::new(),
            en: String::new(),
            remedy: Remedy::None,
            note: None,
            pending: None,
            set_aside_pin: String::new(),
            pin_throttle: crate::owner_pin::Throttle::default(),
        };
        starting.failed(error);
        starting
    }

    fn failed(&mut self, error: &SetupError) {
        self.title = if matches!(error, SetupError::AlreadyOpen) {
            ("收银台已经打开", "The cashier is already open")
        } else {
            CANNOT_START
        };
        self.zh = error.message(Lang::Zh);
        self.en = error.message(Lang::En);
        let config = self.paths.as_ref().and_then(|paths| paths.config.clone());
        self.remedy = match (error, config) {
            (_, _) if self.paths.is_none() => Remedy::None,
            (SetupError::AlreadyOpen, _) => Remedy::CloseTheOther,
            (SetupError::Config(ConfigError::Insecure { .. }), Some(path)) => {
                Remedy::OwnerOnly(path)
            }
            (
                SetupError::Config(ConfigError::Parse { .. } | ConfigError::Invalid { .. }),
                Some(path),
            ) => Remedy::SetAside(path),
            _ => Remedy::RetryOnly,
        };
        tracing::warn!(problem = %self.en, "the till could not start");
    }

    /// Makes `fix` and starts again from the paths, off the window's thread.
    fn retry(&mut self, ctx: &egui::Context, fix: Fix) {
        let Some(paths) = self.paths.clone() else {
            return;
        };
        self.note = None;
        let (sender, receiver) = oneshot::channel();
        let ctx = ctx.clone();
        self.runtime.spawn(async move {
            let attempt = attempt(fix, paths).await;
            // The window may have closed meanwhile; nothing then waits for the answer.
            let _ = sender.send(attempt);
            ctx.request_repaint();
        });
        self.pending = Some(receiver);
    }

    /// The cashier, once a retry has started it.
    fn poll(&mut self) -> Option<CashierApp> {
        let receiver = self.pending.as_mut()?;
        let attempt = match receiver.try_recv() {
            Ok(attempt) => attempt,
            Err(oneshot::error::TryRecvError::Empty) => return None,
            Err(oneshot::error::TryRecvError::Closed) => {
                self.pending = None;
                return None;
            }
        };
        self.pending = None;
        self.note = attempt.note;
        if let Some(verdict) = attempt.pin_verdict {
            self.pin_throttle = self.pin_throttle.after(verdict, chrono::Utc::now());
        }
        match (attempt.started?, &self.paths) {
            (Ok(setup), Some(paths)) => {
                tracing::info!("the till started on a retry");
                let mut app = launch(&self.runtime, setup, paths, attempt.first_run);
                if let Some(till_id) = attempt.kept_till_id {
                    app.offer_till_id(till_id);
                }
                if let Some((zh, en)) = self.note.take() {
                    app.note_on_welcome(if LANG == Lang::Zh { zh } else { en });
                }
                Some(app)
            }
            (Ok(_), None) => None,
            (Err(error), _) => {
                self.failed(&error);
                None
            }
        }
    }

    fn ui(&mut self, ui: &mut Ui) {
        let action = egui::CentralPanel::default()
            .show(ui, |ui| problem_screen::problem_ui(ui, self, LANG))
            .inner;
        match action {
            Some(problem_screen::StartupAction::Retry(fix)) => self.retry(ui.ctx(), fix),
            Some(problem_screen::StartupAction::Close) => {
                ui.send_viewport_cmd(egui::ViewportCommand::Close);
            }
            None => {}
        }
    }
}

fn cannot(zh: &str, en: &str, error: &std::io::Error) -> (String, String) {
    (
        format!("无法{zh}：{error}"),
        format!("Cannot {en}: {error}"),
    )
}
