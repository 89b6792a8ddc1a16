//! Coarse `last_used_at`: remembered on the request path, written by a background thread.

use std::collections::HashMap;
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex, PoisonError};

use leanrpc_core::KeyStore;

/// Sends at most one use per key per `interval_secs` to a writer thread, which batches whatever
/// has arrived into one [`KeyStore::touch_many`]. The request path only takes a lock and sends
/// on a channel. The thread ends, after writing what is queued, once the recorder is dropped.
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

    /// Notes that `key_id` was used at `now`.
    pub(crate) fn record(&self, key_id: &str, now: i64) {
        let mut sent = self.sent.lock().unwrap_or_else(PoisonError::into_inner);
        match sent.get_mut(key_id) {
            Some(last) if now.saturating_sub(*last) < self.interval_secs => return,
            Some(last) => *last = now,
            None => {
                sent.insert(key_id.to_owned(), now);
            }
        }
        drop(sent);
        // A send fails only if the writer is gone; usage is best effort.
        let _ = self.uses.send((key_id.to_owned(), now));
    }
}
