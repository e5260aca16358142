//! Getting a slip onto paper without ever holding up a sale: every job goes first into a spool
//! folder, then to the printer; a printer that is off, unplugged or out of paper leaves the job
//! waiting, says why, and the next print (or the window's retry) sends what waits, in order.
//!
//! Addresses: `tcp://HOST:9100` (a network printer's raw port), `/dev/usb/lp0` (a USB printer),
//! `serial:COM3?baud=9600` or `serial:/dev/ttyUSB0` (a serial port, [`super::ports`]),
//! `printer:POS-58` (a Windows printer, its bytes RAW through the spooler), `file:PATH` (appends
//! the bytes: a test, or a printer shared some other way).

use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// How long a printer may take to accept a job.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a network printer may take to answer the paper-status question.
const STATUS_TIMEOUT: Duration = Duration::from_millis(800);
/// How long a print waits for another process that is sending the spool.
const LOCK_WAIT: Duration = Duration::from_millis(800);
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
    /// A serial port (`COM3`, `/dev/ttyUSB0`) at this many baud.
    Serial {
        /// The port's name.
        port: String,
        /// Its speed.
        baud: u32,
    },
    /// A Windows printer, by the name its queue has in 设备和打印机.
    Windows(String),
}

/// The address does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "打印机地址无法识别：{0}（应为 tcp://主机:9100、/dev/usb/lp0、serial:COM3?baud=9600、printer:打印机名 或 file:路径）"
)]
pub struct BadAddress(pub String);

