//! Where API keys live: the stored record ([`StoredKey`]) and the [`KeyStore`] plug-in point.
//!
//! A store holds only a digest of each key's secret, never the key itself. This crate provides
//! an in-memory, a SQLite and (feature `postgres`) a PostgreSQL store and the authenticator
//! that reads them; anything else (a remote service) implements [`KeyStore`] in its own crate
//! or file, and proves it with the conformance suite (`conformance` feature).

use std::fmt;
use std::sync::Arc;

use leanrpc_core::{BoxFuture, Caller, Grant};

/// One API key as a store holds it: its public id, its [`Grant`], the secret's digest, and its
/// life cycle. Times are Unix seconds (UTC); a store keeps every field exactly, times for any
/// `i64`.
///
/// Fields are public; a store building records from its rows starts from [`StoredKey::new`]
/// and sets the optional times, so that a field added later is not a breaking change.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StoredKey {
    /// The public lookup id (the middle part of `lt_{key_id}_{secret}`).
    pub key_id: String,
    /// What the key may do: name, role, projects, scopes.
    pub grant: Grant,
    /// The digest of the secret (SHA-256, or HMAC-SHA-256 with a server-side pepper).
    pub digest: [u8; 32],
    /// When the key was created.
    pub created_at: i64,
    /// When the key stops working, if ever.
    pub expires_at: Option<i64>,
    /// When the key was revoked, if it was.
    pub revoked_at: Option<i64>,
    /// When the key was last used, recorded coarsely (about once a minute).
    pub last_used_at: Option<i64>,
}

impl fmt::Debug for StoredKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The digest is not the secret, but it is what a guess is checked against: keep it out.
        f.debug_struct("StoredKey")
            .field("key_id", &self.key_id)
            .field("grant", &self.grant)
            .field("digest", &"[redacted]")
            .field("created_at", &self.created_at)
            .field("expires_at", &self.expires_at)
            .field("revoked_at", &self.revoked_at)
            .field("last_used_at", &self.last_used_at)
            .finish()
    }
}

/// Whether a key may be used at a given moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyStatus {
    /// The key works.
    Active,
    /// The key was revoked.
    Revoked,
    /// The key's expiry has passed.
    Expired,
}

impl KeyStatus {
    /// The lowercase name (`"revoked"`).
    pub const fn as_str(self) -> &'static str {
        match self {
            KeyStatus::Active => "active",
            KeyStatus::Revoked => "revoked",
            KeyStatus::Expired => "expired",
        }
    }
}

impl fmt::Display for KeyStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl StoredKey {
    /// A key with id `key_id`, `grant` and secret digest `digest`, created at `created_at`:
    /// never expiring, not revoked, never used.
    pub fn new(key_id: impl Into<String>, grant: Grant, digest: [u8; 32], created_at: i64) -> Self {
        Self {
            key_id: key_id.into(),
            grant,
            digest,
            created_at,
            expires_at: None,
            revoked_at: None,
            last_used_at: None,
        }
    }

    /// The key's status at Unix time `now`: revoked wins over expired; a key expires at the
    /// first second of `expires_at`.
    pub fn status_at(&self, now: i64) -> KeyStatus {
        if self.revoked_at.is_some() {
            KeyStatus::Revoked
        } else if self.expires_at.is_some_and(|at| now >= at) {
            KeyStatus::Expired
        } else {
            KeyStatus::Active
        }
    }

    /// The identity requests made with this key run as.
    pub fn caller(&self) -> Caller {
        Caller::new(self.key_id.clone(), self.grant.clone())
    }
}

/// A change a store pushes to its subscribers ([`KeyStore::subscribe`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyChange<'a> {
    /// The key with this id was created or changed (revoked, expired, rotated, deleted).
    Key(&'a str),
    /// Changes may have been missed (the feed was lost and is back, or it cannot name the
    /// key): nothing read before can be trusted.
    Unknown,
}

