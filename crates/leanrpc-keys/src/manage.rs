//! Key management over any [`KeyStore`]: create, revoke, rotate. The CLI is a thin layer on
//! these; an application can call them directly (to create a first admin key, say).

use std::fmt;

use crate::store::{KeyStatus, KeyStore, StoreError, StoredKey};

use crate::key::{ApiKey, MintError};
use crate::scheme::{KeyScheme, NewKey};
use crate::time::now_unix;

/// Why a key-management operation failed. Never carries a secret in its text.
#[derive(Debug)]
#[non_exhaustive]
pub enum ManageError {
    /// No key has this id.
    UnknownKey(String),
    /// The key is revoked or expired, so it cannot be rotated.
    Inactive {
        /// The key id.
        key_id: String,
        /// Its status.
        status: KeyStatus,
    },
    /// The expiry is not in the future.
    ExpiryInPast,
    /// A rotation created its new key but could not retire the old one, which still works.
    /// The new key is here so that it is not lost.
    OldKeyNotRetired {
        /// The new key.
        new_key: ApiKey,
        /// The old key's id.
        old_key_id: String,
        /// Why retiring failed.
        error: StoreError,
    },
    /// The OS random source failed.
    Mint(MintError),
    /// The store failed.
    Store(StoreError),
    /// Writing the output failed.
    Io(std::io::Error),
}

impl fmt::Display for ManageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ManageError::UnknownKey(id) => write!(f, "no key has id {id:?}"),
            ManageError::Inactive { key_id, status } => {
                write!(f, "key {key_id} is {status} and cannot be rotated")
            }
            ManageError::ExpiryInPast => f.write_str("the expiry is not in the future"),
            ManageError::OldKeyNotRetired {
                new_key,
                old_key_id,
                error,
            } => write!(
                f,
                "created key {} but could not retire key {old_key_id}, which still works: {error}",
                new_key.key_id()
            ),
            ManageError::Mint(error) => error.fmt(f),
            ManageError::Store(error) => error.fmt(f),
            ManageError::Io(error) => write!(f, "could not write the output: {error}"),
        }
    }
}

impl std::error::Error for ManageError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ManageError::OldKeyNotRetired { error, .. } | ManageError::Store(error) => Some(error),
            ManageError::Mint(error) => Some(error),
            ManageError::Io(error) => Some(error),
            _ => None,
        }
    }
}

impl From<StoreError> for ManageError {
    fn from(error: StoreError) -> Self {
        ManageError::Store(error)
    }
}

impl From<MintError> for ManageError {
    fn from(error: MintError) -> Self {
        ManageError::Mint(error)
    }
}

impl From<std::io::Error> for ManageError {
    fn from(error: std::io::Error) -> Self {
        ManageError::Io(error)
    }
}

/// Creates and stores a key for `new`: the key to show once, and what was stored.
pub async fn create_key<S: KeyStore + ?Sized>(
    store: &S,
    scheme: &KeyScheme,
    new: NewKey,
) -> Result<(ApiKey, StoredKey), ManageError> {
    let now = now_unix();
    if new.expires_at.is_some_and(|at| at <= now) {
        return Err(ManageError::ExpiryInPast);
    }
    // Key ids have 71 random bits; a second collision in a row means something else is wrong.
    let mut attempts = 0;
    loop {
        let (key, stored) = scheme.mint(new.clone(), now)?;
        match store.insert(stored.clone()).await {
            Ok(()) => {
                tracing::info!(key_id = key.key_id(), role = %stored.grant.role, "created API key");
                return Ok((key, stored));
            }
            Err(StoreError::Duplicate) if attempts < 2 => attempts += 1,
            Err(error) => return Err(error.into()),
        }
    }
}

/// Creates a key for `new` only when `store` holds no key at all ([`KeyStore::insert_if_empty`]),
/// as a server does on its first start: of servers starting together on one empty store,
/// exactly one gets `Some` (the key to show once, and what was stored), the others `None`.
pub async fn create_first_key<S: KeyStore + ?Sized>(
    store: &S,
    scheme: &KeyScheme,
    new: NewKey,
) -> Result<Option<(ApiKey, StoredKey)>, ManageError> {
    let now = now_unix();
    if new.expires_at.is_some_and(|at| at <= now) {
        return Err(ManageError::ExpiryInPast);
    }
    let (key, stored) = scheme.mint(new, now)?;
    if !store.insert_if_empty(stored.clone()).await? {
        return Ok(None);
    }
    tracing::info!(key_id = key.key_id(), role = %stored.grant.role, "created the first API key");
    Ok(Some((key, stored)))
}

/// Revokes key `key_id` now.
pub async fn revoke_key<S: KeyStore + ?Sized>(store: &S, key_id: &str) -> Result<(), ManageError> {
    match store.revoke(key_id, now_unix()).await {
        Ok(()) => {
            tracing::info!(key_id, "revoked API key");
            Ok(())
        }
        Err(StoreError::NotFound) => Err(ManageError::UnknownKey(key_id.to_owned())),
        Err(error) => Err(error.into()),
    }
}

/// The outcome of [`rotate_key`].
#[derive(Debug)]
pub struct Rotation {
    /// The new key, to show once.
    pub new_key: ApiKey,
    /// The new key as stored.
    pub stored: StoredKey,
    /// When the old key stops working: now if it was revoked, later with an overlap.
    pub old_ends_at: i64,
}

/// Replaces active key `key_id` with a new key of the same name, role, projects, scopes and
/// expiry. With an `overlap` of more than zero seconds the old key keeps working that long
/// (its expiry is brought forward to now + overlap); otherwise it is revoked now. A server
/// authenticating against the same store sees either within its change check interval.
pub async fn rotate_key<S: KeyStore + ?Sized>(
    store: &S,
    scheme: &KeyScheme,
    key_id: &str,
    overlap_secs: Option<u64>,
) -> Result<Rotation, ManageError> {
    let old = store
        .find(key_id)
        .await?
        .ok_or_else(|| ManageError::UnknownKey(key_id.to_owned()))?;
    let now = now_unix();
    let status = old.status_at(now);
    if status != KeyStatus::Active {
        return Err(ManageError::Inactive {
            key_id: key_id.to_owned(),
            status,
        });
    }
    let new = NewKey {
        grant: old.grant,
        expires_at: old.expires_at,
    };
    let (new_key, stored) = create_key(store, scheme, new).await?;
    let overlap = overlap_secs.map_or(0, |s| i64::try_from(s).unwrap_or(i64::MAX));
    let (retired, old_ends_at) = if overlap > 0 {
        let at = now.saturating_add(overlap);
        let at = old.expires_at.map_or(at, |old_at| old_at.min(at));
        (store.expire(key_id, at).await, at)
    } else {
        (store.revoke(key_id, now).await, now)
    };
    match retired {
        Ok(()) => {
            tracing::info!(
                old = key_id,
                new = new_key.key_id(),
                old_ends_at,
                "rotated API key"
            );
            Ok(Rotation {
                new_key,
                stored,
                old_ends_at,
            })
        }
        Err(error) => Err(ManageError::OldKeyNotRetired {
            new_key,
            old_key_id: key_id.to_owned(),
            error,
        }),
    }
}
