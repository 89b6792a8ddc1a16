//! The authenticator over the in-memory store, directly and through the core's HTTP boundary.

mod common;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_executor::block_on;
use leanrpc_core::{AuthError, Authenticator, Credentials, Grant, RateStatus, Role, Server};
use leanrpc_keys::time::now_unix;
use leanrpc_keys::{
    ApiKey, KeyAuthenticator, KeyFormat, KeyScheme, ManageError, MemoryStore, NewKey, RateLimit,
    SecretHasher, create_key, rotate_key,
};
use leanrpc_keys::{KeyStore, StoreError, StoredKey};

use common::{body, creds, get, post};

type Auth = KeyAuthenticator<Arc<MemoryStore>>;

fn setup(
    configure: impl FnOnce(
        leanrpc_keys::KeyAuthenticatorBuilder<Arc<MemoryStore>>,
    ) -> leanrpc_keys::KeyAuthenticatorBuilder<Arc<MemoryStore>>,
) -> (Arc<MemoryStore>, Auth) {
    let store = Arc::new(MemoryStore::new());
    let auth =
        configure(KeyAuthenticator::builder(Arc::clone(&store)).usage_interval(None)).build();
    (store, auth)
}

fn create(store: &MemoryStore, new: NewKey) -> ApiKey {
    block_on(create_key(store, &KeyScheme::default(), new))
        .unwrap()
        .0
}

fn auth_with(auth: &Auth, key: &[u8]) -> Result<std::sync::Arc<leanrpc_core::Caller>, AuthError> {
    block_on(auth.authenticate(creds(key)))
}

fn from(
    auth: &Auth,
    key: &[u8],
    peer: IpAddr,
) -> Result<std::sync::Arc<leanrpc_core::Caller>, AuthError> {
    block_on(auth.authenticate(Credentials::new(Some(key), Some(peer))))
}

fn server(auth: Auth) -> Server {
    Server::builder().authenticator(auth).build().unwrap()
}

const CALL: &str = r#"{"jsonrpc":"2.0","method":"nope","id":1}"#;

#[test]
fn a_created_key_authenticates_as_its_caller() {
    let (store, auth) = setup(|b| b);
    let key = create(
        &store,
        NewKey::new("ci", Role::Manager)
            .projects([1, 2])
            .scopes(["tickets:read"]),
    );
    let caller = auth_with(&auth, key.reveal().as_bytes()).unwrap();
    assert_eq!(caller.key_id(), key.key_id());
    let grant = caller.grant();
    assert_eq!(grant.name, "ci");
    assert_eq!(grant.role, Role::Manager);
    assert_eq!(grant.projects, vec![1, 2]);
    assert_eq!(grant.scopes, vec!["tickets:read".to_owned()]);
    // The header may carry surrounding whitespace.
    assert!(auth_with(&auth, format!(" {}\t", key.reveal()).as_bytes()).is_ok());
    assert_eq!(
        block_on(auth.authenticate(Credentials::new(None, None))),
        Err(AuthError::Missing)
    );
}

