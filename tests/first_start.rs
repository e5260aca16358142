//! Processes that race on a new data directory: 20 `cashier` processes started at once all open
//! (and so migrate) the same new ledger, and every one succeeds.

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
            assert!(
                output.status.success(),
                "trial {trial}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }
}
