//! The window from the first frame: the cashier when the till starts, and when it cannot start
//! (a config file that does not parse or that others may read, a key in a locked keyring, a
//! ledger that does not open) a screen that says why. A till is started from its desktop icon,
//! where no terminal shows what went wrong: a window that never opens looks like a till broken
//! for good. The owner fixes the cause and presses 重试 (Enter); the checkout then opens in the
//! same window.

use std::path::PathBuf;

use egui::{Key, RichText, Ui};
use tokio::sync::oneshot;

use super::{CashierApp, theme};
use crate::app::setup::{Paths, Setup, SetupError};
use crate::config::ConfigError;
use crate::i18n::{Lang, Localized, tr};

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
            .show(ui, |ui| problem_ui(ui, self, LANG))
            .inner;
        match action {
            Some(StartupAction::Retry(fix)) => self.retry(ui.ctx(), fix),
            Some(StartupAction::Close) => ui.send_viewport_cmd(egui::ViewportCommand::Close),
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

/// What the owner chose on the problem screen.
#[derive(Debug, Clone, PartialEq, Eq)]
enum StartupAction {
    /// Start again, after this fix.
    Retry(Fix),
    Close,
}

fn problem_ui(ui: &mut Ui, starting: &mut Starting, lang: Lang) -> Option<StartupAction> {
    let busy = starting.pending.is_some();
    let can_retry = starting.remedy != Remedy::None;
    let enter = ui.input(|input| input.key_pressed(Key::Enter));
    let mut action = None;
    ui.add_space(theme::GAP * 3.0);
    ui.vertical_centered(|ui| {
        ui.label(
            RichText::new(tr(lang, starting.title.0, starting.title.1))
                .font(theme::font(theme::HUGE_TEXT))
                .color(theme::FAILED)
                .strong(),
        );
        ui.add_space(theme::GAP);
        ui.label(RichText::new(&starting.zh).font(theme::font(theme::LARGE_TEXT)));
        ui.label(RichText::new(&starting.en).color(theme::MUTED));
        if let Some(config) = starting.paths.as_ref().and_then(|p| p.config.as_ref()) {
            ui.add_space(theme::GAP);
            ui.label(format!(
                "{}{}",
                tr(lang, "配置文件：", "Config file: "),
                config.display()
            ));
        }
        ui.add_space(theme::GAP);
        ui.label(RichText::new(hint(&starting.remedy, lang)).color(theme::MUTED));
        ui.add_space(theme::GAP * 2.0);
        let size = theme::WIDE_BUTTON;
        if can_retry {
            let words = if busy {
                tr(lang, "正在启动…", "Starting…")
            } else {
                tr(lang, "重试 (Enter)", "Retry (Enter)")
            };
            let retry = egui::Button::new(
                RichText::new(words)
                    .font(theme::font(theme::LARGE_TEXT))
                    .color(theme::ON_COLOUR),
            )
            .fill(theme::PAID)
            .min_size(size);
            if ui.add_enabled(!busy, retry).clicked() || (enter && !busy) {
                action = Some(StartupAction::Retry(Fix::Nothing));
            }
        }
        match &starting.remedy {
            Remedy::OwnerOnly(path) => {
                let words = tr(lang, "设为仅本人可读并重试", "Make it owner-only and retry");
                if ui
                    .add_enabled(!busy, egui::Button::new(words).min_size(size))
                    .clicked()
                {
                    action = Some(StartupAction::Retry(Fix::MakeOwnerOnly(path.clone())));
                }
            }
            Remedy::SetAside(path) => {
                // A new first run could point the till anywhere: a config with an owner PIN is
                // set aside only with it.
                ui.horizontal(|ui| {
                    let label = ui.label(tr(
                        lang,
                        "店主密码（原配置设有时需要）",
                        "Owner PIN (if the old file has one)",
                    ));
                    ui.add(
                        egui::TextEdit::singleline(&mut starting.set_aside_pin)
                            .password(true)
                            .char_limit(*crate::owner_pin::PIN_DIGITS.end())
                            .desired_width(theme::FIELD_WIDTH),
                    )
                    .labelled_by(label.id);
                });
                let words = tr(
                    lang,
                    "另存旧配置，重新设置",
                    "Keep the old file aside, set up again",
                );
                if ui
                    .add_enabled(!busy, egui::Button::new(words).min_size(size))
                    .clicked()
                {
                    let pin = std::mem::take(&mut starting.set_aside_pin);
                    let fix = Fix::SetAside(path.clone(), pin, starting.pin_throttle);
                    action = Some(StartupAction::Retry(fix));
                }
            }
            Remedy::RetryOnly | Remedy::CloseTheOther | Remedy::None => {}
        }
        if ui
            .add(egui::Button::new(tr(lang, "关闭", "Close")).min_size(size))
            .clicked()
        {
            action = Some(StartupAction::Close);
        }
        if let Some((zh, en)) = &starting.note {
            ui.add_space(theme::GAP);
            let words = if lang == Lang::Zh { zh } else { en };
            ui.label(RichText::new(words).color(theme::UNKNOWN));
        }
    });
    action
}

/// What the owner can do, in a line under the problem.
fn hint(remedy: &Remedy, lang: Lang) -> &'static str {
    match remedy {
        Remedy::RetryOnly => tr(
            lang,
            "排除上面的问题后按“重试”；仍不行请在设置或诊断信息中联系技术支持。",
            "Fix what is said above and press Retry; if it persists, call your support person.",
        ),
        Remedy::CloseTheOther => tr(
            lang,
            "同一台收银台只能开一个窗口。要换到这个窗口，先关闭另一个，再按“重试”。",
            "One till has one window. To use this one, close the other and press Retry.",
        ),
        Remedy::OwnerOnly(_) => tr(
            lang,
            "文件含商户密钥：设为仅本人可读后即可启动。",
            "The file holds the merchant key: make it readable by its owner only to start.",
        ),
        Remedy::SetAside(_) => tr(
            lang,
            "修正文件后按“重试”；或另存旧配置（改名保留，不删除），重新进行首次设置。",
            "Fix the file and press Retry, or keep the old file aside (renamed, not deleted) and set the till up again.",
        ),
        Remedy::None => tr(
            lang,
            "请用 --data-dir 指定数据目录后重新打开。",
            "Name a data directory with --data-dir and open the cashier again.",
        ),
    }
}
