//! Logs a person can send: a real merchant's sale leaves lines in the daily log, and
//! `cashier diagnostics` packs the logs, the config without its key, the version and the ledger's
//! counts into one zip — in which the merchant key appears nowhere, nor in the logs themselves.

use crate::common;

use common::cashier_in;

use std::io::Read;
use std::path::Path;
use std::process::Command;

const CASHIER: &str = env!("CARGO_BIN_EXE_cashier");

fn entries(zip_path: &Path) -> Vec<(String, String)> {
    let file = std::fs::File::open(zip_path).expect("zip");
    let mut zip = zip::ZipArchive::new(file).expect("a zip");
    (0..zip.len())
        .map(|i| {
            let mut entry = zip.by_index(i).expect("entry");
            let mut text = String::new();
            entry.read_to_string(&mut text).expect("text");
            (entry.name().expect("name").into_owned(), text)
        })
        .collect()
}

#[test]
fn the_diagnostics_zip_has_the_logs_and_never_the_key() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let sandbox = runtime.block_on(common::sandbox());
    let dir = tempfile::tempdir().expect("temp dir");
    let key = cashier::sandbox::QHT_KEY;
    let config = format!(
        "[gateway]\nprovider = \"qht\"\nbase_url = \"{}\"\nmerchant_id = \"{}\"\nkey = \"{key}\"\n\n\
         [payment]\nqr_expiry_secs = 1\n\n\
         [store]\nurl = \"postgres://till:pg-pass-9876@127.0.0.1:1/shop\"\n",
        sandbox.base_url(),
        cashier::sandbox::QHT_MERCHANT_NO,
    );
    common::write_private(&dir.path().join("config.toml"), &config);

    let sale = cashier_in(
        dir.path(),
        &["pay", "--method", "alipay-qr", "--amount", "1.00", "--json"],
    );
    assert!(sale.status.code().is_some(), "the sale ran");
    let cash = cashier_in(dir.path(), &["pay", "--method", "cash", "--amount", "2.50"]);
    assert!(
        cash.status.success(),
        "{}",
        String::from_utf8_lossy(&cash.stderr)
    );

    let out = dir.path().join("support");
    let written = cashier_in(
        dir.path(),
        &["diagnostics", "--out", out.to_str().expect("utf-8")],
    );
    assert!(
        written.status.success(),
        "{}",
        String::from_utf8_lossy(&written.stderr)
    );
    let zip_path = String::from_utf8_lossy(&written.stdout).trim().to_owned();
    assert!(
        Path::new(&zip_path)
            .extension()
            .is_some_and(|ext| ext == "zip"),
        "{zip_path}"
    );
    let entries = entries(Path::new(&zip_path));
    let names: Vec<&str> = entries.iter().map(|(name, _)| name.as_str()).collect();
    for expected in ["version.txt", "config.toml", "ledger.txt"] {
        assert!(names.contains(&expected), "{names:?}");
    }
    let text = |name: &str| {
        entries
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, text)| text.clone())
            .expect("entry")
    };
    assert!(text("version.txt").contains(env!("CARGO_PKG_VERSION")));
    assert!(text("config.toml").contains("已移除"));
    assert!(text("config.toml").contains("postgres://till:******@127.0.0.1:1/shop"));
    assert!(
        text("ledger.txt").contains("orders paid: 1"),
        "{}",
        text("ledger.txt")
    );
    let logs: Vec<&(String, String)> = entries
        .iter()
        .filter(|(n, _)| n.starts_with("logs/"))
        .collect();
    assert!(!logs.is_empty(), "{names:?}");
    let all_logs: String = logs.iter().map(|(_, text)| text.as_str()).collect();
    assert!(all_logs.contains("payment ended"), "{all_logs}");
    assert!(all_logs.contains("cash sale"), "{all_logs}");

    // The key and the store's password: nowhere in the zip, nowhere in the logs on disk.
    for (name, text) in &entries {
        assert!(!text.contains(key), "the key is in {name}");
        assert!(
            !text.contains("pg-pass-9876"),
            "the store password is in {name}"
        );
    }
    for log in std::fs::read_dir(dir.path().join("data/logs")).expect("logs") {
        let text = std::fs::read_to_string(log.expect("entry").path()).expect("log");
        assert!(!text.contains(key) && !text.contains("pg-pass-9876"));
    }
}

#[test]
fn version_names_the_build() {
    let output = Command::new(CASHIER)
        .arg("--version")
        .output()
        .expect("runs");
    let line = String::from_utf8_lossy(&output.stdout);
    assert!(
        line.starts_with(&format!("cashier {} (", env!("CARGO_PKG_VERSION"))),
        "{line}"
    );
    let rev = line
        .trim()
        .trim_end_matches(')')
        .rsplit('(')
        .next()
        .expect("rev");
    assert!(!rev.is_empty(), "{line}");
}

/// Issue 23, item 7: the zip masks a store password in every form PostgreSQL takes (a URL, and
/// key=value words quoted or not), the user info of any URL (a gateway base URL with `user:pass@`),
/// the parked merchant's key and the owner PIN's hash; it is written owner-only.
#[test]
fn the_diagnostics_zip_masks_every_password_form_and_is_owner_only() {
    let dir = tempfile::tempdir().expect("temp dir");
    let logs = dir.path().join("logs");
    std::fs::create_dir_all(&logs).expect("logs");
    std::fs::write(
        logs.join("cashier.2026-12-05.log"),
        "connecting with password='kv pass 1234' and bu-pass-5678 and parked-key-0042\n",
    )
    .expect("a log");
    let gateway = |base_url: &str, key: &str| {
        let mut gateway =
            cashier::config::GatewayConfig::sandbox(cashier::gateway::Provider::Qht, base_url);
        gateway.key = cashier::secret::Secret::new(key);
        gateway
    };
    let config = cashier::config::Config {
        gateway: Some(gateway(
            "https://owner:bu-pass-5678@pay.example.com:8443",
            "live-key-0001",
        )),
        parked_gateway: Some(gateway("https://pay.example.com", "parked-key-0042")),
        store: Some(cashier::store::StoreConfig {
            url: cashier::secret::Secret::new(
                "host=10.0.0.5 user=till password='kv pass 1234' dbname=shop",
            ),
        }),
        owner: Some(cashier::config::OwnerConfig {
            pin_hash: cashier::owner_pin::hash("2468").expect("hash"),
        }),
        ..cashier::config::Config::default()
    };
    let facts = cashier::app::diagnostics::Facts {
        orders_by_status: Vec::new(),
        shifts: 0,
        slips_waiting: 0,
        sandbox: false,
    };
    let out = dir.path().join("out");
    let zip = cashier::app::diagnostics::write(&out, &config, &logs, &facts).expect("written");
    let entries = entries(&zip);
    for (name, text) in &entries {
        for secret in [
            "kv pass 1234",
            "bu-pass-5678",
            "live-key-0001",
            "parked-key-0042",
            "$argon2id$",
        ] {
            assert!(!text.contains(secret), "{secret} is in {name}: {text}");
        }
    }
    let config_text = &entries
        .iter()
        .find(|(name, _)| name == "config.toml")
        .expect("config")
        .1;
    assert!(
        config_text.contains("host=10.0.0.5 user=till password=****** dbname=shop"),
        "{config_text}"
    );
    assert!(
        config_text.contains("https://owner:******@pay.example.com:8443"),
        "{config_text}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&zip).expect("meta").permissions().mode();
        assert_eq!(mode & 0o077, 0, "owner-only: {mode:o}");
    }
}
