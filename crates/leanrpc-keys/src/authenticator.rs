//! [`KeyAuthenticator`]: the `x-api-key` header in, a [`Caller`] out.

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use leanrpc_core::{
    AuthError, Authenticator, BoxFuture, Caller, Credentials, RateStatus, Throttled,
};

use crate::cache::KeyCache;
use crate::limit::{FixedWindows, RateLimit, client_bucket};
use crate::scheme::KeyScheme;
use crate::store::{KeyChange, KeyStatus, KeyStore};
use crate::time::now_unix;
use crate::usage::UsageRecorder;

/// How long a key read from the store is trusted before it is read again, if the store cannot
/// tell when keys change ([`KeyStore::generation`] is `None`). With the built-in stores a
/// change drops the cache within [`DEFAULT_CHANGE_CHECK_INTERVAL`] instead.
pub const DEFAULT_CACHE_TTL: Duration = Duration::from_secs(30);
/// How often, at most, the store's change counter is read: a revocation, expiry or rotation,
/// made by this process or another sharing the store, applies to every request that begins
/// this long after it was committed.
pub const DEFAULT_CHANGE_CHECK_INTERVAL: Duration = Duration::from_millis(250);
/// Failed attempts one client address may make per window before its further failures are
/// answered 429 instead of 401 (valid keys from it are still accepted).
pub const DEFAULT_FAILED_ATTEMPT_LIMIT: RateLimit = RateLimit::per_minute(20);
/// How often, at most, a key's `last_used_at` is written.
pub const DEFAULT_USAGE_INTERVAL: Duration = Duration::from_secs(60);

/// The digest an unknown key id is checked against, so that it costs what a wrong secret costs.
const DUMMY_DIGEST: [u8; 32] = [0x5a; 32];
/// A key id no key can have (ids are base62), looked up to cost what an unknown id costs.
const NO_SUCH_KEY_ID: &str = "------------";
/// Most cached keys, tracked client addresses and rate-limited keys.
const MAX_TRACKED: usize = 100_000;

/// Authenticates requests by API key against a [`KeyStore`].
///
/// Per request: parse the header (length, prefix, alphabet, checksum) → if due, read the
/// store's change counter and drop the cache if it moved → the key's record from the cache or
/// the store → compare the secret's digest in constant time → check revocation and expiry →
/// the key's [`Caller`]. Unknown key id, wrong secret, revoked and expired all give
/// [`AuthError::Rejected`], and each costs one store read (see below); a client address that
/// failed too often gets [`AuthError::RateLimited`] for its failures instead.
///
/// # Revocation, expiry and rotation
///
/// Records are cached (30 s by default) but the store's change counter
/// ([`KeyStore::generation`]) is read at most every 250 ms, by the first request after that
/// time, and a counter that moved drops the whole cache. So a change committed to the store (by
/// this process or by the key CLI in another) applies to every request that begins more than
/// the check interval after the commit. Stores without a counter fall back to the TTL.
///
/// A store that pushes changes ([`KeyStore::subscribe`]; `PgKeyStore` does, with PostgreSQL's
/// `LISTEN`/`NOTIFY`) also has the changed key dropped from the cache as soon as the change
/// reaches this process, typically milliseconds after the commit, and everything dropped when
/// the store says it may have missed changes (its listener reconnected). The change counter
/// stays the guarantee; push makes the usual case faster.
///
/// # The failed-attempt limit never refuses a valid key
///
/// The key is always verified first. A valid key is accepted whatever its client address did;
/// only a failure is charged to the address, and once the address has used up its window
/// (20 a minute by default) its failures are answered 429 with `Retry-After` instead of 401.
/// Refusing the address before looking at the key, as earlier versions did, let anyone behind
/// the same address (an office NAT, a TLS proxy) lock every valid key out for a minute. What
/// the limit still does: it tells a misbehaving client to back off, and a blocked address's
/// failures cost the server no more than any other failure (a parse, a lookup, a digest; no
/// counting, no log line). What it never did: protect secrets, which have 190 random bits, so
/// no rate of online guessing finds one.
///
/// # Timing
///
/// Every rejection of a well-formed key costs one store read that finds nothing: an unknown id
/// reads the store to find it missing, and a known id whose record came from the cache (wrong
/// secret, revoked, expired) looks up an id no key can have before it is refused. So the time of a refusal does not tell an
/// unknown key id from a known one. Accepted keys are served from the cache.
///
/// Cloning is cheap and clones share the cache and the counters, so an application can keep a
/// clone (to [`forget`](Self::forget) a key it revoked) after handing one to the server.
pub struct KeyAuthenticator<S: KeyStore> {
    inner: Arc<Inner<S>>,
}

