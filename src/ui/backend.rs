//! The messages between the window and its background worker ([`super::worker`]): the commands
//! a screen sends, the events it gets back, and the typed problems it renders in the cashier's
//! language when drawing. Messages only: the channels and their ends are in
//! `ui/worker/handle.rs`.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::app::setup::{Configured, SetupError};
use crate::config::{Config, ConfigError, GatewayConfig};
use crate::gateway::{GatewayError, Provider};
use crate::i18n::{Lang, Localized, tr};
use crate::ledger::{
    DailyTotal, DayTotals, EventRecord, LedgerError, OrderRecord, Shift, ShiftError, ShiftReport,
};
use crate::money::Money;
use crate::payment::requery::RequeryResult;
use crate::payment::runner::{PayError, PaymentRequest, Progress};

/// What the UI asks for.
#[derive(Debug, Clone)]
pub enum Command {
    /// Take a payment, on the configuration in force now.
    Pay(PaymentRequest),
    /// Write a cash sale (amount, handed over): paid at once, never sent to a gateway.
    Cash(crate::money::Money, crate::money::Money),
    /// Show the customer the amount due on the pole display (a cash or bar-code sale waiting
    /// for the customer).
    ShowDue(crate::money::Money),
    /// Say a sale aloud (when the voice is on).
    Announce(crate::speech::Announcement),
    /// Stop waiting for the current payment.
    Cancel,
    /// Sandbox only: open a pay page as the customer would.
    SimulatePay(String),
    /// Open quick pay's page of this order again in the browser (the customer closed it).
    ReopenCardPage(String, String),
    /// A day's totals, orders and the chart ending that day, of this till or from the store.
    LoadHistory(NaiveDate, HistoryScope),
    /// One order's record and history.
    LoadDetail(String),
    /// Query one order again (重新查询).
    Requery(String),
    /// Query every unresolved order again.
    RequeryAll,
    /// The unresolved list.
    LoadUnresolved,
    /// Write the orders of the days from the first date to the second, of this till or of the
    /// store as the history shows them, into the export folder.
    Export(NaiveDate, NaiveDate, HistoryScope, ExportFormat),
    /// Open the export folder in the system's file manager (打开文件夹).
    OpenExportFolder,
    /// Try a gateway configuration.
    TestConnection(Box<GatewayConfig>),
    /// Keep the window's language for the next start.
    SaveLanguage(crate::i18n::Lang),
    /// The customer paid this QR order's amount with a pay code instead: mark the order so a
    /// payment on it later is shown as a double payment.
    MarkReplaced(String),
    /// Connect to this store ledger and say how it went, and whether the till id (the second
    /// field) is taken there by another till.
    TestStore(crate::store::StoreConfig, String),
    /// Validate this configuration and save it to the file (the key to the keyring first when
    /// the place says so): file and keyring work, which can block on an unlock prompt, never
    /// runs on the window's thread. Answered by [`UiEvent::Saved`].
    SaveSettings(Box<Config>, Option<PathBuf>, crate::key_store::KeyPlace),
    /// Use this (saved) configuration from the next sale on.
    Apply(Box<Config>),
    /// Check a typed owner PIN against the configuration in force (slow on purpose: off the
    /// window's thread; wrong ones counted and slowed). Answered by [`UiEvent::OwnerPin`].
    CheckOwnerPin(String),
    /// Save this configuration with the owner PIN set to this one (hashed here, on the worker)
    /// or removed (`None`). Answered by [`UiEvent::Saved`].
    SaveOwnerPin(
        Box<Config>,
        Option<PathBuf>,
        crate::key_store::KeyPlace,
        Option<String>,
    ),
    /// The open shift and the latest shifts; with a number, that shift's report to read.
    LoadShifts(Option<i64>),
    /// Open a shift: the cashier's name and the float in the drawer.
    OpenShift(String, Money, Option<String>),
    /// Close the open shift with the cash counted in the drawer.
    CloseShift(Money, Option<String>),
    /// Print a slip (through the spool), or send what waits.
    Print(PrintJob),
    /// Write the diagnostics zip into the export folder.
    Diagnostics,
    /// Open the cash drawer by hand (开钱箱); a failure is answered by [`UiEvent::Error`].
    OpenDrawer,
    /// Print a test page on this printer (as typed in 设置, not yet saved), headed with this shop
    /// name; sent at once, never spooled. Answered by [`UiEvent::PrinterTested`].
    TestPrint(crate::receipt::PrinterConfig, String),
    /// List the machine's printers and ports. Answered by [`UiEvent::Ports`].
    LoadPorts,
    /// Read a day's close (日结). Answered by [`UiEvent::DayReport`].
    LoadDay(chrono::NaiveDate),
    /// Record a refund (the owner PIN passed, if one is set). Answered by [`UiEvent::Refunded`].
    Refund(crate::app::refunds::RefundRequest),
    /// Void an unresolved order, and why. Answered by [`UiEvent::Voided`].
    Void(String, String),
    /// Say a sample sale through this voice setting (as set in 设置, not yet saved), in this
    /// language. Answered by [`UiEvent::VoiceTried`].
    TryVoice(crate::config::VoiceConfig, crate::i18n::Lang),
    /// Read the cashiers who sign in. Answered by [`UiEvent::Cashiers`].
    LoadCashiers,
    /// Add a cashier: the name, the PIN and the PIN again (checked and hashed on the worker).
    /// Answered by [`UiEvent::Cashiers`].
    AddCashier(String, String, String),
    /// Remove a cashier (kept for old shifts). Answered by [`UiEvent::Cashiers`].
    RemoveCashier(String),
    /// Read a day of the audit trail. Answered by [`UiEvent::Audit`].
    LoadAudit(chrono::NaiveDate),
    /// Register a qht merchant (个人进件) with this gateway (its address) and form.
    Onboard(
        Box<GatewayConfig>,
        Box<crate::gateway::qht::onboarding_form::OnboardingForm>,
    ),
    /// Ask this gateway (its address) for the merchant registered with a phone and ID number
    /// (进件查询).
    OnboardQuery(Box<GatewayConfig>, String, String),
}

