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

mod announce;
mod args;
pub mod exit;
mod json;
mod onboard;
mod owner_cmd;
mod pay;
mod refund_cmd;
mod report;
mod said;
mod sandbox_cmd;
mod shift_cmd;
mod store_cmd;
mod terminal_qr;

use std::path::PathBuf;
use std::process::ExitCode;

pub use args::{Args, Command, OwnerAction, RendererArg, ReportOutput, ShiftAction, StoreAction};
pub use exit::exit_for;

use crate::app::setup::{Paths, Setup, SetupError};
use crate::gateway::PayMethod;
use said::Said;

/// Writes one line to standard output, ignoring a reader that has gone away (see `out!`).
pub(crate) fn write_line(line: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{line}").and_then(|()| stdout.flush());
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
            return ExitCode::from(said::fail(
                exit::ERROR,
                &Said::CannotStart(error.to_string()),
                false,
            ));
        }
    };
    let resolved = Paths::resolve(args.config, args.data_dir).map(|mut paths| {
        paths.sandbox_port = args.sandbox_port;
        paths
    });
    let _log = crate::logging::init(resolved.as_ref().ok().map(Paths::log_dir).as_deref());
    // Never the arguments themselves: they may hold a customer's pay code.
    tracing::info!(
        version = crate::VERSION,
        window = args.command.is_none(),
        "cashier started"
    );
    let paths = resolved.as_ref().ok().cloned();
    let Some(command) = args.command else {
        return ExitCode::from(window(&runtime, resolved, args.renderer));
    };
    let command_wants_json = command.wants_json();
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
            Command::Owner {
                action: action @ (OwnerAction::SetPin | OwnerAction::ResetPin),
            } => owner_cmd::run(paths.as_ref(), &action),
            Command::Printers { json } => printers(json).await,
            Command::Announce {
                method,
                amount,
                wav,
                lang,
            } => {
                let request = announce::Request {
                    method: &method,
                    amount: &amount,
                    wav: wav.as_deref(),
                    lang: &lang,
                };
                announce::run(paths.as_ref(), &request).await
            }
            Command::Store {
                action:
                    StoreAction::AddTill {
                        till,
                        admin_url,
                        json,
                    },
            } => store_cmd::add_till(&till, admin_url, json).await,
            Command::QhtOnboard {
                form,
                replace,
                json,
            } => {
                let config = paths.as_ref().and_then(|paths| paths.config.clone());
                onboard::run(config.as_deref(), &form, replace, json).await
            }
            command => match start_for(&command, resolved).await {
                // A setup exists only when the paths resolved.
                Ok(setup) => match &paths {
                    Some(paths) => with_setup(&setup, command, paths).await,
                    None => exit::ERROR,
                },
                Err(error) => said::fail(
                    setup_failure_status(&error),
                    &Said::SetupFailed(&error),
                    command_wants_json,
                ),
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
            card_file,
            description,
            json,
            ..
        } => {
            let sale = pay::Sale {
                method,
                amount,
                auth_code,
                payer: payer_name.zip(payer_account),
                card_file,
                description,
            };
            pay::run(setup, sale, json, paths).await
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
        Command::Audit { date, json } => report::audit(setup, date.as_deref(), json).await,
        Command::Shift { action } => shift(setup, action, spool).await,
        Command::Diagnostics { out } => {
            let out = out.unwrap_or_else(|| paths.data_dir.join("exports"));
            match crate::app::diagnostics::export(&setup.configured(), paths, &out).await {
                Ok(zip) => {
                    out!("{}", zip.display());
                    exit::PAID
                }
                Err(error) => said::fail(exit::ERROR, &error, false),
            }
        }
        Command::Refund {
            order_no,
            amount,
            cash,
            reason,
            json,
        } => refund_cmd::refund(setup, order_no, &amount, cash, reason, json).await,
        Command::Void {
            order_no,
            reason,
            json,
        } => refund_cmd::void(setup, order_no, reason, json).await,
        Command::Receipt { order_no, printer } => {
            let target = shift_cmd::PrintTarget {
                address: printer,
                spool,
            };
            shift_cmd::receipt(setup, &order_no, &target).await
        }
        Command::Owner { action } => owner_cmd::cashiers(setup, action).await,
        Command::Sandbox { .. }
        | Command::Printers { .. }
        | Command::Announce { .. }
        | Command::NotifyServer { .. }
        | Command::QhtOnboard { .. }
        | Command::Store { .. } => exit::ERROR,
    }
}

