//! Logging for the whole app, the window and every command: warnings on stderr (`RUST_LOG` sets
//! the level), and this app's info and up in a daily file in the data directory.

pub use tracing_appender::non_blocking::WorkerGuard;

/// Logs to stderr; `RUST_LOG` sets the level (warnings by default, so output stays clean).
pub fn init(log_dir: Option<&std::path::Path>) -> Option<WorkerGuard> {
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
        crate::owner_only::dir(dir).ok()?;
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
