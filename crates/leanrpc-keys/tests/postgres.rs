//! `PgKeyStore` (feature `postgres`): the store conformance suite on PostgreSQL, its
//! migrations, its errors, and revocation reaching a second authenticator on the same database
//! by push (LISTEN/NOTIFY), by the change counter, and after the listener lost its connection.
//!
//! Each test gets a database of its own, `leanrpc_keys_test_PID_N`, on the server of
//! `LEANRPC_TEST_POSTGRES` (default `postgres://postgres@127.0.0.1:5432/postgres`), dropped
//! when the test ends. Without a server the tests fail saying how to get one: they never skip.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use leanrpc_core::{AuthError, Authenticator, BoxFuture, Credentials, Role};
use leanrpc_keys::{
    KeyAuthenticator, KeyScheme, KeyStore, NewKey, PgKeyStore, StoreError, StoredKey, conformance,
    create_key, revoke_key,
};

/// The variable naming the PostgreSQL server the tests create databases on.
const ENV: &str = "LEANRPC_TEST_POSTGRES";
const DEFAULT: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// A database of one test, dropped (forcibly: pools may still hold connections) on drop.
struct TestDatabase {
    url: String,
    name: String,
    admin: String,
}

impl TestDatabase {
    fn create() -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let admin = std::env::var(ENV).unwrap_or_else(|_| DEFAULT.to_owned());
        let name = format!(
            "leanrpc_keys_test_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        if let Err(error) = admin_execute(&admin, &format!("CREATE DATABASE {name}")) {
            panic!(
                "PostgreSQL at {admin} does not answer ({error}): start one (scripts/test.sh \
                 finds or starts one) or name one in {ENV}"
            );
        }
        let (base, _) = admin
            .rsplit_once('/')
            .expect("a postgres:// URL with a database");
        let url = format!("{base}/{name}");
        Self { url, name, admin }
    }

    /// A plain connection to this database, driven on the current runtime.
    async fn client(&self) -> tokio_postgres::Client {
        let (client, connection) = tokio_postgres::connect(&self.url, tokio_postgres::NoTls)
            .await
            .expect("connect to the test database");
        tokio::spawn(async move {
            let _ = connection.await;
        });
        client
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        if let Err(error) = admin_execute(&self.admin, &sql) {
            eprintln!("could not drop test database {}: {error}", self.name);
        }
    }
}