/// What [`KeyStore::subscribe`] calls for every change it pushes, from a task of the store's;
/// it answers `false` once it wants no more (its listener is then dropped). It must return
/// quickly and never block.
pub type ChangeListener = Box<dyn Fn(KeyChange<'_>) -> bool + Send + Sync>;

/// Why a [`KeyStore`] operation failed. Never carries a secret.
#[derive(Debug)]
#[non_exhaustive]
pub enum StoreError {
    /// A key with this id already exists.
    Duplicate,
    /// No key has this id.
    NotFound,
    /// The backend failed (I/O, a locked or corrupt database, a lost worker).
    Backend(Box<dyn std::error::Error + Send + Sync>),
}

impl StoreError {
    /// Wraps a backend error.
    pub fn backend(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        StoreError::Backend(error.into())
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Duplicate => f.write_str("a key with this id already exists"),
            StoreError::NotFound => f.write_str("no key has this id"),
            StoreError::Backend(error) => write!(f, "key store failed: {error}"),
        }
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StoreError::Backend(error) => Some(&**error),
            _ => None,
        }
    }
}

/// Persistent storage for API keys: lookup by key id for authentication, plus the writes key
/// management needs.
///
/// # The contract
///
/// Every store, whatever its backend, behaves as follows; `leanrpc_keys::conformance` (feature
/// `conformance`) checks each point, and a store should run it from its tests.
///
/// - **Exact records.** A key reads back ([`find`](Self::find), [`list`](Self::list)) equal
///   (`==`) to what was inserted and then changed by the methods below: every field, the grant's
///   projects and scopes in their order (repeats kept), names and scopes of any UTF-8 text
///   without NUL, digests of any bytes, times of any `i64`.
/// - **Exact ids.** Key ids are case-sensitive strings matched byte for byte: no prefix,
///   pattern (`%`, `_`) or case-insensitive match ever finds another key.
/// - **Writes touch one key**, and only the fields they name.
/// - **Errors.** Only [`insert`](Self::insert) answers [`StoreError::Duplicate`], and only
///   [`revoke`](Self::revoke) and [`expire`](Self::expire) answer [`StoreError::NotFound`]; a
///   refused write changes nothing. Anything else the backend reports is
///   [`StoreError::Backend`].
/// - **Concurrency.** Operations may run concurrently (from several tasks or threads): each is
///   atomic, concurrent inserts of one id let exactly one succeed, and concurrent
///   [`insert_if_empty`](Self::insert_if_empty) calls on an empty store let exactly one insert.
/// - **No digest in `Debug`.** A store's `Debug` output never shows a stored digest.
///
/// Implementations must be safe to share between threads; their futures should not depend on
/// a particular async runtime, so that any executor can drive them.
pub trait KeyStore: Send + Sync + 'static {
    /// The key with id `key_id`, if any (whatever its status); `Ok(None)` for an unknown id.
    fn find<'a>(&'a self, key_id: &'a str) -> BoxFuture<'a, Result<Option<StoredKey>, StoreError>>;

    /// Adds a new key, every field as given (a key may be inserted already revoked, expired or
    /// used); [`StoreError::Duplicate`] if its id is taken, leaving the existing key unchanged.
    fn insert(&self, key: StoredKey) -> BoxFuture<'_, Result<(), StoreError>>;

    /// Adds `key` only when the store holds no key at all, as one atomic step: of calls made
    /// at the same moment on an empty store (by this process or by others sharing the store)
    /// exactly one inserts. Answers whether this call inserted. A server calls it to make its
    /// first key on a first start, so that instances starting together make one between them.
    ///
    /// The default reads [`list`](Self::list), then calls [`insert`](Self::insert): right only
    /// while nothing else writes to the store in between. A store that tasks or processes share
    /// overrides it (the conformance suite checks concurrent calls).
    fn insert_if_empty(&self, key: StoredKey) -> BoxFuture<'_, Result<bool, StoreError>> {
        Box::pin(async move {
            if !self.list().await?.is_empty() {
                return Ok(false);
            }
            self.insert(key).await.map(|()| true)
        })
    }

    /// Every key, ordered by `created_at`, then by `key_id` (byte order); empty for an empty
    /// store.
    fn list(&self) -> BoxFuture<'_, Result<Vec<StoredKey>, StoreError>>;

    /// Marks a key revoked at `at`. A key already revoked keeps its first time and the call
    /// succeeds (so revoking is idempotent); [`StoreError::NotFound`] if there is no such key.
    fn revoke<'a>(&'a self, key_id: &'a str, at: i64) -> BoxFuture<'a, Result<(), StoreError>>;

    /// Makes a key expire at `at` at the latest: its `expires_at` becomes `at`, or stays where
    /// it was if that is earlier (so expiring is idempotent, and never extends a key's life);
    /// [`StoreError::NotFound`] if there is no such key.
    fn expire<'a>(&'a self, key_id: &'a str, at: i64) -> BoxFuture<'a, Result<(), StoreError>>;

    /// Records when keys were last used, as `(key_id, at)` pairs: each key's `last_used_at`
    /// becomes the latest of its stored time and the times given for it (an earlier time never
    /// replaces a later one). Unknown ids are skipped without error; an empty list does nothing.
    fn touch_many(&self, uses: Vec<(String, i64)>) -> BoxFuture<'_, Result<(), StoreError>>;

    /// A change counter: a number that differs from the last one returned whenever any key
    /// was created, revoked, expired or otherwise changed since, by this process or another
    /// one sharing the store (`last_used_at` writes need not count), and that reads do not
    /// change. It must be cheap, as an authenticator asks for it every few hundred milliseconds
    /// to drop what it cached once the store changed. `None` (the default) means the store
    /// cannot tell, and cached keys then live out their TTL.
    fn generation(&self) -> BoxFuture<'_, Result<Option<u64>, StoreError>> {
        Box::pin(std::future::ready(Ok(None)))
    }

    /// Pushes changes as they are committed, by this process or another sharing the store:
    /// the store calls `listener` for each (from a task of its own) until it answers `false`
    /// or the store is dropped. Answers whether the store pushes; `false` (the default) drops
    /// the listener at once. Push is best effort and comes on top of
    /// [`generation`](Self::generation), which stays the store's guarantee: a store that may
    /// have missed a change says [`KeyChange::Unknown`].
    fn subscribe(&self, listener: ChangeListener) -> bool {
        drop(listener);
        false
    }
}

