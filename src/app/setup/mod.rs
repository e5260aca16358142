//! Start-up: finds the config and data directory, builds the gateway (the sandbox when nothing is
//! configured), and opens the ledger. The CLI and the window both start here.

mod sandbox;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::config::{Config, ConfigError, GatewayConfig};
use crate::gateway::Provider;
use crate::gateway::http::Timeouts;
use crate::i18n::{Lang, Localized};
use crate::ledger::{Ledger, LedgerError, SharedLedger};
use crate::payment::requery::RequeryPolicy;
use crate::payment::runner::PaymentContext;
use crate::sandbox::Sandbox;
use sandbox::sandbox_gateway;

/// The sandbox's usual port.
pub const SANDBOX_PORT: u16 = 8088;

/// Why the cashier cannot start.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// The config is unreadable or invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The ledger cannot be opened.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// The sandbox cannot listen.
    #[error("沙箱网关无法启动：{0}")]
    Sandbox(String),
    /// No home directory to keep data in.
    #[error("找不到数据目录，请用 --data-dir 指定")]
    NoDataDir,
    /// Another window runs on this data directory.
    #[error("这台电脑上已有一个收银台窗口在运行，请在任务栏中找到它")]
    AlreadyOpen,
}

impl Localized for SetupError {
    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (_, Lang::Zh) => self.to_string(),
            (SetupError::Config(error), Lang::En) => error.message(lang),
            (SetupError::Ledger(error), Lang::En) => error.message(lang),
            (SetupError::Sandbox(why), Lang::En) => {
                format!("The sandbox gateway cannot start: {why}")
            }
            (SetupError::NoDataDir, Lang::En) => {
                "No data directory found; name one with --data-dir".to_owned()
            }
            (SetupError::AlreadyOpen, Lang::En) => {
                "Another cashier window runs on this computer: find it in the taskbar".to_owned()
            }
        }
    }
}

/// Where the cashier keeps things.
#[derive(Debug, Clone)]
pub struct Paths {
    /// The config file, if one exists or was given.
    pub config: Option<PathBuf>,
    /// The data directory (the ledger, the in-process sandbox's orders).
    pub data_dir: PathBuf,
    /// The port the in-process sandbox listens on ([`SANDBOX_PORT`]; tests take 0, any port).
    pub sandbox_port: u16,
    /// Whether a merchant key saved on this run may go to the platform's keyring (unless
    /// `CASHIER_KEYRING=off`). The window's in-process tests say no, so `cargo test` on a desktop
    /// never leaves test keys in its owner's keyring.
    pub keyring: bool,
}

impl Paths {
    /// The window's language as the cashier last chose it (`zh` or `en`).
    #[must_use]
    pub fn language_file(&self) -> PathBuf {
        self.data_dir.join("language")
    }

    /// Where the daily logs go.
    #[must_use]
    pub fn log_dir(&self) -> PathBuf {
        self.data_dir.join("logs")
    }

    /// Where slips wait for the printer (the window and the CLI share it).
    #[must_use]
    pub fn spool_dir(&self) -> PathBuf {
        self.data_dir.join("receipts")
    }

    /// `config` and `data_dir` as given, else the platform's directories
    /// (`~/.config/cashier/config.toml`, `~/.local/share/cashier` on Linux;
    /// `%APPDATA%\cashier\config\config.toml` and `%LOCALAPPDATA%\cashier\data` on Windows: the
    /// ledger and logs stay on this PC, never in a roaming profile copied between machines).
    pub fn resolve(
        config: Option<PathBuf>,
        data_dir: Option<PathBuf>,
    ) -> Result<Paths, SetupError> {
        let dirs = directories::ProjectDirs::from("", "", "cashier");
        let config = config.or_else(|| {
            let default = dirs.as_ref()?.config_dir().join("config.toml");
            default.exists().then_some(default)
        });
        let data_dir = match data_dir {
            Some(dir) => dir,
            None => dirs
                .ok_or(SetupError::NoDataDir)?
                .data_local_dir()
                .to_owned(),
        };
        Ok(Paths {
            config,
            data_dir,
            sandbox_port: SANDBOX_PORT,
            keyring: crate::key_store::keyring_wanted(),
        })
    }

    /// No config file yet (or it was set aside): the first run's setup opens before the
    /// checkout.
    #[must_use]
    pub fn is_first_run(&self) -> bool {
        self.config.as_ref().is_none_or(|path| !path.exists())
    }

    /// Where the in-process sandbox keeps its orders, so a restart of the app does not make the
    /// sandbox forget orders the ledger still waits on.
    #[must_use]
    pub fn sandbox_state_file(&self) -> PathBuf {
        self.data_dir.join("sandbox-gateway.json")
    }