/// What to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrintJob {
    /// A sale's receipt (小票), by order number.
    Sale(String),
    /// A sale's receipt again (重打小票, from the history), kept in the audit trail.
    Reprint(String),
    /// A shift's report, by shift number.
    Shift(i64),
    /// The day's close (日结), by day.
    Day(chrono::NaiveDate),
    /// Nothing new: send the slips that wait (重试打印).
    Waiting,
    /// Nothing: only say how many slips wait (at start-up).
    Count,
}

/// What the worker says after a print.
#[derive(Debug, Clone)]
pub struct PrintNote {
    /// What was asked.
    pub job: PrintJob,
    /// How many slips went to the printer, or why not.
    pub result: Result<usize, Problem>,
    /// How many slips still wait.
    pub waiting: usize,
}

/// The shift screen's data.
#[derive(Debug, Clone)]
pub struct ShiftView {
    /// The open shift's report so far, when one is open.
    pub open: Option<ShiftReport>,
    /// A past shift's report asked for (as closed), or the one just closed.
    pub past: Option<ShiftReport>,
    /// The latest shifts, newest first.
    pub recent: Vec<Shift>,
    /// The cashiers who sign in (with their PIN) to open a shift; none: any name opens one.
    pub cashiers: Vec<String>,
    /// 盲交班: the open shift's figures are not shown (nor sent) until it is closed.
    pub blind: bool,
}

/// The file an export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// CSV, UTF-8 with a byte-order mark (Excel on Chinese Windows reads it right).
    Csv,
    /// An Excel workbook.
    Xlsx,
}

