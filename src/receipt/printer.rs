//! Getting a slip onto paper without ever holding up a sale: every job goes first into a spool
//! folder, then to the printer; a printer that is off, unplugged or out of paper leaves the job
//! waiting, says why, and the next print (or the window's retry) sends what waits, in order.
//!
//! Addresses: `tcp://HOST:9100` (a network printer's raw port), `/dev/usb/lp0` (a USB printer),
//! `file:PATH` (appends the bytes: a test, or a printer shared some other way).

use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// How long a printer may take to accept a job.
const SEND_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a network printer may take to answer the paper-status question.
const STATUS_TIMEOUT: Duration = Duration::from_millis(800);
/// `DLE EOT 4`: the paper roll sensor's status.
const PAPER_STATUS: [u8; 3] = [0x10, 0x04, 0x04];

/// Where the printer is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrinterAddress {
    /// A network printer: `host:port`.
    Tcp(String),
    /// A device file (`/dev/usb/lp0`).
    Device(PathBuf),
    /// A plain file the bytes are appended to.
    File(PathBuf),
}

/// The address does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("打印机地址无法识别：{0}（应为 tcp://主机:9100、/dev/usb/lp0 或 file:路径）")]
pub struct BadAddress(pub String);

impl crate::i18n::Localized for BadAddress {
    fn message(&self, lang: crate::i18n::Lang) -> String {
        match lang {
            crate::i18n::Lang::Zh => self.to_string(),
            crate::i18n::Lang::En => format!(
                "Printer address not understood: {} (tcp://HOST:9100, /dev/usb/lp0 or file:PATH)",
                self.0
            ),
        }
    }
}

impl std::str::FromStr for PrinterAddress {
    type Err = BadAddress;

    fn from_str(text: &str) -> Result<PrinterAddress, BadAddress> {
        let bad = || BadAddress(text.to_owned());
        let text = text.trim();
        if let Some(rest) = text.strip_prefix("tcp://") {
            let rest = rest.trim_end_matches('/');
            let (host, port) = match rest.rsplit_once(':') {
                Some((host, port)) => (host, port.parse::<u16>().map_err(|_| bad())?),
                None => (rest, 9100),
            };
            let valid_host = !host.is_empty()
                && host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '[' | ']' | ':'));
            if !valid_host || port == 0 {
                return Err(bad());
            }
            return Ok(PrinterAddress::Tcp(format!("{host}:{port}")));
        }
        if let Some(path) = text.strip_prefix("file:") {
            if path.is_empty() {
                return Err(bad());
            }
            return Ok(PrinterAddress::File(PathBuf::from(path)));
        }
        if text.starts_with("/dev/") && text.len() > 5 {
            return Ok(PrinterAddress::Device(PathBuf::from(text)));
        }
        Err(bad())
    }
}

impl std::fmt::Display for PrinterAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PrinterAddress::Tcp(host) => write!(f, "tcp://{host}"),
            PrinterAddress::Device(path) => write!(f, "{}", path.display()),
            PrinterAddress::File(path) => write!(f, "file:{}", path.display()),
        }
    }
}

/// Why a job is still waiting.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrintError {
    /// No connection, or the device cannot be opened.
    #[error("打印机无法连接（{0}），小票已排队等待补打")]
    Unreachable(String),
    /// The printer reports its roll empty.
    #[error("打印机缺纸，请换纸；小票已排队等待补打")]
    OutOfPaper,
    /// It took too long.
    #[error("打印机无响应，小票已排队等待补打")]
    Timeout,
    /// The spool folder could not be written: the slip was not kept.
    #[error("小票无法保存：{0}")]
    Spool(String),
}

impl crate::i18n::Localized for PrintError {
    fn message(&self, lang: crate::i18n::Lang) -> String {
        match (lang, self) {
            (crate::i18n::Lang::Zh, _) => self.to_string(),
            (_, PrintError::Unreachable(why)) => {
                format!("The printer cannot be reached ({why}); the slip waits to be printed")
            }
            (_, PrintError::OutOfPaper) => {
                "The printer is out of paper; the slip waits to be printed".to_owned()
            }
            (_, PrintError::Timeout) => {
                "The printer does not answer; the slip waits to be printed".to_owned()
            }
            (_, PrintError::Spool(why)) => format!("The slip could not be kept: {why}"),
        }
    }
}

/// Sends `bytes` to the printer once.
async fn send(address: &PrinterAddress, bytes: &[u8]) -> Result<(), PrintError> {
    let attempt = async {
        match address {
            PrinterAddress::Tcp(host) => send_tcp(host, bytes).await,
            PrinterAddress::Device(path) | PrinterAddress::File(path) => {
                let append = matches!(address, PrinterAddress::File(_));
                let mut file = tokio::fs::OpenOptions::new()
                    .write(true)
                    .append(append)
                    .create(append)
                    .open(path)
                    .await
                    .map_err(|error| PrintError::Unreachable(error.kind().to_string()))?;
                file.write_all(bytes)
                    .await
                    .map_err(|error| PrintError::Unreachable(error.kind().to_string()))?;
                file.flush()
                    .await
                    .map_err(|error| PrintError::Unreachable(error.kind().to_string()))
            }
        }
    };
    tokio::time::timeout(SEND_TIMEOUT, attempt)
        .await
        .unwrap_or(Err(PrintError::Timeout))
}