#[test]
fn malformed_non_ascii_and_oversized_headers_are_refused_without_panic() {
    let (store, auth) = setup(|b| b.failed_attempt_limit(None));
    let key = create(&store, NewKey::new("k", Role::Readonly));
    let text = key.reveal().as_bytes();
    let mut inputs: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"lt".to_vec(),
        b"lt__".to_vec(),
        b"   ".to_vec(),
        vec![0xff; text.len()],
        "é".repeat(text.len() / 2).into_bytes(),
        vec![b'a'; 1 << 20],
        vec![0; text.len()],
        [text, b"x"].concat(),
        text[..text.len() - 1].to_vec(),
        text.iter()
            .map(|b| if *b == b'_' { b'-' } else { *b })
            .collect(),
        format!("Bearer {}", key.reveal()).into_bytes(),
        format!("LT{}", &key.reveal()[2..]).into_bytes(),
    ];
    // Every single-byte change: the checksum catches all of them.
    for i in 0..text.len() {
        for b in [b'0', b'z', b'A', b'_', b' ', b'\n', 0, 0x80, 0xff] {
            if text[i] != b {
                let mut changed = text.to_vec();
                changed[i] = b;
                inputs.push(changed);
            }
        }
    }
    // Pseudo-random bytes of lengths around the key's.
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    for n in 0..2000 {
        let len = text.len() - 3 + n % 7;
        inputs.push(
            (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    if n % 2 == 0 {
                        (seed >> 56) as u8
                    } else {
                        b"0aZ_"[(seed % 4) as usize]
                    }
                })
                .collect(),
        );
    }
    for input in &inputs {
        if input.as_slice() != text {
            assert_eq!(
                auth_with(&auth, input),
                Err(AuthError::Malformed),
                "{:?}",
                String::from_utf8_lossy(input)
            );
        }
    }
    let server = server(auth);
    for input in [vec![0xff, 0xfe], vec![b'x'; 64 * 1024]] {
        let response = post(&server, Some(&input), CALL, None);
        assert_eq!(response.status, 401);
        assert!(body(&response).contains("-32001"));
    }
}

/// A record under `id` whose digest belongs to some other secret.
fn wrong_secret_record(id: &str) -> StoredKey {
    let other = KeyFormat::default().mint().unwrap();
    StoredKey::new(
        id,
        Grant::new("victim", Role::Owner),
        SecretHasher::new().digest(other.parts().secret()),
        now_unix(),
    )
}

#[test]
fn unknown_id_wrong_secret_revoked_and_expired_get_one_answer() {
    let (store, auth) = setup(|b| b.cache_ttl(Duration::ZERO).failed_attempt_limit(None));
    let unknown = KeyFormat::default().mint().unwrap();
    let wrong = KeyFormat::default().mint().unwrap();
    block_on(store.insert(wrong_secret_record(wrong.key_id()))).unwrap();
    let revoked = create(&store, NewKey::new("r", Role::Admin));
    block_on(store.revoke(revoked.key_id(), now_unix())).unwrap();
    let expired = create(&store, NewKey::new("e", Role::Admin));
    block_on(store.expire(expired.key_id(), now_unix() - 1)).unwrap();

    let server = server(auth.clone());
    let mut bodies = Vec::new();
    for key in [&unknown, &wrong, &revoked, &expired] {
        assert_eq!(
            auth_with(&auth, key.reveal().as_bytes()),
            Err(AuthError::Rejected)
        );
        let response = post(&server, Some(key.reveal().as_bytes()), CALL, None);
        assert_eq!(response.status, 401);
        bodies.push(body(&response));
    }
    for response in [
        post(&server, None, CALL, None),
        post(&server, Some(b"lt_junk"), CALL, None),
    ] {
        assert_eq!(response.status, 401);
        bodies.push(body(&response));
    }
    assert!(bodies.iter().all(|b| *b == bodies[0]), "{bodies:#?}");
    assert_eq!(
        bodies[0],
        r#"{"jsonrpc":"2.0","error":{"code":-32001,"message":"Unauthorized"},"id":1}"#
    );
}

#[test]
fn a_key_in_the_query_string_is_ignored() {
    let (store, auth) = setup(|b| b);
    let key = create(&store, NewKey::new("k", Role::Owner));
    let server = server(auth);
    let response = get(
        &server,
        &format!("method=nope&jsonrpc=2.0&id=1&x-api-key={}", key.reveal()),
    );
    assert_eq!(response.status, 401, "{}", body(&response));
    let response = post(&server, Some(key.reveal().as_bytes()), CALL, None);
    assert_eq!(
        response.status,
        200,
        "authenticated, then -32601: {}",
        body(&response)
    );
    assert!(body(&response).contains("-32601"));
}

