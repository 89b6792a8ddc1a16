//! The key store conformance suite: every point of the [`KeyStore`] contract, checked against
//! any store. Feature `conformance`; call it from a store's tests.
//!
//! ```
//! use leanrpc_keys::{MemoryStore, conformance};
//!
//! # futures_executor::block_on(async {
//! // Each check gets a fresh, empty store from the closure.
//! conformance::run(|| async { MemoryStore::new() }).await;
//! # });
//! ```
//!
//! [`run`] runs every check and panics with the list of those that failed, each saying which
//! rule of the contract the store broke and what it found. To see each check as its own test,
//! run them one by one from [`checks`]:
//!
//! ```
//! use leanrpc_keys::{MemoryStore, conformance};
//!
//! # futures_executor::block_on(async {
//! for check in conformance::checks() {
//!     check.run(&MemoryStore::new()).await.unwrap();
//! }
//! # });
//! ```
//!
//! The suite drives the store's futures only (several at once for the concurrency checks, with
//! `join_all`), so it runs under whatever executor the test uses. A store that needs a runtime
//! (a `tokio-postgres` pool, say) runs it inside that runtime's test attribute.

use std::fmt::{self, Debug, Write as _};
use std::future::Future;

use futures_util::future::join_all;
use leanrpc_core::{BoxFuture, Grant, Role};

use crate::store::{KeyStore, StoreError, StoredKey};

/// Why a check failed: the check's name and what the store did against the contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The check's name ([`Check::name`]).
    pub check: &'static str,
    /// What the contract asks and what the store did instead.
    pub message: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "check `{}` failed: {}", self.check, self.message)
    }
}

impl std::error::Error for Failure {}

/// What a check gets: the store, and its `Debug` for the check that no digest shows in it.
type CheckFn =
    for<'a> fn(&'a dyn KeyStore, &'a (dyn Debug + Sync)) -> BoxFuture<'a, Result<(), String>>;

/// One check of the contract. Each expects a fresh, empty store.
#[derive(Clone, Copy)]
pub struct Check {
    name: &'static str,
    rule: &'static str,
    run: CheckFn,
}

impl Check {
    /// A short name, such as `revoke_keeps_the_first_time`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The rule of the contract it checks, in a sentence.
    pub fn rule(&self) -> &'static str {
        self.rule
    }

    /// Runs the check against `store`, which must be empty.
    pub async fn run<S: KeyStore + Debug>(&self, store: &S) -> Result<(), Failure> {
        (self.run)(store, store).await.map_err(|message| Failure {
            check: self.name,
            message,
        })
    }
}

impl Debug for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Check")
            .field("name", &self.name)
            .field("rule", &self.rule)
            .finish_non_exhaustive()
    }
}

/// Every check, in the order [`run`] runs them.
pub fn checks() -> &'static [Check] {
    CHECKS
}

/// Runs every check, each against a fresh store from `new_store`, and panics listing every
/// check that failed.
pub async fn run<S, F, Fut>(mut new_store: F)
where
    S: KeyStore + Debug,
    F: FnMut() -> Fut,
    Fut: Future<Output = S>,
{
    let mut failures = Vec::new();
    for check in CHECKS {
        let store = new_store().await;
        if let Err(failure) = check.run(&store).await {
            failures.push(failure);
        }
    }
    if !failures.is_empty() {
        let mut report = format!(
            "the key store broke {} of {} conformance checks (see the KeyStore docs):",
            failures.len(),
            CHECKS.len()
        );
        for failure in &failures {
            let _ = write!(report, "\n- {failure}");
        }
        panic!("{report}");
    }
}

macro_rules! checks {
    ($($name:ident: $rule:literal,)*) => {
        const CHECKS: &[Check] = &[$(Check {
            name: stringify!($name),
            rule: $rule,
            run: |store, debug| Box::pin($name(store, debug)),
        }),*];
    };
}

