//! A till that cannot start (kittest): the window opens anyway on why — a till is started from its
//! desktop icon, where no terminal shows an error — and once the cause is fixed, 重试 (Enter)
//! opens the checkout in the same window. A file that others may read is made owner-only by a
//! button; a file that does not parse can be kept aside for a new first run; a second window on
//! one till waits for the first to close.

use std::path::Path;
use std::time::{Duration, Instant};

use cashier::app::setup::Paths;
use cashier::ui::startup::TillWindow;
use cashier::ui::theme;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

/// The window over a start from `dir` (its `config.toml`, its own data), as the binary opens it.
struct Till {
    harness: Harness<'static, TillWindow>,
    config: std::path::PathBuf,
    // Dropped after the harness: the window's worker runs on it.
    _runtime: tokio::runtime::Runtime,
}

impl Till {
    fn start(dir: &Path, data_dir: &Path) -> Till {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let config = dir.join("config.toml");
        let paths = Paths {
            config: Some(config.clone()),
            data_dir: data_dir.to_owned(),
            sandbox_port: 0,
            keyring: false,
        };
        let started = runtime.block_on(cashier::app::setup::start_window(&paths));
        let window = TillWindow::new(runtime.handle().clone(), started, Some(paths));
        let harness = Harness::builder()
            .with_size(egui::vec2(1100.0, 720.0))
            .with_context_setup(theme::install)
            .build_ui_state(
                |ui, window: &mut TillWindow| {
                    window.logic(&ui.ctx().clone());
                    window.ui(ui);
                },
                window,
            );
        Till {
            harness,
            config,
            _runtime: runtime,
        }
    }

    /// Steps frames until `text` shows, or fails with the screen's widgets after 10 s.
    fn wait_for(&mut self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            self.harness.step();
            if self.harness.query_by_label_contains(text).is_some() {
                return;
            }
            if Instant::now() >= deadline {
                self.harness.get_by_label_contains(text);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn press(&mut self, key: egui::Key) {
        self.harness.key_press(key);
        self.harness.run_steps(2);
    }
}

fn write(path: &Path, text: &str, mode: u32) {
    std::fs::write(path, text).expect("written");
    let permissions = std::os::unix::fs::PermissionsExt::from_mode(mode);
    std::fs::set_permissions(path, permissions).expect("chmod");
}

const REAL_MERCHANT: &str = "[gateway]\nprovider = \"qht\"\nbase_url = \"http://127.0.0.1:9\"\n\
    merchant_id = \"M100\"\nkey = \"k3y-never-shown\"\n";

#[test]
fn a_file_that_does_not_parse_is_named_by_line_and_enter_retries_once_it_is_fixed() {
    let dir = tempfile::tempdir().expect("dir");
    write(
        &dir.path().join("config.toml"),
        "[till\nid = \"T3\"\n",
        0o600,
    );
    let mut till = Till::start(dir.path(), dir.path());
    till.wait_for("收银台无法启动");
    till.wait_for("第 1 行");
    till.wait_for(&till.config.display().to_string());
    assert!(!till.harness.state().is_running());

    // Enter while it is still broken: still the problem, nothing else.
    till.press(egui::Key::Enter);
    till.wait_for("重试 (Enter)");
    assert!(!till.harness.state().is_running());

    write(&till.config, "[till]\nid = \"T3\"\n", 0o600);
    till.press(egui::Key::Enter);
    till.wait_for("收款金额");
    assert!(till.harness.state().is_running());
    assert!(
        till.harness
            .query_by_label_contains("收银台无法启动")
            .is_none()
    );
}

#[test]
fn a_key_file_others_can_read_is_made_owner_only_by_a_button_and_the_till_starts() {
    let dir = tempfile::tempdir().expect("dir");
    let config = dir.path().join("config.toml");
    write(&config, REAL_MERCHANT, 0o644);
    let mut till = Till::start(dir.path(), dir.path());
    till.wait_for("其他用户也能读取");
    assert!(
        till.harness
            .query_by_label_contains("k3y-never-shown")
            .is_none(),
        "the key is never on screen"
    );
    till.harness.get_by_label("设为仅本人可读并重试").click();
    till.wait_for("收款金额");
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(&config).expect("config").permissions(),
    );
    assert_eq!(mode & 0o777, 0o600);
    assert!(till.harness.state().is_running());
}

#[test]
fn a_broken_file_kept_aside_leads_to_a_new_first_run_and_is_never_deleted() {
    let dir = tempfile::tempdir().expect("dir");
    // Malformed (an unclosed table) after a [till] whose id the till keeps.
    let broken = format!("{REAL_MERCHANT}[till]\nid = \"K7\"\n[payment\n");
    write(&dir.path().join("config.toml"), &broken, 0o600);
    let mut till = Till::start(dir.path(), dir.path());
    till.wait_for("第 8 行");
    till.harness.get_by_label("另存旧配置，重新设置").click();
    till.wait_for("欢迎使用收银台");
    till.wait_for("原配置文件已另存为");
    let kept: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|entry| {
            entry
                .file_name()
                .to_string_lossy()
                .starts_with("config.toml.broken-")
        })
        .collect();
    assert_eq!(kept.len(), 1, "one copy kept aside");
    let text = std::fs::read_to_string(kept[0].path()).expect("kept");
    assert_eq!(text, broken, "kept as it was, key and all");