#[test]
fn revocation_shows_within_the_change_check_interval_despite_a_long_ttl() {
    let (store, auth) = setup(|b| {
        b.cache_ttl(Duration::from_secs(3600))
            .change_check_interval(Duration::from_millis(100))
    });
    let keys: Vec<_> = (0..3)
        .map(|i| create(&store, NewKey::new(format!("k{i}"), Role::Editor)))
        .collect();
    for key in &keys {
        assert!(auth_with(&auth, key.reveal().as_bytes()).is_ok());
    }
    let soon = now_unix() + 3600;
    block_on(store.revoke(keys[0].key_id(), now_unix())).unwrap();
    block_on(store.expire(keys[1].key_id(), now_unix() - 1)).unwrap();
    block_on(store.expire(keys[2].key_id(), soon)).unwrap();
    // The bound the design guarantees: a request that begins one check interval after the
    // change was committed never sees the old record.
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(
        auth_with(&auth, keys[0].reveal().as_bytes()),
        Err(AuthError::Rejected),
        "revoked"
    );
    assert_eq!(
        auth_with(&auth, keys[1].reveal().as_bytes()),
        Err(AuthError::Rejected),
        "expired"
    );
    assert!(
        auth_with(&auth, keys[2].reveal().as_bytes()).is_ok(),
        "a later expiry still works"
    );
}

#[test]
fn revocation_shows_within_the_ttl_and_at_once_with_zero_ttl() {
    let (store, cached) = setup(|b| b.cache_ttl(Duration::from_millis(300)));
    let uncached = KeyAuthenticator::builder(Arc::clone(&store))
        .cache_ttl(Duration::ZERO)
        .usage_interval(None)
        .build();
    let key = create(&store, NewKey::new("k", Role::Editor));
    let text = key.reveal().as_bytes();
    assert!(auth_with(&cached, text).is_ok());
    assert!(auth_with(&uncached, text).is_ok());
    block_on(store.revoke(key.key_id(), now_unix())).unwrap();
    assert_eq!(
        auth_with(&uncached, text),
        Err(AuthError::Rejected),
        "zero TTL: at once"
    );
    assert!(auth_with(&cached, text).is_ok(), "still cached");
    std::thread::sleep(Duration::from_millis(350));
    assert_eq!(
        auth_with(&cached, text),
        Err(AuthError::Rejected),
        "after the TTL"
    );

    let other = create(&store, NewKey::new("o", Role::Editor));
    assert!(auth_with(&cached, other.reveal().as_bytes()).is_ok());
    block_on(store.revoke(other.key_id(), now_unix())).unwrap();
    cached.forget(other.key_id());
    assert_eq!(
        auth_with(&cached, other.reveal().as_bytes()),
        Err(AuthError::Rejected),
        "forget: at once"
    );
}

#[test]
fn expiry_is_checked_on_every_request_even_from_the_cache() {
    let (store, auth) = setup(|b| b.cache_ttl(Duration::from_secs(3600)));
    let expires = now_unix() + 1;
    let key = create(&store, NewKey::new("k", Role::Editor).expires_at(expires));
    assert!(auth_with(&auth, key.reveal().as_bytes()).is_ok());
    let deadline = Instant::now() + Duration::from_secs(3);
    while now_unix() < expires && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        auth_with(&auth, key.reveal().as_bytes()),
        Err(AuthError::Rejected)
    );
    let past = block_on(create_key(
        &*store,
        &KeyScheme::default(),
        NewKey::new("p", Role::Editor).expires_at(now_unix() - 5),
    ));
    assert!(matches!(past, Err(ManageError::ExpiryInPast)), "{past:?}");
}