async fn send_tcp(host: &str, bytes: &[u8]) -> Result<(), PrintError> {
    let unreachable = |error: std::io::Error| PrintError::Unreachable(error.kind().to_string());
    let mut stream = tokio::net::TcpStream::connect(host)
        .await
        .map_err(unreachable)?;
    // Ask the roll sensor first; a printer that does not answer is printed to anyway.
    stream.write_all(&PAPER_STATUS).await.map_err(unreachable)?;
    let mut status = [0u8; 1];
    if let Ok(Ok(1)) = tokio::time::timeout(STATUS_TIMEOUT, stream.read(&mut status)).await
        && status[0] & 0x60 == 0x60
    {
        return Err(PrintError::OutOfPaper);
    }
    stream.write_all(bytes).await.map_err(unreachable)?;
    stream.shutdown().await.map_err(unreachable)
}

/// The spool: jobs waiting for the printer, one file each, oldest first. One queue per data dir;
/// its lock keeps one sender at a time in this process.
#[derive(Debug)]
pub struct PrintQueue {
    dir: PathBuf,
    sending: tokio::sync::Mutex<()>,
}

impl PrintQueue {
    /// The queue in `dir` (created when the first job comes).
    #[must_use]
    pub fn new(dir: &Path) -> PrintQueue {
        PrintQueue {
            dir: dir.to_owned(),
            sending: tokio::sync::Mutex::new(()),
        }
    }

    /// Keeps a job, durably, before anything is sent.
    pub async fn enqueue(&self, bytes: &[u8]) -> Result<(), PrintError> {
        let spool = |error: std::io::Error| PrintError::Spool(error.to_string());
        tokio::fs::create_dir_all(&self.dir).await.map_err(spool)?;
        let stamp = chrono::Utc::now().format("%Y%m%d%H%M%S%.6f");
        let name = format!("{stamp}-{}.escpos", uuid::Uuid::new_v4().simple());
        let partial = self.dir.join(format!("{name}.part"));
        tokio::fs::write(&partial, bytes).await.map_err(spool)?;
        tokio::fs::rename(&partial, self.dir.join(name))
            .await
            .map_err(spool)
    }

    /// How many jobs wait.
    pub async fn waiting(&self) -> usize {
        self.jobs().await.len()
    }

    async fn jobs(&self) -> Vec<PathBuf> {
        let mut jobs = Vec::new();
        if let Ok(mut entries) = tokio::fs::read_dir(&self.dir).await {
            while let Ok(Some(entry)) = entries.next_entry().await {
                let path = entry.path();
                if path.extension().is_some_and(|ext| ext == "escpos") {
                    jobs.push(path);
                }
            }
        }
        jobs.sort();
        jobs
    }

    /// Sends every waiting job in order, removing each once the printer took it; stops at the
    /// first failure, which it returns (the rest keep waiting).
    pub async fn flush(&self, address: &PrinterAddress) -> Result<usize, PrintError> {
        let _one_sender = self.sending.lock().await;
        let mut sent = 0;
        for job in self.jobs().await {
            let Ok(bytes) = tokio::fs::read(&job).await else {
                continue;
            };
            send(address, &bytes).await?;
            // Printed: a job whose file cannot be removed would print twice, so say so.
            tokio::fs::remove_file(&job)
                .await
                .map_err(|error| PrintError::Spool(error.to_string()))?;
            sent += 1;
        }
        Ok(sent)
    }

    /// Keeps `bytes` and sends everything waiting.
    pub async fn print(&self, address: &PrinterAddress, bytes: &[u8]) -> Result<usize, PrintError> {
        self.enqueue(bytes).await?;
        self.flush(address).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_parse_or_say_what_is_expected() {
        assert_eq!(
            "tcp://192.168.1.50:9100".parse(),
            Ok(PrinterAddress::Tcp("192.168.1.50:9100".to_owned()))
        );
        assert_eq!(
            "tcp://printer.lan".parse(),
            Ok(PrinterAddress::Tcp("printer.lan:9100".to_owned()))
        );
        assert_eq!(
            "/dev/usb/lp0".parse(),
            Ok(PrinterAddress::Device("/dev/usb/lp0".into()))
        );
        assert_eq!(
            "file:/tmp/slips.bin".parse(),
            Ok(PrinterAddress::File("/tmp/slips.bin".into()))
        );
        for bad in [
            "",
            "lp0",
            "tcp://",
            "tcp://host:port",
            "tcp://h:0",
            "http://h",
            "file:",
            "/dev/",
        ] {
            assert!(bad.parse::<PrinterAddress>().is_err(), "{bad}");
        }
    }
}
