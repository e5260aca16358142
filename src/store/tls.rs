//! TLS to the store database, when its URL asks for it: `?sslmode=require` (or `verify-ca`,
//! `verify-full`) encrypts and checks the server's certificate, against the system's roots or,
//! with `&sslrootcert=/path/ca.pem`, against the shop's own CA (a store server on the LAN usually
//! has a self-signed one). Without `sslmode` the connection is plain, as a shop LAN's PostgreSQL
//! is set up by default.
//!
//! libpq's `require` encrypts without checking who answers; we always check, because a till that
//! trusts any certificate would send its orders to whoever answers on the store's address.

use std::sync::Arc;

use tokio_postgres::config::SslMode;

use super::StoreError;

/// What the URL asks of TLS, read off before the rest goes to tokio-postgres (which knows
/// `sslmode=disable|prefer|require` but not `verify-*` nor `sslrootcert`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsWanted {
    /// Off, when possible, or always.
    pub mode: SslMode,
    /// A PEM file of the CA certificates to trust instead of the system's.
    pub root_cert: Option<std::path::PathBuf>,
}

/// Splits `url` into what tokio-postgres parses and what TLS wants. Unknown parameters are left
/// for tokio-postgres to refuse.
pub fn split_url(url: &str) -> Result<(String, TlsWanted), StoreError> {
    let mut wanted = TlsWanted {
        mode: SslMode::Disable,
        root_cert: None,
    };
    let Some((base, query)) = url.split_once('?') else {
        return Ok((url.to_owned(), wanted));
    };
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let decoded = percent_encoding::percent_decode_str(value)
            .decode_utf8()
            .map_err(|_| StoreError::Url)?;
        match key {
            "sslmode" => {
                wanted.mode = match decoded.as_ref() {
                    "disable" => SslMode::Disable,
                    "allow" | "prefer" => SslMode::Prefer,
                    "require" | "verify-ca" | "verify-full" => SslMode::Require,
                    _ => return Err(StoreError::Url),
                };
            }
            "sslrootcert" if !decoded.is_empty() => {
                wanted.root_cert = Some(decoded.as_ref().into());
            }
            _ => kept.push(pair),
        }
    }
    let base = if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    Ok((base, wanted))
}

/// The connector for `wanted`. With TLS off it is never used, but one type serves both cases.
pub fn connector(
    wanted: &TlsWanted,
) -> Result<tokio_postgres_rustls::MakeRustlsConnect, StoreError> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|error| StoreError::Server(error.to_string()))?;
    let config = match (&wanted.mode, &wanted.root_cert) {
        (SslMode::Disable, _) => builder
            .with_root_certificates(rustls::RootCertStore::empty())
            .with_no_client_auth(),
        (_, Some(path)) => builder
            .with_root_certificates(roots_from(path)?)
            .with_no_client_auth(),
        (_, None) => {
            let verifier = rustls_platform_verifier::Verifier::new(provider)
                .map_err(|error| StoreError::Server(error.to_string()))?;
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(verifier))
                .with_no_client_auth()
        }
    };
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

/// The CA certificates in the PEM file at `path`.
fn roots_from(path: &std::path::Path) -> Result<rustls::RootCertStore, StoreError> {
    use rustls::pki_types::{CertificateDer, pem::PemObject};
    let unreadable = || StoreError::RootCert(path.display().to_string());
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(path).map_err(|_| unreadable())? {
        roots
            .add(cert.map_err(|_| unreadable())?)
            .map_err(|_| unreadable())?;
    }
    if roots.is_empty() {
        return Err(unreadable());
    }
    Ok(roots)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_without_sslmode_is_plain() {
        let (base, wanted) = split_url("postgres://u:p@h:5432/db").expect("plain URL");
        assert_eq!(base, "postgres://u:p@h:5432/db");
        assert_eq!(wanted.mode, SslMode::Disable);
    }

    #[test]
    fn verify_full_and_a_root_cert_are_read_off_and_the_rest_kept() {
        let (base, wanted) = split_url(
            "postgres://u@h/db?connect_timeout=5&sslmode=verify-full&sslrootcert=%2Fetc%2Fshop%20ca.pem",
        )
        .expect("TLS URL");
        assert_eq!(base, "postgres://u@h/db?connect_timeout=5");
        assert_eq!(wanted.mode, SslMode::Require);
        assert_eq!(
            wanted.root_cert.as_deref(),
            Some(std::path::Path::new("/etc/shop ca.pem"))
        );
    }

    #[test]
    fn an_unknown_sslmode_is_a_bad_url() {
        assert_eq!(
            split_url("postgres://u@h/db?sslmode=maybe").expect_err("bad mode"),
            StoreError::Url
        );
    }

    #[test]
    fn a_missing_or_empty_root_cert_file_is_named() {
        let dir = tempfile::tempdir().expect("tempdir");
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "not a certificate").expect("write");
        for path in [dir.path().join("absent.pem"), empty] {
            let wanted = TlsWanted {
                mode: SslMode::Require,
                root_cert: Some(path.clone()),
            };
            assert_eq!(
                connector(&wanted).err(),
                Some(StoreError::RootCert(path.display().to_string()))
            );
        }
    }
}
