//! Folders and files only the till's OS user may open: the data folder (the ledger, its logs,
//! the print spool, exports) holds every sale of the shop, and the config folder the merchant's
//! key. Made owner-only when made (0700 folders, 0600 files on Unix), and tightened when found
//! wider (best effort: a folder another user owns, shared on purpose to read reports, is left as
//! it is). On Windows a user's profile folders are the user's already; nothing is changed there.

use std::path::Path;

/// Makes the folder `path` (and its parents) if need be; the folder itself owner-only.
pub fn dir(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        if !path.is_dir() {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            let made = std::fs::DirBuilder::new().mode(0o700).create(path);
            if let Err(error) = made
                && !path.is_dir()
            {
                return Err(error);
            }
        }
        tighten(path, 0o700, PermissionsExt::from_mode(0o700));
        Ok(())
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(path)
    }
}

/// Makes the folder `path` (and its parents) owner-only if it is not there; one already there is
/// left as it is (a config folder such as `/etc/cashier` may be shared with a service on purpose).
pub fn new_dir(path: &Path) -> std::io::Result<()> {
    if path.is_dir() {
        return Ok(());
    }
    dir(path)
}

/// Tightens the file `path` to owner-only, if it is there and this user may.
pub fn file(path: &Path) {
    #[cfg(unix)]
    tighten(
        path,
        0o600,
        std::os::unix::fs::PermissionsExt::from_mode(0o600),
    );
    #[cfg(not(unix))]
    let _ = path;
}

/// Sets `path`'s mode to `wanted` when others may reach it now.
#[cfg(unix)]
fn tighten(path: &Path, wanted: u32, permissions: std::fs::Permissions) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(metadata) = std::fs::metadata(path)
        && metadata.permissions().mode() & 0o777 & !wanted != 0
        && let Err(error) = std::fs::set_permissions(path, permissions)
    {
        tracing::info!(path = %path.display(), %error, "left as it is: not this user's to tighten");
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).expect("there").permissions().mode() & 0o777
    }

    #[test]
    fn folders_and_files_are_made_and_tightened_owner_only() {
        let root = tempfile::tempdir().expect("dir");
        let data = root.path().join("a/b/data");
        dir(&data).expect("made");
        assert_eq!(mode(&data), 0o700);
        std::fs::set_permissions(&data, PermissionsExt::from_mode(0o755)).expect("wide");
        dir(&data).expect("again");
        assert_eq!(mode(&data), 0o700, "tightened");
        let ledger = data.join("ledger.sqlite3");
        std::fs::write(&ledger, "x").expect("file");
        std::fs::set_permissions(&ledger, PermissionsExt::from_mode(0o644)).expect("wide");
        file(&ledger);
        assert_eq!(mode(&ledger), 0o600);
        file(&data.join("not-there"));
    }
}
