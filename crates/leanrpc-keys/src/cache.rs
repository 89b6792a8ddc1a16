//! The in-memory cache of stored keys, so the store is not read on every request.
//!
//! It caches the store's records (digest included), never a verdict: every request still has
//! its secret checked against the digest and its status checked against the clock.

use std::collections::HashMap;
use std::sync::atomic::AtomicI64;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use leanrpc_core::{Caller, StoredKey};

/// A cached record with the [`Caller`] it authenticates as, built once per store read.
#[derive(Debug)]
pub(crate) struct CachedKey {
    pub(crate) record: StoredKey,
    pub(crate) caller: Arc<Caller>,
    /// When this key's use was last sent to the usage writer, as far as this entry knows
    /// (`i64::MIN`: not yet): lets a request skip the recorder's lock while it is recent.
    pub(crate) usage_sent_at: AtomicI64,
}

/// Key records by id, each trusted for `ttl` after it was read. A zero `ttl` caches nothing.
#[derive(Debug)]
pub(crate) struct KeyCache {
    ttl: Duration,
    max_entries: usize,
    entries: Mutex<HashMap<String, (Arc<CachedKey>, Instant)>>,
}

impl KeyCache {
    pub(crate) fn new(ttl: Duration, max_entries: usize) -> Self {
        Self {
            ttl,
            max_entries,
            entries: Mutex::new(HashMap::new()),
        }
    }

    pub(crate) fn ttl(&self) -> Duration {
        self.ttl
    }

    /// The record for `key_id` if it was read less than `ttl` ago.
    pub(crate) fn get(&self, key_id: &str, now: Instant) -> Option<Arc<CachedKey>> {
        if self.ttl.is_zero() {
            return None;
        }
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let (key, read_at) = entries.get(key_id)?;
        (now.saturating_duration_since(*read_at) < self.ttl).then(|| Arc::clone(key))
    }

    /// Remembers a record read from the store at `now`.
    pub(crate) fn put(&self, record: StoredKey, now: Instant) -> Arc<CachedKey> {
        let caller = Arc::new(record.caller());
        let key = Arc::new(CachedKey {
            record,
            caller,
            usage_sent_at: AtomicI64::new(i64::MIN),
        });
        if self.ttl.is_zero() {
            return key;
        }
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= self.max_entries && !entries.contains_key(&key.record.key_id) {
            let ttl = self.ttl;
            entries.retain(|_, (_, read_at)| now.saturating_duration_since(*read_at) < ttl);
            if entries.len() >= self.max_entries {
                // Only keys that exist get here, so this means a huge key set: start over.
                entries.clear();
            }
        }
        entries.insert(key.record.key_id.clone(), (Arc::clone(&key), now));
        key
    }

    /// Drops the record for `key_id`.
    pub(crate) fn forget(&self, key_id: &str) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.remove(key_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use leanrpc_core::Role;

    fn key(id: &str) -> StoredKey {
        StoredKey {
            key_id: id.into(),
            name: String::new(),
            digest: [0; 32],
            role: Role::Readonly,
            projects: vec![],
            scopes: vec![],
            created_at: 0,
            expires_at: None,
            revoked_at: None,
            last_used_at: None,
        }
    }

    #[test]
    fn entries_live_for_the_ttl() {
        let t0 = Instant::now();
        let cache = KeyCache::new(Duration::from_secs(30), 2);
        cache.put(key("a"), t0);
        assert!(cache.get("a", t0 + Duration::from_secs(29)).is_some());
        assert!(cache.get("a", t0 + Duration::from_secs(30)).is_none());
        cache.forget("a");
        assert!(cache.get("a", t0).is_none());
        cache.put(key("b"), t0);
        cache.put(key("c"), t0);
        cache.put(key("d"), t0);
        assert!(cache.entries.lock().unwrap().len() <= 2);
    }

    #[test]
    fn zero_ttl_caches_nothing() {
        let t0 = Instant::now();
        let cache = KeyCache::new(Duration::ZERO, 10);
        cache.put(key("a"), t0);
        assert!(cache.get("a", t0).is_none());
    }
}
