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
        gateway.base_url = url_without_password(&gateway.base_url);
    }
    if let Some(store) = &mut shown.store {
        store.url = Secret::new(url_without_password(store.url.expose()));
    }
    if let Some(owner) = &mut shown.owner {
        REMOVED.clone_into(&mut owner.pin_hash);
    }
    shown
}

/// A connection string without its password, in either form PostgreSQL takes: a URL
/// (`postgres://user:pw@host/db?password=pw` → `postgres://user:******@host/db?password=******`;
/// any URL's user info likewise) or key=value words (`host=h password=pw`, `password = 'p w'`
/// → `password=******`).
fn url_without_password(url: &str) -> String {
    if url.contains("://") {
        uri_without_password(url)
    } else {
        words_without_password(url)
    }
}

/// The key=value form (libpq's conninfo): each `password` value, quoted or not, masked.
fn words_without_password(text: &str) -> String {
    let mut shown = String::new();
    let mut rest = text;
    while let Some((head, _, value_end)) = password_value(rest) {
        shown.push_str(&head);
        shown.push_str("******");
        rest = &rest[value_end..];
    }
    shown.push_str(rest);
    shown
}

/// In key=value words, the first `password` value: the text up to it (with `password=`), where
/// the value starts, and where it ends.
fn password_value(text: &str) -> Option<(String, usize, usize)> {
    let lower = text.to_ascii_lowercase();
    let mut from = 0;
    while let Some(found) = lower[from..].find("password") {
        let at = from + found;
        let starts_word = at == 0 || text[..at].ends_with(char::is_whitespace);
        let after = &text[at + "password".len()..];
        let spaced = after.trim_start();
        if starts_word && let Some(value) = spaced.strip_prefix('=') {
            let value = value.trim_start();
            let value_at = text.len() - value.len();
            let value_end = if let Some(quoted) = value.strip_prefix('\'') {
                // Quoted: up to the closing quote; \' and \\ are escapes inside.
                let mut end = None;
                let mut escaped = false;
                for (index, c) in quoted.char_indices() {
                    match c {
                        _ if escaped => escaped = false,
                        '\\' => escaped = true,
                        '\'' => {
                            end = Some(index + 1);
                            break;
                        }
                        _ => {}
                    }
                }
                value_at + 1 + end.unwrap_or(quoted.len())
            } else {
                value_at + value.find(char::is_whitespace).unwrap_or(value.len())
            };
            return Some((format!("{}password=", &text[..at]), value_at, value_end));
        }
        from = at + "password".len();
    }
    None
}

/// The URL form: the user info's password and a `password` query value masked.
fn uri_without_password(url: &str) -> String {
    let (main, query) = url.split_once('?').unwrap_or((url, ""));
    let main = match main.split_once("://") {
        Some((scheme, rest)) => match rest.rsplit_once('@') {
            Some((user_info, host)) => {
                let user = user_info
                    .split_once(':')
                    .map_or(user_info, |(user, _)| user);
                let masked = if user_info.contains(':') {
                    ":******"
                } else {
                    ""
                };
                format!("{scheme}://{user}{masked}@{host}")
            }
            None => main.to_owned(),
        },
        None => main.to_owned(),
    };
    let query: Vec<String> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((name, _)) if name.eq_ignore_ascii_case("password") => format!("{name}=******"),
            _ => pair.to_owned(),
        })
        .collect();
    if query.is_empty() {
        main
    } else {
        format!("{main}?{}", query.join("&"))
    }
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
        if let Some(password) = store_password(&gateway.base_url) {
            secrets.push(password.to_owned());
        }
    }
    if let Some(store) = &config.store
        && let Some(password) = store_password(store.url.expose())
    {
        secrets.push(password.to_owned());
    }
    secrets.retain(|secret| secret.len() >= 4);
    secrets
}

/// The password in a connection string: in a URL's user info or query, or a key=value word.
fn store_password(url: &str) -> Option<&str> {
    if !url.contains("://") {
        return password_value(url).map(|(_, at, end)| {
            let value = &url[at..end];
            value
                .strip_prefix('\'')
                .and_then(|quoted| quoted.strip_suffix('\''))
                .unwrap_or(value)
        });
    }
    let (main, query) = url.split_once('?').unwrap_or((url, ""));
    let in_query = query.split('&').find_map(|pair| {
        pair.split_once('=')
            .filter(|(name, _)| name.eq_ignore_ascii_case("password"))
            .map(|(_, value)| value)
    });
    let in_user_info = main
        .split_once("://")
        .and_then(|(_, rest)| rest.rsplit_once('@'))
        .and_then(|(user_info, _)| user_info.split_once(':'))
        .map(|(_, password)| password);
    in_user_info.or(in_query)
}

/// Counts what the ledger and the spool hold, then writes the zip into `out_dir`.
pub async fn export(
    configured: &crate::setup::Configured,
    paths: &crate::setup::Paths,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_of_a_connection_string_loses_its_password() {
        for (given, shown) in [
            (
                "host=10.0.0.5 user=till password=s3cret dbname=shop",
                "host=10.0.0.5 user=till password=****** dbname=shop",
            ),
            (
                "host=h password = 's3 cr\\'et' dbname=shop",
                "host=h password=****** dbname=shop",
            ),
            ("PASSWORD=s3cret", "password=******"),
            ("host=h passwordless=1", "host=h passwordless=1"),
            (
                "https://owner:hunter22@pay.example.com:8443",
                "https://owner:******@pay.example.com:8443",
            ),
        ] {
            assert_eq!(url_without_password(given), shown, "{given}");
        }
        assert_eq!(
            store_password("host=h password='s3 cr' dbname=x"),
            Some("s3 cr")
        );
        assert_eq!(store_password("host=h password=s3cret"), Some("s3cret"));
        assert_eq!(
            store_password("https://owner:hunter22@pay.example.com"),
            Some("hunter22")
        );
    }

    #[test]
    fn a_store_url_loses_its_password_and_keeps_the_rest() {
        assert_eq!(
            url_without_password("postgres://till:s3cret@10.0.0.5:5432/shop?sslmode=require"),
            "postgres://till:******@10.0.0.5:5432/shop?sslmode=require"
        );
        assert_eq!(
            url_without_password("postgres://10.0.0.5/shop?user=till&password=s3cret"),
            "postgres://10.0.0.5/shop?user=till&password=******"
        );
        assert_eq!(
            url_without_password("postgres://till@host/shop"),
            "postgres://till@host/shop"
        );
    }
}
