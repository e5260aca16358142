//! What the command line says besides a command's result — its refusals, failures and hints —
//! as typed values worded when printed, and the one path by which a command ends on a failure
//! (ripgrep's shape: one place turns an error into text and an exit status).
//!
//! A failure is said in both languages on stderr (`中文 (English)`), and with `--json` also as
//! one JSON line on stdout, so a script reading JSON gets a line for every outcome. A reader that
//! closed stdout never panics the command (`out!`), and never changes its status either: `cashier
//! pay … | head -1` still exits with the sale's own status, because 0 means paid.

use std::net::SocketAddr;

use serde_json::json;

use super::exit;
use crate::i18n::{Lang, Localized};

/// The one way a command ends on a failure: `words` in both languages on stderr and, when
/// `as_json`, one JSON line on stdout (`"invalid"` for bad input, else `"error"`). Returns
/// `status`, the command's exit status.
pub fn fail(status: u8, words: &dyn Localized, as_json: bool) -> u8 {
    if as_json {
        let kind = if status == exit::BAD_INPUT {
            "invalid"
        } else {
            "error"
        };
        out!(
            "{}",
            json!({"status": kind, "error": words.message(Lang::Zh), "error_en": words.message(Lang::En)})
        );
    }
    eprintln!("{}", words.bilingual());
    status
}

/// A word on the way that does not end the command (a warning, a hint): both languages on
/// stderr.
pub fn warn(words: &dyn Localized) {
    eprintln!("{}", words.bilingual());
}