checks! {
    an_empty_store_has_no_keys:
        "an empty store finds nothing, lists nothing, and answers NotFound to revoke and expire",
    records_read_back_exactly:
        "find and list return every field as inserted: grant, digest, times of any i64",
    ids_match_exactly:
        "key ids are case-sensitive and matched byte for byte, never as a prefix or pattern",
    a_duplicate_id_is_refused:
        "insert answers Duplicate for a taken id and leaves the existing key unchanged",
    list_orders_by_creation_then_id:
        "list orders by created_at, then key_id in byte order",
    revoke_keeps_the_first_time:
        "revoke sets revoked_at once, is idempotent, touches one key, NotFound for unknown ids",
    expire_only_brings_expiry_forward:
        "expire keeps the earlier of the stored and the given expiry, NotFound for unknown ids",
    touch_many_keeps_the_latest_use:
        "touch_many keeps each key's latest use and skips unknown ids",
    generation_moves_on_every_change:
        "a store with a change counter moves it on insert, revoke and expire, and not on reads",
    concurrent_inserts_are_atomic:
        "concurrent inserts all land, and of one id exactly one succeeds",
    concurrent_updates_lose_nothing:
        "concurrent revoke, expire and touch_many of one key keep the first, earliest and latest",
    the_first_key_is_inserted_once:
        "of concurrent insert_if_empty calls on an empty store exactly one inserts; none after",
    debug_never_shows_a_digest:
        "the store's Debug output shows no stored digest",
}

// ---- helpers ----------------------------------------------------------------------------------

/// `Ok` when `condition` holds, else the message.
fn ensure(condition: bool, message: impl FnOnce() -> String) -> Result<(), String> {
    if condition { Ok(()) } else { Err(message()) }
}

/// A store error where the contract expects success.
fn failed(operation: &str) -> impl FnOnce(StoreError) -> String + '_ {
    move |error| format!("{operation} failed: {error}")
}

/// A key with a distinctive grant and digest, active, created at `created_at`.
fn key(id: &str, created_at: i64) -> StoredKey {
    let grant = Grant::new(format!("key {id}"), Role::Editor)
        .projects([3, 1])
        .scopes(["tickets:read"]);
    StoredKey::new(id, grant, digest_of(id), created_at)
}

/// A digest derived from the id, so that no two test keys share one.
fn digest_of(id: &str) -> [u8; 32] {
    let mut digest = [0x5c; 32];
    for (i, byte) in id.bytes().enumerate() {
        digest[i % 32] ^= byte.rotate_left(i as u32 % 8);
    }
    digest[31] = digest[31].wrapping_add(id.len() as u8);
    digest
}

async fn insert(store: &dyn KeyStore, key: &StoredKey) -> Result<(), String> {
    store
        .insert(key.clone())
        .await
        .map_err(failed(&format!("insert of key {:?}", key.key_id)))
}

async fn find(store: &dyn KeyStore, key_id: &str) -> Result<Option<StoredKey>, String> {
    store
        .find(key_id)
        .await
        .map_err(failed(&format!("find({key_id:?})")))
}

async fn list(store: &dyn KeyStore) -> Result<Vec<StoredKey>, String> {
    store.list().await.map_err(failed("list"))
}

/// The stored record of `key_id`, which must exist.
async fn stored(store: &dyn KeyStore, key_id: &str) -> Result<StoredKey, String> {
    find(store, key_id)
        .await?
        .ok_or_else(|| format!("find({key_id:?}) found nothing after the key was inserted"))
}

/// `Ok` when `key_id` reads back as `expected`, by find and in the list.
async fn reads_back(store: &dyn KeyStore, expected: &StoredKey, after: &str) -> Result<(), String> {
    let found = stored(store, &expected.key_id).await?;
    ensure(found == *expected, || {
        format!("after {after}, find returned\n  {found:?}\nexpected\n  {expected:?}")
    })?;
    let listed = list(store).await?;
    let in_list = listed.iter().find(|k| k.key_id == expected.key_id);
    ensure(in_list == Some(expected), || {
        format!("after {after}, list holds\n  {in_list:?}\nexpected\n  {expected:?}")
    })
}

