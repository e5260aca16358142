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