/// `cashier printers`: what the printer settings offer, for a terminal or a script.
async fn printers(json: bool) -> u8 {
    let addresses = tokio::task::spawn_blocking(crate::receipt::ports::machine_printer_addresses)
        .await
        .unwrap_or_default();
    if json {
        out!("{}", serde_json::json!(addresses));
    } else {
        for address in addresses {
            out!("{address}");
        }
    }
    exit::PAID
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
        ShiftAction::Day { date, output } => {
            let (json, print) = target(output);
            shift_cmd::day(setup, date.as_deref(), json, print).await
        }
    }
}

/// Opens the window; the runtime carries the worker (and an in-process sandbox) meanwhile. The
/// till's start (config, ledger, sandbox, lock) runs on the runtime while eframe makes the
/// window, which takes several times longer, so the first frame waits for neither twice. A start
/// that fails is said on the terminal and in the window, which retries once it is fixed.
fn window(
    runtime: &tokio::runtime::Runtime,
    paths: Result<Paths, SetupError>,
    renderer: RendererArg,
) -> u8 {
    let (started_tx, started_rx) = std::sync::mpsc::sync_channel(1);
    let paths = match paths {
        Ok(paths) => {
            let starting = paths.clone();
            runtime.spawn(async move {
                let _ = started_tx.send(crate::app::setup::start_window(&starting).await);
            });
            Some(paths)
        }
        Err(error) => {
            let _ = started_tx.send(Err(error));
            None
        }
    };
    // The start's outcome, taken once: by the window's first frame, or after a window that
    // could not open, so a failed start is said either way.
    let failed = std::sync::Arc::new(std::sync::OnceLock::new());
    let take_start = {
        let failed = std::sync::Arc::clone(&failed);
        let started_rx = std::sync::Mutex::new(Some(started_rx));
        move || {
            let receiver = started_rx.lock().ok()?.take()?;
            let started = receiver
                .recv()
                .unwrap_or(Err(SetupError::Sandbox("start-up task ended".to_owned())));
            if let Err(error) = &started {
                let status = setup_failure_status(error);
                let _ = failed.set(said::fail(status, &Said::SetupFailed(error), false));
            }
            Some(started)
        }
    };
    let take_start = std::sync::Arc::new(take_start);
    let for_window = std::sync::Arc::clone(&take_start);
    let drawing = match renderer {
        RendererArg::Auto | RendererArg::Gpu => crate::ui::renderer::Drawing::Gpu,
        RendererArg::Software => crate::ui::renderer::Drawing::Software,
    };
    let opened = crate::ui::run_window(
        runtime,
        move || for_window().unwrap_or(Err(SetupError::NoDataDir)),
        paths,
        drawing,
    );
    let failed_status = || failed.get().copied().unwrap_or(exit::ERROR);
    match opened {
        Ok(true) => exit::PAID,
        Ok(false) => failed_status(),
        Err(error) => {
            said::warn(&Said::CannotOpenWindow(error.to_string()));
            // The till's start (its lock, its sandbox) is let go before anything else runs.
            drop(take_start());
            if renderer == RendererArg::Auto {
                return with_software_renderer();
            }
            failed_status()
        }
    }
}

/// The window again, drawn by the software renderer: glow opened none (OpenGL 1.1 only, say). A
/// new process, since a process makes one event loop; this one waits for it and passes on its
/// exit status.
fn with_software_renderer() -> u8 {
    said::warn(&Said::TryingSoftwareRenderer);
    // The sandbox this process started lets go of its port as its task ends.
    std::thread::sleep(std::time::Duration::from_millis(200));
    let Ok(program) = std::env::current_exe() else {
        return exit::ERROR;
    };
    // The same arguments (the window takes global flags only), the renderer's replaced.
    let mut args = Vec::new();
    let mut given = std::env::args_os().skip(1);
    while let Some(arg) = given.next() {
        if arg == "--renderer" {
            given.next();
        } else if !arg.to_string_lossy().starts_with("--renderer=") {
            args.push(arg);
        }
    }
    let status = std::process::Command::new(program)
        .args(args)
        .args(["--renderer", "software"])
        .status();
    match status {
        Ok(status) => status
            .code()
            .and_then(|code| u8::try_from(code).ok())
            .unwrap_or(exit::ERROR),
        Err(error) => {
            tracing::warn!(%error, "the software renderer could not be started");
            exit::ERROR
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
    match crate::app::setup::start(&paths).await {
        Err(SetupError::Ledger(error)) if reads_only => {
            let setup = crate::app::setup::start_reading(&paths)
                .await
                .map_err(|_| SetupError::Ledger(error))?;
            said::warn(&Said::OpenedReadOnly);
            Ok(setup)
        }
        other => other,
    }
}

/// The exit status of a start that failed: a config is the user's to fix.
fn setup_failure_status(error: &SetupError) -> u8 {
    match error {
        SetupError::Config(_) => exit::BAD_INPUT,
        _ => exit::ERROR,
    }
}