#[test]
fn calls_are_rate_limited_per_key_counting_each_call_of_a_batch() {
    let (store, auth) = setup(|b| b.rate_limit(Some(RateLimit::per_minute(5))));
    let a = auth_with(
        &auth,
        create(&store, NewKey::new("a", Role::Editor))
            .reveal()
            .as_bytes(),
    )
    .unwrap();
    let b = auth_with(
        &auth,
        create(&store, NewKey::new("b", Role::Editor))
            .reveal()
            .as_bytes(),
    )
    .unwrap();
    assert_eq!(
        auth.charge(&a, 3),
        Ok(RateStatus::Limited {
            limit: 5,
            remaining: 2
        })
    );
    assert_eq!(
        auth.charge(&a, 1),
        Ok(RateStatus::Limited {
            limit: 5,
            remaining: 1
        })
    );
    let throttled = auth.charge(&a, 2).unwrap_err();
    assert_eq!(throttled.limit, 5);
    assert!((1..=60).contains(&throttled.retry_after), "{throttled:?}");
    assert_eq!(
        auth.charge(&a, 1),
        Ok(RateStatus::Limited {
            limit: 5,
            remaining: 0
        })
    );
    assert!(auth.charge(&a, 1).is_err());
    assert_eq!(
        auth.charge(&b, 5),
        Ok(RateStatus::Limited {
            limit: 5,
            remaining: 0
        }),
        "per key"
    );

    let (_, unlimited) = setup(|b| b);
    assert_eq!(
        unlimited.charge(&a, 1000),
        Ok(RateStatus::Unlimited),
        "off by default"
    );
}

#[test]
fn rate_limits_answer_429_with_headers() {
    let (store, auth) = setup(|b| b.rate_limit(Some(RateLimit::per_minute(3))));
    let key = create(&store, NewKey::new("k", Role::Editor));
    let server = server(auth);
    let batch = format!("[{CALL},{CALL}]");
    let ok = post(&server, Some(key.reveal().as_bytes()), &batch, None);
    assert_eq!(ok.status, 200);
    assert_eq!(ok.header("x-ratelimit-limit"), Some("3"));
    assert_eq!(ok.header("x-ratelimit-remaining"), Some("1"));
    let limited = post(&server, Some(key.reveal().as_bytes()), &batch, None);
    assert_eq!(limited.status, 429, "{}", body(&limited));
    let retry: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry));
    assert!(body(&limited).contains("-32003"));
}

#[test]
fn failed_attempts_are_limited_per_client_address() {
    let (store, auth) = setup(|b| b.failed_attempt_limit(Some(RateLimit::per_minute(3))));
    let key = create(&store, NewKey::new("k", Role::Editor));
    let unknown = KeyFormat::default().mint().unwrap();
    let attacker: IpAddr = [203, 0, 113, 9].into();
    let neighbour: IpAddr = [203, 0, 113, 10].into();
    for _ in 0..5 {
        assert!(block_on(auth.authenticate(Credentials::new(None, Some(attacker)))).is_err());
    }
    assert!(
        from(&auth, key.reveal().as_bytes(), attacker).is_ok(),
        "a missing key is no guess"
    );
    assert_eq!(from(&auth, b"lt_nope", attacker), Err(AuthError::Malformed));
    assert_eq!(
        from(&auth, unknown.reveal().as_bytes(), attacker),
        Err(AuthError::Rejected)
    );
    assert_eq!(
        from(&auth, unknown.reveal().as_bytes(), attacker),
        Err(AuthError::Rejected)
    );
    let blocked = from(&auth, unknown.reveal().as_bytes(), attacker);
    assert!(
        matches!(
            blocked,
            Err(AuthError::RateLimited {
                retry_after: 1..=60
            })
        ),
        "{blocked:?}"
    );
    assert!(
        matches!(
            from(&auth, b"lt_nope", attacker),
            Err(AuthError::RateLimited { .. })
        ),
        "malformed keys too"
    );
    assert!(
        from(&auth, key.reveal().as_bytes(), attacker).is_ok(),
        "a valid key is never refused for the address's failures"
    );
    assert!(from(&auth, key.reveal().as_bytes(), neighbour).is_ok());
    assert!(
        auth_with(&auth, key.reveal().as_bytes()).is_ok(),
        "no address, no limit"
    );

    let server = server(auth);
    let response = post(
        &server,
        Some(unknown.reveal().as_bytes()),
        CALL,
        Some(attacker),
    );
    assert_eq!(response.status, 429);
    assert!(response.header("retry-after").is_some());
    let response = post(&server, Some(key.reveal().as_bytes()), CALL, Some(attacker));
    assert_eq!(response.status, 200, "{}", body(&response));
}

