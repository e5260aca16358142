//! `cashier sandbox`: runs the sandbox gateway alone and says how to use it.

use std::fmt::Write as _;
use std::net::SocketAddr;

use super::exit;
use super::said::{self, Said};
use crate::gateway::{PayMethod, Provider};
use crate::sandbox::{self, Sandbox, SandboxConfig, TEST_CODES};

/// Runs until killed.
pub async fn run(port: u16, lan: bool, public_url: Option<String>, speedup: u32) -> u8 {
    let ip = if lan { [0, 0, 0, 0] } else { [127, 0, 0, 1] };
    if lan && public_url.is_none() {
        said::warn(&Said::LanNeedsPublicUrl(port));
    }
    let config = SandboxConfig {
        listen: SocketAddr::from((ip, port)),
        public_url,
        speedup,
        ..SandboxConfig::default()
    };
    let sandbox = match Sandbox::start(config).await {
        Ok(sandbox) => sandbox,
        Err(error) => {
            let why = error.to_string();
            return said::fail(exit::ERROR, &Said::SandboxCannotListen { port, why }, false);
        }
    };
    // Through out!: a closed stdout (a parent that read only the first line) must not
    // stop the sandbox.
    out!("{}", banner(&sandbox));
    sandbox.wait().await;
    exit::PAID
}

/// What `cashier sandbox` prints: where it is and how to use it. The keys are the sandbox's
/// public test keys, not secrets.
fn banner(sandbox: &Sandbox) -> String {
    let mut text = format!(
        "沙箱网关已启动 · Sandbox gateway listening on {url}\n\
         支付页链接 · Pay-page links: {links}/sandbox/pay/…\n\n\
         qht (钱汇通)       base_url = {url}\n                   merchant_id = {qht_no}\n                   key = {qht_key}\n\
         changpay (畅支付)  base_url = {url}\n                   merchant_id = {cp_id}\n                   key = {cp_key}\n\n\
         付款码测试码 · Bar-code test codes (WeChat / Alipay):\n",
        url = sandbox.base_url(),
        links = sandbox.links_url(),
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
