//! changpay's bank transfers (42 微信银行转账, 43 支付宝银行转账, 44 银行卡转账) need the payer's
//! name and account: a form on the checkout and `--payer-name/--payer-account` on the command
//! line, both checked before anything is written or sent; once entered, only the masked payer
//! (`张* 6217***********5678`) is shown, kept in the ledger or logged.

use crate::common;

use common::cashier_in;

use cashier::gateway::Provider;
use common::window::{set_field, world_for};
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;

/// The payer's card (not the sandbox's payee card, which the transfer screen shows in full).
const CARD: &str = "6217000010012345678";
const MASKED: &str = "张* 6217***********5678";

#[test]
fn the_command_line_checks_the_payer_and_keeps_it_masked() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let sandbox = runtime.block_on(common::sandbox());
    let dir = tempfile::tempdir().expect("temp dir");
    let config = format!(
        "[gateway]\nprovider = \"changpay\"\nbase_url = \"{}\"\nmerchant_id = \"{}\"\nkey = \"{}\"\n\n\
         [payment]\nqr_expiry_secs = 1\n",
        sandbox.base_url(),
        cashier::sandbox::CHANGPAY_MCH_ID,
        cashier::sandbox::CHANGPAY_KEY,
    );
    common::write_private(&dir.path().join("config.toml"), &config);

    for (method, name, account, says) in [
        (
            "card-bank-transfer",
            "张三",
            "1234",
            "银行卡号应为 12 到 19 位数字",
        ),
        (
            "card-bank-transfer",
            "张三",
            "62220202001122334x",
            "银行卡号应为 12 到 19 位数字",
        ),
        ("wechat-bank-transfer", "", "wx_zhang", "付款人姓名"),
        ("wechat-bank-transfer", "Zhang3", "wx_zhang", "付款人姓名"),
        ("alipay-bank-transfer", "张三", "a b\u{7}c", "付款人账号"),
    ] {
        let refused = cashier_in(
            dir.path(),
            &[
                "pay",
                "--method",
                method,
                "--amount",
                "1",
                "--payer-name",
                name,
                "--payer-account",
                account,
                "--json",
            ],
        );
        assert_eq!(refused.status.code(), Some(2), "{method} {name} {account}");
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(stderr.contains(says), "{method} {name} {account}: {stderr}");
    }
    let missing = cashier_in(
        dir.path(),
        &["pay", "--method", "wechat-bank-transfer", "--amount", "1"],
    );
    assert_eq!(missing.status.code(), Some(2));
    let history = cashier_in(dir.path(), &["history", "--json"]);
    assert!(
        !String::from_utf8_lossy(&history.stdout).contains("order_no"),
        "nothing written for a refused payer"
    );

    let sale = cashier_in(
        dir.path(),
        &[
            "pay",
            "--method",
            "card-bank-transfer",
            "--amount",
            "1",
            "--payer-name",
            " 张三 ",
            "--payer-account",
            "6217 0000 1001 2345 678",
            "--json",
        ],
    );
    let stdout = String::from_utf8_lossy(&sale.stdout);
    let last: serde_json::Value =
        serde_json::from_str(stdout.lines().last().expect("a line")).expect("json");
    assert_eq!(last["auth_code"], MASKED, "{stdout}");
    let order_no = last["order_no"].as_str().expect("order");
    let query = cashier_in(dir.path(), &["query", order_no, "--json"]);
    assert!(String::from_utf8_lossy(&query.stdout).contains(MASKED));
    for log in std::fs::read_dir(dir.path().join("data/logs")).expect("logs") {
        let text = std::fs::read_to_string(log.expect("log").path()).expect("text");
        assert!(!text.contains(CARD), "the card number is in the log");
    }
    let ledger = std::fs::read(dir.path().join("data/ledger.sqlite3")).expect("ledger");
    assert!(
        !ledger.windows(CARD.len()).any(|w| w == CARD.as_bytes()),
        "the card number is in the ledger file"
    );
}

#[test]
fn the_checkout_asks_for_the_payer_and_shows_it_masked() {
    let mut world = world_for(Provider::Changpay);
    world.harness.run_steps(2);
    world.type_amount("1");
    // Past F12, and below the fold of the method list: reached with the arrow keys.
    let choices = cashier::ui::checkout::CheckoutInfo::choices_for(Provider::Changpay, None);
    let card = choices
        .iter()
        .position(|c| {
            *c == cashier::ui::checkout::Choice::Method(
                cashier::gateway::PayMethod::CardBankTransfer,
            )
        })
        .expect("changpay offers 银行卡转账");
    for _ in 0..card {
        world.press(egui::Key::ArrowDown);
    }
    world.press(egui::Key::Enter);
    world.wait_for("银行转账需要付款人的真实姓名和账号");
    set_field(&mut world, Role::TextInput, 0, "张三");
    set_field(&mut world, Role::TextInput, 1, "1234");
    world.wait_for("银行卡号应为 12 到 19 位数字");
    world.press(egui::Key::Enter);
    world.harness.run_steps(3);
    assert_eq!(world.order_count(), 0, "refused on the form");

    set_field(&mut world, Role::TextInput, 1, CARD);
    world.harness.get_by_label("收款 (Enter)").click();
    world.wait_for(&format!("付款人 {MASKED}"));
    assert!(world.harness.query_by_label_contains(CARD).is_none());
    let ledger = world.ledger.lock();
    let today = cashier::ledger::day_of(chrono::Utc::now(), cashier::china_time::cst());
    let order = ledger
        .day_orders(today, cashier::china_time::cst(), 0, 1)
        .expect("read")
        .pop()
        .expect("the transfer");
    drop(ledger);
    assert_eq!(order.method, cashier::gateway::PayMethod::CardBankTransfer);
    assert_eq!(order.auth_code_masked.as_deref(), Some(MASKED));
}
