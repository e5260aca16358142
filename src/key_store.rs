//! Where a merchant key is kept: the platform's keyring (Secret Service on Linux, Windows
//! Credential Manager, macOS Keychain) when one answers, else the config file, readable by its
//! owner only, as on a headless till with no keyring.
//!
//! The config file says which with `[gateway] key_in = "keyring"`; a file written by hand with a
//! `key = "…"` and no `key_in` keeps its key where it is. `CASHIER_KEYRING=off` keeps keys in the
//! file even where a keyring answers (a shop that wants it so; the test suites' child processes).

use crate::gateway::Provider;
use crate::secret::Secret;

/// The keyring's service name for every key the cashier keeps.
const SERVICE: &str = "cashier";

/// Where a merchant key lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyPlace {
    /// In the config file (owner-only).
    #[default]
    File,
    /// In the platform's keyring; the config file holds no key.
    Keyring,
}

impl KeyPlace {
    /// Whether this is the file: the default, left out of the file when written.
    #[must_use]
    pub fn is_file(&self) -> bool {
        *self == KeyPlace::File
    }
}

/// The keyring could not keep or give the key: why, in the keyring's words (never the key).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct KeyringError(String);

impl From<keyring::Error> for KeyringError {
    fn from(error: keyring::Error) -> Self {
        // Display, never Debug: some variants carry the stored bytes.
        KeyringError(error.to_string())
    }
}

/// Whether keys may go to the keyring on this run (`CASHIER_KEYRING=off` says no).
#[must_use]
pub fn keyring_wanted() -> bool {
    std::env::var("CASHIER_KEYRING").map_or(true, |value| value.trim() != "off")
}

/// The keyring entry of one merchant: `cashier` / `qht:M123`.
fn entry(provider: Provider, merchant_id: &str) -> Result<keyring::Entry, KeyringError> {
    let user = format!("{}:{merchant_id}", provider.id());
    Ok(keyring::Entry::new(SERVICE, &user)?)
}

/// Puts `key` in the keyring for `provider`'s merchant `merchant_id`.
pub fn put(provider: Provider, merchant_id: &str, key: &Secret) -> Result<(), KeyringError> {
    entry(provider, merchant_id)?.set_password(key.expose())?;
    Ok(())
}

/// The key the keyring keeps for `provider`'s merchant `merchant_id`.
pub fn get(provider: Provider, merchant_id: &str) -> Result<Secret, KeyringError> {
    let key = entry(provider, merchant_id)?.get_password()?;
    Ok(Secret::new(key))
}
