//! Who is calling: roles, the authenticated [`Caller`], and the [`Authenticator`] plug-in point.
//!
//! The core only defines the model. Key formats, hashing and stores live in `leanrpc-keys`.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;
use std::sync::Arc;

use crate::BoxFuture;
use crate::error::RpcError;

/// Leantime's ordered roles: `readonly < commenter < editor < manager < admin < owner`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// May read.
    Readonly,
    /// May read and comment.
    Commenter,
    /// May create and change content.
    Editor,
    /// May manage projects and delete content.
    Manager,
    /// May administer the installation.
    Admin,
    /// Owns the installation.
    Owner,
}

impl Role {
    /// Every role, lowest first.
    pub const ALL: [Role; 6] = [
        Role::Readonly,
        Role::Commenter,
        Role::Editor,
        Role::Manager,
        Role::Admin,
        Role::Owner,
    ];

    /// The lowercase name (`"editor"`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Readonly => "readonly",
            Role::Commenter => "commenter",
            Role::Editor => "editor",
            Role::Manager => "manager",
            Role::Admin => "admin",
            Role::Owner => "owner",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error for a role name that is not one of Leantime's six.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownRole(pub String);

impl fmt::Display for UnknownRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown role `{}`: expected one of readonly, commenter, editor, manager, admin, owner",
            self.0
        )
    }
}

impl std::error::Error for UnknownRole {}

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

/// The authenticated identity behind a request: an API key's id, name, role, projects and scopes.
#[derive(Clone, PartialEq, Eq)]
pub struct Caller {
    /// The key's public id.
    pub key_id: String,
    /// A human-readable name for the key.
    pub name: String,
    /// The key's role.
    pub role: Role,
    /// The projects the key may touch; empty means every project.
    pub projects: Vec<i64>,
    /// The scopes the key holds; empty means every scope.
    pub scopes: Vec<String>,
}

impl fmt::Debug for Caller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Only public facts: a Caller never holds a secret, but say so explicitly.
        f.debug_struct("Caller")
            .field("key_id", &self.key_id)
            .field("name", &self.name)
            .field("role", &self.role)
            .field("projects", &self.projects)
            .field("scopes", &self.scopes)
            .finish()
    }
}

impl Caller {
    /// Whether the key may touch project `id`.
    pub fn may_access_project(&self, id: i64) -> bool {
        self.projects.is_empty() || self.projects.contains(&id)
    }

    /// `Ok` when the key may touch project `id`, otherwise -32001.
    pub fn require_project(&self, id: i64) -> Result<(), RpcError> {
        if self.may_access_project(id) {
            Ok(())
        } else {
            Err(RpcError::forbidden("this key may not access that project"))
        }
    }

    /// Whether the key holds `scope` (a key without scopes holds all).
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.is_empty() || self.scopes.iter().any(|s| s == scope)
    }

    /// `Ok` when the key's role is at least `role`, otherwise -32001.
    pub fn require_role(&self, role: Role) -> Result<(), RpcError> {
        if self.role >= role {
            Ok(())
        } else {
            Err(RpcError::forbidden(format!(
                "this method requires role `{role}` or higher"
            )))
        }
    }
}

/// What an [`Authenticator`] sees of a request.
#[derive(Clone, Copy)]
pub struct Credentials<'a> {
    /// The raw `x-api-key` header, if present (any bytes; never logged).
    pub api_key: Option<&'a [u8]>,
    /// The client's address, when the transport knows it.
    pub peer: Option<IpAddr>,
}

impl fmt::Debug for Credentials<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("api_key", &self.api_key.map(|_| "[redacted]"))
            .field("peer", &self.peer)
            .finish()
    }
}

/// Why a request was not authenticated. Every variant but [`AuthError::RateLimited`] answers
/// HTTP 401 with -32001; the variants exist for logs and metrics, clients see the same answer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthError {
    /// No `x-api-key` header.
    Missing,
    /// The header is not a well-formed key.
    Malformed,
    /// Unknown key id, wrong secret, revoked or expired key.
    Rejected,
    /// Too many failed attempts from this address, or too many calls for this key.
    RateLimited {
        /// Seconds until the client may retry.
        retry_after: u64,
    },
    /// The key store failed; answered as a generic 401 without detail.
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

/// Turns request credentials into a [`Caller`]. Implemented by `leanrpc-keys`; tests can
/// implement it directly. The caller comes back shared, so an authenticator that caches
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

/// Access rules a method declares with `#[rpc(min_role = "...", scope = "...")]`.
#[derive(Debug, Clone, Copy)]
pub struct Access {
    /// The lowest role that may call the method; `None` takes the server's default.
    pub min_role: Option<Role>,
    /// Scopes the caller must hold, all of them.
    pub scopes: &'static [&'static str],
}

impl Access {
    /// No declared rules: the server default applies.
    pub const DEFAULT: Access = Access {
        min_role: None,
        scopes: &[],
    };

    /// Checks a caller against these rules, with `default_role` standing in for an unset minimum.
    pub fn check(&self, caller: &Caller, default_role: Role) -> Result<(), RpcError> {
        caller.require_role(self.min_role.unwrap_or(default_role))?;
        match self.scopes.iter().find(|s| !caller.has_scope(s)) {
            Some(missing) => Err(RpcError::forbidden(format!(
                "this method requires scope `{missing}`"
            ))),
            None => Ok(()),
        }
    }
}

/// A caller with the given grant, for the core's unit tests. Integration tests and the other
/// crates use `leanrpc_test_support::caller` instead; the core's unit tests cannot, because inside
/// them `crate::Caller` is not the `leanrpc_core::Caller` that crate builds.
#[cfg(test)]
pub(crate) fn test_caller(role: Role, projects: Vec<i64>, scopes: &[&str]) -> Caller {
    Caller {
        key_id: "k1".into(),
        name: "test key".into(),
        role,
        projects,
        scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_never_show_the_key() {
        let shown = format!(
            "{:?}",
            Credentials {
                api_key: Some(b"lt_abc_secret"),
                peer: None
            }
        );
        assert!(
            shown.contains("[redacted]") && !shown.contains("secret") && !shown.contains("108"),
            "{shown}"
        );
    }

    #[test]
    fn roles_are_ordered_and_parse() {
        assert!(Role::Readonly < Role::Commenter && Role::Admin < Role::Owner);
        assert_eq!("Editor".parse::<Role>().unwrap(), Role::Editor);
        assert!(
            "root"
                .parse::<Role>()
                .unwrap_err()
                .to_string()
                .contains("readonly, commenter")
        );
    }

    #[test]
    fn access_checks_role_scope_and_project() {
        let c = test_caller(Role::Editor, vec![1], &["tickets:read"]);
        let write = Access {
            min_role: Some(Role::Editor),
            scopes: &["tickets:write"],
        };
        assert_eq!(
            write.check(&c, Role::Admin).unwrap_err().code(),
            crate::ErrorCode::UNAUTHORIZED
        );
        assert!(
            Access {
                min_role: None,
                scopes: &["tickets:read"]
            }
            .check(&c, Role::Readonly)
            .is_ok()
        );
        assert!(Access::DEFAULT.check(&c, Role::Manager).is_err());
        assert!(c.require_project(1).is_ok());
        assert!(c.require_project(2).is_err());
        assert!(test_caller(Role::Readonly, vec![], &[]).may_access_project(99));
    }
}
