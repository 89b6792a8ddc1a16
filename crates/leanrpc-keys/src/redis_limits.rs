//! [`RedisLimits`]: the per-key call limit and the failed-attempt limit counted in Redis
//! (feature `redis`), so that several server instances share one count.
//!
//! # The algorithm
//!
//! Each check is one Lua script run atomically by Redis (`EVALSHA`, loaded again with `EVAL`
//! when Redis answers `NOSCRIPT`): the generic cell rate algorithm (GCRA). A limit of `max`
//! per `window` lets a key make `max` calls at once, then one more each `window / max`, never
//! more: the state is one number per key (when its allowance is next full), computed against
//! Redis' own clock, so instances with skewed clocks still agree, and a check never reads then
//! writes in two steps that could race. A batch of `n` calls takes `n` at once or nothing.
//!
//! # When Redis cannot be reached
//!
//! The limits **fail open to this instance's own counts**: a check that Redis does not answer
//! (refused connection, timeout, an error) is made against the in-memory limiter the
//! authenticator uses without Redis, so each instance still holds every key to the limit on
//! its own (N instances let up to N times the limit through while Redis is down). The first
//! failure logs a warning, recovery logs again, and [`RedisLimits::fallbacks`] counts the
//! checks made locally, for metrics. After a failure Redis is left alone for a second before it
//! is tried again, so a dead Redis costs a request nothing. The reason: the limits protect the
//! server's capacity; authentication itself never depends on Redis, and refusing every call
//! while a cache is down would turn a Redis outage into an API outage.

use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use redis::aio::MultiplexedConnection;
use redis::{AsyncConnectionConfig, Client, Script};

use crate::limit::RateLimit;

/// The key prefix when none is set.
pub const DEFAULT_REDIS_PREFIX: &str = "leanrpc:";

/// How long a connection attempt or a check waits for Redis at most.
const TIMEOUT: Duration = Duration::from_millis(250);

/// How long Redis is left alone after a failure.
const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(1);

/// GCRA, atomically. KEYS[1]: the counted thing's state, its "theoretical arrival time" (µs on
/// Redis' clock). ARGV: the emission interval (µs per event), the window (µs: `max` intervals),
/// the events to take. Answers {taken (1 or 0), µs until they would fit, events left}.
const GCRA: &str = r"
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000000 + tonumber(now_parts[2])
local interval = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local n = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
local new_tat = tat + n * interval
local allowed_at = new_tat - window
if allowed_at > now then
  local left = math.floor((window - (tat - now)) / interval)
  return {0, allowed_at - now, left}
end
redis.call('SET', KEYS[1], new_tat, 'PX', math.ceil((new_tat - now) / 1000) + 1)
return {1, 0, math.floor((window - (new_tat - now)) / interval)}
";

/// Why [`RedisLimits::new`] refused a URL.
#[derive(Debug)]
pub struct RedisUrlError(String);

impl fmt::Display for RedisUrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RedisUrlError {}

/// The outcome of one check against a limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Taken; this many events are left (as many as fit at once now).
    Taken(u64),
    /// Refused: seconds until the events would fit.
    Refused(u64),
}

/// Limits counted in Redis, shared by every server that uses the same Redis and prefix. Give
/// it to [`KeyAuthenticatorBuilder::redis`](crate::KeyAuthenticatorBuilder::redis). Needs a
/// Tokio runtime.
pub struct RedisLimits {
    client: Client,
    prefix: String,
    /// The URL without its password, for logs.
    described: String,
    script: Script,
    connection: Mutex<Option<MultiplexedConnection>>,
    /// Until when Redis is left alone after a failure.
    resting_until: Mutex<Option<Instant>>,
    /// Whether the last check failed (for one warning per outage).
    down: AtomicBool,
    fallbacks: AtomicU64,
}

impl fmt::Debug for RedisLimits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisLimits")
            .field("redis", &self.described)
            .field("prefix", &self.prefix)
            .field("fallbacks", &self.fallbacks())
            .finish_non_exhaustive()
    }
}

/// A Redis URL as it may be logged: no password.
fn describe(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let host = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
            format!("{scheme}://{host}")
        }
        None => "redis://(unparsable URL)".to_owned(),
    }
}

impl RedisLimits {
    /// Limits counted in the Redis at `url` (`redis://[:PASSWORD@]HOST[:PORT][/DB]`), under
    /// [`DEFAULT_REDIS_PREFIX`]. Nothing is connected yet: the first check connects, and a Redis
    /// that does not answer then makes the checks fall back to local counts (see the module
    /// docs), so a server starts whether or not Redis is up.
    pub fn new(url: &str) -> Result<Self, RedisUrlError> {
        let described = describe(url);
        let client = Client::open(url)
            .map_err(|e| RedisUrlError(format!("invalid Redis URL {described}: {e}")))?;
        Ok(Self {
            client,
            prefix: DEFAULT_REDIS_PREFIX.to_owned(),
            described,
            script: Script::new(GCRA),
            connection: Mutex::new(None),
            resting_until: Mutex::new(None),
            down: AtomicBool::new(false),
            fallbacks: AtomicU64::new(0),
        })
    }

