//! `cashier pay` refusing bad input: every refusal prints one JSON line with its reason under
//! `--json` (as a bad auth code always did), exits 2, and names the gateway's own limit.

const CASHIER: &str = env!("CARGO_BIN_EXE_cashier");

fn pay(args: &[&str]) -> (Option<i32>, Vec<serde_json::Value>, String) {
    cashier(&[&["pay"], args].concat())
}

#[test]
fn every_refusal_prints_one_json_line_with_its_reason() {
    for (amount, auth_code, reason) in [
        ("abc", None, "金额格式不正确"),
        ("0", None, "金额"),
        ("1.234", None, "两位小数"),
        ("1000000000000", None, "¥99999.99"),
        ("100000", None, "¥99999.99"),
        ("5", Some("HELLO"), "付款码无效"),
    ] {
        let method = if auth_code.is_some() {
            "wechat-barcode"
        } else {
            "alipay-qr"
        };
        let mut args = vec!["--method", method, "--amount", amount, "--json"];
        if let Some(code) = auth_code {
            args.extend(["--auth-code", code]);
        }
        let (code, lines, stderr) = pay(&args);
        assert_eq!(code, Some(2), "{amount}: {stderr}");
        assert_eq!(lines.len(), 1, "{amount}: one line, got {lines:?}");
        assert_eq!(lines[0]["status"], "invalid");
        let error = lines[0]["error"].as_str().unwrap_or_default();
        assert!(error.contains(reason), "{amount}: {error}");
        assert!(
            !stderr.contains("999999999999"),
            "{amount}: the gateway's limit, not the parser's: {stderr}"
        );
    }
    let (code, lines, _) = pay(&["--method", "paypal", "--amount", "1", "--json"]);
    assert_eq!(code, Some(2));
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["status"], "invalid");
}

