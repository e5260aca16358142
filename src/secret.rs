//! A merchant key that never shows itself: not in `Debug`, not in `Display`, not in logs.

use std::fmt;

/// A secret string. Read it with [`Secret::expose`] only where it is signed with.
#[derive(Clone, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    #[must_use]
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself, for signing.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether no secret is set.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(******)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("******")
    }
}

/// Masks a bank card or ID number for display and logs: the first 4 and last 4 characters stay,
/// the rest become `*` (`6222********1234`). Short values are masked whole but for the last 2.
#[must_use]
pub fn mask_number(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    let (head, tail) = if chars.len() > 10 {
        (4, 4)
    } else {
        (0, 2.min(chars.len()))
    };
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i < head || i >= chars.len() - tail {
                *c
            } else {
                '*'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_never_prints() {
        let key = Secret::new("25e72d96d0ffe0bb74373344d986df3c");
        assert!(!format!("{key:?} {key}").contains("25e72d"));
        assert_eq!(key.expose(), "25e72d96d0ffe0bb74373344d986df3c");
    }

    #[test]
    fn numbers_are_masked() {
        assert_eq!(mask_number("6222021234567891234"), "6222***********1234");
        assert_eq!(mask_number("44142719900101123X"), "4414**********123X");
        assert_eq!(mask_number("12345"), "***45");
        assert_eq!(mask_number(""), "");
    }
}
