//! Who is calling: the authenticated [`Caller`] and its [`Grant`], the ordered [`Role`]s,
//! what an [`Authenticator`] sees ([`Credentials`]) and answers, and the per-method [`Access`]
//! check.
//!
//! The core holds the mechanism only. Credential formats, how they are stored and checked
//! (`leanrpc-keys` for API keys) and what roles mean to an application live outside it.

mod access;
mod authenticator;
mod caller;
mod credentials;
mod grant;
mod role;

pub use access::Access;
pub use authenticator::{AuthError, Authenticator, RateStatus, Throttled};
pub use caller::Caller;
pub use credentials::Credentials;
pub use grant::Grant;
pub use role::{Role, UnknownRole};

/// A caller with the given grant, for the core's unit tests. Integration tests and the other
/// crates use `leanrpc_test_support::caller` instead; the core's unit tests cannot, because inside
/// them `crate::Caller` is not the `leanrpc_core::Caller` that crate builds.
#[cfg(test)]
pub(crate) fn test_caller(role: Role, projects: Vec<i64>, scopes: &[&str]) -> Caller {
    Caller::new(
        "k1",
        Grant::new("test key", role)
            .projects(projects)
            .scopes(scopes.iter().copied()),
    )
}
