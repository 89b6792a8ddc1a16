//! `RedisLimits` (feature `redis`): the call limit and the failed-attempt limit shared by two
//! authenticators (two server instances) through Redis, exactly, and what happens when Redis
//! cannot be reached (each instance falls back to its own count).
//!
//! The Redis of `LEANRPC_TEST_REDIS` (default `redis://127.0.0.1:6379`); each test uses a key
//! prefix of its own and deletes its keys at the end. Without a Redis the tests fail saying
//! how to get one: they never skip.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use leanrpc_core::{AuthError, Authenticator, Caller, Credentials, RateStatus, Role};
use leanrpc_keys::{
    KeyAuthenticator, KeyScheme, MemoryStore, NewKey, RateLimit, RedisLimits, create_key,
};

const ENV: &str = "LEANRPC_TEST_REDIS";
const DEFAULT: &str = "redis://127.0.0.1:6379";

fn redis_url() -> String {
    std::env::var(ENV).unwrap_or_else(|_| DEFAULT.to_owned())
}

/// A key prefix of one test; its keys are deleted on drop.
struct Prefix(String);

impl Prefix {
    fn new() -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        Self(format!(
            "leanrpc-test:{}:{}:",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ))
    }
}

impl Drop for Prefix {
    fn drop(&mut self) {
        let pattern = format!("{}*", self.0);
        let Ok(client) = redis::Client::open(redis_url()) else {
            return;
        };
        let Ok(mut conn) = client.get_connection() else {
            return;
        };
        let keys: Vec<String> = redis::cmd("KEYS")
            .arg(&pattern)
            .query(&mut conn)
            .unwrap_or_default();
        if !keys.is_empty() {
            let _: Result<(), _> = redis::cmd("DEL").arg(keys).query(&mut conn);
        }
    }
}

/// How many keys live under `prefix` now.
fn keys_under(prefix: &str) -> usize {
    let client = redis::Client::open(redis_url()).unwrap();
    let mut conn = client.get_connection().unwrap_or_else(|e| {
        panic!("Redis at {} does not answer ({e}): start one (scripts/test.sh finds or starts one) or name one in {ENV}", redis_url())
    });
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}*"))
        .query(&mut conn)
        .unwrap();
    keys.len()
}

/// Two instances: each its own authenticator on one store (as two servers on one database),
/// counting their limits in the same Redis under `prefix`.
fn instances(
    store: &Arc<MemoryStore>,
    url: &str,
    prefix: &str,
    calls: RateLimit,
    failures: RateLimit,
) -> [KeyAuthenticator<Arc<MemoryStore>>; 2] {
    std::array::from_fn(|_| {
        KeyAuthenticator::builder(Arc::clone(store))
            .rate_limit(Some(calls))
            .failed_attempt_limit(Some(failures))
            .redis(RedisLimits::new(url).unwrap().prefix(prefix))
            .build()
    })
}

async fn caller(auth: &impl Authenticator, key: &str) -> Arc<Caller> {
    auth.authenticate(Credentials::new(Some(key.as_bytes()), None))
        .await
        .unwrap()
}

async fn owner_key(store: &MemoryStore) -> String {
    let (key, _) = create_key(store, &KeyScheme::default(), NewKey::new("ci", Role::Owner))
        .await
        .unwrap();
    key.reveal().to_owned()
}

const PER_HOUR: Duration = Duration::from_secs(3600);

#[tokio::test]
async fn two_instances_share_one_call_limit() {
    let prefix = Prefix::new();
    let store = Arc::new(MemoryStore::new());
    let [a, b] = instances(
        &store,
        &redis_url(),
        &prefix.0,
        // One call refilled every 6 minutes: nothing refills during the test.
        RateLimit::new(10, PER_HOUR),
        RateLimit::new(20, PER_HOUR),
    );
    let key = owner_key(&store).await;
    let (ca, cb) = (caller(&a, &key).await, caller(&b, &key).await);
    assert_eq!(
        a.charge_async(&ca, 6).await,
        Ok(RateStatus::Limited {
            limit: 10,
            remaining: 4
        })
    );
    assert!(
        a.redis().unwrap().reachable(),
        "Redis at {} does not answer: start one or name one in {ENV}",
        redis_url()
    );
    assert_eq!(
        b.charge_async(&cb, 3).await,
        Ok(RateStatus::Limited {
            limit: 10,
            remaining: 1
        }),
        "the second instance sees the first one's calls"
    );
    let refused = b.charge_async(&cb, 2).await.unwrap_err();
    assert_eq!(refused.limit, 10);
    assert!(
        refused.retry_after >= 300,
        "a batch that does not fit is refused whole, until 2 calls are refilled: {refused:?}"
    );
    assert_eq!(
        a.charge_async(&ca, 1).await,
        Ok(RateStatus::Limited {
            limit: 10,
            remaining: 0
        }),
        "the refused batch took nothing"
    );
    assert!(a.charge_async(&ca, 1).await.is_err());
    assert!(b.charge_async(&cb, 1).await.is_err());
    assert!(
        b.charge_async(&cb, 11).await.is_err(),
        "a batch larger than the limit never passes"
    );
    // Another key has a count of its own.
    let other = owner_key(&store).await;
    let co = caller(&b, &other).await;
    assert!(matches!(
        b.charge_async(&co, 10).await,
        Ok(RateStatus::Limited { remaining: 0, .. })
    ));
    assert_eq!(a.redis().unwrap().fallbacks(), 0);
    assert_eq!(
        keys_under(&prefix.0),
        2,
        "one Redis key per limited API key"
    );
}