/// What the worker reports.
#[derive(Debug, Clone)]
pub enum UiEvent {
    /// The current payment moved on.
    Progress(Progress),
    /// The current payment ended (the ledger's record), or could not start.
    PaymentDone(Result<Box<OrderRecord>, Problem>),
    /// A day's history.
    History(Box<HistoryData>),
    /// One order with its history.
    Detail(
        Box<OrderRecord>,
        Vec<EventRecord>,
        Vec<crate::ledger::Refund>,
    ),
    /// A refund was kept (and, for cash back, whether the drawer opened), or why not.
    Refunded(Result<Box<crate::app::refunds::Refunded>, Problem>),
    /// A day's close (日结), or why it could not be read.
    DayReport(Result<Box<crate::ledger::DayReport>, Problem>),
    /// An order was voided (its number), or why not.
    Voided(Result<String, Problem>),
    /// Re-queries a person asked for are done (one event per request).
    Requeried(Vec<RequeryResult>),
    /// The unresolved list.
    Unresolved(Vec<OrderRecord>),
    /// A payment arrived after the cashier gave up.
    LatePayment(Box<OrderRecord>),
    /// The start-up recovery found these orders paid while the cashier was closed.
    Recovered(Vec<OrderRecord>),
    /// The background re-query found these orders paid: left open by an earlier run (the
    /// customer paid after the restart's own query) or re-checked after they failed.
    FoundInBackground(Vec<OrderRecord>),
    /// A CSV export was written, or why not.
    Exported(Result<PathBuf, Problem>),
    /// A connection test's verdict.
    ConnectionTested(ConnectionVerdict),
    /// A store connection test's result.
    StoreTested(Result<(), crate::store::StoreError>),
    /// How a test page went.
    PrinterTested(Result<(), Problem>),
    /// How a sample announcement went: why nothing was said, in the cashier's words.
    VoiceTried(Result<(), String>),
    /// The machine's printers and ports, as printer addresses.
    Ports(Vec<String>),
    /// The cashiers who sign in (after an add or a remove), or why not.
    Cashiers(Result<Vec<String>, Problem>),
    /// A day of the audit trail, or why not.
    Audit(
        chrono::NaiveDate,
        Result<Vec<crate::ledger::AuditRecord>, Problem>,
    ),
    /// A saved configuration is in force now, or why not.
    Applied(Result<Box<GatewayView>, Problem>),
    /// The settings were saved (the config as saved, where its key went, the file), or why not.
    Saved(Result<Box<SavedSettings>, Problem>),
    /// Whether the gateway in force has been answering.
    GatewayHealth(crate::gateway::http::Health),
    /// How the store ledger stands; `None` when this till has no store.
    Store(Option<crate::store::StoreStatus>),
    /// The shifts as they stand (after a load, an open or a close), or why an open or close
    /// was refused.
    Shifts(Result<Box<ShiftView>, Problem>),
    /// A print went out, or waits, and why.
    Printed(PrintNote),
    /// The diagnostics zip was written (its path), or why not.
    Diagnostics(Result<PathBuf, Problem>),
    /// A merchant was onboarded (its number and key), or why not.
    Onboarded(Result<crate::gateway::qht::MerchantCredentials, Problem>),
    /// What a typed owner PIN came to.
    OwnerPin(Result<crate::owner_pin::Verdict, crate::owner_pin::PinError>),
    /// Something failed that the cashier should know.
    Error(Problem),
}

/// Settings written to their file.
#[derive(Debug, Clone)]
pub struct SavedSettings {
    /// The configuration as saved (its key's place filled in).
    pub config: Config,
    /// Where the merchant key went.
    pub key_place: crate::key_store::KeyPlace,
    /// The file.
    pub path: PathBuf,
}

/// What went wrong, kept typed until it is drawn in the cashier's language.
#[derive(Debug, Clone)]
pub enum Problem {
    /// The command queue is full.
    Busy,
    /// The ledger failed.
    Ledger(Arc<LedgerError>),
    /// A payment could not start or stopped without a result.
    Pay(Arc<PayError>),
    /// A configuration could not be put in force.
    Setup(Arc<SetupError>),
    /// A configuration is invalid.
    Config(Arc<ConfigError>),
    /// A file could not be written.
    Io(Arc<std::io::Error>),
    /// The sandbox's pay page could not be opened.
    SimulatePay(String),
    /// The store ledger could not be read.
    Store(crate::store::StoreError),
    /// A cash sale was refused or not written.
    Cash(Arc<crate::payment::cash::CashError>),
    /// A shift could not be opened, closed or read.
    Shift(Arc<ShiftError>),
    /// An amount typed (the float, the cash counted) is not valid.
    Amount(crate::money::AmountError),
    /// A slip was not printed (it waits, or there is no printer).
    Print(crate::receipt::PrintError),
    /// The diagnostics zip could not be written.
    Diagnostics(Arc<crate::app::diagnostics::DiagnosticsError>),
    /// The gateway refused a call, or could not be reached.
    Gateway(GatewayError),
    /// The onboarding form cannot be sent.
    Form(crate::gateway::qht::onboarding_form::FormError),
    /// An owner PIN cannot be set or checked.
    OwnerPin(Arc<crate::owner_pin::PinError>),
    /// The cash drawer did not open (the sale stands).
    Drawer(crate::receipt::PrintError),
    /// A refund or a void was refused.
    Refund(Arc<crate::ledger::RefundError>),
}

