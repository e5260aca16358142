//! The first run (kittest): with no config file the window opens on the setup; Enter takes the
//! sandbox with the till id typed, writes the config (0600) and opens the checkout; 连接真实商户
//! opens the merchant settings with the real merchant chosen and the till id carried over.

use crate::common;

use common::onboarding_form::FORM;
use common::window::{World, set_field, world};
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;

/// A window on its first run, the setup on screen with `till_id` typed as the till's id.
fn first_run_with_till(till_id: &str) -> World {
    let mut world = world();
    world.harness.state_mut().set_first_run();
    world.wait_for("欢迎使用收银台");
    set_field(&mut world, Role::TextInput, 0, till_id);
    world
}

#[test]
fn enter_on_the_setup_takes_the_sandbox_and_writes_the_config() {
    let mut world = first_run_with_till("K9");
    assert!(
        world.harness.query_by_label("销售记录").is_none(),
        "no tabs before the setup is done"
    );
    world.press(egui::Key::Enter);
    world.wait_for("收款金额");
    // The worker writes the file (never the window's thread): the checkout is open meanwhile.
    let config = world.data_dir.path().join("config.toml");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while !config.exists() && std::time::Instant::now() < deadline {
        world.harness.step();
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let text = std::fs::read_to_string(&config).expect("the config is written");
    assert!(text.contains("K9"), "{text}");
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(&config).expect("config").permissions(),
    );
    assert_eq!(mode & 0o777, 0o600);
    // And the first sale goes through on the sandbox.
    world.type_amount("2");
    world.press(egui::Key::Enter);
    world.wait_for("模拟顾客付款");
}