/// Issue 20, item 8: a reader that closes the pipe (`cashier pay … | head -1`) is not an error of
/// the sale: the sale ends paid, exit 0, no panic (before: exit 101 after the sale was paid).
#[test]
fn a_closed_pipe_never_turns_a_paid_sale_into_a_crash() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut child = std::process::Command::new(CASHIER)
        .args(["--sandbox-port", "0", "--data-dir"])
        .arg(dir.path())
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .args(["pay", "--method", "cash", "--amount", "3", "--json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("ends");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Issue 20, item 8: a config that is not a regular file is refused with a reason, at once:
/// a symlink to `/dev/zero` grew the process to 22.8 GB, and a FIFO hung it.
#[cfg(unix)]
#[test]
fn a_config_that_is_no_regular_file_is_refused_at_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let zero = dir.path().join("zero.toml");
    std::os::unix::fs::symlink("/dev/zero", &zero).expect("symlink");
    let fifo = dir.path().join("fifo.toml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    for config in [zero, fifo] {
        let mut child = std::process::Command::new(CASHIER)
            .arg("--config")
            .arg(&config)
            .arg("--data-dir")
            .arg(dir.path().join("data"))
            .args(["history", "--json"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("runs");
        let started = std::time::Instant::now();
        while child.try_wait().expect("waits").is_none() {
            if started.elapsed() > std::time::Duration::from_secs(20) {
                let _ = child.kill();
                panic!("{}: still running after 20 s", config.display());
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let output = child.wait_with_output().expect("ends");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{}: {stderr}",
            config.display()
        );
        assert!(stderr.contains("不是普通文件"), "{stderr}");
    }
}

/// Issue 20, item 8: a data dir this user cannot write (another user's till, a read-only mount)
/// still shows the day and writes diagnostics elsewhere: the ledger is opened read-only. Before,
/// both failed with "attempt to write a readonly database". As root (CI), the reader runs as
/// `nobody`, since root writes anywhere.
#[cfg(unix)]
#[test]
fn a_data_dir_that_cannot_be_written_still_shows_history_and_diagnostics() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let sale = std::process::Command::new(CASHIER)
        .args(["--sandbox-port", "0", "--data-dir"])
        .arg(&data)
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .args(["pay", "--method", "cash", "--amount", "3.30", "--json"])
        .output()
        .expect("runs");
    assert!(sale.status.success());
    let out = dir.path().join("out");
    std::fs::create_dir(&out).expect("out");
    let is_root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    let mode = |path: &std::path::Path, mode| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
    };
    mode(dir.path(), 0o755);
    mode(&out, 0o777);
    for entry in std::fs::read_dir(&data).expect("data") {
        let path = entry.expect("entry").path();
        mode(&path, if path.is_dir() { 0o555 } else { 0o444 });
    }
    mode(&data, 0o555);
    // A copy `nobody` can run wherever the checkout is (CI's folder may be closed to others).
    let binary = dir.path().join("cashier");
    std::fs::copy(CASHIER, &binary).expect("copied");
    mode(&binary, 0o755);
    let reader = |args: &[&str]| {
        let mut command = if is_root {
            let mut command = std::process::Command::new("runuser");
            command.args(["-u", "nobody", "--"]).arg(&binary);
            command
        } else {
            std::process::Command::new(CASHIER)
        };
        command
            .args(["--sandbox-port", "0", "--data-dir"])
            .arg(&data)
            .env("HOME", dir.path())
            .env("XDG_CONFIG_HOME", dir.path().join("config"))
            .args(args)
            .output()
            .expect("runs")
    };
    let history = reader(&["history"]);
    let stdout = String::from_utf8_lossy(&history.stdout);
    assert!(
        history.status.success(),
        "{}",
        String::from_utf8_lossy(&history.stderr)
    );
    assert!(stdout.contains("¥3.30"), "{stdout}");
    let out_arg = out.to_string_lossy().into_owned();
    let diagnostics = reader(&["diagnostics", "--out", &out_arg]);
    assert!(
        diagnostics.status.success(),
        "{}",
        String::from_utf8_lossy(&diagnostics.stderr)
    );
    assert_eq!(std::fs::read_dir(&out).expect("out").count(), 1, "the zip");
    mode(&data, 0o755);
}

/// `cashier ARGS` on a fresh data dir (the sandbox): exit status, stdout's JSON lines, stderr.
fn cashier(args: &[&str]) -> (Option<i32>, Vec<serde_json::Value>, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = std::process::Command::new(CASHIER)
        .args(["--sandbox-port", "0", "--data-dir"])
        .arg(dir.path())
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .args(args)
        .output()
        .expect("runs");
    let lines = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("each stdout line is JSON"))
        .collect();
    (
        output.status.code(),
        lines,
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Issue 22, item 3: every command fails the one way (`cli::said::fail`): its words in both
/// languages on stderr, and under `--json` one JSON line on stdout saying the same in each
/// language, with the exit status of its kind. Before, `query`, `history` and `sync` printed
/// Chinese only (or a hand-made pair) and nothing on stdout.
#[test]
fn every_command_fails_the_one_way_in_both_languages() {
    for (args, status, kind, zh, en) in [
        (
            &["query", "T01NOSUCHORDER", "--json"][..],
            2,
            "invalid",
            "账本中没有订单",
            "no order T01NOSUCHORDER in the ledger",
        ),
        (
            &["history", "--date", "12/05", "--json"][..],
            2,
            "invalid",
            "日期格式应为",
            "the date must be YYYY-MM-DD",
        ),
        (
            &["sync", "--json"][..],
            2,
            "invalid",
            "沙箱模式的模拟订单不同步",
            "sandbox orders are never pushed",
        ),
        (
            &["shift", "close", "--counted", "10", "--json"][..],
            2,
            "invalid",
            "",
            "",
        ),
    ] {
        let (code, lines, stderr) = cashier(args);
        assert_eq!(code, Some(status), "{args:?}: {stderr}");
        assert_eq!(lines.len(), 1, "{args:?}: one JSON line, got {lines:?}");
        assert_eq!(lines[0]["status"], kind, "{args:?}");
        let (error, error_en) = (
            lines[0]["error"].as_str().unwrap_or_default(),
            lines[0]["error_en"].as_str().unwrap_or_default(),
        );
        assert!(error.contains(zh) && !error.is_empty(), "{args:?}: {error}");
        assert!(
            error_en.contains(en) && error_en.is_ascii() && !error_en.is_empty(),
            "{args:?}: {error_en}"
        );
        assert!(
            stderr.contains(error) && stderr.contains(error_en),
            "{args:?}: both languages on stderr: {stderr}"
        );
    }
}

/// Issue 23, item 1: `cashier owner set-pin` reads the PIN from standard input and keeps only its
/// Argon2id hash in the owner-only config; a PIN that is not 4–8 digits, or typed twice unlike,
/// is refused; `reset-pin` (the way out of a forgotten PIN, needing the OS account) removes it,
/// and each change keeps the config it replaced as a backup.
#[test]
fn the_owner_pin_is_set_from_standard_input_as_a_hash_and_reset() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "[till]\nid = \"K5\"\n").expect("a config");
    let owner = |action: &str, input: &str| {
        let mut command = std::process::Command::new(CASHIER);
        command
            .arg("--config")
            .arg(&config)
            .arg("--data-dir")
            .arg(dir.path())
            .args(["owner", action]);
        let (code, _, stderr) = crate::common::run_with_input(command, input);
        (code, stderr)
    };
    for (input, why) in [
        ("12\n", "4 到 8 位数字"),
        ("12345\n12354\n", "两次输入的密码不一致"),
    ] {
        let (code, stderr) = owner("set-pin", input);
        assert_eq!(code, Some(2), "{input:?}: {stderr}");
        assert!(stderr.contains(why), "{stderr}");
    }
    let (code, stderr) = owner("set-pin", "13579\n13579\n");
    assert_eq!(code, Some(0), "{stderr}");
    let text = std::fs::read_to_string(&config).expect("config");
    assert!(text.contains("pin_hash = \"$argon2id$"), "{text}");
    assert!(!text.contains("13579") && text.contains("K5"), "{text}");
    let hash = text
        .lines()
        .find_map(|line| line.strip_prefix("pin_hash = \""))
        .and_then(|rest| rest.strip_suffix('"'))
        .expect("the hash");
    assert_eq!(cashier::owner_pin::verify("13579", hash), Ok(true));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&config)
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "owner-only");
    }
    let (code, stderr) = owner("reset-pin", "");
    assert_eq!(code, Some(0), "{stderr}");
    let text = std::fs::read_to_string(&config).expect("config");
    assert!(!text.contains("pin_hash") && text.contains("K5"), "{text}");
    assert_eq!(
        cashier::config::backups_of(&config).len(),
        2,
        "the config before each change is kept"
    );
    let log = std::fs::read_dir(dir.path().join("logs"))
        .expect("logs")
        .filter_map(Result::ok)
        .map(|entry| std::fs::read_to_string(entry.path()).unwrap_or_default())
        .collect::<String>();
    assert!(
        log.contains("owner PIN removed (reset-pin)"),
        "logged: {log}"
    );
}

