//! The in-memory cache of stored keys, so the store is not read on every request.
//!
//! It caches the store's records (digest included), never a verdict: every request still has
//! its secret checked against the digest and its status checked against the clock.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use leanrpc_core::Caller;

use crate::store::StoredKey;

/// A cached record with the [`Caller`] it authenticates as, built once per store read.
#[derive(Debug)]
pub(crate) struct CachedKey {
    pub(crate) record: StoredKey,
    pub(crate) caller: Arc<Caller>,
    /// When this key's use was last sent to the usage writer, as far as this entry knows
    /// (`i64::MIN`: not yet): lets a request skip the recorder's lock while it is recent.
    pub(crate) usage_sent_at: AtomicI64,
}

/// Key records by id, each trusted for `ttl` after it was read and until the store's change
/// counter ([`KeyStore::generation`](crate::KeyStore::generation)) moves or the store pushes a
/// change to it ([`pushed`](Self::pushed)). A zero `ttl` caches nothing.
///
/// The authenticator asks the store for its counter at most every `check_interval` (see
/// [`check_due`](Self::check_due)) and hands the answer to [`observe`](Self::observe), which
/// drops every entry when it moved. A record read from the store is only cached if no change
/// was observed or pushed since its read began ([`put`](Self::put) takes the [`Seen`] token
/// taken before), so a read that raced a change cannot put the old record back.
#[derive(Debug)]
pub(crate) struct KeyCache {
    ttl: Duration,
    max_entries: usize,
    check_interval: Duration,
    /// Where [`last_check`](Self::last_check) counts from.
    epoch: Instant,
    /// When the newest completed change check began, in nanoseconds since `epoch`, plus one
    /// (0: none has completed yet).
    last_check: AtomicU64,
    entries: Mutex<Entries>,
}

#[derive(Debug, Default)]
struct Entries {
    keys: HashMap<String, (Arc<CachedKey>, Instant)>,
    /// The store's change counter when `keys` was last emptied for it (`None`: not known).
    generation: Option<u64>,
    /// How many times entries were dropped for a pushed change.
    pushes: u64,
}

/// What the cache knew when a store read began: [`put`](KeyCache::put) keeps the record only
/// if nothing changed since.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Seen {
    generation: Option<u64>,
    pushes: u64,
}

impl KeyCache {
    pub(crate) fn new(ttl: Duration, max_entries: usize, check_interval: Duration) -> Self {
        Self {
            ttl,
            max_entries,
            check_interval,
            epoch: Instant::now(),
            last_check: AtomicU64::new(0),
            entries: Mutex::new(Entries::default()),
        }
    }

    pub(crate) fn ttl(&self) -> Duration {
        self.ttl
    }

    pub(crate) fn check_interval(&self) -> Duration {
        self.check_interval
    }

    fn lock(&self) -> MutexGuard<'_, Entries> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether a request at `now` must first ask the store for its change counter: the cache
    /// is in use and no change check that began less than `check_interval` before `now` has
    /// completed. Every request for which this holds makes its own check, so a request never
    /// uses an entry that a change committed more than `check_interval` before it began would
    /// have dropped.
    pub(crate) fn check_due(&self, now: Instant) -> bool {
        if self.ttl.is_zero() {
            return false;
        }
        match self.last_check.load(Ordering::Acquire) {
            0 => true,
            n => {
                let began = self.epoch + Duration::from_nanos(n - 1);
                now.saturating_duration_since(began) >= self.check_interval
            }
        }
    }

    /// Records the store's change counter as read by a check that began at `began`: a counter
    /// that moved drops every entry. `None` (the store cannot tell) changes nothing.
    pub(crate) fn observe(&self, generation: Option<u64>, began: Instant) {
        if let Some(generation) = generation {
            let mut entries = self.lock();
            if entries.generation != Some(generation) {
                entries.keys.clear();
                entries.generation = Some(generation);
            }
        }
        self.checked(began);
    }

    /// Drops every entry (the change check failed, so nothing cached can be trusted) and
    /// forgets the generation, so only records read from now on are cached.
    pub(crate) fn clear(&self, began: Instant) {
        let mut entries = self.lock();
        entries.keys.clear();
        entries.generation = None;
        drop(entries);
        self.checked(began);
    }

    fn checked(&self, began: Instant) {
        let nanos = began.saturating_duration_since(self.epoch).as_nanos();
        let nanos = u64::try_from(nanos).unwrap_or(u64::MAX - 1) + 1;
        self.last_check.fetch_max(nanos, Ordering::AcqRel);
    }

    /// What records read from now on belong to: pass it to [`put`](Self::put).
    pub(crate) fn generation(&self) -> Seen {
        let entries = self.lock();
        Seen {
            generation: entries.generation,
            pushes: entries.pushes,
        }
    }

    /// A change the store pushed: drops the entry of the key named, or every entry for
    /// [`KeyChange::Unknown`](crate::KeyChange::Unknown), and keeps reads that began before
    /// from being cached.
    pub(crate) fn pushed(&self, key_id: Option<&str>) {
        let mut entries = self.lock();
        entries.pushes = entries.pushes.wrapping_add(1);
        match key_id {
            Some(key_id) => {
                entries.keys.remove(key_id);
            }
            None => entries.keys.clear(),
        }
    }