/// Runs `sql` on `url` from a thread and runtime of its own (usable from `Drop`).
fn admin_execute(url: &str, sql: &str) -> Result<(), String> {
    let (url, sql) = (url.to_owned(), sql.to_owned());
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime")
            .block_on(async move {
                let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
                    .await
                    .map_err(|e| format!("{e}: {:?}", std::error::Error::source(&e)))?;
                tokio::spawn(async move {
                    let _ = connection.await;
                });
                client.batch_execute(&sql).await.map_err(|e| e.to_string())
            })
    })
    .join()
    .expect("the admin thread")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_postgres_store_conforms() {
    let db = TestDatabase::create();
    let admin = db.client().await;
    let opened = AtomicUsize::new(0);
    conformance::run(|| {
        opened.fetch_add(1, Ordering::Relaxed);
        let (url, admin) = (db.url.clone(), &admin);
        async move {
            let store = PgKeyStore::connect(&url).await.expect("connect");
            // Every check starts from an empty store (the schema stays, migrated once).
            admin.batch_execute("TRUNCATE api_keys").await.unwrap();
            store
        }
    })
    .await;
    assert_eq!(opened.load(Ordering::Relaxed), conformance::checks().len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn servers_starting_together_migrate_once() {
    let db = TestDatabase::create();
    let stores = futures_util::future::join_all((0..4).map(|_| PgKeyStore::connect(&db.url))).await;
    let stores: Vec<PgKeyStore> = stores.into_iter().map(|s| s.unwrap()).collect();
    let admin = db.client().await;
    let versions: Vec<i64> = admin
        .query(
            "SELECT version FROM api_key_migrations ORDER BY version",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    assert_eq!(versions, [1], "each migration recorded once");
    // A newer schema than this build knows is refused, saying so.
    admin
        .batch_execute("INSERT INTO api_key_migrations (version, name) VALUES (99, 'future')")
        .await
        .unwrap();
    let refused = PgKeyStore::connect(&db.url).await.unwrap_err().to_string();
    assert!(refused.contains("schema version 99"), "{refused}");
    drop(stores);
}

#[tokio::test]
async fn an_unreachable_server_is_named_without_the_password() {
    // Port 1 on loopback: nothing listens there.
    let error = PgKeyStore::connect("postgres://me:hunter2@127.0.0.1:1/keys")
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("postgres://me@127.0.0.1:1/keys"), "{error}");
    assert!(!error.contains("hunter2"), "the password leaked: {error}");
    let bad = PgKeyStore::connect("postgres://me:hunter2@127.0.0.1:99999999/keys")
        .await
        .unwrap_err()
        .to_string();
    assert!(!bad.contains("hunter2"), "the password leaked: {bad}");
}

#[test]
fn connecting_outside_a_runtime_says_so() {
    let error = futures_executor::block_on(PgKeyStore::connect(DEFAULT))
        .unwrap_err()
        .to_string();
    assert!(error.contains("within a Tokio runtime"), "{error}");
}

/// An owner key created through `store`: the key and its id.
async fn new_key(store: &impl KeyStore) -> (String, String) {
    let (key, stored) = create_key(store, &KeyScheme::default(), NewKey::new("ci", Role::Owner))
        .await
        .unwrap();
    (key.reveal().to_owned(), stored.key_id)
}

/// Authenticates `key` with `auth` (no client address, so no failure limit applies).
async fn check(auth: &impl Authenticator, key: &str) -> Result<(), AuthError> {
    auth.authenticate(Credentials::new(Some(key.as_bytes()), None))
        .await
        .map(drop)
}

/// Polls until `auth` refuses `key`, for 5 s at most; returns how long it took.
async fn refused_within(auth: &impl Authenticator, key: &str, since: Instant) -> Duration {
    let deadline = since + Duration::from_secs(5);
    loop {
        match check(auth, key).await {
            Err(AuthError::Rejected) => return since.elapsed(),
            Ok(()) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            other => panic!(
                "the revoked key was still {other:?} {:?} after the revocation",
                since.elapsed()
            ),
        }
    }
}

/// A revocation committed by one instance reaches another's cache by push: the second one's
/// change counter is read only once an hour, so nothing else could drop its cached key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revocation_is_pushed_to_another_instance() {
    let db = TestDatabase::create();
    let (a, b) = (
        Arc::new(PgKeyStore::connect(&db.url).await.unwrap()),
        Arc::new(PgKeyStore::connect(&db.url).await.unwrap()),
    );
    let first = KeyAuthenticator::builder(Arc::clone(&a)).build();
    let second = KeyAuthenticator::builder(Arc::clone(&b))
        .change_check_interval(Duration::from_secs(3600))
        .build();
    assert!(
        format!("{second:?}").contains("pushed_changes: true"),
        "{second:?}"
    );
    let mut latencies = Vec::new();
    for _ in 0..10 {
        let (key, key_id) = new_key(&*a).await;
        check(&first, &key).await.unwrap();
        // Cached by the second instance (the push of its creation may come later and drop it;
        // then it is read again, so use it until a use comes from the cache).
        check(&second, &key).await.unwrap();
        tokio::time::sleep(Duration::from_millis(20)).await;
        check(&second, &key).await.unwrap();
        let at = Instant::now();
        revoke_key(&*a, &key_id).await.unwrap();
        // The instance that revoked forgets the key at once, as `tickets keys` cannot.
        first.forget(&key_id);
        assert_eq!(check(&first, &key).await, Err(AuthError::Rejected));
        latencies.push(refused_within(&second, &key, at).await);
    }
    latencies.sort();
    eprintln!(
        "push revocation latency over {} revocations: median {:?}, max {:?}",
        latencies.len(),
        latencies[latencies.len() / 2],
        latencies[latencies.len() - 1]
    );
    assert!(
        latencies.iter().all(|l| *l < Duration::from_secs(1)),
        "every revocation within 1 s: {latencies:?}"
    );
}

/// The store without its push: only the change counter tells the cache of a change.
#[derive(Debug)]
struct NoPush(Arc<PgKeyStore>);

impl KeyStore for NoPush {
    fn find<'a>(&'a self, key_id: &'a str) -> BoxFuture<'a, Result<Option<StoredKey>, StoreError>> {
        self.0.find(key_id)
    }
    fn insert(&self, key: StoredKey) -> BoxFuture<'_, Result<(), StoreError>> {
        self.0.insert(key)
    }
    fn list(&self) -> BoxFuture<'_, Result<Vec<StoredKey>, StoreError>> {
        self.0.list()
    }
    fn revoke<'a>(&'a self, key_id: &'a str, at: i64) -> BoxFuture<'a, Result<(), StoreError>> {
        self.0.revoke(key_id, at)
    }
    fn expire<'a>(&'a self, key_id: &'a str, at: i64) -> BoxFuture<'a, Result<(), StoreError>> {
        self.0.expire(key_id, at)
    }
    fn touch_many(&self, uses: Vec<(String, i64)>) -> BoxFuture<'_, Result<(), StoreError>> {
        self.0.touch_many(uses)
    }
    fn generation(&self) -> BoxFuture<'_, Result<Option<u64>, StoreError>> {
        self.0.generation()
    }
}