struct Inner<S> {
    store: Arc<S>,
    scheme: KeyScheme,
    cache: Arc<KeyCache>,
    /// Whether the store pushes changes ([`KeyStore::subscribe`]).
    pushed: bool,
    calls: Option<FixedWindows<String>>,
    failures: Option<FixedWindows<IpAddr>>,
    usage: Option<UsageRecorder>,
    /// Where the limits are counted when several servers share them.
    #[cfg(feature = "redis")]
    redis: Option<Arc<crate::RedisLimits>>,
}

impl<S: KeyStore> Clone for KeyAuthenticator<S> {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<S: KeyStore> fmt::Debug for KeyAuthenticator<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("KeyAuthenticator")
            .field("scheme", &inner.scheme)
            .field("cache_ttl", &inner.cache.ttl())
            .field("change_check_interval", &inner.cache.check_interval())
            .field("pushed_changes", &inner.pushed)
            .field("rate_limit", &inner.calls.as_ref().map(|c| c.limit()))
            .field(
                "failed_attempt_limit",
                &inner.failures.as_ref().map(|f| f.limit()),
            )
            .field("records_usage", &inner.usage.is_some())
            .finish_non_exhaustive()
    }
}

impl<S: KeyStore> KeyAuthenticator<S> {
    /// The limits counted in Redis, if the authenticator shares its limits (feature `redis`).
    #[cfg(feature = "redis")]
    pub fn redis(&self) -> Option<&crate::RedisLimits> {
        self.inner.redis.as_deref()
    }

    /// Counts a failed attempt from `bucket`: `Some(retry_after)` when the address has used up
    /// its window (in Redis when shared and reachable, else here).
    async fn failed_attempt(&self, failures: &FixedWindows<IpAddr>, bucket: IpAddr) -> Option<u64> {
        #[cfg(feature = "redis")]
        if let Some(redis) = &self.inner.redis {
            let id = bucket.to_string();
            match redis.take("failures", &id, failures.limit(), 1).await {
                Some(crate::redis_limits::Verdict::Taken(_)) => return None,
                Some(crate::redis_limits::Verdict::Refused(retry_after)) => {
                    return Some(retry_after);
                }
                None => {}
            }
        }
        let now = Instant::now();
        if let Some(retry_after) = failures.exhausted(&bucket, now) {
            return Some(retry_after);
        }
        failures.add(&bucket, now);
        None
    }

    /// An authenticator with the defaults (see [`KeyAuthenticatorBuilder`]).
    pub fn new(store: S) -> Self {
        Self::builder(store).build()
    }

    /// Starts configuring an authenticator over `store`. To share the store with other code
    /// (the key commands, say), pass an `Arc<S>`: it is a [`KeyStore`] too.
    pub fn builder(store: S) -> KeyAuthenticatorBuilder<S> {
        KeyAuthenticatorBuilder {
            store: Arc::new(store),
            scheme: KeyScheme::default(),
            cache_ttl: DEFAULT_CACHE_TTL,
            change_check_interval: DEFAULT_CHANGE_CHECK_INTERVAL,
            rate_limit: None,
            failed_attempt_limit: Some(DEFAULT_FAILED_ATTEMPT_LIMIT),
            usage_interval: Some(DEFAULT_USAGE_INTERVAL),
            #[cfg(feature = "redis")]
            redis: None,
        }
    }

    /// The key store.
    pub fn store(&self) -> &S {
        &self.inner.store
    }