#[test]
fn an_owner_pin_typed_at_the_first_run_guards_settings_from_the_first_sale() {
    let mut world = first_run_with_till("K3");
    // Typed twice differently: refused, nothing saved.
    set_field(&mut world, Role::PasswordInput, 0, "4321");
    set_field(&mut world, Role::PasswordInput, 1, "4320");
    world.press(egui::Key::Enter);
    world.wait_for("两次输入的密码不一致");
    assert!(!world.data_dir.path().join("config.toml").exists());
    set_field(&mut world, Role::PasswordInput, 1, "4321");
    world.press(egui::Key::Enter);
    world.wait_for("收款金额");
    let config = world.data_dir.path().join("config.toml");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while !std::fs::read_to_string(&config).is_ok_and(|text| text.contains("pin_hash"))
        && std::time::Instant::now() < deadline
    {
        world.harness.step();
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let text = std::fs::read_to_string(&config).expect("the config is written");
    assert!(text.contains("$argon2id$"), "a hash: {text}");
    assert!(!text.contains("4321"), "never the PIN");
    assert!(text.contains("K3"), "{text}");
    // From now on 设置 asks for it (once the saved config is in force: the worker applies it
    // after the save, so the first clicks may come before).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        world.harness.get_by_label("设置").click();
        world.harness.run_steps(3);
        if world
            .harness
            .query_by_label_contains("请输入店主密码")
            .is_some()
        {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "settings never asked for the PIN"
        );
        world.harness.get_by_label("收银").click();
        world.harness.run_steps(1);
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(world.harness.query_by_label("支付平台设置").is_none());
}

#[test]
fn a_bad_till_id_is_refused_on_the_setup() {
    let mut world = first_run_with_till("K-9");
    world.harness.get_by_label("试用沙箱 (Enter)").click();
    world.wait_for("1 到 8 个字母或数字");
    assert!(!world.data_dir.path().join("config.toml").exists());
}

#[test]
fn connect_a_real_merchant_opens_its_settings() {
    let mut world = first_run_with_till("K7");
    world.harness.get_by_label("连接真实商户").click();
    world.wait_for("支付平台设置");
    world.wait_for("测试连接");
    let till_field = world
        .harness
        .get_all_by_role(Role::TextInput)
        .find(|node| node.value().as_deref() == Some("K7"));
    assert!(till_field.is_some(), "the till id is carried over");
}

/// A window on the 进件 screen: 设置 → 真实商户 on the test sandbox's address → 新商户进件.
fn on_the_onboarding_screen() -> World {
    on_the_onboarding_screen_at(true)
}

/// The same, with the gateway's address typed into the settings or left empty.
fn on_the_onboarding_screen_at(typed_address: bool) -> World {
    let mut world = world();
    world.harness.get_by_label("设置").click();
    world.harness.run_steps(2);
    world.harness.get_by_label("真实商户").click();
    world.harness.run_steps(2);
    if typed_address {
        let base_url = world.sandbox.base_url();
        set_field(&mut world, Role::TextInput, 0, &base_url);
    }
    world
        .harness
        .get_by_label("还没有商户号？新商户进件…")
        .click();
    world.wait_for("钱汇通新商户进件");
    world.wait_for("还有 21 项未填");
    world
}

/// The merchant number and key the window saved into the config. The key is in the (0600) file:
/// the window under test never puts keys in a keyring, so `cargo test` on a desktop leaves its
/// owner's keyring alone.
fn saved_merchant(world: &World) -> (String, String) {
    let path = world.data_dir.path().join("config.toml");
    let text = std::fs::read_to_string(&path).expect("saved");
    assert!(
        !text.contains("key_in"),
        "a test key went to this desktop's keyring"
    );
    let config = cashier::config::Config::load(&path).expect("saved, complete");
    let gateway = config.gateway.expect("a real merchant");
    (gateway.merchant_id, gateway.key.expose().to_owned())
}

#[test]
fn a_new_qht_merchant_is_onboarded_from_the_settings_and_saved() {
    let mut world = on_the_onboarding_screen();
    // The cursor is in the first field: what is typed lands there without a click.
    world
        .harness
        .input_mut()
        .events
        .push(egui::Event::Text(FORM[0].to_owned()));
    world.harness.run_steps(2);
    let first = world
        .harness
        .get_all_by_role(Role::TextInput)
        .next()
        .and_then(|node| node.value());
    assert_eq!(first.as_deref(), Some(FORM[0]));
    for (index, value) in FORM.iter().enumerate() {
        set_field(&mut world, Role::TextInput, index, value);
    }
    // Off the field, a number shows only its ends.
    let values: Vec<String> = world
        .harness
        .get_all_by_role(Role::TextInput)
        .filter_map(|node| node.value())
        .collect();
    assert!(
        values.iter().any(|v| v == "1101**********4514"),
        "{values:?}"
    );
    assert!(
        !values.iter().any(|v| v == "110101199003074514"),
        "{values:?}"
    );
    world.wait_for("表单已填好，可以提交");
    world.harness.get_by_label("提交进件").click();
    // The returned merchant is shown for the owner to confirm: nothing is saved before.
    world.wait_for("确认新的收款商户");
    world.wait_for("密钥：15 位，末四位");
    assert!(
        !world.data_dir.path().join("config.toml").exists(),
        "nothing saved before the owner confirms"
    );
    world.harness.get_by_label("确认使用此商户").click();
    world.wait_for("进件成功：商户号");
    world.wait_for("支付平台回复：Success");
    let (merchant_id, key) = saved_merchant(&world);
    assert!(!merchant_id.is_empty());
    assert!(!key.is_empty());
    assert!(
        world.harness.query_by_label_contains(&key).is_none(),
        "the key is never shown"
    );
}

#[test]
fn an_owner_who_registered_before_asks_for_the_status_with_phone_and_id_alone() {
    let mut world = on_the_onboarding_screen();
    // Phone and ID number (fields 1 and 2) are all the status query needs.
    set_field(&mut world, Role::TextInput, 1, FORM[1]);
    set_field(&mut world, Role::TextInput, 2, FORM[2]);
    world.harness.get_by_label("查询进件状态").click();
    world.wait_for("查不到：这组手机号和身份证号还没有进件，或号码有误");
    assert!(
        !world.data_dir.path().join("config.toml").exists(),
        "nothing saved"
    );

    // Registered meanwhile (at the counter of another till, say): the same query finds it.
    let registered = {
        let registration = form_from_values()
            .check(Some("http://127.0.0.1:9/notify"))
            .expect("a good form");
        let gateway = common::gateway(&world.sandbox, cashier::gateway::Provider::Qht);
        world
            .runtime
            .block_on(async { gateway.as_qht().expect("qht").onboard(&registration).await })
            .expect("registered")
    };
    world.harness.get_by_label("查询进件状态").click();
    world.wait_for("确认新的收款商户");
    world.wait_for(&format!("商户号：{}", registered.merchant_no));
    world.wait_for(&format!("返回自：{}", world.sandbox.base_url()));
    // Discarded, nothing is saved; asked again and confirmed, it is.
    world.harness.get_by_label("放弃，保留原设置").click();
    world.wait_for("查询进件状态");
    assert!(!world.data_dir.path().join("config.toml").exists());
    world.harness.get_by_label("查询进件状态").click();
    world.wait_for("确认新的收款商户");
    world.harness.get_by_label("确认使用此商户").click();
    world.wait_for("进件成功：商户号");
    world.wait_for("支付平台回复：Success");
    let (merchant_id, key) = saved_merchant(&world);
    assert_eq!(merchant_id, registered.merchant_no);
    assert_eq!(key, registered.md5_key.expose());
}

/// `FORM` as the library's form.
fn form_from_values() -> cashier::gateway::qht::onboarding_form::OnboardingForm {
    let values: Vec<String> = FORM.iter().map(|&v| v.to_owned()).collect();
    cashier::gateway::qht::onboarding_form::OnboardingForm::from_values(&values)
}

#[test]
fn onboarding_without_the_gateways_address_is_refused_before_anything_is_sent() {
    let mut world = on_the_onboarding_screen_at(false);
    set_field(&mut world, Role::TextInput, 1, FORM[1]);
    set_field(&mut world, Role::TextInput, 2, FORM[2]);
    world.harness.get_by_label("查询进件状态").click();
    // qht's own example, not changpay's, and nothing about orders or the network.
    world.wait_for(
        "设置项「接口地址」(gateway.base_url) 无效：未填写；只写协议、主机和端口，例如 http://api.qhtpay.com.cn:18084",
    );
    assert!(!world.data_dir.path().join("config.toml").exists());
}

/// Issue 21, item 7: the language is chosen on the first-run screen too, and remembered: the
/// choice is written beside the ledger and the next start of the window reads it (it was
/// forgotten at every restart).
#[test]
fn the_language_is_chosen_at_first_run_and_remembered() {
    let mut world = first_run_with_till("K3");
    world.harness.get_by_label("English").click();
    world.wait_for("Welcome to the cashier");
    let file = world.data_dir.path().join("language");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while std::fs::read_to_string(&file).ok().as_deref() != Some("en") {
        assert!(std::time::Instant::now() < deadline, "the choice is kept");
        world.harness.step();
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let paths = cashier::app::setup::Paths {
        config: None,
        data_dir: world.data_dir.path().join("next-start"),
        sandbox_port: 0,
        keyring: false,
    };
    std::fs::create_dir_all(&paths.data_dir).expect("dir");
    std::fs::copy(&file, paths.language_file()).expect("copied");
    let setup = world
        .runtime
        .block_on(cashier::app::setup::start_window(&paths))
        .expect("starts");
    assert_eq!(setup.resources.language, Some(cashier::i18n::Lang::En));
}