impl From<LedgerError> for Problem {
    fn from(error: LedgerError) -> Problem {
        Problem::Ledger(Arc::new(error))
    }
}

impl From<Arc<LedgerError>> for Problem {
    fn from(error: Arc<LedgerError>) -> Problem {
        Problem::Ledger(error)
    }
}

impl Localized for Problem {
    fn message(&self, lang: Lang) -> String {
        match self {
            Problem::Busy => tr(lang, "后台繁忙，请稍后再试", "Busy; try again").to_owned(),
            Problem::Ledger(error) => error.message(lang),
            Problem::Pay(error) => error.message(lang),
            Problem::Setup(error) => error.message(lang),
            Problem::Config(error) => error.message(lang),
            Problem::Store(error) => error.message(lang),
            Problem::Cash(error) => error.message(lang),
            Problem::Shift(error) => error.message(lang),
            Problem::Amount(error) => error.message(lang),
            Problem::Print(error) => error.message(lang),
            Problem::Diagnostics(error) => error.message(lang),
            Problem::Gateway(error) => error.message(lang),
            Problem::Form(error) => error.message(lang),
            Problem::OwnerPin(error) => error.message(lang),
            Problem::Refund(error) => error.message(lang),
            Problem::Drawer(error) => format!(
                "{}{}",
                tr(lang, "钱箱没有打开：", "The drawer did not open: "),
                error.message(lang)
            ),
            Problem::Io(error) => format!("{}：{error}", tr(lang, "文件写入失败", "Cannot write")),
            Problem::SimulatePay(why) => {
                format!(
                    "{}：{why}",
                    tr(lang, "模拟付款失败", "Simulated payment failed")
                )
            }
        }
    }
}

/// Whose sales the history shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum HistoryScope {
    /// This till's own ledger.
    #[default]
    ThisTill,
    /// Every till, from the store ledger.
    AllTills,
    /// One till, from the store ledger.
    Till(String),
}

/// A day's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryData {
    /// The day.
    pub day: NaiveDate,
    /// Whose sales these are.
    pub scope: HistoryScope,
    /// Per till (from the store only).
    pub by_till: Vec<crate::store::TillTotal>,
    /// Its totals.
    pub totals: DayTotals,
    /// Its orders, newest first.
    pub orders: Vec<OrderRecord>,
    /// Paid totals of the 30 days ending with it.
    pub chart: Vec<DailyTotal>,
    /// The refunds made that day (this till's; the store's days do not carry them yet).
    pub refunds: Vec<crate::ledger::Refund>,
}

/// What a connection test found.
#[derive(Debug, Clone)]
pub enum ConnectionVerdict {
    /// The gateway answered and accepted the merchant's sign.
    Ok,
    /// The gateway answered but refused the merchant id or key.
    WrongCredentials(GatewayError),
    /// The gateway could not be reached or answered garbage.
    Unreachable(GatewayError),
    /// The configuration cannot be used (a malformed base URL…).
    Invalid(Arc<ConfigError>),
}

/// What the screens need to know of the configuration in force.
#[derive(Debug, Clone)]
pub struct GatewayView {
    /// The whole config (settings shows it).
    pub config: Config,
    /// The provider.
    pub provider: Provider,
    /// Its single-order limit.
    pub max_amount: Money,
    /// Whether it is the sandbox (the badge, 模拟顾客付款).
    pub is_sandbox: bool,
}

impl GatewayView {
    /// The view of `configured`.
    #[must_use]
    pub fn of(configured: &Configured) -> GatewayView {
        GatewayView {
            config: configured.config.clone(),
            provider: configured.context.gateway.provider(),
            max_amount: configured.context.gateway.max_amount(),
            is_sandbox: configured.is_sandbox,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_is_put_in_words_in_the_language_asked_for() {
        let problem = Problem::from(LedgerError::NoSuchOrder("T01X".into()));
        assert_eq!(problem.message(Lang::Zh), "账本中没有订单 T01X");
        assert_eq!(problem.message(Lang::En), "No order T01X in the ledger");
        assert_eq!(Problem::Busy.message(Lang::En), "Busy; try again");
    }
}