    /// The ledger file: sandbox orders are kept apart from real sales.
    #[must_use]
    pub fn ledger_file(&self, sandbox: bool) -> PathBuf {
        self.data_dir.join(if sandbox {
            "sandbox-ledger.sqlite3"
        } else {
            "ledger.sqlite3"
        })
    }
}

/// One configuration in force: the gateway and ledger it calls for. Cloning is cheap; a payment
/// keeps the one it started with while a newer one takes the next sale.
#[derive(Debug, Clone)]
pub struct Configured {
    /// The config.
    pub config: Config,
    /// What a payment needs.
    pub context: PaymentContext,
    /// Re-query timings.
    pub requery: RequeryPolicy,
    /// Whether the gateway is a sandbox (ours or another process's).
    pub is_sandbox: bool,
}

impl Configured {
    /// The ledger.
    #[must_use]
    pub fn ledger(&self) -> &SharedLedger {
        &self.context.ledger
    }

    /// The store this configuration's sales reach ([`sales_store`]).
    #[must_use]
    pub fn sales_store(&self) -> Option<&crate::store::StoreConfig> {
        sales_store(&self.config, self.is_sandbox)
    }
}

/// The store the sales of `config` reach: none on the sandbox. Sandbox sales are make-believe
/// and never reach a shop's figures: not pushed, not listened for, not shown as the store's.
/// The one place this rule lives; the window's worker and every command ask it.
#[must_use]
pub fn sales_store(config: &Config, is_sandbox: bool) -> Option<&crate::store::StoreConfig> {
    config.store.as_ref().filter(|_| !is_sandbox)
}

/// What outlives a change of configuration: the in-process sandbox (started at most once) and
/// the ledgers opened (one connection per file, so switching back and forth never opens a file
/// twice). Sandbox and real sales are in different files, so they never mix.
#[derive(Debug, Default)]
pub struct Resources {
    /// The in-process sandbox, when this process runs it.
    pub sandbox: Option<Sandbox>,
    ledgers: HashMap<PathBuf, SharedLedger>,
    /// The window's hold on its data directory ([`start_window`]), for as long as it runs.
    window_lock: Option<crate::window_lock::WindowLock>,
    /// The language the cashier last chose in the window, if any ([`start_window`] reads it).
    pub language: Option<Lang>,
}

impl Resources {
    /// Resources holding `ledger`, already open at `path` (for a setup built by hand, as the
    /// UI tests do).
    #[must_use]
    pub fn with_ledger(path: PathBuf, ledger: SharedLedger) -> Resources {
        Resources {
            sandbox: None,
            ledgers: HashMap::from([(path, ledger)]),
            window_lock: None,
            language: None,
        }
    }
}

/// Everything running: the configuration in force and what keeps it alive.
#[derive(Debug)]
pub struct Setup {
    /// The config in force.
    pub config: Config,
    /// What a payment needs.
    pub context: PaymentContext,
    /// Re-query timings.
    pub requery: RequeryPolicy,
    /// Whether the gateway is a sandbox (ours or another process's).
    pub is_sandbox: bool,
    /// The in-process sandbox and the open ledgers.
    pub resources: Resources,
}

impl Setup {
    /// The ledger.
    #[must_use]
    pub fn ledger(&self) -> &SharedLedger {
        &self.context.ledger
    }

    /// The store this till's sales reach ([`sales_store`]).
    #[must_use]
    pub fn sales_store(&self) -> Option<&crate::store::StoreConfig> {
        sales_store(&self.config, self.is_sandbox)
    }

    /// The configuration in force.
    #[must_use]
    pub fn configured(&self) -> Configured {
        Configured {
            config: self.config.clone(),
            context: self.context.clone(),
            requery: self.requery,
            is_sandbox: self.is_sandbox,
        }
    }
}

/// Starts everything from `paths` for a window: one window per data directory (see
/// [`crate::window_lock`]); the lock is held as long as the setup's resources are.
pub async fn start_window(paths: &Paths) -> Result<Setup, SetupError> {
    let lock = crate::window_lock::WindowLock::take(&paths.data_dir)
        .map_err(|crate::window_lock::AlreadyOpen| SetupError::AlreadyOpen)?;
    let mut setup = start(paths).await?;
    setup.resources.window_lock = lock;
    // Remembered across starts (issue 21: English was forgotten at every restart).
    setup.resources.language = crate::small_file::read_text(&paths.language_file())
        .ok()
        .and_then(|text| match text.trim() {
            "en" => Some(Lang::En),
            "zh" => Some(Lang::Zh),
            _ => None,
        });
    Ok(setup)
}

