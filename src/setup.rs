//! Start-up: finds the config and data directory, builds the gateway (the sandbox when nothing is
//! configured), and opens the ledger. The CLI and the window both start here.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::config::{Config, ConfigError, GatewayConfig};
use crate::gateway::Provider;
use crate::gateway::http::Timeouts;
use crate::ledger::{Ledger, LedgerError};
use crate::payment::requery::RequeryPolicy;
use crate::payment::runner::{PaymentContext, SharedLedger};
use crate::sandbox::{Sandbox, SandboxConfig};

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
}

/// Where the cashier keeps things.
#[derive(Debug, Clone)]
pub struct Paths {
    /// The config file, if one exists or was given.
    pub config: Option<PathBuf>,
    /// The data directory (the ledger).
    pub data_dir: PathBuf,
}

impl Paths {
    /// `config` and `data_dir` as given, else the platform's directories
    /// (`~/.config/cashier/config.toml`, `~/.local/share/cashier` on Linux).
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
            None => dirs.ok_or(SetupError::NoDataDir)?.data_dir().to_owned(),
        };
        Ok(Paths { config, data_dir })
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

/// Everything running.
#[derive(Debug)]
pub struct Setup {
    /// The config in force.
    pub config: Config,
    /// What a payment needs.
    pub context: PaymentContext,
    /// Re-query timings.
    pub requery: RequeryPolicy,
    /// The in-process sandbox, when this process runs it.
    pub sandbox: Option<Sandbox>,
    /// Whether the gateway is a sandbox (ours or another process's).
    pub is_sandbox: bool,
}

impl Setup {
    /// The ledger.
    #[must_use]
    pub fn ledger(&self) -> &SharedLedger {
        &self.context.ledger
    }
}

/// Starts everything from `paths`. Must run inside a tokio runtime.
pub async fn start(paths: &Paths) -> Result<Setup, SetupError> {
    let config = match &paths.config {
        Some(path) => Config::load(path)?,
        None => Config::default(),
    };
    let (gateway_config, sandbox) = match &config.gateway {
        Some(gateway) => (gateway.clone(), None),
        None => {
            let (base_url, sandbox) = sandbox_gateway().await?;
            (GatewayConfig::sandbox(Provider::Qht, &base_url), sandbox)
        }
    };
    let is_sandbox = config.gateway.is_none();
    let timeouts: Timeouts = gateway_config.timeouts();
    let gateway = gateway_config.build(&config.till.id, timeouts)?;
    let ledger = open_ledger(&paths.ledger_file(is_sandbox))?;
    let context = PaymentContext {
        gateway,
        ledger,
        till_id: config.till.id.clone(),
        barcode_policy: config.payment.barcode_policy(),
        qr_policy: config.payment.qr_policy(),
    };
    let requery = config.payment.requery_policy();
    Ok(Setup {
        config,
        context,
        requery,
        sandbox,
        is_sandbox,
    })
}

/// Opens the ledger at `path` for sharing.
pub fn open_ledger(path: &Path) -> Result<SharedLedger, SetupError> {
    Ok(Arc::new(Mutex::new(Ledger::open(path)?)))
}

/// The sandbox on its usual port: started here, or the one another process (`cashier sandbox`)
/// already runs there, so sandbox orders outlive this process.
async fn sandbox_gateway() -> Result<(String, Option<Sandbox>), SetupError> {
    let config = SandboxConfig {
        listen: std::net::SocketAddr::from(([127, 0, 0, 1], SANDBOX_PORT)),
        ..SandboxConfig::default()
    };
    match Sandbox::start(config).await {
        Ok(sandbox) => Ok((sandbox.base_url(), Some(sandbox))),
        Err(error) if error.kind() == std::io::ErrorKind::AddrInUse => {
            let base_url = format!("http://127.0.0.1:{SANDBOX_PORT}");
            if is_sandbox(&base_url).await {
                Ok((base_url, None))
            } else {
                Err(SetupError::Sandbox(format!(
                    "端口 {SANDBOX_PORT} 已被其他程序占用 (port {SANDBOX_PORT} is taken by another program)"
                )))
            }
        }
        Err(error) => Err(SetupError::Sandbox(error.to_string())),
    }
}

/// Whether a cashier sandbox answers at `base_url`.
async fn is_sandbox(base_url: &str) -> bool {
    let Ok(client) = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(2))
        .build()
    else {
        return false;
    };
    match client
        .get(format!("{base_url}/sandbox/health"))
        .send()
        .await
    {
        Ok(response) => response
            .text()
            .await
            .is_ok_and(|body| body.starts_with(crate::sandbox::HEALTH_TEXT)),
        Err(_) => false,
    }
}
