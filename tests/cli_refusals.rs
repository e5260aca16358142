//! `cashier pay` refusing bad input: every refusal prints one JSON line with its reason under
//! `--json` (as a bad auth code always did), exits 2, and names the gateway's own limit.

const CASHIER: &str = env!("CARGO_BIN_EXE_cashier");

fn pay(args: &[&str]) -> (Option<i32>, Vec<serde_json::Value>, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = std::process::Command::new(CASHIER)
        .args(["--sandbox-port", "0", "--data-dir"])
        .arg(dir.path())
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .arg("pay")
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
