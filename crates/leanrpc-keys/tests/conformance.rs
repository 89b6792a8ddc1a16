//! Both built-in stores pass the key store conformance suite, check by check.

use std::future::ready;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use futures_executor::block_on;
use leanrpc_core::BoxFuture;
use leanrpc_keys::{KeyStore, MemoryStore, StoreError, StoredKey, conformance};

#[test]
fn the_memory_store_conforms() {
    block_on(conformance::run(|| async { MemoryStore::new() }));
}

#[cfg(feature = "sqlite")]
#[test]
fn the_sqlite_store_conforms() {
    use std::sync::atomic::AtomicUsize;

    let dir = tempfile::tempdir().unwrap();
    let opened = AtomicUsize::new(0);
    block_on(conformance::run(|| {
        let n = opened.fetch_add(1, Ordering::Relaxed);
        let path = dir.path().join(format!("keys-{n}.db"));
        async move { leanrpc_keys::SqliteStore::open(path).unwrap() }
    }));
    assert_eq!(opened.load(Ordering::Relaxed), conformance::checks().len());
}

#[test]
fn the_suite_names_every_check_once() {
    let mut names: Vec<_> = conformance::checks().iter().map(|c| c.name()).collect();
    assert!(names.len() >= 12, "{names:?}");
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), conformance::checks().len());
    assert!(conformance::checks().iter().all(|c| !c.rule().is_empty()));
}

/// One deliberate breach of the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    None,
    CaseInsensitiveFind,
    InsertOverwrites,
    ListUnsorted,
    RevokeOverwrites,
    RevokeUnknownSucceeds,
    ExpireExtends,
    TouchOverwrites,
    FrozenGeneration,
    RestlessGeneration,
    DropsScopes,
    DebugShowsDigests,
    /// `insert` checks the id, yields, then writes: concurrent inserts of one id all succeed.
    RacyInsert,
    /// `touch_many` reads, yields, then writes what it read then: concurrent uses are lost.
    RacyTouch,
    /// `insert_if_empty` checks, yields, then inserts: concurrent first keys all land.
    RacyFirstKey,
}

/// Ready the second time it is polled: lets other futures of a `join_all` run in between.
#[derive(Default)]
struct YieldOnce(bool);

impl std::future::Future for YieldOnce {
    type Output = ();

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        if std::mem::replace(&mut self.0, true) {
            std::task::Poll::Ready(())
        } else {
            cx.waker().wake_by_ref();
            std::task::Poll::Pending
        }
    }
}

/// A plain store (a vector in insertion order) with one `fault`, to show the suite catches it.
struct Faulty {
    fault: Fault,
    keys: Mutex<Vec<StoredKey>>,
    generation: AtomicU64,
}

impl Faulty {
    fn new(fault: Fault) -> Self {
        Self {
            fault,
            keys: Mutex::default(),
            generation: AtomicU64::new(0),
        }
    }

    fn update(&self, key_id: &str, change: impl FnOnce(&mut StoredKey)) -> Result<(), StoreError> {
        let mut keys = self.keys.lock().unwrap();
        match keys.iter_mut().find(|k| k.key_id == key_id) {
            Some(key) => {
                change(key);
                self.generation.fetch_add(1, Ordering::Relaxed);
                Ok(())
            }
            None if self.fault == Fault::RevokeUnknownSucceeds => Ok(()),
            None => Err(StoreError::NotFound),
        }
    }
}

impl std::fmt::Debug for Faulty {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let keys = self.keys.lock().unwrap();
        if self.fault == Fault::DebugShowsDigests {
            let digests: Vec<_> = keys.iter().map(|k| k.digest).collect();
            write!(f, "Faulty {digests:?}")
        } else {
            write!(f, "Faulty({} keys)", keys.len())
        }
    }
}

impl KeyStore for Faulty {
    fn find<'a>(&'a self, key_id: &'a str) -> BoxFuture<'a, Result<Option<StoredKey>, StoreError>> {
        let keys = self.keys.lock().unwrap();
        let found = keys.iter().find(|k| match self.fault {
            Fault::CaseInsensitiveFind => k.key_id.eq_ignore_ascii_case(key_id),
            _ => k.key_id == key_id,
        });
        let found = found.cloned().map(|mut k| {
            if self.fault == Fault::DropsScopes {
                k.grant.scopes.clear();
            }
            k
        });
        Box::pin(ready(Ok(found)))
    }

