//! What the till can do about a config file it cannot use, offered on the window's start-up
//! screen: make it owner-only, or set it aside (renamed, never deleted) for a new first run that
//! keeps the till's id. File work: run on the runtime, never on the window's thread.

use std::path::{Path, PathBuf};

/// Makes the config file readable and writable by its owner only (0600).
/// # Errors
/// When its permissions cannot be set.
pub fn make_owner_only(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(())
    }
}

/// Renames the config file to `config.toml.broken-<local time>`, beside it, and says where: the
/// owner's merchant key and settings are kept, never deleted, and the next start is a first run.
/// # Errors
/// When the file cannot be renamed.
pub fn set_aside(path: &Path) -> std::io::Result<PathBuf> {
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
    let mut name = path.file_name().unwrap_or_default().to_owned();
    name.push(format!(".broken-{stamp}"));
    let kept = path.with_file_name(name);
    std::fs::rename(path, &kept)?;
    Ok(kept)
}

/// The till id a config file names, read as leniently as it can be: a file set aside is often
/// one the parser refused (a typo, an unknown key), and its till id is still the till's.
#[must_use]
pub fn till_id_in(path: &Path) -> Option<String> {
    value_in(path, "till", "id")
        .filter(|id| (1..=8).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The owner PIN's hash a config file holds, read as leniently: setting aside a file that has
/// one (a first run, which could point the till anywhere) needs that PIN.
#[must_use]
pub fn pin_hash_in(path: &Path) -> Option<String> {
    value_in(path, "owner", "pin_hash").filter(|hash| !hash.trim().is_empty())
}

/// `[table] key = "…"` of the file at `path`: parsed, or, for malformed TOML, the line.
fn value_in(path: &Path, table: &str, key: &str) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let parsed = toml::from_str::<toml::Value>(&text)
        .ok()
        .and_then(|value| value.get(table)?.get(key)?.as_str().map(str::to_owned));
    let scanned = || {
        let header = format!("[{table}]");
        let mut in_table = false;
        text.lines().find_map(|line| {
            let line = line.trim();
            if line.starts_with('[') {
                in_table = line == header;
                return None;
            }
            let (name, value) = line.split_once('=')?;
            (in_table && name.trim() == key)
                .then(|| value.trim().trim_matches('"').trim_matches('\'').to_owned())
        })
    };
    parsed.or_else(scanned)
}
