//! Fixed-window counters: calls per key, failed attempts per client address.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// At most `max` events per `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Events allowed per window.
    pub max: u64,
    /// The window's length.
    pub window: Duration,
}

impl RateLimit {
    /// `max` events per `window`.
    pub const fn new(max: u64, window: Duration) -> Self {
        Self { max, window }
    }

    /// `max` events per minute.
    pub const fn per_minute(max: u64) -> Self {
        Self::new(max, Duration::from_secs(60))
    }
}

impl Default for RateLimit {
    /// Leantime's default: 120 calls a minute.
    fn default() -> Self {
        Self::per_minute(120)
    }
}

/// One counter per key, each counting from its first event for one window, then starting over.
/// Entries whose window has ended are dropped when the table reaches `max_tracked`; if it is
/// still full, new keys go uncounted rather than evicting live ones.
#[derive(Debug)]
pub(crate) struct FixedWindows<K> {
    limit: RateLimit,
    max_tracked: usize,
    windows: Mutex<HashMap<K, Window>>,
    /// `windows.len()`, kept beside it so that [`exhausted`](Self::exhausted) can answer an
    /// empty table (no failed attempts lately, the usual case) without the lock.
    tracked: AtomicUsize,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    start: Instant,
    used: u64,
}

impl<K: Hash + Eq> FixedWindows<K> {
    pub(crate) fn new(limit: RateLimit, max_tracked: usize) -> Self {
        Self {
            limit,
            max_tracked,
            windows: Mutex::new(HashMap::new()),
            tracked: AtomicUsize::new(0),
        }
    }

    pub(crate) fn limit(&self) -> RateLimit {
        self.limit
    }

    /// Takes `n` events if they fit: `Ok(remaining)` or `Err(seconds until the window ends)`.
    /// Events that do not fit are not counted.
    pub(crate) fn take<Q>(&self, key: &Q, n: u64, now: Instant) -> Result<u64, u64>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        let max = self.limit.max;
        let mut windows = self.windows.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(window) = self.window(&mut windows, key, now) else {
            return Ok(max.saturating_sub(n));
        };
        match window.used.checked_add(n).filter(|&used| used <= max) {
            Some(used) => {
                window.used = used;
                Ok(max - used)
            }
            None => Err(self.retry_after(window, now)),
        }
    }

    /// `Some(seconds until the window ends)` when `key` has used up its window.
    pub(crate) fn exhausted<Q>(&self, key: &Q, now: Instant) -> Option<u64>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        if self.tracked.load(Ordering::Relaxed) == 0 {
            return None;
        }
        let windows = self.windows.lock().unwrap_or_else(PoisonError::into_inner);
        let window = windows.get(key)?;
        (now < window.start + self.limit.window && window.used >= self.limit.max)
            .then(|| self.retry_after(window, now))
    }

    /// Counts one event, whether or not it fits.
    pub(crate) fn add<Q>(&self, key: &Q, now: Instant)
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        let mut windows = self.windows.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(window) = self.window(&mut windows, key, now) {
            window.used = window.used.saturating_add(1);
        }
    }

    /// The live window for `key`, opening one if needed; `None` if the table is full.
    fn window<'m, Q>(
        &self,
        windows: &'m mut HashMap<K, Window>,
        key: &Q,
        now: Instant,
    ) -> Option<&'m mut Window>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        let length = self.limit.window;
        if !windows.contains_key(key) {
            if windows.len() >= self.max_tracked {
                windows.retain(|_, w| now < w.start + length);
                self.tracked.store(windows.len(), Ordering::Relaxed);
                if windows.len() >= self.max_tracked {
                    return None;
                }
            }
            windows.insert(
                key.to_owned(),
                Window {
                    start: now,
                    used: 0,
                },
            );
            self.tracked.store(windows.len(), Ordering::Relaxed);
        }
        let window = windows.get_mut(key)?;
        if now >= window.start + length {
            *window = Window {
                start: now,
                used: 0,
            };
        }
        Some(window)
    }

    fn retry_after(&self, window: &Window, now: Instant) -> u64 {
        let left = (window.start + self.limit.window).saturating_duration_since(now);
        // Round up, and never say 0: a client told to retry in 0 s retries at once.
        (left.as_secs() + u64::from(left.subsec_nanos() > 0)).max(1)
    }
}

/// The address failed attempts are counted under: IPv4 as is, IPv6 by its /64 (one host
/// usually holds a whole /64), IPv4-mapped IPv6 as the IPv4 address.
pub(crate) fn client_bucket(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let mut s = v6.segments();
                s[4..].fill(0);
                IpAddr::V6(Ipv6Addr::from(s))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn take_counts_batches_and_resets_after_the_window() {
        let t0 = Instant::now();
        let w = FixedWindows::<String>::new(RateLimit::new(5, Duration::from_secs(60)), 10);
        assert_eq!(w.take("k", 3, t0), Ok(2));
        assert_eq!(
            w.take("k", 3, t0),
            Err(60),
            "a batch that does not fit is refused whole"
        );
        assert_eq!(w.take("k", 2, t0 + Duration::from_millis(500)), Ok(0));
        assert_eq!(w.take("k", 1, t0 + Duration::from_secs(59)), Err(1));
        assert_eq!(w.take("other", 1, t0), Ok(4));
        assert_eq!(w.take("k", 1, t0 + Duration::from_secs(60)), Ok(4));
    }

    #[test]
    fn failures_exhaust_and_the_table_stays_bounded() {
        let t0 = Instant::now();
        let w = FixedWindows::<IpAddr>::new(RateLimit::new(2, Duration::from_secs(10)), 2);
        let a: IpAddr = [10, 0, 0, 1].into();
        assert_eq!(
            w.exhausted(&a, t0),
            None,
            "an empty table answers without the lock"
        );
        w.add(&a, t0);
        assert_eq!(w.tracked.load(Ordering::Relaxed), 1);
        assert_eq!(w.exhausted(&a, t0), None);
        w.add(&a, t0);
        assert_eq!(w.exhausted(&a, t0 + Duration::from_secs(3)), Some(7));
        assert_eq!(w.exhausted(&a, t0 + Duration::from_secs(10)), None);
        w.add(&[10, 0, 0, 2].into(), t0);
        w.add(&[10, 0, 0, 3].into(), t0);
        assert_eq!(
            w.windows.lock().unwrap().len(),
            2,
            "full: the third goes uncounted"
        );
        w.add(&[10, 0, 0, 3].into(), t0 + Duration::from_secs(11));
        assert_eq!(
            w.tracked.load(Ordering::Relaxed),
            1,
            "the count follows the pruning"
        );
        assert_eq!(
            w.windows.lock().unwrap().len(),
            1,
            "ended windows are pruned"
        );
    }

    #[test]
    fn ipv6_counts_by_slash_64() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        assert_eq!(client_bucket(a), client_bucket(b));
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(client_bucket(mapped), IpAddr::from([192, 0, 2, 7]));
    }
}