/// `Ok` when revoke or expire of an unknown id answers `NotFound`.
fn not_found(operation: &str, result: Result<(), StoreError>) -> Result<(), String> {
    match result {
        Err(StoreError::NotFound) => Ok(()),
        Ok(()) => Err(format!(
            "{operation} of an unknown id succeeded; expected NotFound"
        )),
        Err(error) => Err(format!(
            "{operation} of an unknown id answered `{error}`; expected NotFound"
        )),
    }
}

// ---- the checks -------------------------------------------------------------------------------

async fn an_empty_store_has_no_keys(
    store: &dyn KeyStore,
    _: &(dyn Debug + Sync),
) -> Result<(), String> {
    ensure(find(store, "AbCdEf123456").await?.is_none(), || {
        "find on an empty store found a key".to_owned()
    })?;
    let listed = list(store).await?;
    ensure(listed.is_empty(), || {
        format!("list on an empty store returned {listed:?}")
    })?;
    not_found("revoke", store.revoke("AbCdEf123456", 10).await)?;
    not_found("expire", store.expire("AbCdEf123456", 10).await)?;
    store
        .touch_many(vec![("AbCdEf123456".to_owned(), 10)])
        .await
        .map_err(failed(
            "touch_many of an unknown id (which must be skipped)",
        ))?;
    store
        .touch_many(Vec::new())
        .await
        .map_err(failed("touch_many of no uses"))?;
    store.generation().await.map_err(failed("generation"))?;
    let listed = list(store).await?;
    ensure(listed.is_empty(), || {
        format!("revoke, expire or touch_many of unknown ids created keys: {listed:?}")
    })
}

/// A record's times: created, expires, revoked, last used.
type Times = (i64, Option<i64>, Option<i64>, Option<i64>);

/// Keys that use every corner of a record: each role, odd text, extreme times, odd digests.
fn varied_keys() -> Vec<StoredKey> {
    let names = [
        String::new(),
        "ci".to_owned(),
        "Zoë's \"bot\" \\ 100% _done_ 🚀 עברית\n\ttab".to_owned(),
        "]}\"',;--".to_owned(),
        "x".repeat(10_000),
        "  padded  ".to_owned(),
    ];
    let digests: [[u8; 32]; 6] = [
        [0; 32],
        [0xFF; 32],
        std::array::from_fn(|i| i as u8),
        std::array::from_fn(|i| 255 - i as u8),
        digest_of("a"),
        digest_of("b"),
    ];
    let projects: [Vec<i64>; 6] = [
        vec![],
        vec![0],
        vec![i64::MAX, i64::MIN, -1],
        vec![3, 1, 3, 2],
        (1..=200).rev().collect(),
        vec![42],
    ];
    let scopes: [Vec<&str>; 6] = [
        vec![],
        vec!["tickets:read"],
        vec!["b", "a", "b"],
        vec!["%", "_", "\"", "[]", "{}", "é", "🚀"],
        vec![""],
        vec!["projects:write", "tickets:read", "timesheets:*"],
    ];
    let times: [Times; 6] = [
        (0, None, None, None),
        (1_700_000_000, Some(1_800_000_000), None, None),
        (-1, Some(i64::MAX), Some(i64::MIN), Some(0)),
        (i64::MIN, Some(-5), Some(-6), Some(-7)),
        (i64::MAX, None, Some(i64::MAX), Some(i64::MAX)),
        (
            1_700_000_000,
            Some(1_700_000_000),
            Some(1_700_000_001),
            Some(1_699_999_999),
        ),
    ];
    Role::ALL
        .into_iter()
        .enumerate()
        .map(|(i, role)| {
            let grant = Grant::new(names[i].clone(), role)
                .projects(projects[i].clone())
                .scopes(scopes[i].iter().copied());
            let (created_at, expires_at, revoked_at, last_used_at) = times[i];
            let mut key = StoredKey::new(format!("Key{i}Id0000{i}"), grant, digests[i], created_at);
            key.expires_at = expires_at;
            key.revoked_at = revoked_at;
            key.last_used_at = last_used_at;
            key
        })
        .collect()
}

