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
    let mut place = KeyPlace::File;
    if let Some(gateway) = &mut written.gateway {
        gateway.key_in = KeyPlace::File;
        if !gateway.key.is_empty() && keyring {
            match key_store::put(gateway.provider, &gateway.merchant_id, &gateway.key) {
                Ok(()) => {
                    gateway.key = Secret::default();
                    gateway.key_in = KeyPlace::Keyring;
                    place = KeyPlace::Keyring;
                }
                Err(why) => tracing::info!(
                    "merchant key kept in the owner-only config file: no keyring took it ({why})"
                ),
            }
        }
    }
    let text = toml::to_string_pretty(&written).map_err(|error| ConfigError::Parse {
        line: None,
        why: error.to_string(),
    })?;
    let io = |source| ConfigError::Read {
        path: path.display().to_string(),
        source,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    // Written beside it and renamed over it: a crash or a full disk mid-write leaves the old
    // file whole, never half a config (the merchant's settings are where the money goes).
    let mut name = path.file_name().unwrap_or_default().to_owned();
    name.push(format!(".saving-{}", std::process::id()));
    let temporary = path.with_file_name(name);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = (|| {
        let mut file = options.open(&temporary)?;
        // A leftover temporary file keeps its mode on open: tighten it too.
        #[cfg(unix)]
        std::fs::set_permissions(
            &temporary,
            std::os::unix::fs::PermissionsExt::from_mode(0o600),
        )?;
        std::io::Write::write_all(&mut file, text.as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written.map_err(io)?;
    Ok(place)
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
            .collect();
        assert_eq!(names, ["config.toml"], "no temporary file left beside it");
    }
}
