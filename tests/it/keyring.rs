//! The merchant key in a real keyring: gnome-keyring's Secret Service on a private D-Bus session
//! bus, as on a till's desktop. Onboarding puts the key there and the config file holds none; the
//! next sale is signed with the key read back from the keyring; with the keyring gone the sale is
//! refused with a clear message. Where no keyring answers (every other test: no bus) the key stays
//! in the owner-only file.

use crate::common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::onboarding_form::form_toml;
use common::{NO_BUS, cashier_in, cashier_on_bus};

/// A private session bus with gnome-keyring's Secret Service on it, its login keyring unlocked;
/// both daemons die with it.
struct Keyring {
    bus: Child,
    daemon: Child,
    address: String,
    _home: tempfile::TempDir,
}

impl Keyring {
    fn start() -> Keyring {
        let home = tempfile::tempdir().expect("keyring home");
        let address = format!("unix:path={}", home.path().join("bus").display());
        let bus = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--address", &address])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon (apt-get install dbus-daemon)");
        wait_for(|| home.path().join("bus").exists(), "the session bus");
        let mut daemon = Command::new("gnome-keyring-daemon")
            .args(["--foreground", "--unlock", "--components=secrets"])
            .env("DBUS_SESSION_BUS_ADDRESS", &address)
            .env("HOME", home.path())
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("XDG_RUNTIME_DIR", home.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("gnome-keyring-daemon (apt-get install gnome-keyring)");
        // The login keyring's password, then end of input: it is created and unlocked.
        std::io::Write::write_all(
            &mut daemon.stdin.take().expect("stdin"),
            b"till-login-password",
        )
        .expect("password");
        let keyring = Keyring {
            bus,
            daemon,
            address,
            _home: home,
        };
        wait_for(|| keyring.serves_secrets(), "the Secret Service");
        keyring
    }

    /// Whether the Secret Service's name is owned on the bus.
    fn serves_secrets(&self) -> bool {
        let Ok(builder) = zbus::blocking::connection::Builder::address(self.address.as_str())
        else {
            return false;
        };
        let Ok(connection) = builder.build() else {
            return false;
        };
        let Ok(bus) = zbus::blocking::fdo::DBusProxy::new(&connection) else {
            return false;
        };
        bus.name_has_owner("org.freedesktop.secrets".try_into().expect("a bus name"))
            .unwrap_or(false)
    }
}

impl Drop for Keyring {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
        let _ = self.bus.kill();
        let _ = self.bus.wait();
    }
}