async fn records_read_back_exactly(
    store: &dyn KeyStore,
    _: &(dyn Debug + Sync),
) -> Result<(), String> {
    let keys = varied_keys();
    for key in &keys {
        insert(store, key).await?;
    }
    for key in &keys {
        let found = stored(store, &key.key_id).await?;
        ensure(found == *key, || {
            format!("find returned\n  {found:?}\nfor the inserted\n  {key:?}")
        })?;
        ensure(found.digest == key.digest, || {
            format!("key {:?} came back with another digest", key.key_id)
        })?;
    }
    let mut expected = keys.clone();
    expected.sort_by(|a, b| (a.created_at, &a.key_id).cmp(&(b.created_at, &b.key_id)));
    let listed = list(store).await?;
    ensure(listed == expected, || {
        format!("list returned\n  {listed:?}\nexpected the inserted keys\n  {expected:?}")
    })
}

async fn ids_match_exactly(store: &dyn KeyStore, _: &(dyn Debug + Sync)) -> Result<(), String> {
    let ids = [
        "abcDEF123456",
        "abcdef123456",
        "a_c",
        "a%c",
        "o'brien",
        "ümlaut",
    ];
    for id in ids {
        insert(store, &key(id, 1)).await.map_err(|e| {
            format!("{e} (ids differing only in case, or holding `_`, `%`, `'`, must coexist)")
        })?;
    }
    for id in ids {
        let found = stored(store, id).await?;
        ensure(found.key_id == id, || {
            format!("find({id:?}) returned key {:?}", found.key_id)
        })?;
    }
    for absent in [
        "",
        "ABCDEF123456",
        "abcdef12345",
        "abcdef1234567",
        "abcdef123456 ",
        "abc%",
        "a_",
        "a__",
        "_",
        "%",
        "abc",
        "ümlau",
        "UMLAUT",
        "Ümlaut",
    ] {
        let found = find(store, absent).await?;
        ensure(found.is_none(), || {
            format!(
                "find({absent:?}) returned key {:?}; ids must match exactly",
                found.map(|k| k.key_id)
            )
        })?;
    }
    let count = list(store).await?.len();
    ensure(count == ids.len(), || {
        format!("list holds {count} keys after {} inserts", ids.len())
    })
}

async fn a_duplicate_id_is_refused(
    store: &dyn KeyStore,
    _: &(dyn Debug + Sync),
) -> Result<(), String> {
    let original = key("DupKey000001", 10);
    insert(store, &original).await?;
    let mut other = key("DupKey000001", 20);
    other.grant = Grant::new("impostor", Role::Owner);
    other.digest = [0xEE; 32];
    match store.insert(other).await {
        Err(StoreError::Duplicate) => {}
        Ok(()) => return Err("a second insert of a taken id succeeded; expected Duplicate".into()),
        Err(error) => {
            return Err(format!(
                "a second insert of a taken id answered `{error}`; expected Duplicate"
            ));
        }
    }
    reads_back(store, &original, "a refused duplicate insert").await?;
    let count = list(store).await?.len();
    ensure(count == 1, || {
        format!("list holds {count} keys after a refused duplicate")
    })
}

async fn list_orders_by_creation_then_id(
    store: &dyn KeyStore,
    _: &(dyn Debug + Sync),
) -> Result<(), String> {
    // Inserted out of order; ties on created_at broken by id in byte order (uppercase first).
    let keys = [
        key("b", 5),
        key("a", 7),
        key("B", 5),
        key("c", -3),
        key("A", 5),
        key("a0", 5),
        key("Z", 100),
        key("é", 5),
    ];
    for key in &keys {
        insert(store, key).await?;
    }
    let listed: Vec<(i64, String)> = list(store)
        .await?
        .into_iter()
        .map(|k| (k.created_at, k.key_id))
        .collect();
    let expected: Vec<(i64, String)> = [
        (-3, "c"),
        (5, "A"),
        (5, "B"),
        (5, "a0"),
        (5, "b"),
        (5, "é"),
        (7, "a"),
        (100, "Z"),
    ]
    .into_iter()
    .map(|(at, id)| (at, id.to_owned()))
    .collect();
    // "a0" sorts after "B" (0x42) and before "b" (0x62): byte order, not a locale's.
    ensure(listed == expected, || {
        format!("list order (created_at, key_id) is\n  {listed:?}\nexpected\n  {expected:?}")
    })
}

