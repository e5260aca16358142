//! qht quick pay's pay page (快捷支付): the gateway answers with an HTML page for the customer to
//! finish with their bank. It is written to a file only the till's user may read (it may echo
//! the card holder's details), opened in the system's browser — on the customer's screen when
//! the browser is there — and deleted when the sale ends, whatever its end.
//!
//! `CASHIER_BROWSER` names the program that opens it instead of the system's default (a kiosk
//! browser on the customer's monitor); `off` opens nothing (the file's path is still said).

use std::path::{Path, PathBuf};

/// The pay pages of one data folder.
#[derive(Debug, Clone)]
pub struct CardPages {
    dir: PathBuf,
    /// The gateway's address, so the page's relative links resolve from a file.
    gateway_base: String,
}

impl CardPages {
    /// Pages under `data_dir`, for the gateway at `gateway_base`.
    #[must_use]
    pub fn new(data_dir: &Path, gateway_base: &str) -> CardPages {
        CardPages {
            dir: data_dir.join("pay-pages"),
            gateway_base: gateway_base.trim_end_matches('/').to_owned(),
        }
    }

    /// Where the page of `order_no` is written.
    #[must_use]
    pub fn path_of(&self, order_no: &str) -> PathBuf {
        self.dir.join(format!("{}.html", file_safe(order_no)))
    }

    /// Writes the page of `order_no`, owner-only, and returns its path.
    pub fn write(&self, order_no: &str, html: &str) -> std::io::Result<PathBuf> {
        crate::owner_only::dir(&self.dir)?;
        let path = self.path_of(order_no);
        let page = with_base(html, &self.gateway_base);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        std::io::Write::write_all(&mut options.open(&path)?, page.as_bytes())?;
        crate::owner_only::file(&path);
        Ok(path)
    }

    /// Writes the page and opens it in the browser, without waiting for it. A browser that
    /// cannot be started is logged: the page's path is on the cashier's screen to open by hand.
    pub fn show(&self, order_no: &str, html: &str) -> std::io::Result<PathBuf> {
        let path = self.write(order_no, html)?;
        open_in_browser(&path);
        Ok(path)
    }

    /// Deletes the page of `order_no` (the sale ended); a page already gone is fine.
    pub fn remove(&self, order_no: &str) {
        let _ = std::fs::remove_file(self.path_of(order_no));
    }

    /// Deletes every page left behind (a till killed mid-sale), at start-up.
    pub fn sweep(&self) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.flatten() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// `html` with a `<base>` at the gateway when it has none, so relative links and forms go
/// there and not to the file's folder.
fn with_base(html: &str, gateway_base: &str) -> String {
    if html.to_ascii_lowercase().contains("<base") || gateway_base.is_empty() {
        return html.to_owned();
    }
    let base = format!("<base href=\"{gateway_base}/\">");
    let lower = html.to_ascii_lowercase();
    match lower.find("<head>") {
        Some(at) => {
            let after = at + "<head>".len();
            format!("{}{base}{}", &html[..after], &html[after..])
        }
        None => format!("{base}{html}"),
    }
}

/// The page's first link (`<a href="…">`): the sandbox's page is one link to its completion,
/// which the window's 模拟顾客付款 opens as the customer's bank would.
#[must_use]
pub fn first_link(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let tag = lower.find("<a ")?;
    let start = tag + lower[tag..].find("href=\"")? + "href=\"".len();
    let len = html[start..].find('"')?;
    Some(html[start..start + len].replace("&amp;", "&"))
}

fn file_safe(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// Opens `path` with `CASHIER_BROWSER`, else the system's handler for HTML files.
fn open_in_browser(path: &Path) {
    let chosen = std::env::var("CASHIER_BROWSER").ok();
    let program = match chosen.as_deref() {
        Some("off") => return,
        Some(program) if !program.trim().is_empty() => program.to_owned(),
        _ if cfg!(windows) => "explorer".to_owned(),
        _ if cfg!(target_os = "macos") => "open".to_owned(),
        _ => "xdg-open".to_owned(),
    };
    match std::process::Command::new(&program)
        .arg(path)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        // Reaped on a thread of its own, so no zombie is left behind and nothing waits.
        Ok(mut child) => {
            std::thread::spawn(move || child.wait());
        }
        Err(error) => tracing::warn!(%error, program, "could not open the pay page"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_gets_the_gateway_as_its_base_unless_it_has_one() {
        let base = "http://gw.example:18084";
        assert_eq!(
            with_base("<html><head><title>t</title></head></html>", base),
            "<html><head><base href=\"http://gw.example:18084/\"><title>t</title></head></html>"
        );
        assert_eq!(
            with_base("<form action=\"pay\">", base),
            "<base href=\"http://gw.example:18084/\"><form action=\"pay\">"
        );
        let own = "<html><HEAD><BASE href=\"https://bank/\"></HEAD></html>";
        assert_eq!(with_base(own, base), own);
    }

    #[test]
    fn the_first_link_is_read_from_a_page() {
        let page = "<base href=\"http://127.0.0.1:9/\"><p><A class=\"b\" \
                    href=\"http://127.0.0.1:9/sandbox/pay/abc?x=1&amp;y=2\">确认支付</A></p>";
        assert_eq!(
            first_link(page).as_deref(),
            Some("http://127.0.0.1:9/sandbox/pay/abc?x=1&y=2")
        );
        assert_eq!(first_link("<p>no link</p>"), None);
    }

    #[test]
    fn a_page_is_written_owner_only_and_removed_when_the_sale_ends() {
        let dir = std::env::temp_dir().join(format!("card-pages-{}", uuid::Uuid::new_v4()));
        let pages = CardPages::new(&dir, "http://127.0.0.1:1/");
        let path = pages
            .write("T01-20261205-0001", "<p>pay</p>")
            .expect("written");
        assert!(path.starts_with(dir.join("pay-pages")));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path)
                .expect("there")
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "only the till's user reads a pay page");
        }
        assert!(
            std::fs::read_to_string(&path)
                .expect("read")
                .ends_with("<p>pay</p>")
        );
        pages.remove("T01-20261205-0001");
        assert!(!path.exists());
        pages.write("left-behind", "x").expect("written");
        pages.sweep();
        assert_eq!(
            std::fs::read_dir(dir.join("pay-pages"))
                .expect("listed")
                .count(),
            0
        );
        let _ = std::fs::remove_dir_all(dir);
    }
}
