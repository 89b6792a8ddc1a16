//! Authentication failures and rate-limited calls, counted by wrapping the authenticator.

use std::sync::Arc;

use leanrpc_core::{
    AuthError, Authenticator, BoxFuture, Caller, Credentials, RateStatus, Throttled,
};

use crate::names;

/// An [`Authenticator`] that counts what `inner` refuses: `leanrpc_auth_failures_total` by
/// reason (`missing`, `malformed`, `rejected`, `rate_limited` for the per-address limit on
/// failed attempts, `unavailable`, `other`) and `leanrpc_rate_limited_calls_total`, the calls
/// refused by a key's rate limit (every call of a refused batch).
///
/// A request with several `x-api-key` headers is refused by the server before the
/// authenticator is asked, so it is not counted here.
#[derive(Debug)]
pub struct Metered<A> {
    inner: A,
}

impl<A: Authenticator> Metered<A> {
    /// Counts what `inner` refuses.
    pub fn new(inner: A) -> Self {
        Self { inner }
    }

    /// The wrapped authenticator.
    pub fn inner(&self) -> &A {
        &self.inner
    }
}

/// The `reason` label of an authentication failure.
fn reason(error: &AuthError) -> &'static str {
    match error {
        AuthError::Missing => "missing",
        AuthError::Malformed => "malformed",
        AuthError::Rejected => "rejected",
        AuthError::RateLimited { .. } => "rate_limited",
        AuthError::Unavailable => "unavailable",
        AuthError::SeveralKeys => "several_keys",
        _ => "other",
    }
}

impl<A: Authenticator> Authenticator for Metered<A> {
    fn authenticate<'a>(
        &'a self,
        credentials: Credentials<'a>,
    ) -> BoxFuture<'a, Result<Arc<Caller>, AuthError>> {
        let verdict = self.inner.authenticate(credentials);
        Box::pin(async move {
            let verdict = verdict.await;
            if let Err(error) = &verdict {
                metrics::counter!(names::AUTH_FAILURES, "reason" => reason(error)).increment(1);
            }
            verdict
        })
    }

    fn charge(&self, caller: &Caller, calls: usize) -> Result<RateStatus, Throttled> {
        let charged = self.inner.charge(caller, calls);
        if charged.is_err() {
            metrics::counter!(names::RATE_LIMITED_CALLS).increment(calls as u64);
        }
        charged
    }

    // Forwarded, never left to the default: an inner authenticator that counts calls outside
    // this process (Redis) does it here, and the default would fall back to its local count.
    fn charge_async<'a>(
        &'a self,
        caller: &'a Caller,
        calls: usize,
    ) -> BoxFuture<'a, Result<RateStatus, Throttled>> {
        let charged = self.inner.charge_async(caller, calls);
        Box::pin(async move {
            let charged = charged.await;
            if charged.is_err() {
                metrics::counter!(names::RATE_LIMITED_CALLS).increment(calls as u64);
            }
            charged
        })
    }
}

#[cfg(test)]
mod tests {
    use leanrpc_core::{Grant, Role};
    use metrics_exporter_prometheus::PrometheusBuilder;

    use super::*;

    /// Allows every call locally, refuses them all through the shared (async) count: a
    /// Redis-backed limit seen from one process.
    struct SharedLimit;

    impl Authenticator for SharedLimit {
        fn authenticate<'a>(
            &'a self,
            _: Credentials<'a>,
        ) -> BoxFuture<'a, Result<Arc<Caller>, AuthError>> {
            Box::pin(std::future::ready(Err(AuthError::Missing)))
        }

        fn charge_async<'a>(
            &'a self,
            _: &'a Caller,
            _: usize,
        ) -> BoxFuture<'a, Result<RateStatus, Throttled>> {
            Box::pin(std::future::ready(Err(Throttled {
                limit: 1,
                retry_after: 60,
            })))
        }
    }

    #[test]
    fn the_shared_count_is_asked_and_its_refusals_counted() {
        let recorder = PrometheusBuilder::new().build_recorder();
        let handle = recorder.handle();
        let metered = Metered::new(SharedLimit);
        let caller = Caller::new("k1", Grant::new("test", Role::Admin));
        let charged = metrics::with_local_recorder(&recorder, || {
            futures_executor::block_on(metered.charge_async(&caller, 3))
        });
        assert!(
            charged.is_err(),
            "the inner authenticator's shared count refused"
        );
        let text = handle.render();
        assert!(
            text.lines()
                .any(|l| l.starts_with(names::RATE_LIMITED_CALLS) && l.ends_with(" 3")),
            "{text}"
        );
    }
}