    /// The record for `key_id` if it was read less than `ttl` ago and no change was observed
    /// since.
    pub(crate) fn get(&self, key_id: &str, now: Instant) -> Option<Arc<CachedKey>> {
        if self.ttl.is_zero() {
            return None;
        }
        let entries = self.lock();
        let (key, read_at) = entries.keys.get(key_id)?;
        (now.saturating_duration_since(*read_at) < self.ttl).then(|| Arc::clone(key))
    }

    /// Remembers a record read from the store at `now`, by a read that began when the cache
    /// was at `seen`; if a change was observed or pushed since, it is returned but not kept.
    pub(crate) fn put(&self, record: StoredKey, now: Instant, seen: Seen) -> Arc<CachedKey> {
        let caller = Arc::new(record.caller());
        let key = Arc::new(CachedKey {
            record,
            caller,
            usage_sent_at: AtomicI64::new(i64::MIN),
        });
        if self.ttl.is_zero() {
            return key;
        }
        let mut entries = self.lock();
        if entries.generation != seen.generation || entries.pushes != seen.pushes {
            return key;
        }
        let keys = &mut entries.keys;
        if keys.len() >= self.max_entries && !keys.contains_key(&key.record.key_id) {
            let ttl = self.ttl;
            keys.retain(|_, (_, read_at)| now.saturating_duration_since(*read_at) < ttl);
            if keys.len() >= self.max_entries {
                // Only keys that exist get here, so this means a huge key set: start over.
                keys.clear();
            }
        }
        keys.insert(key.record.key_id.clone(), (Arc::clone(&key), now));
        key
    }

    /// Drops the record for `key_id`.
    pub(crate) fn forget(&self, key_id: &str) {
        self.lock().keys.remove(key_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use leanrpc_core::{Grant, Role};

    const CHECK: Duration = Duration::from_millis(250);

    fn key(id: &str) -> StoredKey {
        StoredKey::new(id, Grant::new("", Role::Readonly), [0; 32], 0)
    }

    #[test]
    fn entries_live_for_the_ttl() {
        let t0 = Instant::now();
        let cache = KeyCache::new(Duration::from_secs(30), 2, CHECK);
        let none = cache.generation();
        cache.put(key("a"), t0, none);
        assert!(cache.get("a", t0 + Duration::from_secs(29)).is_some());
        assert!(cache.get("a", t0 + Duration::from_secs(30)).is_none());
        cache.forget("a");
        assert!(cache.get("a", t0).is_none());
        cache.put(key("b"), t0, none);
        cache.put(key("c"), t0, none);
        cache.put(key("d"), t0, none);
        assert!(cache.entries.lock().unwrap().keys.len() <= 2);
    }

    #[test]
    fn zero_ttl_caches_nothing() {
        let t0 = Instant::now();
        let cache = KeyCache::new(Duration::ZERO, 10, CHECK);
        cache.put(key("a"), t0, cache.generation());
        assert!(cache.get("a", t0).is_none());
        assert!(!cache.check_due(t0), "nothing cached, nothing to check");
    }

    #[test]
    fn a_moved_generation_drops_entries_and_stale_reads() {
        let cache = KeyCache::new(Duration::from_secs(30), 10, CHECK);
        let t0 = Instant::now();
        assert!(cache.check_due(t0), "the first request checks");
        cache.observe(Some(1), t0);
        assert!(!cache.check_due(t0 + CHECK / 2));
        assert!(cache.check_due(t0 + CHECK));
        let seen = cache.generation();
        cache.put(key("a"), t0, seen);
        cache.observe(Some(1), t0 + CHECK);
        assert!(
            cache.get("a", t0).is_some(),
            "an unchanged counter keeps entries"
        );
        // A read that began before a change completes after the check saw the change.
        let stale = cache.generation();
        cache.observe(Some(2), t0 + 2 * CHECK);
        assert!(
            cache.get("a", t0).is_none(),
            "a moved counter drops entries"
        );
        cache.put(key("b"), t0, stale);
        assert!(
            cache.get("b", t0).is_none(),
            "a read from before the change is not kept"
        );
        cache.put(key("b"), t0, cache.generation());
        assert!(cache.get("b", t0).is_some());
        // A check that began earlier and ends late does not push the next check back.
        cache.observe(Some(2), t0);
        assert!(cache.check_due(t0 + 3 * CHECK));
        assert!(!cache.check_due(t0 + 2 * CHECK));
        cache.clear(t0 + 3 * CHECK);
        assert!(
            cache.get("b", t0).is_none(),
            "a failed check drops everything"
        );
    }

    #[test]
    fn a_pushed_change_drops_its_key_and_stale_reads() {
        let cache = KeyCache::new(Duration::from_secs(30), 10, CHECK);
        let t0 = Instant::now();
        cache.observe(Some(1), t0);
        let seen = cache.generation();
        cache.put(key("a"), t0, seen);
        cache.put(key("b"), t0, seen);
        // A read of "c" began before the push and ends after it: not kept.
        let stale = cache.generation();
        cache.pushed(Some("a"));
        assert!(cache.get("a", t0).is_none(), "the pushed key is dropped");
        assert!(cache.get("b", t0).is_some(), "other keys stay");
        cache.put(key("c"), t0, stale);
        assert!(
            cache.get("c", t0).is_none(),
            "a read from before the push is not kept"
        );
        cache.put(key("c"), t0, cache.generation());
        assert!(cache.get("c", t0).is_some());
        cache.pushed(None);
        assert!(
            cache.get("b", t0).is_none() && cache.get("c", t0).is_none(),
            "an unknown change drops everything"
        );
    }
}
