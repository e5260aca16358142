//! Processes that race on a new data directory: 20 `cashier` processes started at once all open
//! (and so migrate) the same new ledger, and every one succeeds, saying nothing on the terminal.

const CASHIER: &str = env!("CARGO_BIN_EXE_cashier");

#[test]
fn twenty_processes_starting_at_once_on_a_new_ledger_all_succeed() {
    for trial in 0..3 {
        let dir = tempfile::tempdir().expect("temp dir");
        let children: Vec<_> = (0..20)
            .map(|_| {
                std::process::Command::new(CASHIER)
                    .args(["history", "--json", "--sandbox-port", "0", "--data-dir"])
                    .arg(dir.path())
                    .env("XDG_CONFIG_HOME", dir.path().join("config"))
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .expect("starts")
            })
            .collect();
        for child in children {
            let output = child.wait_with_output().expect("ends");
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(output.status.success(), "trial {trial}: {stderr}");
            // A first run once printed the log appender's "Error reading the log directory".
            assert!(stderr.trim().is_empty(), "trial {trial}: {stderr}");
        }
    }
}
