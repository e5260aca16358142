//! The store ledger: one PostgreSQL database that several tills push their orders to, so the
//! owner sees one day across every counter. Each till still writes to its own SQLite ledger first
//! and sells on when the store is down; the outbox (`ledger::outbox`) catches up when it returns.
//!
//! ```toml
//! [store]
//! url = "postgres://cashier@192.168.1.10:5432/shop"   # password here, or in PGPASSWORD
//! # encrypted, the server's certificate checked against the shop's CA (see `tls`):
//! # url = "postgres://cashier@store.lan/shop?sslmode=verify-full&sslrootcert=/etc/cashier/ca.pem"
//! ```

mod notifications;
mod pgpass;
mod push;
mod roles;
mod schema;
mod syncer;
mod tls;
mod views;

use std::time::Duration;

pub use notifications::{PAID_CHANNEL, StoreNotifications, listen_for_payments};
pub use push::{PushReport, Refusal, RefusedBecause, push_pending};
pub use roles::{TillRole, add_till};
pub use syncer::{StoreStatus, keep_pushing};
pub use views::{StoreDay, TillTotal};

use crate::secret::Secret;

/// How long connecting to the store may take before the till says it is offline.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// The oldest PostgreSQL the schema is written for (`INSERT … ON CONFLICT`, `INCLUDE` indexes).
const MIN_SERVER_VERSION: i32 = 110_000;

/// `[store]`.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct StoreConfig {
    /// `postgres://USER[:PASSWORD]@HOST:PORT/DB`; it may hold a password, so it never shows.
    pub url: Secret,
}

impl StoreConfig {
    /// The connection settings, with the password from `PGPASSWORD` or the password file
    /// (`PGPASSFILE`, else `~/.pgpass`) when the URL has none, as PostgreSQL's own tools do.
    pub fn connection(&self) -> Result<tokio_postgres::Config, StoreError> {
        let (url, wanted) = tls::split_url(self.url.expose())?;
        let mut config: tokio_postgres::Config = url.parse().map_err(|_| StoreError::Url)?;
        if config.get_dbname().is_none() || config.get_hosts().is_empty() {
            return Err(StoreError::Url);
        }
        if config.get_password().is_none() {
            if let Ok(password) = std::env::var("PGPASSWORD") {
                config.password(password);
            } else if let Some(password) = pgpass::lookup(&config) {
                config.password(password);
            }
        }
        config.ssl_mode(wanted.mode);
        config.connect_timeout(CONNECT_TIMEOUT);
        config.application_name("cashier");
        Ok(config)
    }

    /// Opens one connection, encrypted when the URL asks for it. The connection half must be
    /// driven (spawned or polled) for the client to work.
    pub async fn open(&self) -> Result<(tokio_postgres::Client, StoreConnection), StoreError> {
        let settings = self.connection()?;
        let (_, wanted) = tls::split_url(self.url.expose())?;
        Ok(settings.connect(tls::connector(&wanted)?).await?)
    }

    /// Whether the URL itself holds a password (the config file must then be owner-only).
    #[must_use]
    pub fn holds_password(&self) -> bool {
        tls::split_url(self.url.expose()).is_ok_and(|(url, _)| {
            url.parse::<tokio_postgres::Config>()
                .is_ok_and(|config| config.get_password().is_some())
        })
    }
}

/// The connection half of [`StoreConfig::open`].
pub type StoreConnection = tokio_postgres::Connection<
    tokio_postgres::Socket,
    <tokio_postgres_rustls::MakeRustlsConnect as tokio_postgres::tls::MakeTlsConnect<
        tokio_postgres::Socket,
    >>::Stream,
>;

/// Why the store could not be used. None of the texts carries the URL or its password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The URL is not `postgres://USER@HOST:PORT/DB`.
    #[error("门店数据库地址无效，应为 postgres://用户@主机:端口/数据库")]
    Url,
    /// No connection (down, wrong host or port, network).
    #[error("门店数据库离线（无法连接）")]
    Unreachable,
    /// The server refused the user or password.
    #[error("门店数据库拒绝登录：用户名或密码错误")]
    LoginRefused,
    /// The server asks for a password and none was given.
    #[error("门店数据库需要密码：写在 url 中，或设置 PGPASSWORD 或 ~/.pgpass")]
    PasswordMissing,
    /// The database named does not exist.
    #[error("门店数据库不存在，请先创建")]
    NoDatabase,
    /// `sslmode=require` and the server does not speak TLS.
    #[error("门店数据库不支持加密连接（地址中有 sslmode=require）")]
    TlsUnsupported,
    /// The server's certificate is not signed by a CA the till trusts, or names another host.
    #[error("门店数据库的证书不受信任：检查 sslrootcert 指向的 CA 证书和主机名")]
    CertificateRefused,
    /// `sslrootcert` names a file with no readable certificate.
    #[error("无法读取门店数据库的 CA 证书文件：{0}")]
    RootCert(String),
    /// The server is older than the schema needs.
    #[error("门店数据库版本过旧（需要 PostgreSQL 11 或更新）")]
    TooOld,
    /// Anything else the server said.
    #[error("门店数据库出错：{0}")]
    Server(String),
    /// The till's own ledger failed while pushing.
    #[error("{0}")]
    Ledger(String),
    /// Another install of this store holds the till id (two tills set up with one id).
    #[error(
        "收银台编号 {0} 已被门店里另一台收银机使用：请在 设置 中给本机另选编号。本机照常收款，订单暂存本机，改号后同步"
    )]
    TillIdTaken(String),
}

