//! The config file on disk: written owner-only and whole (beside it, then renamed over it), the
//! merchant key to the platform's keyring when one takes it; and whether others may read it.

use std::path::Path;

use super::{Config, ConfigError};
use crate::key_store::{self, KeyPlace};
use crate::secret::Secret;

/// Writes `config` to `path`, readable and writable by its owner only, and says where the
/// merchant key went: the platform's keyring when `keyring` allows it and one takes it (the file
/// then holds no key), else the file.
pub fn save(config: &Config, path: &Path, keyring: bool) -> Result<KeyPlace, ConfigError> {
    let mut written = config.clone();
    let place = written
        .gateway
        .as_mut()
        .map_or(KeyPlace::File, |gateway| keep_key(gateway, keyring));
    if let Some(parked) = &mut written.parked_gateway {
        keep_key(parked, keyring);
    }
    let text = toml::to_string_pretty(&written).map_err(|error| ConfigError::Parse {
        line: None,
        why: error.to_string(),
    })?;
    write_whole(path, &text)?;
    Ok(place)
}

/// Puts `gateway`'s key in the keyring when `keyring` allows and one takes it (the file then
/// holds none); where the key went.
fn keep_key(gateway: &mut super::GatewayConfig, keyring: bool) -> KeyPlace {
    gateway.key_in = KeyPlace::File;
    if !gateway.key.is_empty() && keyring {
        match key_store::put(gateway.provider, &gateway.merchant_id, &gateway.key) {
            Ok(()) => {
                gateway.key = Secret::default();
                gateway.key_in = KeyPlace::Keyring;
                return KeyPlace::Keyring;
            }
            Err(why) => tracing::info!(
                "merchant key kept in the owner-only config file: no keyring took it ({why})"
            ),
        }
    }
    KeyPlace::File
}

/// Sets (or with `None` removes) the owner PIN's hash in the config at `path`, leaving the rest of
/// the file as it is (no key is read, so no keyring is asked). A config that is not there yet is
/// made with the PIN alone (the sandbox until a merchant is set).
pub fn set_owner_pin(path: &Path, pin_hash: Option<&str>) -> Result<(), ConfigError> {
    let text = match crate::small_file::read_text(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(source) => {
            return Err(ConfigError::Read {
                path: path.display().to_string(),
                source,
            });
        }
    };
    let mut table: toml::Table =
        text.parse()
            .map_err(|error: toml::de::Error| ConfigError::Parse {
                line: None,
                why: error.message().to_owned(),
            })?;
    match pin_hash {
        Some(hash) => {
            let mut owner = toml::Table::new();
            owner.insert("pin_hash".to_owned(), toml::Value::String(hash.to_owned()));
            table.insert("owner".to_owned(), toml::Value::Table(owner));
        }
        None => {
            table.remove("owner");
        }
    }
    write_whole(path, &table.to_string())
}

/// How many dated copies of earlier configs are kept beside it.
pub const BACKUPS_KEPT: usize = 5;