    fn insert(&self, key: StoredKey) -> BoxFuture<'_, Result<(), StoreError>> {
        if self.fault == Fault::RacyInsert {
            return Box::pin(async move {
                let taken = self
                    .keys
                    .lock()
                    .unwrap()
                    .iter()
                    .any(|k| k.key_id == key.key_id);
                YieldOnce::default().await;
                if taken {
                    return Err(StoreError::Duplicate);
                }
                self.keys.lock().unwrap().push(key);
                Ok(())
            });
        }
        let mut keys = self.keys.lock().unwrap();
        let taken = keys.iter().position(|k| k.key_id == key.key_id);
        let result = match taken {
            Some(at) if self.fault == Fault::InsertOverwrites => {
                keys[at] = key;
                Ok(())
            }
            Some(_) => Err(StoreError::Duplicate),
            None => {
                keys.push(key);
                Ok(())
            }
        };
        self.generation.fetch_add(1, Ordering::Relaxed);
        Box::pin(ready(result))
    }

    // Without the fault: what the trait's default does (list, then insert), which conforms
    // here because the plain store's futures finish when first polled, so nothing runs between.
    fn insert_if_empty(&self, key: StoredKey) -> BoxFuture<'_, Result<bool, StoreError>> {
        if self.fault != Fault::RacyFirstKey {
            return Box::pin(async move {
                if !self.list().await?.is_empty() {
                    return Ok(false);
                }
                self.insert(key).await.map(|()| true)
            });
        }
        Box::pin(async move {
            let empty = self.keys.lock().unwrap().is_empty();
            YieldOnce::default().await;
            if empty {
                self.keys.lock().unwrap().push(key);
            }
            Ok(empty)
        })
    }

    fn list(&self) -> BoxFuture<'_, Result<Vec<StoredKey>, StoreError>> {
        let mut all = self.keys.lock().unwrap().clone();
        if self.fault != Fault::ListUnsorted {
            all.sort_by(|a, b| (a.created_at, &a.key_id).cmp(&(b.created_at, &b.key_id)));
        }
        Box::pin(ready(Ok(all)))
    }

    fn revoke<'a>(&'a self, key_id: &'a str, at: i64) -> BoxFuture<'a, Result<(), StoreError>> {
        let overwrite = self.fault == Fault::RevokeOverwrites;
        Box::pin(ready(self.update(key_id, |k| {
            if overwrite || k.revoked_at.is_none() {
                k.revoked_at = Some(at);
            }
        })))
    }

    fn expire<'a>(&'a self, key_id: &'a str, at: i64) -> BoxFuture<'a, Result<(), StoreError>> {
        let extend = self.fault == Fault::ExpireExtends;
        Box::pin(ready(self.update(key_id, |k| {
            k.expires_at = Some(match k.expires_at {
                Some(old) if !extend => old.min(at),
                _ => at,
            });
        })))
    }

    fn touch_many(&self, uses: Vec<(String, i64)>) -> BoxFuture<'_, Result<(), StoreError>> {
        if self.fault == Fault::RacyTouch {
            return Box::pin(async move {
                let read: Vec<_> = {
                    let keys = self.keys.lock().unwrap();
                    uses.iter()
                        .map(|(id, at)| {
                            let old = keys
                                .iter()
                                .find(|k| k.key_id == *id)
                                .and_then(|k| k.last_used_at);
                            (id.clone(), old.map_or(*at, |old| old.max(*at)))
                        })
                        .collect()
                };
                YieldOnce::default().await;
                let mut keys = self.keys.lock().unwrap();
                for (id, at) in read {
                    if let Some(k) = keys.iter_mut().find(|k| k.key_id == id) {
                        k.last_used_at = Some(at);
                    }
                }
                Ok(())
            });
        }
        let mut keys = self.keys.lock().unwrap();
        for (key_id, at) in uses {
            if let Some(k) = keys.iter_mut().find(|k| k.key_id == key_id) {
                k.last_used_at = match k.last_used_at {
                    Some(old) if self.fault != Fault::TouchOverwrites => Some(old.max(at)),
                    _ => Some(at),
                };
            }
        }
        Box::pin(ready(Ok(())))
    }

    fn generation(&self) -> BoxFuture<'_, Result<Option<u64>, StoreError>> {
        let generation = match self.fault {
            Fault::FrozenGeneration => 7,
            Fault::RestlessGeneration => self.generation.fetch_add(1, Ordering::Relaxed),
            _ => self.generation.load(Ordering::Relaxed),
        };
        Box::pin(ready(Ok(Some(generation))))
    }
}

#[test]
fn the_suite_catches_each_fault() {
    // Without a fault the plain store conforms, so each failure below is its fault's doing.
    block_on(conformance::run(|| async { Faulty::new(Fault::None) }));
    let expected = [
        (Fault::CaseInsensitiveFind, "ids_match_exactly"),
        (Fault::InsertOverwrites, "a_duplicate_id_is_refused"),
        (Fault::ListUnsorted, "list_orders_by_creation_then_id"),
        (Fault::RevokeOverwrites, "revoke_keeps_the_first_time"),
        (Fault::RevokeUnknownSucceeds, "an_empty_store_has_no_keys"),
        (Fault::ExpireExtends, "expire_only_brings_expiry_forward"),
        (Fault::TouchOverwrites, "touch_many_keeps_the_latest_use"),
        (Fault::FrozenGeneration, "generation_moves_on_every_change"),
        (
            Fault::RestlessGeneration,
            "generation_moves_on_every_change",
        ),
        (Fault::DropsScopes, "records_read_back_exactly"),
        (Fault::DebugShowsDigests, "debug_never_shows_a_digest"),
        (Fault::RacyInsert, "concurrent_inserts_are_atomic"),
        (Fault::RacyTouch, "concurrent_updates_lose_nothing"),
        (Fault::RacyFirstKey, "the_first_key_is_inserted_once"),
    ];
    for (fault, check_name) in expected {
        let check = conformance::checks()
            .iter()
            .find(|c| c.name() == check_name)
            .unwrap();
        let failure = block_on(check.run(&Faulty::new(fault)))
            .expect_err(&format!("{fault:?} was not caught by {check_name}"));
        assert_eq!(failure.check, check_name);
        assert!(failure.to_string().contains(check_name), "{failure}");
    }
}

#[test]
fn run_names_every_failed_check() {
    let panic = std::panic::catch_unwind(|| {
        block_on(conformance::run(|| async {
            Faulty::new(Fault::RevokeOverwrites)
        }))
    })
    .expect_err("a faulty store must fail the suite");
    let report = panic.downcast_ref::<String>().unwrap();
    assert!(report.contains("revoke_keeps_the_first_time"), "{report}");
    assert!(
        !report.contains("expire_only_brings_expiry_forward"),
        "{report}"
    );
}