    /// The key scheme.
    pub fn scheme(&self) -> &KeyScheme {
        &self.inner.scheme
    }

    /// Drops `key_id` from the cache, so a change this process just made to it (such as a
    /// revocation) applies to the very next request rather than after the change check
    /// interval.
    pub fn forget(&self, key_id: &str) {
        self.inner.cache.forget(key_id);
    }

    /// Checks an `x-api-key` value, without the per-address failure limit.
    pub async fn verify(&self, api_key: Option<&[u8]>) -> Result<Arc<Caller>, AuthError> {
        self.verify_at(api_key, Instant::now()).await
    }

    /// [`verify`](Self::verify) with the clock already read: one read serves the whole request.
    async fn verify_at(
        &self,
        api_key: Option<&[u8]>,
        now: Instant,
    ) -> Result<Arc<Caller>, AuthError> {
        let inner = &*self.inner;
        let raw = api_key.ok_or(AuthError::Missing)?;
        let parts = inner.scheme.parse(raw).map_err(|reason| {
            tracing::debug!(%reason, "malformed API key");
            AuthError::Malformed
        })?;
        let key_id = parts.key_id();
        if inner.cache.check_due(now) {
            match inner.store.generation().await {
                Ok(generation) => inner.cache.observe(generation, now),
                Err(error) => {
                    tracing::warn!(%error, "reading the key store's change counter failed");
                    inner.cache.clear(now);
                }
            }
        }
        let mut from_cache = false;
        let cached = match inner.cache.get(key_id, now) {
            Some(record) => {
                from_cache = true;
                record
            }
            None => {
                // The generation before the read: if a change is observed meanwhile, the
                // record read is used for this request but not cached.
                let generation = inner.cache.generation();
                match inner.store.find(key_id).await {
                    Ok(Some(record)) => inner.cache.put(record, Instant::now(), generation),
                    Ok(None) => {
                        // Spend the digest and compare a known key would cost.
                        let _ = inner.scheme.hasher().verify(parts.secret(), &DUMMY_DIGEST);
                        tracing::debug!(key_id, "unknown API key id");
                        return Err(AuthError::Rejected);
                    }
                    Err(error) => {
                        tracing::warn!(key_id, %error, "key store lookup failed");
                        return Err(AuthError::Unavailable);
                    }
                }
            }
        };
        let record = &cached.record;
        let refusal = if !inner.scheme.hasher().verify(parts.secret(), &record.digest) {
            Some("wrong secret")
        } else {
            match record.status_at(now_unix()) {
                KeyStatus::Active => None,
                KeyStatus::Revoked => Some("revoked"),
                _ => Some("expired"),
            }
        };
        if let Some(reason) = refusal {
            if from_cache {
                // Cost the store read an unknown key id costs (a lookup that finds nothing),
                // so timing does not tell them apart.
                let _ = inner.store.find(NO_SUCH_KEY_ID).await;
            }
            tracing::debug!(key_id, reason, "API key refused");
            return Err(AuthError::Rejected);
        }
        let now = now_unix();
        if let Some(usage) = &inner.usage {
            usage.record(&cached, now);
        }
        Ok(Arc::clone(&cached.caller))
    }
}

