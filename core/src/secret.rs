//! The provider secret: redacted everywhere, zeroized on drop.

use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// A provider secret key. `Debug` and `Display` print `Secret(***)`; the bytes
/// are wiped when the last copy is dropped.
#[derive(Clone)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Wraps a secret. Validation happens when the client is built.
    pub fn new(secret: impl Into<String>) -> Self {
        Secret(Zeroizing::new(secret.into()))
    }

    /// The secret itself. Only the transport calls this.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }

    pub(crate) fn has_control_chars(&self) -> bool {
        self.0.chars().any(char::is_control)
    }

    /// Hex SHA-256 of the secret: lets callers key caches on "same secret"
    /// without holding the secret.
    pub fn fingerprint(&self) -> String {
        let digest = Sha256::digest(self.0.as_bytes());
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}