#[test]
fn debug_output_never_shows_a_secret() {
    let store = MemoryStore::new();
    let scheme = KeyScheme::new(
        KeyFormat::default(),
        SecretHasher::with_pepper(b"pepper-value"),
    );
    let (key, stored) =
        block_on(create_key(&store, &scheme, NewKey::new("k", Role::Editor))).unwrap();
    let secret = key.parts().secret();
    let rotation = block_on(rotate_key(&store, &scheme, key.key_id(), Some(60))).unwrap();
    let auth = KeyAuthenticator::builder(store)
        .scheme(scheme.clone())
        .build();
    let shown = [
        format!("{key:?}"),
        format!("{:?}", key.parts()),
        format!("{stored:?}"),
        format!("{rotation:?}"),
        format!("{scheme:?}"),
        format!("{auth:?}"),
        format!("{:?}", KeyFormat::default().parse(key.reveal().as_bytes())),
    ];
    for text in &shown {
        assert!(!text.contains(secret), "{text}");
        assert!(!text.contains(&secret[..16]), "{text}");
        assert!(!text.contains(rotation.new_key.parts().secret()), "{text}");
        assert!(!text.contains("pepper-value"), "{text}");
        assert!(
            !text.contains(&format!("{:?}", &stored.digest[..4])),
            "{text}"
        );
    }
    assert!(shown[0].contains(key.key_id()) && shown[0].contains("[redacted]"));
}

#[test]
fn a_pepper_must_match() {
    let store = Arc::new(MemoryStore::new());
    let peppered = KeyScheme::new(KeyFormat::default(), SecretHasher::with_pepper(b"s3cret"));
    let (key, _) = block_on(create_key(
        &*store,
        &peppered,
        NewKey::new("k", Role::Editor),
    ))
    .unwrap();
    let plain = KeyAuthenticator::builder(Arc::clone(&store))
        .usage_interval(None)
        .build();
    let right = KeyAuthenticator::builder(Arc::clone(&store))
        .scheme(peppered)
        .usage_interval(None)
        .build();
    assert_eq!(
        auth_with(&plain, key.reveal().as_bytes()),
        Err(AuthError::Rejected)
    );
    assert!(auth_with(&right, key.reveal().as_bytes()).is_ok());
    let acme = KeyAuthenticator::builder(store)
        .scheme(KeyScheme::new(
            KeyFormat::new("acme").unwrap(),
            SecretHasher::new(),
        ))
        .build();
    assert_eq!(
        auth_with(&acme, key.reveal().as_bytes()),
        Err(AuthError::Malformed)
    );
}

#[test]
fn rotation_keeps_the_old_key_for_the_overlap_or_revokes_it() {
    let (store, auth) = setup(|b| b.cache_ttl(Duration::ZERO));
    let scheme = KeyScheme::default();
    let old = create(
        &store,
        NewKey::new("svc", Role::Admin).projects([9]).scopes(["a"]),
    );
    let soft = block_on(rotate_key(&*store, &scheme, old.key_id(), Some(3600))).unwrap();
    assert!(soft.old_ends_at > now_unix());
    assert!(auth_with(&auth, old.reveal().as_bytes()).is_ok(), "overlap");
    let caller = auth_with(&auth, soft.new_key.reveal().as_bytes()).unwrap();
    assert_eq!(
        (
            caller.grant().name.as_str(),
            caller.grant().role,
            caller.grant().projects.clone(),
            caller.grant().scopes.clone()
        ),
        ("svc", Role::Admin, vec![9], vec!["a".to_owned()])
    );

    let hard = block_on(rotate_key(&*store, &scheme, soft.new_key.key_id(), None)).unwrap();
    assert_eq!(
        auth_with(&auth, soft.new_key.reveal().as_bytes()),
        Err(AuthError::Rejected)
    );
    assert!(auth_with(&auth, hard.new_key.reveal().as_bytes()).is_ok());
    let again = block_on(rotate_key(&*store, &scheme, soft.new_key.key_id(), None));
    assert!(
        matches!(again, Err(ManageError::Inactive { .. })),
        "{again:?}"
    );
    let missing = block_on(rotate_key(&*store, &scheme, "nosuchkey000", None));
    assert!(
        matches!(missing, Err(ManageError::UnknownKey(_))),
        "{missing:?}"
    );
}

