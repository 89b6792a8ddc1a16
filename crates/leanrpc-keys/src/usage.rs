//! Coarse `last_used_at`: remembered on the request path, written by a background thread.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex, PoisonError};

use crate::store::KeyStore;

use crate::cache::CachedKey;

/// Sends at most one use per key per `interval_secs` to a writer thread, which batches whatever
/// has arrived into one [`KeyStore::touch_many`]. The request path reads an atomic; once per key and
/// interval it takes a lock and sends on a channel. The thread ends, after writing what is queued, once the recorder is dropped.
#[derive(Debug)]
pub(crate) struct UsageRecorder {
    interval_secs: i64,
    sent: Mutex<HashMap<String, i64>>,
    uses: Sender<(String, i64)>,
}

impl UsageRecorder {
    /// Starts the writer thread; `None` if the thread could not be started.
    pub(crate) fn spawn<S: KeyStore>(store: Arc<S>, interval_secs: i64) -> Option<Self> {
        let (uses, queue) = mpsc::channel::<(String, i64)>();
        let writer = move || {
            while let Ok(first) = queue.recv() {
                let batch: Vec<_> = std::iter::once(first).chain(queue.try_iter()).collect();
                let count = batch.len();
                match futures_executor::block_on(store.touch_many(batch)) {
                    Ok(()) => tracing::trace!(count, "recorded API key usage"),
                    Err(error) => tracing::warn!(%error, count, "could not record API key usage"),
                }
            }
        };
        match std::thread::Builder::new()
            .name("leanrpc-keys-usage".to_owned())
            .spawn(writer)
        {
            Ok(_) => Some(Self {
                interval_secs,
                sent: Mutex::new(HashMap::new()),
                uses,
            }),
            Err(error) => {
                tracing::warn!(%error, "no usage writer thread: last_used_at will not be recorded");
                None
            }
        }
    }

    /// Notes that `key` was used at `now`. While the entry's own note of the last send is
    /// recent, this reads one atomic and takes no lock.
    pub(crate) fn record(&self, key: &CachedKey, now: i64) {
        let recent = |at: i64| now.saturating_sub(at) < self.interval_secs;
        if recent(key.usage_sent_at.load(Ordering::Relaxed)) {
            return;
        }
        let key_id = key.record.key_id.as_str();
        let mut sent = self.sent.lock().unwrap_or_else(PoisonError::into_inner);
        match sent.get_mut(key_id) {
            // Sent through another cache entry for the same key (one read before a refresh).
            Some(last) if recent(*last) => {
                key.usage_sent_at.store(*last, Ordering::Relaxed);
                return;
            }
            Some(last) => *last = now,
            None => {
                sent.insert(key_id.to_owned(), now);
            }
        }
        drop(sent);
        key.usage_sent_at.store(now, Ordering::Relaxed);
        // A send fails only if the writer is gone; usage is best effort.
        let _ = self.uses.send((key_id.to_owned(), now));
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicI64;

    use leanrpc_core::{Grant, Role};

    use super::*;
    use crate::store::StoredKey;

    fn entry(key_id: &str) -> CachedKey {
        let record = StoredKey::new(key_id, Grant::new("test", Role::Owner), [0; 32], 0);
        CachedKey {
            caller: Arc::new(record.caller()),
            record,
            usage_sent_at: AtomicI64::new(i64::MIN),
        }
    }

    #[test]
    fn one_send_per_key_and_interval_across_cache_entries() {
        let (uses, queue) = mpsc::channel();
        let recorder = UsageRecorder {
            interval_secs: 60,
            sent: Mutex::default(),
            uses,
        };
        // Two cache entries of one key (as before and after a refresh), and another key.
        let (first, refreshed, other) = (entry("k1"), entry("k1"), entry("k2"));
        for now in 1_000..1_060 {
            recorder.record(&first, now);
            recorder.record(&refreshed, now);
        }
        recorder.record(&other, 1_030);
        let sent: Vec<_> = queue.try_iter().collect();
        assert_eq!(sent, [("k1".to_owned(), 1_000), ("k2".to_owned(), 1_030)]);
        recorder.record(&refreshed, 1_060);
        recorder.record(&first, 1_061);
        let sent: Vec<_> = queue.try_iter().collect();
        assert_eq!(sent, [("k1".to_owned(), 1_060)]);
    }
}
