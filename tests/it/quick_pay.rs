//! qht quick pay (快捷支付, 301–304): the card holder typed at the till (the checkout's card form,
//! `--card-file` on the command line), checked before anything is written or sent; the gateway's
//! pay page written owner-only, opened in the browser, and deleted when the sale ends; the order
//! polled to paid like any other; the card kept only masked.

use crate::common;

use std::io::{BufRead, BufReader};
use std::time::Duration;

use cashier::gateway::card_payer::{CardPayer, TypedCard};
use cashier::gateway::qht::{CardType, QuickSettle};
use cashier::gateway::{NewOrder, PayDisplay, PayMethod, Provider};
use cashier::money::Money;
use common::cashier_in;
use common::window::{set_field, world_for};
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;

const CARD: &str = "6222021234567890";
const ID: &str = "110101199003074514";
const PHONE: &str = "13800138000";
const MASKED: &str = "张* 6222********7890";

fn card(card_type: CardType) -> CardPayer {
    let typed = TypedCard {
        name: "张三",
        card_number: CARD,
        phone: PHONE,
        id_card: ID,
    };
    CardPayer::checked(typed, card_type).expect("a good card holder")
}

fn quick_order(method: PayMethod, card: Option<CardPayer>) -> NewOrder {
    NewOrder {
        card,
        ..common::new_order(method, 12_340)
    }
}

#[tokio::test]
async fn the_settle_and_card_type_make_the_payment_code_and_the_page_pays() {
    let sandbox = common::sandbox().await;
    for (settle, method, card_type, code) in [
        (
            QuickSettle::T1,
            PayMethod::QhtQuickDebit,
            CardType::Debit,
            "301",
        ),
        (
            QuickSettle::D0,
            PayMethod::QhtQuickDebit,
            CardType::Debit,
            "302",
        ),
        (
            QuickSettle::T1,
            PayMethod::QhtQuickCredit,
            CardType::Credit,
            "303",
        ),
        (
            QuickSettle::D0,
            PayMethod::QhtQuickCredit,
            CardType::Credit,
            "304",
        ),
    ] {
        let mut config =
            cashier::config::GatewayConfig::sandbox(Provider::Qht, &sandbox.base_url());
        config.quick_settle = settle;
        let gateway = config
            .build("T01", common::TIMEOUTS)
            .expect("a qht gateway");
        let order = quick_order(method, Some(card(card_type)));
        let created = gateway.create_qr_order(&order).await.expect("created");
        let PayDisplay::CardPage(html) = created.display else {
            panic!("quick pay shows a page, not {:?}", created.display);
        };
        assert!(
            html.contains("6222********7890"),
            "the bank's page names the card masked"
        );
        let link = cashier::app::card_page::first_link(&html).expect("a link");
        common::open(&link).await;
        let qht = gateway.as_qht().expect("qht");
        let queried = qht.order_query(&order.order_no).await.expect("queried");
        assert_eq!(
            queried.payment.as_deref(),
            Some(code),
            "{settle:?} {method:?}"
        );
        assert_eq!(queried.total_fee, Money::from_li(12_340));
    }
}

#[tokio::test]
async fn a_card_of_the_wrong_type_or_none_is_refused_before_sending() {
    let sandbox = common::sandbox().await;
    let gateway = common::gateway(&sandbox, Provider::Qht);
    for (order, says) in [
        (
            quick_order(PayMethod::QhtQuickCredit, Some(card(CardType::Debit))),
            "不支持",
        ),
        (
            quick_order(PayMethod::QhtQuickDebit, None),
            "快捷支付需要持卡人",
        ),
    ] {
        let refused = gateway.create_qr_order(&order).await.expect_err("refused");
        assert!(!refused.is_unknown_outcome());
        assert!(refused.to_string().contains(says), "{refused}");
    }
    let changpay = common::gateway(&sandbox, Provider::Changpay);
    let order = quick_order(PayMethod::QhtQuickDebit, Some(card(CardType::Debit)));
    let refused = changpay
        .create_qr_order(&order)
        .await
        .expect_err("not changpay's");
    assert!(
        refused
            .to_string()
            .contains("当前支付平台不支持储蓄卡快捷支付")
    );
}