fn wait_for(ready: impl Fn() -> bool, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !ready() {
        assert!(Instant::now() < deadline, "{what} did not come up");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn text(output: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A till in `dir` whose config names the qht gateway at `base_url` and no merchant yet (its QR
/// shown for a second: a sale's command ends soon after the code is printed).
fn till_to_onboard(dir: &Path, base_url: &str) {
    std::fs::write(
        dir.join("config.toml"),
        format!(
            "[gateway]\nprovider = \"qht\"\nbase_url = \"{base_url}\"\n\n[payment]\nqr_expiry_secs = 1\n"
        ),
    )
    .expect("config");
    std::fs::write(dir.join("form.toml"), form_toml()).expect("form");
}

fn onboard_args(dir: &Path) -> Vec<String> {
    vec![
        "qht-onboard".into(),
        "--form".into(),
        dir.join("form.toml").display().to_string(),
        "--json".into(),
    ]
}

/// A sandbox gateway, a private keyring, and a till whose config names the sandbox's qht gateway
/// and no merchant yet.
struct Scene {
    sandbox: cashier::sandbox::Sandbox,
    keyring: Keyring,
    till: tempfile::TempDir,
    /// Runs the sandbox; dropped last.
    _runtime: tokio::runtime::Runtime,
}

impl Scene {
    fn new() -> Scene {
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        let sandbox = runtime.block_on(common::sandbox());
        let keyring = Keyring::start();
        let till = tempfile::tempdir().expect("till");
        till_to_onboard(till.path(), &sandbox.base_url());
        Scene {
            sandbox,
            keyring,
            till,
            _runtime: runtime,
        }
    }
}

#[test]
fn a_key_onboarded_on_a_desktop_lives_in_the_keyring_and_signs_the_next_sale() {
    let scene = Scene::new();
    let (sandbox, keyring, till) = (&scene.sandbox, &scene.keyring, &scene.till);
    let args = onboard_args(till.path());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();

    let onboarded = cashier_on_bus(till.path(), &args, &keyring.address);
    assert!(onboarded.status.success(), "{}", text(&onboarded));
    let line: serde_json::Value = serde_json::from_slice(&onboarded.stdout).expect("json");
    assert_eq!(line["key_saved_to"], "keyring", "{line}");
    let config = std::fs::read_to_string(till.path().join("config.toml")).expect("config");
    assert!(config.contains("key_in = \"keyring\""), "{config}");

    // The same merchant onboarded again on a till with no keyring (进件查询 gives the same key):
    // there the key is in the file, which is how this test learns it.
    let headless = tempfile::tempdir().expect("headless till");
    till_to_onboard(headless.path(), &sandbox.base_url());
    let again = cashier_in(headless.path(), &args);
    assert!(again.status.success(), "{}", text(&again));
    let line: serde_json::Value = serde_json::from_slice(&again.stdout).expect("json");
    assert_ne!(line["key_saved_to"], "keyring");
    let headless_config = cashier::config::Config::load(&headless.path().join("config.toml"))
        .expect("a complete config");
    let key = headless_config
        .gateway
        .expect("gateway")
        .key
        .expose()
        .to_owned();
    assert!(!key.is_empty());
    assert!(
        !config.contains(&key),
        "the desktop till's file holds no key"
    );

    // The next sale on the desktop till is signed with the key read back from the keyring.
    let sale = cashier_on_bus(
        till.path(),
        &["pay", "--method", "alipay-qr", "--amount", "0.01", "--json"],
        &keyring.address,
    );
    assert!(text(&sale).contains("code_url"), "{}", text(&sale));
    for log in std::fs::read_dir(till.path().join("data/logs")).expect("logs") {
        let log = std::fs::read_to_string(log.expect("log").path()).expect("log text");
        assert!(!log.contains(&key), "the key is in the log");
    }

    // The keyring gone (logged out, no desktop): the sale is refused, saying where the key is.
    let refused = cashier_on_bus(
        till.path(),
        &["pay", "--method", "alipay-qr", "--amount", "0.01"],
        NO_BUS,
    );
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));
    assert!(text(&refused).contains("钥匙串"), "{}", text(&refused));
    assert!(!text(&refused).contains(&key));
}

#[test]
fn a_keyring_that_is_off_by_choice_leaves_the_key_in_the_owner_only_file() {
    let scene = Scene::new();
    let (keyring, till) = (&scene.keyring, &scene.till);
    let args = onboard_args(till.path());
    let mut command = Command::new(env!("CARGO_BIN_EXE_cashier"));
    command
        .arg("--config")
        .arg(till.path().join("config.toml"))
        .arg("--data-dir")
        .arg(till.path().join("data"))
        .args(&args)
        .env("DBUS_SESSION_BUS_ADDRESS", &keyring.address)
        .env("CASHIER_KEYRING", "off");
    let onboarded = command.output().expect("cashier runs");
    assert!(onboarded.status.success(), "{}", text(&onboarded));
    let config = cashier::config::Config::load(&till.path().join("config.toml")).expect("config");
    let gateway = config.gateway.expect("gateway");
    assert_eq!(gateway.key_in, cashier::key_store::KeyPlace::File);
    assert!(!gateway.key.is_empty());
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(till.path().join("config.toml"))
            .expect("config")
            .permissions(),
    );
    assert_eq!(mode & 0o777, 0o600);
}