async fn revoke_keeps_the_first_time(
    store: &dyn KeyStore,
    _: &(dyn Debug + Sync),
) -> Result<(), String> {
    let (mut target, bystander) = (key("Revoke000001", 1), key("Revoke000002", 2));
    let mut early = key("Revoke000003", 3);
    early.revoked_at = Some(3);
    for key in [&target, &bystander, &early] {
        insert(store, key).await?;
    }
    store
        .revoke("Revoke000001", 10)
        .await
        .map_err(failed("revoke"))?;
    target.revoked_at = Some(10);
    reads_back(store, &target, "revoke(.., 10)").await?;
    for (at, what) in [(20, "a later time"), (5, "an earlier time")] {
        store
            .revoke("Revoke000001", at)
            .await
            .map_err(|e| format!("revoking a revoked key again must succeed; it answered `{e}`"))?;
        reads_back(
            store,
            &target,
            &format!("revoking again at {what} (the first time is kept)"),
        )
        .await?;
    }
    store
        .revoke("Revoke000003", 10)
        .await
        .map_err(failed("revoke of a key inserted revoked"))?;
    reads_back(store, &early, "revoking a key inserted revoked at 3").await?;
    reads_back(store, &bystander, "revoking another key").await?;
    not_found("revoke", store.revoke("Revoke00000", 10).await)?;
    not_found("revoke", store.revoke("revoke000001", 10).await)
}

async fn expire_only_brings_expiry_forward(
    store: &dyn KeyStore,
    _: &(dyn Debug + Sync),
) -> Result<(), String> {
    let (mut target, bystander) = (key("Expire000001", 1), key("Expire000002", 2));
    for key in [&target, &bystander] {
        insert(store, key).await?;
    }
    for (at, kept, what) in [
        (100, 100, "expire(.., 100) of a key without expiry"),
        (200, 100, "expire(.., 200) after 100 (the earlier is kept)"),
        (100, 100, "expire(.., 100) again"),
        (50, 50, "expire(.., 50) after 100"),
    ] {
        store
            .expire("Expire000001", at)
            .await
            .map_err(failed("expire"))?;
        target.expires_at = Some(kept);
        reads_back(store, &target, what).await?;
    }
    reads_back(store, &bystander, "expiring another key").await?;
    not_found("expire", store.expire("Expire00000", 10).await)?;
    not_found("expire", store.expire("EXPIRE000001", 10).await)
}

async fn touch_many_keeps_the_latest_use(
    store: &dyn KeyStore,
    _: &(dyn Debug + Sync),
) -> Result<(), String> {
    let (mut a, mut b, c) = (
        key("Touch0000001", 1),
        key("Touch0000002", 2),
        key("Touch0000003", 3),
    );
    for key in [&a, &b, &c] {
        insert(store, key).await?;
    }
    let touch = |uses: &[(&str, i64)]| {
        store.touch_many(
            uses.iter()
                .map(|(id, at)| ((*id).to_owned(), *at))
                .collect(),
        )
    };
    touch(&[
        ("Touch0000001", 10),
        ("Touch0000002", 5),
        ("Touch000000X", 7),
    ])
    .await
    .map_err(failed(
        "touch_many with an unknown id (which must be skipped)",
    ))?;
    (a.last_used_at, b.last_used_at) = (Some(10), Some(5));
    reads_back(store, &a, "touch_many").await?;
    reads_back(store, &b, "touch_many").await?;
    reads_back(store, &c, "touch_many of other keys").await?;
    touch(&[("Touch0000001", 8)])
        .await
        .map_err(failed("touch_many"))?;
    reads_back(
        store,
        &a,
        "touch_many with an earlier time (the later is kept)",
    )
    .await?;
    touch(&[
        ("Touch0000001", 12),
        ("Touch0000001", 11),
        ("Touch0000002", 6),
        ("Touch0000002", 9),
    ])
    .await
    .map_err(failed("touch_many"))?;
    (a.last_used_at, b.last_used_at) = (Some(12), Some(9));
    reads_back(
        store,
        &a,
        "touch_many naming a key twice (the latest is kept)",
    )
    .await?;
    reads_back(
        store,
        &b,
        "touch_many naming a key twice (the latest is kept)",
    )
    .await?;
    ensure(find(store, "Touch000000X").await?.is_none(), || {
        "touch_many of an unknown id created it".to_owned()
    })?;
    let count = list(store).await?.len();
    ensure(count == 3, || {
        format!("list holds {count} keys after touching 3 and an unknown id")
    })
}

