//! The key scheme: how keys are written ([`KeyFormat`]) and hashed ([`SecretHasher`]), the one
//! setting the server and the key-management tool must share.

use leanrpc_core::{Grant, Role};

use crate::digest::SecretHasher;
use crate::key::{ApiKey, KeyFormat, KeyParts, MalformedKey, MintError};
use crate::store::StoredKey;

/// How keys are written and hashed. The default is prefix `lt` and plain SHA-256.
#[derive(Debug, Clone, Default)]
pub struct KeyScheme {
    format: KeyFormat,
    hasher: SecretHasher,
}

impl KeyScheme {
    /// A scheme from a format and a hasher.
    pub fn new(format: KeyFormat, hasher: SecretHasher) -> Self {
        Self { format, hasher }
    }

    /// The key format.
    pub fn format(&self) -> &KeyFormat {
        &self.format
    }

    /// The secret hasher.
    pub fn hasher(&self) -> &SecretHasher {
        &self.hasher
    }

    /// Parses header bytes as a key (see [`KeyFormat::parse`]).
    pub fn parse<'a>(&self, raw: &'a [u8]) -> Result<KeyParts<'a>, MalformedKey> {
        self.format.parse(raw)
    }

    /// Mints a key for `new`, created at Unix time `now`: the key to show once, and the record
    /// to store, which holds only the secret's digest.
    pub fn mint(&self, new: NewKey, now: i64) -> Result<(ApiKey, StoredKey), MintError> {
        let key = self.format.mint()?;
        let digest = self.hasher.digest(key.parts().secret());
        let mut stored = StoredKey::new(key.key_id(), new.grant, digest, now);
        stored.expires_at = new.expires_at;
        Ok((key, stored))
    }
}

/// A key to create: its [`Grant`] (name, role, projects, scopes) and its expiry.
///
/// ```
/// use leanrpc_core::{Grant, Role};
/// use leanrpc_keys::NewKey;
///
/// let new = NewKey::new("ci", Role::Editor).projects([7]).expires_at(2_000_000_000);
/// assert_eq!(new.grant, Grant::new("ci", Role::Editor).projects([7]));
/// assert_eq!(NewKey::from(new.grant.clone()).expires_at, None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NewKey {
    /// What the key may do.
    pub grant: Grant,
    /// When it stops working (Unix seconds), if ever.
    pub expires_at: Option<i64>,
}

impl NewKey {
    /// A key named `name` with `role`, every project, every scope, and no expiry.
    pub fn new(name: impl Into<String>, role: Role) -> Self {
        Self::from(Grant::new(name, role))
    }

    /// Limits the key to `projects` ([`Grant::projects`]).
    pub fn projects(mut self, projects: impl IntoIterator<Item = i64>) -> Self {
        self.grant = self.grant.projects(projects);
        self
    }

    /// Limits the key to `scopes` ([`Grant::scopes`]).
    pub fn scopes<T: Into<String>>(mut self, scopes: impl IntoIterator<Item = T>) -> Self {
        self.grant = self.grant.scopes(scopes);
        self
    }

    /// Makes the key stop working at Unix time `at`.
    pub fn expires_at(mut self, at: i64) -> Self {
        self.expires_at = Some(at);
        self
    }
}

impl From<Grant> for NewKey {
    /// A key with `grant` and no expiry.
    fn from(grant: Grant) -> Self {
        Self {
            grant,
            expires_at: None,
        }
    }
}