    // The first run saves where the broken file was, with the till's own id (issue 21: it
    // was reset to T01).
    till.press(egui::Key::Enter);
    till.wait_for("收款金额");
    // The worker writes it (never the window's thread): step frames until it is there.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while !till.config.exists() && std::time::Instant::now() < deadline {
        till.harness.step();
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let saved = std::fs::read_to_string(&till.config).expect("a new config");
    assert!(saved.contains("id = \"K7\""), "{saved}");
}

/// Types `pin` into the (only) PIN field.
fn type_pin(till: &mut Till, pin: &str) {
    let field = || {
        till.harness
            .get_by_role(egui::accesskit::Role::PasswordInput)
    };
    field().focus();
    till.harness.run_steps(1);
    till.harness
        .get_by_role(egui::accesskit::Role::PasswordInput)
        .type_text(pin);
    till.harness.run_steps(1);
}

#[test]
fn a_broken_file_with_an_owner_pin_is_kept_aside_only_with_that_pin() {
    let dir = tempfile::tempdir().expect("dir");
    let hash = cashier::owner_pin::hash("2468").expect("hash");
    let broken = format!("{REAL_MERCHANT}[owner]\npin_hash = \"{hash}\"\n[payment\n");
    let path = dir.path().join("config.toml");
    write(&path, &broken, 0o600);
    let mut till = Till::start(dir.path(), dir.path());
    till.wait_for("店主密码（原配置设有时需要）");
    // No PIN, then a wrong one: the file stays where it is, and the screen says why.
    till.harness.get_by_label("另存旧配置，重新设置").click();
    till.wait_for("原配置设有店主密码：密码错误，还可再试 4 次");
    type_pin(&mut till, "1357");
    till.harness.get_by_label("另存旧配置，重新设置").click();
    till.wait_for("还可再试 3 次");
    assert_eq!(std::fs::read_to_string(&path).expect("still there"), broken);
    type_pin(&mut till, "2468");
    till.harness.get_by_label("另存旧配置，重新设置").click();
    till.wait_for("欢迎使用收银台");
    assert!(!path.exists(), "set aside");
}

#[test]
fn a_ledger_that_cannot_open_is_retried_once_the_data_folder_is_usable() {
    let dir = tempfile::tempdir().expect("dir");
    write(&dir.path().join("config.toml"), "", 0o600);
    // The data folder is a file: no ledger can be made in it.
    let data_dir = dir.path().join("data");
    std::fs::write(&data_dir, "not a folder").expect("written");
    let mut till = Till::start(dir.path(), &data_dir);
    till.wait_for("收银台无法启动");
    assert!(
        till.harness
            .query_by_label("另存旧配置，重新设置")
            .is_none(),
        "the config is fine: nothing to keep aside"
    );
    std::fs::remove_file(&data_dir).expect("removed");
    till.press(egui::Key::Enter);
    till.wait_for("收款金额");
    let ledger = Paths {
        config: None,
        data_dir,
        sandbox_port: 0,
        keyring: false,
    }
    .ledger_file(true);
    assert!(ledger.exists(), "{} made on the retry", ledger.display());
}

#[test]
fn a_second_window_on_one_till_says_the_first_is_open_and_starts_once_it_closes() {
    let dir = tempfile::tempdir().expect("dir");
    write(&dir.path().join("config.toml"), "", 0o600);
    // The first window's hold on the till's data (another process's, in life).
    let first = cashier::window_lock::WindowLock::take(dir.path()).expect("free");
    let mut till = Till::start(dir.path(), dir.path());
    till.wait_for("收银台已经打开");
    till.press(egui::Key::Enter);
    till.wait_for("重试 (Enter)");
    assert!(!till.harness.state().is_running(), "still one window");
    drop(first);
    till.press(egui::Key::Enter);
    till.wait_for("收款金额");
    assert_eq!(
        cashier::window_lock::WindowLock::take(dir.path()).err(),
        Some(cashier::window_lock::AlreadyOpen),
        "the running window holds the till"
    );
}
