//! The command line's words as clap reads them: the commands, their flags and their help.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

pub(super) const EXIT_CODES: &str = "Exit status: 0 paid (or done), 1 internal error, 2 bad input or config, \
3 payment failed, 4 result unknown (the order is kept and queried again), 5 paid a different amount.";

/// A counter-top cashier for 钱汇通 (qht) and 畅支付 (changpay), with a built-in sandbox gateway.
#[derive(Debug, Parser)]
#[command(version = crate::VERSION, about, after_help = EXIT_CODES)]
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
    #[arg(long, global = true, default_value_t = crate::app::setup::SANDBOX_PORT, hide = true)]
    pub sandbox_port: u16,
    /// How the window is drawn: `auto` (the graphics driver's OpenGL, and the software renderer
    /// when that opens no window), `gpu`, or `software` (no graphics driver needed: for a PC on
    /// the basic display driver, in a VM or over Remote Desktop).
    #[arg(long, value_enum, default_value_t = RendererArg::Auto)]
    pub renderer: RendererArg,
    /// What to do; with none, the cashier window opens (on the sandbox gateway when nothing is
    /// configured).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// `--renderer`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RendererArg {
    /// OpenGL, falling back to software when it opens no window.
    Auto,
    /// OpenGL only.
    Gpu,
    /// The software renderer.
    Software,
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
        /// Quick pay's card holder (qht-quick-debit, qht-quick-credit): a TOML file with
        /// `name`, `card_number`, `phone` and `id_card`, or `-` to read it from stdin. A file,
        /// so the numbers stay out of the process list and the shell's history.
        #[arg(long)]
        card_file: Option<std::path::PathBuf>,
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
    /// The store database's tills (run by its owner).
    Store {
        /// What to do.
        #[command(subcommand)]
        action: StoreAction,
    },
    /// The audit trail of a day: settings changed, owner PINs, shifts, exports, reprints.
    Audit {
        /// YYYY-MM-DD; today by default.
        #[arg(long)]
        date: Option<String>,
        /// One JSON object per entry.
        #[arg(long)]
        json: bool,
    },
    /// The owner's PIN, which guards 设置, exports and reprints in the window.
    Owner {
        /// What to do.
        #[command(subcommand)]
        action: OwnerAction,
    },
    /// The machine's printers and ports, one printer address a line, ready for
    /// `[printer] address` or `--printer`: Windows printers (`printer:POS-58`), USB printer
    /// devices (`/dev/usb/lp0`) and serial ports (`serial:COM3?baud=9600`).
    Printers {
        /// One JSON array of the addresses.
        #[arg(long)]
        json: bool,
    },
    /// Record a refund of a paid sale (退款): the gateways have no refund call, so the money goes
    /// back as cash from the drawer (--cash, which opens it) or was refunded in the merchant's
    /// back office. Never more than is left of the sale. Asks for the owner PIN on standard input
    /// when one is set.
    Refund {
        /// Our order number.
        order_no: String,
        /// How much, in yuan.
        #[arg(long)]
        amount: String,
        /// Cash back from the drawer (else: refunded in the back office).
        #[arg(long)]
        cash: bool,
        /// Why.
        #[arg(long)]
        reason: String,
        /// One JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Void an unresolved order the customer will not pay (作废): off the unresolved list, queried
    /// a day more, a late payment on it still recorded. Asks for the owner PIN like `refund`.
    Void {
        /// Our order number.
        order_no: String,
        /// Why.
        #[arg(long)]
        reason: String,
        /// One JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Say a paid sale aloud as the till announces it (收款语音播报), through [voice]'s engine:
    /// prints the phrase, then speaks it (or writes it to --wav). Exit 0 once it is said.
    Announce {
        /// The method's slug (`alipay-qr`, `wechat-barcode`, `cash` …).
        #[arg(long)]
        method: String,
        /// The amount in yuan, as typed at the till.
        #[arg(long)]
        amount: String,
        /// Write the speech to this WAV file instead of the speakers (needs espeak-ng).
        #[arg(long)]
        wav: Option<PathBuf>,
        /// The language: `zh` (default) or `en`.
        #[arg(long, default_value = "zh")]
        lang: String,
    },
    /// Print (or reprint) a sale's receipt on the printer ([printer] or --printer).
    Receipt {
        /// Our order number.
        order_no: String,
        /// `tcp://HOST:9100`, `/dev/usb/lp0`, `serial:COM3?baud=9600`, `printer:POS-58` (a
        /// Windows printer) or `file:PATH`, instead of `[printer] address`.
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
        /// Let the returned merchant replace another one already in the config (the old config
        /// is kept as a backup); without it, the config is left as it is.
        #[arg(long)]
        replace: bool,
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
        #[arg(long, default_value_t = crate::app::setup::SANDBOX_PORT)]
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

/// `cashier store …`.
#[derive(Debug, Subcommand)]
pub enum StoreAction {
    /// Make a till's own PostgreSQL role (or give it a new password) and print the URL the till
    /// puts in its settings: the role may read the store's day but insert and change only its
    /// own till's orders (row-level security).
    AddTill {
        /// The till id (1 to 8 letters or digits), as in the till's settings.
        till: String,
        /// The store's owner URL, `postgres://OWNER[:PASSWORD]@HOST:PORT/DB` (never saved).
        #[arg(long)]
        admin_url: String,
        /// One JSON object: `{"till": …, "role": …, "url": …}`.
        #[arg(long)]
        json: bool,
    },
}

/// `cashier owner …`.
#[derive(Debug, Clone, Subcommand)]
pub enum OwnerAction {
    /// Set (or change) the owner PIN: 4 to 8 digits read from standard input, a second line
    /// repeating it if given. Only its salted hash is written into the config.
    SetPin,
    /// Remove a forgotten owner PIN. Needs the till's OS account (the config is owner-only);
    /// logged. Set a new one with set-pin.
    ResetPin,
    /// Add a cashier who signs in to open a shift (or give one a new PIN): 4 to 6 digits read
    /// from standard input, a second line repeating it if given. Once one is added, shifts open
    /// only for added cashiers with their PIN.
    AddCashier {
        /// The cashier's name, as the shift report shows it.
        name: String,
    },
    /// Remove a cashier: they sign in no more (their name stays on past shifts).
    RemoveCashier {
        /// The cashier's name.
        name: String,
    },
    /// List the cashiers who may sign in.
    Cashiers,
}

/// `cashier shift …`.
#[derive(Debug, Subcommand)]
pub enum ShiftAction {
    /// Open a shift: who sells, with how much cash in the drawer.
    Open {
        /// The cashier's name. Where the owner has added cashiers, only theirs, with the
        /// cashier's PIN on the first line of standard input.
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
    /// The day's close (日结): the day's sales across its shifts, per method and per cashier,
    /// refunds, net and cash, and each shift's count.
    Day {
        /// The day, YYYY-MM-DD (default: today).
        #[arg(long)]
        date: Option<String>,
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
    pub(super) json: bool,
    /// Print the report on the printer too.
    #[arg(long)]
    pub(super) print: bool,
    /// `tcp://HOST:9100`, `/dev/usb/lp0` or `file:PATH`, instead of `[printer] address`.
    #[arg(long)]
    pub(super) printer: Option<String>,
}

impl Command {
    /// Whether the command was asked for JSON (`--json`): then every outcome, a failure too, is
    /// one JSON line on stdout.
    #[must_use]
    pub fn wants_json(&self) -> bool {
        match self {
            Command::Pay { json, .. }
            | Command::Query { json, .. }
            | Command::Recover { json, .. }
            | Command::History { json, .. }
            | Command::Audit { json, .. }
            | Command::Store {
                action: StoreAction::AddTill { json, .. },
            }
            | Command::QhtOnboard { json, .. }
            | Command::Printers { json }
            | Command::Refund { json, .. }
            | Command::Void { json, .. }
            | Command::Sync { json, .. }
            | Command::Shift {
                action: ShiftAction::Open { json, .. },
            } => *json,
            Command::Shift {
                action:
                    ShiftAction::Close { output, .. }
                    | ShiftAction::Report { output, .. }
                    | ShiftAction::Day { output, .. },
            } => output.json,
            Command::Receipt { .. }
            | Command::Announce { .. }
            | Command::Owner { .. }
            | Command::Diagnostics { .. }
            | Command::NotifyServer { .. }
            | Command::Sandbox { .. } => false,
        }
    }
}
