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

/// Issue 21, item 8: a second till's window on another data directory once used the first
/// window's in-process sandbox on the shared port, and lost its gateway when that window closed.
/// Now a till on another data directory starts its own sandbox; one on the same data directory
/// (the command line beside the window) shares the window's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_till_on_another_data_dir_runs_its_own_sandbox() {
    use cashier::app::setup::{Paths, start};
    use cashier::gateway::OrderState;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let paths = |dir: &std::path::Path| Paths {
        config: None,
        data_dir: dir.to_owned(),
        sandbox_port: port,
        keyring: false,
    };
    let first_dir = tempfile::tempdir().expect("dir");
    let second_dir = tempfile::tempdir().expect("dir");
    let first = start(&paths(first_dir.path()))
        .await
        .expect("the first till");
    let first_url = first
        .resources
        .sandbox
        .as_ref()
        .expect("the first till runs the sandbox on the port")
        .base_url();
    assert!(first_url.ends_with(&format!(":{port}")));

    let beside = start(&paths(first_dir.path()))
        .await
        .expect("the same till's CLI");
    assert!(
        beside.resources.sandbox.is_none(),
        "the same data directory shares the window's sandbox"
    );

    let second = start(&paths(second_dir.path()))
        .await
        .expect("a second till");
    let second_url = second
        .resources
        .sandbox
        .as_ref()
        .expect("another data directory runs its own sandbox")
        .base_url();
    assert_ne!(second_url, first_url);

    // The first window closes: the second till's gateway still answers.
    drop(beside);
    drop(first);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let answer = second.context.gateway.query_order("T01NOSUCHORDER").await;
    assert!(
        matches!(answer, Ok(OrderState::NotFound)),
        "the second till's sandbox answers: {answer:?}"
    );
}