impl crate::i18n::Localized for StoreError {
    fn message(&self, lang: crate::i18n::Lang) -> String {
        match lang {
            crate::i18n::Lang::Zh => self.to_string(),
            crate::i18n::Lang::En => match self {
                StoreError::Url => {
                    "The store database URL must be postgres://USER@HOST:PORT/DB".to_owned()
                }
                StoreError::Unreachable => "The store database is offline".to_owned(),
                StoreError::LoginRefused => {
                    "The store database refused the user or password".to_owned()
                }
                StoreError::PasswordMissing => {
                    "The store database needs a password: in the url, PGPASSWORD or ~/.pgpass"
                        .to_owned()
                }
                StoreError::NoDatabase => "The store database does not exist".to_owned(),
                StoreError::TlsUnsupported => {
                    "The store database does not speak TLS (the URL has sslmode=require)".to_owned()
                }
                StoreError::CertificateRefused => {
                    "The store database's certificate is not trusted: check sslrootcert and the host name"
                        .to_owned()
                }
                StoreError::RootCert(path) => {
                    format!("Cannot read the store database's CA certificate file: {path}")
                }
                StoreError::TooOld => "The store database is too old (PostgreSQL 11+)".to_owned(),
                StoreError::Server(what) => format!("The store database failed: {what}"),
                StoreError::Ledger(what) => what.clone(),
                StoreError::TillIdTaken(till) => format!(
                    "Till id {till} is used by another till of this store: give this till its own id in Settings. It sells on; its orders wait here until then"
                ),
            },
        }
    }
}

impl From<tokio_postgres::Error> for StoreError {
    fn from(error: tokio_postgres::Error) -> Self {
        use tokio_postgres::error::SqlState;
        match error.code() {
            Some(code) if *code == SqlState::INVALID_PASSWORD => StoreError::LoginRefused,
            Some(code) if *code == SqlState::INVALID_AUTHORIZATION_SPECIFICATION => {
                StoreError::LoginRefused
            }
            Some(code) if *code == SqlState::INVALID_CATALOG_NAME => StoreError::NoDatabase,
            Some(_) => StoreError::Server(
                error
                    .as_db_error()
                    .map_or_else(|| error.to_string(), |db| db.message().to_owned()),
            ),
            // tokio-postgres exposes no kind for this client-side refusal, only its cause's words.
            None if format!("{error:?}").contains("password missing") => {
                StoreError::PasswordMissing
            }
            // No SQLSTATE: the connection failed or broke, or (a bug of ours) a value did not
            // fit its column. tokio-postgres names the kind only in its debug text.
            None => {
                let debug = format!("{error:?}");
                if debug.contains("InvalidCertificate") {
                    return StoreError::CertificateRefused;
                }
                if debug.contains("server does not support TLS") {
                    return StoreError::TlsUnsupported;
                }
                let network = [
                    "kind: Io",
                    "kind: Connect",
                    "kind: Closed",
                    "kind: Timeout",
                    "kind: Tls",
                ]
                .iter()
                .any(|kind| debug.contains(kind));
                if network || error.is_closed() {
                    StoreError::Unreachable
                } else {
                    StoreError::Server(error.to_string())
                }
            }
        }
    }
}

impl From<crate::ledger::LedgerError> for StoreError {
    fn from(error: crate::ledger::LedgerError) -> Self {
        StoreError::Ledger(error.to_string())
    }
}

/// A connection to the store ledger, its schema brought up to date. A connection that broke (the
/// database restarted) is opened again on the next use, so a long-lived user — `notify-server` —
/// comes back with the database instead of failing every call for ever.
pub struct Store {
    config: StoreConfig,
    /// One connection; the lock keeps one transaction at a time on it.
    client: tokio::sync::Mutex<tokio_postgres::Client>,
    connection: std::sync::Mutex<tokio::task::JoinHandle<()>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").finish_non_exhaustive()
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        self.connection
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .abort();
    }
}

/// Drives a connection's half until it ends, saying why once.
fn drive(connection: StoreConnection) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        if let Err(error) = connection.await {
            tracing::warn!(error = %StoreError::from(error), "store connection ended");
        }
    })
}

impl Store {
    /// Connects and migrates.
    pub async fn connect(config: &StoreConfig) -> Result<Store, StoreError> {
        let (mut client, connection) = config.open().await?;
        let connection = drive(connection);
        let version: String = client
            .query_one("SHOW server_version_num", &[])
            .await?
            .get(0);
        if version.trim().parse::<i32>().unwrap_or(0) < MIN_SERVER_VERSION {
            return Err(StoreError::TooOld);
        }
        schema::migrate(&mut client).await?;
        Ok(Store {
            config: config.clone(),
            client: tokio::sync::Mutex::new(client),
            connection: std::sync::Mutex::new(connection),
        })
    }

    /// The client, connected again first if the connection broke.
    async fn client(
        &self,
    ) -> Result<tokio::sync::MutexGuard<'_, tokio_postgres::Client>, StoreError> {
        let mut client = self.client.lock().await;
        if client.is_closed() {
            let (fresh, connection) = self.config.open().await?;
            *client = fresh;
            let old = std::mem::replace(
                &mut *self
                    .connection
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner),
                drive(connection),
            );
            old.abort();
            tracing::info!("store connection opened again");
        }
        Ok(client)
    }

    /// Whether the store answers now (connecting again if need be).
    pub async fn check(&self) -> Result<(), StoreError> {
        self.client().await?.simple_query("SELECT 1").await?;
        Ok(())
    }

    /// Whether the connection has broken (then connect again).
    pub async fn is_closed(&self) -> bool {
        self.client.lock().await.is_closed()
    }
}