async fn generation_moves_on_every_change(
    store: &dyn KeyStore,
    _: &(dyn Debug + Sync),
) -> Result<(), String> {
    let generation = || async { store.generation().await.map_err(failed("generation")) };
    let Some(mut last) = generation().await? else {
        // The store cannot tell; it must keep saying so.
        insert(store, &key("Gen000000001", 1)).await?;
        return ensure(generation().await?.is_none(), || {
            "generation was None, then Some after an insert; a store either counts or not".into()
        });
    };
    // Each write is started only when its turn comes: a store may begin work when the method
    // is called, before its future is polled.
    for step in 0..5 {
        let (what, result) = match step {
            0 => ("an insert", store.insert(key("Gen000000001", 1)).await),
            1 => ("another insert", store.insert(key("Gen000000002", 2)).await),
            2 => ("a revoke", store.revoke("Gen000000001", 10).await),
            3 => ("an expire", store.expire("Gen000000002", 100).await),
            _ => (
                "an expire bringing the expiry forward",
                store.expire("Gen000000002", 50).await,
            ),
        };
        result.map_err(failed(what))?;
        let now = generation().await?;
        ensure(now.is_some_and(|g| g != last), || {
            format!("generation was {last} before {what} and {now:?} after; it must change")
        })?;
        last = now.unwrap_or(last);
        find(store, "Gen000000001").await?;
        list(store).await?;
        let after_reads = generation().await?;
        ensure(after_reads == Some(last), || {
            format!("generation moved from {last} to {after_reads:?} on reads alone")
        })?;
    }
    Ok(())
}

async fn concurrent_inserts_are_atomic(
    store: &dyn KeyStore,
    _: &(dyn Debug + Sync),
) -> Result<(), String> {
    let keys: Vec<StoredKey> = (0..32).map(|i| key(&format!("Many{i:08}"), i)).collect();
    let results = join_all(keys.iter().map(|k| store.insert(k.clone()))).await;
    for (key, result) in keys.iter().zip(results) {
        result.map_err(failed(&format!("concurrent insert of {:?}", key.key_id)))?;
    }
    let listed = list(store).await?;
    ensure(listed == keys, || {
        format!(
            "after 32 concurrent inserts list holds {} keys, not the 32 inserted",
            listed.len()
        )
    })?;
    // Sixteen inserts of one id, each with its own name: one wins, the rest are duplicates.
    let rivals: Vec<StoredKey> = (0..16)
        .map(|i| {
            let mut k = key("Contested001", 1_000);
            k.grant.name = format!("rival {i}");
            k
        })
        .collect();
    let results = join_all(rivals.iter().map(|k| store.insert(k.clone()))).await;
    let mut winners = Vec::new();
    for (rival, result) in rivals.iter().zip(results) {
        match result {
            Ok(()) => winners.push(rival),
            Err(StoreError::Duplicate) => {}
            Err(error) => {
                return Err(format!(
                    "a concurrent insert of a taken id answered `{error}`; expected Duplicate"
                ));
            }
        }
    }
    let [winner] = winners.as_slice() else {
        return Err(format!(
            "{} of 16 concurrent inserts of one id succeeded; exactly one must",
            winners.len()
        ));
    };
    reads_back(
        store,
        winner,
        "concurrent inserts of one id (the one that succeeded is kept)",
    )
    .await
}

