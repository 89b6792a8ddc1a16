//! [`Grant`]: what a credential may do, written once for callers, stored keys and new keys.

use crate::auth::Role;
use crate::error::RpcError;

/// What a credential may do: its name, [`Role`], projects and scopes. One type serves the
/// authenticated [`Caller`](crate::Caller), a key store's record and a key being created, so
/// the grant is never copied field by field between them.
///
/// The fields are public to read (and to change on a grant you own); a grant is built with
/// [`Grant::new`] and the builder methods, so that a field added later is not a breaking change:
///
/// ```
/// use leanrpc_core::{Grant, Role};
///
/// let grant = Grant::new("ci", Role::Editor).projects([7]).scopes(["tickets:read"]);
/// assert!(grant.may_access_project(7) && !grant.may_access_project(8));
/// assert!(grant.has_scope("tickets:read") && !grant.has_scope("tickets:write"));
/// assert!(grant.require_role(Role::Manager).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Grant {
    /// A human-readable name for the credential.
    pub name: String,
    /// The role.
    pub role: Role,
    /// The projects the credential may touch; empty means every project.
    pub projects: Vec<i64>,
    /// The scopes the credential holds; empty means every scope.
    pub scopes: Vec<String>,
}

impl Grant {
    /// A grant named `name` with `role`, every project and every scope.
    pub fn new(name: impl Into<String>, role: Role) -> Self {
        Self {
            name: name.into(),
            role,
            projects: Vec::new(),
            scopes: Vec::new(),
        }
    }

    /// Limits the grant to `projects` (none: every project).
    pub fn projects(mut self, projects: impl IntoIterator<Item = i64>) -> Self {
        self.projects = projects.into_iter().collect();
        self
    }

    /// Limits the grant to `scopes` (none: every scope).
    pub fn scopes<T: Into<String>>(mut self, scopes: impl IntoIterator<Item = T>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Whether the grant reaches project `id`.
    pub fn may_access_project(&self, id: i64) -> bool {
        self.projects.is_empty() || self.projects.contains(&id)
    }

    /// `Ok` when the grant reaches project `id`, otherwise -32001.
    pub fn require_project(&self, id: i64) -> Result<(), RpcError> {
        if self.may_access_project(id) {
            Ok(())
        } else {
            Err(RpcError::forbidden("this key may not access that project"))
        }
    }

    /// Whether the grant holds `scope` (a grant without scopes holds all).
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.is_empty() || self.scopes.iter().any(|s| s == scope)
    }

    /// `Ok` when the grant's role is at least `role`, otherwise -32001.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_lists_mean_everything() {
        let open = Grant::new("k", Role::Readonly);
        assert!(open.may_access_project(99) && open.has_scope("anything"));
        let narrow = open.clone().projects([1, 2]).scopes(["a"]);
        assert_eq!(
            (narrow.projects.as_slice(), narrow.scopes.as_slice()),
            (&[1, 2][..], &["a".to_owned()][..])
        );
        assert!(narrow.require_project(2).is_ok());
        assert_eq!(
            narrow.require_project(3).unwrap_err().code(),
            crate::ErrorCode::UNAUTHORIZED
        );
        assert!(!narrow.has_scope("b"));
    }

    #[test]
    fn roles_are_checked_in_order() {
        let editor = Grant::new("k", Role::Editor);
        assert!(editor.require_role(Role::Commenter).is_ok());
        assert!(editor.require_role(Role::Editor).is_ok());
        let refused = editor.require_role(Role::Manager).unwrap_err();
        assert!(
            refused.message().contains("`manager`"),
            "{}",
            refused.message()
        );
    }
}