/// Issue 23, item 7: what a till keeps is its OS user's only — the data folder, the ledger, the
/// logs folder (0700/0600), the exports folder and the diagnostics zip — even under a umask that
/// would let everyone read.
#[cfg(unix)]
#[test]
fn the_data_folder_ledger_logs_and_exports_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let root = tempfile::tempdir().expect("temp dir");
    std::fs::set_permissions(root.path(), std::fs::Permissions::from_mode(0o755)).expect("open");
    let data = root.path().join("data");
    let run = |args: &[&str]| {
        std::process::Command::new("sh")
            .arg("-c")
            .arg("umask 022; exec \"$@\"")
            .arg("sh")
            .arg(CASHIER)
            .args(["--sandbox-port", "0", "--data-dir"])
            .arg(&data)
            .env("XDG_CONFIG_HOME", root.path().join("config"))
            .args(args)
            .output()
            .expect("runs")
    };
    let sale = run(&["pay", "--method", "cash", "--amount", "4"]);
    assert!(
        sale.status.success(),
        "{}",
        String::from_utf8_lossy(&sale.stderr)
    );
    let exports = root.path().join("exports");
    let zip = run(&["diagnostics", "--out", exports.to_str().expect("utf-8")]);
    assert!(
        zip.status.success(),
        "{}",
        String::from_utf8_lossy(&zip.stderr)
    );
    let zip = std::path::PathBuf::from(String::from_utf8_lossy(&zip.stdout).trim());
    let mode = |path: &std::path::Path| {
        std::fs::metadata(path).expect("there").permissions().mode() & 0o777
    };
    assert_eq!(mode(&data), 0o700, "the data folder");
    assert_eq!(mode(&data.join("logs")), 0o700, "the logs folder");
    assert_eq!(mode(&exports), 0o700, "the exports folder");
    assert_eq!(mode(&zip), 0o600, "the diagnostics zip");
    let ledgers: Vec<_> = std::fs::read_dir(&data)
        .expect("data")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.to_string_lossy().contains(".sqlite3"))
        .collect();
    assert!(!ledgers.is_empty());
    for ledger in ledgers {
        assert_eq!(mode(&ledger), 0o600, "{}", ledger.display());
    }
    // While a till runs, its write-ahead log (a copy of recent sales) is owner-only too.
    let ledger_path = data.join("sandbox-ledger.sqlite3");
    std::fs::remove_file(&ledger_path).expect("a fresh ledger");
    let ledger = cashier::ledger::Ledger::open(&ledger_path).expect("opens");
    ledger.counts_by_status().expect("reads");
    let wal = data.join("sandbox-ledger.sqlite3-wal");
    assert!(wal.exists(), "WAL while open");
    assert_eq!(mode(&wal), 0o600, "the WAL");
    drop(ledger);
}