async fn the_first_key_is_inserted_once(
    store: &dyn KeyStore,
    _: &(dyn Debug + Sync),
) -> Result<(), String> {
    // Reads first, as many at once, so that a pooled store has its connections open and the
    // calls below overlap rather than queue behind the first connection made.
    for listed in join_all((0..16).map(|_| store.list())).await {
        listed.map_err(failed("list"))?;
    }
    // Sixteen first keys, each with its own id, offered at once to an empty store.
    let firsts: Vec<StoredKey> = (0..16).map(|i| key(&format!("First{i:07}"), i)).collect();
    let results = join_all(firsts.iter().map(|k| store.insert_if_empty(k.clone()))).await;
    let mut winners = Vec::new();
    for (first, result) in firsts.iter().zip(results) {
        if result.map_err(failed(&format!("insert_if_empty of {:?}", first.key_id)))? {
            winners.push(first);
        }
    }
    let [winner] = winners.as_slice() else {
        return Err(format!(
            "{} of 16 concurrent insert_if_empty calls on an empty store inserted; exactly one \
             must",
            winners.len()
        ));
    };
    let listed = list(store).await?;
    ensure(listed == [(*winner).clone()], || {
        format!(
            "after concurrent insert_if_empty calls list holds {} keys, not the one inserted",
            listed.len()
        )
    })?;
    // A store that holds a key takes no first key, even one created earlier.
    let late = key("Late00000001", -1);
    let inserted = store
        .insert_if_empty(late.clone())
        .await
        .map_err(failed("insert_if_empty on a store holding a key"))?;
    ensure(!inserted, || {
        "insert_if_empty answered true on a store that holds a key".to_owned()
    })?;
    ensure(find(store, &late.key_id).await?.is_none(), || {
        "insert_if_empty on a store holding a key inserted it".to_owned()
    })
}

async fn concurrent_updates_lose_nothing(
    store: &dyn KeyStore,
    _: &(dyn Debug + Sync),
) -> Result<(), String> {
    let mut target = key("Busy00000001", 1);
    insert(store, &target).await?;
    let times: Vec<i64> = (0..16).map(|i| 1_000 + (i * 7) % 16).collect();
    let touches = join_all(
        times
            .iter()
            .map(|at| store.touch_many(vec![("Busy00000001".to_owned(), *at)])),
    );
    let expiries = join_all(
        times
            .iter()
            .map(|at| store.expire("Busy00000001", at + 500)),
    );
    let revocations = join_all(times.iter().map(|at| store.revoke("Busy00000001", *at)));
    let (touches, expiries, revocations) =
        futures_util::future::join3(touches, expiries, revocations).await;
    for result in touches.into_iter().chain(expiries).chain(revocations) {
        result.map_err(failed("a concurrent touch_many, expire or revoke"))?;
    }
    let found = stored(store, "Busy00000001").await?;
    ensure(
        found.revoked_at.is_some_and(|at| times.contains(&at)),
        || {
            format!(
                "after concurrent revocations revoked_at is {:?}, not one of the times given",
                found.revoked_at
            )
        },
    )?;
    target.revoked_at = found.revoked_at;
    target.expires_at = times.iter().min().map(|at| at + 500);
    target.last_used_at = times.iter().max().copied();
    ensure(found == target, || {
        format!(
            "after concurrent updates the key is\n  {found:?}\nexpected the earliest expiry and the latest use\n  {target:?}"
        )
    })
}

async fn debug_never_shows_a_digest(
    store: &dyn KeyStore,
    debug: &(dyn Debug + Sync),
) -> Result<(), String> {
    let mut marked = key("Secret000001", 1);
    marked.digest = [0xA7; 32];
    insert(store, &marked).await?;
    let shown = format!("{debug:?} {debug:#?}");
    let hex: String = marked
        .digest
        .iter()
        .take(4)
        .map(|b| format!("{b:02x}"))
        .collect();
    let decimal = "167, 167, 167";
    ensure(
        !shown.to_lowercase().contains(&hex) && !shown.contains(decimal),
        || format!("the store's Debug output shows a digest: {shown}"),
    )
}