impl<S: KeyStore + ?Sized> KeyStore for Arc<S> {
    fn find<'a>(&'a self, key_id: &'a str) -> BoxFuture<'a, Result<Option<StoredKey>, StoreError>> {
        (**self).find(key_id)
    }

    fn insert(&self, key: StoredKey) -> BoxFuture<'_, Result<(), StoreError>> {
        (**self).insert(key)
    }

    fn insert_if_empty(&self, key: StoredKey) -> BoxFuture<'_, Result<bool, StoreError>> {
        (**self).insert_if_empty(key)
    }

    fn list(&self) -> BoxFuture<'_, Result<Vec<StoredKey>, StoreError>> {
        (**self).list()
    }

    fn revoke<'a>(&'a self, key_id: &'a str, at: i64) -> BoxFuture<'a, Result<(), StoreError>> {
        (**self).revoke(key_id, at)
    }

    fn expire<'a>(&'a self, key_id: &'a str, at: i64) -> BoxFuture<'a, Result<(), StoreError>> {
        (**self).expire(key_id, at)
    }

    fn touch_many(&self, uses: Vec<(String, i64)>) -> BoxFuture<'_, Result<(), StoreError>> {
        (**self).touch_many(uses)
    }

    fn generation(&self) -> BoxFuture<'_, Result<Option<u64>, StoreError>> {
        (**self).generation()
    }

    fn subscribe(&self, listener: ChangeListener) -> bool {
        (**self).subscribe(listener)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use leanrpc_core::Role;

    fn key() -> StoredKey {
        let grant = Grant::new("ci", Role::Editor)
            .projects([3])
            .scopes(["tickets:read"]);
        let mut key = StoredKey::new("abc", grant, [0xAB; 32], 100);
        key.expires_at = Some(200);
        key
    }

    #[test]
    fn status_follows_revocation_then_expiry() {
        let mut k = key();
        assert_eq!(k.status_at(199), KeyStatus::Active);
        assert_eq!(k.status_at(200), KeyStatus::Expired);
        k.revoked_at = Some(150);
        assert_eq!(k.status_at(120), KeyStatus::Revoked);
        let caller = k.caller();
        assert_eq!(
            (caller.key_id(), &caller.grant().projects),
            ("abc", &vec![3])
        );
        assert_eq!(caller.grant(), &k.grant);
    }

    #[test]
    fn debug_hides_the_digest() {
        let shown = format!("{:?}", key());
        assert!(shown.contains("[redacted]") && shown.contains("abc"));
        assert!(!shown.contains("171"), "{shown}");
        assert!(!shown.to_lowercase().contains("abab"), "{shown}");
    }
}
