//! The sandbox gateway: a local server that speaks both providers' real wire protocols on
//! loopback, so a new user can take a fake payment with no merchant account and every test runs
//! the real HTTP, signing and parsing code.
//!
//! It checks each request's sign, required fields, lengths and units against its own copy of the
//! specs' tables, answers with the specs' error codes, signs its answers, and keeps orders in
//! memory. Test-only controls live under `/sandbox/…`.

mod changpay;
mod faults;
mod notifier;
mod pay_page;
mod qht;
mod qr_picture;
mod reply;
mod spec_fields;
mod state;
mod test_codes;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Query, State as Extract};
use axum::routing::{any, get, post};

pub use changpay::QUICK_PAY_SMS_CODE;
pub use faults::Fault;
pub use notifier::SCHEDULE_SECS as NOTIFY_SCHEDULE_SECS;
pub use state::{EmptyFields, FlatCoverage, NotificationAttempt, QrGivenAs, Readings};
pub use test_codes::{Behaviour, PASSWORD_DELAY, TEST_CODES};

use state::State;

/// The qht test merchant's number.
pub const QHT_MERCHANT_NO: &str = "QHT-SANDBOX-0001";
/// The qht test merchant's key (an `md5_key` is at most 15 characters).
pub const QHT_KEY: &str = "sandbox-qht-key";
/// The changpay test merchant's id.
pub const CHANGPAY_MCH_ID: &str = "sandbox_mch";
/// What `/sandbox/health` starts with, so a cashier can tell its sandbox from another program.
pub const HEALTH_TEXT: &str = "cashier-sandbox";

/// What `/sandbox/health` answers for a sandbox keeping its orders in `state_file`: the text and,
/// for a window's in-process sandbox, a fingerprint of its state file (not the path itself:
/// with `--lan` the answer is on the shop's network). A till starting on another data directory
/// sees a different fingerprint and starts its own sandbox rather than lean on another window's,
/// which goes when that window closes (issue 21).
#[must_use]
pub fn health_text(state_file: Option<&std::path::Path>) -> String {
    match state_file {
        None => HEALTH_TEXT.to_owned(),
        Some(path) => {
            let path = std::fs::canonicalize(path)
                .or_else(|_| {
                    let dir = path.parent().map(std::fs::canonicalize).transpose()?;
                    Ok::<_, std::io::Error>(match dir {
                        Some(dir) => dir.join(path.file_name().unwrap_or_default()),
                        None => path.to_owned(),
                    })
                })
                .unwrap_or_else(|_| path.to_owned());
            let fingerprint = crate::sign::md5_hex(&path.to_string_lossy());
            format!("{HEALTH_TEXT} {fingerprint}")
        }
    }
}
/// The changpay test merchant's key.
pub const CHANGPAY_KEY: &str = "sandbox-changpay-key-0001";

/// How to run the sandbox.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// The address to listen on; port 0 takes any free port.
    pub listen: SocketAddr,
    /// How many times faster than real time its delays run (password entry, notification retries).
    pub speedup: u32,
    /// How long a timeout fault holds its answer.
    pub fault_delay: Duration,
    /// The base URL pay-page links use, when the listen address is not what a phone can reach
    /// (`http://192.168.1.5:8088`); by default the listen address.
    pub public_url: Option<String>,
    /// Where orders are kept across restarts (the window's in-process sandbox keeps them in the
    /// data directory); `None` keeps them in memory only.
    pub state_file: Option<std::path::PathBuf>,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            speedup: 1,
            fault_delay: Duration::from_mins(1),
            public_url: None,
            state_file: None,
        }
    }
}

/// A running sandbox. It stops when dropped.
#[derive(Debug)]
pub struct Sandbox {
    addr: SocketAddr,
    /// Where this machine's clients reach the API (loopback when listening on every interface).
    api_url: String,
    state: Arc<State>,
    server: tokio::task::JoinHandle<()>,
}

