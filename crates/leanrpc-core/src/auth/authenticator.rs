//! [`Authenticator`]: the plug-in point that turns [`Credentials`] into a [`Caller`], and what
//! it answers.

use std::fmt;
use std::sync::Arc;

use crate::BoxFuture;
use crate::auth::{Caller, Credentials};

/// Why a request was not authenticated. Every variant but [`AuthError::RateLimited`] answers
/// HTTP 401 with -32001; the variants exist for logs and metrics, clients see the same answer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthError {
    /// No credentials (for API keys: no `x-api-key` header).
    Missing,
    /// The credentials are not well-formed (for API keys: not a well-formed key).
    Malformed,
    /// Unknown credentials, a wrong secret, or revoked or expired ones.
    Rejected,
    /// Too many failed attempts from this address, or too many calls for this key.
    RateLimited {
        /// Seconds until the client may retry.
        retry_after: u64,
    },
    /// The credential store failed; answered as a generic 401 without detail.
    Unavailable,
    /// The request carries more than one `x-api-key` header; answered 401 saying so, before
    /// any key is looked up.
    SeveralKeys,
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthError::Missing => f.write_str("no x-api-key header"),
            AuthError::Malformed => f.write_str("the x-api-key header is not a well-formed key"),
            AuthError::Rejected => {
                f.write_str("unknown key, wrong secret, or a revoked or expired key")
            }
            AuthError::RateLimited { retry_after } => {
                write!(f, "too many attempts or calls; retry after {retry_after} s")
            }
            AuthError::Unavailable => f.write_str("the key store is unavailable"),
            AuthError::SeveralKeys => f.write_str("more than one x-api-key header"),
        }
    }
}

impl std::error::Error for AuthError {}

/// Turns request credentials into a [`Caller`]. `leanrpc-keys` implements it for API keys; an
/// application implements it for any other scheme (a bearer token, a JWT, a signed request),
/// reading [`Credentials::headers`]. The caller comes back shared, so an authenticator that caches
/// verified keys hands out the same `Caller` without copying it per request.
pub trait Authenticator: Send + Sync + 'static {
    /// Authenticates one HTTP request. Called once per request, before any call of a batch runs.
    fn authenticate<'a>(
        &'a self,
        credentials: Credentials<'a>,
    ) -> BoxFuture<'a, Result<Arc<Caller>, AuthError>>;

    /// Counts `calls` calls against the caller's rate limit. The default does not limit.
    fn charge(&self, caller: &Caller, calls: usize) -> Result<RateStatus, Throttled> {
        let _ = (caller, calls);
        Ok(RateStatus::Unlimited)
    }

    /// Counts `calls` calls against the caller's rate limit where the count may live outside
    /// this process (a Redis that several servers share, say), so answering may wait. The HTTP
    /// endpoint charges through this one. The default answers [`charge`](Self::charge) at once;
    /// an authenticator whose count is always local need not implement it.
    fn charge_async<'a>(
        &'a self,
        caller: &'a Caller,
        calls: usize,
    ) -> BoxFuture<'a, Result<RateStatus, Throttled>> {
        Box::pin(std::future::ready(self.charge(caller, calls)))
    }
}

/// A request refused by the caller's rate limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttled {
    /// Calls allowed per window.
    pub limit: u64,
    /// Seconds until the client may retry.
    pub retry_after: u64,
}

/// The caller's rate-limit standing after a request was charged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateStatus {
    /// No limit applies.
    Unlimited,
    /// A limit applies.
    Limited {
        /// Calls allowed per window.
        limit: u64,
        /// Calls left in the current window.
        remaining: u64,
    },
}