#[test]
fn last_used_at_is_recorded_off_the_request_path() {
    let store = Arc::new(MemoryStore::new());
    let auth = KeyAuthenticator::new(Arc::clone(&store));
    let key = create(&store, NewKey::new("k", Role::Editor));
    let before = now_unix();
    assert!(auth_with(&auth, key.reveal().as_bytes()).is_ok());
    let deadline = Instant::now() + Duration::from_secs(5);
    let used = loop {
        let record = block_on(store.find(key.key_id())).unwrap().unwrap();
        if let Some(at) = record.last_used_at {
            break at;
        }
        assert!(Instant::now() < deadline, "last_used_at never written");
        std::thread::sleep(Duration::from_millis(10));
    };
    assert!(used >= before);
}

/// A [`MemoryStore`] that counts lookups.
#[derive(Default)]
struct CountingStore {
    inner: MemoryStore,
    finds: std::sync::atomic::AtomicUsize,
}

impl CountingStore {
    fn finds(&self) -> usize {
        self.finds.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl KeyStore for CountingStore {
    fn find<'a>(
        &'a self,
        key_id: &'a str,
    ) -> leanrpc_core::BoxFuture<'a, Result<Option<StoredKey>, StoreError>> {
        self.finds.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.inner.find(key_id)
    }
    fn insert(&self, key: StoredKey) -> leanrpc_core::BoxFuture<'_, Result<(), StoreError>> {
        self.inner.insert(key)
    }
    fn list(&self) -> leanrpc_core::BoxFuture<'_, Result<Vec<StoredKey>, StoreError>> {
        self.inner.list()
    }
    fn revoke<'a>(
        &'a self,
        key_id: &'a str,
        at: i64,
    ) -> leanrpc_core::BoxFuture<'a, Result<(), StoreError>> {
        self.inner.revoke(key_id, at)
    }
    fn expire<'a>(
        &'a self,
        key_id: &'a str,
        at: i64,
    ) -> leanrpc_core::BoxFuture<'a, Result<(), StoreError>> {
        self.inner.expire(key_id, at)
    }
    fn touch_many(
        &self,
        uses: Vec<(String, i64)>,
    ) -> leanrpc_core::BoxFuture<'_, Result<(), StoreError>> {
        self.inner.touch_many(uses)
    }
}

#[test]
fn a_known_key_id_is_refused_with_the_same_store_work_as_an_unknown_one() {
    let store = Arc::new(CountingStore::default());
    let scheme = KeyScheme::default();
    // A stored key whose digest is another secret's: "known id, wrong secret", valid checksum.
    let (known, mut stored) = scheme.mint(NewKey::new("k", Role::Editor), 0).unwrap();
    stored.digest = [0x11; 32];
    block_on(store.insert(stored)).unwrap();
    let valid = block_on(create_key(&*store, &scheme, NewKey::new("v", Role::Editor)))
        .unwrap()
        .0;
    let unknown = KeyFormat::default().mint().unwrap();
    let auth = KeyAuthenticator::builder(Arc::clone(&store))
        .usage_interval(None)
        .build();
    let lookups = |key: &ApiKey| {
        let before = store.finds();
        let result = block_on(auth.authenticate(creds(key.reveal().as_bytes())));
        (result.map(|_| ()), store.finds() - before)
    };
    // Warm: both known ids are now cached.
    assert_eq!(
        lookups(&known),
        (Err(AuthError::Rejected), 1),
        "read once, then cached"
    );
    assert_eq!(lookups(&valid).0, Ok(()));
    for _ in 0..3 {
        assert_eq!(lookups(&known), (Err(AuthError::Rejected), 1));
        assert_eq!(lookups(&unknown), (Err(AuthError::Rejected), 1));
        assert_eq!(
            lookups(&valid),
            (Ok(()), 0),
            "accepted keys stay on the cache"
        );
    }
}