impl crate::i18n::Localized for BadAddress {
    fn message(&self, lang: crate::i18n::Lang) -> String {
        match lang {
            crate::i18n::Lang::Zh => self.to_string(),
            crate::i18n::Lang::En => format!(
                "Printer address not understood: {} (tcp://HOST:9100, /dev/usb/lp0, \
                 serial:COM3?baud=9600, printer:NAME or file:PATH)",
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
        if let Some(rest) = text.strip_prefix("serial:") {
            let (serial_port, speed) = super::ports::serial_address(rest).ok_or_else(bad)?;
            return Ok(PrinterAddress::Serial {
                port: serial_port,
                baud: speed,
            });
        }
        if let Some(name) = text.strip_prefix("printer:") {
            let name = name.trim();
            if name.is_empty() {
                return Err(bad());
            }
            return Ok(PrinterAddress::Windows(name.to_owned()));
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
            PrinterAddress::Serial { port, baud } => write!(f, "serial:{port}?baud={baud}"),
            PrinterAddress::Windows(name) => write!(f, "printer:{name}"),
        }
    }
}

/// Why a slip was not printed. Off, out of paper or slow: the slip waits in the spool. No printer
/// set, an address that does not parse, or a spool that cannot be written: nothing was queued.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrintError {
    /// No `[printer]` is set and none was given.
    #[error("没有设置打印机：在“设置”或配置的 [printer] 中填写打印机地址")]
    NotSet,
    /// The address does not parse.
    #[error(transparent)]
    BadAddress(#[from] BadAddress),
    /// No connection, or the device cannot be opened.
    #[error("打印机无法连接（{0}），小票已排队等待补打")]
    Unreachable(Unreachable),
    /// The printer reports its roll empty.
    #[error("打印机缺纸，请换纸；小票已排队等待补打")]
    OutOfPaper,
    /// It took too long.
    #[error("打印机无响应，小票已排队等待补打")]
    Timeout,
    /// The printer took the connection but not the slip (it does not read, or broke off).
    #[error("打印机连上了但没有接收小票（可能卡纸、死机或网络不通），小票已排队等待补打")]
    NotTaken,
    /// Another program is sending the spool right now; the slip is sent with the next print.
    #[error("另一个程序正在打印，小票已排队稍后打印")]
    Busy,
    /// The spool folder could not be written: the slip was not kept.
    #[error("小票无法保存：{0}")]
    Spool(String),
}

impl crate::i18n::Localized for PrintError {
    fn message(&self, lang: crate::i18n::Lang) -> String {
        match (lang, self) {
            (crate::i18n::Lang::Zh, _) => self.to_string(),
            (_, PrintError::NotSet) => {
                "No printer is set: give its address in [printer] of the configuration".to_owned()
            }
            (lang, PrintError::BadAddress(bad)) => bad.message(lang),
            (lang, PrintError::Unreachable(why)) => format!(
                "The printer cannot be reached ({}); the slip waits to be printed",
                why.message(lang)
            ),
            (_, PrintError::NotTaken) => {
                "The printer took the connection but not the slip (jammed, hung or the network \
                 broke); the slip waits to be printed"
                    .to_owned()
            }
            (_, PrintError::Busy) => {
                "Another program is printing right now; the slip waits for the next print"
                    .to_owned()
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

/// Why the printer could not be reached, in words the person at the counter can act on (the
/// system's `connection refused` or `uncategorized error` tells a cashier nothing).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unreachable {
    /// Nothing listens at the address: the printer is off, or the address is another's.
    #[error("打印机未开机，或地址、端口不对")]
    Refused,
    /// The host name does not resolve.
    #[error("找不到打印机的主机名")]
    NoHost,
    /// The network does not reach the address.
    #[error("网络不通")]
    NoRoute,
    /// The connection broke off while sending.
    #[error("连接中断")]
    Cut,
    /// The device file does not exist: the USB printer is unplugged or off.
    #[error("找不到打印机设备，请检查 USB 线和电源")]
    NoDevice,
    /// The device file is not the cashier's to write.
    #[error("没有权限使用打印机设备（请将收银台用户加入 lp 组）")]
    NoPermission,
    /// No Windows printer has this name (or this is not Windows).
    #[error("找不到 Windows 打印机“{0}”：请按“设备和打印机”中的名称填写")]
    NoWindowsPrinter(String),
    /// Anything else, in the system's words.
    #[error("{0}")]
    Other(String),
}

impl Unreachable {
    fn of(error: &std::io::Error) -> Unreachable {
        use std::io::ErrorKind;
        match error.kind() {
            ErrorKind::ConnectionRefused => Unreachable::Refused,
            ErrorKind::HostUnreachable
            | ErrorKind::NetworkUnreachable
            | ErrorKind::NetworkDown
            | ErrorKind::AddrNotAvailable => Unreachable::NoRoute,
            ErrorKind::BrokenPipe
            | ErrorKind::ConnectionReset
            | ErrorKind::ConnectionAborted
            | ErrorKind::UnexpectedEof => Unreachable::Cut,
            ErrorKind::NotFound => Unreachable::NoDevice,
            ErrorKind::PermissionDenied => Unreachable::NoPermission,
            kind => Unreachable::Other(kind.to_string()),
        }
    }
}

impl crate::i18n::Localized for Unreachable {
    fn message(&self, lang: crate::i18n::Lang) -> String {
        match (lang, self) {
            (crate::i18n::Lang::Zh, _) => self.to_string(),
            (_, Unreachable::Refused) => "it is off, or the address or port is wrong".to_owned(),
            (_, Unreachable::NoHost) => "its host name is not found".to_owned(),
            (_, Unreachable::NoRoute) => "the network does not reach it".to_owned(),
            (_, Unreachable::Cut) => "the connection broke off".to_owned(),
            (_, Unreachable::NoDevice) => {
                "no printer device: check its USB cable and power".to_owned()
            }
            (_, Unreachable::NoPermission) => {
                "no permission to use the printer device (add the cashier's user to group lp)"
                    .to_owned()
            }
            (_, Unreachable::NoWindowsPrinter(name)) => format!(
                "no Windows printer is named “{name}”: use its name in Devices and Printers"
            ),
            (_, Unreachable::Other(why)) => why.clone(),
        }
    }
}

/// Sends `bytes` to the printer at once, past the spool, given up after `limit` (the cash
/// drawer's pulse: it must never wait and fire later).
/// # Errors
/// As a slip's send: off, unreachable, out of paper, too slow.
pub async fn send_now(
    address: &PrinterAddress,
    bytes: &[u8],
    limit: Duration,
) -> Result<(), PrintError> {
    send_within(address, bytes, limit).await
}

/// Sends `bytes` to the printer once, within [`SEND_TIMEOUT`].
async fn send(address: &PrinterAddress, bytes: &[u8]) -> Result<(), PrintError> {
    send_within(address, bytes, SEND_TIMEOUT).await
}

/// Sends `bytes` to the printer once, within `limit`.
async fn send_within(
    address: &PrinterAddress,
    bytes: &[u8],
    limit: Duration,
) -> Result<(), PrintError> {
    let attempt = async {
        match address {
            PrinterAddress::Tcp(host) => send_tcp(host, bytes).await,
            PrinterAddress::Serial { port, baud } => super::ports::send_serial(port, *baud, bytes)
                .await
                .map_err(|error| PrintError::Unreachable(Unreachable::of(&error))),
            PrinterAddress::Windows(name) => {
                super::ports::send_windows(name, bytes)
                    .await
                    .map_err(|error| match error.kind() {
                        std::io::ErrorKind::NotFound => {
                            PrintError::Unreachable(Unreachable::NoWindowsPrinter(name.clone()))
                        }
                        _ => PrintError::Unreachable(Unreachable::Other(error.to_string())),
                    })
            }
            PrinterAddress::Device(path) | PrinterAddress::File(path) => {
                let append = matches!(address, PrinterAddress::File(_));
                let mut file = tokio::fs::OpenOptions::new()
                    .write(true)
                    .append(append)
                    .create(append)
                    .open(path)
                    .await
                    .map_err(|error| PrintError::Unreachable(Unreachable::of(&error)))?;
                file.write_all(bytes)
                    .await
                    .map_err(|error| PrintError::Unreachable(Unreachable::of(&error)))?;
                file.flush()
                    .await
                    .map_err(|error| PrintError::Unreachable(Unreachable::of(&error)))
            }
        }
    };
    tokio::time::timeout(limit, attempt)
        .await
        .unwrap_or(Err(PrintError::Timeout))
}

async fn send_tcp(host: &str, bytes: &[u8]) -> Result<(), PrintError> {
    let unreachable = |error: std::io::Error| PrintError::Unreachable(Unreachable::of(&error));
    // Looked up first: a name that does not resolve is said as such, not as a system error.
    let addresses: Vec<_> = tokio::net::lookup_host(host)
        .await
        .map_err(|_| PrintError::Unreachable(Unreachable::NoHost))?
        .collect();
    if addresses.is_empty() {
        return Err(PrintError::Unreachable(Unreachable::NoHost));
    }
    let mut stream = tokio::net::TcpStream::connect(&addresses[..])
        .await
        .map_err(unreachable)?;
    // Ask the roll sensor first; a printer that does not answer is printed to anyway.
    stream.write_all(&PAPER_STATUS).await.map_err(unreachable)?;
    let mut status = [0u8; 1];
    let answered = match tokio::time::timeout(STATUS_TIMEOUT, stream.read(&mut status)).await {
        Ok(Ok(1)) => Some(status[0]),
        _ => None,
    };
    if answered.is_some_and(|status| status & 0x60 == 0x60) {
        return Err(PrintError::OutOfPaper);
    }
    let answers_status = answered.is_some();
    stream.write_all(bytes).await.map_err(unreachable)?;
    // The slip has left only when the printer took all of it: a printer that accepts the
    // connection and never reads (or reads a byte a second) would otherwise eat it, since the
    // kernel takes a slip's few hundred bytes at once. Taken means: the printer answers a status
    // question sent after the slip (it reads in order), or it closes its side after ours.
    if answers_status {
        stream.write_all(&PAPER_STATUS).await.map_err(unreachable)?;
    }
    stream.shutdown().await.map_err(unreachable)?;
    let mut answer = [0u8; 16];
    loop {
        match stream.read(&mut answer).await {
            Ok(0) => return Ok(()),
            Ok(_) if answers_status => return Ok(()),
            Ok(_) => {}
            Err(_) => return Err(PrintError::NotTaken),
        }
    }
}

/// The spool: jobs waiting for the printer, one file each, oldest first. One queue per data dir:
/// a lock file in it keeps one sender at a time across processes (the window and a `cashier
/// receipt` printing at the same instant must not send one waiting slip twice).
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
        let dir = self.dir.clone();
        tokio::task::spawn_blocking(move || crate::owner_only::dir(&dir))
            .await
            .map_err(|error| spool(std::io::Error::other(error)))?
            .map_err(spool)?;
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
        let _one_process = self.lock_across_processes().await?;
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

    /// Holds the spool's lock file until the returned file is dropped. While another process
    /// sends, waits at most `LOCK_WAIT` and then says so ([`PrintError::Busy`]): a sale never
    /// waits on someone else's printing (issue 20: `cashier pay` waited 29.7 s).
    async fn lock_across_processes(&self) -> Result<std::fs::File, PrintError> {
        let spool = |error: std::io::Error| PrintError::Spool(error.to_string());
        tokio::fs::create_dir_all(&self.dir).await.map_err(spool)?;
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.dir.join(".lock"))
            .map_err(spool)?;
        let deadline = tokio::time::Instant::now() + LOCK_WAIT;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(file),
                Err(std::fs::TryLockError::WouldBlock)
                    if tokio::time::Instant::now() < deadline =>
                {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(std::fs::TryLockError::WouldBlock) => return Err(PrintError::Busy),
                Err(std::fs::TryLockError::Error(error)) => return Err(spool(error)),
            }
        }
    }

    /// Keeps `bytes` and sends everything waiting.
    pub async fn print(&self, address: &PrinterAddress, bytes: &[u8]) -> Result<usize, PrintError> {
        self.enqueue(bytes).await?;
        self.flush(address).await
    }
}

/// Where `config` (or `chosen`, overriding it) prints.
pub fn address_of(
    config: Option<&super::PrinterConfig>,
    chosen: Option<&str>,
) -> Result<PrinterAddress, PrintError> {
    let text = chosen
        .or(config.map(|printer| printer.address.as_str()))
        .ok_or(PrintError::NotSet)?;
    Ok(text.parse()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Localized;

    #[tokio::test]
    async fn two_queues_on_one_spool_never_send_a_waiting_slip_twice() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("paper.bin");
        let address = PrinterAddress::File(out.clone());
        let first = PrintQueue::new(&dir.path().join("spool"));
        let second = PrintQueue::new(&dir.path().join("spool"));
        for n in 0..20u8 {
            first.enqueue(&[n]).await.expect("spooled");
        }
        let (a, b) = tokio::join!(first.flush(&address), second.flush(&address));
        assert_eq!(a.expect("first sent") + b.expect("second sent"), 20);
        assert_eq!(
            std::fs::read(&out).expect("printed"),
            (0..20u8).collect::<Vec<_>>()
        );
        assert_eq!(first.waiting().await, 0);
    }

    /// A cashier reads why in words to act on: off, unplugged, no permission, no such host.
    #[tokio::test]
    async fn an_unreachable_printer_is_said_in_words_a_cashier_can_act_on() {
        let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
        let port = closed.local_addr().expect("addr").port();
        drop(closed);
        let off = send(&PrinterAddress::Tcp(format!("127.0.0.1:{port}")), b"x").await;
        assert_eq!(off, Err(PrintError::Unreachable(Unreachable::Refused)));
        let said = off.map_or_else(|e| e.to_string(), |()| String::new());
        assert!(said.contains("打印机未开机，或地址、端口不对"), "{said}");

        let dir = tempfile::tempdir().expect("dir");
        let unplugged = send(&PrinterAddress::Device(dir.path().join("lp0")), b"x").await;
        assert_eq!(
            unplugged,
            Err(PrintError::Unreachable(Unreachable::NoDevice))
        );

        let no_host = send(
            &PrinterAddress::Tcp("printer.invalid:9100".to_owned()),
            b"x",
        )
        .await;
        assert_eq!(no_host, Err(PrintError::Unreachable(Unreachable::NoHost)));
        let english = no_host.map_or_else(|e| e.message(crate::i18n::Lang::En), |()| String::new());
        assert!(english.contains("host name is not found"), "{english}");
    }

    #[test]
    fn serial_and_windows_addresses_parse_and_print_back() {
        assert_eq!(
            "serial:COM3?baud=19200".parse(),
            Ok(PrinterAddress::Serial {
                port: "COM3".into(),
                baud: 19_200
            })
        );
        assert_eq!(
            "printer:POS-58".parse(),
            Ok(PrinterAddress::Windows("POS-58".into()))
        );
        for bad in ["serial:", "serial:COM3?baud=0", "printer:", "printer:  "] {
            assert!(bad.parse::<PrinterAddress>().is_err(), "{bad} was taken");
        }
        let round = "serial:COM4?baud=2400";
        assert_eq!(
            round
                .parse::<PrinterAddress>()
                .map(|a| a.to_string())
                .as_deref(),
            Ok(round)
        );
    }

    #[cfg(not(windows))]
    #[tokio::test]
    async fn a_windows_printer_elsewhere_is_named_in_the_error() {
        let address = PrinterAddress::Windows("POS-58".into());
        assert_eq!(
            send(&address, b"x").await,
            Err(PrintError::Unreachable(Unreachable::NoWindowsPrinter(
                "POS-58".into()
            )))
        );
    }

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