/// A till in a temp folder on the sandbox's qht merchant, whose "browser" copies the page it is
/// given to `opened.html` (as a browser would load it).
fn quick_till(sandbox: &cashier::sandbox::Sandbox) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = format!(
        "[gateway]\nprovider = \"qht\"\nbase_url = \"{}\"\nmerchant_id = \"{}\"\nkey = \"{}\"\n",
        sandbox.base_url(),
        cashier::sandbox::QHT_MERCHANT_NO,
        cashier::sandbox::QHT_KEY,
    );
    common::write_private(&dir.path().join("config.toml"), &config);
    let browser = dir.path().join("browser.sh");
    std::fs::write(
        &browser,
        format!(
            "#!/bin/sh\ncp \"$1\" '{}'\n",
            dir.path().join("opened.html").display()
        ),
    )
    .expect("browser written");
    let mut permissions = std::fs::metadata(&browser).expect("written").permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o700);
    std::fs::set_permissions(&browser, permissions).expect("chmod");
    dir
}

fn card_file(dir: &std::path::Path, id_card: &str) -> std::path::PathBuf {
    let path = dir.join("card.toml");
    std::fs::write(
        &path,
        format!(
            "name = \"张三\"\ncard_number = \"6222 0212 3456 7890\"\nphone = \"{PHONE}\"\nid_card = \"{id_card}\"\n"
        ),
    )
    .expect("card file");
    path
}

#[test]
fn the_command_line_checks_the_card_file_before_anything_is_written() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let sandbox = runtime.block_on(common::sandbox());
    let dir = quick_till(&sandbox);
    let pay = |extra: &[&str]| {
        let mut args = vec![
            "pay",
            "--method",
            "qht-quick-debit",
            "--amount",
            "1",
            "--json",
        ];
        args.extend_from_slice(extra);
        cashier_in(dir.path(), &args)
    };
    let missing = pay(&[]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("快捷支付需要持卡人"));

    let bad_id = card_file(dir.path(), "110101199003074515");
    let refused = pay(&["--card-file", bad_id.to_str().expect("path")]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("身份证号码应为 18 位"));

    std::fs::write(
        dir.path().join("broken.toml"),
        format!("name = 张三\ncard_number = \"{CARD}\"\n"),
    )
    .expect("written");
    let broken = pay(&[
        "--card-file",
        dir.path().join("broken.toml").to_str().expect("path"),
    ]);
    let stderr = String::from_utf8_lossy(&broken.stderr);
    assert_eq!(broken.status.code(), Some(2));
    assert!(stderr.contains("持卡人信息文件无法读取"), "{stderr}");
    assert!(!stderr.contains(CARD), "the number is not echoed: {stderr}");

    let mut from_stdin = std::process::Command::new(env!("CARGO_BIN_EXE_cashier"));
    from_stdin
        .arg("--config")
        .arg(dir.path().join("config.toml"))
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .args([
            "pay",
            "--method",
            "qht-quick-credit",
            "--amount",
            "1",
            "--card-file",
            "-",
        ])
        .env("DBUS_SESSION_BUS_ADDRESS", common::NO_BUS);
    let (status, _, stderr) = common::run_with_input(
        from_stdin,
        &format!(
            "name = \"张三\"\ncard_number = \"{CARD}\"\nphone = \"2380013800\"\nid_card = \"{ID}\"\n"
        ),
    );
    assert_eq!(status, Some(2));
    assert!(stderr.contains("手机号应为 1 开头的 11 位数字"), "{stderr}");
    let history = cashier_in(dir.path(), &["history", "--json"]);
    assert!(
        !String::from_utf8_lossy(&history.stdout).contains("order_no"),
        "nothing written for a refused card"
    );
}

