//! Rules ARCHITECTURE.md states that a test can check by reading the source (rust-analyzer's
//! tidy test): which layer may name which, that the window's code does no file, keyring or
//! ledger work outside its worker, that colours are made in the theme only, and that test
//! tooling stays out of the shipped crate. Each rule names the file and line that breaks it.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, recursively.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("a source directory") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
    files
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The code lines of `file` (comments dropped), numbered from 1.
fn code_lines(file: &Path) -> Vec<(usize, String)> {
    std::fs::read_to_string(file)
        .expect("readable")
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim_start().starts_with("//"))
        .map(|(index, line)| (index + 1, line.to_owned()))
        .collect()
}

/// `file:line: text` for each line of the files chosen by `in_scope` that holds one of `banned`.
fn breaches(in_scope: impl Fn(&Path) -> bool, banned: &[&str]) -> Vec<String> {
    let root = src();
    rust_files(&root)
        .into_iter()
        .filter(|file| in_scope(file.strip_prefix(&root).unwrap_or(file)))
        .flat_map(|file| {
            code_lines(&file)
                .into_iter()
                .filter(|(_, line)| banned.iter().any(|word| line.contains(word)))
                .map(move |(number, line)| format!("{}:{number}: {}", file.display(), line.trim()))
        })
        .collect()
}

/// The check of one rule; its breaches, for the test that states it and for the planted-breach
/// check below.
fn layers_below_the_window_never_name_it(file: &Path) -> bool {
    let lower = [
        "ledger", "gateway", "payment", "store", "receipt", "sandbox", "config",
    ];
    let top_files = [
        "money.rs",
        "sign.rs",
        "status.rs",
        "china_time.rs",
        "qr_modules.rs",
        "secret.rs",
        "small_file.rs",
        "export.rs",
        "i18n.rs",
        "key_store.rs",
        "logging.rs",
    ];
    lower.iter().any(|dir| file.starts_with(dir))
        || top_files.iter().any(|name| file == Path::new(name))
}

#[test]
fn layers_below_the_window_and_the_command_line_never_name_them() {
    let found = breaches(
        layers_below_the_window_never_name_it,
        &["crate::ui", "crate::cli"],
    );
    assert!(
        found.is_empty(),
        "a lower layer names the window or the CLI:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_ledger_knows_no_policy() {
    let found = breaches(
        |file| file.starts_with("ledger"),
        &["crate::payment", "crate::store", "crate::gateway::Gateway"],
    );
    assert!(
        found.is_empty(),
        "the ledger reaches up:\n{}",
        found.join("\n")
    );
}

/// What the window's thread must never do: the worker (and the tasks it spawns) does it.
const BLOCKING_WORK: &[&str] = &[
    "std::fs",
    "tokio::fs",
    "File::",
    ".exists()",
    "config::save",
    "keyring::",
    ".lock()",
    "std::process::Command",
];

#[test]
fn the_window_does_no_file_keyring_or_ledger_work_outside_its_worker() {
    let found = breaches(
        |file| file.starts_with("ui") && !file.starts_with("ui/worker"),
        BLOCKING_WORK,
    );
    assert!(
        found.is_empty(),
        "blocking work in the window's code:\n{}",
        found.join("\n")
    );
}

#[test]
fn colours_are_made_in_the_theme_only() {
    let found = breaches(
        |file| file != Path::new("ui/theme.rs"),
        &[
            "Color32::from_rgb",
            "Color32::from_rgba",
            "Color32::from_gray",
            "Color32::from_hex",
        ],
    );
    assert!(
        found.is_empty(),
        "a colour made outside ui/theme.rs:\n{}",
        found.join("\n")
    );
}

#[test]
fn test_tooling_stays_out_of_the_shipped_crate() {
    let found = breaches(|_| true, &["ab_glyph", "egui_kittest"]);
    assert!(
        found.is_empty(),
        "test tooling in src/:\n{}",
        found.join("\n")
    );
}

/// How the command line may print: its results through `out!`, its failures and warnings through
/// `cli/said.rs`, which words them in both languages (issue 22: three ways before).
const RAW_PRINTING: &[&str] = &["eprintln!", "println!", "print!(", "eprint!("];

#[test]
fn the_command_line_prints_one_way() {
    let found = breaches(
        |file| file.starts_with("cli") && file != Path::new("cli/said.rs"),
        RAW_PRINTING,
    );
    assert!(
        found.is_empty(),
        "the command line prints outside out! and cli/said.rs:\n{}",
        found.join("\n")
    );
}

/// The rules catch what they are for: each, run over a planted breach, finds it (a rule that can
/// find nothing would pass forever).
#[test]
fn each_rule_finds_a_planted_breach() {
    let dir = tempfile::tempdir().expect("dir");
    let planted = dir.path().join("planted.rs");
    for (line, banned) in [
        ("use crate::ui::theme;", &["crate::ui", "crate::cli"][..]),
        ("let text = std::fs::read_to_string(path);", BLOCKING_WORK),
        ("let ledger = shared.lock();", BLOCKING_WORK),
        (
            "let red = Color32::from_rgb(255, 0, 0);",
            &["Color32::from_rgb"][..],
        ),
        ("eprintln!(\"账本无法写入 (cannot write)\");", RAW_PRINTING),
    ] {
        std::fs::write(&planted, format!("// {line}\nfn f() {{\n    {line}\n}}\n"))
            .expect("written");
        let lines = code_lines(&planted);
        let hits: Vec<_> = lines
            .iter()
            .filter(|(_, text)| banned.iter().any(|word| text.contains(word)))
            .collect();
        assert_eq!(
            hits.len(),
            1,
            "{line}: found once, in code not in its comment"
        );
        assert_eq!(hits[0].0, 3);
    }
    assert!(layers_below_the_window_never_name_it(Path::new(
        "ledger/mod.rs"
    )));
    assert!(!layers_below_the_window_never_name_it(Path::new(
        "ui/mod.rs"
    )));
}
