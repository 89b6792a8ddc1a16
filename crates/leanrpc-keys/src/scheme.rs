//! The key scheme: how keys are written ([`KeyFormat`]) and hashed ([`SecretHasher`]), the one
//! setting the server and the key-management tool must share.

use leanrpc_core::{Role, StoredKey};

use crate::digest::SecretHasher;
use crate::key::{ApiKey, KeyFormat, KeyParts, MalformedKey, MintError};

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
        let stored = StoredKey {
            key_id: key.key_id().to_owned(),
            name: new.name,
            digest: self.hasher.digest(key.parts().secret()),
            role: new.role,
            projects: new.projects,
            scopes: new.scopes,
            created_at: now,
            expires_at: new.expires_at,
            revoked_at: None,
            last_used_at: None,
        };
        Ok((key, stored))
    }
}

/// What a new key may do: its name, role, projects, scopes and expiry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewKey {
    /// A human-readable name.
    pub name: String,
    /// The key's role.
    pub role: Role,
    /// The projects it may touch; empty means every project.
    pub projects: Vec<i64>,
    /// The scopes it holds; empty means every scope.
    pub scopes: Vec<String>,
    /// When it stops working (Unix seconds), if ever.
    pub expires_at: Option<i64>,
}

impl NewKey {
    /// A key named `name` with `role`, every project, every scope, and no expiry.
    pub fn new(name: impl Into<String>, role: Role) -> Self {
        Self {
            name: name.into(),
            role,
            projects: Vec::new(),
            scopes: Vec::new(),
            expires_at: None,
        }
    }

    /// Limits the key to `projects`.
    pub fn projects(mut self, projects: impl IntoIterator<Item = i64>) -> Self {
        self.projects = projects.into_iter().collect();
        self
    }

    /// Limits the key to `scopes`.
    pub fn scopes<T: Into<String>>(mut self, scopes: impl IntoIterator<Item = T>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Makes the key stop working at Unix time `at`.
    pub fn expires_at(mut self, at: i64) -> Self {
        self.expires_at = Some(at);
        self
    }
}
