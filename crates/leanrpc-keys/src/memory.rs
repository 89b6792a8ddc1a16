//! [`MemoryStore`]: keys in a map, for tests and throwaway servers.

use std::collections::BTreeMap;
use std::future::ready;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use leanrpc_core::BoxFuture;

use crate::store::{KeyStore, StoreError, StoredKey};

/// A [`KeyStore`] in memory: nothing survives the process. Every operation completes at once.
#[derive(Default)]
pub struct MemoryStore {
    keys: Mutex<BTreeMap<String, StoredKey>>,
    /// Bumped by every insert, revocation and expiry: [`KeyStore::generation`].
    generation: AtomicU64,
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryStore")
            .field("keys", &self.lock().len())
            .finish()
    }
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<String, StoredKey>> {
        self.keys.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn update(&self, key_id: &str, change: impl FnOnce(&mut StoredKey)) -> Result<(), StoreError> {
        let mut keys = self.lock();
        let key = keys.get_mut(key_id).ok_or(StoreError::NotFound)?;
        change(key);
        self.generation.fetch_add(1, Ordering::Release);
        Ok(())
    }
}

impl KeyStore for MemoryStore {
    fn find<'a>(&'a self, key_id: &'a str) -> BoxFuture<'a, Result<Option<StoredKey>, StoreError>> {
        Box::pin(ready(Ok(self.lock().get(key_id).cloned())))
    }

    fn insert(&self, key: StoredKey) -> BoxFuture<'_, Result<(), StoreError>> {
        let mut keys = self.lock();
        let result = if keys.contains_key(&key.key_id) {
            Err(StoreError::Duplicate)
        } else {
            keys.insert(key.key_id.clone(), key);
            self.generation.fetch_add(1, Ordering::Release);
            Ok(())
        };
        Box::pin(ready(result))
    }

    fn insert_if_empty(&self, key: StoredKey) -> BoxFuture<'_, Result<bool, StoreError>> {
        let mut keys = self.lock();
        let inserted = keys.is_empty();
        if inserted {
            keys.insert(key.key_id.clone(), key);
            self.generation.fetch_add(1, Ordering::Release);
        }
        Box::pin(ready(Ok(inserted)))
    }

    fn list(&self) -> BoxFuture<'_, Result<Vec<StoredKey>, StoreError>> {
        let mut all: Vec<_> = self.lock().values().cloned().collect();
        all.sort_by(|a, b| (a.created_at, &a.key_id).cmp(&(b.created_at, &b.key_id)));
        Box::pin(ready(Ok(all)))
    }

    fn revoke<'a>(&'a self, key_id: &'a str, at: i64) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(ready(self.update(key_id, |k| {
            k.revoked_at.get_or_insert(at);
        })))
    }

    fn expire<'a>(&'a self, key_id: &'a str, at: i64) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(ready(self.update(key_id, |k| {
            k.expires_at = Some(k.expires_at.map_or(at, |old| old.min(at)));
        })))
    }

    fn touch_many(&self, uses: Vec<(String, i64)>) -> BoxFuture<'_, Result<(), StoreError>> {
        let mut keys = self.lock();
        for (key_id, at) in uses {
            if let Some(key) = keys.get_mut(&key_id) {
                key.last_used_at = Some(key.last_used_at.map_or(at, |old| old.max(at)));
            }
        }
        Box::pin(ready(Ok(())))
    }

    fn generation(&self) -> BoxFuture<'_, Result<Option<u64>, StoreError>> {
        Box::pin(ready(Ok(Some(self.generation.load(Ordering::Acquire)))))
    }
}
