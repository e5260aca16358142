//! The lines above the amount: whether the gateway has been answering, how the store ledger
//! stands, whose shift the sales go into. A cashier learns of a dead network or a store that
//! refused orders before charging.

use egui::{RichText, Ui};

use super::CheckoutInfo;
use crate::gateway::http::Health;
use crate::i18n::{Lang, Localized, tr};
use crate::ui::theme;

/// How long after the gateway's last answer the line still says 连接正常.
const ANSWER_STAYS_CURRENT: std::time::Duration = std::time::Duration::from_mins(2);

/// Whether the gateway has been answering: a cashier learns of a dead network before charging.
pub(super) fn health_ui(ui: &mut Ui, info: &CheckoutInfo, lang: Lang) {
    let line = health_line(info.health, chrono::Utc::now(), info.offset, lang);
    if let Some(left) = line.current_for {
        ui.ctx().request_repaint_after(left);
    }
    ui.label(RichText::new(line.words).color(line.colour));
}

/// The gateway line's words and colour.
struct HealthLine {
    words: String,
    colour: egui::Color32,
    /// How long until the words change by themselves (连接正常 goes stale).
    current_for: Option<std::time::Duration>,
}

/// What the gateway line says at `now` of `health`.
fn health_line(
    health: Health,
    now: chrono::DateTime<chrono::Utc>,
    offset: chrono::FixedOffset,
    lang: Lang,
) -> HealthLine {
    let line = |words: String, colour| HealthLine {
        words,
        colour,
        current_for: None,
    };
    match health {
        Health::Untried => line(
            tr(lang, "支付平台：尚未连接", "Gateway: not contacted yet").to_owned(),
            theme::MUTED,
        ),
        // Nothing asks the gateway while the till is idle: after a while the line says when it
        // last answered rather than a green "connected" that may no longer be true (issue 21).
        Health::Answering { at } => {
            let age = (now - at).to_std().unwrap_or_default();
            match ANSWER_STAYS_CURRENT.checked_sub(age) {
                Some(left) => HealthLine {
                    current_for: Some(left),
                    ..line(
                        tr(lang, "支付平台：连接正常", "Gateway: answering").to_owned(),
                        theme::PAID,
                    )
                },
                None => line(
                    format!(
                        "{} {}",
                        tr(lang, "支付平台：上次应答", "Gateway: last answered at"),
                        at.with_timezone(&offset).format("%H:%M:%S")
                    ),
                    theme::MUTED,
                ),
            }
        }
        Health::Unreachable { since } => line(
            format!(
                "{} {} {}",
                tr(lang, "！支付平台：自", "! Gateway: no answer since"),
                since.with_timezone(&offset).format("%H:%M:%S"),
                tr(lang, "起无法连接，请检查网络", "; check the network")
            ),
            theme::FAILED,
        ),
    }
}