/// The command line's own words (the library's errors word themselves).
pub enum Said<'a> {
    /// A sale on the sandbox gateway (of this provider's protocol).
    SandboxNoRealMoney(crate::gateway::Provider),
    /// `query` or `receipt` of an order the ledger does not hold.
    NoSuchOrder(&'a str),
    /// `query` of an order made under another merchant's config: not asked of this gateway.
    OtherMerchantsOrder,
    /// `history --date` not as YYYY-MM-DD.
    BadDate(&'a str),
    /// `pay --method` naming no method of this gateway.
    UnknownMethod {
        /// As typed.
        method: &'a str,
        /// The gateway's methods, comma-separated.
        known: String,
    },
    /// A report from a ledger this user cannot write.
    OpenedReadOnly,
    /// The async runtime could not be made.
    CannotStart(String),
    /// The setup failed (config, ledger, sandbox…).
    SetupFailed(&'a dyn Localized),
    /// The window could not open (no display…).
    CannotOpenWindow(String),
    /// `qht-onboard` without `--config`.
    OnboardingNeedsConfig,
    /// `qht-onboard` with a gateway that is not qht.
    OnboardingIsQhts,
    /// The onboarding form could not be read.
    FormUnreadable(String),
    /// Quick pay's card file could not be read, or lacks a field.
    CardFileUnreadable(String),
    /// Registered at the gateway, but the key could not be saved.
    RegisteredKeyNotSaved {
        /// Why not.
        why: &'a dyn Localized,
        /// The merchant number the gateway gave.
        merchant_no: &'a str,
    },
    /// Onboarding returned another merchant than the config's, and `--replace` was not given.
    RegisteredNotReplacing {
        /// The merchant number the gateway gave.
        merchant_no: &'a str,
        /// The merchant payments go to now.
        current: &'a str,
    },
    /// The cash sale is kept, but the drawer did not open.
    DrawerNotOpened(&'a dyn Localized),
    /// The window did not open on OpenGL: it is tried again on the software renderer.
    TryingSoftwareRenderer,
    /// `sandbox --lan` without `--public-url`.
    LanNeedsPublicUrl(u16),
    /// The sandbox cannot listen on its port.
    SandboxCannotListen {
        /// The port.
        port: u16,
        /// The system's reason.
        why: String,
    },
    /// A store command with no `[store]`.
    NoStore,
    /// `sync` on the sandbox.
    SandboxNeverPushed,
    /// Another till of the store holds this till's id.
    RivalTill(&'a str),
    /// A push after a sale failed; the orders wait.
    WaitingToPush {
        /// Why the push failed.
        why: &'a dyn Localized,
        /// How many orders wait.
        waiting: u64,
    },
    /// `store add-till` done: the URL follows on stdout.
    TillRoleMade(&'a str),
    /// `owner set-pin` done.
    OwnerPinSet,
    /// `owner reset-pin` done.
    OwnerPinRemoved,
    /// The owner PIN read from stdin was wrong, or tries wait: seconds to wait (0: none).
    WrongOwnerPin(u64),
    /// A command that needs `--config FILE`.
    NeedsConfigFile,
    /// `notify-server` without `[store]` and a changpay `[gateway]`.
    NotifyServerNeedsStoreAndChangpay,
    /// `notify-server` without an address to listen on.
    NotifyServerNeedsAddress,
    /// `notify-server` is listening.
    NotifyServerStarted(SocketAddr),
    /// `notify-server` cannot listen.
    CannotListen {
        /// The address.
        addr: SocketAddr,
        /// The system's reason.
        why: String,
    },
    /// `notify-server` gives up on a store gone too long.
    StoreGone {
        /// How long it was gone.
        secs: u64,
        /// The last error.
        why: &'a dyn Localized,
    },
}

impl Localized for Said<'_> {
    #[allow(clippy::too_many_lines)] // one arm per phrase, in both languages
    fn message(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match self {
            Said::SandboxNoRealMoney(provider) if zh => {
                format!("沙箱模式：不会有真实的钱款往来（{}）", provider.zh_name())
            }
            Said::SandboxNoRealMoney(provider) => format!(
                "SANDBOX: no real money moves ({} protocol)",
                provider.id()
            ),
            Said::NoSuchOrder(order_no) if zh => format!("账本中没有订单 {order_no}"),
            Said::NoSuchOrder(order_no) => format!("no order {order_no} in the ledger"),
            Said::OtherMerchantsOrder if zh => "此订单属于其他商户配置，只显示账本记录".into(),
            Said::OtherMerchantsOrder => {
                "the order belongs to another merchant's config: the ledger's record only".into()
            }
            Said::BadDate(text) if zh => format!("日期格式应为 YYYY-MM-DD：{text}"),
            Said::BadDate(text) => format!("the date must be YYYY-MM-DD: {text}"),
            Said::UnknownMethod { method, known } if zh => {
                format!("未知的支付方式 {method}，可用：{known}")
            }
            Said::UnknownMethod { method, known } => {
                format!("unknown method {method}; available: {known}")
            }
            Said::OpenedReadOnly if zh => "账本无法写入，已只读打开".into(),
            Said::OpenedReadOnly => "the ledger cannot be written; opened read-only".into(),
            Said::CannotStart(why) if zh => format!("无法启动：{why}"),
            Said::CannotStart(why) => format!("cannot start: {why}"),
            Said::SetupFailed(why) if zh => format!("无法启动收银台：{}", why.message(lang)),
            Said::SetupFailed(why) => format!("the cashier cannot start: {}", why.message(lang)),
            Said::CannotOpenWindow(why) if zh => format!("无法打开窗口：{why}"),
            Said::CannotOpenWindow(why) => format!("cannot open the window: {why}"),
            Said::OnboardingNeedsConfig if zh => {
                "进件需要配置文件：在 [gateway] 中写 provider = \"qht\" 和 base_url，用 --config 指定"
                    .into()
            }
            Said::OnboardingNeedsConfig => "onboarding needs a config (--config) with [gateway] \
                                            provider = \"qht\" and base_url"
                .into(),
            Said::OnboardingIsQhts if zh => {
                "配置的 [gateway] 应为 provider = \"qht\"：进件只有钱汇通提供".into()
            }
            Said::OnboardingIsQhts => {
                "onboarding is qht's: set [gateway] provider = \"qht\"".into()
            }
            Said::FormUnreadable(why) if zh => format!("进件表单无法读取：{why}"),
            Said::FormUnreadable(why) => format!("the onboarding form cannot be read: {why}"),
            Said::CardFileUnreadable(why) if zh => format!(
                "持卡人信息文件无法读取（需要 name、card_number、phone、id_card）：{why}"
            ),
            Said::CardFileUnreadable(why) => format!(
                "the card file cannot be read (it needs name, card_number, phone, id_card): {why}"
            ),
            Said::RegisteredKeyNotSaved { why, merchant_no } if zh => format!(
                "{}；商户号 {merchant_no} 已注册，可稍后再运行本命令取回密钥",
                why.message(lang)
            ),
            Said::RegisteredKeyNotSaved { why, merchant_no } => format!(
                "{}; merchant {merchant_no} is registered: run this command again later to fetch \
                 its key",
                why.message(lang)
            ),
            Said::RegisteredNotReplacing {
                merchant_no,
                current,
            } if zh => format!(
                "支付平台返回商户号 {merchant_no}，与配置中的商户 {current} 不同：配置未改动。\
                 确认要换成新商户，请加 --replace 再运行一次（原配置会留作备份）"
            ),
            Said::RegisteredNotReplacing {
                merchant_no,
                current,
            } => format!(
                "the gateway returned merchant {merchant_no}, not the config's {current}: the \
                 config is unchanged. To switch to it, run again with --replace (the old config is \
                 kept as a backup)"
            ),
            Said::DrawerNotOpened(why) if zh => {
                format!("现金已收，钱箱没有打开：{}", why.message(lang))
            }
            Said::DrawerNotOpened(why) => {
                format!("the cash sale is kept; the drawer did not open: {}", why.message(lang))
            }
            Said::TryingSoftwareRenderer if zh => {
                "提示：显卡的 OpenGL 无法打开窗口，改用软件渲染（不需要显卡驱动）".into()
            }
            Said::TryingSoftwareRenderer => "hint: OpenGL opened no window; trying the software \
                                             renderer (no graphics driver needed)"
                .into(),
            Said::LanNeedsPublicUrl(port) if zh => format!(
                "提示：用 --lan 时请给出 --public-url http://<本机局域网地址>:{port}，手机才能打开二维码链接"
            ),
            Said::LanNeedsPublicUrl(port) => format!(
                "hint: with --lan, give --public-url http://<this machine's LAN address>:{port} \
                 so phones can open the QR links"
            ),
            Said::SandboxCannotListen { port, why } if zh => {
                format!("沙箱网关无法监听端口 {port}：{why}")
            }
            Said::SandboxCannotListen { port, why } => {
                format!("the sandbox cannot listen on port {port}: {why}")
            }
            Said::NoStore if zh => {
                "未配置门店数据库：请在配置文件中加入 [store] url = \"postgres://…\"".into()
            }
            Said::NoStore => {
                "no store configured: add [store] url = \"postgres://…\" to the config".into()
            }
            Said::SandboxNeverPushed if zh => "沙箱模式的模拟订单不同步到门店数据库".into(),
            Said::SandboxNeverPushed => "sandbox orders are never pushed to the store".into(),
            Said::RivalTill(till) if zh => format!(
                "注意：门店里另一台收银机也设置为收银台编号 {till}，它的订单暂不同步，请给它另选编号"
            ),
            Said::RivalTill(till) => format!(
                "another till of this store is also set up as {till}; its orders wait until it \
                 has its own id"
            ),
            Said::WaitingToPush { why, waiting } if zh => {
                format!("{}，{waiting} 笔待同步", why.message(lang))
            }
            Said::WaitingToPush { why, waiting } => {
                format!("{}; {waiting} to push", why.message(lang))
            }
            Said::TillRoleMade(till) if zh => format!(
                "收银台 {till} 的门店数据库账号已建好：把下面的地址填入该收银台 设置 → 门店数据库（只显示这一次）"
            ),
            Said::TillRoleMade(till) => format!(
                "till {till}'s own store role is made: put the URL below in that till's settings \
                 (shown this once)"
            ),
            Said::OwnerPinSet if zh => "店主密码已设置：设置、导出和重打小票需要输入它".into(),
            Said::OwnerPinSet => {
                "owner PIN set: settings, exports and reprints ask for it".into()
            }
            Said::WrongOwnerPin(0) if zh => "店主密码错误（在标准输入的第一行输入）".into(),
            Said::WrongOwnerPin(0) => {
                "wrong owner PIN (type it as the first line of standard input)".into()
            }
            Said::WrongOwnerPin(secs) if zh => format!("店主密码错误次数过多，请 {secs} 秒后再试"),
            Said::WrongOwnerPin(secs) => {
                format!("too many wrong owner PINs: try again in {secs} s")
            }
            Said::OwnerPinRemoved if zh => {
                "店主密码已清除（已记录）；可用 cashier owner set-pin 设置新密码".into()
            }
            Said::OwnerPinRemoved => {
                "owner PIN removed (logged); set a new one with cashier owner set-pin".into()
            }
            Said::NeedsConfigFile if zh => "需要配置文件：--config FILE".into(),
            Said::NeedsConfigFile => "a config file is needed: --config FILE".into(),
            Said::NotifyServerNeedsStoreAndChangpay if zh => {
                "notify-server 需要 [store] 和畅支付的 [gateway]".into()
            }
            Said::NotifyServerNeedsStoreAndChangpay => {
                "notify-server needs [store] and a changpay [gateway]".into()
            }
            Said::NotifyServerNeedsAddress if zh => {
                "需要监听地址：--listen 或 [notify] listen".into()
            }
            Said::NotifyServerNeedsAddress => {
                "where to listen: --listen or [notify] listen".into()
            }
            Said::NotifyServerStarted(addr) if zh => format!("门店通知服务已启动：{addr}"),
            Said::NotifyServerStarted(addr) => {
                format!("store notification service listening on {addr}")
            }
            Said::CannotListen { addr, why } if zh => format!("无法监听 {addr}：{why}"),
            Said::CannotListen { addr, why } => format!("cannot listen on {addr}: {why}"),
            Said::StoreGone { secs, why } if zh => format!(
                "门店数据库已 {secs} 秒无法连接，通知服务退出，由服务管理器重启：{}",
                why.message(lang)
            ),
            Said::StoreGone { secs, why } => format!(
                "the store has been unreachable for {secs} s; exiting for the service manager to \
                 restart: {}",
                why.message(lang)
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_phrase_reads_in_each_language_with_no_other_language_in_it() {
        let why = Said::OpenedReadOnly;
        let addr = SocketAddr::from(([127, 0, 0, 1], 9));
        let phrases = [
            Said::SandboxNoRealMoney(crate::gateway::Provider::Qht),
            Said::NoSuchOrder("T01"),
            Said::OtherMerchantsOrder,
            Said::BadDate("12/05"),
            Said::UnknownMethod {
                method: "x",
                known: "cash".into(),
            },
            Said::OpenedReadOnly,
            Said::CannotStart("x".into()),
            Said::SetupFailed(&why),
            Said::CannotOpenWindow("x".into()),
            Said::OnboardingNeedsConfig,
            Said::OnboardingIsQhts,
            Said::FormUnreadable("x".into()),
            Said::CardFileUnreadable("x".into()),
            Said::RegisteredKeyNotSaved {
                why: &why,
                merchant_no: "M1",
            },
            Said::RegisteredNotReplacing {
                merchant_no: "M2",
                current: "M1",
            },
            Said::TryingSoftwareRenderer,
            Said::DrawerNotOpened(&why),
            Said::LanNeedsPublicUrl(8088),
            Said::SandboxCannotListen {
                port: 8088,
                why: "x".into(),
            },
            Said::NoStore,
            Said::SandboxNeverPushed,
            Said::RivalTill("T01"),
            Said::WaitingToPush {
                why: &why,
                waiting: 2,
            },
            Said::TillRoleMade("K1"),
            Said::OwnerPinSet,
            Said::OwnerPinRemoved,
            Said::WrongOwnerPin(0),
            Said::WrongOwnerPin(60),
            Said::NeedsConfigFile,
            Said::NotifyServerNeedsStoreAndChangpay,
            Said::NotifyServerNeedsAddress,
            Said::NotifyServerStarted(addr),
            Said::CannotListen {
                addr,
                why: "x".into(),
            },
            Said::StoreGone {
                secs: 60,
                why: &why,
            },
        ];
        let han = |text: &str| text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        for (n, phrase) in phrases.iter().enumerate() {
            let (zh, en) = (phrase.message(Lang::Zh), phrase.message(Lang::En));
            assert!(han(&zh), "phrase {n} has Chinese: {zh}");
            assert!(!han(&en), "phrase {n} in English has no Chinese: {en}");
        }
    }
}
