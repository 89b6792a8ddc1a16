//! A hand-written API key check for the contenders without one (the floor and jsonrpsee): the
//! least a server must do to accept an `lt_{id}_{secret}` key stored as a SHA-256 digest.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

/// Key ids and the SHA-256 digests of their secrets.
#[derive(Debug, Default, Clone)]
pub struct KeyTable {
    digests: HashMap<String, [u8; 32]>,
}

impl KeyTable {
    /// A table that accepts `key` (`lt_{id}_{secret}`).
    pub fn with_key(key: &str) -> Self {
        let mut table = Self::default();
        let (id, secret) = split(key.as_bytes()).expect("a key of the form lt_{id}_{secret}");
        table
            .digests
            .insert(id.to_owned(), Sha256::digest(secret.as_bytes()).into());
        table
    }

    /// Whether `header` (the `x-api-key` value) is a known key with the right secret.
    pub fn check(&self, header: Option<&[u8]>) -> bool {
        let Some((id, secret)) = header.and_then(split) else {
            return false;
        };
        self.digests
            .get(id)
            .is_some_and(|digest| <[u8; 32]>::from(Sha256::digest(secret.as_bytes())) == *digest)
    }
}

fn split(key: &[u8]) -> Option<(&str, &str)> {
    let key = std::str::from_utf8(key).ok()?;
    let rest = key.strip_prefix("lt_")?;
    rest.split_once('_')
}
