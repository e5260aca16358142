//! The PostgreSQL password file (`~/.pgpass`, or `PGPASSFILE`), read as libpq reads it: lines of
//! `host:port:database:user:password`, `*` matching anything, `\` escaping `:` and `\`, the first
//! matching line winning, and the file ignored unless only its owner can read it.

use std::path::PathBuf;

/// The password for `config`'s first host, port, database and user, if the file has one.
pub fn lookup(config: &tokio_postgres::Config) -> Option<String> {
    let path = std::env::var_os("PGPASSFILE")
        .map(PathBuf::from)
        .or_else(default_path)?;
    #[cfg(unix)]
    {
        let metadata = std::fs::metadata(&path).ok()?;
        if std::os::unix::fs::PermissionsExt::mode(&metadata.permissions()) & 0o077 != 0 {
            tracing::warn!(path = %path.display(), "password file ignored: others can read it (chmod 600)");
            return None;
        }
    }
    let text = crate::small_file::read_text(&path).ok()?;
    let host = match config.get_hosts().first()? {
        tokio_postgres::config::Host::Tcp(host) => host.clone(),
        #[cfg(unix)]
        tokio_postgres::config::Host::Unix(path) => path.display().to_string(),
    };
    let port = config
        .get_ports()
        .first()
        .copied()
        .unwrap_or(5432)
        .to_string();
    let user = config.get_user().unwrap_or_default();
    let database = config.get_dbname().unwrap_or_default();
    password_for(&text, [&host, &port, database, user])
}

/// Where libpq looks when `PGPASSFILE` is not set: `~/.pgpass` on Unix, and on Windows
/// `%APPDATA%\postgresql\pgpass.conf` (there, as in libpq, the file's permissions are not checked:
/// a user's profile is the user's).
fn default_path() -> Option<PathBuf> {
    let dirs = directories::BaseDirs::new()?;
    if cfg!(windows) {
        Some(dirs.config_dir().join("postgresql").join("pgpass.conf"))
    } else {
        Some(dirs.home_dir().join(".pgpass"))
    }
}

/// The password of the first line of `text` whose four fields match `wanted`.
fn password_for(text: &str, wanted: [&str; 4]) -> Option<String> {
    text.lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .find_map(|line| {
            let fields = split_fields(line);
            let [host, port, database, user, password] = fields.as_slice() else {
                return None;
            };
            let matches = [host, port, database, user]
                .iter()
                .zip(wanted)
                .all(|(field, want)| field.as_str() == "*" || field.as_str() == want);
            matches.then(|| password.clone())
        })
}

/// `line` split on unescaped `:`, with `\:` and `\\` unescaped.
fn split_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let (Some(next), Some(field)) = (chars.next(), fields.last_mut()) {
                    field.push(next);
                }
            }
            ':' => fields.push(String::new()),
            c => {
                if let Some(field) = fields.last_mut() {
                    field.push(c);
                }
            }
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::password_for;

    #[test]
    fn the_first_matching_line_gives_the_password() {
        let text = "# store\n\
                    otherhost:5432:shop:cashier:nope\n\
                    192.168.1.10:5432:shop:cashier:pa\\:ss\\\\word\n\
                    *:*:*:cashier:fallback\n";
        let wanted = ["192.168.1.10", "5432", "shop", "cashier"];
        assert_eq!(password_for(text, wanted), Some("pa:ss\\word".to_owned()));
        let elsewhere = ["10.0.0.1", "5433", "other", "cashier"];
        assert_eq!(password_for(text, elsewhere), Some("fallback".to_owned()));
        let nobody = ["10.0.0.1", "5433", "other", "owner"];
        assert_eq!(password_for(text, nobody), None);
    }
}
