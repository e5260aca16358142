//! 导出诊断信息: one zip a shop's support person can read — the daily logs, the configuration
//! without its secrets, the version, and what the ledger holds (counts only, no order details
//! beyond what the logs already carry). The merchant key and the store's password never go in:
//! they are replaced in the config, and any log line that somehow held the key has it masked.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::Utc;

use crate::config::Config;
use crate::secret::Secret;

/// What stands in for a secret in the zip.
const REMOVED: &str = "******（已移除 removed）";

/// Why the zip could not be written.
#[derive(Debug, thiserror::Error)]
pub enum DiagnosticsError {
    /// A file could not be written or read.
    #[error("诊断文件无法写入：{0}")]
    Io(#[from] std::io::Error),
    /// The zip could not be built.
    #[error("诊断文件无法打包：{0}")]
    Zip(#[from] zip::result::ZipError),
    /// The ledger could not be counted.
    #[error(transparent)]
    Ledger(#[from] crate::ledger::LedgerError),
}

impl crate::i18n::Localized for DiagnosticsError {
    fn message(&self, lang: crate::i18n::Lang) -> String {
        match (lang, self) {
            (crate::i18n::Lang::Zh, _) => self.to_string(),
            (_, DiagnosticsError::Io(error)) => format!("Cannot write the diagnostics: {error}"),
            (_, DiagnosticsError::Zip(error)) => format!("Cannot pack the diagnostics: {error}"),
            (lang, DiagnosticsError::Ledger(error)) => error.message(lang),
        }
    }
}

/// What goes into the zip besides the logs and the config.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// Orders per status, e.g. `("paid", 120)`.
    pub orders_by_status: Vec<(String, i64)>,
    /// Shifts in the ledger.
    pub shifts: i64,
    /// Slips waiting for the printer.
    pub slips_waiting: usize,
    /// Whether the sandbox is in force.
    pub sandbox: bool,
}

/// `config` as it may be shown to someone else: the merchant key and the store URL's password
/// replaced.
#[must_use]
pub fn without_secrets(config: &Config) -> Config {
    let mut shown = config.clone();
    for gateway in [&mut shown.gateway, &mut shown.parked_gateway]
        .into_iter()
        .flatten()
    {
        gateway.key = Secret::new(REMOVED);
        gateway.base_url = crate::masking::url_without_password(&gateway.base_url);
    }
    if let Some(store) = &mut shown.store {
        store.url = Secret::new(crate::masking::url_without_password(store.url.expose()));
    }
    if let Some(owner) = &mut shown.owner {
        REMOVED.clone_into(&mut owner.pin_hash);
    }
    shown
}

/// Writes the zip into `out_dir` and returns its path.
pub fn write(
    out_dir: &Path,
    config: &Config,
    log_dir: &Path,
    facts: &Facts,
) -> Result<PathBuf, DiagnosticsError> {
    crate::owner_only::dir(out_dir)?;
    let name = format!(
        "cashier-diagnostics-{}.zip",
        Utc::now().format("%Y%m%d-%H%M%S")
    );
    let path = out_dir.join(name);
    // Owner-only, like the config and the ledger it describes.
    let mut options_file = std::fs::OpenOptions::new();
    options_file.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options_file, 0o600);
    let mut zip = zip::ZipWriter::new(options_file.open(&path)?);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let secrets = secrets_of(config);

    zip.start_file("version.txt", options)?;
    writeln!(zip, "cashier {}", crate::VERSION)?;
    writeln!(
        zip,
        "os: {} {}",
        std::env::consts::OS,
        std::env::consts::ARCH
    )?;
    writeln!(zip, "written: {}", Utc::now().to_rfc3339())?;

    zip.start_file("config.toml", options)?;
    let shown = toml::to_string_pretty(&without_secrets(config))
        .unwrap_or_else(|error| format!("# config not shown: {error}\n"));
    zip.write_all(mask(&shown, &secrets).as_bytes())?;

    zip.start_file("ledger.txt", options)?;
    writeln!(zip, "sandbox: {}", facts.sandbox)?;
    for (status, count) in &facts.orders_by_status {
        writeln!(zip, "orders {status}: {count}")?;
    }
    writeln!(zip, "shifts: {}", facts.shifts)?;
    writeln!(
        zip,
        "slips waiting for the printer: {}",
        facts.slips_waiting
    )?;

    for log in log_files(log_dir) {
        let Some(file_name) = log.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let text = String::from_utf8_lossy(&std::fs::read(&log)?).into_owned();
        zip.start_file(format!("logs/{file_name}"), options)?;
        zip.write_all(mask(&text, &secrets).as_bytes())?;
    }
    zip.finish()?;
    Ok(path)
}

/// The secrets `config` holds, as text that must never show (the key; the store's password).
fn secrets_of(config: &Config) -> Vec<String> {
    let mut secrets = Vec::new();
    for gateway in [&config.gateway, &config.parked_gateway]
        .into_iter()
        .flatten()
    {
        if !gateway.key.is_empty() {
            secrets.push(gateway.key.expose().to_owned());
        }
        if let Some(password) = crate::masking::password_in(&gateway.base_url) {
            secrets.push(password.to_owned());
        }
    }
    if let Some(store) = &config.store
        && let Some(password) = crate::masking::password_in(store.url.expose())
    {
        secrets.push(password.to_owned());
    }
    secrets.retain(|secret| secret.len() >= 4);
    secrets
}

/// Counts what the ledger and the spool hold, then writes the zip into `out_dir`.
pub async fn export(
    configured: &crate::app::setup::Configured,
    paths: &crate::app::setup::Paths,
    out_dir: &Path,
) -> Result<PathBuf, DiagnosticsError> {
    let (orders_by_status, shifts) = configured
        .ledger()
        .run(|ledger| {
            Ok::<_, crate::ledger::LedgerError>((ledger.counts_by_status()?, ledger.shift_count()?))
        })
        .await?;
    let facts = Facts {
        orders_by_status,
        shifts,
        slips_waiting: crate::receipt::PrintQueue::new(&paths.spool_dir())
            .waiting()
            .await,
        sandbox: configured.is_sandbox,
    };
    let (config, log_dir, out_dir) = (
        configured.config.clone(),
        paths.log_dir(),
        out_dir.to_owned(),
    );
    tokio::task::spawn_blocking(move || write(&out_dir, &config, &log_dir, &facts))
        .await
        .map_err(|error| DiagnosticsError::Io(std::io::Error::other(error.to_string())))?
}

/// `text` with every secret replaced.
fn mask(text: &str, secrets: &[String]) -> String {
    secrets.iter().fold(text.to_owned(), |text, secret| {
        text.replace(secret.as_str(), "******")
    })
}

/// The log files, oldest first.
fn log_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|path| path.extension().is_some_and(|ext| ext == "log"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}