/// How the store ledger stands, when there is one: offline is said with how many orders wait,
/// so the cashier knows the sales are kept and will reach the store.
pub(super) fn store_ui(ui: &mut Ui, info: &CheckoutInfo, lang: Lang) {
    use crate::store::StoreStatus;
    let (words, colour) = match &info.store {
        None => return,
        Some(StoreStatus::Connecting) => (
            tr(lang, "门店数据库：正在连接", "Store: connecting").to_owned(),
            theme::MUTED,
        ),
        Some(StoreStatus::Online {
            rival: Some(till), ..
        }) => (
            format!(
                "{}{till}{}",
                tr(
                    lang,
                    "！门店里另一台收银机也设置为编号 ",
                    "! Another till of the store is also set up as "
                ),
                tr(
                    lang,
                    "，它的订单暂不同步：请给它另选编号",
                    "; its orders wait until it has its own id"
                )
            ),
            theme::FAILED,
        ),
        Some(StoreStatus::Online {
            waiting: 0,
            refused: 0,
            ..
        }) => (
            tr(lang, "门店数据库：已同步", "Store: up to date").to_owned(),
            theme::PAID,
        ),
        Some(StoreStatus::Online {
            refused: refused @ 1..,
            ..
        }) => (
            format!(
                "{}{refused}{}",
                tr(lang, "！门店数据库未接受 ", "! The store refused "),
                tr(
                    lang,
                    " 笔订单（原因见日志），已留在本机待同步",
                    " orders (why: see the log); kept here to push again"
                )
            ),
            theme::FAILED,
        ),
        Some(StoreStatus::Online { waiting, .. }) => (
            format!(
                "{} {waiting} {}",
                tr(lang, "门店数据库：正在同步，", "Store: pushing,"),
                tr(lang, "笔待同步", "to push")
            ),
            theme::MUTED,
        ),
        Some(StoreStatus::Offline {
            error: error @ crate::store::StoreError::TillIdTaken(_),
            ..
        }) => (format!("！{}", error.message(lang)), theme::FAILED),
        Some(StoreStatus::Offline { waiting: 0, .. }) => (
            tr(
                lang,
                "！门店数据库离线（本机照常收款）",
                "! Store offline (this till sells on)",
            )
            .to_owned(),
            theme::FAILED,
        ),
        Some(StoreStatus::Offline { waiting, .. }) => (
            format!(
                "{}{waiting}{}",
                tr(lang, "！门店数据库离线，", "! Store offline, "),
                tr(
                    lang,
                    " 笔待同步（本机照常收款）",
                    " to push (this till sells on)"
                )
            ),
            theme::FAILED,
        ),
    };
    let label = ui.label(RichText::new(words).color(colour));
    if let Some(StoreStatus::Offline { error, .. }) = &info.store {
        label.on_hover_text(error.message(lang));
    }
}

/// Whose shift the sales go into (with none open, a way to open one), and 开钱箱 where there is
/// a drawer. What was clicked.
pub(super) fn shift_line_ui(ui: &mut Ui, info: &CheckoutInfo, lang: Lang) -> Option<super::Action> {
    ui.horizontal(|ui| {
        let mut clicked = None;
        match &info.shift {
            Some(cashier) => {
                ui.label(
                    RichText::new(format!(
                        "{}{}",
                        tr(lang, "当班收银员：", "On shift: "),
                        crate::ui::shift::cashier_name(cashier, lang)
                    ))
                    .color(theme::MUTED),
                );
            }
            None => {
                ui.label(
                    RichText::new(tr(
                        lang,
                        "未开班：收款将记入“默认”班次",
                        "No shift open: sales go into the “default” shift",
                    ))
                    .color(theme::UNKNOWN),
                );
                if ui.button(tr(lang, "开班", "Open a shift")).clicked() {
                    clicked = Some(super::Action::Shifts);
                }
            }
        }
        if info.has_drawer && ui.button(tr(lang, "开钱箱", "Open drawer")).clicked() {
            clicked = Some(super::Action::OpenDrawer);
        }
        clicked
    })
    .inner
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gateway_line_stops_saying_connected_once_the_last_answer_is_old() {
        let offset = crate::china_time::cst();
        let at = chrono::DateTime::parse_from_rfc3339("2026-12-05T06:00:00Z")
            .expect("a time")
            .to_utc();
        let fresh = health_line(
            Health::Answering { at },
            at + chrono::TimeDelta::seconds(30),
            offset,
            Lang::Zh,
        );
        assert_eq!(fresh.words, "支付平台：连接正常");
        assert_eq!(fresh.colour, theme::PAID);
        assert_eq!(fresh.current_for, Some(std::time::Duration::from_secs(90)));
        let stale = health_line(
            Health::Answering { at },
            at + chrono::TimeDelta::minutes(5),
            offset,
            Lang::Zh,
        );
        assert_eq!(stale.words, "支付平台：上次应答 14:00:00");
        assert_eq!(stale.colour, theme::MUTED);
        assert_eq!(stale.current_for, None);
    }
}