impl<S: KeyStore> Authenticator for KeyAuthenticator<S> {
    fn authenticate<'a>(
        &'a self,
        credentials: Credentials<'a>,
    ) -> BoxFuture<'a, Result<Arc<Caller>, AuthError>> {
        Box::pin(async move {
            // The key first, whatever the address did: a valid key is never refused for
            // other clients' failures (see "The failed-attempt limit" on the type).
            let result = self.verify_at(credentials.api_key, Instant::now()).await;
            if let (Some(failures), Some(peer), Err(AuthError::Malformed | AuthError::Rejected)) =
                (self.inner.failures.as_ref(), credentials.peer, &result)
            {
                let bucket = client_bucket(peer);
                if let Some(retry_after) = self.failed_attempt(failures, bucket).await {
                    tracing::debug!(peer = %bucket, retry_after, "too many failed API key attempts");
                    return Err(AuthError::RateLimited { retry_after });
                }
            }
            result
        })
    }

    fn charge(&self, caller: &Caller, calls: usize) -> Result<RateStatus, Throttled> {
        let Some(limiter) = &self.inner.calls else {
            return Ok(RateStatus::Unlimited);
        };
        let calls = u64::try_from(calls).unwrap_or(u64::MAX);
        let remaining = limiter
            .take(caller.key_id(), calls, Instant::now())
            .map_err(|retry_after| Throttled {
                limit: limiter.limit().max,
                retry_after,
            })?;
        Ok(RateStatus::Limited {
            limit: limiter.limit().max,
            remaining,
        })
    }

    /// With [`RedisLimits`](crate::RedisLimits) (feature `redis`), counts in Redis, shared by
    /// every server using it, falling back to [`charge`](Self::charge) (this process's count)
    /// when Redis does not answer; without, [`charge`](Self::charge).
    #[cfg(feature = "redis")]
    fn charge_async<'a>(
        &'a self,
        caller: &'a Caller,
        calls: usize,
    ) -> BoxFuture<'a, Result<RateStatus, Throttled>> {
        let (Some(redis), Some(limiter)) = (&self.inner.redis, &self.inner.calls) else {
            return Box::pin(std::future::ready(self.charge(caller, calls)));
        };
        Box::pin(async move {
            let limit = limiter.limit();
            let n = u64::try_from(calls).unwrap_or(u64::MAX);
            match redis.take("calls", caller.key_id(), limit, n).await {
                Some(crate::redis_limits::Verdict::Taken(remaining)) => Ok(RateStatus::Limited {
                    limit: limit.max,
                    remaining,
                }),
                Some(crate::redis_limits::Verdict::Refused(retry_after)) => Err(Throttled {
                    limit: limit.max,
                    retry_after,
                }),
                None => self.charge(caller, calls),
            }
        })
    }
}

/// Configures a [`KeyAuthenticator`].
///
/// | setting | default |
/// |---|---|
/// | [`scheme`](Self::scheme) | prefix `lt`, plain SHA-256 |
/// | [`cache_ttl`](Self::cache_ttl) | 30 s ([`DEFAULT_CACHE_TTL`]) |
/// | [`change_check_interval`](Self::change_check_interval) | 250 ms ([`DEFAULT_CHANGE_CHECK_INTERVAL`]) |
/// | [`rate_limit`](Self::rate_limit) | off (Leantime's 120 a minute is [`RateLimit::default`]) |
/// | [`failed_attempt_limit`](Self::failed_attempt_limit) | 20 failures a minute per client address, then 429 for its failures |
/// | [`usage_interval`](Self::usage_interval) | 60 s |
pub struct KeyAuthenticatorBuilder<S: KeyStore> {
    store: Arc<S>,
    scheme: KeyScheme,
    cache_ttl: Duration,
    change_check_interval: Duration,
    rate_limit: Option<RateLimit>,
    failed_attempt_limit: Option<RateLimit>,
    usage_interval: Option<Duration>,
    #[cfg(feature = "redis")]
    redis: Option<Arc<crate::RedisLimits>>,
}

impl<S: KeyStore> fmt::Debug for KeyAuthenticatorBuilder<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyAuthenticatorBuilder")
            .field("scheme", &self.scheme)
            .field("cache_ttl", &self.cache_ttl)
            .field("change_check_interval", &self.change_check_interval)
            .field("rate_limit", &self.rate_limit)
            .field("failed_attempt_limit", &self.failed_attempt_limit)
            .field("usage_interval", &self.usage_interval)
            .finish_non_exhaustive()
    }
}

impl<S: KeyStore> KeyAuthenticatorBuilder<S> {
    /// The key format and hasher; must match the one keys were created with.
    pub fn scheme(mut self, scheme: KeyScheme) -> Self {
        self.scheme = scheme;
        self
    }

    /// How long a key read from the store is trusted at most. With a store that has a change
    /// counter (both built-in stores), changes apply within the
    /// [`change_check_interval`](Self::change_check_interval) anyway; for other stores,
    /// revocation takes effect within the TTL. `Duration::ZERO` reads the store on every
    /// request.
    pub fn cache_ttl(mut self, ttl: Duration) -> Self {
        self.cache_ttl = ttl;
        self
    }

