//! Reading the small text files a till is given (its config, a password file, a 进件 form): only
//! regular files, only up to a size. A config that is a symlink to `/dev/zero` grew the process to
//! 22.8 GB, and one that is a FIFO hung the start for ever; both are now refused with a reason.

use std::io::{Error, ErrorKind, Read};
use std::path::Path;

/// The most any of these files may hold: far above a real config (a few KB).
pub const MAX_BYTES: u64 = 1024 * 1024;

/// The text of `path`, if it is a regular file (a symlink to one is fine) of at most
/// [`MAX_BYTES`] in UTF-8. The type is checked before opening: opening a FIFO would block.
pub fn read_text(path: &Path) -> std::io::Result<String> {
    let metadata = std::fs::metadata(path)?;
    if !metadata.is_file() {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            "不是普通文件 (not a regular file)",
        ));
    }
    let too_big = || {
        Error::new(
            ErrorKind::InvalidData,
            format!(
                "文件过大，超过 {} KB (larger than {} KB)",
                MAX_BYTES / 1024,
                MAX_BYTES / 1024
            ),
        )
    };
    if metadata.len() > MAX_BYTES {
        return Err(too_big());
    }
    let mut text = String::new();
    std::fs::File::open(path)?
        .take(MAX_BYTES + 1)
        .read_to_string(&mut text)?;
    if text.len() as u64 > MAX_BYTES {
        return Err(too_big());
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_small_regular_files_are_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("config.toml");
        std::fs::write(&file, "[till]\nid = \"K1\"\n").expect("written");
        assert!(read_text(&file).is_ok());
        assert_eq!(
            read_text(dir.path()).map_err(|e| e.kind()),
            Err(ErrorKind::InvalidInput),
            "a directory"
        );
        #[cfg(unix)]
        {
            let zero = dir.path().join("zero.toml");
            std::os::unix::fs::symlink("/dev/zero", &zero).expect("symlink");
            assert_eq!(
                read_text(&zero).map_err(|e| e.kind()),
                Err(ErrorKind::InvalidInput)
            );
        }
        let big = dir.path().join("big.toml");
        std::fs::write(&big, vec![b'#'; 2 * 1024 * 1024]).expect("written");
        assert_eq!(
            read_text(&big).map_err(|e| e.kind()),
            Err(ErrorKind::InvalidData)
        );
    }
}
