//! Rules ARCHITECTURE.md states that a test can check by reading the source (rust-analyzer's
//! tidy test): which layer may name which, that the window's code does no file, keyring or
//! ledger work outside its worker, that colours and sizes are made in the theme only, and that test
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
        "app", "ledger", "gateway", "payment", "store", "receipt", "speech", "sandbox", "config",
    ];
    let top_files = [
        "money.rs",
        "sign.rs",
        "status.rs",
        "china_time.rs",
        "qr_modules.rs",
        "secret.rs",
        "small_file.rs",
        "i18n.rs",
        "key_store.rs",
        "logging.rs",
        "owner_pin.rs",
        "owner_only.rs",
        "masking.rs",
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

/// The app layer sits under the window and the command line and over everything else: nothing
/// it builds on names it.
#[test]
fn layers_below_the_app_never_name_it() {
    let found = breaches(
        |file| layers_below_the_window_never_name_it(file) && !file.starts_with("app"),
        &["crate::app"],
    );
    assert!(
        found.is_empty(),
        "a layer below the app names it:\n{}",
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

/// A size in points written as a number outside the theme: a float literal other than `0.0` that
/// is not a ratio (beside `*` or `/`), outside strings and before the file's tests. A line may say
/// why a number is no size with a trailing `// not a size: …` (a chart's values, seconds).
fn size_literals(code: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in code.lines() {
        if line.trim_start().starts_with("#[cfg(test)]") {
            break;
        }
        if line.trim_start().starts_with("//") || line.contains("// not a size:") {
            continue;
        }
        let mut outside_strings = String::new();
        let mut in_string = false;
        let mut escaped = false;
        for ch in line.split("//").next().unwrap_or("").chars() {
            if in_string {
                escaped = !escaped && ch == '\\';
                if ch == '"' && !escaped {
                    in_string = false;
                }
                outside_strings.push(' ');
            } else if ch == '"' {
                in_string = true;
                outside_strings.push(' ');
            } else {
                outside_strings.push(ch);
            }
        }
        let chars: Vec<char> = outside_strings.chars().collect();
        let mut index = 0;
        while index < chars.len() {
            let starts_number = chars[index].is_ascii_digit()
                && (index == 0 || !(chars[index - 1].is_alphanumeric() || chars[index - 1] == '_'));
            if !starts_number {
                index += 1;
                continue;
            }
            let start = index;
            while index < chars.len() && (chars[index].is_ascii_digit() || chars[index] == '_') {
                index += 1;
            }
            let is_float =
                index + 1 < chars.len() && chars[index] == '.' && chars[index + 1].is_ascii_digit();
            if !is_float {
                continue;
            }
            index += 1;
            while index < chars.len() && chars[index].is_ascii_digit() {
                index += 1;
            }
            let literal: String = chars[start..index].iter().collect();
            let before = chars[..start].iter().rev().find(|ch| !ch.is_whitespace());
            let after = chars[index..].iter().find(|ch| !ch.is_whitespace());
            let ratio = matches!(before, Some('*' | '/')) || matches!(after, Some('*' | '/'));
            let zero = literal
                .trim_end_matches('0')
                .trim_end_matches('.')
                .chars()
                .all(|ch| ch == '0');
            if !ratio && !zero {
                found.push(line.trim().to_owned());
                break;
            }
        }
    }
    found
}

/// Sizes live in `ui/theme.rs` (issue 22: literal sizes in a dozen files).
#[test]
fn sizes_are_made_in_the_theme_only() {
    let root = src();
    let found: Vec<String> = rust_files(&root.join("ui"))
        .into_iter()
        .filter(|file| !file.ends_with("ui/theme.rs"))
        .flat_map(|file| {
            let code = std::fs::read_to_string(&file).expect("readable");
            size_literals(&code)
                .into_iter()
                .map(move |line| format!("{}: {line}", file.display()))
        })
        .collect();
    assert!(
        found.is_empty(),
        "a size written as a number outside ui/theme.rs:\n{}",
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

/// A module's path from `src/` (`ui/history`; `ui/worker` for `ui/worker/mod.rs`).
fn module_of(file: &Path) -> Vec<String> {
    let mut parts: Vec<String> = file
        .with_extension("")
        .components()
        .map(|part| part.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The module paths named in `line` of module `from` (`super::x::y`, `crate::x::y`), each as far
/// as its words go (the caller finds which of them are modules).
fn paths_named(line: &str, from: &[String]) -> Vec<Vec<String>> {
    let parent = from[..from.len().saturating_sub(1)].to_vec();
    let mut named = Vec::new();
    for (root, base) in [("super::", parent), ("crate::", Vec::new())] {
        let mut rest = line;
        while let Some(at) = rest.find(root) {
            let after = &rest[at + root.len()..];
            let end = after
                .find(|c: char| {
                    !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == ':')
                })
                .unwrap_or(after.len());
            let mut path = base.clone();
            path.extend(
                after[..end]
                    .split("::")
                    .filter(|part| !part.is_empty())
                    .map(str::to_owned),
            );
            named.push(path);
            rest = &after[end..];
        }
    }
    named
}

/// Which sibling module uses which: for each named module, the edge between the two children
/// of their nearest common parent (`ui/history` → `ui/order_detail`).
fn sibling_uses() -> std::collections::BTreeMap<Vec<String>, std::collections::BTreeSet<Vec<String>>>
{
    let root = src();
    let files = rust_files(&root);
    let modules: std::collections::BTreeSet<Vec<String>> = files
        .iter()
        .map(|file| module_of(file.strip_prefix(&root).unwrap_or(file)))
        .collect();
    let mut uses: std::collections::BTreeMap<_, std::collections::BTreeSet<_>> =
        std::collections::BTreeMap::new();
    for file in &files {
        let relative = file.strip_prefix(&root).unwrap_or(file);
        let from = module_of(relative);
        let text = std::fs::read_to_string(file).expect("readable");
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        for line in code
            .lines()
            .filter(|line| !line.trim_start().starts_with("//"))
        {
            for path in paths_named(line, &from) {
                let Some(to) = (1..=path.len())
                    .rev()
                    .map(|len| path[..len].to_vec())
                    .find(|prefix| modules.contains(prefix))
                else {
                    continue;
                };
                let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
                if common < from.len() && common < to.len() {
                    uses.entry(from[..=common].to_vec())
                        .or_default()
                        .insert(to[..=common].to_vec());
                }
            }
        }
    }
    uses
}

/// A cycle among `uses`, if there is one (module paths joined by `/`).
fn a_cycle(
    uses: &std::collections::BTreeMap<Vec<String>, std::collections::BTreeSet<Vec<String>>>,
) -> Option<Vec<String>> {
    fn visit(
        node: &Vec<String>,
        uses: &std::collections::BTreeMap<Vec<String>, std::collections::BTreeSet<Vec<String>>>,
        path: &mut Vec<Vec<String>>,
        done: &mut std::collections::BTreeSet<Vec<String>>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|seen| seen == node) {
            let mut cycle: Vec<_> = path[at..].iter().map(|m| m.join("/")).collect();
            cycle.push(node.join("/"));
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.clone());
        for next in uses.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, uses, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.clone());
        None
    }
    let mut done = std::collections::BTreeSet::new();
    uses.keys()
        .find_map(|node| visit(node, uses, &mut Vec::new(), &mut done))
}

/// ARCHITECTURE.md: no cycles between sibling files (issue 22 found `ui/backend ↔ worker ↔
/// shop_day`, `cli/pay ↔ shift_cmd`, `ui/history ↔ order_detail`).
#[test]
fn sibling_modules_use_each_other_one_way_only() {
    let uses = sibling_uses();
    assert!(
        uses.get(&vec!["ui".to_owned(), "history".to_owned()])
            .is_some_and(|named| named.contains(&vec!["ui".to_owned(), "order_detail".to_owned()])),
        "the reading finds a known use (ui/history → ui/order_detail): {uses:?}"
    );
    assert_eq!(a_cycle(&uses), None, "sibling modules in a cycle");
}

/// The rules catch what they are for: each, run over a planted breach, finds it (a rule that can
/// find nothing would pass forever).
#[test]
fn each_rule_finds_a_planted_breach() {
    let dir = tempfile::tempdir().expect("dir");
    let planted = dir.path().join("planted.rs");
    for (line, banned) in [
        ("use crate::ui::theme;", &["crate::ui", "crate::cli"][..]),
        ("use crate::app::setup::Paths;", &["crate::app"][..]),
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
    for (code, breaches) in [
        ("ui.add_space(16.0);", 1),
        ("const INFO_WIDTH: f32 = 420.0;", 1),
        ("let b = vec2(theme::GAP, theme::BIG + 16.0);", 1),
        ("let half = (width - theme::GAP) / 2.0 * 0.5;", 0),
        ("let zero = x.max(0.0);", 0),
        ("let hint = \"0.50 元\";", 0),
        ("const WAIT: f64 = 0.6; // not a size: seconds", 0),
        ("// ui.add_space(16.0);", 0),
        ("#[cfg(test)]\nmod tests { const X: f32 = 3.0; }", 0),
    ] {
        assert_eq!(size_literals(code).len(), breaches, "{code}");
    }
    assert!(layers_below_the_window_never_name_it(Path::new(
        "ledger/mod.rs"
    )));
    assert!(!layers_below_the_window_never_name_it(Path::new(
        "ui/mod.rs"
    )));
}
