//! `cashier qht-onboard --form FILE.toml`: a new qht merchant from a flat form keyed by the spec's
//! field names, against the sandbox's real onboarding endpoints. The config starts with only the
//! gateway's provider and address; afterwards it holds the merchant number and key (0600) and the
//! next sale is signed with that key. The key is printed nowhere. A form with a missing or
//! malformed field is refused before anything is sent.

use crate::common;

use common::cashier_in;
use common::onboarding_form::form_toml;

use std::path::Path;
use std::process::Output;

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn onboard(dir: &Path, form: &str) -> Output {
    std::fs::write(dir.join("form.toml"), form).expect("form");
    let form_path = dir.join("form.toml");
    cashier_in(
        dir,
        &[
            "qht-onboard",
            "--form",
            form_path.to_str().expect("utf-8"),
            "--json",
        ],
    )
}

#[test]
fn a_form_registers_a_merchant_whose_key_lands_only_in_the_config() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let sandbox = runtime.block_on(common::sandbox());
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[gateway]\nprovider = \"qht\"\nbase_url = \"{}\"\nnotify_url = \"http://127.0.0.1:8089/notify\"\n\n\
             [payment]\nqr_expiry_secs = 1\n",
            sandbox.base_url()
        ),
    )
    .expect("config");

    // Before: the config has no merchant, so a sale is refused with a pointer to onboarding.
    let before = cashier_in(
        dir.path(),
        &["pay", "--method", "alipay-qr", "--amount", "1"],
    );
    assert_eq!(before.status.code(), Some(2));
    assert!(text(&before).contains("qht-onboard"), "{}", text(&before));

    let registered = onboard(dir.path(), &form_toml());
    assert!(registered.status.success(), "{}", text(&registered));
    let line: serde_json::Value =
        serde_json::from_slice(&registered.stdout).expect("one JSON object");
    assert_eq!(line["status"], "registered");
    let merchant_no = line["merchant_no"]
        .as_str()
        .expect("merchant number")
        .to_owned();
    let saved = cashier::config::Config::load(&config).expect("a complete config now");
    let gateway = saved.gateway.expect("gateway");
    assert_eq!(gateway.merchant_id, merchant_no);
    let key = gateway.key.expose().to_owned();
    assert!(!key.is_empty());
    assert!(
        !text(&registered).contains(&key),
        "the key is printed nowhere"
    );
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(&config).expect("config").permissions(),
    );
    assert_eq!(mode & 0o777, 0o600);

    // The next sale is signed with the new key and the sandbox accepts it.
    let sale = cashier_in(
        dir.path(),
        &["pay", "--method", "alipay-qr", "--amount", "1", "--json"],
    );
    assert!(text(&sale).contains("code_url"), "{}", text(&sale));

    // Run again (say the key was lost): 进件查询 finds the same merchant and key.
    let again = onboard(dir.path(), &form_toml());
    assert!(again.status.success(), "{}", text(&again));
    let line: serde_json::Value = serde_json::from_slice(&again.stdout).expect("json");
    assert_eq!(line["merchant_no"], merchant_no.as_str());
    for log in std::fs::read_dir(dir.path().join("data/logs")).expect("logs") {
        let log = std::fs::read_to_string(log.expect("log").path()).expect("text");
        assert!(!log.contains(&key), "the key is in the log");
    }
}

#[test]
fn an_unclear_answer_says_the_merchant_may_be_registered_and_sending_again_is_safe() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let sandbox = runtime.block_on(common::sandbox());
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("config.toml");
    let config_text = format!(
        "[gateway]\nprovider = \"qht\"\nbase_url = \"{}\"\nnotify_url = \"http://127.0.0.1:8089/notify\"\n",
        sandbox.base_url()
    );
    std::fs::write(&config, &config_text).expect("config");

    // The gateway registers the merchant, then answers with a web page.
    sandbox.inject(cashier::sandbox::Fault::Html, 1);
    let unclear = onboard(dir.path(), &form_toml());
    assert_eq!(unclear.status.code(), Some(1), "{}", text(&unclear));
    assert!(
        text(&unclear).contains("进件可能已经提交"),
        "{}",
        text(&unclear)
    );
    assert!(
        !text(&unclear).contains("订单"),
        "no order talk: {}",
        text(&unclear)
    );
    assert_eq!(
        std::fs::read_to_string(&config).expect("config"),
        config_text,
        "nothing saved"
    );

    // Sent again, as the message says: the same merchant comes back (进件查询), not a second one.
    let again = onboard(dir.path(), &form_toml());
    assert!(again.status.success(), "{}", text(&again));
    let line: serde_json::Value = serde_json::from_slice(&again.stdout).expect("json");
    let merchant_no = line["merchant_no"].as_str().unwrap_or_default();
    assert!(merchant_no.starts_with("QHTM"), "{line}");
    let saved = cashier::config::Config::load(&config).expect("a complete config now");
    assert_eq!(saved.gateway.expect("gateway").merchant_id, merchant_no);

    // A gateway nobody answers at: nothing was sent, and it is said so.
    std::fs::write(
        &config,
        "[gateway]\nprovider = \"qht\"\nbase_url = \"http://127.0.0.1:1\"\nnotify_url = \"http://127.0.0.1:8089/notify\"\n",
    )
    .expect("config");
    let dead = onboard(dir.path(), &form_toml());
    assert_eq!(dead.status.code(), Some(1), "{}", text(&dead));
    assert!(text(&dead).contains("进件未发出"), "{}", text(&dead));
}