/// Starts everything from `paths`. Must run inside a tokio runtime.
pub async fn start(paths: &Paths) -> Result<Setup, SetupError> {
    let config = match &paths.config {
        Some(path) => Config::load(path)?,
        None => Config::default(),
    };
    let mut resources = Resources::default();
    let configured = configure(config, paths, &mut resources).await?;
    Ok(Setup {
        config: configured.config,
        context: configured.context,
        requery: configured.requery,
        is_sandbox: configured.is_sandbox,
        resources,
    })
}

/// Starts what a report needs from a data dir this user cannot write: the config, and the ledger
/// opened read-only ([`Ledger::open_read_only`]). No sandbox is started; the gateway is never
/// called.
pub async fn start_reading(paths: &Paths) -> Result<Setup, SetupError> {
    let config = match &paths.config {
        Some(path) => Config::load(path)?,
        None => Config::default(),
    };
    let is_sandbox = config.gateway.is_none();
    let gateway_config = config.gateway.clone().unwrap_or_else(|| {
        GatewayConfig::sandbox(
            Provider::Qht,
            &format!("http://127.0.0.1:{}", paths.sandbox_port),
        )
    });
    let gateway = gateway_config.build(&config.till.id, gateway_config.timeouts())?;
    let path = paths.ledger_file(is_sandbox);
    let ledger = tokio::task::spawn_blocking(move || Ledger::open_read_only(&path))
        .await
        .map_err(|error| SetupError::Ledger(LedgerError::Corrupt(error.to_string())))??;
    let context = PaymentContext {
        gateway,
        ledger: SharedLedger::new(ledger),
        till_id: config.till.id.clone(),
        barcode_policy: config.payment.barcode_policy(),
        qr_policy: config.payment.qr_policy(),
        notices: crate::payment::notices::Notices::default(),
    };
    let requery = config.payment.requery_policy();
    Ok(Setup {
        config,
        context,
        requery,
        is_sandbox,
        resources: Resources::default(),
    })
}

/// Builds what `config` calls for: its gateway (the sandbox when it names none) and its ledger,
/// reusing the sandbox and ledgers `resources` already holds.
pub async fn configure(
    config: Config,
    paths: &Paths,
    resources: &mut Resources,
) -> Result<Configured, SetupError> {
    let gateway_config = match &config.gateway {
        Some(gateway) => gateway.clone(),
        None => {
            let base_url = sandbox_gateway(paths, resources).await?;
            GatewayConfig::sandbox(Provider::Qht, &base_url)
        }
    };
    let is_sandbox = config.gateway.is_none();
    let timeouts: Timeouts = gateway_config.timeouts();
    let gateway = gateway_config.build(&config.till.id, timeouts)?;
    let ledger_file = paths.ledger_file(is_sandbox);
    let ledger = match resources.ledgers.get(&ledger_file) {
        Some(ledger) => ledger.clone(),
        None => {
            let ledger = open_ledger(&ledger_file)?;
            resources.ledgers.insert(ledger_file, ledger.clone());
            ledger
        }
    };
    let context = PaymentContext {
        gateway,
        ledger,
        till_id: config.till.id.clone(),
        barcode_policy: config.payment.barcode_policy(),
        qr_policy: config.payment.qr_policy(),
        notices: crate::payment::notices::Notices::default(),
    };
    let requery = config.payment.requery_policy();
    Ok(Configured {
        config,
        context,
        requery,
        is_sandbox,
    })
}

/// Opens the ledger at `path` for sharing.
pub fn open_ledger(path: &Path) -> Result<SharedLedger, SetupError> {
    Ok(SharedLedger::new(Ledger::open(path)?))
}

/// Starts the changpay notification listener `config` asks for (`[notify] listen`, a changpay
/// gateway) on `runtime`, recording into `context`'s ledger; each late payment it records is sent
/// to `late_payments` when given (the window announces them). The window and `cashier pay` both
/// start it here. `None` when no listener is configured.
#[must_use]
pub fn spawn_notify_listener(
    runtime: &tokio::runtime::Handle,
    config: &Config,
    context: &PaymentContext,
    late_payments: Option<tokio::sync::mpsc::Sender<String>>,
) -> Option<tokio::task::JoinHandle<()>> {
    let addr = config.notify.as_ref()?.listen;
    let changpay = context.gateway.as_changpay()?;
    let listener = crate::payment::notify_listener::Listener {
        ledger: context.ledger.clone(),
        mch_id: changpay.settings().mch_id.clone(),
        key: changpay.settings().key.clone(),
        late_payments,
        notices: context.notices.clone(),
    };
    Some(runtime.spawn(async move {
        if let Err(error) = crate::payment::notify_listener::serve(listener, addr).await {
            tracing::error!(%error, %addr, "notification listener stopped");
        }
    }))
}
