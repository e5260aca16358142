//! One window per till: the window holds a lock on its data directory while it runs. A second
//! start (an owner double-clicking the icon while the first is still opening) used to open a
//! second window on the same ledger that borrowed the first one's in-process sandbox, and lost
//! its gateway when the first window closed. The lock is the operating system's (`flock` on
//! Unix, `LockFileEx` on Windows), so a window killed or crashed never leaves it held. The CLI
//! takes no lock: `cashier pay` or `history` beside the window is how the tests and the shop's
//! scripts work.

use std::fs::{File, TryLockError};
use std::path::Path;

/// Held while a window runs on a data directory.
#[derive(Debug)]
pub struct WindowLock {
    _file: File,
}

/// Another window already runs on this data directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlreadyOpen;

impl WindowLock {
    /// The file the lock is taken on, in `data_dir`.
    pub const FILE: &'static str = "window.lock";

    /// Takes the lock on `data_dir`, or says another window holds it. A lock that cannot be
    /// made at all (a read-only folder) is no lock: the ledger then says what is wrong with
    /// the folder in its own words.
    ///
    /// # Errors
    /// [`AlreadyOpen`] when another window holds it.
    pub fn take(data_dir: &Path) -> Result<Option<WindowLock>, AlreadyOpen> {
        let opened = std::fs::create_dir_all(data_dir).and_then(|()| {
            File::options()
                .create(true)
                .truncate(false)
                .write(true)
                .open(data_dir.join(Self::FILE))
        });
        let Ok(file) = opened else {
            return Ok(None);
        };
        match file.try_lock() {
            Ok(()) => Ok(Some(WindowLock { _file: file })),
            Err(TryLockError::WouldBlock) => Err(AlreadyOpen),
            Err(TryLockError::Error(_)) => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_window_on_one_data_dir_is_refused_until_the_first_closes() {
        let dir = tempfile::tempdir().expect("dir");
        let first = WindowLock::take(dir.path()).expect("the first takes it");
        assert!(first.is_some());
        assert_eq!(WindowLock::take(dir.path()).err(), Some(AlreadyOpen));
        let other = tempfile::tempdir().expect("dir");
        assert!(
            WindowLock::take(other.path()).is_ok(),
            "another till's folder is free"
        );
        drop(first);
        assert!(WindowLock::take(dir.path()).expect("free again").is_some());
    }
}