/// Writes `text` to `path` whole and owner-only, keeping the file it replaces as a dated backup
/// beside it (`config.toml.20261205-093015.bak`, owner-only; the newest [`BACKUPS_KEPT`] kept): a
/// save that changed where the money goes can always be undone.
fn write_whole(path: &Path, text: &str) -> Result<(), ConfigError> {
    let io = |source| ConfigError::Read {
        path: path.display().to_string(),
        source,
    };
    if let Some(dir) = path.parent() {
        crate::owner_only::new_dir(dir).map_err(io)?;
    }
    if path.exists() {
        keep_backup(path).map_err(io)?;
    }
    // Written beside it and renamed over it: a crash or a full disk mid-write leaves the old
    // file whole, never half a config (the merchant's settings are where the money goes).
    let mut name = path.file_name().unwrap_or_default().to_owned();
    name.push(format!(".saving-{}", std::process::id()));
    let temporary = path.with_file_name(name);
    let written = (|| {
        let mut file = owner_only_file(&temporary)?;
        std::io::Write::write_all(&mut file, text.as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written.map_err(io)
}

/// A new (or emptied) file at `path` that only its owner may read or write.
fn owner_only_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(path)?;
    // A leftover file keeps its mode on open: tighten it too.
    #[cfg(unix)]
    std::fs::set_permissions(path, std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
    Ok(file)
}

/// Copies the config at `path` to a dated backup beside it and drops the oldest beyond
/// [`BACKUPS_KEPT`].
fn keep_backup(path: &Path) -> std::io::Result<()> {
    let name = path
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    // Made new, never over another: two saves in one microsecond keep both.
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S%.6f").to_string();
    let mut attempt = 0;
    let mut file = loop {
        let suffix = if attempt == 0 {
            String::new()
        } else {
            format!("-{attempt:02}")
        };
        let backup = path.with_file_name(format!("{name}.{stamp}{suffix}.bak"));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        match options.open(&backup) {
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists && attempt < 99 => {
                attempt += 1;
            }
            opened => break opened?,
        }
    };
    std::io::Write::write_all(&mut file, &std::fs::read(path)?)?;
    file.sync_all()?;
    let mut backups = backups_of(path);
    backups.sort();
    let surplus = backups.len().saturating_sub(BACKUPS_KEPT);
    for old in backups.into_iter().take(surplus) {
        let _ = std::fs::remove_file(old);
    }
    Ok(())
}

/// The dated backups of the config at `path`, in no order.
#[must_use]
pub fn backups_of(path: &Path) -> Vec<std::path::PathBuf> {
    let name = path
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let prefix = format!("{name}.");
    path.parent()
        .and_then(|dir| std::fs::read_dir(dir).ok())
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|candidate| {
            candidate.file_name().is_some_and(|file| {
                let file = file.to_string_lossy();
                file.starts_with(&prefix) && file.ends_with(".bak")
            })
        })
        .collect()
}

/// Whether users other than the owner may read or write `path` (always false where there are no
/// Unix permissions).
pub(super) fn readable_by_others(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).is_ok_and(|meta| meta.permissions().mode() & 0o077 != 0)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_save_replaces_the_file_whole_owner_only_and_leaves_nothing_beside_it() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "[till]\nid = \"OLD\"\n").expect("an old file");
        #[cfg(unix)]
        std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o644))
            .expect("0644");
        let mut config = Config::default();
        config.till.id = "K7".into();
        assert_eq!(save(&config, &path, false).expect("saved"), KeyPlace::File);
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(
            text.contains("id = \"K7\"") && !text.contains("OLD"),
            "{text}"
        );
        #[cfg(unix)]
        assert!(!readable_by_others(&path), "owner-only after the save");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("dir")
            .map(|entry| entry.expect("entry").file_name())
            .filter(|name| !name.to_string_lossy().ends_with(".bak"))
            .collect();
        assert_eq!(names, ["config.toml"], "no temporary file left beside it");
        assert_eq!(backups_of(&path).len(), 1, "the old file kept as a backup");
    }

    #[test]
    fn every_save_keeps_the_config_it_replaces_a_handful_kept_owner_only() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("config.toml");
        for n in 0..(BACKUPS_KEPT + 2) {
            let mut config = Config::default();
            config.till.id = format!("K{n}");
            save(&config, &path, false).expect("saved");
        }
        let mut backups = backups_of(&path);
        backups.sort();
        assert_eq!(backups.len(), BACKUPS_KEPT, "{backups:?}");
        let newest = std::fs::read_to_string(backups.last().expect("one")).expect("read");
        let last = BACKUPS_KEPT;
        assert!(
            newest.contains(&format!("id = \"K{last}\"")),
            "the newest backup is the config the last save replaced: {newest}"
        );
        #[cfg(unix)]
        for backup in &backups {
            assert!(!readable_by_others(backup), "{backup:?} is owner-only");
        }
    }

    #[test]
    fn the_owner_pin_is_set_and_removed_leaving_the_rest_of_the_file() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "[till]\nid = \"K9\"\n").expect("written");
        set_owner_pin(
            &path,
            Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA"),
        )
        .expect("set");
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(text.contains("[owner]") && text.contains("K9"), "{text}");
        set_owner_pin(&path, None).expect("removed");
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(!text.contains("owner") && text.contains("K9"), "{text}");
        let fresh = dir.path().join("new.toml");
        set_owner_pin(
            &fresh,
            Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA"),
        )
        .expect("made");
        assert!(
            std::fs::read_to_string(&fresh)
                .expect("read")
                .contains("pin_hash")
        );
    }
}