impl Sandbox {
    /// Binds and starts serving in the background on the current tokio runtime.
    pub async fn start(config: SandboxConfig) -> std::io::Result<Sandbox> {
        let listener = tokio::net::TcpListener::bind(config.listen).await?;
        let addr = listener.local_addr()?;
        let api_url = if addr.ip().is_unspecified() {
            format!("http://127.0.0.1:{}", addr.port())
        } else {
            format!("http://{addr}")
        };
        // Pay-page links are what a customer's phone opens: the public URL when one is given.
        let links_url = config.public_url.map_or_else(
            || api_url.clone(),
            |url| url.trim_end_matches('/').to_owned(),
        );
        let health = health_text(config.state_file.as_deref());
        let state = Arc::new(State::new(
            config.speedup,
            config.fault_delay,
            links_url,
            config.state_file,
        ));
        let app =
            router(Arc::clone(&state), health).into_make_service_with_connect_info::<SocketAddr>();
        let server = tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, app).await {
                tracing::error!(%error, "sandbox server stopped");
            }
        });
        Ok(Sandbox {
            addr,
            api_url,
            state,
            server,
        })
    }

    /// `http://127.0.0.1:PORT`: the base URL for both providers, for clients on this machine.
    #[must_use]
    pub fn base_url(&self) -> String {
        self.api_url.clone()
    }

    /// Where pay-page links point: the public URL when one was given.
    #[must_use]
    pub fn links_url(&self) -> String {
        self.state.base_url.clone()
    }

    /// The address it listens on.
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Makes the next `count` gateway answers go wrong with `fault`.
    pub fn inject(&self, fault: Fault, count: u32) {
        let mut inner = self.state.lock();
        inner
            .faults
            .extend(std::iter::repeat_n(fault, count as usize));
    }

    /// Makes every order query (qht `order_query`, changpay `fetch_order`) wait `delay` before
    /// answering, as a slow gateway does.
    pub fn set_query_delay(&self, delay: Duration) {
        self.state.set_query_delay(delay);
    }

    /// Makes order queries report a payment only `lag` after it happened, while its
    /// notification goes out at once: a gateway whose query lags its notifications.
    pub fn set_query_lag(&self, lag: Duration) {
        self.state.set_query_lag(lag);
    }

    /// Reads the parts of the specs that allow two honest readings as `readings` from now on.
    pub fn set_readings(&self, readings: Readings) {
        self.state.set_readings(readings);
    }

    /// When the order `order_no` reached the sandbox, if it did.
    #[must_use]
    pub fn order_arrived_at(&self, order_no: &str) -> Option<std::time::SystemTime> {
        let inner = self.state.lock();
        inner
            .orders
            .values()
            .find(|order| order.order_no == order_no)
            .map(|order| order.created)
    }

    /// Every order the sandbox holds as paid: its merchant order number and what was paid, in li.
    /// What a test checks the tills' ledgers against: nothing may be paid that the gateway did
    /// not take.
    #[must_use]
    pub fn paid_orders(&self) -> Vec<(String, i64)> {
        let inner = self.state.lock();
        inner
            .orders
            .values()
            .filter(|order| matches!(order.status, state::Status::Paid(_)))
            .map(|order| (order.order_no.clone(), order.pay_li))
            .collect()
    }

    /// Drops every queued fault.
    pub fn clear_faults(&self) {
        self.state.lock().faults.clear();
    }

    /// The changpay notifications made so far.
    #[must_use]
    pub fn notifications(&self) -> Vec<NotificationAttempt> {
        self.state.lock().notifications.clone()
    }

    /// The pay-page URL of a QR, link or transfer order, as a customer would open it.
    #[must_use]
    pub fn pay_page_url(&self, order_no: &str) -> Option<String> {
        let inner = self.state.lock();
        let order = inner
            .orders
            .values()
            .find(|order| order.order_no == order_no)?;
        Some(format!(
            "{}/sandbox/pay/{}",
            self.state.base_url, order.pay_token
        ))
    }

    /// Waits until the server stops (it does not, unless it fails).
    pub async fn wait(self) {
        let _ = (&mut { self }.server).await;
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.server.abort();
    }
}

fn router(state: Arc<State>, health: String) -> Router {
    let router = Router::new()
        .route("/api/v1.0/merchant/import", post(qht::import))
        .route("/api/v1.0/merchant/import_query", post(qht::import_query))
        .route("/api/v1.0/scan_code_pay", post(qht::scan_code_pay))
        .route("/api/v1.0/bar_code_pay", post(qht::bar_code_pay))
        .route("/api/v1.0/quick_pay", post(qht::quick_pay))
        .route("/api/v1.0/order_query", post(qht::order_query))
        .route(
            "/api/v1/quick_confirm.api",
            post(changpay::quick_confirm).fallback(changpay::wrong_method),
        )
        .route(
            "/api/v1/{uri}",
            post(changpay::create).fallback(changpay::wrong_method),
        )
        .route(
            "/api/fetch_order.api",
            post(changpay::fetch_order).fallback(changpay::wrong_method),
        )
        .route("/sandbox/pay/{token}", get(pay_page::pay))
        .route("/sandbox/qr.png", get(qr_picture::hosted))
        .route("/sandbox/faults", any(inject_fault))
        .route("/sandbox/health", get(move || async move { health }));
    // Only a sandbox that keeps a state file pays for saving after each request.
    let router = if state.persists() {
        router.layer(axum::middleware::from_fn_with_state(
            Arc::clone(&state),
            save_after,
        ))
    } else {
        router
    };
    router.with_state(state)
}

/// Saves the orders after every request, so a restart answers for them as before. The write runs
/// on the blocking pool; the sandbox holds few orders, so writing them all is cheap.
async fn save_after(
    Extract(state): Extract<Arc<State>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let response = next.run(request).await;
    let _ = tokio::task::spawn_blocking(move || state.save()).await;
    response
}

/// The control API for a sandbox run alone: `POST /sandbox/faults?fault=timeout&count=2`.
#[derive(Debug, serde::Deserialize)]
struct FaultRequest {
    fault: String,
    count: Option<u32>,
}

async fn inject_fault(
    Extract(state): Extract<Arc<State>>,
    Query(request): Query<FaultRequest>,
) -> String {
    match request.fault.parse::<Fault>() {
        Ok(fault) => {
            let count = request.count.unwrap_or(1);
            state
                .lock()
                .faults
                .extend(std::iter::repeat_n(fault, count as usize));
            format!("the next {count} answers: {}\n", fault.name())
        }
        Err(error) => format!(
            "{error}; one of: {}\n",
            Fault::ALL.map(Fault::name).join(", ")
        ),
    }
}