    /// How often, at most, the store's change counter ([`KeyStore::generation`]) is read; a
    /// counter that moved drops the cache. A change committed to the store applies to every
    /// request that begins this long after the commit. `Duration::ZERO` reads the counter on
    /// every request.
    pub fn change_check_interval(mut self, interval: Duration) -> Self {
        self.change_check_interval = interval;
        self
    }

    /// Calls each key may make per window, counted per call (a batch of N counts N, and is
    /// refused whole if it does not fit, so a batch larger than the limit never passes); `None`
    /// turns the limit off.
    pub fn rate_limit(mut self, limit: Option<RateLimit>) -> Self {
        self.rate_limit = limit;
        self
    }

    /// Failed attempts (malformed, unknown, wrong, revoked or expired key) one client address
    /// may make per window before its further failures are answered 429 (with `Retry-After`)
    /// instead of 401 until the window ends. The key is always checked first, so a valid key is
    /// accepted from any address. IPv6 addresses count by /64. `None` turns the limit off.
    /// Requests without a known address are not limited.
    pub fn failed_attempt_limit(mut self, limit: Option<RateLimit>) -> Self {
        self.failed_attempt_limit = limit;
        self
    }

    /// How often, at most, each key's `last_used_at` is written, off the request path on a
    /// background thread that drives the store's futures with a minimal executor. `None`
    /// records nothing and starts no thread.
    pub fn usage_interval(mut self, interval: Option<Duration>) -> Self {
        self.usage_interval = interval;
        self
    }

    /// Counts the [`rate_limit`](Self::rate_limit) and the
    /// [`failed_attempt_limit`](Self::failed_attempt_limit) in Redis (feature `redis`), so that
    /// every server using the same Redis and prefix shares them: one atomic script per check
    /// (GCRA: a burst of the limit, then refilled evenly over the window). When Redis does not
    /// answer, checks fall back to this process's own counts (see [`RedisLimits`](crate::RedisLimits)).
    /// Needs a Tokio runtime and a front end that charges through
    /// [`Authenticator::charge_async`], as leanrpc-http's endpoint does.
    #[cfg(feature = "redis")]
    pub fn redis(mut self, limits: crate::RedisLimits) -> Self {
        self.redis = Some(Arc::new(limits));
        self
    }

    /// Builds the authenticator (starting the usage writer thread, if usage is recorded).
    pub fn build(self) -> KeyAuthenticator<S> {
        let usage = self.usage_interval.and_then(|interval| {
            let secs = i64::try_from(interval.as_secs()).unwrap_or(i64::MAX);
            UsageRecorder::spawn(Arc::clone(&self.store), secs)
        });
        let cache = Arc::new(KeyCache::new(
            self.cache_ttl,
            MAX_TRACKED,
            self.change_check_interval,
        ));
        // The listener holds the cache weakly: once the authenticator is gone, it unsubscribes.
        let watched = Arc::downgrade(&cache);
        let pushed = self.store.subscribe(Box::new(move |change| {
            let Some(cache) = watched.upgrade() else {
                return false;
            };
            match change {
                KeyChange::Key(key_id) => {
                    tracing::debug!(key_id, "key changed in the store; dropped from the cache");
                    cache.pushed(Some(key_id));
                }
                _ => {
                    tracing::debug!("key store may have missed changes; cache dropped");
                    cache.pushed(None);
                }
            }
            true
        }));
        KeyAuthenticator {
            inner: Arc::new(Inner {
                store: self.store,
                scheme: self.scheme,
                cache,
                pushed,
                calls: self
                    .rate_limit
                    .map(|limit| FixedWindows::new(limit, MAX_TRACKED)),
                failures: self
                    .failed_attempt_limit
                    .map(|limit| FixedWindows::new(limit, MAX_TRACKED)),
                usage,
                #[cfg(feature = "redis")]
                redis: self.redis,
            }),
        }
    }
}
