//! Stamps the build with its git revision, so `cashier --version` and the diagnostics zip say
//! exactly which code a till runs. `CASHIER_GIT_REV` overrides it (a build from a source archive).

use std::path::Path;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=CASHIER_GIT_REV");
    // A new commit or checkout moves HEAD's log; only watched when there is one (a missing file
    // would make cargo run this script on every build).
    for watched in [".git/HEAD", ".git/logs/HEAD"] {
        if Path::new(watched).exists() {
            println!("cargo:rerun-if-changed={watched}");
        }
    }
    let rev = std::env::var("CASHIER_GIT_REV")
        .ok()
        .filter(|rev| !rev.is_empty())
        .or_else(git_rev)
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=CASHIER_GIT_REV={rev}");
}

fn git_rev() -> Option<String> {
    let output = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}
