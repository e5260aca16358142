//! The command line. Every command shares its code paths with the window: the same setup, runner,
//! re-query and ledger queries.

/// `println!` for the command line's results, which a closed pipe never turns into a panic:
/// `cashier pay … | head -1` reads the first line and closes, while the sale (already in the
/// ledger) ends with its own exit status. Write errors on standard output are not the sale's.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::write_line(format_args!($($arg)*))
    };
}

mod json;
mod onboard;
mod pay;
mod report;
mod sandbox_cmd;
mod shift_cmd;
mod store_cmd;
mod terminal_qr;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::gateway::PayMethod;
use crate::i18n::Localized;
use crate::setup::{Paths, Setup, SetupError};
use crate::status::OrderStatus;

/// Writes one line to standard output, ignoring a reader that has gone away (see `out!`).
pub(crate) fn write_line(line: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{line}").and_then(|()| stdout.flush());
}

/// Exit statuses, documented in `--help`.
pub mod exit {
    /// The order was paid (or the command succeeded).
    pub const PAID: u8 = 0;
    /// Something broke inside (the ledger could not be written…).
    pub const ERROR: u8 = 1;
    /// Bad input or config: nothing was charged.
    pub const BAD_INPUT: u8 = 2;
    /// The payment failed.
    pub const FAILED: u8 = 3;
    /// The result is not known yet; the order is kept and queried again.
    pub const UNRESOLVED: u8 = 4;
    /// Paid, but not the amount asked: look at it.
    pub const AMOUNT_MISMATCH: u8 = 5;
}

const EXIT_CODES: &str = "Exit status: 0 paid (or done), 1 internal error, 2 bad input or config, \
3 payment failed, 4 result unknown (the order is kept and queried again), 5 paid a different amount.";