/// Without push, the change counter (read every 250 ms) still bounds how long another
/// instance honours a revoked key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_push_the_change_counter_bounds_the_delay() {
    let db = TestDatabase::create();
    let a = PgKeyStore::connect(&db.url).await.unwrap();
    let b = NoPush(Arc::new(PgKeyStore::connect(&db.url).await.unwrap()));
    let second = KeyAuthenticator::builder(b).build();
    assert!(format!("{second:?}").contains("pushed_changes: false"));
    let (key, key_id) = new_key(&a).await;
    check(&second, &key).await.unwrap();
    let at = Instant::now();
    revoke_key(&a, &key_id).await.unwrap();
    let took = refused_within(&second, &key, at).await;
    eprintln!("change-counter revocation latency: {took:?}");
    assert!(took < Duration::from_secs(1), "{took:?}");
}

/// A listener that lost its connection drops the whole cache once it listens again: a change
/// it could have missed is not honoured. The change is made without notifying or counting
/// (triggers off for that session), so only the reconnection can drop the cached key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listener_that_reconnects_drops_the_cache() {
    let db = TestDatabase::create();
    let store = Arc::new(PgKeyStore::connect(&db.url).await.unwrap());
    let auth = KeyAuthenticator::builder(Arc::clone(&store))
        .change_check_interval(Duration::from_secs(3600))
        .build();
    let (key, key_id) = new_key(&*store).await;
    let admin = db.client().await;
    // Wait for the listener to be up (it drops the cache when it starts listening).
    let deadline = Instant::now() + Duration::from_secs(5);
    while listener_pids(&admin).await.is_empty() {
        assert!(Instant::now() < deadline, "no listener listening");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // What it passes on right after LISTEN (drop everything) has then arrived.
    tokio::time::sleep(Duration::from_millis(100)).await;
    check(&auth, &key).await.unwrap();
    admin
        .batch_execute(&format!(
            "SET session_replication_role = replica;
             UPDATE api_keys SET revoked_at = 1 WHERE key_id = '{key_id}';
             SET session_replication_role = DEFAULT;"
        ))
        .await
        .unwrap();
    let unseen = store.find(&key_id).await.unwrap().unwrap();
    assert_eq!(unseen.revoked_at, Some(1), "revoked in the database");
    for _ in 0..5 {
        assert_eq!(
            check(&auth, &key).await,
            Ok(()),
            "an unannounced change is not seen while the cached record is trusted"
        );
    }
    let at = Instant::now();
    for pid in listener_pids(&admin).await {
        admin
            .execute("SELECT pg_terminate_backend($1)", &[&pid])
            .await
            .unwrap();
    }
    let took = refused_within(&auth, &key, at).await;
    eprintln!("refused {took:?} after the listener's connection was cut");
}

async fn listener_pids(admin: &tokio_postgres::Client) -> Vec<i32> {
    admin
        .query(
            "SELECT pid FROM pg_stat_activity \
             WHERE application_name = 'leanrpc-keys-listener' AND datname = current_database() \
             AND query = 'LISTEN leanrpc_keys'",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect()
}
