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
}