    /// Puts every Redis key under `prefix` (`leanrpc:` by default): servers that share a limit
    /// share a prefix; other applications of the same Redis use another.
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// The key prefix.
    pub fn key_prefix(&self) -> &str {
        &self.prefix
    }

    /// How many checks were made against this instance's own counts because Redis did not
    /// answer (a counter for metrics; it only grows).
    pub fn fallbacks(&self) -> u64 {
        self.fallbacks.load(Ordering::Relaxed)
    }

    /// Whether the last check reached Redis (`false` also before the first check).
    pub fn reachable(&self) -> bool {
        !self.down.load(Ordering::Relaxed)
            && self
                .connection
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .is_some()
    }

    /// Takes `n` events of `limit` for `what:id`; `None` when Redis could not answer (the caller
    /// then counts locally; [`fallbacks`](Self::fallbacks) counted it).
    pub(crate) async fn take(
        &self,
        what: &str,
        id: &str,
        limit: RateLimit,
        n: u64,
    ) -> Option<Verdict> {
        match self.try_take(what, id, limit, n).await {
            Ok(verdict) => {
                if self.down.swap(false, Ordering::Relaxed) {
                    tracing::info!(redis = %self.described, "Redis answers again; limits are shared again");
                }
                Some(verdict)
            }
            Err(error) => {
                self.fallbacks.fetch_add(1, Ordering::Relaxed);
                if let Some(error) = error
                    && !self.down.swap(true, Ordering::Relaxed)
                {
                    tracing::warn!(
                        redis = %self.described,
                        %error,
                        "Redis does not answer: rate limits fall back to this instance's own counts"
                    );
                }
                None
            }
        }
    }

    /// One check; `Err(None)` while Redis is left alone after a failure.
    async fn try_take(
        &self,
        what: &str,
        id: &str,
        limit: RateLimit,
        n: u64,
    ) -> Result<Verdict, Option<redis::RedisError>> {
        let max = limit.max.max(1);
        let window_us = u64::try_from(limit.window.as_micros())
            .unwrap_or(u64::MAX)
            .max(1);
        // At least 1 µs apart, so that a limit is never unlimited by rounding.
        let interval_us = (window_us / max).max(1);
        let window_us = interval_us.saturating_mul(max);
        if limit.max == 0 || n > limit.max {
            // Never fits: refused without asking (as the local limiter does).
            return Ok(Verdict::Refused(secs(window_us)));
        }
        let mut connection = self.connection().await?;
        let key = format!("{}{what}:{id}", self.prefix);
        let answer: Result<(u64, u64, u64), _> = self
            .script
            .key(key)
            .arg(interval_us)
            .arg(window_us)
            .arg(n)
            .invoke_async(&mut connection)
            .await;
        match answer {
            Ok((1, _, left)) => Ok(Verdict::Taken(left)),
            Ok((_, wait_us, _)) => Ok(Verdict::Refused(secs(wait_us))),
            Err(error) => {
                self.failed();
                Err(Some(error))
            }
        }
    }

    /// The shared connection, connecting first if there is none (unless Redis is resting).
    async fn connection(&self) -> Result<MultiplexedConnection, Option<redis::RedisError>> {
        if let Some(connection) = self
            .connection
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
        {
            return Ok(connection);
        }
        {
            let resting = self
                .resting_until
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            if resting.is_some_and(|until| Instant::now() < until) {
                return Err(None);
            }
        }
        let config = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(TIMEOUT))
            .set_response_timeout(Some(TIMEOUT));
        match self
            .client
            .get_multiplexed_async_connection_with_config(&config)
            .await
        {
            Ok(connection) => {
                *self
                    .connection
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner) = Some(connection.clone());
                Ok(connection)
            }
            Err(error) => {
                self.failed();
                Err(Some(error))
            }
        }
    }

    /// Forgets the connection and leaves Redis alone for a while.
    fn failed(&self) {
        *self
            .connection
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = None;
        *self
            .resting_until
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(Instant::now() + RETRY_AFTER_FAILURE);
    }
}

/// Microseconds as whole seconds to wait, rounded up and at least 1 (a client told to retry in
/// 0 s retries at once).
fn secs(us: u64) -> u64 {
    us.div_ceil(1_000_000).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_described_without_passwords() {
        assert_eq!(
            describe("redis://:hunter2@127.0.0.1:6379/0"),
            "redis://127.0.0.1:6379/0"
        );
        assert_eq!(
            describe("redis://me:p@ss@host:1"),
            "redis://host:1",
            "the last @ ends the credentials"
        );
        assert_eq!(describe("localhost"), "redis://(unparsable URL)");
        let error = RedisLimits::new("http://:hunter2@x")
            .unwrap_err()
            .to_string();
        assert!(!error.contains("hunter2"), "{error}");
    }

    #[test]
    fn waits_round_up_to_whole_seconds() {
        assert_eq!(secs(0), 1);
        assert_eq!(secs(1), 1);
        assert_eq!(secs(1_000_000), 1);
        assert_eq!(secs(1_000_001), 2);
    }
}
