//! The command line: `cashier sandbox` runs the sandbox gateway alone.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::gateway::PayMethod;
use crate::gateway::Provider;
use crate::sandbox::{self, Sandbox, SandboxConfig, TEST_CODES};

/// A counter-top cashier for 钱汇通 (qht) and 畅支付 (changpay), with a built-in sandbox gateway.
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Args {
    /// What to do; with none, the sandbox gateway runs on its default port.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// A subcommand.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the sandbox gateway alone, speaking both providers' protocols on loopback.
    Sandbox {
        /// The port to listen on (0 takes any free port).
        #[arg(long, default_value_t = 8088)]
        port: u16,
        /// Listen on every interface, so a phone on the same network can open the pay pages.
        #[arg(long)]
        lan: bool,
        /// The address phones reach this machine at, for the pay-page links (with --lan):
        /// `http://192.168.1.5:8088`.
        #[arg(long)]
        public_url: Option<String>,
    },
}

/// Logs to stderr; `RUST_LOG` sets the level.
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

/// Runs `args` and returns the process's exit code.
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
            return ExitCode::FAILURE;
        }
    };
    let command = args.command.unwrap_or(Command::Sandbox {
        port: 8088,
        lan: false,
        public_url: None,
    });
    match command {
        Command::Sandbox {
            port,
            lan,
            public_url,
        } => runtime.block_on(run_sandbox(port, lan, public_url)),
    }
}

async fn run_sandbox(port: u16, lan: bool, public_url: Option<String>) -> ExitCode {
    let ip = if lan { [0, 0, 0, 0] } else { [127, 0, 0, 1] };
    if lan && public_url.is_none() {
        eprintln!(
            "提示 (hint): with --lan, give --public-url http://<this machine's LAN address>:{port} so phones can open the QR links"
        );
    }
    let config = SandboxConfig {
        listen: SocketAddr::from((ip, port)),
        public_url,
        ..SandboxConfig::default()
    };
    let sandbox = match Sandbox::start(config).await {
        Ok(sandbox) => sandbox,
        Err(error) => {
            eprintln!(
                "沙箱网关无法监听端口 {port} (sandbox cannot listen on port {port}): {error}"
            );
            return ExitCode::FAILURE;
        }
    };
    println!("{}", banner(&sandbox));
    sandbox.wait().await;
    ExitCode::SUCCESS
}

/// What `cashier sandbox` prints: where it is and how to use it.
fn banner(sandbox: &Sandbox) -> String {
    let mut text = format!(
        "沙箱网关已启动 · Sandbox gateway listening on {url}\n\n\
         qht (钱汇通)       base_url = {url}\n                   merchant_id = {qht_no}\n                   key = {qht_key}\n\
         changpay (畅支付)  base_url = {url}\n                   merchant_id = {cp_id}\n                   key = {cp_key}\n\n\
         付款码测试码 · Bar-code test codes (WeChat / Alipay):\n",
        url = sandbox.base_url(),
        qht_no = sandbox::QHT_MERCHANT_NO,
        qht_key = sandbox::QHT_KEY,
        cp_id = sandbox::CHANGPAY_MCH_ID,
        cp_key = sandbox::CHANGPAY_KEY,
    );
    for (wechat, alipay, _, what) in TEST_CODES {
        let _ = writeln!(text, "  {wechat} / {alipay}  {what}");
    }
    let qht: Vec<_> = PayMethod::offered_by(Provider::Qht)
        .map(PayMethod::zh_name)
        .collect();
    let changpay: Vec<_> = PayMethod::offered_by(Provider::Changpay)
        .map(PayMethod::zh_name)
        .collect();
    let _ = write!(
        text,
        "\nqht: {}\nchangpay: {}\n\n故障注入 · Fault injection: curl -X POST '{}/sandbox/faults?fault=timeout&count=1'\n\
         (faults: timeout, drop, server-error, html, empty, bad-sign, wrong-amount)",
        qht.join("、"),
        changpay.join("、"),
        sandbox.base_url()
    );
    text
}