/// A counter-top cashier for 钱汇通 (qht) and 畅支付 (changpay), with a built-in sandbox gateway.
#[derive(Debug, Parser)]
#[command(version = VERSION, about, after_help = EXIT_CODES)]
pub struct Args {
    /// The config file (TOML); by default the platform's config directory, if one is there.
    /// With no `[gateway]` the sandbox gateway is used.
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    /// Where the ledger is kept; by default the platform's data directory.
    #[arg(long, global = true)]
    pub data_dir: Option<PathBuf>,
    /// The port of the sandbox gateway the cashier runs by itself when nothing is configured
    /// (0: any free port, as the real-window tests use).
    #[arg(long, global = true, default_value_t = crate::setup::SANDBOX_PORT, hide = true)]
    pub sandbox_port: u16,
    /// What to do; with none, the cashier window opens (on the sandbox gateway when nothing is
    /// configured).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// A subcommand.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Take a payment and wait for its result.
    #[command(after_help = EXIT_CODES)]
    Pay {
        /// alipay-qr, wechat-qr, alipay-barcode, wechat-barcode, unionpay-qr, qq-qr, jd-qr, …
        #[arg(long)]
        method: String,
        /// In yuan: 12, 12.3, 12.34, ¥12.34.
        #[arg(long)]
        amount: String,
        /// The customer's payment code, for bar-code methods.
        #[arg(long)]
        auth_code: Option<String>,
        /// A bank transfer's payer: the real name (with --payer-account).
        #[arg(long, requires = "payer_account")]
        payer_name: Option<String>,
        /// A bank transfer's payer: the account, or the card number for card-bank-transfer.
        #[arg(long, requires = "payer_name")]
        payer_account: Option<String>,
        /// Cash handed over, for `--method cash` (the amount itself by default); the change is
        /// printed.
        #[arg(long)]
        tendered: Option<String>,
        /// What is sold.
        #[arg(long, default_value = "商品")]
        description: String,
        /// One JSON object per line; the last is the order's final state.
        #[arg(long)]
        json: bool,
    },
    /// Query an order at the gateway again and show its record and history.
    #[command(after_help = EXIT_CODES)]
    Query {
        /// Our order number.
        order_no: String,
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
    /// Query every order that is not final (as the window does at start-up).
    Recover {
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
    /// A day's sales: totals and orders.
    History {
        /// The day, YYYY-MM-DD; today by default.
        #[arg(long)]
        date: Option<String>,
        /// One JSON object per order, then the totals.
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        /// CSV of the day's orders: UTF-8 without a byte-order mark (for a pipe; the window's
        /// 导出 CSV writes one, for Excel), order numbers a spreadsheet would read as numbers as
        /// ="…", a totals row and a subtotal per pay method.
        #[arg(long)]
        csv: bool,
        /// The whole store's day, from the store database ([store] in the config).
        #[arg(long)]
        all_tills: bool,
        /// One till's day, from the store database.
        #[arg(long, conflicts_with = "all_tills")]
        till: Option<String>,
    },
    /// Shifts (班次): open one, close it with the cash counted, read its report.
    Shift {
        /// What to do.
        #[command(subcommand)]
        action: ShiftAction,
    },
    /// Print (or reprint) a sale's receipt on the printer ([printer] or --printer).
    Receipt {
        /// Our order number.
        order_no: String,
        /// `tcp://HOST:9100`, `/dev/usb/lp0` or `file:PATH`, instead of `[printer] address`.
        #[arg(long)]
        printer: Option<String>,
    },
    /// Register a new qht merchant (个人进件) from a form; the merchant number is printed, the key
    /// goes into the config file only. The config needs a qht [gateway] with its base URL.
    QhtOnboard {
        /// A flat TOML file keyed by the qht spec's own field names (the two notification
        /// addresses may come from the config instead).
        #[arg(long)]
        form: PathBuf,
        /// One JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Write a zip for the shop's support person: the logs, the config without its key, the
    /// version and the ledger's counts. Prints the zip's path.
    Diagnostics {
        /// The folder it goes in (default: the data dir's exports folder).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Push this till's orders to the store database now; exit 0 when all is pushed.
    Sync {
        /// One JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Run the store's changpay notification endpoint: verified payments go into the store
    /// database ([store]) and reach their till at once. Needs a changpay [gateway].
    NotifyServer {
        /// Where to listen; by default [notify] listen.
        #[arg(long)]
        listen: Option<std::net::SocketAddr>,
        /// Exit (status 1, for the service manager to restart it) once the store database has
        /// been unreachable this many seconds; until then it connects again by itself.
        #[arg(long, default_value_t = 60)]
        give_up_after_secs: u64,
    },
    /// Run the sandbox gateway alone, speaking both providers' protocols on loopback.
    Sandbox {
        /// The port to listen on (0 takes any free port).
        #[arg(long, default_value_t = crate::setup::SANDBOX_PORT)]
        port: u16,
        /// Listen on every interface, so a phone on the same network can open the pay pages.
        #[arg(long)]
        lan: bool,
        /// The address phones reach this machine at, for the pay-page links (with --lan):
        /// `http://192.168.1.5:8088`.
        #[arg(long)]
        public_url: Option<String>,
        /// Run delays (password entry, notification retries) this many times faster.
        #[arg(long, default_value_t = 1, hide = true)]
        speedup: u32,
    },
}

/// `cashier shift …`.
#[derive(Debug, Subcommand)]
pub enum ShiftAction {
    /// Open a shift: who sells, with how much cash in the drawer.
    Open {
        /// The cashier's name.
        #[arg(long)]
        cashier: String,
        /// The opening float (备用金), in yuan.
        #[arg(long, default_value = "0")]
        float: String,
        /// One JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Close the open shift with the cash counted in the drawer; prints its report.
    Close {
        /// The cash counted, in yuan.
        #[arg(long)]
        counted: String,
        /// How the report is given.
        #[command(flatten)]
        output: ReportOutput,
    },
    /// The open shift's report so far, or a past shift's (--shift N) as it was closed.
    Report {
        /// A past shift's number.
        #[arg(long)]
        shift: Option<i64>,
        /// How the report is given.
        #[command(flatten)]
        output: ReportOutput,
    },
}

/// How a shift's report is given: text or JSON, and on the printer too.
#[derive(Debug, clap::Args)]
pub struct ReportOutput {
    /// One JSON object.
    #[arg(long)]
    json: bool,
    /// Print the report on the printer too.
    #[arg(long)]
    print: bool,
    /// `tcp://HOST:9100`, `/dev/usb/lp0` or `file:PATH`, instead of `[printer] address`.
    #[arg(long)]
    printer: Option<String>,
}

/// Logs to stderr; `RUST_LOG` sets the level (warnings by default, so output stays clean).
pub fn init_logging(log_dir: Option<&std::path::Path>) -> Option<WorkerGuard> {
    use tracing_subscriber::Layer;
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    let stderr_filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let stderr = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_filter(stderr_filter);
    // The file a support person asks for: one per day, two weeks kept, this app's info and up.
    // The folder is made first: the appender prunes old files on start and, finding no folder
    // on a till's first run, printed "Error reading the log directory" to the terminal.
    let (file, guard) = match log_dir.and_then(|dir| {
        std::fs::create_dir_all(dir).ok()?;
        daily_log(dir).ok()
    }) {
        Some(appender) => {
            let (writer, guard) = tracing_appender::non_blocking(appender);
            let layer = tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .with_writer(writer)
                .with_filter(tracing_subscriber::EnvFilter::new("warn,cashier=info"));
            (Some(layer), Some(guard))
        }
        None => (None, None),
    };
    let _ = tracing_subscriber::registry()
        .with(stderr)
        .with(file)
        .try_init();
    guard
}

/// The daily-rotated log in `dir` (`cashier.YYYY-MM-DD.log`), 14 days kept.
fn daily_log(
    dir: &std::path::Path,
) -> Result<tracing_appender::rolling::RollingFileAppender, tracing_appender::rolling::InitError> {
    tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("cashier")
        .filename_suffix("log")
        .max_log_files(LOG_DAYS)
        .build(dir)
}

/// How many days of logs are kept.
const LOG_DAYS: usize = 14;

/// `cashier --version`: the version and the git revision it was built from.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("CASHIER_GIT_REV"),
    ")"
);

pub use tracing_appender::non_blocking::WorkerGuard;

/// The exit status for an order that ended in `status`.
#[must_use]
pub fn exit_for(status: OrderStatus) -> u8 {
    match status {
        OrderStatus::Paid => exit::PAID,
        OrderStatus::Failed => exit::FAILED,
        OrderStatus::AmountMismatch => exit::AMOUNT_MISMATCH,
        OrderStatus::Creating | OrderStatus::Pending | OrderStatus::Unresolved => exit::UNRESOLVED,
    }
}

/// Runs `args` and returns the process's exit status.
#[must_use]
pub fn run(args: Args) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("cashier-io")
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("无法启动 (cannot start): {error}");
            return ExitCode::from(exit::ERROR);
        }
    };
    let resolved = Paths::resolve(args.config, args.data_dir).map(|mut paths| {
        paths.sandbox_port = args.sandbox_port;
        paths
    });
    let _log = init_logging(resolved.as_ref().ok().map(Paths::log_dir).as_deref());
    // Never the arguments themselves: they may hold a customer's pay code.
    tracing::info!(
        version = VERSION,
        window = args.command.is_none(),
        "cashier started"
    );
    let paths = resolved.as_ref().ok().cloned();
    let Some(command) = args.command else {
        return ExitCode::from(window(&runtime, resolved));
    };
    let code = runtime.block_on(async {
        match command {
            Command::Sandbox {
                port,
                lan,
                public_url,
                speedup,
            } => sandbox_cmd::run(port, lan, public_url, speedup).await,
            Command::NotifyServer {
                listen,
                give_up_after_secs,
            } => {
                let give_up = std::time::Duration::from_secs(give_up_after_secs);
                store_cmd::notify_server(resolved, listen, give_up).await
            }
            Command::QhtOnboard { form, json } => {
                let config = paths.as_ref().and_then(|paths| paths.config.clone());
                onboard::run(config.as_deref(), &form, json).await
            }
            command => match start_for(&command, resolved).await {
                // A setup exists only when the paths resolved.
                Ok(setup) => match &paths {
                    Some(paths) => with_setup(&setup, command, paths).await,
                    None => exit::ERROR,
                },
                Err(error) => {
                    eprintln!("{}", setup_error_text(&error));
                    match error {
                        SetupError::Config(_) => exit::BAD_INPUT,
                        _ => exit::ERROR,
                    }
                }
            },
        }
    });
    ExitCode::from(code)
}

/// The commands that need the configuration in force (its gateway and ledger).
async fn with_setup(setup: &Setup, command: Command, paths: &Paths) -> u8 {
    let spool = paths.spool_dir();
    match command {
        Command::Pay {
            method,
            amount,
            tendered,
            description,
            json,
            ..
        } if method == PayMethod::Cash.slug() => {
            pay::cash(
                setup,
                &amount,
                tendered.as_deref(),
                description,
                json,
                &spool,
            )
            .await
        }
        Command::Pay {
            method,
            amount,
            auth_code,
            payer_name,
            payer_account,
            description,
            json,
            ..
        } => {
            let sale = pay::Sale {
                method,
                amount,
                auth_code,
                payer: payer_name.zip(payer_account),
                description,
            };
            pay::run(setup, sale, json, &spool).await
        }
        Command::Query { order_no, json } => report::query(setup, &order_no, json).await,
        Command::Recover { json } => report::recover(setup, json).await,
        Command::History {
            date,
            json,
            csv,
            all_tills,
            till,
        } => {
            let scope = match (all_tills, till) {
                (_, Some(till)) => report::Scope::Store(Some(till)),
                (true, None) => report::Scope::Store(None),
                (false, None) => report::Scope::ThisTill,
            };
            report::history(setup, date.as_deref(), scope, json, csv).await
        }
        Command::Sync { json } => store_cmd::sync(setup, json).await,
        Command::Shift { action } => shift(setup, action, spool).await,
        Command::Diagnostics { out } => {
            let out = out.unwrap_or_else(|| paths.data_dir.join("exports"));
            match crate::diagnostics::export(&setup.configured(), paths, &out).await {
                Ok(zip) => {
                    out!("{}", zip.display());
                    exit::PAID
                }
                Err(error) => {
                    eprintln!("{}", error.bilingual());
                    exit::ERROR
                }
            }
        }
        Command::Receipt { order_no, printer } => {
            let target = shift_cmd::PrintTarget {
                address: printer,
                spool,
            };
            shift_cmd::receipt(setup, &order_no, &target).await
        }
        Command::Sandbox { .. } | Command::NotifyServer { .. } | Command::QhtOnboard { .. } => {
            exit::ERROR
        }
    }
}

async fn shift(setup: &Setup, action: ShiftAction, spool: PathBuf) -> u8 {
    let target = |output: ReportOutput| {
        let print = output.print.then(|| shift_cmd::PrintTarget {
            address: output.printer,
            spool: spool.clone(),
        });
        (output.json, print)
    };
    match action {
        ShiftAction::Open {
            cashier,
            float,
            json,
        } => shift_cmd::open(setup, cashier, &float, json).await,
        ShiftAction::Close { counted, output } => {
            let (json, print) = target(output);
            shift_cmd::close(setup, &counted, json, print).await
        }
        ShiftAction::Report { shift, output } => {
            let (json, print) = target(output);
            shift_cmd::report(setup, shift, json, print).await
        }
    }
}

/// Opens the window; the runtime carries the worker (and an in-process sandbox) meanwhile. A
/// start that fails is said on the terminal and in the window, which retries once it is fixed.
fn window(runtime: &tokio::runtime::Runtime, paths: Result<Paths, SetupError>) -> u8 {
    let (started, paths) = match paths {
        Ok(paths) => (
            runtime.block_on(crate::setup::start_window(&paths)),
            Some(paths),
        ),
        Err(error) => (Err(error), None),
    };
    let failed = started.as_ref().err().map(|error| {
        eprintln!("{}", setup_error_text(error));
        match error {
            SetupError::Config(_) => exit::BAD_INPUT,
            _ => exit::ERROR,
        }
    });
    match crate::ui::run_window(runtime, started, paths) {
        Ok(true) => exit::PAID,
        Ok(false) => failed.unwrap_or(exit::ERROR),
        Err(error) => {
            eprintln!("无法打开窗口 (cannot open the window): {error}");
            failed.unwrap_or(exit::ERROR)
        }
    }
}

/// Starts for `command`. A report (history, diagnostics) from a data dir this user cannot write
/// opens the ledger read-only instead of failing: reading needs no write.
async fn start_for(
    command: &Command,
    paths: Result<Paths, SetupError>,
) -> Result<Setup, SetupError> {
    let paths = paths?;
    let reads_only = matches!(
        command,
        Command::History { .. } | Command::Diagnostics { .. }
    );
    match crate::setup::start(&paths).await {
        Err(SetupError::Ledger(error)) if reads_only => {
            let setup = crate::setup::start_reading(&paths)
                .await
                .map_err(|_| SetupError::Ledger(error))?;
            eprintln!("账本无法写入，已只读打开 (the ledger cannot be written; opened read-only)");
            Ok(setup)
        }
        other => other,
    }
}

fn setup_error_text(error: &SetupError) -> String {
    format!("无法启动收银台：{error}")
}

/// Prints a bad-input message in both languages and returns the bad-input status.
fn bad_input(error: &dyn Localized) -> u8 {
    eprintln!("{}", error.bilingual());
    exit::BAD_INPUT
}