#[test]
fn the_command_line_opens_the_pay_page_and_waits_to_paid() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let sandbox = runtime.block_on(common::sandbox());
    let dir = quick_till(&sandbox);
    let file = card_file(dir.path(), ID);
    let mut pay = std::process::Command::new(env!("CARGO_BIN_EXE_cashier"))
        .arg("--config")
        .arg(dir.path().join("config.toml"))
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .args([
            "pay",
            "--method",
            "qht-quick-debit",
            "--amount",
            "12.34",
            "--json",
            "--card-file",
        ])
        .arg(&file)
        .env("DBUS_SESSION_BUS_ADDRESS", common::NO_BUS)
        .env("CASHIER_BROWSER", dir.path().join("browser.sh"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("pay starts");
    let lines = BufReader::new(pay.stdout.take().expect("stdout")).lines();
    let mut page_file = None;
    let mut result = None;
    let mut said = Vec::new();
    for line in lines.map_while(Result::ok) {
        let value: serde_json::Value = serde_json::from_str(&line).expect("a JSON line");
        if value["event"] == "status" {
            said.push(value["text"].as_str().unwrap_or_default().to_owned());
        }
        if value["event"] == "show" {
            assert_eq!(value["kind"], "card_page", "{value}");
            let path = std::path::PathBuf::from(value["file"].as_str().expect("a file"));
            let mode = std::os::unix::fs::PermissionsExt::mode(
                &std::fs::metadata(&path)
                    .expect("the page is written")
                    .permissions(),
            );
            assert_eq!(mode & 0o077, 0, "only the till's user reads the page");
            // The "browser" was given the page; the customer completes it.
            let opened = dir.path().join("opened.html");
            let deadline = std::time::Instant::now() + Duration::from_secs(10);
            while !opened.exists() && std::time::Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
            let html = std::fs::read_to_string(&opened).expect("the browser opened the page");
            assert!(html.contains(&format!("<base href=\"{}/\">", sandbox.base_url())));
            let link = cashier::app::card_page::first_link(&html).expect("its link");
            runtime.block_on(common::open(&link));
            page_file = Some(path);
        } else if value.get("event").is_none() {
            result = Some(value);
        }
    }
    assert_eq!(pay.wait().expect("ends").code(), Some(0), "exit 0: paid");
    assert!(
        said.iter()
            .any(|text| text == "等待顾客在支付页面完成付款…"),
        "the wait is said as a pay page's, not a QR's: {said:?}"
    );
    let order = result.expect("a result line");
    assert_eq!(order["status"], "paid", "{order}");
    assert_eq!(order["method"], "qht-quick-debit");
    assert_eq!(order["auth_code"], MASKED);
    let page_file = page_file.expect("a page was shown");
    assert!(
        !page_file.exists(),
        "the page is deleted when the sale ends"
    );
    for log in std::fs::read_dir(dir.path().join("data/logs")).expect("logs") {
        let text = std::fs::read_to_string(log.expect("log").path()).expect("text");
        assert!(
            !text.contains(CARD) && !text.contains(ID),
            "a number in the log"
        );
    }
    let ledger = std::fs::read(dir.path().join("data/ledger.sqlite3")).expect("ledger");
    for number in [CARD, ID, PHONE] {
        assert!(
            !ledger.windows(number.len()).any(|w| w == number.as_bytes()),
            "{number} is in the ledger file"
        );
    }
}

#[test]
fn the_checkout_takes_the_card_holder_masked_and_the_sandbox_page_pays() {
    let mut world = world_for(Provider::Qht);
    world.harness.run_steps(2);
    world.type_amount("12.34");
    let choices = cashier::ui::checkout::CheckoutInfo::choices_for(Provider::Qht, None);
    let quick = choices
        .iter()
        .position(|c| *c == cashier::ui::checkout::Choice::Method(PayMethod::QhtQuickDebit))
        .expect("qht offers 储蓄卡快捷支付");
    for _ in 0..quick {
        world.press(egui::Key::ArrowDown);
    }
    world.press(egui::Key::Enter);
    world.wait_for("快捷支付需要持卡人的信息；收款后请顾客在支付页面完成验证");
    set_field(&mut world, Role::TextInput, 0, "张三");
    set_field(&mut world, Role::TextInput, 1, CARD);
    set_field(&mut world, Role::TextInput, 2, PHONE);
    // The cursor left the card number: it shows masked.
    assert!(
        world.harness.query_by_value(CARD).is_none(),
        "the card is masked off its field"
    );
    assert!(
        world
            .harness
            .query_all_by_value("6222********7890")
            .next()
            .is_some()
    );
    set_field(&mut world, Role::TextInput, 3, "110101199003074515");
    set_field(&mut world, Role::TextInput, 0, "张三");
    world.wait_for("身份证号码应为 18 位，末位校验码须正确");
    world.press(egui::Key::Enter);
    world.harness.run_steps(3);
    assert_eq!(world.order_count(), 0, "refused on the form");

    set_field(&mut world, Role::TextInput, 3, ID);
    world.harness.get_by_label("收款 (Enter)").click();
    world.wait_for(&format!("付款人 {MASKED}"));
    world.wait_for("支付页面已在浏览器打开，请顾客完成银行卡验证");
    world.wait_for("等待顾客在支付页面完成付款…");
    assert!(world.harness.query_by_label_contains(CARD).is_none());
    world.harness.get_by_label("模拟顾客付款").click();
    world.wait_for("支付成功");
    let order = world.latest_order();
    assert_eq!(order.method, PayMethod::QhtQuickDebit);
    assert_eq!(order.auth_code_masked.as_deref(), Some(MASKED));
    assert_eq!(order.paid, Some(Money::from_li(12_340)));
    let pages = world.data_dir.path().join("pay-pages");
    let left = std::fs::read_dir(&pages).map_or(0, Iterator::count);
    assert_eq!(left, 0, "the page is deleted when the sale ends");
}