#[test]
fn a_bad_form_is_refused_before_anything_is_sent() {
    let dir = tempfile::tempdir().expect("temp dir");
    // Nothing listens there: a form that were sent would fail as unreachable (1), not as bad (2).
    std::fs::write(
        dir.path().join("config.toml"),
        "[gateway]\nprovider = \"qht\"\nbase_url = \"http://127.0.0.1:1\"\n",
    )
    .expect("config");
    for (from, to, says) in [
        ("branch = \"蕉岭支行\"\n", "", "branch"),
        ("110101199003074514", "110101199003074515", "id_card"),
        (
            "cellphone = \"13800138000\"",
            "cellphone = \"1380013800\"",
            "cellphone",
        ),
        (
            "bank_account = \"6217000010012345678\"",
            "bank_account = \"62170000\"",
            "bank_account",
        ),
        (
            "city_code = \"441400\"",
            "city_code = \"4414\"",
            "city_code",
        ),
        (
            "account_name = \"张三\"",
            "account_name = \"\"",
            "account_name",
        ),
        (
            "bank = \"中国工商银行\"",
            "bank = \"中国工商银行\"\ncolour = \"red\"",
            "colour",
        ),
    ] {
        let form = form_toml().replacen(from, to, 1);
        assert_ne!(form, form_toml(), "{from}");
        let refused = onboard(dir.path(), &form);
        assert_eq!(refused.status.code(), Some(2), "{from}: {}", text(&refused));
        assert!(text(&refused).contains(says), "{from}: {}", text(&refused));
        assert!(
            !text(&refused).contains("110101199003074514"),
            "no ID number echoed"
        );
    }
    // A changpay config is refused: onboarding is qht's.
    std::fs::write(
        dir.path().join("config.toml"),
        "[gateway]\nprovider = \"changpay\"\nbase_url = \"http://127.0.0.1:1\"\n",
    )
    .expect("config");
    let changpay = onboard(dir.path(), &form_toml());
    assert_eq!(changpay.status.code(), Some(2));
}

/// Issue 23, item 6: 进件 carries the owner's phone, ID and card numbers and is signed with the
/// spec's public key, so only TLS says who answers. To a gateway address on plain http that is
/// not this machine it is refused before anything is sent (exit 2, in both languages), and the
/// config stays as it was. (192.0.2.1 is TEST-NET: were it sent, it would fail as unreachable.)
#[test]
fn onboarding_to_a_plain_http_gateway_elsewhere_is_refused_before_sending() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = "[gateway]\nprovider = \"qht\"\nbase_url = \"http://192.0.2.1:18084\"\n";
    std::fs::write(dir.path().join("config.toml"), config).expect("config");
    let started = std::time::Instant::now();
    let refused = onboard(dir.path(), &form_toml());
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));
    assert!(text(&refused).contains("https://"), "{}", text(&refused));
    assert!(
        text(&refused).contains("must start with https://"),
        "{}",
        text(&refused)
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(3),
        "refused before any connection was tried"
    );
    assert!(
        !text(&refused).contains("110101199003074514"),
        "no ID number echoed"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("config.toml")).expect("config"),
        config,
        "the config is untouched"
    );
}

#[test]
fn a_returned_merchant_replaces_another_only_when_the_owner_says_replace() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let sandbox = runtime.block_on(common::sandbox());
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("config.toml");
    let before = format!(
        "[gateway]\nprovider = \"qht\"\nbase_url = \"{}\"\nmerchant_id = \"QHTM_SHOP\"\n\
         key = \"the-shops-own-key\"\nnotify_url = \"http://127.0.0.1:8089/notify\"\n",
        sandbox.base_url()
    );
    std::fs::write(&config, &before).expect("config");
    #[cfg(unix)]
    std::fs::set_permissions(&config, std::os::unix::fs::PermissionsExt::from_mode(0o600))
        .expect("owner-only");

    let refused = onboard(dir.path(), &form_toml());
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused));
    let line: serde_json::Value = serde_json::from_slice(&refused.stdout).expect("json");
    assert_eq!(line["status"], "error");
    let said = line["error"].as_str().expect("said");
    assert!(
        said.contains("QHTM_SHOP") && said.contains("--replace"),
        "{said}"
    );
    assert_eq!(
        std::fs::read_to_string(&config).expect("config"),
        before,
        "the config is untouched"
    );

    std::fs::write(dir.path().join("form.toml"), form_toml()).expect("form");
    let form_path = dir.path().join("form.toml");
    let replaced = cashier_in(
        dir.path(),
        &[
            "qht-onboard",
            "--form",
            form_path.to_str().expect("utf-8"),
            "--replace",
            "--json",
        ],
    );
    assert!(replaced.status.success(), "{}", text(&replaced));
    let saved = cashier::config::Config::load(&config).expect("complete");
    assert_ne!(saved.gateway.expect("gateway").merchant_id, "QHTM_SHOP");
    // The config it replaced is kept beside it.
    let backups: Vec<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            name.starts_with("config.toml.").then_some(name)
        })
        .collect();
    let kept = backups.iter().any(|name| {
        std::fs::read_to_string(dir.path().join(name)).is_ok_and(|text| text.contains("QHTM_SHOP"))
    });
    assert!(kept, "no backup holds the old merchant: {backups:?}");
}