#[tokio::test]
async fn many_concurrent_calls_never_pass_more_than_the_limit() {
    let prefix = Prefix::new();
    let store = Arc::new(MemoryStore::new());
    let [a, b] = instances(
        &store,
        &redis_url(),
        &prefix.0,
        RateLimit::new(50, PER_HOUR),
        RateLimit::new(20, PER_HOUR),
    );
    let key = owner_key(&store).await;
    let (ca, cb) = (caller(&a, &key).await, caller(&b, &key).await);
    let charges = (0..200).map(|i| {
        let (auth, c) = if i % 2 == 0 { (&a, &ca) } else { (&b, &cb) };
        auth.charge_async(c, 1)
    });
    let results = futures_util::future::join_all(charges).await;
    let passed = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(
        passed, 50,
        "exactly the limit passes, whichever instance is asked"
    );
    assert_eq!(
        a.redis().unwrap().fallbacks() + b.redis().unwrap().fallbacks(),
        0
    );
}

#[tokio::test]
async fn failed_attempts_are_counted_across_instances() {
    let prefix = Prefix::new();
    let store = Arc::new(MemoryStore::new());
    let [a, b] = instances(
        &store,
        &redis_url(),
        &prefix.0,
        RateLimit::new(100, PER_HOUR),
        RateLimit::new(3, PER_HOUR),
    );
    let key = owner_key(&store).await;
    let peer = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 7));
    let wrong = format!("{}x", &key[..key.len() - 1]);
    let attempt = |auth: &KeyAuthenticator<Arc<MemoryStore>>, key: String| {
        let auth = auth.clone();
        async move {
            auth.authenticate(Credentials::new(Some(key.as_bytes()), Some(peer)))
                .await
                .map(drop)
        }
    };
    for auth in [&a, &b, &a] {
        assert!(matches!(
            attempt(auth, wrong.clone()).await,
            Err(AuthError::Malformed | AuthError::Rejected)
        ));
    }
    assert!(
        matches!(
            attempt(&b, wrong.clone()).await,
            Err(AuthError::RateLimited { retry_after }) if retry_after > 0
        ),
        "the fourth failure, on the other instance, is over the shared limit"
    );
    assert_eq!(
        attempt(&b, key.clone()).await,
        Ok(()),
        "a valid key from the address is still accepted"
    );
    // Another address has its own count.
    let elsewhere = b
        .authenticate(Credentials::new(
            Some(wrong.as_bytes()),
            Some(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 8))),
        ))
        .await;
    assert!(matches!(
        elsewhere,
        Err(AuthError::Malformed | AuthError::Rejected)
    ));
    assert_eq!(
        a.redis().unwrap().fallbacks() + b.redis().unwrap().fallbacks(),
        0
    );
}

/// Redis down (a closed port): each instance falls back to its own count, which still holds
/// each key to the limit, and counts every fallback.
#[tokio::test]
async fn an_unreachable_redis_falls_back_to_local_limits() {
    let store = Arc::new(MemoryStore::new());
    let [a, b] = instances(
        &store,
        "redis://:hunter2@127.0.0.1:1",
        "leanrpc-test:unreachable:",
        RateLimit::new(5, PER_HOUR),
        RateLimit::new(2, PER_HOUR),
    );
    assert!(!format!("{a:?}").contains("hunter2"));
    let key = owner_key(&store).await;
    let (ca, cb) = (caller(&a, &key).await, caller(&b, &key).await);
    for _ in 0..5 {
        assert!(a.charge_async(&ca, 1).await.is_ok());
    }
    assert!(
        a.charge_async(&ca, 1).await.is_err(),
        "the local limit still holds"
    );
    let local = a.charge_async(&ca, 1).await.unwrap_err();
    assert_eq!(local.limit, 5);
    // The other instance counts on its own while Redis is down.
    for _ in 0..5 {
        assert!(b.charge_async(&cb, 1).await.is_ok());
    }
    assert!(b.charge_async(&cb, 1).await.is_err());
    let redis = a.redis().unwrap();
    assert_eq!(redis.fallbacks(), 7, "every check made locally is counted");
    assert!(!redis.reachable());
    // Failed attempts fall back too.
    let peer = Some(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 9)));
    let wrong = format!("{}x", &key[..key.len() - 1]);
    for _ in 0..2 {
        let refused = a
            .authenticate(Credentials::new(Some(wrong.as_bytes()), peer))
            .await;
        assert!(matches!(
            refused,
            Err(AuthError::Malformed | AuthError::Rejected)
        ));
    }
    let limited = a
        .authenticate(Credentials::new(Some(wrong.as_bytes()), peer))
        .await;
    assert!(
        matches!(limited, Err(AuthError::RateLimited { .. })),
        "{limited:?}"
    );
    assert_eq!(redis.fallbacks(), 10);
}
