//! The digest a store keeps instead of the secret, and its constant-time check.
//!
//! Secrets carry 190 random bits, so a fast hash is enough: there is nothing to brute-force,
//! and a slow password hash would only slow every request. A pepper (a server-side secret kept
//! outside the database) turns the digest into HMAC-SHA-256, so a stolen database alone cannot
//! even confirm a guessed key.

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// The environment variable [`SecretHasher::from_env`] reads the pepper from.
pub const PEPPER_ENV: &str = "LEANRPC_KEY_PEPPER";

/// Computes and checks secret digests: SHA-256, or HMAC-SHA-256 keyed with a pepper.
/// The server and the key-management tool must use the same pepper.
#[derive(Clone, Default)]
pub struct SecretHasher {
    pepper: Option<Zeroizing<Vec<u8>>>,
}

impl SecretHasher {
    /// Plain SHA-256 digests.
    pub fn new() -> Self {
        Self::default()
    }

    /// HMAC-SHA-256 digests keyed with `pepper`.
    pub fn with_pepper(pepper: &[u8]) -> Self {
        Self {
            pepper: Some(Zeroizing::new(pepper.to_vec())),
        }
    }

    /// Peppered with the bytes of [`PEPPER_ENV`] when it is set and not empty, plain otherwise.
    pub fn from_env() -> Self {
        match std::env::var_os(PEPPER_ENV) {
            Some(value) if !value.is_empty() => {
                let bytes = Zeroizing::new(value.into_encoded_bytes());
                Self::with_pepper(&bytes)
            }
            _ => Self::new(),
        }
    }

    /// Whether a pepper is in use.
    pub fn is_peppered(&self) -> bool {
        self.pepper.is_some()
    }

    /// The digest of `secret`.
    pub fn digest(&self, secret: &str) -> [u8; 32] {
        match &self.pepper {
            None => Sha256::digest(secret.as_bytes()).into(),
            Some(pepper) => {
                // HMAC accepts keys of any length, so this cannot fail.
                let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(pepper)
                    .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
                mac.update(secret.as_bytes());
                mac.finalize().into_bytes().into()
            }
        }
    }

    /// Whether `secret` has digest `expected`, compared in constant time.
    pub fn verify(&self, secret: &str, expected: &[u8; 32]) -> bool {
        let actual = Zeroizing::new(self.digest(secret));
        actual.ct_eq(expected).into()
    }
}

impl fmt::Debug for SecretHasher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretHasher")
            .field("peppered", &self.is_peppered())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_peppered_digests() {
        let plain = SecretHasher::new();
        // SHA-256("abc"), FIPS 180-2 test vector.
        assert_eq!(plain.digest("abc")[..4], [0xba, 0x78, 0x16, 0xbf]);
        // HMAC-SHA-256(key = "key", "The quick brown fox jumps over the lazy dog").
        let peppered = SecretHasher::with_pepper(b"key");
        let mac = peppered.digest("The quick brown fox jumps over the lazy dog");
        assert_eq!(mac[..4], [0xf7, 0xbc, 0x83, 0xf4]);
        assert!(peppered.verify("abc", &peppered.digest("abc")));
        assert!(!peppered.verify("abc", &plain.digest("abc")));
        assert!(!format!("{peppered:?}").contains("key"));
    }
}
